import { diverging } from '../render/colors';
import { SIDE } from './data';

/** Tiles per row of the weights grid for a hidden size. */
export const gridColumns = (hidden: number): number => (hidden <= 64 ? 8 : 16);
/** The gap between tiles, in image pixels. */
export const GAP = 2;

/** The largest |v| of `values[offset + k·stride]`, k < 784 (at least a tiny number, so a blank image divides). */
function maxAbs(values: ArrayLike<number>, offset: number, stride: number): number {
  let m = 1e-12;
  for (let k = 0; k < SIDE * SIDE; k++) m = Math.max(m, Math.abs(values[offset + k * stride] as number));
  return m;
}

/**
 * Paints one 28 × 28 image of signed values into `out` (RGBA, `width` pixels a row) at (x, y): the diverging scale,
 * orange for negative, blue for positive, scaled by the image's own largest |value| (or `scale`). The values are
 * `values[offset + k·stride]` for pixel k, so a column of W¹ (stride = hidden) paints without a copy.
 */
export function paintSigned(
  out: Uint8ClampedArray,
  width: number,
  x: number,
  y: number,
  values: ArrayLike<number>,
  offset = 0,
  stride = 1,
  scale?: number,
): void {
  const s = scale ?? maxAbs(values, offset, stride);
  for (let k = 0; k < SIDE * SIDE; k++) {
    const [r, g, b] = diverging((values[offset + k * stride] as number) / s);
    const o = ((y + Math.floor(k / SIDE)) * width + x + (k % SIDE)) * 4;
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = 255;
  }
}

/** The size of the weights grid's image for `hidden` tiles. */
export function gridSize(hidden: number): { width: number; height: number; columns: number; rows: number } {
  const columns = gridColumns(hidden);
  const rows = Math.ceil(hidden / columns);
  return { columns, rows, width: columns * (SIDE + GAP) - GAP, height: rows * (SIDE + GAP) - GAP };
}

/**
 * The first layer's weights W¹ (784 × hidden, row-major) as a grid of 28 × 28 tiles, one per hidden unit, each on
 * its own scale; white gaps between tiles.
 */
export function paintWeightGrid(W: Float32Array, hidden: number): ImageData {
  const { columns, width, height } = gridSize(hidden);
  const image = new ImageData(width, height);
  image.data.fill(255);
  for (let j = 0; j < hidden; j++) {
    const x = (j % columns) * (SIDE + GAP);
    const y = Math.floor(j / columns) * (SIDE + GAP);
    paintSigned(image.data, width, x, y, W, j, hidden);
  }
  return image;
}

/** A 28 × 28 grey image (0 white … 1 ink), as the network sees a digit. */
export function paintInk(values: ArrayLike<number>): ImageData {
  const image = new ImageData(SIDE, SIDE);
  for (let k = 0; k < SIDE * SIDE; k++) {
    const v = Math.round(255 * (1 - Math.max(0, Math.min(1, values[k] as number))));
    image.data.set([v, v, v, 255], k * 4);
  }
  return image;
}
