import { CLASSES, type ProblemType, problemLabels, problemTypes } from '../state/config';
import { DOMAIN, type Point } from './datasets';

export const MAX_CSV_ROWS = 2000;
export const MAX_CSV_BYTES = 200_000;
/** How far out a point may lie: noisy datasets scatter points past the shown plane (±6), up to ±12. */
export const MAX_COORDINATE = 2 * DOMAIN;
/** The largest regression target (noisy planes reach ±1.5). */
export const MAX_TARGET = 2;

/** What `parsePointsCsv` read: the points, their problem type, and how that type was decided. */
export interface CsvPoints {
  points: Point[];
  problem: ProblemType;
  /** 'file': the file's `# problem: …` line said it; 'labels': detected from the labels; 'given': the caller's. */
  source: 'file' | 'labels' | 'given';
}

/**
 * Reads points from CSV text: `x1,x2,label` per line (a header line is allowed; `#` lines are comments). The
 * problem type is the `kind` passed in, else the file's `# problem: binary|multi|regression` line (our exports
 * write one), else detected from the labels (`detectProblem`). Errors name the line.
 */
export function parsePointsCsv(text: string, kind?: ProblemType): CsvPoints {
  if (text.length > MAX_CSV_BYTES) {
    throw new Error(
      `The file is ${Math.round(text.length / 1000)} kB; the limit is ${MAX_CSV_BYTES / 1000} kB.`,
    );
  }
  const lines = text.split(/\r?\n/);
  const points: Point[] = [];
  const lineOf: number[] = [];
  let declared: ProblemType | undefined;
  let seenData = false;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const n = index + 1;
    if (line.startsWith('#')) {
      const m = /^#\s*problem\s*[:=]\s*([\w-]+)/i.exec(line);
      if (m) {
        const name = (m[1] as string).toLowerCase();
        if (!(problemTypes as readonly string[]).includes(name))
          throw new Error(`Line ${n}: unknown problem type “${m[1]}” (one of ${problemTypes.join(', ')}).`);
        declared = name as ProblemType;
      }
      return;
    }
    if (line === '') return;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (!seenData && cells.some((c) => c !== '' && Number.isNaN(Number(c)))) {
      seenData = true;
      return; // a header
    }
    seenData = true;
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
    if (Math.abs(x) > MAX_COORDINATE || Math.abs(y) > MAX_COORDINATE) {
      throw new Error(
        `Line ${n}: the point (${x}, ${y}) is outside the plane (each coordinate within ±${MAX_COORDINATE}).`,
      );
    }
    points.push({ x, y, label });
    lineOf.push(n);
    if (points.length > MAX_CSV_ROWS)
      throw new Error(`Line ${n}: more than ${MAX_CSV_ROWS} points; the limit is ${MAX_CSV_ROWS}.`);
  });
  if (points.length === 0) throw new Error('The file has no points.');
  const problem = kind ?? declared ?? detectProblem(points.map((p) => p.label));
  const bad = points.findIndex((p) => labelProblem(p.label, problem) !== null);
  if (bad >= 0) {
    const why = labelProblem((points[bad] as Point).label, problem) as string;
    throw new Error(`Line ${lineOf[bad]}: ${why}`);
  }
  return { points, problem, source: kind ? 'given' : declared ? 'file' : 'labels' };
}

/**
 * The problem type labels suggest: only 0 and 1 → binary; integers 0…2 with a 2 among them → multi-class;
 * anything else → regression.
 */
export function detectProblem(labels: readonly number[]): ProblemType {
  if (labels.every((l) => l === 0 || l === 1)) return 'binary';
  if (labels.every((l) => Number.isInteger(l) && l >= 0 && l < CLASSES)) return 'multi';
  const classes = new Set(labels);
  if (labels.every((l) => Number.isInteger(l) && l >= 0) && classes.size <= 20)
    throw new Error(
      `The labels look like ${classes.size} classes (${[...classes].sort((a, b) => a - b).join(', ')}); the playground's multi-class problems have ${CLASSES} (0, 1, 2).`,
    );
  return 'regression';
}

/** Why a label does not fit a problem type, or null when it does. */
export function labelProblem(label: number, problem: ProblemType): string | null {
  if (!Number.isFinite(label)) return `the label ${label} is not a number.`;
  if (problem === 'binary' && label !== 0 && label !== 1) return `the label must be 0 or 1, found ${label}.`;
  if (problem === 'multi' && !(Number.isInteger(label) && label >= 0 && label < CLASSES))
    return `the class must be 0, 1 or 2, found ${label}.`;
  if (problem === 'regression' && Math.abs(label) > MAX_TARGET)
    return `the target must be within ±${MAX_TARGET}, found ${label}.`;
  return null;
}

/** The notice after an import: how many points, and which problem type and why. */
export function importSummary(name: string, read: CsvPoints): string {
  const how =
    read.source === 'file'
      ? 'as the file says'
      : read.source === 'labels'
        ? 'detected from the labels'
        : 'as selected';
  return `Loaded ${read.points.length} points from ${name}: ${problemLabels[read.problem].toLowerCase()} (${how}).`;
}

/**
 * The points as CSV, with a `# problem:` line so that an import gets the same type back; numbers in full
 * (JavaScript's shortest exact form), so export → import gives the same points.
 */
export function pointsToCsv(points: readonly Point[], problem: ProblemType): string {
  return [`# problem: ${problem}`, 'x1,x2,label', ...points.map((p) => `${p.x},${p.y},${p.label}`)].join(
    '\n',
  );
}
