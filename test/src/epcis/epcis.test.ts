/**
 * acetrace as an EPCIS 2.0 repository, end to end: real HTTP → gateway → fabric-gateway → embedded
 * network → chaincode. Every document the gateway emits is validated with GS1's JSON schema (ajv)
 * and epcis2.js; hashes are recomputed with epcis2.js where it implements the algorithm alike.
 */
import { createHash, randomUUID } from 'node:crypto';
import { eventToHashedId } from 'epcis2.js';
import fc from 'fast-check';
import { expect } from '../scenarios/chai.test';
import { freshEpc, lotInput, uid } from '../scenarios/helpers';
import { type Stack, startTarget } from '../scenarios/target';
import { expectValidEpcis, gs1Examples } from './validators';

type Json = Record<string, unknown>;
type EpcisEvent = Json & { type: string; eventID: string };

interface JobEvent {
  path: string;
  eventId?: string;
  eventID?: string;
  hashId?: string;
  op?: string;
  state: string;
  status?: number;
  code?: string;
  reason?: string;
}
interface Job {
  captureID: string;
  running: boolean;
  success: boolean;
  errors: Array<{ instance: string; detail: string; status: number }>;
  events: JobEvent[];
}

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { acetrace: 'https://ns.acetrace.dev/epcis/' }];
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const doc = (events: unknown[]): Json => ({
  '@context': CONTEXT,
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-10-01T00:00:00Z',
  epcisBody: { eventList: events },
});
const noAcetrace = (e: Json): Json => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('acetrace:') && k !== 'eventID' && k !== 'recordTime' && k !== 'errorDeclaration'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The events of an EPCIS document or query document. */
function eventListOf(d: Json): Json[] {
  const body = d.epcisBody as Json;
  return ((body.eventList ?? ((body.queryResults as Json).resultsBody as Json).eventList) as Json[] | undefined) ?? [];
}

