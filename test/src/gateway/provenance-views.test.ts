/**
 * Issue 20's API over real HTTP to the embedded network: GET .../provenance?view=summary (links
 * summarised, no events, anomalies grouped and bounded) and GET .../links/{link}/events (a link's
 * events in time order, page by page with an opaque bookmark), against a seeded 1,200-event lot and
 * the full provenance of the same lot; and their 4xx problem answers.
 */
import { MAX_LINK_EVENTS_PAGE_SIZE, MAX_SUMMARY_ANOMALIES_PER_TYPE, MAX_TRACK_POINTS_PER_LINK } from '@acetrace/chaincode';
import { seedLargeLot, type LargeLot } from '@acetrace/scripts/dist/large-lots';
import { expect } from '../scenarios/chai.test';
import { type Stack, startTarget } from '../scenarios/target';

interface Event { eventId: string; eventTime: string; eventTimeUtc: string; link: number; deviceId?: string }
interface Full { links: Array<{ link: number; events: Event[]; organisations: string[]; firstSeen: string | null; lastSeen: string | null }>; anomalies: Array<{ type: string; eventIds: string[] }> }
interface Summary {
  view: string;
  detail: string;
  links: Array<{
    link: number;
    events: unknown[];
    eventsOmitted: boolean;
    organisations: string[];
    summary: {
      eventCount: number; organisations: string[]; firstSeen: string | null; lastSeen: string | null;
      evidence: { missing: string[]; present: string[] } | null;
      track: Array<{ eventId: string; lat: number; lon: number }>;
    };
  }>;
  anomalies: Array<{ type: string; eventIds: string[] }>;
  anomalyGroups: Array<{ type: string; count: number; listed: number }>;
  timeliness: { delays: unknown[] } | null;
  anomalyEvents: Array<{ eventId: string; link: number; index: number }>;
  lot: { lotId: string };
  queryMs: number;
}
interface Page { lotId: string; link: number; total: number; events: Event[]; bookmark: string; queryMs: number }

/** A summary link says what the full answer's link says, without its events. */
function expectSummaryOf(l: Summary['links'][number], f: Full['links'][number] | undefined): void {
  expect(l.events, `link ${String(l.link)} events`).to.deep.equal([]);
  expect(l.eventsOmitted).to.equal(true);
  expect(l.summary.eventCount, `link ${String(l.link)}`).to.equal(f?.events.length);
  expect(l.summary.organisations).to.deep.equal(f?.organisations);
  expect([l.summary.firstSeen, l.summary.lastSeen]).to.deep.equal([f?.firstSeen, f?.lastSeen]);
}

