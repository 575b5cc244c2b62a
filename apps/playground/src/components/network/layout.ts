/** The network view's geometry: every piece of it places itself with these. */

export const NODE = 40;
export const COL = 120;
export const ROW = 52;
/** Room above the first neuron for a layer's header: neuron buttons, count, activation and dropout selects. */
export const TOP = 78;
/** Room for the feature labels left of the input column. */
export const LEFT = 52;

/** Where the neuron at column `col`, row `i` sits. */
export const pos = (col: number, i: number) => ({ x: LEFT + col * COL, y: TOP + i * ROW });

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