/** Adds the SGTIN and SSCC EPCs an event names (lists and parent) to `into`. */
function addReadableEpcs(e: Json, into: Set<string>): void {
  for (const k of ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList']) for (const x of (e[k] as string[] | undefined) ?? []) if (/^urn:epc:id:(sgtin|sscc):/.test(x)) into.add(x);
  if (typeof e.parentID === 'string' && /^urn:epc:id:(sgtin|sscc):/.test(e.parentID)) into.add(e.parentID);
}

/** A line per event of a capture job: captured, or refused with a reason (a mapping refusal naming the JSON path). */
function jobReport(name: string, job: Job): string[] {
  const report: string[] = [];
  for (const e of job.events) {
    if (e.state === 'captured') {
      report.push(`${name} ${e.path}: captured`);
      continue;
    }
    expect(e.state, `${name} ${e.path}`).to.equal('refused');
    expect(e.reason, `${name} ${e.path}`).to.be.a('string').and.not.equal('');
    // a refusal of acetrace's mapping names the JSON path of the unsupported part
    if (e.status === 400 && e.code === 'INVALID_ARGUMENT') expect(e.reason, name).to.match(/^epcisBody\.[\w.[\]:-]+: /);
    report.push(`${name} ${e.path}: ${String(e.status)} ${String(e.reason)}`);
  }
  return report;
}

describe('EPCIS 2.0 repository (capture, query, export) on the embedded network', function () {
  this.timeout(300_000);
  let s: Stack;
  const lotId = uid('LOT-EPCIS');
  const epcs = [freshEpc(), freshEpc(), freshEpc()];
  const uuid = `urn:uuid:${randomUUID()}`;
  let supplier: string;
  let auditor: string;

  before(async () => {
    s = await startTarget({ target: 'embedded' });
    supplier = s.key('supplier');
    auditor = s.key('auditor');
    const reg = await s.http().post('/v1/lots').set('X-API-Key', supplier).send(lotInput(lotId, { epcs }));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
  });
  after(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await s?.stop();
  });

  async function capture(body: unknown, key: string, behaviour?: string): Promise<{ status: number; body: Json; location?: string; headers: Record<string, string> }> {
    let req = s.http().post('/epcis/capture').set('X-API-Key', key).set('Content-Type', 'application/ld+json');
    if (behaviour !== undefined) req = req.set('GS1-Capture-Error-Behaviour', behaviour);
    const res = await req.send(JSON.stringify(body));
    return { status: res.status, body: res.body as Json, location: res.get('Location'), headers: res.headers };
  }

  async function settled(location: string, key: string): Promise<Job> {
    for (let i = 0; i < 200; i++) {
      const res = await s.http().get(location).set('X-API-Key', key);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const job = res.body as Job;
      if (!job.running) return job;
      await sleep(100);
    }
    throw new Error(`capture ${location} still running`);
  }

  async function exportLot(id = lotId): Promise<{ doc: Json; events: EpcisEvent[] }> {
    const res = await s.http().get(`/v1/lots/${id}/epcis`).set('X-API-Key', auditor);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.type).to.equal('application/ld+json');
    const body = JSON.parse(res.text) as Json;
    expectValidEpcis(body, `GET /v1/lots/${id}/epcis`);
    return { doc: body, events: (body.epcisBody as { eventList: EpcisEvent[] }).eventList };
  }

  async function provenanceEventCount(id = lotId): Promise<number> {
    const res = await s.http().get(`/v1/lots/${id}/provenance`).set('X-API-Key', auditor);
    expect(res.status).to.equal(200);
    return (res.body as { links: Array<{ events: unknown[] }> }).links.reduce((n, l) => n + l.events.length, 0);
  }

  // the events of the supplier's document (links 1-5, which a supplier posts)
  const captured = (): unknown[] => [
    {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-10-01T08:00:00.000+08:00',
      eventTimeZoneOffset: '+08:00',
      epcList: [],
      bizStep: 'commissioning',
      'acetrace:lotId': lotId,
      bizTransactionList: [
        { type: 'po', bizTransaction: `ni:///sha-256;${sha('po-1')}` },
        { type: 'cert', bizTransaction: `ni:///sha-256;${sha('coo-1')}` },
      ],
    },
    {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-10-02T01:00:00Z',
      eventTimeZoneOffset: '+00:00',
      // the same EPC in another spelling (GS1 Digital Link): resolved to the lot, hashed alike
      epcList: [epcs[0], `https://id.gs1.org/01/10614141123459/21/${(epcs[1] ?? '').split('.').pop() ?? ''}`],
      bizStep: 'inspecting',
      readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    },
    {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventID: uuid,
      eventTime: '2026-10-03T06:30:00.125-05:00',
      eventTimeZoneOffset: '-05:00',
      epcList: [epcs[2]],
      bizStep: 'packing',
      readPoint: { id: 'geo:22.5431,114.0579;u=25' },
      bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    },
  ];

  it('captures a document asynchronously (202, Location, advertised limits) and reports each event', async () => {
    const res = await capture(doc(captured()), supplier);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    expect(res.location).to.match(/^\/epcis\/capture\/[0-9a-f-]{36}$/);
    expect(res.headers['gs1-epcis-capture-limit']).to.equal('500');
    expect(Number(res.headers['gs1-epcis-capture-file-size-limit'])).to.be.greaterThan(1_000_000);
    const location = res.location ?? '';
    const job = await settled(location, supplier);
    expect(job.success, JSON.stringify(job)).to.equal(true);
    expect(job.events.map((e) => e.state)).to.deep.equal(['captured', 'captured', 'captured']);
    // no eventID given: the acetrace id is derived from the CBV 2.0 hash, and the hash is epcis2.js's too
    const [first, second, third] = job.events;
    expect(first?.eventId).to.equal(`ni:sha-256:${String(first?.hashId?.slice(14, 78))}:CBV2.0`);
    expect(first?.eventID).to.equal(first?.hashId);
    const events = captured() as Json[];
    // (epcis2.js cannot hash an empty epcList: the second event is the one to compare)
    expect(second?.hashId).to.equal(eventToHashedId(noAcetrace(events[1] as Json), CONTEXT));
    expect(third?.eventId).to.equal((events[2] as { eventID: string }).eventID);
    expect(await provenanceEventCount()).to.equal(3);
    // only the captor or an auditor reads the job
    const other = await s.http().get(location).set('X-API-Key', s.key('supplier', s.orgs.logistics));
    expect(other.status).to.equal(403);
    expect((await s.http().get(location).set('X-API-Key', auditor)).status).to.equal(200);
  });

  it('round trip: export, re-capture — no new records, identical hashes', async () => {
    const before = await exportLot();
    expect(before.events.map((e) => e.type)).to.deep.equal(['ObjectEvent', 'ObjectEvent', 'ObjectEvent', 'ObjectEvent']);
    expect(before.events[0]?.action).to.equal('ADD');
    const historyBefore = (await s.http().get(`/v1/lots/${lotId}/history`).set('X-API-Key', auditor)).body as { history: unknown[] };
    // each exported event's eventID is the hash of its content (without the acetrace annotations) or the captured eventID
    for (const e of before.events.filter((x) => x.action === 'OBSERVE' && (x.epcList as unknown[]).length > 0)) {
      if (e.eventID.startsWith('ni:')) expect(e.eventID).to.equal(eventToHashedId(noAcetrace(e), before.doc['@context']));
    }
    const res = await capture(before.doc, supplier);
    expect(res.status).to.equal(202);
    const job = await settled(res.location ?? '', supplier);
    expect(job.success, JSON.stringify(job.errors)).to.equal(true);
    expect(job.events.map((e) => e.op)).to.deep.equal(['registration', 'event', 'event', 'event']);
    expect(await provenanceEventCount()).to.equal(3);
    const historyAfter = (await s.http().get(`/v1/lots/${lotId}/history`).set('X-API-Key', auditor)).body as { history: unknown[] };
    expect(historyAfter.history.length).to.equal(historyBefore.history.length);
    const after = await exportLot();
    expect(after.events.map((e) => e.eventID)).to.deep.equal(before.events.map((e) => e.eventID));
    // the hashes of the re-captured events are those of the first capture
    const first = await capture(doc(captured()), supplier);
    const firstJob = await settled(first.location ?? '', supplier);
    expect(job.events.slice(1).map((e) => e.hashId)).to.deep.equal(firstJob.events.map((e) => e.hashId));
    expect(await provenanceEventCount()).to.equal(3);
  });

  it('rollback records nothing when one event fails; proceed records the rest and says why each failed', async () => {
    const good = { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-10-04T00:00:00Z', eventTimeZoneOffset: '+00:00', epcList: [epcs[0]], bizStep: 'packing' };
    const bad = { ...good, eventTime: '2026-10-04T01:00:00Z', disposition: 'in_progress' };
    const forbidden = { ...good, eventTime: '2026-10-04T02:00:00Z', bizStep: 'receiving' };
    const rolled = await capture(doc([good, bad, forbidden]), supplier, 'rollback');
    const r = await settled(rolled.location ?? '', supplier);
    expect(r).to.include({ success: false, running: false });
    expect(r.events.map((e) => e.state)).to.deep.equal(['rolled-back', 'refused', 'refused']);
    expect(r.errors.map((e) => [e.instance, e.status])).to.deep.equal([
      ['epcisBody.eventList[1]', 400],
      ['epcisBody.eventList[2]', 403],
    ]);
    expect(r.errors[0]?.detail).to.match(/^epcisBody\.eventList\[1\]\.disposition: /);
    expect(await provenanceEventCount()).to.equal(3);

    const proceeded = await capture(doc([good, bad, forbidden]), supplier, 'proceed');
    const p = await settled(proceeded.location ?? '', supplier);
    expect(p).to.include({ success: false, running: false });
    expect(p.events.map((e) => e.state)).to.deep.equal(['captured', 'refused', 'refused']);
    expect(p.events[2]?.reason).to.match(/may not post link 12/);
    expect(await provenanceEventCount()).to.equal(4);
  });

  it('bad documents: 400 naming the JSON path; unsupported behaviour and roles refused', async () => {
    const missing = await capture({ ...doc([{ type: 'ObjectEvent', action: 'OBSERVE', eventTimeZoneOffset: '+00:00' }]) }, supplier);
    expect(missing.status).to.equal(400);
    expect((missing.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).to.include('epcisBody.eventList[0].eventTime');
    const notDoc = await capture({ type: 'Something' }, supplier);
    expect(notDoc.status).to.equal(400);
    const behaviour = await capture(doc([]), supplier, 'all');
    expect(behaviour.status).to.equal(400);
    expect((behaviour.body as { errors: Array<{ path: string }> }).errors[0]?.path).to.equal('headers.gs1-capture-error-behaviour');
    const viewer = await capture(doc([]), s.key('viewer'));
    expect(viewer.status).to.equal(403);
  });

  it('POST /epcis/events records one event synchronously; refusals keep their status', async () => {
    const event = { '@context': CONTEXT, type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-10-05T00:00:00Z', eventTimeZoneOffset: '+00:00', epcList: [epcs[1]], bizStep: 'assembling' };
    const res = await s.http().post('/epcis/events').set('X-API-Key', supplier).send(event);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ state: 'captured', op: 'event' });
    expect((res.body as { txId: string }).txId).to.match(/^[0-9a-f]{64}$/);
    const again = await s.http().post('/epcis/events').set('X-API-Key', supplier).send(event);
    expect(again.status).to.equal(201);
    expect((again.body as { eventId: string }).eventId).to.equal((res.body as { eventId: string }).eventId);
    expect(await provenanceEventCount()).to.equal(5);

    const unsupported = await s.http().post('/epcis/events').set('X-API-Key', supplier).send({ ...event, sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: 4 }] }] });
    expect(unsupported.status).to.equal(400);
    expect((unsupported.body as { errors: Array<{ path: string }> }).errors[0]?.path).to.equal('sensorElementList');
    const denied = await s.http().post('/epcis/events').set('X-API-Key', supplier).send({ ...event, bizStep: 'receiving' });
    expect(denied.status).to.equal(403);
    const unknownLot = await s.http().post('/epcis/events').set('X-API-Key', supplier).send({ ...event, epcList: [], 'acetrace:lotId': uid('NO-LOT') });
    expect(unknownLot.status, JSON.stringify(unknownLot.body)).to.equal(404);
  });

  it('queries: MATCH_epc in any spelling, EQ_bizStep, times, paging with Link rel="next", unsupported parameters named', async () => {
    const q = async (query: string, key = auditor): Promise<{ status: number; events: EpcisEvent[]; link?: string; body: Json }> => {
      const res = await s.http().get(`/epcis/events${query}`).set('X-API-Key', key);
      if (res.status !== 200) return { status: res.status, events: [], body: res.body as Json };
      const body = JSON.parse(res.text) as Json;
      expectValidEpcis(body, `GET /epcis/events${query}`);
      const events = ((body.epcisBody as Json).queryResults as { resultsBody: { eventList: EpcisEvent[] } }).resultsBody.eventList;
      return { status: 200, events, link: res.get('Link'), body };
    };
    const serial = (epcs[0] ?? '').split('.').pop() ?? '';
    const packed = epcs[2] ?? '';
    const byEpc = await q(`?MATCH_epc=${encodeURIComponent(`https://id.gs1.org/01/10614141123459/21/${serial}`)}`);
    expect(byEpc.status).to.equal(200);
    expect(byEpc.events.length).to.be.greaterThan(0);
    for (const e of byEpc.events) expect(e.epcList).to.include(epcs[0]);
    const packing = await q(`?MATCH_anyEPC=${encodeURIComponent(packed)}&EQ_bizStep=packing`);
    expect(packing.events.map((e) => e.eventID)).to.deep.equal([uuid]);
    const anyOf = encodeURIComponent(epcs.join('|'));
    const timed = await q(`?MATCH_anyEPC=${anyOf}&GE_eventTime=2026-10-04T00:00:00Z&LT_eventTime=2026-10-06T00:00:00Z`);
    expect(timed.events.map((e) => e.eventTime)).to.deep.equal(['2026-10-04T00:00:00Z', '2026-10-05T00:00:00Z']);

    // paging: one event per page, following Link until it ends, gives every event once
    const all = await q(`?MATCH_anyEPC=${encodeURIComponent(packed)}`);
    const seen: string[] = [];
    let next: string | undefined = `?MATCH_anyEPC=${encodeURIComponent(packed)}&perPage=1`;
    for (let i = 0; next !== undefined && i < 20; i++) {
      const page = await q(next);
      seen.push(...page.events.map((e) => e.eventID));
      next = page.link === undefined ? undefined : /<\/epcis\/events(\?[^>]*)>; rel="next"/.exec(page.link)?.[1];
    }
    expect(seen).to.deep.equal(all.events.map((e) => e.eventID));

    // no selective parameter: the walk over every lot (ListLots) still answers, with the link index for bizStep
    const walk = await q('?EQ_bizStep=assembling&perPage=50');
    expect(walk.events.some((e) => e.eventTime === '2026-10-05T00:00:00Z')).to.equal(true);
    expect(all.events.map((e) => e.eventID)).to.include(uuid);
    const byId = await q(`?EQ_eventID=${encodeURIComponent(uuid)}`);
    expect(byId.events.map((e) => e.eventID)).to.deep.equal([uuid]);

    const bad = await q('?EQ_disposition=in_transit&MATCH_epc=urn:epc:idpat:sgtin:0614141.112345.*');
    expect(bad.status).to.equal(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).to.have.members(['query.EQ_disposition', 'query.MATCH_epc']);

    const byPath = await s.http().get(`/epcis/epcs/${encodeURIComponent(packed)}/events`).set('X-API-Key', auditor);
    expect(byPath.status).to.equal(200);
    const pathDoc = JSON.parse(byPath.text) as Json;
    expectValidEpcis(pathDoc, 'GET /epcis/epcs/{epc}/events');
  });

  it('a correction is an errorDeclaration on the corrected event naming the correction', async () => {
    const { events } = await exportLot();
    const target = events.find((e) => e.bizStep === 'inspecting');
    const fix = {
      eventId: uid('EVT-FIX'),
      lotId,
      link: 4,
      kind: 'document',
      eventTime: '2026-10-02T01:00:00Z',
      correctionOf: target?.['acetrace:eventId'],
      reason: 'inspection logged at the wrong dock',
    };
    // a correction goes through the outbox like any write: 201 once committed with wait=commit
    const res = await s.http().post('/v1/events?wait=commit').set('X-API-Key', s.key('compliance')).send(fix);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const after = await exportLot();
    const corrected = after.events.find((e) => e.eventID === target?.eventID);
    const correcting = after.events.find((e) => e['acetrace:eventId'] === fix.eventId);
    expect(corrected?.errorDeclaration).to.deep.include({ reason: 'incorrect_data', correctiveEventIDs: [correcting?.eventID] });
    expect(correcting?.['acetrace:correctionOf']).to.equal(target?.['acetrace:eventId']);
    const declared = await s.http().get('/epcis/events?EXISTS_errorDeclaration=true&MATCH_anyEPC=' + encodeURIComponent(epcs[0] ?? '')).set('X-API-Key', auditor);
    const list = ((JSON.parse(declared.text) as Json).epcisBody as { queryResults: { resultsBody: { eventList: EpcisEvent[] } } }).queryResults.resultsBody.eventList;
    expect(list.map((e) => e.eventID)).to.deep.equal([target?.eventID]);
  });

  it("GS1's example documents of the standard capture or are refused naming the unsupported part", async () => {
    // a lot holding every EPC of the examples that acetrace reads, so refusals are about what acetrace cannot keep
    const exampleEpcs = new Set<string>();
    for (const { doc: d } of gs1Examples()) for (const e of eventListOf(d)) addReadableEpcs(e, exampleEpcs);
    const reg = await s.http().post('/v1/lots').set('X-API-Key', supplier).send(lotInput(uid('LOT-GS1'), { epcs: [...exampleEpcs] }));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    const report: string[] = [];
    for (const { name, doc: d } of gs1Examples()) {
      const res = await capture(d, supplier, 'proceed');
      if (res.status === 400) {
        // the document itself is not one acetrace reads: the answer names the JSON path
        const errors = (res.body as { errors: Array<{ path: string; message: string }> }).errors;
        expect(errors[0]?.path, name).to.match(/^epcisBody/);
        report.push(`${name}: 400 ${String(errors[0]?.path)}: ${String(errors[0]?.message)}`);
        continue;
      }
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.equal(202);
      const job = await settled(res.location ?? '', supplier);
      report.push(...jobReport(name, job));
    }
    console.log(`      ${report.join('\n      ')}`);
  });

  it('never a 5xx for any body or query (fast-check)', async () => {
    const runs = Number(process.env.ACETRACE_FUZZ_RUNS ?? 60);
    const eventish = fc.record(
      {
        type: fc.constantFrom('ObjectEvent', 'AggregationEvent', 'TransformationEvent', 'TransactionEvent', 'x'),
        action: fc.constantFrom('ADD', 'OBSERVE', 'DELETE'),
        eventTime: fc.oneof(fc.constant('2026-10-07T00:00:00Z'), fc.string()),
        eventTimeZoneOffset: fc.oneof(fc.constant('+00:00'), fc.string()),
        epcList: fc.array(fc.oneof(fc.constant(epcs[0] ?? ''), fc.string()), { maxLength: 3 }),
        bizStep: fc.oneof(fc.constantFrom('inspecting', 'transporting', 'shipping'), fc.string()),
        readPoint: fc.record({ id: fc.oneof(fc.constant('geo:1,2'), fc.constant('urn:epc:id:sgln:0614141.00001.0'), fc.string()) }),
        bizTransactionList: fc.array(fc.record({ type: fc.string(), bizTransaction: fc.string() }), { maxLength: 2 }),
        'acetrace:lotId': fc.oneof(fc.constant(lotId), fc.string()),
        eventID: fc.string(),
      },
      { requiredKeys: ['type'] },
    );
    const body = fc.oneof(fc.jsonValue(), eventish, eventish.map((e) => doc([e])), fc.array(eventish, { maxLength: 3 }).map((l) => doc(l)));
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        for (const route of ['/epcis/capture', '/epcis/events']) {
          const res = await s.http().post(route).set('X-API-Key', supplier).set('Content-Type', 'application/json').send(JSON.stringify(b));
          expect(res.status, `${route} ${JSON.stringify(b).slice(0, 300)}`).to.be.below(500);
        }
      }),
      { numRuns: runs },
    );
    const key = fc.constantFrom('eventType', 'GE_eventTime', 'EQ_bizStep', 'EQ_readPoint', 'MATCH_epc', 'MATCH_anyEPC', 'EQ_eventID', 'perPage', 'nextPageToken', 'EXISTS_errorDeclaration', 'x');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.string(), { maxKeys: 3 }), async (q) => {
        const res = await s.http().get(`/epcis/events?${new URLSearchParams(q).toString()}`).set('X-API-Key', auditor);
        expect(res.status, JSON.stringify(q)).to.be.below(500);
      }),
      { numRuns: runs },
    );
  });
});
