/**
 * The checker itself can fail, and says where: a fake README whose blocks have a type error, a runtime throw and a
 * failing Vitest test is run through the same functions as the real READMEs (in .blocks/selftest).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Compiled, compileBlocks, extractBlocks, packageDir, runBlock } from '../src/readme-blocks.js';

const markdown = `# A fake README

\`\`\`ts
import { Sequential } from '@chainrule/core';
const json = '{}';
Sequential.fromJSONN(json);
\`\`\`

\`\`\`sh
echo not checked
\`\`\`

\`\`\`ts
console.log('about to throw');
throw new Error('boom from the README');
\`\`\`

- In a list item:

  \`\`\`ts
  import { Dense, Sequential } from '@chainrule/core';
  const model = new Sequential([new Dense(2, 1)], { loss: 'mse' });
  console.log(model.predict([[1, 2]]).rows);
  \`\`\`

\`\`\`typescript
import { expect, it } from 'vitest';
it('fails', () => {
  expect(1 + 1).toBe(3);
});
\`\`\`
`;

const dir = join(packageDir, '.blocks', 'selftest');
const blocks = extractBlocks(markdown, 'FAKE.md');
const [typeError, thrown, indented, vitest] = blocks;
let compiled: Compiled;

beforeAll(() => {
  compiled = compileBlocks(blocks, dir);
});

describe('the README checker on a broken README', () => {
  it('extracts the ts/typescript blocks only, with their fence lines and indentation', () => {
    expect(blocks.map((b) => [b.id, b.indent, b.vitest])).toEqual([
      ['FAKE.md:3', 0, false],
      ['FAKE.md:13', 0, false],
      ['FAKE.md:20', 2, false],
      ['FAKE.md:26', 0, true],
    ]);
    expect(indented?.code.startsWith("import { Dense, Sequential } from '@chainrule/core';\n")).toBe(true);
  });

  it('reports a wrong method name as a type error at the README line and column', () => {
    expect(compiled.other).toEqual([]);
    const errors = compiled.errors.get('FAKE.md:3') ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^FAKE\.md:6:12 - error TS2551: Property 'fromJSONN' does not exist .*'fromJSON'/,
    );
    expect(compiled.errors.get('FAKE.md:13')).toEqual([]);
    expect(compiled.errors.get('FAKE.md:20')).toEqual([]);
  });

  it('fails a block that throws, pointing at the README line', async () => {
    const wrongName = await runBlock(typeError!, dir);
    expect(wrongName.ok).toBe(false);
    expect(wrongName.report).toMatch(/^FAKE\.md:3: node: exit 1\n/);
    expect(wrongName.report).toContain('TypeError: Sequential.fromJSONN is not a function');
    expect(wrongName.report).toMatch(/FAKE\.md:6:12/);

    const boom = await runBlock(thrown!, dir);
    expect(boom.ok).toBe(false);
    expect(boom.report).toContain('about to throw');
    expect(boom.report).toContain('Error: boom from the README');
    expect(boom.report).toMatch(/FAKE\.md:15:7/);
    expect(boom.report).not.toContain('FAKE_L13');
  });

  it('runs a good block, indented in a list item, and passes it', async () => {
    const ok = await runBlock(indented!, dir);
    expect(ok.report).toBe('FAKE.md:20: node: exit 0\n1\n');
    expect(ok.ok).toBe(true);
  });

  it('fails a Vitest block whose test fails, pointing at the README line', async () => {
    const result = await runBlock(vitest!, dir);
    expect(result.ok).toBe(false);
    expect(result.report).toMatch(/^FAKE\.md:26: vitest run: exit 1\n/);
    expect(result.report).toContain('expected 2 to be 3');
    expect(result.report).toMatch(/FAKE\.md:29:17/);
  });
});
