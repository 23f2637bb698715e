/**
 * Issue 20 in the browser: the auditor page on a 1,200-event and a 10,000-event lot seeded straight
 * through fabric-gateway (scripts/src/large-lots.ts) on a real EmbeddedNetwork behind the real
 * gateway, in Debian's Chromium. Measures and prints time to first render and to expand the largest
 * link, and the page height with every link collapsed (asserting only generous bounds, not the
 * 1-second target); checks the grouped anomalies page the timeline to their events, the search over
 * loaded events, the print report listing every event, no console error, no request off the machine,
 * contrast and width. With ACETRACE_DOCS_SCREENSHOT=1 saves docs/large-lot-1200.png and -10000.png.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { seedLargeLot, type LargeLot } from '@acetrace/scripts/dist/large-lots';
import { expect } from './chai.test';
import { chromiumOrSkip, closePage, launch, launched, openPage, REPO_ROOT, screenshot, type Browser, type watch } from './browser';
import { contrastFailures, fitsWidth, signIn } from './page-checks';
import { principal } from './seed';
import { startWebStack, type WebStack } from './page-stack';

const load = (): string => os.loadavg().map((n) => n.toFixed(2)).join(' ');

/** Searches a lot and waits for the answer drawn (map included); the milliseconds it took. */
async function openLot(page: Page, lotId: string): Promise<number> {
  await page.fill('#query', lotId);
  const t0 = Date.now();
  await page.click('#search-button');
  await page.waitForSelector('#result[data-state="ready"], #result[data-state="error"]', { state: 'attached', timeout: 120_000 });
  const ms = Date.now() - t0;
  expect(await page.getAttribute('#result', 'data-state')).to.equal('ready');
  return ms;
}

/** Expands a link and waits for its first page of events; the milliseconds it took. */
async function expandLink(page: Page, link: number): Promise<number> {
  const t0 = Date.now();
  await page.click(`#toggle-${String(link)}`);
  await page.waitForSelector(`#events-${String(link)} li.event`, { timeout: 120_000 });
  return Date.now() - t0;
}

/** Waits until the event card `eventId` has the focus (polled from here: the page's CSP forbids eval). */
async function focusedEvent(page: Page, eventId: string): Promise<void> {
  const probe = `document.activeElement?.matches('li.event') && document.activeElement.dataset.eventId === ${JSON.stringify(eventId)}`;
  for (const until = Date.now() + 120_000; Date.now() < until; ) {
    if ((await page.evaluate(probe)) === true) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`event ${eventId} never got the focus`);
}

