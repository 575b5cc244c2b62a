import LZString from 'lz-string';
import { labelProblem, MAX_COORDINATE } from '../data/csv';
import type { Point } from '../data/datasets';
import { type Config, fromHash, POINTS_PARAM, problemOf, toHash } from './config';

/**
 * Custom points in the link: `points=` the points as `x,y,label;…` (numbers in JavaScript's shortest exact form),
 * compressed with lz-string into URL-safe characters. Above `URL_LIMIT` characters the points go to
 * localStorage instead and the link says `points=stored`.
 */
export const URL_LIMIT = 8000;
export const STORED = 'stored';
export const STORAGE_KEY = 'chainrule-playground:points';

export function encodePoints(points: readonly Point[]): string {
  if (points.length === 0) return '';
  return LZString.compressToEncodedURIComponent(points.map((p) => `${p.x},${p.y},${p.label}`).join(';'));
}

/** The points of `encodePoints`; throws an Error that says what is wrong. */
export function decodePoints(text: string): Point[] {
  if (text === '') return [];
  const plain = LZString.decompressFromEncodedURIComponent(text);
  if (!plain) throw new Error('the points could not be decompressed');
  return plain.split(';').map((item, i) => {
    const values = item.split(',').map(Number);
    const [x, y, label] = values as [number, number, number];
    if (values.length !== 3 || !values.every(Number.isFinite))
      throw new Error(`point ${i + 1} (“${item.slice(0, 40)}”) is not three numbers`);
    if (Math.abs(x) > MAX_COORDINATE || Math.abs(y) > MAX_COORDINATE)
      throw new Error(`point ${i + 1} (${x}, ${y}) is outside the plane`);
    return { x, y, label };
  });
}

export interface LinkOut {
  /** The hash, without `#`. */
  hash: string;
  /** Set when the points made the link too long: they belong in storage, and the link says `points=stored`. */
  overflow: { length: number; encoded: string } | null;
}

/** The link for a config and its custom points (points only when the dataset is custom). */
export function linkHash(config: Config, custom: readonly Point[], limit = URL_LIMIT): LinkOut {
  const base = toHash(config);
  if (config.dataset !== 'custom') return { hash: base, overflow: null };
  const params = new URLSearchParams(base);
  const encoded = encodePoints(custom);
  params.set(POINTS_PARAM, encoded);
  const full = params.toString();
  if (full.length <= limit) return { hash: full, overflow: null };
  params.set(POINTS_PARAM, STORED);
  return { hash: params.toString(), overflow: { length: full.length, encoded } };
}

/** What overflowing points' notice says. */
export function overflowNotice(count: number, length: number, stored: boolean): string {
  const kb = (length / 1000).toFixed(1);
  return stored
    ? `${count} points make the link ${kb} kB, over the ${URL_LIMIT / 1000} kB limit: they are kept in this browser’s storage instead, so a reload here keeps them, but the link alone does not carry them (export a CSV to share them).`
    : `${count} points make the link ${kb} kB, over the ${URL_LIMIT / 1000} kB limit, and this browser’s storage refused them: export a CSV to keep them.`;
}

/**
 * Reads a link: its config (`fromHash`) and, for a custom dataset, its points (from the link, or from storage
 * when the link says `points=stored`). Points that cannot be read give an empty dataset and a notice.
 */
export function readLink(
  hash: string,
  storage: Pick<Storage, 'getItem'> | null,
): { config: Config; custom: Point[]; notice: string | null } {
  const { config, notice } = fromHash(hash);
  if (config.dataset !== 'custom') return { config, custom: [], notice };
  let raw: string | null = null;
  try {
    raw = new URLSearchParams(hash.replace(/^#/, '')).get(POINTS_PARAM);
  } catch {
    raw = null;
  }
  const empty = (why: string) => ({ config, custom: [], notice: notice ?? why });
  if (raw === null)
    return empty(
      'The link has a custom dataset but no points in it: click the output to add points, or import a CSV.',
    );
  let encoded = raw;
  if (raw === STORED) {
    let kept: string | null = null;
    try {
      kept = storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      kept = null;
    }
    if (kept === null)
      return empty(
        'The link’s points were too many for a link and were kept in the storage of the browser that made it; they are not in this one, so the custom dataset is empty.',
      );
    encoded = kept;
  }
  let custom: Point[];
  try {
    custom = decodePoints(encoded);
  } catch (err) {
    return empty(
      `The link’s points could not be read (${(err as Error).message}); the custom dataset is empty.`,
    );
  }
  const problem = problemOf(config);
  const bad = custom.find((p) => labelProblem(p.label, problem) !== null);
  if (bad)
    return empty(
      `The link’s points do not fit its problem type (${labelProblem(bad.label, problem)}); the custom dataset is empty.`,
    );
  return { config, custom, notice };
}
