import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../.screenshots/', import.meta.url).pathname;

/** Debian's Chromium, headless, with the flags this machine needs (no network calls of its own). */
export async function launch(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(
    mkdtempSync(path.join(os.tmpdir(), 'chainrule-e2e-')),
    {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { context, page, errors };
}

export const epochOf = async (page: Page) =>
  Number((await page.textContent('[data-testid=epoch]'))?.replace(/\D/g, '') ?? Number.NaN);
export const numberOf = async (page: Page, testid: string) =>
  Number(await page.textContent(`[data-testid=${testid}]`));
