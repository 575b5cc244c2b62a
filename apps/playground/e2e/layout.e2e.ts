import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { boxOf, launch, openFresh, SCREENSHOTS } from './browser';

const base = inject('playgroundUrl');
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ context, page, errors } = await launch());
});
afterAll(async () => {
  await context?.close();
});

const open = (hash = '') => openFresh(page, `${base}${hash}`);

/** Whether a box lies wholly inside the viewport. */
async function inViewport(selector: string): Promise<boolean> {
  const box = await boxOf(page, selector);
  const { width, height } = page.viewportSize() ?? { width: 0, height: 0 };
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5;
}

describe('the layout: the backward pass in view', () => {
  it('at 1440×900 a click on a link opens the inspector tab beside the network, wholly in view', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open();
    // Another tab open first: the click must bring the inspector back.
    await page.click('[data-testid=tab-step]');
    expect(await page.getAttribute('[data-testid=tab-step]', 'aria-selected')).toBe('true');
    expect(await page.isVisible('[data-testid=inspector]')).toBe(false);
    await page.click('[data-testid=link-0-1-2]', { force: true });
    await page.waitForSelector('[data-testid=inspector-gradient]');
    expect(await page.getAttribute('[data-testid=tab-inspector]', 'aria-selected')).toBe('true');
    expect(await page.textContent('[data-testid=inspector] .target')).toBe(
      'w from unit 2 to unit 3 of layer 1',
    );
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(
      await inViewport('[data-testid=inspector]'),
      JSON.stringify(await boxOf(page, '[data-testid=inspector]')),
    ).toBe(true);
    expect(await inViewport('[data-testid=inspector-gradient]')).toBe(true);
    expect(await inViewport('[data-testid=edit-value]')).toBe(true);
    // Beside the network, not under it: the panel starts right of the network's right edge.
    const network = await boxOf(page, 'section.network');
    const inspector = await boxOf(page, '[data-testid=inspector]');
    expect(inspector.x).toBeGreaterThanOrEqual(network.x + network.width);
    await page.screenshot({ path: `${SCREENSHOTS}layout-1440-inspector.png` });
  });

  it('at 1920×1080 the inspector is in view too', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await open();
    await page.click('[data-testid=output-node-0]');
    await page.waitForSelector('[data-testid=inspector-gradient]');
    expect(await page.textContent('[data-testid=inspector] .target')).toBe('b of unit 1 in layer 3');
    expect(await inViewport('[data-testid=inspector]')).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}layout-1920-inspector.png` });
  });

  it('below 1280 px the panel follows the network and a click scrolls it (all of it) into view', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await open();
    const network = await boxOf(page, 'section.network');
    const panel = await boxOf(page, '[data-testid=side-panel]');
    expect(panel.y).toBeGreaterThanOrEqual(network.y + network.height);
    expect(panel.y).toBeGreaterThan(768); // below the fold before the click
    await page.click('[data-testid=link-0-0-0]', { force: true });
    await page.waitForSelector('[data-testid=inspector-gradient]');
    await page.waitForFunction(() => {
      const r = document.querySelector('[data-testid=inspector]')?.getBoundingClientRect();
      return r !== undefined && r.top >= 0 && r.bottom <= window.innerHeight;
    });
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await page.screenshot({ path: `${SCREENSHOTS}layout-1024-inspector.png` });
  });

  it('on a phone (390×844) the order is controls, output, network — the output plot on the first screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open();
    const controls = await boxOf(page, '[data-testid=controls]');
    const output = await boxOf(page, 'section.output');
    const heatmap = await boxOf(page, '[data-testid=output-heatmap]');
    const network = await boxOf(page, 'section.network');
    expect(controls.y + controls.height).toBeLessThanOrEqual(output.y);
    expect(output.y + output.height).toBeLessThanOrEqual(network.y);
    expect(heatmap.y).toBeLessThan(844);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENSHOTS}layout-390.png`, fullPage: true });
  });

  it('six hidden layers of eight fit at 1440 without horizontal scrolling, the output neuron in view', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open('#hidden=8,8,8,8,8,8');
    await page.waitForSelector('[data-testid=node-5-7]');
    const scroll = await page.evaluate(() => ({
      page: (document.scrollingElement as Element).scrollWidth,
      width: window.innerWidth,
      network: (document.querySelector('.network-scroll') as Element).scrollWidth,
      networkWidth: (document.querySelector('.network-scroll') as Element).clientWidth,
    }));
    expect(scroll.page).toBeLessThanOrEqual(scroll.width);
    expect(scroll.network).toBeLessThanOrEqual(scroll.networkWidth);
    expect(await inViewport('[data-testid=output-node-0]')).toBe(true);
    expect(await inViewport('[data-testid=node-5-7]')).toBe(true);
    // The layers' selects are not cut: each fits its box.
    const cut = await page.$$eval('.layer-activation, .layer-dropout', (els) =>
      els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.getAttribute('data-testid')),
    );
    expect(cut).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}layout-1440-six-layers.png` });
  });

  for (const [width, height] of [
    [1280, 800],
    [1440, 900],
    [1920, 1080],
  ] as const) {
    it(`at ${width} px the title and top bars are one row each, and no label is cut or wrapped`, async () => {
      await page.setViewportSize({ width, height });
      await open();
      for (const bar of ['.title', '[data-testid=controls]']) {
        const rows = await page.$$eval(bar, ([el]) =>
          [...(el as Element).children]
            .map((c) => c.getBoundingClientRect())
            .filter((r) => r.height > 0) // not the ones hidden at this width
            .map((r) => ({ top: r.top, bottom: r.bottom })),
        );
        expect(rows.length).toBeGreaterThan(2);
        // One row: every item overlaps every other vertically.
        const lowestTop = Math.max(...rows.map((r) => r.top));
        const highestBottom = Math.min(...rows.map((r) => r.bottom));
        expect(lowestTop, `${bar} wraps at ${width}`).toBeLessThan(highestBottom);
      }
      // The top bar is as tall as its tallest item plus its padding: one row.
      const bar = await page.$eval('[data-testid=controls]', (el) => {
        const items = [...el.children].map((c) => c.getBoundingClientRect().height);
        const style = getComputedStyle(el);
        return {
          height: el.getBoundingClientRect().height,
          row:
            Math.max(...items) +
            Number.parseFloat(style.paddingTop) +
            Number.parseFloat(style.paddingBottom) +
            Number.parseFloat(style.borderTopWidth) +
            Number.parseFloat(style.borderBottomWidth),
        };
      });
      expect(Math.abs(bar.height - bar.row)).toBeLessThan(1);
      // Labels and buttons whose text is cut (wider than their box) or wrapped onto a second line.
      const bad = await page.$$eval(
        '.controls .label, .kernels .label, [data-testid=problem] button, .tabs [role=tab], .column-label span, .data .row button',
        (els) =>
          els
            .filter((e) => {
              const h = e as HTMLElement;
              const line = Number.parseFloat(getComputedStyle(h).lineHeight) || 20;
              const padding =
                Number.parseFloat(getComputedStyle(h).paddingTop) +
                Number.parseFloat(getComputedStyle(h).paddingBottom);
              return h.scrollWidth > h.clientWidth + 1 || h.clientHeight - padding > line * 1.5;
            })
            .map((e) => e.textContent),
      );
      expect(bad).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOTS}layout-${width}.png` });
    });
  }

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
