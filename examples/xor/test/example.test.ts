/**
 * `pnpm example` in CI: the built example run exactly as `pnpm example` runs it (`node dist/main.js`, after turbo's
 * build), as a child process with CI=true and stdout piped, so it prints lines rather than the live bar. What it
 * prints is checked against the bars it states: the spiral at ≥ 95% accuracy (below that the example itself exits
 * 1), and XOR learned the way core's training test asks of the same 2-4-1 net: loss < 0.01, 100% accuracy, and every
 * prediction on the right side of 0.5.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Run {
  /** Number of epochs, final loss and final accuracy (0–1) from the `done:` line. */
  epochs: number;
  loss: number;
  accuracy: number;
  /** Every `epoch N  loss L  accuracy A%` line, in order. */
  log: { epoch: number; loss: number; accuracy: number }[];
}

let child: SpawnSyncReturns<string>;

/** The section of stdout that starts at the line beginning with `title`, up to the next blank line. */
function section(stdout: string, title: string): string {
  const start = stdout.indexOf(`\n${title}`);
  expect(start, `no section titled "${title}" in:\n${stdout}`).toBeGreaterThanOrEqual(0);
  const end = stdout.indexOf('\n\n', start + 1);
  return stdout.slice(start + 1, end === -1 ? undefined : end);
}

function parseRun(text: string): Run {
  const done = /^ {2}done: (\d+) epochs in [\d.]+ s, loss ([\d.]+), accuracy ([\d.]+)%$/m.exec(text);
  expect(done, `no "done:" line in:\n${text}`).not.toBeNull();
  const [, epochs, loss, accuracy] = done as RegExpExecArray;
  const log = Array.from(
    text.matchAll(/^ {2}epoch +(\d+) {2}loss ([\d.]+) {2}accuracy ([\d.]+)%$/gm),
    (m) => ({
      epoch: Number(m[1]),
      loss: Number(m[2]),
      accuracy: Number(m[3]) / 100,
    }),
  );
  return { epochs: Number(epochs), loss: Number(loss), accuracy: Number(accuracy) / 100, log };
}

beforeAll(() => {
  expect(existsSync(main), `${main} is missing: build the example first (pnpm build)`).toBe(true);
  child = spawnSync(process.execPath, [main], {
    cwd: packageDir,
    env: { ...process.env, CI: 'true' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}, 90_000);

describe('pnpm example (examples/xor, node dist/main.js)', () => {
  it('exits 0 with no errors, printing plain lines (no progress bar) when CI is set', () => {
    expect(child.error, String(child.error)).toBeUndefined();
    expect(child.status, `exit ${child.status} (signal ${child.signal})\nstderr:\n${child.stderr}`).toBe(0);
    expect(child.stderr.trim()).toBe(''); // cli-progress writes the bars' closing newlines there
    expect(child.stdout).not.toContain('\u001b'); // no escape sequences
    expect(child.stdout).not.toContain('\r'); // no redrawn lines
  });

  it('XOR: 1500 epochs, the loss falls below 0.01, accuracy 100%, all four predictions right', () => {
    const xor = parseRun(section(child.stdout, 'XOR, 2-4-1'));
    const predictions = Array.from(child.stdout.matchAll(/^ {2}XOR\((\d), (\d)\) = ([\d.]+)$/gm), (m) => ({
      a: Number(m[1]),
      b: Number(m[2]),
      p: Number(m[3]),
    }));
    expect(xor.epochs).toBe(1500);
    expect(xor.loss).toBeLessThan(0.01);
    expect(xor.accuracy).toBe(1);
    // The per-epoch lines: epoch 1, then every 100th; the loss falls from the first to the last.
    expect(xor.log.map((l) => l.epoch)).toEqual([1, ...Array.from({ length: 15 }, (_, i) => (i + 1) * 100)]);
    expect(xor.log.at(-1)?.loss).toBeLessThan(xor.log[0]?.loss ?? 0);
    expect(predictions.map(({ a, b }) => [a, b])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    for (const { a, b, p } of predictions) {
      expect(Math.abs(p - (a ^ b)), `XOR(${a}, ${b}) = ${p}`).toBeLessThan(0.5);
    }
  });

  it('spiral: 600 epochs to ≥ 95% accuracy (the bar the example enforces), the loss falling', () => {
    const spiral = parseRun(section(child.stdout, 'Spiral (300 points)'));
    expect(spiral.epochs).toBe(600);
    expect(spiral.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(spiral.log.map((l) => l.epoch)).toEqual([
      1,
      ...Array.from({ length: 12 }, (_, i) => (i + 1) * 50),
    ]);
    expect(spiral.loss).toBeLessThan(spiral.log[0]?.loss ?? 0);
  });
});
