/**
 * What the packaging tests share: the workspace root, the list of published packages, and packing them the way
 * `pnpm publish` does (`pnpm pack`, which rewrites `workspace:*` to the version).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root. */
export const root = resolve(here, '../../..');

/**
 * The published packages (directories under packages/): exactly the workspace packages without `"private": true`.
 * `release.test.ts` fails when a package is added to the workspace without being listed here and in the Changesets
 * `fixed` group, or without `"private": true` — so none is released unchecked, and none is released by mistake.
 */
export const PUBLISHABLE = ['core', 'kernels-wasm', 'interop', 'cli'] as const;

/** A package packed into a tarball. */
export interface Packed {
  tarball: string;
  /** The tarball's files, without the `package/` prefix, sorted. */
  files: string[];
  /** The package.json inside the tarball (what the registry and npm see). */
  pkg: Record<string, unknown>;
}

/** Packs `packages/<name>` with pnpm into `destination` and reads the tarball back. */
export function pack(name: string, destination: string): Packed {
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
  return { tarball, files, pkg };
}

/**
 * The environment without the variables `pnpm run` and `pnpm exec` add (`npm_config_user_agent`,
 * `npm_config_verify_deps_before_run`, `npm_command`, `npm_lifecycle_*`, `npm_package_*`, `pnpm_*`, …): an npm or
 * pnpm started from a test sees what a user's shell has (their registry or cache settings stay), not pnpm's run.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  const added =
    /^(npm_config_user_agent|npm_config_verify_deps_before_run|npm_command|npm_execpath|npm_node_execpath|npm_lifecycle_.*|npm_package_.*|pnpm_.*)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!added.test(key)) env[key] = value;
  return env;
}
