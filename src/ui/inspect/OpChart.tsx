import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** The op histogram as a chart; loaded lazily so recharts stays out of the first paint. */
export default function OpChart({ data }: { data: { op: string; count: number }[] }) {
  return (
    <div style={{ width: '100%', height: Math.max(120, data.length * 24 + 30) }}>
      <ResponsiveContainer>
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 24, top: 4, bottom: 4 }}>
          <XAxis type="number" allowDecimals={false} fontSize={12} />
          <YAxis type="category" dataKey="op" width={150} fontSize={12} interval={0} />
          <Tooltip />
          <Bar dataKey="count" fill="#3b6ea5" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
