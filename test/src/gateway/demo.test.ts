/**
 * `npm run demo`'s seeding (scripts/src/demo) against an embedded stack through real HTTP: the
 * shirts' provenance is the story the README tells — 12 of 12 links with link 8's declaration
 * missing, custody through three organisations, cotton three transformations upstream, one
 * impossible-travel anomaly, parties and facilities by name — and a second run changes nothing.
 */
import { createHash } from 'node:crypto';
import { DEMO_SCREENING_LIST, GLN, demoLots } from '@acetrace/scripts/dist/demo/journey';
import { seedDemo } from '@acetrace/scripts/dist/demo/seed';
import { expect } from '../scenarios/chai.test';
import { type Stack, startTarget } from '../scenarios/target';

interface Event {
  eventId: string;
  evidence: unknown[];
  viaLotId: string | null;
  facility: { gln: string; name: string } | null;
}
interface Upstream {
  lot: { lotId: string };
  upstream: Upstream[];
}
interface Prov {
  completeness: { covered: number; missing: string[] };
  links: Array<{ link: number; events: Event[] }>;
  anomalies: Array<{ type: string; eventIds: string[] }>;
  custody: Array<{ mspId: string; eventId: string | null }>;
  containment: Array<{ lotId: string; parentLotId: string }>;
  upstream: Upstream[];
  parties: Array<{ mspId: string; legalName: string | null; facilities: Array<{ gln: string; name: string }> }>;
}

interface Screening {
  lists: Array<{ name: string; sha256: string }>;
  threshold: number;
  exactMatches: unknown[];
  nearMatches: Array<{ mspId: string; partyName: string; list: string; listSha256: string; listedName: string; score: number }>;
}

/** The lot ids up the first upstream branch, nearest first. */
function upstreamChain(p: Prov): string[] {
  const depth: string[] = [];
  for (let level = p.upstream; level.length > 0; level = level[0]?.upstream ?? []) depth.push(level[0]?.lot.lotId ?? '');
  return depth;
}

