/**
 * Browser harness for the auditor page tests: Debian's Chromium driven by playwright-core,
 * headless, fresh profile, no network beyond the local gateway. Screenshots go to
 * test-artifacts/ (gitignored).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const WEB_DIST = path.join(REPO_ROOT, 'gateway', 'web', 'dist');
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'web');

/** The browser to drive: $ACETRACE_CHROMIUM or Debian's /usr/bin/chromium; undefined when absent. */
export function chromiumPath(): string | undefined {
  const p = process.env.ACETRACE_CHROMIUM ?? '/usr/bin/chromium';
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return p;
  } catch {
    return undefined;
  }
}

export const NO_CHROMIUM_MESSAGE =
  'auditor page browser tests skipped: no Chromium at /usr/bin/chromium (run scripts/install-chromium.sh as root, ' +
  'or set ACETRACE_CHROMIUM=/path/to/chromium)';

/**
 * For a suite's `before` hook (`ctx` is its `this`): the Chromium to launch, with the page built;
 * without Chromium, warns and skips the suite.
 */
export function chromiumOrSkip(ctx: Mocha.Context): string {
  const exe = chromiumPath();
  if (!exe) {
    console.warn(`      ${NO_CHROMIUM_MESSAGE}`);
    ctx.skip();
  }
  ensureWebBuilt();
  return exe;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds gateway/web into gateway/web/dist when the build is missing or older than the page's
 * sources (the root build normally does it with `npm run build:web -w gateway`).
 */
export function ensureWebBuilt(): void {
  const index = path.join(WEB_DIST, 'index.html');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestMtime(path.join(REPO_ROOT, 'gateway', 'web'))) return;
  execFileSync('npm', ['run', 'build:web', '-w', 'gateway'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh user-data-dir; closing it removes the profile. */
export async function launch(executablePath: string): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
    reducedMotion: 'reduce',
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot under test-artifacts/web/. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Collects page errors and failed requests, so a test can assert the page stayed clean and offline. */
export function watch(page: Page): { errors: string[]; external: string[] } {
  const errors: string[] = [];
  const external: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // A refused request (401, 404) is logged by Chromium as "Failed to load resource": expected here.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) external.push(r.url());
  });
  return { errors, external };
}

/** A test's page: a new page of the browser, watched from the start. */
/** The browser a suite's before() launched (it throws when that hook did not run). */
export function launched(browser: Browser | undefined): Browser {
  if (!browser) throw new Error('no browser: the suite\'s before() hook did not launch one');
  return browser;
}

export async function openPage(browser: Browser): Promise<{ page: Page; seen: ReturnType<typeof watch> }> {
  const page = await browser.context.newPage();
  return { page, seen: watch(page) };
}

/** Closes a test's page (`ctx` is the `afterEach` hook's `this`), first saving `<prefix>-failed-<title>` when the test failed. */
export async function closePage(ctx: Mocha.Context, page: Page, prefix: string): Promise<void> {
  if (ctx.currentTest?.state === 'failed') await screenshot(page, `${prefix}-failed-${ctx.currentTest.title.replace(/\W+/g, '-')}`);
  await page.close();
}
