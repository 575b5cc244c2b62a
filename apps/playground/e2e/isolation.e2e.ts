import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, openFresh, SCREENSHOTS } from './browser';
import { serveStatic } from './static';

const base = inject('playgroundUrl');
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ context, page } = await launch());
});
afterAll(async () => {
  await context?.close();
});

describe('cross-origin isolation (COOP + COEP from the preview server, as from `pnpm start` and `pnpm dev`)', () => {
  it('the playground is cross-origin isolated, and its training worker runs the kernels on every core', async () => {
    const response = await page.goto(base);
    expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    await openFresh(page, base);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
    const cores = os.availableParallelism();
    await page.waitForSelector('[data-testid=kernels-threads]');
    expect(await page.textContent('[data-testid=kernels-threads]')).toBe(
      cores > 1 ? ` · ${Math.min(8, cores)} threads` : ' · 1 thread',
    );
    // The build's name stays as it was; the threads are shown beside it.
    expect(await page.textContent('[data-testid=kernels-variant]')).toMatch(/^WebAssembly, (relaxed )?simd$/);
  });

  it('README.md’s `_headers` and nginx lines for static hosts are the headers the servers send', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => m[2] as string);
    const headersFile = blocks.find((b) => b.trimStart().startsWith('/*'));
    const nginx = blocks.find((b) => b.includes('add_header'));
    if (!headersFile || !nginx)
      throw new Error('README.md has no `_headers` block or no nginx `add_header` block');
    const fromHeadersFile = Object.fromEntries(
      headersFile
        .split('\n')
        .slice(1)
        .filter((l) => l.trim())
        .map((l) => l.trim().split(/:\s*/) as [string, string]),
    );
    const fromNginx = Object.fromEntries(
      [...nginx.matchAll(/add_header\s+(\S+)\s+(\S+)\s+always;/g)].map((m) => [m[1], m[2]]),
    );
    const served = (await page.goto(base))?.headers() ?? {};
    const expected = {
      'Cross-Origin-Opener-Policy': served['cross-origin-opener-policy'],
      'Cross-Origin-Embedder-Policy': served['cross-origin-embedder-policy'],
    };
    expect(fromHeadersFile).toEqual(expected);
    expect(fromNginx).toEqual(expected);
  });

  it('each page links to the other in its header', async () => {
    await page.click('nav[aria-label=Pages] >> text=Digits (MNIST)');
    await page.waitForURL(/digits\.html$/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.getAttribute('nav[aria-label=Pages] a[aria-current=page]', 'href')).toBe('digits.html');
    await page.click('nav[aria-label=Pages] >> text=Playground');
    await page.waitForSelector('[data-testid=loss-train]');
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('without the headers (a plain static host, as GitHub Pages) both pages run on one thread and say why', async () => {
    const site = await serveStatic(new URL('../dist/', import.meta.url).pathname, '/plain/');
    try {
      await openFresh(page, site.url);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      await page.waitForSelector('[data-testid=kernels-threads]');
      expect(await page.textContent('[data-testid=kernels-threads]')).toBe(
        ' · 1 thread (page not cross-origin isolated)',
      );
      await page.goto(`${site.url}digits.html`);
      await page.waitForSelector('[data-testid=digits-threads]', { timeout: 30_000 });
      expect(await page.getAttribute('[data-testid=digits-threads]', 'data-threads')).toBe('1');
      if (os.availableParallelism() > 1)
        expect(await page.textContent('[data-testid=digits-threads-note]')).toMatch(
          /^One thread: \d+ threads were asked for; running on one because .*not cross-origin isolated/,
        );
      await page.screenshot({
        path: `${SCREENSHOTS}digits-one-thread.png`,
        clip: { x: 0, y: 0, width: 1400, height: 140 },
      });
      // It still trains: a few seconds lift the held-out accuracy far above chance.
      await page.click('[data-testid=digits-play]');
      await page.waitForFunction(
        () =>
          Number(document.querySelector('[data-testid=digits-accuracy]')?.getAttribute('data-value')) > 0.8,
        undefined,
        { timeout: 30_000 },
      );
      await page.click('[data-testid=digits-pause]');
      expect(site.misses).toEqual([]);
    } finally {
      await site.close();
    }
  });
});
