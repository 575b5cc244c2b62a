// Every command of the READMEs' shell blocks that run the CLI, run as a user would type it (`chainrule` is the built
// CLI), on small files with the names the READMEs use: packages/cli/README.md's block, and the root README.md's
// block in "Real use". A README line that stops working fails here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const main = new URL('../dist/main.js', import.meta.url).pathname;
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const rootReadme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
// One directory per README, so each block stands on its own (a command cannot lean on a file another README made).
const dir = mkdtempSync(path.join(os.tmpdir(), 'chainrule-cli-readme-'));
const rootDir = mkdtempSync(path.join(os.tmpdir(), 'chainrule-root-readme-'));

/** The README's first shell block, one command per line, comments dropped. */
function readmeCommands(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('packages/cli/README.md has no ```sh block');
  return commandsOf(block);
}

/** One command per line of a block, comments dropped. */
function commandsOf(block: string): string[] {
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

/**
 * The shell blocks of a README that run the CLI (any line starts with `chainrule`), indented ones (inside a list
 * item) too; each as its commands. Blocks that run other things (pnpm, npx) are not this test's.
 */
function cliBlocks(text: string): string[][] {
  return [...text.matchAll(/^([ \t]*)```sh\n([\s\S]*?)^\1```/gm)]
    .map((m) => commandsOf(m[2] as string))
    .filter((commands) => commands.some((c) => c.startsWith('chainrule ')));
}

/** Splits a command line on spaces (the README's commands quote nothing). */
function run(line: string, cwd: string) {
  const [command, ...args] = line.split(/\s+/);
  if (command !== 'chainrule') throw new Error(`a README line that is not a chainrule command: ${line}`);
  const r = spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs a README line in `cwd` and checks what its subcommand should have printed or written. */
function check(line: string, cwd: string): void {
  const r = run(line, cwd);
  expect(r.code, `${line}\n${r.err}`).toBe(0);
  const sub = line.split(/\s+/)[1];
  if (sub === 'train') expect(r.out + r.err).toMatch(/loss \d/);
  if (sub === 'predict') expect(r.out.split('\n').length).toBeGreaterThan(200);
  if (sub === 'evaluate') expect(r.out).toMatch(/accuracy \d+\.\d+%/);
  if (sub === 'export') {
    expect(existsSync(path.join(cwd, 'model.onnx'))).toBe(true);
    expect(existsSync(path.join(cwd, 'tfjs-model', 'model.json'))).toBe(true);
  }
  if (sub === '--help') expect(r.out).toContain('Usage: chainrule');
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
  const prices = Array.from({ length: 150 }, (_, i) => {
    const area = 40 + ((i * 37) % 120);
    const rooms = 1 + (i % 5);
    return [String(area), String(rooms), (1000 + 25 * area + 300 * rooms + 40 * Math.sin(i)).toFixed(2)];
  });
  for (const d of [dir, rootDir]) {
    writeFileSync(path.join(d, 'data.csv'), csv(['x1', 'x2', 'label'], rows(200, 0)));
    writeFileSync(path.join(d, 'test.csv'), csv(['x1', 'x2', 'label'], rows(60, 1000)));
    writeFileSync(path.join(d, 'export.csv'), csv(['x1', 'x2', 'label'], rows(100, 0), '\t'));
    writeFileSync(path.join(d, 'prices.csv'), csv(['area', 'rooms', 'price'], prices));
  }
});

describe('the README of @chainrule/cli, command by command', () => {
  const commands = readmeCommands();

  it('shows the commands this test runs (train, predict, evaluate, export, --help)', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    for (const sub of ['train', 'predict', 'evaluate', 'export', '--help'])
      expect(commands.some((c) => c.split(/\s+/)[1] === sub)).toBe(true);
  });

  for (const line of commands) it(line, () => check(line, dir));
});

describe('the root README.md: its shell blocks that run the CLI, command by command', () => {
  const blocks = cliBlocks(rootReadme);

  it('finds them: one block that trains, predicts and exports', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    const commands = blocks.flat();
    for (const sub of ['train', 'predict', 'export'])
      expect(commands.some((c) => c.split(/\s+/)[1] === sub)).toBe(true);
  });

  blocks.forEach((commands, b) => {
    for (const line of commands) it(`block ${b + 1}: ${line}`, () => check(line, rootDir));
  });
});
