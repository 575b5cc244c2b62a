/**
 * "Every example and journey a README shows is a test": each ```ts block of the READMEs, type-checked strictly
 * against the built packages and run (see src/readme-blocks.ts). Extracted into .blocks/readmes (git-ignored).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Block,
  type Compiled,
  compileBlocks,
  extractBlocks,
  findReadmes,
  packageDir,
  repoRoot,
  runBlock,
} from '../src/readme-blocks.js';

const dir = join(packageDir, '.blocks', 'readmes');
const readmes = findReadmes();
const blocks: Block[] = readmes.flatMap((readme) =>
  extractBlocks(readFileSync(join(repoRoot, readme), 'utf8'), readme),
);
let compiled: Compiled;

beforeAll(() => {
  compiled = compileBlocks(blocks, dir);
});

it('finds the blocks of the READMEs that show code', () => {
  const count = (readme: string) => blocks.filter((b) => b.readme === readme).length;
  expect(count('README.md')).toBeGreaterThanOrEqual(1);
  expect(count('packages/core/README.md')).toBeGreaterThanOrEqual(2);
  expect(count('packages/kernels-wasm/README.md')).toBeGreaterThanOrEqual(1);
  expect(count('packages/interop/README.md')).toBeGreaterThanOrEqual(1);
});

it('compiles with no diagnostics outside the blocks (configuration, libraries)', () => {
  expect(compiled.other).toEqual([]);
});

for (const block of blocks) {
  describe(block.id, () => {
    it('type-checks against the built .d.ts (strict)', () => {
      const errors = compiled.errors.get(block.id) ?? [];
      if (errors.length > 0)
        throw new Error(`${block.id}: ${errors.length} type error(s)\n${errors.join('\n')}`);
    });

    it(block.vitest ? 'runs as a Vitest test file' : 'runs with Node', async () => {
      const result = await runBlock(block, dir);
      if (!result.ok) throw new Error(result.report);
    });
  });
}
