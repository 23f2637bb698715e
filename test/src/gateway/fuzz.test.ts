/**
 * fast-check fuzzing of every POST body and query string: never a 5xx, never a crash, and every
 * 4xx is problem+json; every 400 names the field(s) in `errors[{path, message}]`.
 */
import fc from 'fast-check';
import { expect } from '../scenarios/chai.test';
import { freshEpc, lotInput, uid } from '../scenarios/helpers';
import { type Stack, startTarget } from '../scenarios/target';

const RUNS = Number(process.env.ACETRACE_FUZZ_RUNS ?? 100);

describe('gateway fuzzing (fast-check)', function () {
  this.timeout(300_000);
  let s: Stack;
  let lotId: string;
  before(async () => {
    s = await startTarget({ target: 'embedded' });
    lotId = uid('LOT-F');
    expect((await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(lotId))).status).to.equal(201);
  });
  after(async () => {
    await s?.stop();
  });

  async function check(res: Response, what: string): Promise<void> {
    const text = await res.text();
    expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).to.be.below(500);
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
      fc.asyncProperty(body, query, fc.constantFrom('supplier', 'logistics', 'broker'), async (b, q, role) => {
        const path = `/v1/events${q.replace(/#/g, '')}`;
        await check(await post(path, s.key(role), JSON.stringify(b)), `POST ${path} ${JSON.stringify(b)}`);
      }),
      { numRuns: RUNS },
    );
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
        if (res && res.headers.get('content-type')?.startsWith('text/event-stream')) controller.abort();
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
