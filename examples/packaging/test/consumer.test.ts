/**
 * The packages as a user gets them: packed with pnpm (as `pnpm publish` would), installed with npm into a fresh
 * project in the temp dir (outside the workspace, so nothing resolves to the workspace's node_modules), then used
 * the four ways a user would: an ESM script on the WebAssembly kernels, a CommonJS `require`, the `chainrule`
 * command, and a Vite app in headless Chromium. The fixtures are in ../consumer/.
 *
 * Nothing is reused between runs: a new temp project, new tarballs, and the lockfile is checked to hold exactly
 * those tarballs (npm's cache serves only the registry dependencies: vite, commander, csv-parse, cli-progress).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, SCREENSHOTS } from '../../../apps/playground/e2e/browser.js';
import { cleanEnv, PUBLISHABLE, pack, root } from './workspace.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../consumer');
/** The Vite the workspace builds the playground with: the consumer app uses the same version. */
const VITE = (
  JSON.parse(readFileSync(join(root, 'apps/playground/package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies.vite as string;

let project = '';
const tarballs = new Map<string, string>();
const timings: [string, number][] = [];

/** Runs `command` in the project (npm's environment without pnpm's variables); throws with its output on failure. */
function run(command: string, args: string[], timeout = 60_000) {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd: project, encoding: 'utf8', env: cleanEnv(), timeout });
  timings.push([[command, ...args].join(' ').replace(project, '.'), performance.now() - started]);
  return r;
}

function ok(command: string, args: string[], timeout?: number): string {
  const r = run(command, args, timeout);
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const bin = (name: string) => join(project, 'node_modules/.bin', name);

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'chainrule-consumer-'));
  expect(relative(root, project).startsWith('..')).toBe(true);
  const started = performance.now();
  mkdirSync(join(project, 'tarballs'));
  for (const name of PUBLISHABLE) tarballs.set(name, pack(name, join(project, 'tarballs')).tarball);
  timings.push(['pnpm pack ×4', performance.now() - started]);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'chainrule-consumer', version: '0.0.0', private: true }, null, 2)}\n`,
  );
  for (const file of readdirSync(fixtures)) cpSync(join(fixtures, file), join(project, file));
  // One install of every tarball: the inter-package dependencies (exact versions after pnpm's rewrite) resolve
  // to these tarballs, not to the registry (where they are not published, so a miss fails here).
  const specs = [...tarballs.values()].map((t) => `./${relative(project, t)}`);
  ok(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-exact', ...specs, `vite@${VITE}`],
    90_000,
  );
}, 100_000);

afterAll(() => {
  console.info(
    `consumer test timings:\n${timings.map(([what, ms]) => `  ${(ms / 1000).toFixed(1).padStart(5)} s  ${what}`).join('\n')}`,
  );
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

describe('a fresh npm project with the packed tarballs', () => {
  it('installed exactly the tarballs just packed, once each, with no workspace: left', () => {
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; resolved?: string; integrity?: string }>;
    };
    const ours = Object.keys(lock.packages).filter((key) => key.includes('@chainrule/'));
    expect(ours.sort()).toEqual(PUBLISHABLE.map((n) => `node_modules/@chainrule/${n}`).sort());
    for (const name of PUBLISHABLE) {
      const tarball = tarballs.get(name) as string;
      const entry = lock.packages[`node_modules/@chainrule/${name}`];
      expect(entry?.resolved).toBe(`file:${relative(project, tarball)}`);
      const sha512 = createHash('sha512').update(readFileSync(tarball)).digest('base64');
      expect(entry?.integrity).toBe(`sha512-${sha512}`);
      const installed = readFileSync(join(project, 'node_modules/@chainrule', name, 'package.json'), 'utf8');
      expect(installed).not.toContain('workspace:');
    }
  });

  it('ESM: trains XOR on `await loadWasmKernels()` to loss < 0.05 and the right answers', () => {
    const result = JSON.parse(ok('node', ['xor.mjs'])) as {
      variant: string;
      loss: number;
      predictions: number[];
    };
    expect(['simd', 'relaxed-simd']).toContain(result.variant);
    expect(result.loss).toBeLessThan(0.05);
    expect(result.predictions.map(Math.round)).toEqual([0, 1, 1, 0]);
  });

  it("CommonJS: require('@chainrule/core') works where Node has require(esm), and trains on the JS kernels", () => {
    const r = run('node', ['require.cjs']);
    if ((process.features as { require_module?: boolean }).require_module === true) {
      // Node 20.19+ and 22.12+ (this is the case on the Node the project runs on, 20.20)
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const result = JSON.parse(r.stdout) as { loss: number; predictions: number[] };
      expect(result.loss).toBeLessThan(0.05);
      expect(result.predictions.map(Math.round)).toEqual([0, 1, 1, 0]);
    } else {
      // Older Node: the standard error for an ESM-only package, not a missing export or a crash
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('ERR_REQUIRE_ESM');
    }
  });

  it('the `chainrule` command from the cli tarball prints its help and trains and predicts on a small CSV', () => {
    const help = ok(bin('chainrule'), ['--help']);
    for (const command of ['train', 'predict', 'export']) expect(help).toContain(command);
    // 40 rows, two features in [0, 1), the class whether their sum passes 1 (a fixed LCG, so the same file each run)
    let state = 12345;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const rows = Array.from({ length: 40 }, () => {
      const [a, b] = [next(), next()];
      return [a.toFixed(3), b.toFixed(3), a + b > 1 ? 'high' : 'low'];
    });
    writeFileSync(join(project, 'tiny.csv'), ['x1,x2,label', ...rows.map((r) => r.join(','))].join('\n'));
    ok(bin('chainrule'), [
      'train',
      'tiny.csv',
      '--target',
      'label',
      '--layers',
      '8',
      '--epochs',
      '100',
      '--out',
      'model.json',
      '--no-progress',
    ]);
    expect(JSON.parse(readFileSync(join(project, 'model.json'), 'utf8'))).toBeTypeOf('object');
    const lines = ok(bin('chainrule'), ['predict', 'model.json', 'tiny.csv']).trim().split('\n');
    expect(lines).toHaveLength(41); // a header and a line per row
    const predicted = lines.slice(1).map((line) => line.split(',')[0]);
    const correct = predicted.filter((p, i) => p === rows[i]?.[2]).length;
    expect(correct / rows.length).toBeGreaterThanOrEqual(0.9);
  });

  describe('a Vite app', () => {
    let server: Server | undefined;

    afterAll(async () => {
      await new Promise((done) => (server ? server.close(done) : done(undefined)));
    });

    it(`builds with vite ${VITE}, emitting the kernels' .wasm files as assets`, () => {
      ok(bin('vite'), ['build', '--logLevel', 'warn']);
      const assets = readdirSync(join(project, 'dist/assets'));
      // (one each of the plain and relaxed builds; the threads builds may be there too)
      expect(assets.filter((f) => /^kernels-simd-(?!threads-)[\w-]+\.wasm$/.test(f))).toHaveLength(1);
      expect(assets.filter((f) => /^kernels-relaxed-simd-(?!threads-)[\w-]+\.wasm$/.test(f))).toHaveLength(1);
      expect(existsSync(join(project, 'dist/index.html'))).toBe(true);
    });

    it('loads the kernels and trains in headless Chromium', async () => {
      const dist = join(project, 'dist');
      const types: Record<string, string> = {
        '.html': 'text/html',
        '.js': 'text/javascript',
        '.wasm': 'application/wasm',
      };
      server = createServer((req, res) => {
        const path = join(dist, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
        const file = path.endsWith('/') ? join(path, 'index.html') : path;
        if (!file.startsWith(dist) || !existsSync(file)) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
      });
      await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
      const { port } = server.address() as AddressInfo;

      const started = performance.now();
      const { context, page, errors } = await launch();
      try {
        await page.goto(`http://127.0.0.1:${port}/`);
        const out = page.locator('#out[data-result], #out[data-error]');
        await out.waitFor({ timeout: 30_000 });
        const text = (await out.textContent()) ?? '';
        console.info(`the Vite app wrote: ${text}`);
        await page.screenshot({ path: join(SCREENSHOTS, 'packaging-consumer-vite.png') });
        expect(await out.getAttribute('data-error')).toBeNull();
        const result = JSON.parse((await out.getAttribute('data-result')) as string) as {
          variant: string;
          first: number;
          loss: number;
          predictions: number[];
        };
        expect(['simd', 'relaxed-simd']).toContain(result.variant);
        expect(Number.isFinite(result.first)).toBe(true);
        expect(result.loss).toBeLessThan(0.05);
        expect(result.loss).toBeLessThan(result.first);
        expect(result.predictions.map(Math.round)).toEqual([0, 1, 1, 0]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
        timings.push(['Chromium: launch, load, train', performance.now() - started]);
      }
    });
  });
});
