/**
 * Issue #8 end to end: the auditor page served by the real gateway over a real EmbeddedNetwork,
 * in Debian's Chromium. Seeds a 12-link lot with GPS tracks and one impossible-travel anomaly
 * through the HTTP API, then in the browser: a refused sign-in, sign-in, search, the timeline,
 * the completeness meter, the anomaly, the route map, a live update, an EPC search, "no such lot",
 * the JSON export and the print view. Screenshots go to test-artifacts/web/; with
 * ACETRACE_DOCS_SCREENSHOT=1 the lot view is also saved as docs/auditor-page.png.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from './chai.test';
import { ARTIFACTS, chromiumOrSkip, closePage, launch, launched, openPage, REPO_ROOT, screenshot, type Browser, type watch } from './browser';
import { contrastFailures, expectSeededLot, fitsWidth, search, signIn, text } from './page-checks';
import { api, postEvents, principal, seed, type CredentialEntry, type SeededLot } from './seed';
import { startWebStack, type WebStack } from './web-stack';

describe('auditor page end to end: gateway + embedded network + Chromium (#8)', function () {
  this.timeout(180000);
  let stack: WebStack | undefined;
  let pageUrl: string;
  let apiUrl: string;
  let creds: CredentialEntry[];
  let auditorKey: string;
  let seeded: SeededLot;
  let browser: Browser | undefined;
  let page: Page;
  let seen: ReturnType<typeof watch>;

  before(async function () {
    const exe = chromiumOrSkip(this);
    stack = await startWebStack('web');
    apiUrl = stack.apiUrl;
    pageUrl = stack.pageUrl; // the gateway serves gateway/web/dist at `/`
    creds = stack.creds;
    auditorKey = principal(creds, 'auditor').apiKey;
    seeded = await seed(apiUrl, creds);
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
    await closePage(this, page, 'e2e');
  });

  it('serves the page from the gateway at / with no external resource', async () => {
    const res = await fetch(`${apiUrl}/`);
    expect(res.status, 'GET / on the gateway').to.equal(200);
    expect(res.headers.get('content-type')).to.match(/text\/html/);
    const html = await res.text();
    expect(html).to.contain('Where did this come from?');
    expect(html).not.to.match(/https?:\/\/(?!id\.gs1\.org)/);
  });

  it('refuses a wrong API key with a clear message', async () => {
    await page.goto(pageUrl);
    await page.fill('#api-key', 'definitely-not-a-key');
    await page.click('#sign-in-button');
    await page.waitForSelector('#sign-in-error:not([hidden])');
    expect(await text(page, '#sign-in-error')).to.match(/sign-in refused/i);
    expect(await page.isVisible('#search')).to.equal(false);
    await screenshot(page, 'e2e-refused-sign-in');
  });

  it('shows the seeded lot: summary, 12-link timeline, completeness 12/12, the anomaly and the route map', async () => {
    await signIn(page, pageUrl, auditorKey);
    await search(page, seeded.lotId);
    expect(await page.getAttribute('#result', 'data-state')).to.equal('ready');
    await expectSeededLot(page, seeded);
    expect(await text(page, '#missing-links')).to.contain('All 12 links');
    expect(seen.errors).to.deep.equal([]);
    expect(seen.external, 'no request leaves the machine').to.deep.equal([]);
    expect(await contrastFailures(page)).to.deep.equal([]);
    expect(await fitsWidth(page)).to.equal(true);
    await screenshot(page, 'e2e-lot');
    await screenshot(page, 'e2e-lot-viewport', false);
    await page.locator('#map').screenshot({ path: path.join(ARTIFACTS, 'e2e-map.png') });
    if (process.env.ACETRACE_DOCS_SCREENSHOT === '1') {
      fs.mkdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true });
      await page.setViewportSize({ width: 1440, height: 1500 });
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'auditor-page.png'), fullPage: false });
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });

  it('shows a newly committed event for the open lot without a reload', async () => {
    await signIn(page, pageUrl, auditorKey);
    await search(page, seeded.lotId);
    await page.waitForSelector('#live-status[data-state="live"]', { timeout: 15000 });
    await page.evaluate('window.__sameDocument = true');
    const live = seeded.liveEvent;
    expect(await page.locator(`li.event[data-event-id="${live.eventId}"]`).count()).to.equal(0);
    await postEvents(apiUrl, creds, [live]);
    await page.waitForSelector(`li.event.fresh[data-event-id="${live.eventId}"]`, { timeout: 20000 });
    expect(await page.evaluate('window.__sameDocument')).to.equal(true);
    expect(await text(page, `#link-12 li.event[data-event-id="${live.eventId}"] .badge.kind`)).to.equal('handover');
    expect(await text(page, '#search-status')).to.contain(live.eventId);
    expect(await text(page, '#completeness-value')).to.equal('12/12');
    await screenshot(page, 'e2e-live-update');
  });

  it('finds the lot by an EPC spelling and says "no such lot" for an unknown id', async () => {
    await signIn(page, pageUrl, auditorKey);
    await search(page, seeded.epcDigitalLink);
    expect(await text(page, '#lot-id')).to.equal(seeded.lotId);
    await search(page, seeded.epcUrn);
    expect(await text(page, '#lot-id')).to.equal(seeded.lotId);
    await search(page, 'LOT-NO-SUCH-LOT');
    expect(await text(page, '#search-error')).to.match(/no such lot/i);
    expect(await page.isVisible('#actions')).to.equal(false);
    await screenshot(page, 'e2e-no-such-lot');
  });

  it('exports the provenance JSON and renders a clean print report', async () => {
    await signIn(page, pageUrl, auditorKey);
    await search(page, seeded.lotId);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as {
      lot: { lotId: string };
      links: Array<{ events: Array<{ txId: string }> }>;
      anomalies: unknown[];
    };
    expect(saved.lot.lotId).to.equal(seeded.lotId);
    expect(saved.links).to.have.length(12);
    expect(saved.anomalies).to.have.length.at.least(1);
    const fromApi = await api(apiUrl, auditorKey, 'GET', `/v1/lots/${seeded.lotId}/provenance`);
    expect((fromApi.body as { links: unknown[] }).links).to.deep.equal(saved.links);
    // next to it, the same provenance as one GS1 EPCIS 2.0 document
    const [epcis] = await Promise.all([page.waitForEvent('download'), page.click('#export-epcis')]);
    expect(epcis.suggestedFilename()).to.match(new RegExp(`^epcis-${seeded.lotId}-.*\\.jsonld$`));
    const exported = JSON.parse(fs.readFileSync(await epcis.path(), 'utf8')) as { type: string; epcisBody: { eventList: unknown[] } };
    expect(exported.type).to.equal('EPCISDocument');
    const txIds = saved.links.flatMap((l) => l.events.map((e) => e.txId));
    expect(exported.epcisBody.eventList.length).to.be.at.least(txIds.length);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(`window.dispatchEvent(new Event('beforeprint'))`);
    for (const hidden of ['.site-header', '#search-form', '#actions']) expect(await page.isVisible(hidden), hidden).to.equal(false);
    expect(await page.isVisible('#timeline')).to.equal(true);
    await screenshot(page, 'e2e-print');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.pdf({ path: path.join(ARTIFACTS, 'e2e-audit-report.pdf'), format: 'A4', printBackground: true });
    expect(fs.statSync(path.join(ARTIFACTS, 'e2e-audit-report.pdf')).size).to.be.greaterThan(10000);
  });

  it('is readable at tablet width', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await signIn(page, pageUrl, auditorKey);
    await search(page, seeded.lotId);
    expect(await fitsWidth(page)).to.equal(true);
    await screenshot(page, 'e2e-tablet', false);
  });
});
