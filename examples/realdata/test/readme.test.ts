// The shell blocks of this package's README, command by command, as a user runs them from examples/realdata (with
// `chainrule` the built CLI), in a scratch copy of the data so the files they write land outside the repo.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliMain, dataDir } from '../src/realdata.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) =>
  (m[1] as string)
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== ''),
);
const cwd = mkdtempSync(path.join(os.tmpdir(), 'chainrule-realdata-readme-'));
cpSync(dataDir, path.join(cwd, 'data'), { recursive: true });

function run(line: string) {
  const [command, ...args] = line.split(/\s+/);
  if (command !== 'chainrule') throw new Error(`a README line that is not a chainrule command: ${line}`);
  const r = spawnSync(process.execPath, [cliMain, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('examples/realdata/README.md, command by command', () => {
  it('has the blocks this test runs: train and evaluate wine, train diabetes with early stopping', () => {
    expect(blocks.flat().map((c) => c.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'chainrule train',
      'chainrule evaluate',
      'chainrule train',
    ]);
  });

  const [wine = [], diabetes = []] = blocks;
  it(`${wine[0]} — then ${wine[1]}: the held-out accuracy it reports`, () => {
    const train = run(wine[0] as string);
    expect(train.code, train.err).toBe(0);
    expect(existsSync(path.join(cwd, 'wine.json'))).toBe(true);
    const evaluate = run(wine[1] as string);
    expect(evaluate.code, evaluate.err).toBe(0);
    const accuracy = Number(/accuracy (\d+\.\d+)%/.exec(evaluate.out)?.[1]);
    // The README's table: 100% for wine with the defaults; sklearn's MLP is at 97.8–100.
    expect(accuracy).toBeGreaterThanOrEqual(97);
    expect(evaluate.out).toMatch(/precision/);
  });

  it(`${diabetes[0]}: stops early, says where and which weights it kept, and saves the model`, () => {
    const r = run(diabetes[0] as string);
    expect(r.code, r.err).toBe(0);
    const said = r.out + r.err;
    const stopped = Number(/Early stopping at epoch (\d+)/.exec(said)?.[1]);
    const kept = Number(/kept the weights of epoch (\d+)/.exec(said)?.[1]);
    expect(stopped).toBeLessThan(500);
    expect(kept).toBe(stopped - 10);
    expect(said).toMatch(/saved model\.json/);
    expect(existsSync(path.join(cwd, 'model.json'))).toBe(true);
  });
});
