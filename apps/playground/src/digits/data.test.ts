// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { loadDigits } from '../../../../examples/mnist/src/train';
import { decodePixel, inflate, parseDigits } from './data';

/** The build script (plain JS, no types): the file's bytes, made as `pnpm build` makes them. */
const scriptPath = '../../scripts/digits-data.mjs';
const script = (await import(/* @vite-ignore */ scriptPath)) as {
  buildDigits(): Uint8Array;
  pixelValue(b: number): number;
};

/** The index of the first element where two arrays differ, or −1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('the Digits page’s data file', () => {
  const bytes = script.buildDigits();
  const parsed = parseDigits(bytes);

  it('holds examples/mnist’s split, digit for digit and bit for bit: 8,000 to train, 2,000 held out', () => {
    const reference = loadDigits();
    expect(parsed.train.x.rows).toBe(8000);
    expect(parsed.test.x.rows).toBe(2000);
    for (const part of ['train', 'test'] as const) {
      expect(firstDifference(parsed[part].x.data, reference[part].x.data), `${part} pixels`).toBe(-1);
      expect(firstDifference(parsed[part].y.data, reference[part].y.data), `${part} labels`).toBe(-1);
    }
    // The labels array agrees with the one-hot rows.
    for (let n = 0; n < 2000; n++) expect(parsed.test.y.get(n, parsed.test.labels[n] as number)).toBe(1);
  });

  it('decodes a byte as the script encodes it', () => {
    for (let b = 0; b < 256; b++) expect(decodePixel(b)).toBe(script.pixelValue(b));
  });

  it('inflates the gzip the build writes, and takes an already inflated file as it is', async () => {
    const { gzipSync } = await import('node:zlib');
    const small = bytes.subarray(0, 4096);
    expect(firstDifference(await inflate(gzipSync(small)), small)).toBe(-1);
    expect(await inflate(small)).toBe(small);
  });

  it('rejects a file that is not one, or is cut short, naming what is wrong', () => {
    expect(() => parseDigits(new Uint8Array(20))).toThrow(/not a digits file/);
    expect(() => parseDigits(bytes.subarray(0, bytes.length - 1))).toThrow(
      /holds 7850015 bytes; 8000 \+ 2000 digits need 7850016/,
    );
    const wrongVersion = bytes.slice(0, 16);
    wrongVersion[4] = 2;
    expect(() => parseDigits(wrongVersion)).toThrow(/version 2/);
  });
});
