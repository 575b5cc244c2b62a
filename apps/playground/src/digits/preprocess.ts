import { PIXELS, SIDE } from './data';

/** The box the digit's longer side is scaled to, as in MNIST (a 20 × 20 box inside 28 × 28). */
export const BOX = 20;
/** Ink below this (of 1) does not count toward the digit's bounding box. */
const INK = 0.05;

/**
 * The weights of an area-averaging resample of `[start, start + length)` of a source line onto `size` target
 * pixels: target i covers source `[start + i·length/size, start + (i+1)·length/size)`, each source pixel weighted by
 * how much of it lies inside. Rows of `[sourceIndex, weight]`, weights summing to 1.
 */
function areaWeights(start: number, length: number, size: number): [number, number][][] {
  const step = length / size;
  return Array.from({ length: size }, (_, i) => {
    const lo = start + i * step;
    const hi = lo + step;
    const row: [number, number][] = [];
    for (let p = Math.floor(lo); p < Math.ceil(hi); p++) {
      const overlap = Math.min(hi, p + 1) - Math.max(lo, p);
      if (overlap > 1e-9) row.push([p, overlap / step]);
    }
    return row;
  });
}

/**
 * A drawing (`ink` in [0, 1], `width` × `height`, row-major) made into an MNIST-style input, the way the MNIST
 * digits were made: the ink's bounding box scaled, keeping its aspect ratio, so the longer side fills a 20 × 20 box
 * (area-averaged, so grey levels at the edges), then placed in 28 × 28 with its centre of mass at the centre.
 * Returns 784 values in [0, 1], or null when there is no ink.
 */
export function toMnist(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  if (ink.length !== width * height)
    throw new Error(
      `toMnist: the drawing has ${ink.length} values; ${width} × ${height} needs ${width * height}`,
    );
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((ink[y * width + x] as number) > INK) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.min(BOX, Math.round(bw * scale)));
  const th = Math.max(1, Math.min(BOX, Math.round(bh * scale)));
  // Separable: columns first (each source row to tw values), then rows.
  const cols = areaWeights(x0, bw, tw);
  const rows = areaWeights(y0, bh, th);
  const wide = new Float32Array(bh * tw);
  for (let y = 0; y < bh; y++)
    for (let i = 0; i < tw; i++) {
      let s = 0;
      for (const [p, w] of cols[i] as [number, number][]) s += (ink[(y0 + y) * width + p] as number) * w;
      wide[y * tw + i] = s;
    }
  const small = new Float32Array(th * tw);
  for (let j = 0; j < th; j++)
    for (let i = 0; i < tw; i++) {
      let s = 0;
      for (const [p, w] of rows[j] as [number, number][]) s += (wide[(p - y0) * tw + i] as number) * w;
      small[j * tw + i] = Math.min(1, s);
    }
  // The centre of mass, pixel centres at +0.5, moved to the field's centre (14, 14) by a whole-pixel shift.
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let j = 0; j < th; j++)
    for (let i = 0; i < tw; i++) {
      const v = small[j * tw + i] as number;
      mass += v;
      mx += v * (i + 0.5);
      my += v * (j + 0.5);
    }
  const ox = Math.round(SIDE / 2 - mx / mass);
  const oy = Math.round(SIDE / 2 - my / mass);
  const out = new Float32Array(PIXELS);
  for (let j = 0; j < th; j++)
    for (let i = 0; i < tw; i++) {
      const x = i + ox;
      const y = j + oy;
      if (x >= 0 && x < SIDE && y >= 0 && y < SIDE) out[y * SIDE + x] = small[j * tw + i] as number;
    }
  return out;
}

/** The centre of mass of a 28 × 28 image (pixel centres at +0.5), or null when it is blank. */
export function centreOfMass(image: ArrayLike<number>): { x: number; y: number } | null {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let p = 0; p < PIXELS; p++) {
    const v = image[p] as number;
    mass += v;
    mx += v * ((p % SIDE) + 0.5);
    my += v * (Math.floor(p / SIDE) + 0.5);
  }
  return mass > 0 ? { x: mx / mass, y: my / mass } : null;
}