describe('provenance views for large lots (#20): summary and link event pages over HTTP', function () {
  this.timeout(300_000);
  let s: Stack;
  let lot: LargeLot;
  let full: Full;
  let auditor: string;

  before(async () => {
    s = await startTarget({ target: 'embedded' });
    lot = await seedLargeLot((s.network as NonNullable<Stack['network']>).connectionProfilePath, `LOT-VIEWS-${Date.now().toString(36).toUpperCase()}`, 1200);
    auditor = s.key('auditor');
    const res = await s.http().get(`/v1/lots/${lot.lotId}/provenance`).set('X-API-Key', auditor);
    expect(res.status).to.equal(200);
    full = res.body as Full;
  });
  after(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await s?.stop();
  });

  const get = (path: string, key = auditor) => s.http().get(path).set('X-API-Key', key);

  it('summarises each link as the full answer counts it, with no events, and groups the anomalies', async () => {
    const res = await get(`/v1/lots/${lot.lotId}/provenance?view=summary`);
    expect(res.status).to.equal(200);
    const sum = res.body as Summary;
    expect(sum.view).to.equal('summary');
    expect(sum.links).to.have.length(12);
    expect(sum.links.reduce((n, l) => n + l.summary.eventCount, 0)).to.equal(lot.events);
    for (const l of sum.links) expectSummaryOf(l, full.links.find((x) => x.link === l.link));
    expect(lot.perLink.slice(0, 5).every((n) => n >= 25)).to.equal(true);
    // link 8's certificate of origin is missing, link 1's documents are present
    expect(sum.links[7]?.summary.evidence?.missing).to.include('certificate-of-origin');
    expect(sum.links[0]?.summary.evidence?.missing).to.deep.equal([]);
    expect(sum.timeliness?.delays).to.deep.equal([]);
    // groups count every anomaly of the full answer; the list holds at most the cap per type
    const byType = new Map<string, number>();
    for (const a of full.anomalies) byType.set(a.type, (byType.get(a.type) ?? 0) + 1);
    expect(new Map(sum.anomalyGroups.map((g) => [g.type, g.count]))).to.deep.equal(byType);
    expect(byType.get('foreign-epc')).to.equal(lot.foreignReadIds.length);
    expect(byType.get('impossible-travel')).to.be.at.least(lot.spoofedFixIds.length);
    for (const g of sum.anomalyGroups) {
      expect(g.listed).to.equal(Math.min(g.count, MAX_SUMMARY_ANOMALIES_PER_TYPE));
      expect(sum.anomalies.filter((a) => a.type === g.type)).to.have.length(g.listed);
    }
    expect(JSON.stringify(sum).length, 'summary bytes').to.be.below(JSON.stringify(full).length / 4);
  });

  it('thins the vessel track for drawing, keeping its first and last fix and every spoofed one', async () => {
    const sum = (await get(`/v1/lots/${lot.lotId}/provenance?view=summary`)).body as Summary;
    const vessel = full.links[9]?.events ?? [];
    const track = sum.links[9]?.summary.track ?? [];
    expect(vessel.length).to.be.above(MAX_TRACK_POINTS_PER_LINK);
    expect(track.length).to.be.within(2, MAX_TRACK_POINTS_PER_LINK + lot.spoofedFixIds.length * 2);
    const ids = track.map((p) => p.eventId);
    expect(ids[0]).to.equal(vessel[0]?.eventId);
    expect(ids[ids.length - 1]).to.equal(vessel[vessel.length - 1]?.eventId);
    for (const id of lot.spoofedFixIds) expect(ids).to.include(id);
  });

  it('finds the same summary by an EPC, and places each anomaly event at its link and page position', async () => {
    const sum = (await get(`/v1/epcs/${encodeURIComponent(lot.epc)}/provenance?view=summary`)).body as Summary;
    expect(sum.view).to.equal('summary');
    expect(sum.lot.lotId).to.equal(lot.lotId);
    const named = new Set(sum.anomalies.flatMap((a) => a.eventIds));
    expect(new Set(sum.anomalyEvents.map((p) => p.eventId))).to.deep.equal(named);
    for (const place of sum.anomalyEvents.filter((p) => lot.spoofedFixIds.includes(p.eventId))) {
      expect(place.link).to.equal(10);
      const page = (await get(`/v1/lots/${lot.lotId}/links/10/events?pageSize=500`)).body as Page;
      if (place.index < 500) expect(page.events[place.index]?.eventId).to.equal(place.eventId);
    }
  });

  it('pages a link’s events in time order: every event once, the same ones the full answer lists', async () => {
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const res = await get(`/v1/lots/${lot.lotId}/links/international-transit/events?pageSize=100${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const page = res.body as Page;
      expect(page.link).to.equal(10);
      expect(page.total).to.equal(lot.perLink[9]);
      expect(page.events.length).to.be.at.most(100);
      seen.push(...page.events.map((e) => e.eventId));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark !== '' && pages < 100);
    expect(pages).to.equal(Math.ceil((lot.perLink[9] ?? 0) / 100));
    expect(new Set(seen).size).to.equal(seen.length);
    const expected = [...(full.links[9]?.events ?? [])].sort((a, b) => (a.eventTimeUtc < b.eventTimeUtc ? -1 : a.eventTimeUtc > b.eventTimeUtc ? 1 : a.eventId < b.eventId ? -1 : 1));
    expect(seen).to.deep.equal(expected.map((e) => e.eventId));
  });

  it('answers the default page size and the largest one; a short link in one page with bookmark ""', async () => {
    const one = (await get(`/v1/lots/${lot.lotId}/links/1/events`)).body as Page;
    expect(one.events).to.have.length(Math.min(50, lot.perLink[0] ?? 0));
    const big = (await get(`/v1/lots/${lot.lotId}/links/7/events?pageSize=${String(MAX_LINK_EVENTS_PAGE_SIZE)}`)).body as Page;
    expect(big.events).to.have.length(lot.perLink[6] ?? -1);
    expect(big.bookmark).to.equal('');
    expect(big.events.every((e) => e.deviceId === 'truck-88-gps')).to.equal(true);
  });

  it('refuses bad paging with problem+json 400, an unknown lot with 404', async () => {
    const bad = [
      `/v1/lots/${lot.lotId}/links/10/events?pageSize=0`,
      `/v1/lots/${lot.lotId}/links/10/events?pageSize=${String(MAX_LINK_EVENTS_PAGE_SIZE + 1)}`,
      `/v1/lots/${lot.lotId}/links/13/events`,
      `/v1/lots/${lot.lotId}/links/no-such-link/events`,
      `/v1/lots/${lot.lotId}/links/10/events?bookmark=garbage`,
      `/v1/lots/${lot.lotId}/links/10/events?color=red`,
      `/v1/lots/${lot.lotId}/provenance?view=everything`,
    ];
    for (const path of bad) {
      const res = await get(path);
      expect(res.status, path).to.equal(400);
      expect(res.headers['content-type'], path).to.match(/application\/problem\+json/);
    }
    // a bookmark of link 7 is not one of link 10
    const seven = (await get(`/v1/lots/${lot.lotId}/links/7/events?pageSize=10`)).body as Page;
    const wrong = await get(`/v1/lots/${lot.lotId}/links/10/events?bookmark=${encodeURIComponent(seven.bookmark)}`);
    expect(wrong.status).to.equal(400);
    expect((wrong.body as { detail: string }).detail).to.match(/bookmark/);
    for (const path of ['/v1/lots/NO-SUCH-LOT/provenance?view=summary', '/v1/lots/NO-SUCH-LOT/links/1/events', '/v1/epcs/urn:epc:id:sgtin:0614141.777777.1/provenance?view=summary']) {
      expect((await get(path)).status, path).to.equal(404);
    }
  });

  it('shows a viewer what its provenance shows: counts of nothing, no events', async () => {
    const viewer = s.key('viewer');
    const sum = (await get(`/v1/lots/${lot.lotId}/provenance?view=summary`, viewer)).body as Summary;
    expect(sum.detail).to.equal('summary');
    expect(sum.links.every((l) => l.summary.eventCount === 0 && l.summary.track.length === 0)).to.equal(true);
    expect(sum.anomalyGroups).to.deep.equal([]);
    const page = (await get(`/v1/lots/${lot.lotId}/links/10/events`, viewer)).body as Page;
    expect(page).to.include({ total: 0, bookmark: '' });
    expect(page.events).to.deep.equal([]);
  });

  it('describes both in /openapi.json', async () => {
    const doc = (await s.http().get('/openapi.json')).body as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.paths).to.have.property('/v1/lots/{lotId}/links/{link}/events');
    expect(doc.components.schemas).to.include.keys('ProvenanceSummary', 'LinkEventsPage', 'AnomalyGroup', 'LinkSummary');
  });
});
