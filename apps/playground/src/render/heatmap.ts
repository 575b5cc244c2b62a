import { CLASS_COLORS, diverging } from './colors';

/** Sizes the canvas to one pixel per cell and gives a blank image to paint. */
function imageFor(
  canvas: HTMLCanvasElement,
  size: number,
): { ctx: CanvasRenderingContext2D; image: ImageData } | null {
  if (canvas.width !== size) canvas.width = size;
  if (canvas.height !== size) canvas.height = size;
  const ctx = canvas.getContext('2d');
  return ctx ? { ctx, image: ctx.createImageData(size, size) } : null;
}

/**
 * Paints size×size values into a canvas through ImageData (one pixel per cell; CSS scales it up), never DOM nodes.
 * `map` takes a value to [−1, 1]; `discretize` snaps to the two ends, as TensorFlow Playground does.
 */
export function paintHeatmap(
  canvas: HTMLCanvasElement,
  data: Float32Array,
  offset: number,
  size: number,
  map: (v: number) => number,
  discretize = false,
): void {
  const target = imageFor(canvas, size);
  if (!target) return;
  const { ctx, image } = target;
  for (let i = 0; i < size * size; i++) {
    let t = map(data[offset + i] as number);
    if (discretize) t = t >= 0 ? 1 : -1;
    const [r, g, b] = diverging(t);
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** Multi-class output: each cell takes the color of its most probable class, paler where the model is unsure. */
export function paintClasses(
  canvas: HTMLCanvasElement,
  data: Float32Array,
  offsets: number[],
  size: number,
  discretize = false,
): void {
  const target = imageFor(canvas, size);
  if (!target) return;
  const { ctx, image } = target;
  for (let i = 0; i < size * size; i++) {
    let best = 0;
    let p = -1;
    offsets.forEach((o, c) => {
      const v = data[o + i] as number;
      if (v > p) {
        p = v;
        best = c;
      }
    });
    const color = CLASS_COLORS[best % CLASS_COLORS.length] as [number, number, number];
    const w = discretize
      ? 0.85
      : Math.max(0, Math.min(1, (p - 1 / offsets.length) / (1 - 1 / offsets.length))) * 0.85;
    for (let k = 0; k < 3; k++) image.data[4 * i + k] = Math.round(235 + ((color[k] as number) - 235) * w);
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}
