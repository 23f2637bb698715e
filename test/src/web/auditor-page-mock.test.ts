/**
 * The auditor page in a real browser against a stand-in gateway (mock-gateway.ts): fast checks
 * of the page's own behaviour (errors, EPC spellings, summary view, stream reconnection) that
 * the end-to-end test cannot provoke cheaply.
 */
import * as fs from 'node:fs';
import { expect } from './chai.test';
import type { Page } from 'playwright-core';
import { chromiumOrSkip, closePage, launch, launched, openPage, screenshot, WEB_DIST, type Browser, type watch } from './browser';
import { MOCK_KEYS, startMockGateway, type MockGateway } from './mock-gateway';
import { contrastFailures, expectSeededLot, fitsWidth, focused, search, signIn, text } from './page-checks';
import { plan } from './seed';

describe('auditor page against a stand-in gateway (browser)', function () {
  this.timeout(60000);
  const seeded = plan('MOCK');
  let browser: Browser | undefined;
  let gw: MockGateway;
  let page: Page;
  let seen: ReturnType<typeof watch>;

  before(async function () {
    const exe = chromiumOrSkip(this);
    gw = await startMockGateway(WEB_DIST, seeded);
    browser = await launch(exe);
  });

  after(async () => {
    await browser?.close();
    // unset when before() skipped (no chromium)
    await (gw as MockGateway | undefined)?.close();
  });

  beforeEach(async () => {
    ({ page, seen } = await openPage(launched(browser)));
  });

  afterEach(async function () {
    await closePage(this, page, 'mock');
  });

  it('refuses an unknown API key with a clear message and keeps the search hidden', async () => {
    await page.goto(gw.url);
    await page.fill('#api-key', 'not-a-key');
    await page.press('#api-key', 'Enter');
    await page.waitForSelector('#sign-in-error:not([hidden])');
    expect(await text(page, '#sign-in-error')).to.match(/refused/i).and.to.contain('unknown API key');
    expect(await page.isVisible('#search')).to.equal(false);
    expect(await page.evaluate('sessionStorage.length')).to.equal(0);
    expect(gw.requests.find((r) => r.path.startsWith('/v1/'))?.apiKey).to.equal('not-a-key');
  });

  it('shows the lot with its timeline, completeness, anomaly and route map', async () => {
    await signIn(page, gw.url, MOCK_KEYS.auditor);
    await search(page, seeded.lotId);
    await expectSeededLot(page, seeded, { covered: 12 });
    expect(seen.errors).to.deep.equal([]);
    expect(seen.external, 'no request leaves the machine').to.deep.equal([]);
    expect(await contrastFailures(page)).to.deep.equal([]);
    await screenshot(page, 'mock-lot');
  });

  it('sends EPC spellings to the EPC endpoint and lot ids to the lot endpoint', async () => {
    await signIn(page, gw.url, MOCK_KEYS.auditor);
    for (const q of [seeded.epcDigitalLink, seeded.epcUrn]) {
      await search(page, q);
      expect(await text(page, '#lot-id')).to.equal(seeded.lotId);
    }
    const paths = gw.requests.map((r) => r.path);
    expect(paths).to.include(`/v1/epcs/${encodeURIComponent(seeded.epcDigitalLink)}/provenance`);
    expect(paths).to.include(`/v1/epcs/${encodeURIComponent(seeded.epcUrn)}/provenance`);
    // an EPC no lot holds: the page's first request (the summary view, #20) goes to the EPC endpoint and is answered 404
    await search(page, '3034257BF400B7800004CB2F');
    expect(gw.requests.map((r) => r.path)).to.include('/v1/epcs/3034257BF400B7800004CB2F/provenance?view=summary');
  });

  it('says "no such lot" on 404 and shows the problem detail of other errors', async () => {
    await signIn(page, gw.url, MOCK_KEYS.auditor);
    await search(page, 'LOT-NOPE');
    expect(await text(page, '#search-error')).to.match(/no such lot/i).and.to.contain('LOT-NOPE is not on the ledger');
    expect(await page.locator('#result > *').count()).to.equal(0);
    expect(await page.isVisible('#actions')).to.equal(false);
    await search(page, 'bad lot id!');
    expect(await text(page, '#search-error')).to.contain('lotId: 1-128 characters').and.to.contain('invalid characters');
  });

  it('shows the summary a viewer may see, and says live updates are unavailable to it', async () => {
    await signIn(page, gw.url, MOCK_KEYS.viewer);
    await page.waitForSelector('#live-status[data-state="refused"]');
    await search(page, seeded.lotId);
    expect(await text(page, '#completeness-value')).to.equal('12/12');
    expect(await page.locator('li.event').count()).to.equal(0);
    expect(await text(page, '#summary')).to.contain('summary only');
    expect(await text(page, '#map-box')).to.match(/No located event/);
  });

  it('refreshes the open lot on a stream event and resumes the stream with Last-Event-ID', async () => {
    await signIn(page, gw.url, MOCK_KEYS.auditor);
    await search(page, seeded.lotId);
    await page.waitForSelector('#live-status[data-state="live"]');
    await page.evaluate('window.__sameDocument = true');
    gw.commit(seeded.liveEvent);
    await page.waitForSelector(`li.event.fresh[data-event-id="${seeded.liveEvent.eventId}"]`, { timeout: 10000 });
    expect(await text(page, '#search-status')).to.contain(seeded.liveEvent.eventId);
    const before = gw.streamConnections.length;
    gw.dropStreams();
    await page.waitForFunction(`document.querySelector('#live-status').dataset.state === 'live'`, undefined, { timeout: 10000 });
    const deadline = Date.now() + 10000;
    while (gw.streamConnections.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(gw.streamConnections[gw.streamConnections.length - 1]).to.equal('1');
    expect(await page.evaluate('window.__sameDocument')).to.equal(true);
  });

  it('downloads the provenance JSON and prints without the controls', async () => {
    await signIn(page, gw.url, MOCK_KEYS.auditor);
    await search(page, seeded.lotId);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    expect(download.suggestedFilename()).to.match(new RegExp(`^provenance-${seeded.lotId}-.*\\.json$`));
    const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as { lot: { lotId: string }; links: unknown[] };
    expect(saved.lot.lotId).to.equal(seeded.lotId);
    expect(saved.links).to.have.length(12);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(`window.dispatchEvent(new Event('beforeprint'))`);
    for (const hidden of ['.site-header', '#search-form', '#actions', '.skip-link']) {
      expect(await page.isVisible(hidden), `${hidden} hidden in print`).to.equal(false);
    }
    expect(await text(page, '#print-meta')).to.contain(`Provenance audit report for lot ${seeded.lotId}`);
    await page.emulateMedia({ media: 'screen' });
  });

  it('works from the keyboard with a skip link and a visible focus ring', async () => {
    await page.goto(gw.url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.keyboard.press('Tab');
    expect((await focused(page)).desc).to.equal('a.skip-link');
    expect((await focused(page)).ring).to.equal(true);
    await page.keyboard.press('Enter');
    expect((await focused(page)).desc).to.equal('main#main');
    await page.keyboard.press('Tab');
    expect(await focused(page)).to.deep.equal({ desc: 'input#api-key', ring: true });
    await page.keyboard.type(MOCK_KEYS.auditor);
    await page.keyboard.press('Enter');
    await page.waitForFunction(`document.activeElement && document.activeElement.id === 'query'`);
    await page.keyboard.type(seeded.lotId);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#result[data-state="ready"]');
    expect((await focused(page)).desc).to.equal('h2#lot-heading');
    // Tab reaches the anomaly's event links; Enter jumps to the event in the timeline.
    await page.keyboard.press('Tab');
    const f = await focused(page);
    expect(f.desc).to.equal('a.event-ref');
    expect(f.ring).to.equal(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate('location.hash')).to.match(/^#ev-/);
    // Shift+Tab back out of the result reaches the page's buttons in document order.
    await page.focus('#query');
    const expected = [
      'button#search-button',
      'button#export-json.secondary',
      'button#export-epcis.secondary',
      'button#download-proof.secondary',
      'button#download-dossier.secondary',
      'button#print-report.secondary',
    ];
    const order: string[] = [];
    while (order.length < expected.length) {
      await page.keyboard.press('Tab');
      order.push((await focused(page)).desc);
    }
    expect(order).to.deep.equal(expected);
  });

  it('fits laptop and tablet widths without horizontal scrolling', async () => {
    await signIn(page, gw.url, MOCK_KEYS.auditor);
    await search(page, seeded.lotId);
    for (const [w, h] of [
      [1366, 768],
      [1024, 768],
      [768, 1024],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      expect(await fitsWidth(page), `${String(w)}px`).to.equal(true);
      await screenshot(page, `mock-${String(w)}x${String(h)}`, false);
    }
  });
});
