import { Matrix } from '@chainrule/core';

/** 28 × 28 pixels. */
export const SIDE = 28;
export const PIXELS = SIDE * SIDE;
export const CLASSES = 10;
const HEADER = 16;
const MAGIC = 'CRDG';

/** The digits, split as examples/mnist splits them: inputs in [0, 1] and one-hot labels. */
export interface DigitData {
  train: { x: Matrix; y: Matrix; labels: Uint8Array };
  test: { x: Matrix; y: Matrix; labels: Uint8Array };
}

/** The `mnist` package's value for a pixel byte: b / 255 rounded to 3 decimals (scripts/digits-data.mjs). */
export const decodePixel = (b: number): number => Math.round((b / 255) * 1000) / 1000;
const PIXEL_VALUES = Float32Array.from({ length: 256 }, (_, b) => decodePixel(b));

/**
 * Reads the file scripts/digits-data.mjs writes (after inflating): "CRDG", version 1, the train and test counts,
 * the pixels (one byte each, train rows first) and the labels. A file of any other shape is an error naming what
 * is wrong.
 */
export function parseDigits(bytes: Uint8Array): DigitData {
  const what = 'digits.bin';
  if (bytes.length < HEADER || String.fromCharCode(...bytes.subarray(0, 4)) !== MAGIC)
    throw new Error(
      `${what} is not a digits file (it does not start with “${MAGIC}”): rebuild it with \`node scripts/digits-data.mjs\``,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== 1) throw new Error(`${what} has version ${version}; this page reads version 1`);
  const trainCount = view.getUint32(8, true);
  const testCount = view.getUint32(12, true);
  const count = trainCount + testCount;
  const expected = HEADER + count * (PIXELS + 1);
  if (bytes.length !== expected)
    throw new Error(
      `${what} holds ${bytes.length} bytes; ${trainCount} + ${testCount} digits need ${expected} (it is cut short or corrupt)`,
    );
  const labelsAt = HEADER + count * PIXELS;
  const part = (from: number, rows: number) => {
    const x = new Matrix(rows, PIXELS);
    const y = new Matrix(rows, CLASSES);
    const labels = bytes.slice(labelsAt + from, labelsAt + from + rows);
    const pixels = bytes.subarray(HEADER + from * PIXELS, HEADER + (from + rows) * PIXELS);
    for (let i = 0; i < pixels.length; i++) x.data[i] = PIXEL_VALUES[pixels[i] as number] as number;
    labels.forEach((label, n) => {
      if (label >= CLASSES)
        throw new Error(`${what}: digit ${from + n} has label ${label}; labels are 0 to 9`);
      y.data[n * CLASSES + label] = 1;
    });
    return { x, y, labels };
  };
  return { train: part(0, trainCount), test: part(trainCount, testCount) };
}

/** Inflates the file if it is gzip (as the build writes it), else takes it as it is (a host already inflated it). */
export async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Fetches and reads the digits file. */
export async function loadDigits(url: string): Promise<DigitData> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`The digits could not be fetched from ${url}: ${(e as Error).message}`);
  }
  if (!response.ok)
    throw new Error(
      `The digits could not be fetched from ${url} (HTTP ${response.status}). They are made at build time: run \`pnpm build\` in apps/playground (or \`node scripts/digits-data.mjs\` before \`pnpm dev\`).`,
    );
  return parseDigits(await inflate(new Uint8Array(await response.arrayBuffer())));
}
