/**
 * The auditor page's evidence view and "Download CBP dossier" button over the demo journey
 * (scripts/src/demo) seeded through the real gateway on an embedded network, in Chromium: link 8's
 * missing export declaration is listed with the organisation expected to supply it, and the button
 * saves the shirts' dossier as a PDF (kept under test-artifacts/web for the README's pictures).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ARTIFACTS } from './browser';
import { expect } from './chai.test';
import { text } from './page-checks';
import { openDemoShirts, pageSuite, startDemoStack } from './page-stack';

describe('auditor page: evidence per link and the CBP dossier download (gateway + embedded network + Chromium)', function () {
  this.timeout(240_000);
  const ui = pageSuite('dossier', () => startDemoStack('DOS'));

  it('lists the missing export declaration with its expected organisation and downloads the dossier as a PDF', async () => {
    const { page, seen, stack } = ui.current();
    const { orgs } = stack;
    await openDemoShirts(page, stack);

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
