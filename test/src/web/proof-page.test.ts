/**
 * The auditor page's proof: "Download proof" saves a bundle that verifies offline (library and
 * `acetrace-verify`), and every shown event carries the "✓ verified" mark from the verifier's
 * report computed on the gateway, which the page says in words. Real gateway + EmbeddedNetwork +
 * Debian's Chromium.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { type ProofBundle, verifyBundle } from '@acetrace/verify';
import { expect } from './chai.test';
import { chromiumOrSkip, closePage, launch, launched, openPage, REPO_ROOT, type Browser } from './browser';
import { search, signIn, text } from './page-checks';
import { principal, seed, type CredentialEntry, type SeededLot } from './seed';
import { startWebStack, type WebStack } from './web-stack';

describe('auditor page: Download proof and verified marks (gateway + embedded network + Chromium)', function () {
  this.timeout(180000);
  let stack: WebStack | undefined;
  let pageUrl: string;
  let creds: CredentialEntry[];
  let seeded: SeededLot;
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    const exe = chromiumOrSkip(this);
    stack = await startWebStack('web-proof');
    pageUrl = stack.pageUrl;
    creds = stack.creds;
    seeded = await seed(stack.apiUrl, creds);
    browser = await launch(exe);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  beforeEach(async () => {
    ({ page } = await openPage(launched(browser)));
  });

  afterEach(async function () {
    await closePage(this, page, 'proof');
  });

  it('marks every shown event "✓ verified" from the gateway-side report and says where it was computed', async () => {
    await signIn(page, pageUrl, principal(creds, 'auditor').apiKey);
    await search(page, seeded.lotId);
    await page.waitForSelector('#proof-status[data-state="verified"]', { timeout: 30000 });
    const shown = await page.locator('#result li[data-event-id]').count();
    expect(shown).to.be.greaterThan(12);
    expect(await page.locator('#result li[data-event-id] .proof-mark[data-verified="true"]').count()).to.equal(shown);
    expect(await page.locator('.proof-mark[data-verified="false"]').count()).to.equal(0);
    expect(await text(page, '#result li[data-event-id] .proof-mark')).to.equal('✓ verified');
    const note = await text(page, '#proof-status');
    expect(note).to.contain(`Proof verified: ${String(shown)} events`);
    expect(note).to.contain('computed on the gateway');
    expect(note).to.contain('npx acetrace-verify');
  });

  it('"Download proof" saves a bundle that verifies offline with the library and the command', async () => {
    await signIn(page, pageUrl, principal(creds, 'auditor').apiKey);
    await search(page, seeded.lotId);
    expect(await page.isVisible('#download-proof')).to.equal(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-proof')]);
    expect(download.suggestedFilename()).to.match(new RegExp(`^proof-${seeded.lotId}-.*\\.json$`));
    const file = await download.path();
    const bundle = JSON.parse(fs.readFileSync(file, 'utf8')) as ProofBundle;
    expect(bundle.format).to.equal('acetrace-proof/1');
    expect(bundle.subject.lotId).to.equal(seeded.lotId);
    const report = verifyBundle(bundle);
    expect(report.failures).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, 'verifier', 'bin', 'acetrace-verify.js'), file], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).to.equal(0);
  });

  it('says why there is no proof for a caller who sees only the summary, and marks nothing', async () => {
    await signIn(page, pageUrl, principal(creds, 'viewer').apiKey);
    await search(page, seeded.lotId);
    await page.waitForSelector('#proof-status[data-state="unavailable"]', { timeout: 30000 });
    expect(await text(page, '#proof-status')).to.match(/No proof for this lot: .*summary/);
    expect(await page.locator('.proof-mark').count()).to.equal(0);
  });
});
