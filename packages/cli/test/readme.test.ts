// Every command of the README's shell block, run as a user would type it (`chainrule` is the built CLI), on small
// files with the names the README uses. A README line that stops working fails here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const main = new URL('../dist/main.js', import.meta.url).pathname;
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const dir = mkdtempSync(path.join(os.tmpdir(), 'chainrule-cli-readme-'));

/** The README's first shell block, one command per line, comments dropped. */
function readmeCommands(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('packages/cli/README.md has no ```sh block');
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

/** Splits a command line on spaces (the README's commands quote nothing). */
function run(line: string) {
  const [command, ...args] = line.split(/\s+/);
  if (command !== 'chainrule') throw new Error(`a README line that is not a chainrule command: ${line}`);
  const r = spawnSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  // data.csv / test.csv: two classes in two features; prices.csv: a numeric target; export.csv: tab-separated.
  const rows = (n: number, offset: number) =>
    Array.from({ length: n }, (_, k) => {
      const i = k + offset;
      const label = i % 2 === 0 ? 'cat' : 'dog';
      const c = i % 2 === 0 ? -1.5 : 1.5;
      return [(c + Math.sin(i * 1.7) * 0.6).toFixed(3), (-c + Math.cos(i * 2.3) * 0.6).toFixed(3), label];
    });
  const csv = (header: string[], body: string[][], sep = ',') =>
    `${[header, ...body].map((r) => r.join(sep)).join('\n')}\n`;
  writeFileSync(path.join(dir, 'data.csv'), csv(['x1', 'x2', 'label'], rows(200, 0)));
  writeFileSync(path.join(dir, 'test.csv'), csv(['x1', 'x2', 'label'], rows(60, 1000)));
  writeFileSync(path.join(dir, 'export.csv'), csv(['x1', 'x2', 'label'], rows(100, 0), '\t'));
  const prices = Array.from({ length: 150 }, (_, i) => {
    const area = 40 + ((i * 37) % 120);
    const rooms = 1 + (i % 5);
    return [String(area), String(rooms), (1000 + 25 * area + 300 * rooms + 40 * Math.sin(i)).toFixed(2)];
  });
  writeFileSync(path.join(dir, 'prices.csv'), csv(['area', 'rooms', 'price'], prices));
});

describe('the README of @chainrule/cli, command by command', () => {
  const commands = readmeCommands();

  it('shows the commands this test runs (train, predict, evaluate, export, --help)', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    for (const sub of ['train', 'predict', 'evaluate', 'export', '--help'])
      expect(commands.some((c) => c.split(/\s+/)[1] === sub)).toBe(true);
  });

  for (const line of commands) {
    it(line, () => {
      const r = run(line);
      expect(r.code, `${line}\n${r.err}`).toBe(0);
      const sub = line.split(/\s+/)[1];
      if (sub === 'train') expect(r.out + r.err).toMatch(/loss \d/);
      if (sub === 'predict') expect(r.out.split('\n').length).toBeGreaterThan(200);
      if (sub === 'evaluate') expect(r.out).toMatch(/accuracy \d+\.\d+%/);
      if (sub === 'export') {
        expect(existsSync(path.join(dir, 'model.onnx'))).toBe(true);
        expect(existsSync(path.join(dir, 'tfjs-model', 'model.json'))).toBe(true);
      }
      if (sub === '--help') expect(r.out).toContain('Usage: chainrule');
    });
  }
});