describe('npm run demo: the seeded journey (embedded network)', function () {
  this.timeout(300_000);
  let s: Stack;
  const prefix = `DEMO${Date.now().toString(36).toUpperCase()}`;
  const lots = demoLots(prefix);
  let orgs: { producer: string; carrier: string; importer: string };
  let first: Awaited<ReturnType<typeof seedDemo>>;

  before(async () => {
    s = await startTarget({ target: 'embedded' });
    const [producer, carrier, importer] = s.orgs.all as [string, string, string];
    orgs = { producer, carrier, importer };
  });
  after(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await s?.stop();
  });

  const seed = () => seedDemo({ url: s.gateway.url, keyOf: (role, msp) => s.key(role, msp), orgs, prefix });

  it('seeds the journey; the shirts’ provenance tells its story', async () => {
    first = await seed();
    expect(first.lots).to.deep.equal(lots);
    expect(first.repeats).to.equal(0);
    expect(first.screeningList.name).to.equal(DEMO_SCREENING_LIST.name);
    expect(first.screeningList.sha256).to.equal(createHash('sha256').update(DEMO_SCREENING_LIST.csv).digest('hex'));

    const res = await s.http().get(`/v1/lots/${lots.shirts}/provenance`).set('X-API-Key', s.key('auditor', orgs.importer));
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).to.equal(200);
    const p = res.body as Prov;

    expect(p.completeness.covered, `missing ${p.completeness.missing.join(', ')}`).to.equal(12);
    const link8 = p.links.find((l) => l.link === 8)?.events ?? [];
    expect(link8.map((e) => e.evidence.length), 'link 8 carries no document').to.deep.equal([0]);
    const withoutEvidence = p.links.filter((l) => l.events.length > 0 && l.events.every((e) => e.evidence.length === 0 && e.viaLotId === null)).map((l) => l.link);
    expect(withoutEvidence).to.deep.equal([8]);

    expect(p.custody.map((c) => c.mspId)).to.deep.equal([orgs.producer, orgs.carrier, orgs.importer]);
    expect(p.custody.map((c) => c.eventId)).to.deep.equal([null, `${lots.shirts}-HANDOVER-CARRIER`, `${lots.shirts}-HANDOVER-IMPORTER`]);

    expect(upstreamChain(p)).to.deep.equal([lots.fabric, lots.yarn, lots.cotton]);

    expect(p.anomalies.map((a) => [a.type, a.eventIds])).to.deep.equal([
      ['impossible-travel', [`${lots.container}-AIS-1`, `${lots.container}-AIS-2`]],
    ]);

    expect(p.containment.map((c) => [c.lotId, c.parentLotId])).to.deep.include.members([
      [lots.shirts, lots.cartons],
      [lots.cartons, lots.pallet],
      [lots.pallet, lots.container],
    ]);
    const events = p.links.flatMap((l) => l.events);
    expect(events.find((e) => e.eventId === `${lots.container}-GATE-IN`)?.viaLotId).to.equal(lots.container);
    expect(events.find((e) => e.eventId === `${lots.shirts}-SEWING`)?.facility?.name).to.equal('Ningbo garment factory');

    expect(p.parties.map((x) => x.mspId)).to.have.members([orgs.producer, orgs.carrier, orgs.importer]);
    const producer = p.parties.find((x) => x.mspId === orgs.producer);
    expect(producer?.legalName).to.equal('Huaxia Cotton & Apparel Group Co., Ltd.');
    expect(producer?.facilities.map((f) => f.gln)).to.include.members([GLN.factory, GLN.warehouse]);
    expect(p.parties.find((x) => x.mspId === orgs.importer)?.facilities.map((f) => f.name)).to.include('Redwood Ontario distribution centre');

    const farm = await s.http().get(`/v1/facilities/${GLN.farm}`).set('X-API-Key', s.key('viewer', orgs.importer));
    expect(farm.status).to.equal(200);
    expect(farm.body).to.include({ subdivision: 'CN-XJ', type: 'farm', mspId: orgs.producer });
  });

  it('the shirts’ dossier reports the uploaded list’s near match of the producer, with its score and version', async () => {
    const listed = await s.http().get(`/v1/screening/lists/${DEMO_SCREENING_LIST.name}`).set('X-API-Key', s.key('auditor', orgs.importer));
    expect(listed.status).to.equal(200);
    const sha256 = (listed.body as { list: { sha256: string } }).list.sha256;
    expect(sha256).to.equal(first.screeningList.sha256);

    const res = await s.http().get(`/v1/lots/${lots.shirts}/dossier?format=json`).set('X-API-Key', s.key('auditor', orgs.importer));
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).to.equal(200);
    const { screening } = res.body as { screening: Screening };
    expect(screening.lists.map((l) => [l.name, l.sha256])).to.deep.include([DEMO_SCREENING_LIST.name, sha256]);
    expect(screening.exactMatches).to.deep.equal([]);
    expect(screening.nearMatches.map((m) => [m.mspId, m.partyName, m.listedName, m.list, m.listSha256])).to.deep.equal([
      [orgs.producer, 'Huaxia Cotton & Apparel Group Co., Ltd.', DEMO_SCREENING_LIST.nearMatch, DEMO_SCREENING_LIST.name, sha256],
    ]);
    const score = screening.nearMatches[0]?.score ?? 0;
    expect(score).to.be.at.least(screening.threshold).and.below(1);
  });

  it('a second run repeats every request and changes nothing', async () => {
    const before = await s.http().get(`/v1/lots/${lots.shirts}/provenance`).set('X-API-Key', s.key('auditor'));
    const again = await seed();
    expect(again.repeats, 'every registration is an identical repeat').to.equal(21);
    expect(again.screeningList, 'the same list, the same version').to.deep.equal(first.screeningList);
    const after = await s.http().get(`/v1/lots/${lots.shirts}/provenance`).set('X-API-Key', s.key('auditor'));
    const strip = (b: Record<string, unknown>): Record<string, unknown> => ({ ...b, queryMs: 0 });
    expect(strip(after.body as Record<string, unknown>)).to.deep.equal(strip(before.body as Record<string, unknown>));
  });
});
