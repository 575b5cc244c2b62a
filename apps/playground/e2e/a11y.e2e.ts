import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, describeViolations } from './axe';
import { launch, openFresh } from './browser';

const base = inject('playgroundUrl');
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ context, page, errors } = await launch());
  await page.setViewportSize({ width: 1440, height: 900 });
});
afterAll(async () => {
  await context?.close();
});

const open = (hash = '') => openFresh(page, `${base}${hash}`);

/** Fails with every serious or critical WCAG 2.1 A/AA violation axe-core finds, named. */
async function expectAccessible(what: string) {
  const violations = await axeViolations(page);
  expect(violations.length, `${what}:\n${describeViolations(violations)}`).toBe(0);
}

describe('accessibility: axe-core’s WCAG 2.1 A/AA rules find nothing serious or critical', () => {
  it('the idle page', async () => {
    await open();
    await expectAccessible('idle page');
  });

  it('with the inspector open on a weight, and on a bias', async () => {
    await open();
    await page.click('[data-testid=link-1-2-1]', { force: true });
    await page.waitForSelector('[data-testid=inspector-gradient]');
    await expectAccessible('inspector on a weight');
    await page.click('[data-testid=node-0-0]');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=inspector] .target')?.textContent === 'b of unit 1 in layer 1',
    );
    // A refused edit shows its message.
    await page.fill('[data-testid=edit-value]', 'abc');
    await page.press('[data-testid=edit-value]', 'Enter');
    await page.waitForSelector('[data-testid=edit-refused]');
    await expectAccessible('inspector on a bias, with a refused edit');
  });

  it('the step-through tab after a traced iteration, and the gradient view', async () => {
    await open('#gradientView=1');
    await page.click('[data-testid=tab-step]');
    await page.click('[data-testid=iterate]');
    await page.waitForSelector('[data-testid=stage-name]');
    await expectAccessible('step-through');
  });

  it('the step-through tab mid-backward: the stage’s heatmaps over the batch', async () => {
    await open();
    await page.click('[data-testid=tab-step]');
    await page.click('[data-testid=iterate]');
    await page.waitForSelector('[data-testid=stage-name]');
    // Forward through both hidden layers and the output, the loss, then into the backward pass.
    for (let i = 0; i < 5; i++) await page.click('[data-testid=stage-next]');
    expect(await page.textContent('[data-testid=stage-name]')).toMatch(/^Stage 6\/8: Backward, layer 2/);
    await page.waitForSelector('[data-testid=matrix-dZ-1]');
    await expectAccessible('step-through, backward');
    // The update stage: the ΔW maps of every layer.
    for (let i = 0; i < 2; i++) await page.click('[data-testid=stage-next]');
    await page.waitForSelector('[data-testid=matrix-deltaW-0]');
    await expectAccessible('step-through, update');
  });

  it('the derivation tab: with nothing selected, after each seed preset, and on a clicked link', async () => {
    await open();
    await page.click('[data-testid=tab-derivation]');
    await page.waitForSelector('[data-testid=derivation-start]');
    await expectAccessible('derivation, nothing selected');
    for (const seed of ['seed-000', 'seed-001', 'seed-002', 'seed-003']) {
      await page.click(`[data-testid=preset-${seed}]`);
      await page.waitForFunction(
        (id) =>
          document.querySelector(`[data-testid=derivation-${id}]`)?.getAttribute('aria-pressed') === 'true',
        seed,
      );
      await page.waitForSelector('[data-testid=derivation-gradient]');
      await expectAccessible(`derivation after the ${seed} preset`);
    }
    // A link of this network, clicked: the inspector opens; the derivation tab shows its derivation.
    await page.click('[data-testid=link-1-2-0]', { force: true });
    await page.waitForSelector('[data-testid=inspector-gradient]');
    await page.click('[data-testid=tab-derivation]');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=derivation-target]')?.textContent ===
        '∂J/∂w for the weight from unit 3 to unit 1 of the output layer',
    );
    await page.waitForSelector('[data-testid=derivation-gradient]');
    await expectAccessible('derivation on a clicked link');
  });

  it('a multi-class problem with a notice, on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open('#dataset=multi&output=softmax&loss=softmaxCrossEntropy');
    await page.waitForSelector('[data-testid=class-heatmap-2]');
    await page.fill('[data-testid=init-seed]', 'x');
    await page.press('[data-testid=init-seed]', 'Enter');
    await page.waitForSelector('[data-testid=notice]');
    await expectAccessible('phone, multi-class, notice');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('the tabs are a tab list: arrow keys move between them and open them', async () => {
    await open();
    await page.focus('[data-testid=tab-inspector]');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tab-step');
    expect(await page.getAttribute('[data-testid=tab-step]', 'aria-selected')).toBe('true');
    expect(await page.isVisible('[data-testid=iterate]')).toBe(true);
    await page.keyboard.press('End');
    expect(await page.getAttribute('[data-testid=tab-derivation]', 'aria-selected')).toBe('true');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('[data-testid=tab-inspector]', 'aria-selected')).toBe('true');
    // Only the selected tab is a tab stop.
    expect(await page.$$eval('[role=tab]', (tabs) => tabs.map((t) => (t as HTMLElement).tabIndex))).toEqual([
      0, -1, -1,
    ]);
  });

  it('the checker fails on a violation (it is not vacuous)', async () => {
    await open();
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.setAttribute('data-testid', 'unnamed');
      document.body.append(b);
    });
    const violations = await axeViolations(page);
    expect(violations.map((v) => v.id)).toContain('button-name');
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
