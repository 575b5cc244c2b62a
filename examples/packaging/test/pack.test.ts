/**
 * Packs each publishable package the way it would be published (`pnpm pack`, which rewrites `workspace:*` to the
 * version) and checks the tarball: the metadata a registry page shows, the LICENSE and README, every file that
 * `exports`, `main`, `types` and `bin` point to, no tests, benchmarks or build leftovers, and publint finds nothing.
 * Run after `build` (turbo's `^build`), since the tarballs hold `dist/` and the `.wasm` modules.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const packages = ['core', 'kernels-wasm', 'interop', 'cli'] as const;

interface Packed {
  tarball: string;
  files: string[];
  pkg: Record<string, unknown>;
}

let destination = '';
const packed = new Map<string, Packed>();

beforeAll(() => {
  destination = mkdtempSync(join(tmpdir(), 'chainrule-pack-'));
  for (const name of packages) {
    const dir = join(root, 'packages', name);
    const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;
    execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: dir, stdio: 'pipe' });
    const tarball = join(destination, `chainrule-${name}-${version}.tgz`);
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line !== '' && !line.endsWith('/'))
      .map((line) => line.replace(/^package\//, ''))
      .sort();
    const pkg = JSON.parse(
      execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
    );
    packed.set(name, { tarball, files, pkg });
  }
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
    const extra =
      name === 'kernels-wasm' ? ['build/kernels-simd.wasm', 'build/kernels-relaxed-simd.wasm'] : [];
    const unexpected = files.filter((f) => !allowed.test(f) && !extra.includes(f));
    expect(unexpected).toEqual([]);
    for (const f of extra) expect(files).toContain(f);
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

  it('loads with require() where Node has require(esm), else fails with ERR_REQUIRE_ESM', () => {
    const result = spawnSync(
      process.execPath,
      ['-e', `try { require('@chainrule/${name}'); console.log('ok'); } catch (e) { console.log(e.code); }`],
      { cwd: resolve(here, '..'), encoding: 'utf8' },
    );
    expect(['ok', 'ERR_REQUIRE_ESM']).toContain(result.stdout.trim());
  });
});
