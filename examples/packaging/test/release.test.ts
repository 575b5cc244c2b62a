/**
 * The release flow (docs/releasing.md): which packages are published, the Changesets configuration, and the root
 * `changeset` and `release` scripts. Changesets runs for real, through the root `changeset` script, in a throwaway
 * git repository that holds the workspace's package.json files and .changeset/ — so the workspace's own
 * uncommitted work never changes the answer, and nothing here writes to the workspace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, PUBLISHABLE, root } from './workspace.js';

interface WorkspacePackage {
  name: string;
  version?: string;
  path: string;
  private?: boolean;
}

type Manifest = Record<string, unknown> & {
  name: string;
  version: string;
  private?: boolean;
  scripts?: Record<string, string>;
};

const published = PUBLISHABLE.map((name) => `@chainrule/${name}`).sort();
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** The workspace packages as pnpm sees them (what `pnpm -r publish` walks), the root left out. */
const workspace = (
  JSON.parse(
    execFileSync('pnpm', ['-r', 'ls', '--depth', '-1', '--json'], { cwd: root, encoding: 'utf8' }),
  ) as WorkspacePackage[]
).filter((p) => p.path !== root);

const manifests = new Map(
  workspace.map((p) => [p.name, readJson<Manifest>(join(p.path, 'package.json'))] as const),
);

describe('which packages are published', () => {
  it('is exactly the workspace packages without "private": true, each under packages/', () => {
    const nonPrivate = workspace.filter((p) => p.private !== true);
    expect(nonPrivate.map((p) => p.name).sort()).toEqual(published);
    for (const p of nonPrivate) expect(relative(root, p.path)).toBe(`packages/${p.name.split('/')[1]}`);
    // and the workspace is larger than that: apps and examples exist and are private
    expect(workspace.length).toBeGreaterThan(published.length);
  });

  it('no published package depends on a private workspace package (it could not be installed)', () => {
    const privateNames = new Set(workspace.filter((p) => p.private === true).map((p) => p.name));
    for (const name of published) {
      const pkg = manifests.get(name) as Manifest;
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
        const deps = Object.keys((pkg[field] ?? {}) as Record<string, string>);
        expect(
          deps.filter((d) => privateNames.has(d)),
          `${name} ${field}`,
        ).toEqual([]);
      }
    }
  });
});

describe('the Changesets configuration', () => {
  const config = readJson<Record<string, unknown>>(join(root, '.changeset/config.json'));

  it('versions the published packages together, publishes them publicly, and never the private ones', () => {
    // One fixed group of exactly the published packages: they pin each other's exact version once packed.
    expect(config.fixed).toHaveLength(1);
    expect([...((config.fixed as string[][])[0] ?? [])].sort()).toEqual(published);
    expect(config.access).toBe('public');
    expect(config.privatePackages).toEqual({ version: false, tag: false });
    expect(config.ignore).toEqual([]);
    expect(config.linked).toEqual([]);
    expect(config.baseBranch).toBe('main');
  });

  it('has the README Changesets expects beside it', () => {
    expect(readFileSync(join(root, '.changeset/README.md'), 'utf8')).toContain('docs/releasing.md');
  });
});

