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

/** The height of the side panel's open tab, under the tabs. */
async function panelContentHeight(): Promise<number> {
  return (await boxOf(page, '[data-testid=side-panel] [role=tabpanel]:not([hidden])')).height;
}

/** Whether the page itself scrolls (rather than each column on its own). */
const pageScrolls = () =>
  page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight + 0.5);

/** The output plane is in view, square, at least `side` px a side, and its colour key in view too. */
async function expectOutputUsable(side: number) {
  const plane = await boxOf(page, '[data-testid=output-points]');
  expect(plane.width).toBeGreaterThanOrEqual(side);
  expect(Math.abs(plane.width - plane.height)).toBeLessThan(1);
  expect(await inViewport('[data-testid=output-points]')).toBe(true);
  expect(await inViewport('[data-testid=output-legend]')).toBe(true);
}

/** Whether a box lies wholly inside the viewport. */
async function inViewport(selector: string): Promise<boolean> {
  const box = await boxOf(page, selector);
  const { width, height } = page.viewportSize() ?? { width: 0, height: 0 };
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5;
}

/**
 * Labels and buttons whose text is cut (wider than their box) or wrapped onto a second line: the top bar's labels,
 * the kernels' line (the build, its threads, the speed), the problem type, the panel's tabs, the layers' labels.
 */
function cutOrWrapped(): Promise<(string | null)[]> {
  return page.$$eval(
    '.controls .label, .kernels .label, .kernels-detail, [data-testid=problem] button, .tabs [role=tab], .column-label span, .data .row button',
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
}

/** How many rows the title bar's visible items take. */
function titleRows(): Promise<number> {
  return page.$eval('.title', (el) => {
    const tops = [...el.children]
      .map((c) => c.getBoundingClientRect())
      .filter((r) => r.height > 0)
      .map((r) => r.top + r.height / 2);
    const rows: number[] = [];
    for (const t of tops.sort((a, b) => a - b)) if (!rows.some((r) => Math.abs(r - t) < 12)) rows.push(t);
    return rows.length;
  });
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
    // The panel has the room its content needs, and the output plot above it stays in view and usable.
    expect(await panelContentHeight()).toBeGreaterThanOrEqual(420);
    await expectOutputUsable(180);
    expect(await pageScrolls()).toBe(false);
    await page.screenshot({ path: `${SCREENSHOTS}layout-1440-inspector.png` });
  });

  it('at 1440×900 the derivation and the step-through get ≥ 420 px under the tabs; closing gives the output back', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open();
    const idle = await boxOf(page, '[data-testid=output-heatmap]');
    expect(idle.width).toBeGreaterThanOrEqual(250); // nothing open: the full-size output
    await page.click('[data-testid=preset-seed-001]');
    await page.waitForSelector('[data-testid=derivation-gradient]');
    expect(await panelContentHeight()).toBeGreaterThanOrEqual(420);
    await expectOutputUsable(180);
    expect(await pageScrolls()).toBe(false);
    // Beside the network.
    const network = await boxOf(page, 'section.network');
    expect((await boxOf(page, '[data-testid=derivation]')).x).toBeGreaterThanOrEqual(
      network.x + network.width,
    );
    await page.click('[data-testid=tab-step]');
    await page.click('[data-testid=iterate]');
    await page.waitForSelector('[data-testid=stage-name]');
    for (let i = 0; i < 5; i++) await page.click('[data-testid=stage-next]');
    expect(await panelContentHeight()).toBeGreaterThanOrEqual(420);
    expect(await inViewport('[data-testid=stage-next]')).toBe(true);
    expect(await inViewport('[data-testid=stage-name]')).toBe(true);
    expect(await pageScrolls()).toBe(false);
    // Closed: the idle inspector, and the output back at its full size.
    await page.click('[data-testid=close-panel]');
    expect(await page.getAttribute('[data-testid=tab-inspector]', 'aria-selected')).toBe('true');
    await page.waitForFunction(
      (w) =>
        (document.querySelector('[data-testid=output-heatmap]')?.getBoundingClientRect().width ?? 0) >= w,
      idle.width - 0.5,
    );
    expect(await panelContentHeight()).toBeLessThan(420);
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
    [1536, 864],
    [1600, 900],
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
      expect(await cutOrWrapped()).toEqual([]);
      // Training, the kernels' line is at its longest (the speed joins it): still one line, nothing cut.
      await page.click('[data-testid=play]');
      await page.waitForFunction(() =>
        /epochs\/s$/.test(document.querySelector('[data-testid=steps-per-second]')?.textContent ?? ''),
      );
      expect(await cutOrWrapped()).toEqual([]);
      expect(await titleRows()).toBe(1);
      await page.screenshot({ path: `${SCREENSHOTS}layout-${width}.png` });
      await page.click('[data-testid=pause]');
    });
  }

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
