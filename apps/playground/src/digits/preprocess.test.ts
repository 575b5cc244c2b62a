import { describe, expect, it } from 'vitest';
import { PIXELS, SIDE } from './data';
import { centreOfMass, toMnist } from './preprocess';

const W = 280;

/** A drawing of `W` × `W` with ink where `inked(x, y)`. */
function drawing(inked: (x: number, y: number) => boolean): Float32Array {
  const ink = new Float32Array(W * W);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) if (inked(x, y)) ink[y * W + x] = 1;
  return ink;
}

/** The bounding box of the pixels above `t`. */
function box(image: Float32Array, t = 0) {
  let x0 = SIDE;
  let x1 = -1;
  let y0 = SIDE;
  let y1 = -1;
  for (let p = 0; p < PIXELS; p++)
    if ((image[p] as number) > t) {
      x0 = Math.min(x0, p % SIDE);
      x1 = Math.max(x1, p % SIDE);
      y0 = Math.min(y0, Math.floor(p / SIDE));
      y1 = Math.max(y1, Math.floor(p / SIDE));
    }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

describe('a drawing made into an MNIST input', () => {
  it('is null for a blank pad', () => {
    expect(toMnist(new Float32Array(W * W), W, W)).toBeNull();
  });

  it('scales a tall stroke to 20 pixels high, keeps its aspect ratio, and centres it by mass', () => {
    // A vertical bar 20 wide and 200 high, off to the left and low on the pad.
    const image = toMnist(
      drawing((x, y) => x >= 30 && x < 50 && y >= 60 && y < 260),
      W,
      W,
    ) as Float32Array;
    const b = box(image);
    expect(b.height).toBe(20);
    expect(b.width).toBe(2); // 20 × 20/200
    const c = centreOfMass(image) as { x: number; y: number };
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('fits a wide shape in the 20 × 20 box by its width, with grey levels at the edges', () => {
    // A ring 240 wide and 120 high.
    const ring = drawing((x, y) => {
      const r = Math.hypot((x - 140) / 120, (y - 140) / 60);
      return r <= 1 && r >= 0.8;
    });
    const image = toMnist(ring, W, W) as Float32Array;
    const b = box(image);
    expect(b.width).toBe(20);
    expect(b.height).toBe(10);
    const values = Array.from(image);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    // Area averaging: partly covered pixels are grey, neither 0 nor 1.
    expect(values.some((v) => v > 0.05 && v < 0.95)).toBe(true);
    const c = centreOfMass(image) as { x: number; y: number };
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('keeps the ink: the total is the drawing’s scaled by the square of the scale', () => {
    const square = drawing((x, y) => x >= 100 && x < 200 && y >= 100 && y < 200);
    const image = toMnist(square, W, W) as Float32Array;
    const total = Array.from(image).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(400, 3); // 100 × 100 ink at scale 20/100
  });

  it('names a drawing of the wrong size', () => {
    expect(() => toMnist(new Float32Array(10), W, W)).toThrow(/has 10 values; 280 × 280 needs 78400/);
  });
});
