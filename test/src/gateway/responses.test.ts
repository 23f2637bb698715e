/**
 * Every answer of every route matches the schema the OpenAPI document names for that route,
 * status and media type. The gateway runs on an embedded network and is driven over real HTTP
 * through each documented status it can be made to give; each body is validated with ajv against
 * the document served at /openapi.json (an independent reading of the generated document, not the
 * gateway's zod schemas). A status or media type the document does not name fails, and so does a
 * documented status no request reached, unless it is listed in UNREACHABLE with the reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from '../scenarios/chai.test';
import { freshEpc, freshGln, lotInput, uid } from '../scenarios/helpers';
import { type SseEvent, readSse } from '../scenarios/sse';
import { type Stack, seedLotWithEvent, startTarget } from '../scenarios/target';

type Method = 'get' | 'post' | 'put' | 'delete';

interface MediaType {
  schema: unknown;
  'x-sse-events'?: Record<string, unknown>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Partial<Record<Method, { responses: Record<string, { content?: Record<string, MediaType> }> }>>>;
}

interface Answer {
  status: number;
  /** The media type without parameters (`application/json`). */
  type: string;
  body: unknown;
}

interface Call {
  key?: string;
  params?: Record<string, string>;
  query?: string;
  /** JSON body (or a string sent as it is). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * Documented answers no request of this suite can provoke, with the reason. Keys are
 * `METHOD template status`; `*` stands for any method and template.
 */
const UNREACHABLE: Record<string, string> = {
  '* * 500': 'an unexpected fault; nothing a client sends causes one',
  'GET /v1/lots 403': 'every role may list lots (the chaincode could refuse an identity without a role)',
  'GET /v1/lots/{lotId} 403': 'every role may read a lot view',
  'GET /v1/lots/{lotId}/provenance 403': 'a role that may not see the full provenance gets the summary',
  'GET /v1/epcs/{epc}/provenance 403': 'a role that may not see the full provenance gets the summary',
  'GET /v1/lots/{lotId}/links/{link}/events 403': 'a role that may not see the full provenance gets no events, as in its summary',
  'GET /v1/stream 503': 'the stream is opened lazily: with the ledger down it answers 200 and an `error` event',
  'POST /v1/events 503': 'only the outbox failing to write its disk (QueueStorageError); with the ledger down events, corrections too, are queued (202)',
  'GET /v1/organisations 403': 'every role may list organisations',
  'GET /v1/organisations/{mspId} 403': 'every role may read an organisation',
  'GET /v1/facilities 403': 'every role may list facilities',
  'GET /v1/facilities/{gln} 403': 'every role may read a facility',
  'PUT /v1/screening/lists/{name} 503': 'screening lists are the gateway’s own data: no ledger call',
  'GET /v1/screening/lists 503': 'screening lists are the gateway’s own data: no ledger call',
  'GET /v1/screening/lists/{name} 503': 'screening lists are the gateway’s own data: no ledger call',
  'GET /v1/screening/lists 400': 'the route takes no input to refuse',
  'GET /v1/lots/{lotId}/proof 422': 'the lot’s events must lie more than MAX_PROOF_BLOCK_SPAN (20 000) blocks apart: far more blocks than this suite commits',
  'GET /v1/events/{eventId}/proof 422': 'one event lies in one block, so its bundle always spans a single block',
  'POST /epcis/events 202': 'a commit slower than ACETRACE_WAIT_COMMIT_TIMEOUT_MS (30 s here); with the ledger down the EPC lookup answers 503 first',
};

/** An EPCIS event of the fixture lot (found by its EPC) on link 4, which a supplier posts. */
const epcisEvent = (epc: string, time: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'ObjectEvent',
  action: 'OBSERVE',
  eventTime: time,
  eventTimeZoneOffset: '+00:00',
  epcList: [epc],
  bizStep: 'inspecting',
  ...over,
});
const epcisDoc = (events: unknown[]): Record<string, unknown> => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { acetrace: 'https://ns.acetrace.dev/epcis/' }],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-10-01T00:00:00Z',
  epcisBody: { eventList: events },
});

