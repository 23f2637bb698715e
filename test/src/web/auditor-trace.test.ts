/**
 * The auditor page's trace of issue 13, end to end: the demo journey (scripts/src/demo) seeded
 * through the real gateway over an embedded network, then in Chromium the shirts' chain of custody
 * through three organisations by legal name, their containment in cartons, pallet and container,
 * the upstream tree fabric → yarn → cotton (each input opening its own provenance), the parties with
 * their facilities, and facility names on events.
 */
import { GLN } from '@acetrace/scripts/dist/demo/journey';
import type { Locator } from 'playwright-core';
import { screenshot } from './browser';
import { expect } from './chai.test';
import { search, signIn, text } from './page-checks';
import { openDemoShirts, pageSuite, startDemoStack } from './page-stack';

/** The attribute `name` of every element `locator` matches, in document order. */
async function attrs(locator: Locator, name: string): Promise<Array<string | null>> {
  const out: Array<string | null> = [];
  for (const el of await locator.all()) out.push(await el.getAttribute(name));
  return out;
}

describe('auditor page: custody, containment, upstream tree, parties (gateway + embedded network + Chromium)', function () {
  this.timeout(240_000);
  const ui = pageSuite('trace', () => startDemoStack('WEB'));

  it('shows who held the shirts, what they were packed in, what they were made from and who took part', async () => {
    const { page, seen, stack } = ui.current();
    const { lots, orgs } = stack;
    await openDemoShirts(page, stack);

    expect(await attrs(page.locator('#custody li.custodian'), 'data-msp')).to.deep.equal([orgs.producer, orgs.carrier, orgs.importer]);
    expect(await text(page, '#custody li.custodian:nth-child(1) .custodian-name')).to.equal(`Huaxia Cotton & Apparel Group Co., Ltd. (${orgs.producer})`);
    expect(await text(page, '#custody li.custodian:nth-child(2) .custody-how')).to.contain(`${lots.shirts}-HANDOVER-CARRIER`).and.contain('Ningbo-Zhoushan port');
    expect(await text(page, '#custody li.custodian:nth-child(3) .custodian-name')).to.contain('Redwood Apparel Imports Inc.');

    const intervalLocator = page.locator('#containment li.interval');
    const children = await attrs(intervalLocator, 'data-lot');
    const containers = await attrs(intervalLocator, 'data-parent');
    expect(children.map((c, i) => [c, containers[i]])).to.deep.include.members([[lots.shirts, lots.cartons], [lots.cartons, lots.pallet], [lots.pallet, lots.container]]);

    // nesting: each input lot's inputs are listed inside it
    expect(await attrs(page.locator('#upstream-tree > li.input-lot'), 'data-lot')).to.deep.equal([lots.fabric]);
    expect(await attrs(page.locator(`li.input-lot[data-lot="${lots.fabric}"] > ul > li.input-lot`), 'data-lot')).to.deep.equal([lots.yarn]);
    expect(await attrs(page.locator(`li.input-lot[data-lot="${lots.yarn}"] > ul > li.input-lot`), 'data-lot')).to.deep.equal([lots.cotton]);
    expect(await page.locator(`li.input-lot[data-lot="${lots.cotton}"] li.input-lot`).count()).to.equal(0);

    expect(await attrs(page.locator('#parties li.party'), 'data-msp')).to.have.members([orgs.producer, orgs.carrier, orgs.importer]);
    expect(await text(page, `#parties li.party[data-msp="${orgs.producer}"] .party-name`)).to.contain('Huaxia Cotton & Apparel Group');
    expect(await text(page, `#parties li.facility[data-gln="${GLN.factory}"]`)).to.contain('Ningbo garment factory').and.contain('CN-ZJ');
    expect(await text(page, `li.event[data-event-id="${lots.shirts}-SEWING"] .event-location`)).to.contain('Ningbo garment factory');
    expect(await page.locator('#anomalies li.anomaly[data-type="impossible-travel"]').count()).to.equal(1);
    await screenshot(page, 'trace-shirts');
    expect(seen.errors, 'page errors').to.deep.equal([]);
    expect(seen.external, 'requests beyond the gateway').to.deep.equal([]);
  });

  it('an input lot opens its own provenance: the cotton, from the farm in Xinjiang', async () => {
    const { page, seen, stack: { s, lots, orgs } } = ui.current();
    await signIn(page, `${s.gateway.url}/`, s.key('auditor', orgs.importer));
    await search(page, lots.shirts);
    await page.click(`#upstream-tree li.input-lot[data-lot="${lots.cotton}"] > .input-head a.open-lot`);
    await page.waitForSelector(`#result[data-lot="${lots.cotton}"][data-state="ready"]`);
    expect(await text(page, '#lot-id')).to.equal(lots.cotton);
    expect(new URL(page.url()).hash).to.equal(`#q=${encodeURIComponent(lots.cotton)}`);
    expect(await text(page, `li.event[data-event-id="${lots.cotton}-HARVEST"] .event-location`)).to.contain('Aksu Tarim cotton farm no. 7');
    expect(await text(page, '#upstream')).to.contain('No input lots registered');
    expect(await text(page, `#parties li.facility[data-gln="${GLN.farm}"]`)).to.contain('CN-XJ');
    // back to the shirts through the address bar's history
    await page.goBack();
    await page.waitForSelector(`#result[data-lot="${lots.shirts}"][data-state="ready"]`);
    expect(seen.errors, 'page errors').to.deep.equal([]);
  });

  it('a viewer sees the trace sections without what it may not see', async () => {
    const { page, seen, stack: { s, lots, orgs } } = ui.current();
    await signIn(page, `${s.gateway.url}/`, s.key('viewer', orgs.carrier));
    await search(page, lots.shirts);
    expect(await text(page, '#custody')).to.contain('Not shown to this key');
    expect(await text(page, '#parties')).to.contain('Not shown to this key');
    expect(await page.locator('#upstream-tree li.input-lot').count()).to.equal(3);
    expect(seen.errors, 'page errors').to.deep.equal([]);
  });
});
