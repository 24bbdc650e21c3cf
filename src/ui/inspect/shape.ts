/** "[batch, 1, 28, 28]"; unknown dims as "?". */
export const shapeText = (s: (number | string | null)[] | null) => (s ? `[${s.map((d) => d ?? '?').join(', ')}]` : '?');
