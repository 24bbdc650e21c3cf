/** A shape with known dims as numbers and unknown dims as null; undefined when the rank is unknown. */
export type Shape = (number | null)[];

export interface NodeShapeResult {
  outputs: (Shape | undefined)[];
  /** Multiply-accumulates of the node; null when shapes do not allow counting them. */
  macs: number | null;
}

export const prod = (s: Shape): number | null => s.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);

/** numpy broadcasting of shapes; a dim is null where an unknown dim meets 1 or another unknown dim. */
export function broadcast(shapes: Shape[]): Shape | undefined {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let d: number | null = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i];
      if (v === undefined || v === 1) continue;
      if (v === null) d = d === 1 ? null : d;
      else d = v;
    }
    out.push(d);
  }
  return out;
}