describe('auditor page at the scale of real lots (#20): 1,200 and 10,000 events in Chromium', function () {
  this.timeout(900_000);
  let stack: WebStack | undefined;
  let pageUrl: string;
  let auditorKey: string;
  let browser: Browser | undefined;
  let page: Page;
  let seen: ReturnType<typeof watch>;
  const lots = new Map<number, LargeLot>();

  before(async function () {
    const exe = chromiumOrSkip(this);
    // a 10,000-event provenance takes the chaincode several seconds on a loaded 2-core machine: past the 5 s default
    stack = await startWebStack('acetrace-web-large-', { ACETRACE_DEADLINE_EVALUATE_MS: '60000' });
    pageUrl = stack.pageUrl;
    auditorKey = principal(stack.creds, 'auditor').apiKey;
    const tag = Date.now().toString(36).toUpperCase();
    for (const n of [1200, 10000]) {
      const t0 = Date.now();
      lots.set(n, await seedLargeLot(stack.network.connectionProfilePath, `LOT-SCALE-${String(n)}-${tag}`, n));
      console.log(`      [#20] seeded ${String(n)} events in ${String(Date.now() - t0)} ms`);
    }
    browser = await launch(exe);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  beforeEach(async () => {
    ({ page, seen } = await openPage(launched(browser)));
  });

  afterEach(async function () {
    await closePage(this, page, 'large');
  });

  for (const n of [1200, 10000]) {
    it(`opens the ${n.toLocaleString('en')}-event lot collapsed, expands its largest link, and pages to an anomaly's event`, async () => {
      const lot = lots.get(n) as LargeLot;
      await signIn(page, pageUrl, auditorKey);
      const firstRender = await openLot(page, lot.lotId);
      expect(await page.getAttribute('#timeline', 'data-view')).to.equal('summary');
      expect(await page.locator('#timeline li.link').count()).to.equal(12);
      expect(await page.locator('li.event').count(), 'no event drawn before a link is expanded').to.equal(0);
      const height = await page.evaluate('document.documentElement.scrollHeight');
      const summaryText = (await page.locator('#link-10 .link-summary').textContent()) ?? '';
      expect(summaryText).to.contain(`${(lot.perLink[9] ?? 0).toLocaleString('en')} events`);
      expect(await page.locator('#link-8 .link-summary').textContent()).to.contain('missing: certificate-of-origin');
      const mapPoints = Number(await page.getAttribute('#route-map', 'data-points'));

      const expand = await expandLink(page, 10);
      expect(await page.locator('#events-10 li.event').count()).to.equal(100);
      console.log(
        `      [#20] ${n.toLocaleString('en')} events: first render ${String(firstRender)} ms, expand link 10 (${String(lot.perLink[9])} events, first page of 100) ${String(expand)} ms, ` +
          `page height collapsed ${String(height)} px, map points ${String(mapPoints)}; load average ${load()}`,
      );
      expect(firstRender, 'first render (generous bound; the target is 1 s for 1,200)').to.be.below(n <= 1200 ? 15_000 : 60_000);
      expect(expand, 'expand (generous bound)').to.be.below(60_000);
      expect(height, 'collapsed page height').to.be.below(6_000);
      expect(mapPoints).to.be.within(2, 12 * 200 + lot.spoofedFixIds.length);

      // an impossible-travel group: its spoofed fix pages the timeline to the event and focuses it
      await page.click('#anomalies details[data-type="impossible-travel"] > summary');
      const spoof = lot.spoofedFixIds[lot.spoofedFixIds.length - 1] as string;
      const ref = page.locator(`#anomalies a.event-ref[data-event-id="${spoof}"]`).first();
      const t0 = Date.now();
      await ref.click();
      // the event card itself (the anomaly's link names the same event id) has the focus
      await focusedEvent(page, spoof);
      console.log(`      [#20] ${n.toLocaleString('en')} events: anomaly ${spoof} revealed in ${String(Date.now() - t0)} ms`);
      expect(await page.locator(`li.event.anomalous[data-event-id="${spoof}"]`).count()).to.equal(1);
      expect(await page.getAttribute('#toggle-10', 'aria-expanded')).to.equal('true');

      // search over the loaded events: the device and the spoofed fix's id
      await page.fill('#lot-search-input', spoof);
      await page.click('#lot-search button[type="submit"]');
      expect(await page.locator('#lot-search-results li').count()).to.equal(1);
      expect(await page.locator('#lot-search-status').textContent()).to.match(/^1 match in [\d,]+ of [\d,]+ events loaded/);

      expect(await contrastFailures(page)).to.deep.equal([]);
      expect(await fitsWidth(page)).to.equal(true);
      expect(seen.errors, 'console errors').to.deep.equal([]);
      expect(seen.external, 'requests off the machine').to.deep.equal([]);
      await screenshot(page, `large-${String(n)}`, false);
      if (process.env.ACETRACE_DOCS_SCREENSHOT === '1') {
        await page.evaluate('window.scrollTo(0, 0)');
        await page.locator('#toggle-10').click(); // collapsed again: the shape of the journey
        await page.screenshot({ path: path.join(REPO_ROOT, 'docs', `large-lot-${String(n)}.png`), fullPage: false });
      }
    });
  }

  it('prints every event of the 1,200-event lot (the report loads the full provenance)', async () => {
    const lot = lots.get(1200) as LargeLot;
    await signIn(page, pageUrl, auditorKey);
    await openLot(page, lot.lotId);
    await page.evaluate('window.print = () => { document.body.dataset.printed = "true"; }');
    await page.click('#print-report');
    await page.waitForSelector('body[data-printed="true"]', { state: 'attached', timeout: 120_000 });
    expect(await page.locator('#print-full li.event').count()).to.equal(lot.events);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#timeline[data-view="summary"]').isVisible()).to.equal(false);
    expect(await page.locator('#print-full').isVisible()).to.equal(true);
    expect(seen.errors).to.deep.equal([]);
    expect(seen.external).to.deep.equal([]);
  });
});
