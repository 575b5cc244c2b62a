import { DOMAIN, type Point } from './datasets';

export const MAX_CSV_ROWS = 2000;
export const MAX_CSV_BYTES = 200_000;

/**
 * Reads points from CSV text: `x1,x2,label` per line (a header line is allowed), x₁ and x₂ within ±6, labels 0/1
 * (or 0–2 for three classes, or a value in [−1, 1] for regression). Errors name the line.
 */
export function parsePointsCsv(text: string, kind: 'binary' | 'multi' | 'regression'): Point[] {
  if (text.length > MAX_CSV_BYTES) {
    throw new Error(
      `The file is ${Math.round(text.length / 1000)} kB; the limit is ${MAX_CSV_BYTES / 1000} kB.`,
    );
  }
  const lines = text.split(/\r?\n/);
  const points: Point[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const n = index + 1;
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (index === 0 && cells.some((c) => c !== '' && Number.isNaN(Number(c)))) return; // a header
    if (cells.length !== 3)
      throw new Error(`Line ${n}: expected 3 values (x1, x2, label), found ${cells.length}.`);
    const [x, y, label] = cells.map((c) => (c === '' ? Number.NaN : Number(c))) as [number, number, number];
    for (const [name, v] of [
      ['x1', x],
      ['x2', y],
      ['label', label],
    ] as const) {
      if (!Number.isFinite(v))
        throw new Error(
          `Line ${n}: ${name} “${cells[name === 'x1' ? 0 : name === 'x2' ? 1 : 2]}” is not a number.`,
        );
    }
    if (Math.abs(x) > DOMAIN || Math.abs(y) > DOMAIN) {
      throw new Error(
        `Line ${n}: the point (${x}, ${y}) is outside the plane (each coordinate within ±${DOMAIN}).`,
      );
    }
    if (kind === 'binary' && label !== 0 && label !== 1)
      throw new Error(`Line ${n}: the label must be 0 or 1, found ${label}.`);
    if (kind === 'multi' && ![0, 1, 2].includes(label))
      throw new Error(`Line ${n}: the class must be 0, 1 or 2, found ${label}.`);
    if (kind === 'regression' && Math.abs(label) > 1)
      throw new Error(`Line ${n}: the target must be within ±1, found ${label}.`);
    points.push({ x, y, label });
    if (points.length > MAX_CSV_ROWS)
      throw new Error(`Line ${n}: more than ${MAX_CSV_ROWS} points; the limit is ${MAX_CSV_ROWS}.`);
  });
  if (points.length === 0) throw new Error('The file has no points.');
  return points;
}

export function pointsToCsv(points: readonly Point[]): string {
  return ['x1,x2,label', ...points.map((p) => `${p.x.toFixed(4)},${p.y.toFixed(4)},${p.label}`)].join('\n');
}
