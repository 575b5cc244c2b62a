/**
 * Packs each publishable package the way it would be published (`pnpm pack`, which rewrites `workspace:*` to the
 * version) and checks the tarball: the metadata a registry page shows, the LICENSE and README, every file that
 * `exports`, `main`, `types` and `bin` point to, no tests, benchmarks or build leftovers, and publint and
 * @arethetypeswrong/cli (attw) find nothing.
 * Run after `build` (turbo's `^build`), since the tarballs hold `dist/` and the `.wasm` modules.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Packed, PUBLISHABLE, pack } from './workspace.js';

const here = dirname(fileURLToPath(import.meta.url));
const packages = PUBLISHABLE;

let destination = '';
const packed = new Map<string, Packed>();

beforeAll(() => {
  destination = mkdtempSync(join(tmpdir(), 'chainrule-pack-'));
  for (const name of packages) packed.set(name, pack(name, destination));
});

afterAll(() => {
  if (destination !== '') rmSync(destination, { recursive: true, force: true });
});

/** Every file path a package.json points to: `main`, `types`, `bin` and each leaf of `exports`. */
function targets(pkg: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  walk(pkg.bin);
  walk(pkg.main);
  walk(pkg.types);
  return [...new Set(out)].map((p) => p.replace(/^\.\//, ''));
}

/**
 * attw, on the tarball pnpm packed. The profile: `node16` (TypeScript's `node16`/`nodenext` and `bundler`
 * resolution, for ESM and CommonJS importers) with one rule off, `cjs-resolves-to-esm`. The packages are ESM-only
 * on purpose: `require()` of them works where Node has require(esm) (20.19+, 22.12+) and TypeScript 5.8+ allows it
 * under `nodenext`, but attw's node16 CommonJS mode models the older rule and reports "ESM (dynamic import only)".
 * That is the expected answer for an ESM-only package, so that one rule is off — not the whole CommonJS mode
 * (`--profile esm-only` would drop it): types must still resolve for a `require`, which the test checks below.
 * node10 (TypeScript's pre-`exports` resolution, deprecated) is left out by the profile: it cannot see subpath
 * exports such as `@chainrule/core/testing`; the package roots still resolve there through `main` and `types`.
 */
const ATTW_ARGS = ['--format', 'json', '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm'];
const attwPackage = createRequire(import.meta.url).resolve('@arethetypeswrong/cli/package.json');
const attw = join(
  dirname(attwPackage),
  (JSON.parse(readFileSync(attwPackage, 'utf8')) as { bin: { attw: string } }).bin.attw,
);

interface AttwProblem {
  kind: string;
  entrypoint?: string;
  resolutionKind?: string;
}
interface AttwResolution {
  resolution?: { fileName: string };
  implementationResolution?: { fileName: string };
}
interface AttwReport {
  analysis: {
    problems: AttwProblem[];
    entrypoints: Record<string, { resolutions: Record<string, AttwResolution> }>;
  };
}

/** What ATTW_ARGS let through: CommonJS-resolves-to-ESM in node16's CommonJS mode, and anything under node10. */
function acceptedByProfile(p: AttwProblem): boolean {
  return (
    (p.kind === 'CJSResolvesToESM' && p.resolutionKind === 'node16-cjs') || p.resolutionKind === 'node10'
  );
}

/** The `exports` entries that are WebAssembly modules: [subpath, file in the tarball]. */
function wasmExports(pkg: Record<string, unknown>): [string, string][] {
  return Object.entries((pkg.exports ?? {}) as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].endsWith('.wasm'))
    .map(([subpath, target]) => [subpath, target.replace(/^\.\//, '')]);
}

function get(name: string): Packed {
  const p = packed.get(name);
  if (p === undefined) throw new Error(`@chainrule/${name} was not packed`);
  return p;
}

describe.each(packages)('@chainrule/%s tarball', (name) => {
  it('has a package.json with the registry metadata and no workspace: specifiers', () => {
    const { pkg } = get(name);
    expect(pkg.name).toBe(`@chainrule/${name}`);
    expect(JSON.stringify(pkg)).not.toContain('workspace:');
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe('MIT');
    expect(pkg.author).toBeTruthy();
    expect(pkg.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/chainrule/chainrule.git',
      directory: `packages/${name}`,
    });
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/chainrule\/chainrule\//);
    expect(pkg.bugs).toEqual({ url: 'https://github.com/chainrule/chainrule/issues' });
    expect(Array.isArray(pkg.keywords) && pkg.keywords.length > 0).toBe(true);
    expect(pkg.engines).toEqual({ node: '>=20' });
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
      const deps = (pkg[field] ?? {}) as Record<string, string>;
      for (const [dep, range] of Object.entries(deps)) {
        if (dep.startsWith('@chainrule/')) expect(range, `${field}.${dep}`).toBe(pkg.version);
      }
    }
  });

  it('contains LICENSE and README.md, and the README has no relative links', () => {
    const { files, tarball } = get(name);
    expect(files).toContain('LICENSE');
    expect(files).toContain('README.md');
    const license = execFileSync('tar', ['-xzOf', tarball, 'package/LICENSE'], { encoding: 'utf8' });
    expect(license).toContain('MIT License');
    expect(license).toContain('Copyright (c) 2026 the chainrule authors');
    const readme = execFileSync('tar', ['-xzOf', tarball, 'package/README.md'], { encoding: 'utf8' });
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    const relative = links.filter((link) => !/^(https?:|mailto:|#)/.test(link));
    expect(relative, 'relative links do not work on the registry page').toEqual([]);
  });

  it('contains every file that exports, main, types and bin point to', () => {
    const { files, pkg } = get(name);
    const wanted = targets(pkg);
    expect(wanted.length).toBeGreaterThan(0);
    for (const target of wanted) expect(files, target).toContain(target);
    const exports = pkg.exports as Record<string, unknown>;
    const main = exports['.'] as Record<string, string>;
    // `types` first and a `default` (not only `import`): require(esm) where Node has it, ERR_REQUIRE_ESM before.
    expect(Object.keys(main)).toEqual(['types', 'default']);
  });

  it('ships only runtime files: nothing from test/, bench/, scripts/ or configs', () => {
    const { files } = get(name);
    const allowed =
      /^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)|src\/.+\.ts)$/;
    // Besides those, only the WebAssembly modules that `exports` names (so a stray build such as a benchmark's
    // peak-simd.wasm fails), and the kernels package has at least the plain and relaxed SIMD builds.
    const exported = wasmExports(get(name).pkg).map(([, target]) => target);
    const unexpected = files.filter((f) => !allowed.test(f) && !exported.includes(f));
    expect(unexpected).toEqual([]);
    if (name === 'kernels-wasm') {
      expect(files).toContain('build/kernels-simd.wasm');
      expect(files).toContain('build/kernels-relaxed-simd.wasm');
    } else expect(exported).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|bench)\/|\.test\.|\.bench\./.test(f))).toEqual([]);
    // every compiled module has its source next to it (the source maps point at src/)
    for (const f of files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
      expect(files, `source of ${f}`).toContain(f.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'));
    }
  });

  it('passes publint', async () => {
    const { tarball } = get(name);
    const bytes = readFileSync(tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(messages.map((m) => formatMessage(m, pkg, { color: false }))).toEqual([]);
  });

  it('passes attw (@arethetypeswrong/cli) on the tarball: types resolve for import, require and bundlers', () => {
    const { tarball, pkg } = get(name);
    // The `.wasm` exports are assets for bundlers and fetch, not modules with types: attw cannot resolve them.
    const wasm = wasmExports(pkg).map(([subpath]) => subpath);
    const args = [...ATTW_ARGS, ...(wasm.length > 0 ? ['--exclude-entrypoints', ...wasm] : [])];
    const result = spawnSync(process.execPath, [attw, tarball, ...args], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const { analysis } = JSON.parse(result.stdout) as AttwReport;
    // Every problem attw reports is one the profile accepts, and there it exits 0.
    expect(analysis.problems.filter((p) => !acceptedByProfile(p))).toEqual([]);
    expect(result.status).toBe(0);
    // The package root resolves under node10 too (`main` and `types`); only subpaths need `exports`.
    expect(analysis.problems.filter((p) => p.entrypoint === '.')).toEqual([
      { kind: 'CJSResolvesToESM', entrypoint: '.', resolutionKind: 'node16-cjs' },
    ]);
    // And positively: every export but package.json and the `.wasm` ones was checked, and in each mode resolves to
    // a declaration file and a JavaScript file (a typo'd path or a missing `types` condition fails here).
    const expected = Object.keys(pkg.exports as object).filter((s) => !wasm.includes(s));
    expect(Object.keys(analysis.entrypoints).sort()).toEqual(expected.sort());
    for (const subpath of expected.filter((s) => s !== './package.json')) {
      for (const kind of ['node16-esm', 'node16-cjs', 'bundler'] as const) {
        const r = analysis.entrypoints[subpath]?.resolutions[kind];
        expect(r?.resolution?.fileName, `${subpath} types (${kind})`).toMatch(/\.d\.ts$/);
        expect(r?.implementationResolution?.fileName ?? '', `${subpath} code (${kind})`).toMatch(/\.js$/);
      }
    }
  });

  it('loads with require() where Node has require(esm), else fails with ERR_REQUIRE_ESM', () => {
    const result = spawnSync(
      process.execPath,
      ['-e', `try { require('@chainrule/${name}'); console.log('ok'); } catch (e) { console.log(e.code); }`],
      { cwd: resolve(here, '..'), encoding: 'utf8' },
    );
    expect(['ok', 'ERR_REQUIRE_ESM']).toContain(result.stdout.trim());
  });
});
