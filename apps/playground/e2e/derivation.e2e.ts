import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, openFresh, SCREENSHOTS } from './browser';

const base = inject('playgroundUrl');
let context: BrowserContext;
let page: Page;
let errors: string[];

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

beforeAll(async () => {
  ({ context, page, errors } = await launch());
  await page.setViewportSize({ width: 1440, height: 900 });
});
afterAll(async () => {
  await context?.close();
});

/** Opens a URL as a fresh load (a new document, not a hash change). */
const open = (hash = '') => openFresh(page, `${base}${hash}`);

/** axe-core's WCAG 2.0/2.1 A and AA rules on one part of the page: the serious and critical violations. */
async function axe(selector: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async (sel) => {
    const w = window as unknown as {
      axe: {
        run(
          context: string,
          options: object,
        ): Promise<{
          violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
        }>;
      };
    };
    const result = await w.axe.run(sel, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
}

/** Lets an element and its scrolling ancestors grow to their content, so one screenshot shows all of it. */
async function unclip(selector: string) {
  await page.$eval(selector, (el) => {
    for (let e: HTMLElement | null = el as HTMLElement; e && e !== document.body; e = e.parentElement) {
      e.style.overflow = 'visible';
      e.style.maxHeight = 'none';
      e.style.height = 'auto';
      e.style.flex = 'none';
    }
  });
}

const presets = [
  { id: 'seed-000', title: /^Seed 000/, slip: 'dJda' },
  { id: 'seed-001', title: /^Seed 001/, slip: 'dJdyhat' },
  { id: 'seed-002', title: /^Seed 002/, slip: 'g' },
  { id: 'seed-003', title: /^Seed 003/, slip: 'outer' },
];

describe('the derivations, live, in Chromium at 1440×900', () => {
  for (const p of presets) {
    it(`${p.id}: the preset opens its derivation, typeset; its ∂J/∂w is the inspector’s; a term outlines its link`, async () => {
      await open();
      await page.click(`[data-testid=preset-${p.id}]`);
      await page.waitForSelector('[data-testid=derivation]', { state: 'visible' });
      await page.waitForFunction(
        (re) =>
          new RegExp(re).test(document.querySelector('[data-testid=derivation-title]')?.textContent ?? ''),
        p.title.source,
      );
      await page.waitForSelector('[data-testid=derivation-gradient]');
      expect(await page.getAttribute('[data-testid=tab-derivation]', 'aria-selected')).toBe('true');
      expect(await page.locator('[data-testid=derivation] .katex').count()).toBeGreaterThan(6);
      expect(await page.locator('[data-testid=derivation] .katex math').count()).toBeGreaterThan(6);
      expect(await page.textContent(`[data-testid=derivation-slip-${p.slip}]`)).toMatch(/^Slip in the seed/);
      expect(await page.textContent('[data-testid=derivation-target]')).toMatch(
        /weight from input 1 to unit 1 of (layer 1|the output layer)/,
      );
      const shown = await page.textContent('[data-testid=derivation-gradient]');
      expect(Number(shown)).not.toBeNaN();
      await page.screenshot({ path: `${SCREENSHOTS}derivation-${p.id}.png` });
      // For review, the whole panel (it scrolls inside the side panel on the page).
      await unclip('[data-testid=derivation]');
      await page
        .locator('[data-testid=derivation]')
        .screenshot({ path: `${SCREENSHOTS}derivation-${p.id}-panel.png` });

      // Hovering the term that sums to ∂J/∂w outlines the weight's link on the diagram, and only while hovered.
      const term = page.locator('.term-body', { has: page.locator('[data-testid=derivation-gradient]') });
      await term.hover();
      await page.waitForSelector('[data-testid=link-0-0-0].highlight', { state: 'attached' });
      expect(await page.locator('path.link.highlight').count()).toBe(1);
      await page.mouse.move(5, 5);
      await page.waitForSelector('path.link.highlight', { state: 'detached' });

      expect(await axe('[data-testid=side-panel]')).toEqual([]);

      // The inspector, on the same weight, shows the same ∂J/∂w.
      await page.click('[data-testid=tab-inspector]');
      await page.waitForSelector('[data-testid=inspector-gradient]', { state: 'visible' });
      expect(await page.textContent('[data-testid=inspector-gradient]')).toBe(shown);
    });
  }

  it('this network: a clicked link’s derivation in our notation, the term focused by keyboard outlines its place', async () => {
    await open();
    await page.click('[data-testid=step]');
    // By keyboard (a click on a curve can land on a crossing one): focus the link, Enter.
    await page.focus('[data-testid=link-1-2-1]');
    await page.keyboard.press('Enter');
    await page.click('[data-testid=tab-derivation]');
    await page.waitForSelector('[data-testid=derivation-gradient]');
    expect(await page.textContent('[data-testid=derivation-title]')).toMatch(/this network/);
    expect(await page.textContent('[data-testid=derivation-target]')).toBe(
      '∂J/∂w for the weight from unit 3 to unit 2 of layer 2',
    );
    // ∂J/∂a of a hidden unit comes back over its outgoing links: focusing the term outlines them.
    await page.focus('[data-testid=derivation-term-dJda]');
    await page.waitForSelector('[data-testid=link-2-1-0].highlight', { state: 'attached' });
    expect(await page.locator('[data-testid=output-node-0].highlight').count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}derivation-ours.png` });
    await unclip('[data-testid=derivation]');
    await page
      .locator('[data-testid=derivation]')
      .screenshot({ path: `${SCREENSHOTS}derivation-ours-panel.png` });
    const shown = await page.textContent('[data-testid=derivation-gradient]');
    await page.click('[data-testid=tab-inspector]');
    expect(await page.textContent('[data-testid=inspector-gradient]')).toBe(shown);
  });

  it('another example: its live values change, and ∂J/∂w (a sum over the batch) does not', async () => {
    await open();
    await page.click('[data-testid=preset-seed-000]');
    await page.waitForSelector('[data-testid=derivation-gradient]');
    const value = (id: string) => page.getAttribute(`[data-testid=derivation-term-${id}]`, 'data-value');
    const before = { a: await value('a'), grad: await page.textContent('[data-testid=derivation-gradient]') };
    await page.fill('[data-testid=derivation-example]', '7');
    await page.waitForFunction(
      (a) => document.querySelector('[data-testid=derivation-term-a]')?.getAttribute('data-value') !== a,
      before.a,
    );
    expect(await page.inputValue('[data-testid=derivation-example]')).toBe('7');
    expect(await page.textContent('[data-testid=derivation-gradient]')).toBe(before.grad);
  });

  it('step-through mid-backward: ∂J/∂Z and the rest as heatmaps over the batch, the network lit right to left', async () => {
    await open();
    await page.click('[data-testid=tab-step]');
    await page.click('[data-testid=iterate]');
    await page.waitForSelector('[data-testid=stage-name]');
    // The default network has 3 Dense layers: stage 6 of 8 is backward through layer 2 (after 3, the output).
    for (let i = 0; i < 5; i++) await page.click('[data-testid=stage-next]');
    expect(await page.textContent('[data-testid=stage-name]')).toMatch(/^Stage 6\/8: Backward, layer 2/);
    const dZ = page.locator('[data-testid=matrix-dZ-1]');
    expect(await dZ.getAttribute('data-rows')).toBe('10');
    expect(await dZ.locator('rect title').count()).toBe(20);
    for (const id of ['matrix-dA-1', 'matrix-dW-1', 'matrix-db-1', 'matrix-dZ-2'])
      expect(await page.locator(`[data-testid=${id}]`).count()).toBe(1);
    // Hover a cell: its exact value in the readout.
    await dZ.locator('rect').nth(3).hover();
    expect(await page.textContent('[data-testid=matrix-dZ-1-readout]')).toMatch(/^example 2, unit 2: -?\d/);
    // The network: the output layer's and layer 2's links lit, the first layer's not yet.
    const glows = await page.$$eval('path.glow-link', (ps) =>
      ps.map((p) => Number(p.getAttribute('data-glow'))),
    );
    expect(glows.length).toBeGreaterThan(0);
    expect(Math.max(...glows)).toBe(1);
    expect(await page.locator('[data-testid=node-1-0][data-glow]').count()).toBe(1);
    expect(await page.locator('[data-testid=node-0-0][data-glow]').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}step-through-mid-backward.png` });
    expect(await axe('[data-testid=side-panel]')).toEqual([]);
    // One stage on: layer 1's links light up too.
    await page.click('[data-testid=stage-next]');
    await page.waitForSelector('[data-testid=node-0-0][data-glow]');
    await page.click('[data-testid=stage-prev]');
    await unclip('[data-testid=step-through]');
    await page
      .locator('[data-testid=step-through]')
      .screenshot({ path: `${SCREENSHOTS}step-through-mid-backward-panel.png` });
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
