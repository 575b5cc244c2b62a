/** The network view's geometry: every piece of it places itself with these. */

export const NODE = 40;
/** Column spacing: `COL` by default; the view narrows it (down to `MIN_COL`) so deep networks fit their panel. */
export const COL = 120;
export const MIN_COL = 80;
export const MAX_COL = 150;
export const ROW = 52;
/** Room above the first neuron for a layer's header: neuron buttons, count, activation and dropout selects. */
export const TOP = 78;
/** Room for the feature labels left of the input column. */
export const LEFT = 52;

/** Room right of the last column for the output's header. */
export const RIGHT = 28;

/** Where the neuron at column `col`, row `i` sits, with columns `spacing` apart. */
export const pos = (col: number, i: number, spacing = COL) => ({ x: LEFT + col * spacing, y: TOP + i * ROW });

/** The column spacing that fits `columns` columns into `available` pixels, between MIN_COL and MAX_COL. */
export function columnSpacing(available: number, columns: number): number {
  if (columns < 2 || !(available > 0)) return COL;
  const fit = Math.floor((available - LEFT - NODE - RIGHT) / (columns - 1));
  return Math.max(MIN_COL, Math.min(MAX_COL, fit));
}

/** What the pointer is over: a neuron (its bias) or a link (a weight), by the page's Dense-layer index. */
export interface Hover {
  kind: 'node' | 'link';
  x: number;
  y: number;
  layer: number;
  /** The link's source unit (links only). */
  from: number;
  unit: number;
}
