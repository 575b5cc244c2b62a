import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, openFresh, SCREENSHOTS } from './browser';

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

/** The value an element's accessible name ends with (“…: 0.42”), as the model holds it in the last snapshot. */
async function modelValue(testid: string): Promise<number> {
  const label = (await page.getAttribute(`[data-testid=${testid}]`, 'aria-label')) ?? '';
  const m = /: (-?[\d.e+-]+)$/.exec(label);
  if (!m) throw new Error(`${testid}'s aria-label “${label}” does not end with a number`);
  return Number(m[1]);
}

const seedInUrl = () => new URLSearchParams(new URL(page.url()).hash.slice(1)).get('initSeed');

describe('parity with TensorFlow Playground', () => {
  it('a neuron’s bias is edited in the inspector: Enter sets it in the model; a non-number is refused and put back', async () => {
    await open();
    await page.click('[data-testid=node-0-1]');
    await page.waitForSelector('[data-testid=edit-value]');
    expect(await page.textContent('[data-testid=inspector] .target')).toBe('b of unit 2 in layer 1');
    expect(await modelValue('node-0-1')).not.toBe(0.75);
    await page.fill('[data-testid=edit-value]', '0.75');
    await page.press('[data-testid=edit-value]', 'Enter');
    // The worker's model has the new bias: the next snapshot carries it, and the inspector reads it back.
    await page.waitForFunction(() =>
      /: 0\.75$/.test(document.querySelector('[data-testid=node-0-1]')?.getAttribute('aria-label') ?? ''),
    );
    expect(await modelValue('node-0-1')).toBe(0.75);
    await page.waitForFunction(
      () => (document.querySelector('[data-testid=edit-value]') as HTMLInputElement).value === '0.7500',
    );
    // A value that is no number: refused with a message, the box shows the bias again, the model keeps it.
    await page.fill('[data-testid=edit-value]', '0.5x');
    await page.press('[data-testid=edit-value]', 'Enter');
    await page.waitForSelector('[data-testid=edit-refused]');
    expect(await page.textContent('[data-testid=edit-refused]')).toBe(
      '“0.5x” is not a number; the bias stays 0.7500.',
    );
    expect(await page.inputValue('[data-testid=edit-value]')).toBe('0.7500');
    await page.waitForTimeout(200);
    expect(await modelValue('node-0-1')).toBe(0.75);
    // The Set button does the same for the output's bias.
    await page.click('[data-testid=output-node-0]');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=inspector] .target')?.textContent === 'b of unit 1 in layer 3',
    );
    expect(await page.$('[data-testid=edit-refused]')).toBeNull();
    await page.fill('[data-testid=edit-value]', '-1.25');
    await page.click('[data-testid=edit-apply]');
    await page.waitForFunction(() =>
      /: -1\.25$/.test(
        document.querySelector('[data-testid=output-node-0]')?.getAttribute('aria-label') ?? '',
      ),
    );
    await page.screenshot({ path: `${SCREENSHOTS}parity-bias-edit.png` });
  });

  it('Enter applies a weight edit too', async () => {
    await open();
    await page.dispatchEvent('[data-testid=link-1-3-0]', 'click');
    await page.waitForSelector('[data-testid=edit-value]');
    await page.fill('[data-testid=edit-value]', '2.5');
    await page.press('[data-testid=edit-value]', 'Enter');
    await page.waitForFunction(() =>
      /: 2\.5$/.test(document.querySelector('[data-testid=link-1-3-0]')?.getAttribute('aria-label') ?? ''),
    );
  });

  it('⟲ draws fresh weights from a new seed, which the link keeps: reloading it gives the same weights', async () => {
    await open('#speed=0');
    expect(seedInUrl()).toBeNull(); // the default seed
    expect(await page.inputValue('[data-testid=init-seed]')).toBe('1');
    const before = await modelValue('link-0-0-0');
    await page.click('[data-testid=play]');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=epoch]')?.textContent?.replace(/\D/g, '')) > 30,
    );
    await page.click('[data-testid=reset]');
    await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).has('initSeed'));
    const seed = seedInUrl() as string;
    expect(seed).toMatch(/^\d+$/);
    expect(seed).not.toBe('1');
    await page.waitForFunction(
      (s) => (document.querySelector('[data-testid=init-seed]') as HTMLInputElement).value === s,
      seed,
    );
    await page.waitForFunction(
      () => document.querySelector('[data-testid=epoch]')?.textContent === '000,000',
    );
    const fresh = await modelValue('link-0-0-0');
    expect(fresh).not.toBe(before);
    // The link reproduces the run: a reload starts from the very same weights.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-testid=loss-train]')?.textContent !== '—');
    expect(seedInUrl()).toBe(seed);
    expect(await page.inputValue('[data-testid=init-seed]')).toBe(seed);
    expect(await modelValue('link-0-0-0')).toBe(fresh);
    // ⟲ again draws yet another seed.
    await page.click('[data-testid=reset]');
    await page.waitForFunction(
      (s) => new URLSearchParams(location.hash.slice(1)).get('initSeed') !== s,
      seed,
    );
    // With “new on ⟲” off, ⟲ goes back to the same weights and the link keeps its seed.
    await page.uncheck('[data-testid=reseed]');
    const kept = seedInUrl();
    await page.waitForTimeout(300);
    const start = await modelValue('link-0-0-0');
    await page.click('[data-testid=play]');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=epoch]')?.textContent?.replace(/\D/g, '')) > 30,
    );
    await page.click('[data-testid=pause]');
    await page.waitForTimeout(200);
    expect(await modelValue('link-0-0-0')).not.toBe(start);
    await page.click('[data-testid=reset]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=epoch]')?.textContent === '000,000',
    );
    await page.waitForTimeout(200);
    expect(await modelValue('link-0-0-0')).toBe(start);
    expect(seedInUrl()).toBe(kept);
  });

  it('a seed typed in the box is applied on Enter; a bad one is refused and put back', async () => {
    await open();
    await page.fill('[data-testid=init-seed]', '4242');
    await page.press('[data-testid=init-seed]', 'Enter');
    await page.waitForFunction(() => location.hash.includes('initSeed=4242'));
    await page.fill('[data-testid=init-seed]', 'banana');
    await page.press('[data-testid=init-seed]', 'Enter');
    await page.waitForSelector('[data-testid=notice]');
    expect(await page.textContent('[data-testid=notice]')).toContain(
      'Seed: “banana” is not a whole number from 0 to 1000000; it stays 4242.',
    );
    expect(await page.inputValue('[data-testid=init-seed]')).toBe('4242');
    expect(page.url()).toContain('initSeed=4242');
  });

  it('links and neurons take keyboard focus, with names, and Enter or Space opens them in the inspector', async () => {
    await open();
    // Tab from the last control above the drawing lands on the first link.
    await page.focus('[data-testid=gradient-view]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('link-0-0-0');
    expect(await page.getAttribute('[data-testid=link-0-0-0]', 'aria-label')).toMatch(
      /^weight from x1 to neuron 1 of layer 1: -?\d+(\.\d+)?(e-?\d+)?$/,
    );
    expect(await page.getAttribute('[data-testid=link-1-1-0]', 'aria-label')).toMatch(
      /^weight from neuron 2 of layer 1 to neuron 1 of layer 2: /,
    );
    expect(await page.getAttribute('[data-testid=link-2-0-0]', 'aria-label')).toMatch(
      /^weight from neuron 1 of layer 2 to the output: /,
    );
    // A visible focus ring on the focused link.
    expect(await page.$eval('[data-testid=link-0-0-0]', (e) => getComputedStyle(e).filter)).toContain(
      'drop-shadow',
    );
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=inspector] .target')?.textContent ===
        'w from unit 1 to unit 1 of layer 1',
    );
    expect(await page.getAttribute('[data-testid=link-0-0-0]', 'aria-pressed')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('link-0-0-1');
    await page.keyboard.press(' ');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=inspector] .target')?.textContent ===
        'w from unit 1 to unit 2 of layer 1',
    );
    // A neuron: a button named by its bias; Space opens it.
    await page.focus('[data-testid=node-1-0]');
    expect(await page.getAttribute('[data-testid=node-1-0]', 'aria-label')).toMatch(
      /^bias of neuron 1 of layer 2: -?\d/,
    );
    expect(await page.getAttribute('[data-testid=output-node-0]', 'aria-label')).toMatch(/^bias of output: /);
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=inspector] .target')?.textContent === 'b of unit 1 in layer 2',
    );
    await page.screenshot({ path: `${SCREENSHOTS}parity-keyboard.png` });
  });

  it('the keyboard adds points too: arrows move a cursor on the output, Enter adds at it', async () => {
    await open();
    expect(await page.textContent('[data-testid=point-count]')).toBe('500 points');
    await page.focus('[data-testid=output-points]');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowUp');
    await page.waitForSelector('[data-testid=plane-cursor]');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=point-count]')?.textContent === '502 points (custom)',
    );
    const points = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('points');
    expect(points).toBeTruthy();
  });

  it('the output has a colour legend and axes with ticks; the network a “what am I looking at”', async () => {
    await open();
    expect(await page.$$eval('.x-axis .tick', (t) => t.map((e) => e.textContent))).toEqual([
      '−6',
      '−4',
      '−2',
      '0',
      '2',
      '4',
      '6',
    ]);
    expect(await page.$$eval('.y-axis .tick', (t) => t.length)).toBe(7);
    expect(await page.textContent('[data-testid=output-legend]')).toBe('1 (class 1)0.50 (class 0)');
    // The ticks line up with the plane's edges.
    const plane = await page.locator('[data-testid=output-heatmap]').boundingBox();
    const first = await page.locator('.x-axis .tick').first().boundingBox();
    const last = await page.locator('.x-axis .tick').last().boundingBox();
    if (!plane || !first || !last) throw new Error('the plane or its ticks have no box');
    expect(Math.abs(first.x + first.width / 2 - plane.x)).toBeLessThan(2);
    expect(Math.abs(last.x + last.width / 2 - (plane.x + plane.width))).toBeLessThan(2);
    // Regression: the scale's ends are values; multi-class: the classes' colours.
    await open('#dataset=reg-plane&output=linear&loss=mse');
    expect(await page.textContent('[data-testid=output-legend]')).toBe('≥ 10≤ −1');
    await open('#dataset=multi&output=softmax&loss=softmaxCrossEntropy');
    expect(await page.textContent('[data-testid=output-legend]')).toContain('class 2');
    expect(await page.textContent('[data-testid=explainer]')).toMatch(/^What am I looking at\?/);
    expect(await page.isVisible('[data-testid=explainer] p')).toBe(true);
    expect(await page.isVisible('[data-testid=point-count]')).toBe(true);
    expect(await page.isVisible('[data-testid=export-csv]')).toBe(true);
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
