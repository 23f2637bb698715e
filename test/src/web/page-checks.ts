/** Steps and assertions on the auditor page shared by the mock and the end-to-end tests. */
import { expect } from './chai.test';
import type { Page } from 'playwright-core';
import type { SeededLot } from './seed';

export async function signIn(page: Page, url: string, apiKey: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.fill('#api-key', apiKey);
  await page.click('#sign-in-button');
  await page.waitForSelector('#query', { state: 'visible' });
}

export async function search(page: Page, query: string): Promise<void> {
  await page.fill('#query', query);
  await page.click('#search-button');
  // The page marks the answer area ready (map drawn) or error.
  await page.waitForSelector('#result[data-state="ready"], #result[data-state="error"]', { state: 'attached', timeout: 20000 });
}

export async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Every seeded event in its link with time, organisation, kind and tx id; a GPS fix with its latitude. */
async function expectSeededEvents(page: Page, seeded: SeededLot): Promise<void> {
  for (const e of seeded.events) {
    const ev = page.locator(`li.event[data-event-id="${e.eventId}"]`);
    expect(await ev.count(), `event ${e.eventId} shown`).to.equal(1);
    expect(await ev.locator('xpath=ancestor::li[contains(@class,"link")]').getAttribute('data-link')).to.equal(String(e.link));
    expect(await ev.locator('.badge.kind').textContent()).to.equal(e.kind);
    expect(await ev.locator('.event-org').textContent()).to.match(/MSP$/);
    expect(await ev.locator('time').getAttribute('datetime')).to.be.a('string').and.not.empty;
    expect(await ev.locator('.txid').textContent()).to.match(/^[0-9a-f]{64}$/);
  }
  const gps = seeded.events.find((e) => e.kind === 'gps');
  const lat = gps?.location?.lat;
  if (gps === undefined || typeof lat !== 'number') throw new Error('the seed plan has no GPS fix with a latitude');
  expect(await text(page, `li.event[data-event-id="${gps.eventId}"] .event-location`)).to.contain(lat.toFixed(4));
}

/** The answer for the seeded lot: summary, 12 links, completeness, the anomaly and the route map. */
export async function expectSeededLot(page: Page, seeded: SeededLot, opts: { covered?: number } = {}): Promise<void> {
  const covered = opts.covered ?? 12;
  expect(await text(page, '#lot-id')).to.equal(seeded.lotId);
  expect(await text(page, '#lot-product')).to.equal('Smart plug, 16A');
  expect(await text(page, '#lot-hts')).to.equal('8536.50.9065');
  expect(await text(page, '#lot-origin')).to.equal('CN');
  expect(await text(page, '#lot-owner')).to.match(/MSP$/);
  expect(await text(page, '#lot-parents')).to.match(/none/);

  // Timeline: 12 links in order, every seeded event with time, organisation, kind and tx id.
  const links = page.locator('#timeline li.link');
  expect(await links.count()).to.equal(12);
  expect(await links.nth(0).getAttribute('data-name')).to.equal('raw-material-sourcing');
  expect(await links.nth(11).getAttribute('data-name')).to.equal('us-distribution');
  expect(await page.locator('#timeline li.link.covered').count()).to.equal(covered);
  await expectSeededEvents(page, seeded);

  // Completeness meter.
  expect(await text(page, '#completeness-value')).to.equal(`${String(covered)}/12`);
  expect(await page.locator('#completeness-meter').getAttribute('aria-valuenow')).to.equal(String(covered));
  expect(await page.locator('#completeness-meter .seg.covered').count()).to.equal(covered);

  // The anomaly, explained, its events marked in the timeline and on the map.
  const anomaly = page.locator('#anomalies li.anomaly[data-type="impossible-travel"]');
  expect(await anomaly.count()).to.be.at.least(1);
  expect(await text(page, '#anomalies li.anomaly[data-type="impossible-travel"] .anomaly-detail')).to.match(/km\/h/);
  for (const id of seeded.anomalyEventIds) {
    expect(await page.locator(`li.event.anomalous[data-event-id="${id}"]`).count(), `${id} marked`).to.equal(1);
    expect(await page.locator(`#route-map .point.anomalous[data-event-id="${id}"]`).count(), `${id} on map`).to.equal(1);
  }

  // Route map: one point per located event, in time order, the origin marked, a drawn path.
  const map = page.locator('#route-map');
  expect(await map.getAttribute('role')).to.equal('img');
  expect(await text(page, '#route-map > title')).to.contain(seeded.lotId);
  expect(await text(page, '#route-map > desc')).to.match(/in time order/);
  const points = await page.evaluate(`[...document.querySelectorAll('#route-map .point')].map((e) => e.getAttribute('data-event-id'))`);
  expect(points).to.deep.equal(seeded.locatedEventIds);
  expect(await page.locator('#route-map .point.origin').getAttribute('data-event-id')).to.equal(seeded.locatedEventIds[0]);
  const d = (await page.locator('#route-path').getAttribute('d')) ?? '';
  expect(d.length).to.be.greaterThan(100);
  expect((await page.locator('#route-map path.land').getAttribute('d'))?.length ?? 0).to.be.greaterThan(10000);
}

/**
 * WCAG AA contrast of the text on the page: every visible element with its own text, against
 * the first opaque background up its ancestors. Returns the failures (empty when all pass).
 */
export async function contrastFailures(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null; const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
    const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
    const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('svg')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || st.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
      const fg = parse(st.color); const b = bg(el); const l1 = lum(fg), l2 = lum(b);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const size = parseFloat(st.fontSize); const bold = Number(st.fontWeight) >= 700;
      const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      if (ratio < need) out.push(el.tagName.toLowerCase() + '.' + el.className + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2) + ' < ' + need);
    }
    return out;
  })()`);
}

/** True when the page needs no horizontal scrolling at the current width. */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1');
}

/** The element that has the keyboard focus, as "tag#id.class", and whether its focus ring shows. */
export async function focused(page: Page): Promise<{ desc: string; ring: boolean }> {
  return page.evaluate(`(() => {
    const el = document.activeElement; if (!el) return { desc: 'none', ring: false };
    const st = getComputedStyle(el);
    const ring = (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2) || st.boxShadow !== 'none';
    return { desc: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''), ring };
  })()`);
}
