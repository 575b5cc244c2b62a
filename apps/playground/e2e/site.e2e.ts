import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochOf, launch, numberOf, openFresh, SCREENSHOTS } from './browser';
import { serveStatic } from './static';

const DIST = new URL('../dist/', import.meta.url).pathname;
const MOUNT = '/some/sub/path/';

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

/** Loads the site from `url`, trains ~40 epochs, and checks that the loss fell and the WebAssembly kernels ran. */
async function trainsFrom(url: string) {
  await openFresh(page, `${url}#speed=0`);
  await page.waitForFunction(
    () => document.querySelector('[data-testid=kernels-variant]')?.textContent !== 'loading…',
  );
  // The kernels' .wasm and the worker came from the sub-path: relative URLs.
  expect(await page.textContent('[data-testid=kernels-variant]')).toMatch(/^WebAssembly/);
  const before = await numberOf(page, 'loss-train');
  await page.click('[data-testid=play]');
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=epoch]')?.textContent?.replace(/\D/g, '')) > 40,
  );
  await page.click('[data-testid=pause]');
  await page.waitForTimeout(200);
  expect(await epochOf(page)).toBeGreaterThan(40);
  expect(await numberOf(page, 'loss-train')).toBeLessThan(before * 0.8);
}

describe('the built site, served as static files from a sub-path', () => {
  it('works from /some/sub/path/ of a plain static server: loads, trains, the loss falls', async () => {
    const site = await serveStatic(DIST, MOUNT);
    try {
      const requested: string[] = [];
      page.on('request', (r) => requested.push(new URL(r.url()).pathname));
      await trainsFrom(site.url);
      await page.screenshot({ path: `${SCREENSHOTS}site-subpath.png` });
      // Nothing was asked for outside the sub-path, and nothing was missing.
      expect(site.misses).toEqual([]);
      const local = requested.filter((p) => p !== 'blank');
      expect(local.length).toBeGreaterThan(3);
      expect(local.filter((p) => !p.startsWith(MOUNT))).toEqual([]);
      expect(local.some((p) => p.endsWith('.wasm'))).toBe(true);
      page.removeAllListeners('request');
    } finally {
      await site.close();
    }
  });

  it('and with the cross-origin isolation headers (for threads), the page is cross-origin isolated and trains', async () => {
    const site = await serveStatic(DIST, MOUNT, {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    try {
      await trainsFrom(site.url);
      expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
      expect(site.misses).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it('a path outside the mount is not served (the check above can fail)', async () => {
    const site = await serveStatic(DIST, MOUNT);
    try {
      // The response is what is checked: no need to wait for the 404 page's load (the page before it was training).
      const response = await page.goto(site.url.replace(MOUNT, '/assets/'), { waitUntil: 'commit' });
      expect(response?.status()).toBe(404);
      // Besides the browser's own favicon request, the one miss is the path outside the mount.
      expect(site.misses.filter((p) => p !== '/favicon.ico')).toEqual(['/assets/']);
    } finally {
      await site.close();
    }
  });

  it('logged no page errors', () => {
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});
