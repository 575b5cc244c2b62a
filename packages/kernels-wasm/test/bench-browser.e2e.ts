/**
 * `pnpm bench:browser` (bench/browser/): its server's headers, that it times the same training step as bench/run.mjs,
 * and a quick smoke run in headless Chromium (one round per candidate, nothing written to the README) that checks
 * what the tables rest on: a cross-origin isolated page, a finite time for every candidate, our kernels really on 2
 * threads in the worker, TensorFlow.js really threaded in its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startServer } from '../bench/browser/serve.mjs';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(path.join(pkg, file), 'utf8');

describe('bench/browser/serve.mjs', () => {
  it('serves every file cross-origin isolated with its MIME type, and nothing outside its roots', async () => {
    const server = await startServer();
    try {
      const get = (p: string) => fetch(`${server.origin}${p}`);
      const files: [string, string][] = [
        ['/', 'text/html'],
        ['/bench/page.mjs', 'text/javascript'],
        ['/bench/worker.js', 'text/javascript'],
        ['/core/dist/index.js', 'text/javascript'],
        ['/kernels-wasm/dist/index.js', 'text/javascript'],
        ['/kernels-wasm/build/kernels-relaxed-simd-threads.wasm', 'application/wasm'],
        ['/tfjs/tf.min.js', 'text/javascript'],
        ['/tfjs-backend-wasm/tf-backend-wasm.min.js', 'text/javascript'],
        ['/tfjs-backend-wasm/tfjs-backend-wasm-threaded-simd.wasm', 'application/wasm'],
      ];
      for (const [p, type] of files) {
        const res = await get(p);
        expect(res.status, p).toBe(200);
        expect(res.headers.get('content-type'), p).toContain(type);
        expect(res.headers.get('cross-origin-opener-policy'), p).toBe('same-origin');
        expect(res.headers.get('cross-origin-embedder-policy'), p).toBe('require-corp');
        expect(res.headers.get('cross-origin-resource-policy'), p).toBe('same-origin');
        await res.arrayBuffer();
      }
      // Workers have no import maps: the bare specifier in kernels-wasm's dist is rewritten to core's served entry.
      const kernels = await (await get('/kernels-wasm/dist/wasm-kernels.js')).text();
      expect(kernels).toContain("from '/core/dist/index.js'");
      expect(kernels).not.toContain("'@chainrule/core'");
      for (const p of [
        '/package.json',
        '/bench/..%2F..%2Fpackage.json',
        '/kernels-wasm/src/index.ts',
        '/tfjs/../package.json',
      ]) {
        const res = await get(p);
        expect(res.status, p).toBe(404);
        expect(res.headers.get('cross-origin-embedder-policy'), p).toBe('require-corp');
        await res.text();
      }
    } finally {
      await server.close();
    }
  });
});

interface Candidate {
  name: string;
  label: string;
  threads: number;
  backend?: string;
  threadsFlag?: boolean;
  pthreads?: number;
}
interface BenchResult {
  crossOriginIsolated: boolean;
  cores: number;
  threadCounts: number[];
  relaxedValidated: boolean;
  mainThread: { threads: number; note: string | null };
  candidates: Candidate[];
  matmul: { label: string; ms: Record<string, number> }[];
  steps: { label: string; ms: Record<string, number> }[];
  stats: Record<string, { threads: number; threadedCalls: number }>;
  markdown: string[];
}

describe('pnpm bench:browser --quick (headless Chromium)', () => {
  it('measures every candidate in a cross-origin isolated worker, ours on 2 threads and TF.js threaded', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-browser-'));
    const json = path.join(dir, 'result.json');
    const readmeBefore = read('README.md');
    try {
      await promisify(execFile)(
        process.execPath,
        [
          'bench/browser/run.mjs',
          '--quick',
          '--rounds',
          '1',
          '--round-ms',
          '2',
          '--no-write',
          '--no-numpy',
          '--json',
          json,
          '--timeout-s',
          '45',
        ],
        { cwd: pkg, timeout: 55_000 },
      );
      const r = JSON.parse(readFileSync(json, 'utf8')) as BenchResult;

      expect(r.crossOriginIsolated).toBe(true);
      expect(r.relaxedValidated).toBe(true);
      expect(r.threadCounts[0]).toBe(2);
      const names = r.candidates.map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['simd1', 'relaxed1', 'ours2t', 'tf1', 'tf2t']));

      // Every case, every candidate: a finite, positive time.
      expect(r.matmul.length).toBe(4);
      expect(r.steps.map((s) => s.label)).toEqual([
        '784-128-64-10, ReLU, softmax CE, batch 64',
        '2-8-8-1, tanh, MSE, batch 10',
      ]);
      for (const row of [...r.matmul, ...r.steps])
        for (const name of names) {
          const ms = row.ms[name] as number;
          expect(Number.isFinite(ms) && ms > 0, `${row.label}: ${name} = ${ms}`).toBe(true);
        }

      // Our threads really ran in the worker; the one-thread kernels split nothing.
      expect(r.stats.ours2t).toMatchObject({ threads: 2 });
      expect(r.stats.ours2t?.threadedCalls).toBeGreaterThan(0);
      expect(r.stats.relaxed1).toMatchObject({ threads: 1, threadedCalls: 0 });
      // On the page's main thread (which may not block) the same call falls back to one thread and says why.
      expect(r.mainThread.threads).toBe(1);
      expect(r.mainThread.note).toMatch(/main thread may not block/);

      // TensorFlow.js: the wasm backend, one thread in one worker and really 2 in the other.
      const tf1 = r.candidates.find((c) => c.name === 'tf1');
      const tf2 = r.candidates.find((c) => c.name === 'tf2t');
      expect(tf1).toMatchObject({ backend: 'wasm', threadsFlag: false, threads: 1 });
      expect(tf2).toMatchObject({ backend: 'wasm', threadsFlag: true, threads: 2 });
      expect(tf2?.pthreads).toBeGreaterThanOrEqual(1);

      expect(r.markdown.join('\n')).toContain('#### Matmul in Chromium, GFLOPS (median)');
      expect(read('README.md')).toBe(readmeBefore);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
