/**
 * The auditor page's evidence view and "Download CBP dossier" button over the demo journey
 * (scripts/src/demo) seeded through the real gateway on an embedded network, in Chromium: link 8's
 * missing export declaration is listed with the organisation expected to supply it, and the button
 * saves the shirts' dossier as a PDF (kept under test-artifacts/web for the README's pictures).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoLots } from '@acetrace/scripts/dist/demo/journey';
import { seedDemo } from '@acetrace/scripts/dist/demo/seed';
import type { Page } from 'playwright-core';
import { type Stack, startTarget } from '../scenarios/target';
import { ARTIFACTS, type Browser, chromiumOrSkip, closePage, launch, openPage, type watch } from './browser';
import { expect } from './chai.test';
import { search, signIn, text } from './page-checks';

describe('auditor page: evidence per link and the CBP dossier download (gateway + embedded network + Chromium)', function () {
  this.timeout(240_000);
  let s: Stack;
  let browser: Browser | undefined;
  let page: Page;
  let seen: ReturnType<typeof watch>;
  const lots = demoLots(`DOS${Date.now().toString(36).toUpperCase()}`);
  const prefix = lots.shirts.split('-SHIRTS-')[0] ?? '';
  let orgs: { producer: string; carrier: string; importer: string };

  before(async function () {
    const exe = chromiumOrSkip(this);
    s = await startTarget({ target: 'embedded' });
    const [producer, carrier, importer] = s.orgs.all as [string, string, string];
    orgs = { producer, carrier, importer };
    await seedDemo({ url: s.gateway.url, keyOf: (role, msp) => s.key(role, msp), orgs, prefix });
    browser = await launch(exe);
  });
  after(async () => {
    await browser?.close();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await s?.stop();
  });
  beforeEach(async () => {
    if (!browser) throw new Error('no browser');
    ({ page, seen } = await openPage(browser));
  });
  afterEach(async function () {
    await closePage(this, page, 'dossier');
  });

  it('lists the missing export declaration with its expected organisation and downloads the dossier as a PDF', async () => {
    await signIn(page, `${s.gateway.url}/`, s.key('auditor', orgs.importer));
    await search(page, lots.shirts);
    expect(await text(page, '#lot-id')).to.equal(lots.shirts);

    expect(await page.getAttribute('#evidence tr[data-link="8"]', 'class')).to.equal('incomplete');
    const missing = await text(page, '#evidence tr[data-link="8"] li.missing-doc');
    expect(missing).to.contain(`from ${orgs.producer}`);
    const present = Number(await page.getAttribute('#evidence .evidence-total', 'data-present'));
    const required = Number(await page.getAttribute('#evidence .evidence-total', 'data-required'));
    expect(present, 'documents present against required').to.be.below(required);

    expect(await page.isVisible('#download-dossier')).to.equal(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-dossier')]);
    expect(download.suggestedFilename()).to.match(/\.pdf$/);
    const pdf = fs.readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'dossier-demo-shirts.pdf'), pdf);
    expect(seen.errors, 'page errors').to.deep.equal([]);
  });
});
