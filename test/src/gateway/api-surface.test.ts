/**
 * The OpenAPI document validates and every route in it answers; body limit, media type, rate
 * limit, readiness, request ids and bearer tokens. The gateway itself, so always on an embedded
 * network (SSE resume is a scenario: ../scenarios/stream.test.ts, run on either network).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from '../scenarios/chai.test';
import { freshEpc, freshGln, lotInput, uid } from '../scenarios/helpers';
import { type Stack, seedLotWithEvent, startTarget } from '../scenarios/target';

const JWT_SECRET = 'integration-test-secret-at-least-32-chars';

/** Who calls a route: an admin for its organisation's admin routes and /metrics, a supplier for other writes, else an auditor. */
function roleFor(writes: boolean, adminPath: boolean, path: string, csvPath = false): string {
  if (writes) return adminPath ? 'admin' : csvPath ? 'compliance' : 'supplier';
  // a purge of private data is the owner's compliance's (the fixture lot has none: nothing purged, 200)
  if (path.endsWith('/private')) return 'compliance';
  return path === '/metrics' ? 'admin' : 'auditor';
}

/** What a call of the surface sends: a screening list as CSV, a write's JSON body, or nothing for a read. */
function requestBodyFor(writes: boolean, csv: boolean, body: unknown): string | undefined {
  if (csv) return 'name,aliases\nAcme Trading Ltd,Acme\n';
  return writes ? JSON.stringify(body) : undefined;
}

/** The capture job id an answer's Location names, if it names one. */
function captureJobOf(res: Response): string | undefined {
  const location = res.headers.get('location');
  return location?.startsWith('/epcis/capture/') ? location.slice('/epcis/capture/'.length) : undefined;
}