const DOC_ID = 'https://acetrace.invalid/openapi.json';
/** A screening list as CSV. */
const LIST_CSV = 'name,aliases,country,address\nAcme Trading Ltd,Acme,CN,Kashgar\n';
const pointer = (...parts: string[]): string => `#/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/** The fetch request of a call: its headers, API key and body (JSON unless it is a string). */
function requestOf(method: Method, call: Call): RequestInit {
  const headers: Record<string, string> = { ...call.headers };
  if (call.key !== undefined) headers['x-api-key'] = call.key;
  let body: string | undefined;
  if (call.body !== undefined) {
    headers['content-type'] = call.contentType ?? 'application/json';
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  }
  return { method: method.toUpperCase(), headers, body };
}

describe('every response matches the schema the OpenAPI document names for it', function () {
  this.timeout(300_000);
  let s: Stack;
  let doc: OpenApi;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  /** `METHOD template status` of every answer checked. */
  const seen = new Set<string>();

  // the fixture: a lot with one committed event, and a reader for its EPC
  const lotId = uid('LOT-R');
  const epc = freshEpc();
  const eventId = uid('EVT-R');
  let readersFile: string;

  before(async () => {
    s = await startTarget({
      target: 'embedded',
      env: {
        ACETRACE_BODY_LIMIT: '64kb',
        ACETRACE_READINGS_BODY_LIMIT: '64kb',
        ACETRACE_SCREENING_BODY_LIMIT: '64kb',
        // low enough to exhaust for one principal, high enough for the others in this suite
        ACETRACE_RATE_LIMIT_MAX: '300',
        ACETRACE_RATE_LIMIT_WINDOW_MS: '600000',
        // the ledger-down answers come fast
        ACETRACE_RETRY_MAX_ATTEMPTS: '2',
        ACETRACE_RETRY_MAX_ELAPSED_MS: '1000',
      },
    });
    await seedLotWithEvent(s, lotId, epc, eventId);
    readersFile = path.join(s.dir, 'gateway', 'readers.json');
    fs.writeFileSync(readersFile, JSON.stringify([{ readerId: 'resp-dock-1', link: 'origin-warehousing' }]));
    const res = await fetch(`${s.gateway.url}/openapi.json`);
    doc = (await res.json()) as OpenApi;
    ajv.addSchema({ ...structuredClone(doc), $id: DOC_ID });
  });
  after(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await s?.stop();
  });

  /** The documented media type of an answer; fails when the route, the status or the media type is not in the document. */
  function documented(method: Method, template: string, status: number, type: string): MediaType {
    const where = `${method.toUpperCase()} ${template}`;
    const op = doc.paths[template]?.[method];
    expect(op, `${where} is in the document`).to.not.equal(undefined);
    const response = op?.responses[String(status)];
    expect(response, `${where} documents status ${String(status)}`).to.not.equal(undefined);
    const media = response?.content?.[type];
    expect(media, `${where} ${String(status)} documents ${type} (it has ${Object.keys(response?.content ?? {}).join(', ') || 'none'})`).to.not.equal(undefined);
    return media as MediaType;
  }

  /** The compiled validator of a schema at a JSON pointer into the served document. */
  function validatorAt(...parts: string[]): ValidateFunction {
    const ref = DOC_ID + pointer(...parts);
    const validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`the document has no schema at ${ref}`);
    return validate;
  }

  function validate(what: string, body: unknown, ...parts: string[]): void {
    const check = validatorAt(...parts);
    const ok = check(body);
    const errors = (check.errors ?? []).map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    expect(ok, `${what}:\n  ${errors.join('\n  ')}\n  body: ${JSON.stringify(body).slice(0, 600)}`).to.equal(true);
  }

  /** Sends a request to a route of the document, requires `status`, and validates the answer's body against the document. */
  async function hit(method: Method, template: string, status: number, call: Call = {}): Promise<Answer> {
    const url = `${s.gateway.url}${template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.params?.[name] ?? ''))}${call.query ?? ''}`;
    const res = await fetch(url, requestOf(method, call));
    const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const text = await res.text();
    const parsed: unknown = type.endsWith('json') ? JSON.parse(text) : text;
    const where = `${method.toUpperCase()} ${template}`;
    expect(res.status, `${where}: ${text.slice(0, 300)}`).to.equal(status);
    documented(method, template, res.status, type);
    validate(`${where} ${String(res.status)} ${type}`, parsed, 'paths', template, method, 'responses', String(res.status), 'content', type, 'schema');
    seen.add(`${method.toUpperCase()} ${template} ${String(res.status)}`);
    return { status: res.status, type, body: parsed };
  }

  /** Validates the data of each server-sent event against the schema the document names for its event name. */
  function validateSse(events: SseEvent[]): void {
    const bySse = documented('get', '/v1/stream', 200, 'text/event-stream')['x-sse-events'] ?? {};
    for (const ev of events) {
      const name = ev.event ?? '';
      expect(bySse, `SSE event ${name || '(none)'} is documented`).to.have.property(name);
      validate(`SSE ${name}`, JSON.parse(ev.data), 'paths', '/v1/stream', 'get', 'responses', '200', 'content', 'text/event-stream', 'x-sse-events', name);
    }
    seen.add('GET /v1/stream 200');
  }

  it('public routes: /healthz, /readyz, /openapi.json, /metrics', async () => {
    await hit('get', '/healthz', 200);
    await hit('get', '/readyz', 200);
    await hit('get', '/openapi.json', 200);
    const metrics = await hit('get', '/metrics', 200, { key: s.key('admin') });
    expect(metrics.type).to.equal('text/plain');
    await hit('get', '/metrics', 401);
    await hit('get', '/metrics', 403, { key: s.key('viewer') });
  });

  it('/v1/lots: register, repeat, list, read, history, provenance by lot and by EPC', async () => {
    const supplier = s.key('supplier');
    const auditor = s.key('auditor');
    const viewer = s.key('viewer');
    const other = uid('LOT-R2');
    const input = lotInput(other);
    const created = await hit('post', '/v1/lots', 201, { key: supplier, body: input });
    expect((created.body as { created: boolean }).created).to.equal(true);
    await hit('post', '/v1/lots', 200, { key: supplier, body: input });
    await hit('post', '/v1/lots', 409, { key: supplier, body: { ...input, product: 'something else' } });
    await hit('post', '/v1/lots', 404, { key: supplier, body: lotInput(uid('LOT-R3'), { parentLotId: uid('NO-SUCH-LOT') }) });
    await hit('post', '/v1/lots', 400, { key: supplier, body: { lotId: 'x' } });
    await hit('post', '/v1/lots', 403, { key: viewer, body: lotInput(uid('LOT-R4')) });
    await hit('post', '/v1/lots', 413, { key: supplier, body: { ...lotInput(uid('LOT-R5')), product: 'x'.repeat(100_000) } });
    await hit('post', '/v1/lots', 415, { key: supplier, body: 'lotId=1', contentType: 'text/plain' });

    const page = await hit('get', '/v1/lots', 200, { key: viewer, query: '?pageSize=2' });
    expect((page.body as { lots: unknown[] }).lots).to.have.length.within(1, 2);
    await hit('get', '/v1/lots', 400, { key: viewer, query: '?pageSize=abc' });

    await hit('get', '/v1/lots/{lotId}', 200, { key: viewer, params: { lotId } });
    await hit('get', '/v1/lots/{lotId}', 404, { key: viewer, params: { lotId: uid('NO-SUCH-LOT') } });
    await hit('get', '/v1/lots/{lotId}', 400, { key: viewer, params: { lotId: 'not an id' } });

    const history = await hit('get', '/v1/lots/{lotId}/history', 200, { key: auditor, params: { lotId } });
    expect((history.body as { history: unknown[] }).history).to.have.length(1);
    await hit('get', '/v1/lots/{lotId}/history', 403, { key: viewer, params: { lotId } });
    await hit('get', '/v1/lots/{lotId}/history', 404, { key: auditor, params: { lotId: uid('NO-SUCH-LOT') } });
    await hit('get', '/v1/lots/{lotId}/history', 400, { key: auditor, params: { lotId: 'not an id' } });

    const full = await hit('get', '/v1/lots/{lotId}/provenance', 200, { key: auditor, params: { lotId } });
    expect((full.body as { detail: string }).detail).to.equal('full');
    const summary = await hit('get', '/v1/lots/{lotId}/provenance', 200, { key: viewer, params: { lotId } });
    expect((summary.body as { detail: string }).detail).to.equal('summary');
    await hit('get', '/v1/lots/{lotId}/provenance', 404, { key: auditor, params: { lotId: uid('NO-SUCH-LOT') } });
    const summaryView = await hit('get', '/v1/lots/{lotId}/provenance', 200, { key: auditor, params: { lotId }, query: '?view=summary' });
    expect((summaryView.body as { view: string }).view).to.equal('summary');
    const linkPage = await hit('get', '/v1/lots/{lotId}/links/{link}/events', 200, { key: auditor, params: { lotId, link: '1' }, query: '?pageSize=1' });
    expect((linkPage.body as { link: number; events: unknown[] }).link).to.equal(1);
    await hit('get', '/v1/lots/{lotId}/links/{link}/events', 404, { key: auditor, params: { lotId: uid('NO-SUCH-LOT'), link: '1' } });
    await hit('get', '/v1/lots/{lotId}/links/{link}/events', 400, { key: auditor, params: { lotId, link: '13' } });

    // private data: a lot with private fields, purged by its owner's compliance
    const withPrivate = uid('LOT-PV');
    await hit('post', '/v1/lots', 201, { key: supplier, body: lotInput(withPrivate, { private: { contractRef: 'K-1', unitPrice: 2 } }) });
    const purged = await hit('delete', '/v1/lots/{lotId}/private', 200, { key: s.key('compliance'), params: { lotId: withPrivate } });
    expect(purged.body).to.include({ records: 1, alreadyPurged: false });
    await hit('delete', '/v1/lots/{lotId}/private', 403, { key: supplier, params: { lotId: withPrivate } });
    await hit('delete', '/v1/lots/{lotId}/private', 404, { key: s.key('compliance'), params: { lotId: uid('NO-SUCH-LOT') } });
    await hit('delete', '/v1/lots/{lotId}/private', 400, { key: s.key('compliance'), params: { lotId: 'not an id' } });
    await hit('get', '/v1/lots/{lotId}/provenance', 400, { key: auditor, params: { lotId: 'not an id' } });

    await hit('get', '/v1/epcs/{epc}/provenance', 200, { key: auditor, params: { epc } });
    await hit('get', '/v1/epcs/{epc}/provenance', 404, { key: auditor, params: { epc: freshEpc() } });
    await hit('get', '/v1/epcs/{epc}/provenance', 400, { key: auditor, params: { epc: 'no spaces allowed' } });
  });

  it('/v1/events: queue, commit, correct, refuse; read from the outbox and from the ledger', async () => {
    const supplier = s.key('supplier');
    const event = (id: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
      eventId: id,
      lotId,
      link: 2,
      kind: 'document',
      eventTime: '2026-10-02T08:00:00Z',
      evidence: [{ sha256: 'a'.repeat(64), uri: 'https://docs.example/po-1.pdf', type: 'po' }],
      ...over,
    });
    const queuedId = uid('EVT-Q');
    await hit('post', '/v1/events', 202, { key: supplier, body: event(queuedId) });
    await hit('post', '/v1/events', 409, { key: supplier, body: event(queuedId, { eventTime: '2026-10-03T08:00:00Z' }) });
    const committed = await hit('post', '/v1/events', 201, {
      key: supplier,
      query: '?wait=commit',
      body: { events: [event(uid('EVT-C'), { link: 3, location: { lat: 22.5, lon: 114.1, gln: '0614141000012' } })] },
    });
    expect((committed.body as { accepted: Array<{ status: string }> }).accepted[0]?.status).to.equal('committed');
    // refused before anything is stored (a 202 is an honest promise): the synchronous refusal's body, no `accepted`
    const refused = await hit('post', '/v1/events', 404, { key: supplier, query: '?wait=commit', body: event(uid('EVT-N'), { lotId: uid('NO-SUCH-LOT') }) });
    expect((refused.body as { code: string }).code).to.equal('NOT_FOUND');
    expect(refused.body).to.not.have.property('accepted');
    await hit('post', '/v1/events', 400, { key: supplier, body: event(uid('EVT-B'), { link: 13 }) });
    await hit('post', '/v1/events', 403, { key: s.key('viewer'), body: event(uid('EVT-V')) });
    await hit('post', '/v1/events', 413, { key: supplier, body: event(uid('EVT-L'), { reason: 'x'.repeat(100_000) }) });
    await hit('post', '/v1/events', 415, { key: supplier, body: 'eventId=1', contentType: 'text/plain' });

    // a correction goes through the outbox like every other write: 201 once committed with wait=commit
    const correctionId = uid('EVT-FIX');
    await hit('post', '/v1/events', 201, {
      key: s.key('compliance'),
      query: '?wait=commit',
      body: event(correctionId, { link: 1, correctionOf: eventId, reason: 'wrong document attached' }),
    });
    const fromOutbox = await hit('get', '/v1/events/{eventId}', 200, { key: supplier, params: { eventId: queuedId } });
    expect(fromOutbox.body).to.have.property('queuedAt');
    const fromLedger = await hit('get', '/v1/events/{eventId}', 200, { key: s.key('auditor'), params: { eventId: correctionId } });
    expect((fromLedger.body as { event: { correctionOf: string } }).event.correctionOf).to.equal(eventId);
    await hit('get', '/v1/events/{eventId}', 404, { key: s.key('auditor'), params: { eventId: uid('NO-SUCH-EVENT') } });
    await hit('get', '/v1/events/{eventId}', 400, { key: s.key('auditor'), params: { eventId: 'not an id' } });
    // the corrected event now carries correctedBy in the provenance
    await hit('get', '/v1/lots/{lotId}/provenance', 200, { key: s.key('auditor'), params: { lotId } });
  });

  it('/v1/lots/{lotId}/proof and /v1/events/{eventId}/proof: bundle, verifier report, refusals', async () => {
    const auditor = s.key('auditor');
    const bundle = await hit('get', '/v1/lots/{lotId}/proof', 200, { key: auditor, params: { lotId } });
    expect((bundle.body as { events: Array<{ eventId: string }> }).events.map((e) => e.eventId)).to.include(eventId);
    const report = await hit('get', '/v1/lots/{lotId}/proof', 200, { key: auditor, params: { lotId }, query: '?verify=true' });
    expect((report.body as { ok: boolean }).ok).to.equal(true);
    await hit('get', '/v1/lots/{lotId}/proof', 400, { key: auditor, params: { lotId }, query: '?verify=yes' });
    await hit('get', '/v1/lots/{lotId}/proof', 403, { key: s.key('viewer'), params: { lotId } });
    await hit('get', '/v1/lots/{lotId}/proof', 404, { key: auditor, params: { lotId: uid('NO-SUCH-LOT') } });

    const one = await hit('get', '/v1/events/{eventId}/proof', 200, { key: auditor, params: { eventId } });
    expect((one.body as { events: Array<{ eventId: string }> }).events.map((e) => e.eventId)).to.deep.equal([eventId]);
    await hit('get', '/v1/events/{eventId}/proof', 200, { key: auditor, params: { eventId }, query: '?verify=true' });
    await hit('get', '/v1/events/{eventId}/proof', 400, { key: auditor, params: { eventId: 'not an id' } });
    await hit('get', '/v1/events/{eventId}/proof', 403, { key: s.key('logistics', s.orgs.logistics), params: { eventId } });
    await hit('get', '/v1/events/{eventId}/proof', 404, { key: auditor, params: { eventId: uid('NO-SUCH-EVENT') } });
  });

  it('/v1/readings: reads become events; refusals', async () => {
    const logistics = s.key('logistics');
    const read = { readerId: 'resp-dock-1', antenna: 1, epc, rssi: -50, readTime: '2026-10-03T08:00:00+08:00' };
    const out = await hit('post', '/v1/readings', 202, {
      key: logistics,
      body: { reads: [read, read, { ...read, readerId: 'ghost' }, { ...read, epc: freshEpc() }, { ...read, epc: 'urn:epc:id:sgtin:bad' }] },
    });
    expect(out.body).to.deep.include({ suppressed: 1, unknownReaders: ['ghost'] });
    expect((out.body as { accepted: unknown[] }).accepted).to.have.length(1);
    await hit('post', '/v1/readings', 400, { key: logistics, body: { reads: [] } });
    await hit('post', '/v1/readings', 403, { key: s.key('viewer'), body: { reads: [read] } });
    await hit('post', '/v1/readings', 413, { key: logistics, body: { reads: Array.from({ length: 1000 }, () => read) } });
    await hit('post', '/v1/readings', 415, { key: logistics, body: 'reads=1', contentType: 'text/plain' });

    // an unusable reader table: 503 naming the file, until it is fixed
    const good = fs.readFileSync(readersFile, 'utf8');
    fs.writeFileSync(readersFile, '[{ "readerId": ');
    const broken = await hit('post', '/v1/readings', 503, { key: logistics, body: { reads: [read] } });
    expect(broken.body).to.include({ code: 'READER_TABLE_INVALID', file: readersFile });
    fs.writeFileSync(readersFile, good);
    await hit('post', '/v1/readings', 202, { key: logistics, body: { reads: [read] } });
  });

  it('/v1/organisations, /v1/facilities, /v1/devices: register, repeat, refuse, read, list', async () => {
    const admin = s.key('admin');
    const otherAdmin = s.key('admin', s.orgs.logistics);
    const viewer = s.key('viewer');
    const own = s.orgs.supplier;
    const profile = { legalName: 'Shenzhen Plug Works Co., Ltd.', country: 'CN', address: 'Bao’an, Shenzhen', roles: ['manufacturer'] };
    const put = await hit('put', '/v1/organisations/{mspId}', 201, { key: admin, params: { mspId: own }, body: profile });
    expect((put.body as { organisation: { legalName: string } }).organisation.legalName).to.equal(profile.legalName);
    await hit('put', '/v1/organisations/{mspId}', 200, { key: admin, params: { mspId: own }, body: profile });
    await hit('put', '/v1/organisations/{mspId}', 403, { key: otherAdmin, params: { mspId: own }, body: profile });
    await hit('put', '/v1/organisations/{mspId}', 403, { key: s.key('supplier'), params: { mspId: own }, body: profile });
    await hit('put', '/v1/organisations/{mspId}', 400, { key: admin, params: { mspId: own }, body: { ...profile, roles: ['farmer'] } });
    await hit('put', '/v1/organisations/{mspId}', 413, { key: admin, params: { mspId: own }, body: { ...profile, address: 'x'.repeat(100_000) } });
    await hit('put', '/v1/organisations/{mspId}', 415, { key: admin, params: { mspId: own }, body: 'legalName=x', contentType: 'text/plain' });
    const list = await hit('get', '/v1/organisations', 200, { key: viewer });
    expect((list.body as { organisations: Array<{ mspId: string }> }).organisations.map((o) => o.mspId)).to.include(own);
    await hit('get', '/v1/organisations', 400, { key: viewer, query: '?mspid=Org1MSP' });
    await hit('get', '/v1/organisations/{mspId}', 200, { key: viewer, params: { mspId: own } });
    await hit('get', '/v1/organisations/{mspId}', 404, { key: viewer, params: { mspId: 'NoSuchMSP' } });
    await hit('get', '/v1/organisations/{mspId}', 400, { key: viewer, params: { mspId: 'not an msp' } });

    const gln = freshGln();
    const facility = { gln, name: 'Shenzhen plug factory', address: 'Bao’an', country: 'CN', subdivision: 'CN-GD', lat: 22.55, lon: 113.88, type: 'factory' };
    const created = await hit('post', '/v1/facilities', 201, { key: admin, body: facility });
    expect((created.body as { facility: { mspId: string } }).facility.mspId).to.equal(own);
    await hit('post', '/v1/facilities', 200, { key: admin, body: facility });
    await hit('post', '/v1/facilities', 409, { key: otherAdmin, body: facility });
    await hit('post', '/v1/facilities', 403, { key: s.key('supplier'), body: facility });
    await hit('post', '/v1/facilities', 400, { key: admin, body: { ...facility, gln: '6901234000017' } });
    await hit('post', '/v1/facilities', 413, { key: admin, body: { ...facility, name: 'x'.repeat(100_000) } });
    await hit('post', '/v1/facilities', 415, { key: admin, body: 'gln=1', contentType: 'text/plain' });
    const page = await hit('get', '/v1/facilities', 200, { key: viewer, query: `?mspId=${own}&country=CN` });
    expect((page.body as { facilities: Array<{ gln: string }> }).facilities.map((f) => f.gln)).to.include(gln);
    await hit('get', '/v1/facilities', 400, { key: viewer, query: '?country=XX' });
    await hit('get', '/v1/facilities/{gln}', 200, { key: viewer, params: { gln } });
    await hit('get', '/v1/facilities/{gln}', 404, { key: viewer, params: { gln: freshGln() } });
    await hit('get', '/v1/facilities/{gln}', 400, { key: viewer, params: { gln: '1234' } });

    const device = { deviceId: uid('truck-gps'), link: 7, location: { lat: 22.5, lon: 114.1 } };
    await hit('post', '/v1/devices', 201, { key: admin, body: device });
    await hit('post', '/v1/devices', 200, { key: admin, body: device });
    await hit('post', '/v1/devices', 409, { key: otherAdmin, body: device });
    await hit('post', '/v1/devices', 403, { key: admin, body: { ...device, deviceId: uid('truck-gps'), mspId: s.orgs.logistics } });
    await hit('post', '/v1/devices', 400, { key: admin, body: { ...device, link: 13 } });
    await hit('post', '/v1/devices', 413, { key: admin, body: { ...device, deviceId: 'x'.repeat(100_000) } });
    await hit('post', '/v1/devices', 415, { key: admin, body: 'deviceId=1', contentType: 'text/plain' });

    // a provenance with every trace member filled: inputs two levels deep, a container, a handover, a facility
    const supplier = s.key('supplier');
    const [raw, made, product, box] = [uid('LOT-IN'), uid('LOT-MID'), uid('LOT-OUT'), uid('LOT-BOX')];
    await hit('post', '/v1/lots', 201, { key: supplier, body: lotInput(raw) });
    await hit('post', '/v1/lots', 201, { key: supplier, body: lotInput(made, { inputs: [{ lotId: raw, quantity: 600, unit: 'EA' }] }) });
    await hit('post', '/v1/lots', 201, { key: supplier, body: lotInput(product, { inputs: [{ lotId: made, quantity: 1200, unit: 'EA' }] }) });
    await hit('post', '/v1/lots', 201, { key: supplier, body: lotInput(box) });
    await hit('post', '/v1/events', 201, {
      key: supplier,
      query: '?wait=commit',
      body: {
        events: [
          { eventId: uid('EVT-MADE'), lotId: product, link: 3, kind: 'document', eventTime: '2026-10-01T08:00:00Z', location: { gln } },
          { eventId: uid('EVT-PACK'), lotId: box, link: 5, kind: 'aggregation', eventTime: '2026-10-02T08:00:00Z', action: 'pack', parentLotId: box, childLotIds: [product] },
          { eventId: uid('EVT-HO'), lotId: product, link: 5, kind: 'handover', eventTime: '2026-10-03T08:00:00Z', handoverTo: s.orgs.logistics, handoverToGln: gln },
        ],
      },
    });
    const traced = await hit('get', '/v1/lots/{lotId}/provenance', 200, { key: s.key('auditor'), params: { lotId: product } });
    const body = traced.body as { custody: unknown[]; containment: unknown[]; upstream: Array<{ upstream: unknown[] }>; parties: Array<{ facilities: unknown[] }> };
    expect(body.custody).to.have.length(2);
    expect(body.containment).to.have.length(1);
    expect(body.upstream[0]?.upstream).to.have.length(1);
    expect(body.parties.some((p) => p.facilities.length > 0)).to.equal(true);
  });

  it('/v1/stream: every SSE data is the schema the document names for its event', async () => {
    const media = documented('get', '/v1/stream', 200, 'text/event-stream');
    const bySse = media['x-sse-events'] ?? {};
    expect(Object.keys(bySse)).to.include.members(['LotRegistered', 'EventsRecorded', 'CorrectionRecorded', 'error']);
    const { status, events } = await readSse(
      `${s.gateway.url}/v1/stream?fromBlock=0`,
      { 'x-api-key': s.key('auditor') },
      (got) => ['LotRegistered', 'EventsRecorded', 'CorrectionRecorded'].every((name) => got.some((e) => e.event === name)),
    );
    expect(status).to.equal(200);
    expect(events.length).to.be.greaterThan(2);
    validateSse(events);
    for (const ev of events) {
      const { blockNumber, txId } = JSON.parse(ev.data) as { blockNumber: number; txId: string };
      expect(ev.id).to.equal(`${String(blockNumber)}:${txId}`);
    }
    await hit('get', '/v1/stream', 400, { key: s.key('auditor'), headers: { 'last-event-id': 'not-a-position' } });
    await hit('get', '/v1/stream', 400, { key: s.key('auditor'), query: '?fromBlock=x' });
    await hit('get', '/v1/stream', 403, { key: s.key('viewer') });
  });

  /** Every authenticated operation of the document, with a request that reaches its route. */
  const authenticated = (): Array<[Method, string, Call]> => [
    ['get', '/metrics', {}],
    ['post', '/v1/lots', { body: lotInput(uid('LOT-X')) }],
    ['get', '/v1/lots', {}],
    ['get', '/v1/lots/{lotId}', { params: { lotId } }],
    ['get', '/v1/lots/{lotId}/history', { params: { lotId } }],
    ['get', '/v1/lots/{lotId}/provenance', { params: { lotId } }],
    ['get', '/v1/lots/{lotId}/links/{link}/events', { params: { lotId, link: '1' } }],
    ['delete', '/v1/lots/{lotId}/private', { params: { lotId } }],
    ['get', '/v1/epcs/{epc}/provenance', { params: { epc } }],
    ['post', '/v1/events', { body: { eventId: uid('EVT-X'), lotId, link: 2, kind: 'document', eventTime: '2026-10-02T08:00:00Z' } }],
    ['get', '/v1/events/{eventId}', { params: { eventId } }],
    ['get', '/v1/lots/{lotId}/proof', { params: { lotId } }],
    ['get', '/v1/events/{eventId}/proof', { params: { eventId } }],
    ['post', '/v1/readings', { body: { reads: [{ readerId: 'resp-dock-1', epc, readTime: '2026-10-02T08:00:00Z' }] } }],
    ['get', '/v1/stream', {}],
    ['put', '/v1/organisations/{mspId}', { params: { mspId: 'Org1MSP' }, body: { legalName: 'x', country: 'CN', roles: [] } }],
    ['get', '/v1/organisations', {}],
    ['get', '/v1/organisations/{mspId}', { params: { mspId: 'Org1MSP' } }],
    ['post', '/v1/facilities', { body: { gln: freshGln(), name: 'x', country: 'CN', type: 'farm' } }],
    ['get', '/v1/facilities', {}],
    ['get', '/v1/facilities/{gln}', { params: { gln: freshGln() } }],
    ['post', '/v1/devices', { body: { deviceId: uid('dev') } }],
    ['get', '/v1/lots/{lotId}/dossier', { params: { lotId } }],
    ['put', '/v1/screening/lists/{name}', { params: { name: 'resp-list' }, body: LIST_CSV, contentType: 'text/csv' }],
    ['get', '/v1/screening/lists', {}],
    ['get', '/v1/screening/lists/{name}', { params: { name: 'resp-list' } }],
    ['post', '/epcis/capture', { body: epcisDoc([epcisEvent(epc, '2026-10-06T08:00:00Z')]) }],
    ['get', '/epcis/capture/{captureID}', { params: { captureID: '00000000-0000-4000-8000-000000000000' } }],
    ['post', '/epcis/events', { body: epcisEvent(epc, '2026-10-06T09:00:00Z') }],
    ['get', '/epcis/events', {}],
    ['get', '/epcis/epcs/{epc}/events', { params: { epc } }],
    ['get', '/v1/lots/{lotId}/epcis', { params: { lotId } }],
  ];

  it('/v1/screening/lists and /v1/lots/{lotId}/dossier: upload, list, read, dossier in each format, refusals', async () => {
    const compliance = s.key('compliance');
    const auditor = s.key('auditor');
    const put = (status: number, call: Call): Promise<Answer> => hit('put', '/v1/screening/lists/{name}', status, { params: { name: 'resp-list' }, contentType: 'text/csv', ...call });
    await put(201, { key: compliance, body: LIST_CSV });
    await put(200, { key: compliance, body: LIST_CSV });
    await put(400, { key: compliance, body: 'company\nAcme\n' });
    await put(403, { key: s.key('supplier'), body: LIST_CSV });
    await put(413, { key: compliance, body: `name\n${'x'.repeat(100_000)}\n` });
    await put(415, { key: compliance, body: { name: 'x' }, contentType: 'application/json' });
    await hit('get', '/v1/screening/lists', 200, { key: auditor });
    await hit('get', '/v1/screening/lists', 403, { key: s.key('viewer') });
    await hit('get', '/v1/screening/lists/{name}', 200, { key: auditor, params: { name: 'resp-list' } });
    await hit('get', '/v1/screening/lists/{name}', 404, { key: auditor, params: { name: 'no-such-list' } });
    await hit('get', '/v1/screening/lists/{name}', 400, { key: auditor, params: { name: 'not a name' } });
    await hit('get', '/v1/screening/lists/{name}', 403, { key: s.key('viewer'), params: { name: 'resp-list' } });
    const json = await hit('get', '/v1/lots/{lotId}/dossier', 200, { key: auditor, params: { lotId }, query: '?format=json' });
    expect((json.body as { lot: { lotId: string } }).lot.lotId).to.equal(lotId);
    expect((await hit('get', '/v1/lots/{lotId}/dossier', 200, { key: auditor, params: { lotId } })).type).to.equal('application/pdf');
    expect((await hit('get', '/v1/lots/{lotId}/dossier', 200, { key: auditor, params: { lotId }, query: '?format=zip' })).type).to.equal('application/zip');
    await hit('get', '/v1/lots/{lotId}/dossier', 400, { key: auditor, params: { lotId }, query: '?format=docx' });
    await hit('get', '/v1/lots/{lotId}/dossier', 403, { key: s.key('viewer'), params: { lotId } });
    await hit('get', '/v1/lots/{lotId}/dossier', 404, { key: auditor, params: { lotId: uid('NO-SUCH-LOT') } });
  });

  it('/epcis: capture, capture job, one event, query, events of an EPC, a lot as EPCIS', async () => {
    const supplier = s.key('supplier');
    const auditor = s.key('auditor');
    const viewer = s.key('viewer');
    const captured = await hit('post', '/epcis/capture', 202, { key: supplier, body: epcisDoc([epcisEvent(epc, '2026-10-05T08:00:00Z')]) });
    const captureID = (captured.body as { captureID: string }).captureID;
    await hit('post', '/epcis/capture', 400, { key: supplier, body: { type: 'EPCISDocument', epcisBody: {} } });
    await hit('post', '/epcis/capture', 403, { key: viewer, body: epcisDoc([]) });
    await hit('post', '/epcis/capture', 413, { key: supplier, body: epcisDoc([{ ...epcisEvent(epc, '2026-10-05T08:00:00Z'), pad: 'x'.repeat(4_300_000) }]) });
    await hit('post', '/epcis/capture', 415, { key: supplier, body: 'type=EPCISDocument', contentType: 'text/plain' });

    await hit('get', '/epcis/capture/{captureID}', 200, { key: supplier, params: { captureID } });
    await hit('get', '/epcis/capture/{captureID}', 400, { key: supplier, params: { captureID: 'not an id' } });
    await hit('get', '/epcis/capture/{captureID}', 403, { key: s.key('supplier', s.orgs.logistics), params: { captureID } });
    await hit('get', '/epcis/capture/{captureID}', 404, { key: supplier, params: { captureID: '00000000-0000-4000-8000-000000000000' } });

    const own = uid('EVT-EPCIS');
    await hit('post', '/epcis/events', 201, { key: supplier, body: epcisEvent(epc, '2026-10-05T09:00:00Z', { 'acetrace:eventId': own }) });
    await hit('post', '/epcis/events', 409, { key: supplier, body: epcisEvent(epc, '2026-10-05T10:00:00Z', { 'acetrace:eventId': own }) });
    await hit('post', '/epcis/events', 400, { key: supplier, body: epcisEvent(epc, '2026-10-05T09:00:00Z', { disposition: 'in_progress' }) });
    await hit('post', '/epcis/events', 403, { key: viewer, body: epcisEvent(epc, '2026-10-05T09:00:00Z') });
    await hit('post', '/epcis/events', 404, { key: supplier, body: epcisEvent(epc, '2026-10-05T11:00:00Z', { epcList: [], 'acetrace:lotId': uid('NO-SUCH-LOT') }) });
    await hit('post', '/epcis/events', 413, { key: supplier, body: { ...epcisEvent(epc, '2026-10-05T09:00:00Z'), pad: 'x'.repeat(4_300_000) } });
    await hit('post', '/epcis/events', 415, { key: supplier, body: 'type=ObjectEvent', contentType: 'text/plain' });

    await hit('get', '/epcis/events', 200, { key: auditor, query: `?MATCH_epc=${encodeURIComponent(epc)}` });
    await hit('get', '/epcis/events', 400, { key: auditor, query: '?EQ_disposition=in_progress' });
    await hit('get', '/epcis/epcs/{epc}/events', 200, { key: auditor, params: { epc } });
    await hit('get', '/epcis/epcs/{epc}/events', 400, { key: auditor, params: { epc }, query: '?perPage=0' });
    await hit('get', '/v1/lots/{lotId}/epcis', 200, { key: auditor, params: { lotId } });
    await hit('get', '/v1/lots/{lotId}/epcis', 400, { key: auditor, params: { lotId: 'not an id' } });
    await hit('get', '/v1/lots/{lotId}/epcis', 404, { key: auditor, params: { lotId: uid('NO-SUCH-LOT') } });
  });

  it('401 without credentials and 429 over the rate limit, on every authenticated route', async () => {
    const ops = authenticated();
    const documentedOps = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.responses['401'] !== undefined)
        .map(([method]) => `${method} ${template}`),
    );
    expect(ops.map(([m, t]) => `${m} ${t}`)).to.have.members(documentedOps);
    for (const [method, template, call] of ops) await hit(method, template, 401, call);

    // one principal spends its budget on cheap refusals (400 before any ledger call), then every route answers 429
    const spender = s.key('admin', s.orgs.logistics);
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`${s.gateway.url}/v1/lots/not%20an%20id`, { headers: { 'x-api-key': spender } });
      await res.arrayBuffer();
      if (res.status === 429) break;
    }
    for (const [method, template, call] of ops) await hit(method, template, 429, { ...call, key: spender });
  });

  it('503 while the ledger is down; a pending event is only its poster’s', async () => {
    await s.network?.stop();
    await hit('get', '/readyz', 503);
    const pending = uid('EVT-P');
    await hit('post', '/v1/events', 202, {
      key: s.key('supplier'),
      body: { eventId: pending, lotId, link: 2, kind: 'document', eventTime: '2026-10-02T09:00:00Z' },
    });
    await hit('get', '/v1/events/{eventId}', 403, { key: s.key('supplier', s.orgs.logistics), params: { eventId: pending } });
    const auditor = s.key('auditor');
    await hit('post', '/v1/lots', 503, { key: s.key('supplier'), body: lotInput(uid('LOT-D')) });
    await hit('get', '/v1/lots', 503, { key: auditor });
    await hit('get', '/v1/lots/{lotId}', 503, { key: auditor, params: { lotId } });
    await hit('get', '/v1/lots/{lotId}/history', 503, { key: auditor, params: { lotId } });
    await hit('get', '/v1/lots/{lotId}/provenance', 503, { key: auditor, params: { lotId } });
    await hit('get', '/v1/lots/{lotId}/links/{link}/events', 503, { key: auditor, params: { lotId, link: '1' } });
    await hit('delete', '/v1/lots/{lotId}/private', 503, { key: s.key('compliance'), params: { lotId } });
    await hit('get', '/v1/epcs/{epc}/provenance', 503, { key: auditor, params: { epc } });
    await hit('get', '/v1/events/{eventId}', 503, { key: auditor, params: { eventId: uid('NO-SUCH-EVENT') } });
    // a correction is queued like any event while the ledger is down (its original cannot be looked up: the chaincode judges it at commit)
    await hit('post', '/v1/events', 202, {
      key: s.key('compliance'),
      body: { eventId: uid('EVT-FIX'), lotId, link: 1, kind: 'document', eventTime: '2026-10-01T09:00:00Z', correctionOf: eventId, reason: 'again' },
    });
    await hit('post', '/epcis/capture', 503, { key: s.key('supplier'), body: epcisDoc([epcisEvent(freshEpc(), '2026-10-06T10:00:00Z')]) });
    await hit('post', '/epcis/events', 503, { key: s.key('supplier'), body: epcisEvent(freshEpc(), '2026-10-06T10:00:00Z') });
    await hit('get', '/epcis/events', 503, { key: auditor });
    await hit('get', '/epcis/epcs/{epc}/events', 503, { key: auditor, params: { epc } });
    await hit('get', '/v1/lots/{lotId}/epcis', 503, { key: auditor, params: { lotId } });
    await hit('post', '/v1/readings', 503, {
      key: s.key('logistics'),
      body: { reads: [{ readerId: 'resp-dock-1', epc: freshEpc(), readTime: '2026-10-04T08:00:00Z' }] },
    });
    const admin = s.key('admin');
    await hit('put', '/v1/organisations/{mspId}', 503, { key: admin, params: { mspId: s.orgs.supplier }, body: { legalName: 'x', country: 'CN', roles: [] } });
    await hit('get', '/v1/organisations', 503, { key: auditor });
    await hit('get', '/v1/organisations/{mspId}', 503, { key: auditor, params: { mspId: s.orgs.supplier } });
    await hit('post', '/v1/facilities', 503, { key: admin, body: { gln: freshGln(), name: 'x', country: 'CN', type: 'farm' } });
    await hit('get', '/v1/facilities', 503, { key: auditor });
    await hit('get', '/v1/facilities/{gln}', 503, { key: auditor, params: { gln: freshGln() } });
    await hit('post', '/v1/devices', 503, { key: admin, body: { deviceId: uid('dev') } });
    await hit('get', '/v1/lots/{lotId}/dossier', 503, { key: auditor, params: { lotId } });
    await hit('get', '/v1/lots/{lotId}/proof', 503, { key: auditor, params: { lotId } });
    await hit('get', '/v1/events/{eventId}/proof', 503, { key: auditor, params: { eventId } });
    // the stream opens (200) and then ends with an `error` event
    const { status, events } = await readSse(`${s.gateway.url}/v1/stream`, { 'x-api-key': auditor }, (got) => got.some((e) => e.event === 'error'));
    expect(status).to.equal(200);
    expect(events.map((e) => e.event)).to.deep.equal(['error']);
    validateSse(events);
  });

  // last of the requests: once the address budget is spent, every request from this address is refused
  it('429 for unauthenticated requests over the per-address limit, /readyz included', async () => {
    for (let i = 0; i < 1000; i++) {
      const res = await fetch(`${s.gateway.url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 429) break;
    }
    await hit('get', '/readyz', 429);
  });

  it('reached every status the document promises, but those no request can provoke', () => {
    const missing: string[] = [];
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const status of Object.keys(op.responses)) {
          const key = `${method.toUpperCase()} ${template} ${status}`;
          if (seen.has(key) || UNREACHABLE[key] !== undefined || UNREACHABLE[`* * ${status}`] !== undefined) continue;
          missing.push(key);
        }
      }
    }
    expect(missing, 'documented but never answered').to.deep.equal([]);
    const stale = Object.keys(UNREACHABLE).filter((key) => seen.has(key));
    expect(stale, 'listed unreachable but answered').to.deep.equal([]);
  });
});
