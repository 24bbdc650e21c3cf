import type { TensorSignature } from '../../core/inspect/summary';
import { shapeText } from './shape';

export function SignatureTable({ inputs, outputs }: { inputs: TensorSignature[]; outputs: TensorSignature[] }) {
  const rows = (role: string, list: TensorSignature[]) =>
    list.map((r, i) => (
      <tr key={`${role}:${r.name}`} data-role={role}>
        <td className="muted">{i === 0 ? role : ''}</td>
        <td>
          <code>{r.name}</code>
        </td>
        <td>{r.dtype}</td>
        <td>
          <code>{shapeText(r.shape)}</code>
        </td>
      </tr>
    ));
  return (
    <table className="table compact" data-testid="signature">
      <thead>
        <tr>
          <th><span className="visually-hidden">role</span></th>
          <th>name</th>
          <th>dtype</th>
          <th>shape</th>
        </tr>
      </thead>
      <tbody>
        {rows('inputs', inputs)}
        {rows('outputs', outputs)}
      </tbody>
    </table>
  );
}
