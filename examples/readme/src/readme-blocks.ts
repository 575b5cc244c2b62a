/**
 * The README checker: every ```ts block in the repository's READMEs is a complete program that a user could paste
 * into a project of their own. It is extracted into a git-ignored folder, type-checked with the TypeScript compiler
 * against the packages' built `.d.ts` (tsconfig.base.json: strict, NodeNext, as a user's project would be), compiled,
 * and run with Node; a block that imports from 'vitest' is a test file, and is run by Vitest instead. Every message
 * (compiler diagnostics, stack traces, Vitest's report) points at the README and line, not the extracted file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** examples/readme, where the extracted blocks live so that they resolve this package's dependencies. */
export const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const repoRoot = resolve(packageDir, '../..');

/** One ```ts block of a README. */
export interface Block {
  /** The README, relative to the repository root (as messages name it). */
  readme: string;
  /** 1-based line of the opening fence; code line n (1-based) is README line `line + n`. */
  line: number;
  /** Columns of indentation stripped from every line (a block inside a list item). */
  indent: number;
  code: string;
  /** Imports from 'vitest': a test file, run by Vitest rather than Node. */
  vitest: boolean;
  /** `README.md:59`, `packages/core/README.md:9`: how tests and messages name the block. */
  id: string;
  /** The extracted file's name, e.g. `packages_core_README_L9.ts`. */
  file: string;
}

/** The READMEs checked: the root one and every package's, app's and example's. */
export function findReadmes(root = repoRoot): string[] {
  const found = ['README.md'];
  for (const group of ['packages', 'apps', 'examples']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      if (existsSync(join(root, group, name, 'README.md'))) found.push(`${group}/${name}/README.md`);
    }
  }
  return found;
}

/** Every ```ts (or ```typescript) block of `markdown`; blocks of other languages, and fences inside them, skipped. */
export function extractBlocks(markdown: string, readme: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  let open: { fence: string; indent: number; line: number; ts: boolean; body: string[] } | null = null;
  for (const [i, text] of lines.entries()) {
    if (open === null) {
      const m = /^( *)(`{3,}|~{3,})\s*([\w-]*)/.exec(text);
      if (m) {
        const [, indent = '', fence = '', lang = ''] = m;
        open = { fence, indent: indent.length, line: i + 1, ts: /^(ts|typescript)$/i.test(lang), body: [] };
      }
      continue;
    }
    const closing = /^ *(`{3,}|~{3,})\s*$/.exec(text)?.[1];
    if (closing && closing[0] === open.fence[0] && closing.length >= open.fence.length) {
      if (open.ts) {
        const code = `${open.body.join('\n')}\n`;
        const base = `${readme.replace(/\.md$/i, '').replace(/[^\w]+/g, '_')}_L${open.line}`;
        const vitest = /\bfrom\s+['"]vitest['"]/.test(code);
        blocks.push({
          readme,
          line: open.line,
          indent: open.indent,
          code,
          vitest,
          id: `${readme}:${open.line}`,
          file: `${base}${vitest ? '.test.ts' : '.ts'}`,
        });
      }
      open = null;
      continue;
    }
    // Strip the fence's indentation (a block inside a list item), never more than the line has.
    const strip = Math.min(open.indent, /^ */.exec(text)?.[0].length ?? 0);
    open.body.push(text.slice(strip));
  }
  return blocks;
}

/** Rewrites `<dir>/<block file>:L:C` (as a path or file URL) in `text` to `<README>:L':C'`. */
export function toReadmeLocations(text: string, blocks: readonly Block[]): string {
  let out = text;
  for (const b of blocks) {
    const name = b.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(?:file://)?(?:[^\\s()'"\`]*/)?${name}(?::(\\d+)(?::(\\d+))?)?`, 'g');
    out = out.replace(re, (_, l?: string, c?: string) => {
      if (l === undefined) return b.readme;
      const at = `${b.readme}:${b.line + Number(l)}`;
      return c === undefined ? at : `${at}:${Number(c) + b.indent}`;
    });
  }
  return out;
}

/** The results of compiling every block in one program. */
export interface Compiled {
  /** Diagnostics per block id, as `README:line:col - error TSnnnn: message`. */
  errors: Map<string, string[]>;
  /** Diagnostics not inside a block (the configuration, the libraries): should be none. */
  other: string[];
}

/**
 * Writes the blocks into `dir` (emptied first) with a tsconfig extending the repository's tsconfig.base.json and a
 * Vitest config for the test-file blocks, type-checks them in one program and emits JavaScript to `dir/dist`.
 */
export function compileBlocks(blocks: readonly Block[], dir: string): Compiled {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const b of blocks) writeFileSync(join(dir, b.file), b.code);
  const tsconfig = {
    extends: relative(dir, join(repoRoot, 'tsconfig.base.json')),
    compilerOptions: {
      types: ['node'],
      rootDir: '.',
      outDir: 'dist',
      declaration: false,
      declarationMap: false,
    },
    include: ['*.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['*.test.ts'] } };\n");

  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  };
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), undefined, host);
  if (!config) throw new Error(`cannot read ${join(dir, 'tsconfig.json')}`);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const diagnostics = [...config.errors, ...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];

  const errors = new Map<string, string[]>(blocks.map((b) => [b.id, []]));
  const other: string[] = [];
  const byPath = new Map(blocks.map((b) => [resolve(dir, b.file), b]));
  for (const d of diagnostics) {
    const message = `${ts.DiagnosticCategory[d.category].toLowerCase()} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    const block = d.file ? byPath.get(resolve(d.file.fileName)) : undefined;
    if (block && d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      errors
        .get(block.id)
        ?.push(`${block.readme}:${block.line + line + 1}:${character + 1 + block.indent} - ${message}`);
    } else {
      other.push(d.file ? `${d.file.fileName} - ${message}` : message);
    }
  }
  return { errors, other };
}

/** What running one block did. */
export interface RunResult {
  ok: boolean;
  /** Exit code and output, with extracted-file locations rewritten to README locations. */
  report: string;
}

const vitestBin = join(
  dirname(createRequire(join(packageDir, 'package.json')).resolve('vitest/package.json')),
  'vitest.mjs',
);

/**
 * Runs one compiled block: `node dist/<file>.js` from an empty temporary directory (a block may write files), or,
 * for a test-file block, `vitest run <file>` in `dir`. Passes if it exits 0 within `timeoutMs`.
 */
export async function runBlock(block: Block, dir: string, timeoutMs = 60_000): Promise<RunResult> {
  // A Vitest inside a Vitest worker must not think it is one of its workers.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  Object.assign(env, { NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' });
  let args: string[];
  let cwd: string;
  let scratch: string | null = null;
  if (block.vitest) {
    args = [vitestBin, 'run', '--root', dir, block.file];
    cwd = dir;
  } else {
    args = ['--enable-source-maps', join(dir, 'dist', block.file.replace(/\.ts$/, '.js'))];
    scratch = mkdtempSync(join(tmpdir(), 'chainrule-readme-'));
    cwd = scratch;
  }
  try {
    const { code, signal, output } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      output: string;
    }>((done, fail) => {
      const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', fail);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        done({ code, signal, output });
      });
    });
    const how = block.vitest ? 'vitest run' : 'node';
    const status = signal
      ? `killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs} ms?)` : ''}`
      : `exit ${code}`;
    return {
      ok: code === 0 && signal === null,
      report: toReadmeLocations(`${block.id}: ${how}: ${status}\n${output}`, [block]),
    };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