describe('gateway API surface', function () {
  this.timeout(180_000);
  let s: Stack;
  let lotId: string;
  let epc: string;
  let eventId: string;
  let gln: string;
  before(async () => {
    s = await startTarget({
      target: 'embedded',
      env: { ACETRACE_BODY_LIMIT: '64kb', ACETRACE_JWT_SECRET: JWT_SECRET, ACETRACE_JWT_ISSUER: 'https://idp.acetrace.test', ACETRACE_JWT_AUDIENCE: 'acetrace' },
    });
    lotId = uid('LOT-S');
    epc = freshEpc();
    eventId = uid('EVT-S');
    await seedLotWithEvent(s, lotId, epc, eventId);
    gln = freshGln();
    const facility = await s.http().post('/v1/facilities').set('X-API-Key', s.key('admin')).send({ gln, name: 'Dock 1', country: 'CN', type: 'warehouse' });
    expect(facility.status, JSON.stringify(facility.body)).to.equal(201);
  });
  after(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await s?.stop();
  });

  it('serves an OpenAPI 3.1 document that validates', async () => {
    const res = await s.http().get('/openapi.json');
    expect(res.status).to.equal(200);
    const doc = res.body as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).to.match(/^3\.1\./);
    await SwaggerParser.validate(structuredClone(doc) as never);
    expect(Object.keys(doc.paths)).to.include.members([
      '/healthz',
      '/readyz',
      '/metrics',
      '/openapi.json',
      '/v1/lots',
      '/v1/lots/{lotId}',
      '/v1/lots/{lotId}/history',
      '/v1/lots/{lotId}/provenance',
      '/v1/epcs/{epc}/provenance',
      '/v1/events',
      '/v1/events/{eventId}',
      '/v1/stream',
      '/v1/organisations',
      '/v1/organisations/{mspId}',
      '/v1/facilities',
      '/v1/facilities/{gln}',
      '/v1/devices',
    ]);
  });

  it('every route of the document answers (not 404, not 5xx)', async () => {
    const doc = (await s.http().get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const params: Record<string, string> = { lotId, eventId, epc: encodeURIComponent(epc), mspId: s.orgs.supplier, gln, name: 'surface-list', link: '1' };
    const bodies: Record<string, unknown> = {
      '/v1/lots': lotInput(uid('LOT-S2')),
      '/v1/events': { eventId: uid('EVT-S2'), lotId, link: 2, kind: 'document', eventTime: '2026-10-02T08:00:00Z' },
      '/v1/readings': { reads: [{ readerId: 'szx-dock-1', epc, readTime: '2026-10-02T08:00:00Z' }] },
      '/v1/organisations/{mspId}': { legalName: 'Shenzhen Plug Works Co., Ltd.', country: 'CN', roles: ['manufacturer'] },
      '/v1/facilities': { gln: freshGln(), name: 'Dock 2', country: 'CN', type: 'warehouse' },
      '/v1/devices': { deviceId: uid('dock-reader') },
      '/epcis/capture': {
        '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { acetrace: 'https://ns.acetrace.dev/epcis/' }],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: '2026-10-02T08:00:00Z',
        epcisBody: { eventList: [{ type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-10-02T09:00:00Z', eventTimeZoneOffset: '+00:00', epcList: [epc], bizStep: 'inspecting' }] },
      },
      '/epcis/events': { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-10-02T10:00:00Z', eventTimeZoneOffset: '+00:00', epcList: [epc], bizStep: 'inspecting' },
    };
    // the admin's own organisation's profile, facilities and devices; everything else as before
    const ADMIN_PATHS = new Set(['/v1/organisations/{mspId}', '/v1/facilities', '/v1/devices']);
    // screening lists: uploaded by compliance, as CSV
    const CSV_PATHS = new Set(['/v1/screening/lists/{name}']);
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'x');
        const writes = method === 'post' || method === 'put';
        const csv = writes && CSV_PATHS.has(template);
        const role = roleFor(writes, ADMIN_PATHS.has(template), path, csv);
        const controller = new AbortController();
        const res = await fetch(s.gateway.url + path, {
          method: method.toUpperCase(),
          headers: { 'x-api-key': s.key(role), 'content-type': csv ? 'text/csv' : 'application/json' },
          body: requestBodyFor(writes, csv, bodies[template]),
          signal: controller.signal,
        });
        // the capture job the capture just made is the one GET /epcis/capture/{captureID} reads
        const captureID = captureJobOf(res);
        if (captureID !== undefined) params.captureID = captureID;
        if (res.headers.get('content-type')?.startsWith('text/event-stream')) controller.abort();
        else await res.arrayBuffer();
        expect(res.status, `${method.toUpperCase()} ${path}`).to.be.oneOf([200, 201, 202]);
      }
    }
  });

  it('every response carries X-Request-Id; a well-formed incoming id is kept', async () => {
    const res = await s.http().get('/healthz').set('X-Request-Id', 'trace-123');
    expect(res.get('X-Request-Id')).to.equal('trace-123');
    const bad = await s.http().get('/v1/lots/%20').set('X-Request-Id', 'bad id with spaces');
    expect(bad.get('X-Request-Id')).to.match(/^[0-9a-f-]{36}$/);
    expect(bad.status).to.equal(401);
    expect((bad.body as { requestId: string }).requestId).to.equal(bad.get('X-Request-Id'));
  });

  it('413 for a body over the limit, 415 for a non-JSON body, 404 problem for unknown routes', async () => {
    const big = { ...lotInput(uid('LOT-BIG')), product: 'x'.repeat(100_000) };
    const r413 = await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(big);
    expect(r413.status).to.equal(413);
    expect(r413.type).to.equal('application/problem+json');
    const r415 = await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).set('Content-Type', 'text/plain').send('lotId=1');
    expect(r415.status).to.equal(415);
    expect(r415.type).to.equal('application/problem+json');
    const r404 = await s.http().get('/v1/nothing-here').set('X-API-Key', s.key('auditor'));
    expect(r404.status).to.equal(404);
    expect(r404.type).to.equal('application/problem+json');
  });

  it('/healthz and /readyz answer; /metrics has latency histograms', async () => {
    expect((await s.http().get('/healthz')).body).to.deep.equal({ status: 'ok' });
    expect((await s.http().get('/readyz')).status).to.equal(200);
    const m = await s.http().get('/metrics').set('X-API-Key', s.key('admin'));
    expect(m.status).to.equal(200);
    expect(m.text).to.include('acetrace_http_request_duration_seconds_bucket');
    expect(m.text).to.match(/acetrace_ledger_call_duration_seconds_count\{transaction="RegisterLot",outcome="ok"\}/);
    expect(m.text).to.include('acetrace_queue_depth');
  });

  it('accepts an OAuth 2.0 bearer JWT mapped to a principal; refuses a bad one with 401', async () => {
    const jose = await import('jose');
    const token = await new jose.SignJWT({ sub: 'org2-auditor' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://idp.acetrace.test')
      .setAudience('acetrace')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const ok = await s.http().get(`/v1/lots/${lotId}/provenance`).set('Authorization', `Bearer ${token}`);
    expect(ok.status).to.equal(200);
    expect((ok.body as { detail: string }).detail).to.equal('full');
    const bad = await s.http().get(`/v1/lots/${lotId}`).set('Authorization', `Bearer ${token}x`);
    expect(bad.status).to.equal(401);
    expect(bad.get('WWW-Authenticate')).to.include('Bearer');
  });

  it('rate limiting per principal answers 429 with Retry-After', async () => {
    const limited = await startTarget({ target: 'embedded', env: { ACETRACE_RATE_LIMIT_MAX: '5', ACETRACE_RATE_LIMIT_WINDOW_MS: '60000' } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 7; i++) {
        const r = await limited.http().get('/v1/lots?pageSize=1').set('X-API-Key', limited.key('viewer'));
        statuses.push(r.status);
        if (r.status === 429) {
          retryAfter = r.get('Retry-After');
          expect(r.type).to.equal('application/problem+json');
        }
      }
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).to.be.greaterThan(0);
      // another principal has its own budget
      expect((await limited.http().get('/v1/lots?pageSize=1').set('X-API-Key', limited.key('auditor'))).status).to.equal(200);
    } finally {
      await limited.stop();
    }
  });
});