describe('the root scripts', () => {
  const scripts = readJson<Manifest>(join(root, 'package.json')).scripts ?? {};

  it('`release` builds, then publishes every non-private package with public access', () => {
    const steps = (scripts.release ?? '').split('&&').map((s) => s.trim());
    expect(steps).toEqual(['pnpm build', 'pnpm -r publish --access public']);
  });

  it('`changeset` runs the @changesets/cli installed at the root', () => {
    const cli = readJson<{ version: string }>(join(root, 'node_modules/@changesets/cli/package.json'));
    const result = spawnSync('pnpm', ['run', '--silent', 'changeset', '--version'], {
      cwd: root,
      encoding: 'utf8',
      env: cleanEnv(),
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(cli.version);
    expect(result.status).toBe(0);
  });
});

// The steps of docs/releasing.md, in order: each test continues from the one before.
describe('Changesets, run through `pnpm changeset` in a copy of the workspace manifests', () => {
  let repo = '';

  /** `pnpm changeset <args>` in the copy; returns the exit code and everything printed. */
  const changeset = (...args: string[]) => {
    const r = spawnSync('pnpm', ['run', '--silent', 'changeset', ...args], {
      cwd: repo,
      encoding: 'utf8',
      // `tag` makes annotated tags, which need a committer even on a machine with no git identity.
      env: {
        ...cleanEnv(),
        GIT_AUTHOR_NAME: 'test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
      },
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
      cwd: repo,
      stdio: 'pipe',
    });
  const manifest = (p: WorkspacePackage) =>
    readJson<Manifest>(join(repo, relative(root, p.path), 'package.json'));

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'chainrule-changesets-'));
    for (const file of [
      'package.json',
      'pnpm-workspace.yaml',
      '.changeset/config.json',
      '.changeset/README.md',
    ])
      cpSync(join(root, file), join(repo, file));
    for (const p of workspace) {
      const to = join(repo, relative(root, p.path), 'package.json');
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(p.path, 'package.json'), to);
    }
    // The root script runs the CLI from node_modules: the workspace's, read-only here.
    symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'));
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n*.json.out\n');
    git('init', '--quiet', '--initial-branch=main');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'the workspace manifests');
  });

  afterAll(() => {
    if (repo !== '') rmSync(repo, { recursive: true, force: true });
  });

  it('`changeset status` accepts the config (no issues) and, with no changesets, plans nothing', () => {
    const { status, output } = changeset('status', '--output', 'empty.json.out');
    expect(output).not.toMatch(/issues in your config/i);
    expect(status).toBe(0);
    expect(readJson(join(repo, 'empty.json.out'))).toEqual({ changesets: [], releases: [] });
  });

  it('a patch changeset for one package releases all the published ones at one version, no private one', () => {
    writeFileSync(
      join(repo, '.changeset/fix-one-thing.md'),
      "---\n'@chainrule/interop': patch\n---\n\nFix one thing.\n",
    );
    const { status, output } = changeset('status', '--output', 'plan.json.out');
    expect(output).not.toMatch(/issues in your config/i);
    expect(status).toBe(0);
    const plan = readJson<{ releases: { name: string; type: string; newVersion: string }[] }>(
      join(repo, 'plan.json.out'),
    );
    const released = plan.releases.filter((r) => r.type !== 'none');
    expect(released.map((r) => r.name).sort()).toEqual(published);
    expect(new Set(released.map((r) => r.type))).toEqual(new Set(['patch']));
    expect(new Set(released.map((r) => r.newVersion)).size).toBe(1);
  });

  it('`changeset version` bumps them, writes their changelogs, keeps workspace:* and leaves private ones be', () => {
    const before = new Map(workspace.map((p) => [p.name, manifest(p)] as const));
    const { status, output } = changeset('version');
    expect(output).not.toMatch(/issues in your config|error/i);
    expect(status).toBe(0);
    for (const p of workspace) {
      const old = before.get(p.name) as Manifest;
      const now = manifest(p);
      const dir = join(repo, relative(root, p.path));
      if (published.includes(p.name)) {
        const [major, minor, patch] = old.version.split('.').map(Number) as [number, number, number];
        expect(now.version, p.name).toBe(`${major}.${minor}.${patch + 1}`);
        expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toContain(`## ${now.version}`);
        // pnpm rewrites workspace:* when it packs; Changesets leaves it for pnpm to do so.
        expect(now.dependencies, p.name).toEqual(old.dependencies);
      } else {
        expect(now, p.name).toEqual(old);
        expect(existsSync(join(dir, 'CHANGELOG.md')), p.name).toBe(false);
      }
    }
    expect(readFileSync(join(repo, 'packages/interop/CHANGELOG.md'), 'utf8')).toContain('Fix one thing.');
    // the changeset was used up
    expect(readdirSync(join(repo, '.changeset')).sort()).toEqual(['README.md', 'config.json']);
  });

  it('`changeset tag`, once the bump is committed, tags each published package at its new version', () => {
    git('add', '-A');
    git('commit', '--quiet', '-m', 'version packages');
    const { status, output } = changeset('tag');
    expect(status, output).toBe(0);
    const tags = execFileSync('git', ['tag', '--list'], { cwd: repo, encoding: 'utf8' }).trim().split('\n');
    const version = manifest(workspace.find((p) => p.name === '@chainrule/core') as WorkspacePackage).version;
    expect(tags.sort()).toEqual(published.map((name) => `${name}@${version}`));
  });

  it('`changeset add --empty` records a change that needs no release: status then plans nothing', () => {
    const { status } = changeset('add', '--empty');
    expect(status).toBe(0);
    const added = readdirSync(join(repo, '.changeset')).filter(
      (f) => !['README.md', 'config.json'].includes(f),
    );
    expect(added).toHaveLength(1);
    expect(readFileSync(join(repo, '.changeset', added[0] as string), 'utf8')).toMatch(/^---\s*---/);
    expect(changeset('status', '--output', 'after-empty.json.out').status).toBe(0);
    const plan = readJson<{ releases: unknown[] }>(join(repo, 'after-empty.json.out'));
    expect(plan.releases).toEqual([]);
  });

  it('a config that would release a package without its dependency is refused, naming both', () => {
    const file = join(repo, '.changeset/config.json');
    const good = readFileSync(file, 'utf8');
    try {
      const bad = { ...JSON.parse(good), ignore: ['@chainrule/core'] };
      writeFileSync(file, JSON.stringify(bad));
      const { status, output } = changeset('status');
      expect(status).toBe(1);
      expect(output).toMatch(
        /"@chainrule\/(cli|interop|kernels-wasm)" depends on the skipped package "@chainrule\/core"/,
      );
    } finally {
      writeFileSync(file, good);
    }
  });
});
