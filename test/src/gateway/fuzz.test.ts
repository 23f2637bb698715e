/**
 * fast-check fuzzing of every POST body and query string: never a 5xx, never a crash, and every
 * 4xx is problem+json; every 400 names the field(s) in `errors[{path, message}]`. And a 202 is an
 * honest promise (api.md): whatever the chaincode would refuse gets its 4xx before any 202, so once the
 * outbox has settled not one accepted event was rejected (or given up) by the chaincode.
 */
import fc from 'fast-check';
import { expect } from '../scenarios/chai.test';
import { freshEpc, lotInput, uid } from '../scenarios/helpers';
import { targetSuite } from '../scenarios/target';

const RUNS = Number(process.env.ACETRACE_FUZZ_RUNS ?? 100);

describe('gateway fuzzing (fast-check)', function () {
  this.timeout(300_000);
  const s = targetSuite({ target: 'embedded' });
  let lotId: string;
  /** POST /v1/events answers of 201/202 during the fuzz (each such event must commit). */
  let acceptedByFuzz = 0;
  before(async () => {
    lotId = uid('LOT-F');
    expect((await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(lotId))).status).to.equal(201);
  });

  async function check(res: Response, what: string): Promise<void> {
    const text = await res.text();
    expect(res.status, `${what} → ${String(res.status)} ${text.slice(0, 300)}`).to.be.below(500);
    expect(res.headers.get('x-request-id'), what).to.be.a('string');
    if (res.status >= 400) {
      expect(res.headers.get('content-type'), what).to.match(/^application\/problem\+json/);
      const body = JSON.parse(text) as { status: number; title: string; detail: string; errors?: Array<{ path: string; message: string }> };
      expect(body.status, what).to.equal(res.status);
      expect(body.detail, what).to.be.a('string');
      expect(text, what).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
      if (res.status === 400) {
        expect(body.errors, `${what}: ${text}`).to.be.an('array').that.is.not.empty;
        for (const e of body.errors ?? []) {
          expect(e.path, `${what}: ${text}`).to.be.a('string');
          expect(e.message, what).to.be.a('string').that.is.not.empty;
        }
        expect(body.errors?.some((e) => e.path.length > 0), `${what}: ${text}`).to.equal(true);
      }
    }
  }

  /** A counter or gauge of the gateway's /metrics (0 when absent). */
  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`${s.gateway.url}/metrics`, { headers: { 'x-api-key': s.key('admin') } })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? 0 : Number(line.slice(name.length + 1));
  }

  async function post(path: string, key: string, body: string): Promise<Response> {
    return fetch(s.gateway.url + path, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body });
  }

  const scalar = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('', ' ', '0', '-1', '1e309', '2026-11-20T08:15:00+08:00', '2026-02-30T00:00:00Z', 'packaging', 'Org1MSP', 'x'.repeat(300)),
  );
  const anyJson = fc.jsonValue({ maxDepth: 3 });

  /** A valid value or a mutation of one, per field. */
  const lotArb = fc.record(
    {
      lotId: fc.oneof(fc.constant(uid('LOT-FZ')), fc.string({ maxLength: 140 }), scalar),
      product: fc.oneof(fc.constant('Widget'), scalar),
      htsCode: fc.oneof(fc.constantFrom('8536.50.9065', '8536509065', '8536.50.906', '0000.00.0000'), scalar),
      originCountry: fc.oneof(fc.constantFrom('CN', 'US', 'cn', 'ZZ', 'CHN'), scalar),
      quantity: fc.oneof(fc.integer({ min: -5, max: 1e6 }), fc.double(), scalar),
      unit: fc.oneof(fc.constantFrom('EA', 'KG', ''), scalar),
      epcs: fc.oneof(fc.array(fc.oneof(fc.constant(freshEpc()), fc.constant('3034257BF400B7800004CB2F'), fc.string()), { maxLength: 3 }), scalar),
      parentLotId: fc.oneof(fc.constant(null), fc.constant(uid('NOPE')), scalar),
      importerMsp: fc.oneof(fc.constant('Org3MSP'), scalar),
      extra: anyJson,
    },
    { requiredKeys: [] },
  );

  const eventArb = (lot: () => string) =>
    fc.record(
      {
        eventId: fc.oneof(fc.constant(uid('EVT-FZ')), fc.string({ maxLength: 140 }), scalar),
        lotId: fc.oneof(fc.constant(lot()), fc.constant('LOT-UNKNOWN'), scalar),
        link: fc.oneof(fc.integer({ min: -1, max: 14 }), fc.constantFrom('packaging', 'inland-transport', 'nope'), scalar),
        kind: fc.oneof(fc.constantFrom('rfid', 'gps', 'document', 'handover', 'RFID'), scalar),
        eventTime: fc.oneof(fc.constantFrom('2026-11-20T08:15:00+08:00', '2026-11-20T08:15:00', '2026-11-20', 'yesterday'), scalar),
        deviceId: fc.oneof(fc.constant('reader-1'), scalar),
        location: fc.oneof(
          fc.record(
            { lat: fc.oneof(fc.double({ min: -100, max: 100 }), scalar), lon: fc.oneof(fc.double({ min: -200, max: 200 }), scalar), accuracyM: scalar, gln: scalar },
            { requiredKeys: [] },
          ),
          scalar,
        ),
        epcs: fc.oneof(fc.array(fc.oneof(fc.constant(freshEpc()), fc.string()), { maxLength: 3 }), scalar),
        evidence: fc.oneof(
          fc.array(
            fc.record(
              { sha256: fc.oneof(fc.constant('a'.repeat(64)), fc.string()), uri: scalar, type: fc.oneof(fc.constantFrom('po', 'invoice', 'nope'), scalar) },
              { requiredKeys: [] },
            ),
            { maxLength: 2 },
          ),
          scalar,
        ),
        correctionOf: fc.oneof(fc.constant(null), scalar),
        reason: scalar,
      },
      { requiredKeys: [] },
    );

  it('POST /v1/lots: any body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(lotArb, anyJson), async (body) => {
        await check(await post('/v1/lots', s.key('supplier'), JSON.stringify(body)), `POST /v1/lots ${JSON.stringify(body)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('POST /v1/events: any single event, batch or JSON value; any query', async () => {
    const body = fc.oneof(
      eventArb(() => lotId),
      fc.record({ events: fc.oneof(fc.array(eventArb(() => lotId), { maxLength: 4 }), scalar) }, { requiredKeys: [] }),
      anyJson,
    );
    const query = fc.oneof(fc.constant(''), fc.constant('?wait=commit'), fc.string().map((q) => `?wait=${encodeURIComponent(q)}`), fc.string().map((q) => `?${q}`));
    await fc.assert(
      fc.asyncProperty(body, query, fc.constantFrom('supplier', 'logistics', 'broker', 'compliance'), async (b, q, role) => {
        const path = `/v1/events${q.replace(/#/g, '')}`;
        const res = await post(path, s.key(role), JSON.stringify(b));
        if (res.status === 201 || res.status === 202) acceptedByFuzz += 1;
        await check(res, `POST ${path} ${JSON.stringify(b)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('POST /v1/events: valid events with at most one thing wrong, by every posting role', async () => {
    // what the zod schema lets through and the chaincode may still refuse; 'none' and the good spellings must commit
    const LINKS: Record<string, number[]> = { supplier: [1, 2, 3, 4, 5], logistics: [6, 7, 9, 10, 12], broker: [8, 11], compliance: [1, 5, 7, 8, 11, 12] };
    const FOREIGN: Record<string, number> = { supplier: 7, logistics: 3, broker: 1, compliance: 7 };
    const mutation = fc.constantFrom(
      'none', 'none', 'none', 'digital-link', 'hex-epc', 'gln',
      'unknown-lot', 'bad-epc', 'epc-partition', 'too-many-epcs', 'foreign-link', 'document-kind', 'bad-gln', 'evidence-51', 'feb-30', 'half-location',
    );
    /** What each mutation does to a valid event (`none`: nothing). */
    const MUTATE: Record<string, (e: Record<string, unknown>, role: string) => void> = {
      'digital-link': (e) => { e.epcs = ['https://id.gs1.org/01/00614141123452/21/400']; },
      'hex-epc': (e) => { e.epcs = ['3034257BF400B7800004CB2F']; },
      gln: (e) => { e.location = { lat: 22.5, lon: 114.1, gln: '0614141000012' }; },
      'unknown-lot': (e) => { e.lotId = uid('LOT-NONE'); },
      'bad-epc': (e) => { e.epcs = ['not-an-epc']; },
      'epc-partition': (e) => { e.epcs = ['urn:epc:id:sgtin:0614141.12345.400']; },
      'too-many-epcs': (e) => { e.epcs = Array.from({ length: 1001 }, () => freshEpc()); },
      'foreign-link': (e, role) => { e.link = FOREIGN[role]; if (role === 'compliance') e.kind = 'document'; },
      'document-kind': (e) => { e.kind = 'document'; },
      'bad-gln': (e) => { e.location = { lat: 22.5, lon: 114.1, gln: '0614141000013' }; },
      'evidence-51': (e) => { e.evidence = Array.from({ length: 51 }, (_, i) => ({ sha256: i.toString(16).padStart(64, 'a'), type: 'po' })); },
      'feb-30': (e) => { e.eventTime = '2026-02-30T08:15:00Z'; },
      'half-location': (e) => { e.kind = 'handover'; e.location = { lat: 22.5 }; },
    };
    const build = (role: string, linkIndex: number, m: string): Record<string, unknown> => {
      const links = LINKS[role] ?? [1];
      const e: Record<string, unknown> = {
        eventId: uid('EVT-NV'),
        lotId,
        link: links[linkIndex % links.length],
        kind: 'gps',
        eventTime: '2026-11-20T08:15:00+08:00',
        location: { lat: 22.5, lon: 114.1 },
        epcs: [freshEpc()],
      };
      MUTATE[m]?.(e, role);
      return e;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('supplier', 'logistics', 'broker', 'compliance'),
        fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.constantFrom('', '?wait=commit'),
        async (role, picks, asBatch, q) => {
          const list = picks.map(([i, m]) => build(role, i, m));
          const body = asBatch || list.length > 1 ? { events: list } : list[0];
          const res = await post(`/v1/events${q}`, s.key(role), JSON.stringify(body));
          if (res.status === 201 || res.status === 202) acceptedByFuzz += 1;
          await check(res, `POST /v1/events${q} as ${role} ${JSON.stringify(body).slice(0, 1500)}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('every accepted event commits: 0 accepted-then-rejected (or dead) once the outbox settles', async () => {
    // a control event, so the committed count below is never vacuous
    const control = { eventId: uid('EVT-FZ-CTL'), lotId, link: 1, kind: 'document', eventTime: '2026-11-20T08:15:00+08:00' };
    expect((await post('/v1/events', s.key('supplier'), JSON.stringify(control))).status).to.equal(202);
    const deadline = Date.now() + 120_000;
    while ((await metric('acetrace_queue_depth')) > 0) {
      expect(Date.now(), 'the outbox settles').to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 200));
    }
    const committed = await metric('acetrace_events_committed_total');
    expect(await metric('acetrace_events_rejected_total'), 'events refused by the chaincode after a 202').to.equal(0);
    expect(await metric('acetrace_events_dead_total'), 'events given up after a 202').to.equal(0);
    console.log(`fuzz: ${String(acceptedByFuzz)} POST /v1/events answers 201/202, ${String(committed)} events committed`);
    expect(committed, `committed events (the control and ${String(acceptedByFuzz)} fuzzed 201/202 answers)`).to.be.at.least(1);
  });

  it('raw bodies that are not JSON, or not JSON objects', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('{', '[]', 'null', '"x"', '{"events":', '\u0000', '1e999')), async (raw) => {
        await check(await post('/v1/lots', s.key('supplier'), raw), `POST /v1/lots raw ${JSON.stringify(raw)}`);
        await check(await post('/v1/events', s.key('logistics'), raw), `POST /v1/events raw ${JSON.stringify(raw)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('GET /v1/lots: any query string', async () => {
    const keys = fc.oneof(fc.constantFrom('ownerMsp', 'htsCode', 'originCountry', 'link', 'from', 'to', 'pageSize', 'bookmark'), fc.string({ maxLength: 8 }));
    const value = fc.oneof(scalar.map(String), fc.constantFrom('Org1MSP', '8536.50.9065', 'CN', '7', 'packaging', '13', '2026-01-01T00:00:00Z', '50', '0', '1001'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(keys, value), { maxLength: 5 }), async (pairs) => {
        const qs = new URLSearchParams(pairs).toString();
        const res = await fetch(`${s.gateway.url}/v1/lots?${qs}`, { headers: { 'x-api-key': s.key('viewer') } });
        await check(res, `GET /v1/lots?${qs}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('path parameters and the stream query: any string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 200 }), async (id) => {
        const enc = encodeURIComponent(id);
        for (const path of [`/v1/lots/${enc}`, `/v1/lots/${enc}/provenance`, `/v1/lots/${enc}/history`, `/v1/events/${enc}`, `/v1/epcs/${enc}/provenance`]) {
          const res = await fetch(s.gateway.url + path, { headers: { 'x-api-key': s.key('auditor') } });
          await check(res, `GET ${path}`);
        }
        const controller = new AbortController();
        const res = await fetch(`${s.gateway.url}/v1/stream?fromBlock=${enc}`, {
          headers: { 'x-api-key': s.key('auditor'), 'last-event-id': id.replace(/[\r\n]/g, '') },
          signal: controller.signal,
        }).catch(() => undefined);
        if (res?.headers.get('content-type')?.startsWith('text/event-stream')) controller.abort();
        else if (res) await check(res, `GET /v1/stream ${JSON.stringify(id)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('still healthy and ready afterwards', async () => {
    expect((await fetch(`${s.gateway.url}/healthz`)).status).to.equal(200);
    expect((await fetch(`${s.gateway.url}/readyz`)).status).to.equal(200);
  });
});
