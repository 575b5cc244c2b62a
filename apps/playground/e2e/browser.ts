import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const SCREENSHOTS = new URL('../.screenshots/', import.meta.url).pathname;

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Our flags: headless, no sandbox (CI runs as root), no GPU, and no network calls of the browser's own. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The @sparticuz/chromium flags we leave out: its own headless mode (ours is `--headless`), `--single-process`
 * (for AWS Lambda; Playwright does not support it), `--disable-features`/`--enable-features` (Chromium keeps
 * only the last of each, so they would replace Playwright's lists), its GPU set (we pass `--disable-gpu`), and
 * those that turn web security or site isolation off (the page should see what a user's browser shows it).
 */
const NOT_THEIRS =
  /^--(headless|single-process|disable-features|enable-features|use-gl|use-angle|in-process-gpu|ignore-gpu-blocklist|enable-unsafe-swiftshader|disable-web-security|allow-running-insecure-content|disable-site-isolation-trials)(=|$)/;

type Browser = { executablePath: string; args: string[]; env?: Record<string, string>; what: string };

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` if set; else Debian's at /usr/bin/chromium; else (Linux
 * x64) the one inside the @sparticuz/chromium dev dependency, unpacked into the temp dir on first use.
 */
export async function findChromium(): Promise<Browser> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new Error(
        `CHROMIUM_PATH is ${fromEnv}, but nothing is there: set it to a Chromium or Chrome executable, or unset it to use ${DEBIAN_CHROMIUM} or the npm package @sparticuz/chromium (Linux x64).`,
      );
    return { executablePath: fromEnv, args: FLAGS, what: `${fromEnv} (CHROMIUM_PATH)` };
  }
  if (existsSync(DEBIAN_CHROMIUM))
    return { executablePath: DEBIAN_CHROMIUM, args: FLAGS, what: DEBIAN_CHROMIUM };
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `No Chromium for the browser tests: ${DEBIAN_CHROMIUM} does not exist, and the one in the npm package @sparticuz/chromium runs only on Linux x64 (this is ${process.platform} ${process.arch}). Set CHROMIUM_PATH to a Chromium or Chrome executable and run again, e.g. CHROMIUM_PATH="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" pnpm test`,
    );
  return npmChromium();
}

/** The Chromium in @sparticuz/chromium, with its NSS/expat libraries and fonts for machines that have none. */
async function npmChromium(): Promise<Browser> {
  let sparticuz: typeof import('@sparticuz/chromium').default;
  let pkg: string;
  try {
    sparticuz = (await import('@sparticuz/chromium')).default;
    pkg = path.resolve(path.dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '../..');
  } catch (e) {
    throw new Error(
      `No Chromium for the browser tests: ${DEBIAN_CHROMIUM} does not exist and the npm package @sparticuz/chromium is not installed (${(e as Error).message}). Run \`pnpm install\` at the repository root (it is a dev dependency of apps/playground), or set CHROMIUM_PATH to a Chromium or Chrome executable.`,
    );
  }
  const { version } = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string };
  // Unpacks chromium, fonts/ and the SwiftShader libraries into the temp dir (once; later calls reuse them).
  const executablePath = await sparticuz.executablePath();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // The binary needs NSS, NSPR and expat; the package ships them (for Amazon Linux): use those everywhere.
  const libs = unpackLibs(path.join(pkg, 'bin', 'al2023.tar.br'));
  if (libs) env.LD_LIBRARY_PATH = [libs, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  // Without a system fontconfig, use the package's fonts (as it does on Lambda).
  if (!env.FONTCONFIG_PATH && !existsSync('/etc/fonts/fonts.conf'))
    env.FONTCONFIG_PATH = path.join(os.tmpdir(), 'fonts');
  const args = [...new Set([...FLAGS, ...sparticuz.args.filter((a) => !NOT_THEIRS.test(a))])];
  return { executablePath, args, env, what: `${executablePath} (@sparticuz/chromium ${version})` };
}

/** Unpacks the package's al2023.tar.br into <tmp>/al2023 (where the package itself puts it) and returns its lib/. */
function unpackLibs(archive: string): string | undefined {
  const dir = path.join(os.tmpdir(), 'al2023');
  if (existsSync(path.join(dir, 'lib'))) return path.join(dir, 'lib');
  if (!existsSync(archive)) return undefined;
  const staging = mkdtempSync(path.join(os.tmpdir(), 'al2023-'));
  execFileSync('tar', ['-x', '-C', staging], { input: brotliDecompressSync(readFileSync(archive)) });
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another run got there first
  }
  return path.join(dir, 'lib');
}

/** Chromium, headless, with a fresh profile and the flags this machine needs (no network calls of its own). */
export async function launch(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const browser = await findChromium();
  console.info(`Chromium for the browser tests: ${browser.what}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'chainrule-e2e-')), {
      executablePath: browser.executablePath,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      // A fixed locale: the npm Chromium takes LANG=C(.UTF-8) as the invalid tag en-US@posix, which Intl rejects.
      locale: 'en-US',
      args: browser.args,
      ...(browser.env && { env: browser.env }),
    });
  } catch (e) {
    throw new Error(
      `Chromium at ${browser.what} did not start: ${(e as Error).message}\n` +
        (browser.env
          ? `If an earlier unpack was cut short, delete ${['chromium', 'fonts', 'al2023'].map((f) => path.join(os.tmpdir(), f)).join(', ')} and run again; or set CHROMIUM_PATH to a Chromium or Chrome executable.`
          : 'Set CHROMIUM_PATH to a Chromium or Chrome executable that runs here.'),
    );
  }
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

/** Opens a URL as a fresh load (a new document, not a hash change) and waits for the first snapshot. */
export async function openFresh(page: Page, url: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('[data-testid=loss-train]');
  // A string, not a function: this file is also compiled without the DOM library (examples/packaging imports it).
  await page.waitForFunction("document.querySelector('[data-testid=loss-train]')?.textContent !== '—'");
}

/** The box of an element, or an error naming it (so a missing element fails with its selector). */
export async function boxOf(page: Page, selector: string) {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} has no box: it is missing or hidden`);
  return box;
}
