import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** The rules checked: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Runs axe-core (from node_modules, injected into the page) with the WCAG 2.1 A/AA rules over the whole document,
 * or the part `selector` names, and returns the violations of at least `minImpact` (serious: serious and critical).
 */
export async function axeViolations(
  page: Page,
  {
    selector,
    minImpact = 'serious',
  }: { selector?: string; minImpact?: 'moderate' | 'serious' | 'critical' } = {},
): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(
    async ({ tags, selector }) => {
      // biome-ignore lint/suspicious/noExplicitAny: axe is the injected global
      const axe = (window as any).axe;
      const result = await axe.run(selector ?? document, { runOnly: { type: 'tag', values: tags } });
      return result.violations as AxeViolation[];
    },
    { tags: WCAG_TAGS, selector },
  );
  const order = ['minor', 'moderate', 'serious', 'critical'];
  return violations.filter((v) => order.indexOf(v.impact ?? 'minor') >= order.indexOf(minImpact));
}

/** The violations as lines a failing test can show: rule, impact, help, and the first elements. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s): ${v.nodes
          .slice(0, 5)
          .map(
            (n) =>
              `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, ' ')}]` : ''}`,
          )
          .join('; ')}`,
    )
    .join('\n');
}
