/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { registerEpcisPaths } from './epcis/openapi';
import {
  DeviceBody,
  DossierQuery,
  DeviceResponse,
  EpcParams,
  EventIdParams,
  FacilityBody,
  FacilityRecord,
  GetEventResponse,
  GlnParams,
  Health,
  HistoryResponse,
  ListFacilitiesQuery,
  ListFacilitiesResponse,
  ListLotsQuery,
  ListLotsResponse,
  ListOrganisationsQuery,
  ListOrganisationsResponse,
  LotIdParams,
  LotInput,
  LotView,
  MspIdParams,
  OpenApiDocument,
  OrganisationProfileBody,
  OrganisationView,
  PostEventsBody,
  PostEventsQuery,
  PostEventsResponse,
  PostReadingsBody,
  PostReadingsResponse,
  Problem,
  Provenance,
  PutOrganisationResponse,
  Readiness,
  RegisterFacilityResponse,
  RegisterLotResponse,
  ScreeningListParams,
  ScreeningListResponse,
  ScreeningListsResponse,
  ScreeningListVersion,
  STREAM_DATA,
  StreamError,
  StreamEvent,
  StreamQuery,
} from './schemas';
import { ProofBundle, ProofQuery, ProofReport } from './schemas/proof';
import { PurgeResponse } from './schemas/responses/private';
import { LinkEventsPage, LinkEventsParams, LinkEventsQuery, ProvenanceSummary, ProvenanceViewQuery } from './schemas';

type Responses = Record<string, ResponseConfig>;

const problemResponse = (description: string): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** The answers every authenticated /v1 route can give besides its own. */
const common: Responses = {
  400: problemResponse('invalid input; `errors` names each field'),
  401: problemResponse('no or unknown credentials'),
  403: problemResponse('not allowed (gateway or chaincode)'),
  429: problemResponse('rate limited; see Retry-After'),
  500: problemResponse('unexpected fault; the request id names it in the logs'),
  503: problemResponse('ledger unreachable'),
};

/** The answers of a /v1 route that takes a JSON body. */
const withBody: Responses = {
  413: problemResponse('body too large'),
  415: problemResponse('not application/json'),
};

const json = (schema: z.ZodType, description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body of `schema`. */
const jsonBody = (schema: z.ZodType): { body: { required: true; content: Record<string, { schema: z.ZodType }> } } => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

/** An authenticated /v1 route: its own answers only (`registerV1` adds the security and the common answers). */
type V1Route = Omit<RouteConfig, 'security'>;

/** A GET route that answers `ok`, or a 404 for the reason `notFound` names. */
function read(path: string, summary: string, request: RouteConfig['request'], ok: ResponseConfig, notFound?: string): V1Route {
  const responses: Responses = notFound === undefined ? { 200: ok } : { 200: ok, 404: problemResponse(notFound) };
  return { method: 'get', path, summary, ...(request ? { request } : {}), responses };
}

/** A provenance GET (by lot id or by EPC) answering the Provenance, or with `?view=summary` the ProvenanceSummary. */
function provenanceRead(path: string, summary: string, params: NonNullable<RouteConfig['request']>['params'], answered: string, notFound: string, description: string): V1Route {
  const ok = json(z.union([Provenance, ProvenanceSummary]), answered);
  return { ...read(path, summary, { params, query: ProvenanceViewQuery }, ok, notFound), description };
}

/** Registers authenticated /v1 routes, each with `security` and the common answers (a route's own answer wins). */
function registerV1(registry: OpenAPIRegistry, security: Array<Record<string, string[]>>, routes: V1Route[]): void {
  for (const route of routes) registry.registerPath({ ...route, security, responses: { ...common, ...route.responses } });
}

/** The OpenAPI document's `paths` (the part the route-by-route response test reads). */
type Paths = Record<string, Record<string, { responses: Record<string, { content?: Record<string, Record<string, unknown>> }> }>>;

/** The CBP dossier and the screening lists (dossier.md). */
function dossierRoutes(): V1Route[] {
  const listBody = {
    body: {
      required: true,
      content: {
        'text/csv': { schema: z.string().openapi({ description: 'columns name, aliases (separated by ; or |), country, address' }) },
        'application/x-ndjson': { schema: z.string().openapi({ description: 'OpenSanctions entities, one JSON object per line' }) },
      },
    },
  } as const;
  return [
    {
      method: 'get',
      path: '/v1/lots/{lotId}/dossier',
      summary: 'the CBP review dossier of a lot: PDF, ZIP or JSON (auditor; broker or compliance of the owning or importing organisation)',
      request: { params: LotIdParams, query: DossierQuery },
      responses: {
        200: {
          description: 'the dossier: `application/pdf`, `application/zip` (dossier.pdf, provenance.json, exhibits.csv, exhibits.xlsx, manifest.json) or `application/json` (its data)',
          content: {
            'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
            'application/zip': { schema: z.string().openapi({ format: 'binary' }) },
            'application/json': { schema: z.record(z.string(), z.unknown()) },
          },
        },
        404: problemResponse('no such lot'),
        403: problemResponse('the caller sees only the summary of this lot, or its role makes no dossier'),
      },
    },
    {
      method: 'put',
      path: '/v1/screening/lists/{name}',
      summary: 'upload (or replace) an entity list for screening (compliance, admin)',
      request: { params: ScreeningListParams, ...listBody },
      responses: {
        201: json(z.object({ list: ScreeningListVersion }), 'stored: `{ list }` with its SHA-256 and upload time'),
        200: json(z.object({ list: ScreeningListVersion }), 'replaced an earlier list of that name'),
        413: problemResponse('body too large'),
        415: problemResponse('not text/csv or application/x-ndjson'),
      },
    },
    read('/v1/screening/lists', 'the stored entity lists, with SHA-256 and upload time (auditor, broker, compliance, admin)', undefined, json(ScreeningListsResponse, 'by name')),
    read('/v1/screening/lists/{name}', 'one stored entity list and its entities', { params: ScreeningListParams }, json(ScreeningListResponse, 'the list'), 'no such list'),
  ];
}

/** The routes of organisation profiles, facilities and devices (api.md "Parties and facilities"). */
function partyRoutes(): V1Route[] {
  return [
    {
      method: 'put',
      path: '/v1/organisations/{mspId}',
      summary: 'its own organisation profile: legal name, country, address, supply-chain roles (admin of that MSP)',
      request: { params: MspIdParams, ...jsonBody(OrganisationProfileBody) },
      responses: {
        201: json(PutOrganisationResponse, 'first profile of this organisation'),
        200: json(PutOrganisationResponse, 'profile changed, or an identical repeat'),
        ...withBody,
        403: problemResponse('not an admin, or an admin of another organisation (the rule is named)'),
      },
    },
    read('/v1/organisations', 'every organisation with a profile or registered roles (viewer+)', { query: ListOrganisationsQuery }, json(ListOrganisationsResponse, 'by MSP id')),
    read('/v1/organisations/{mspId}', 'an organisation’s profile (viewer+)', { params: MspIdParams }, json(OrganisationView, 'the organisation'), 'no profile or roles registered'),
    {
      method: 'post',
      path: '/v1/facilities',
      summary: 'register a facility of its own organisation (admin)',
      description: 'A GLN belongs to the first organisation that registers it; its operator may update it, nobody else may take it.',
      request: jsonBody(FacilityBody),
      responses: {
        201: json(RegisterFacilityResponse, 'registered'),
        200: json(RegisterFacilityResponse, 'identical repeat, or an update by its operator'),
        409: problemResponse('the GLN is registered to another organisation'),
        ...withBody,
      },
    },
    read('/v1/facilities', 'facilities, filtered by operating organisation and country (viewer+)', { query: ListFacilitiesQuery }, json(ListFacilitiesResponse, 'a page of facilities; bookmark "" = last page')),
    read('/v1/facilities/{gln}', 'a facility by GLN (viewer+)', { params: GlnParams }, json(FacilityRecord, 'the facility'), 'no facility with this GLN'),
    {
      method: 'post',
      path: '/v1/devices',
      summary: 'register a device of its own organisation (admin)',
      request: jsonBody(DeviceBody),
      responses: {
        201: json(DeviceResponse, 'registered'),
        200: json(DeviceResponse, 'identical repeat, or an update by its organisation'),
        409: problemResponse('the device id is registered to another organisation'),
        ...withBody,
        403: problemResponse('not an admin, or naming another organisation (the rule is named)'),
      },
    },
  ];
}

/** The routes of lots, events, readings and proofs (api.md). */
function lotAndEventRoutes(): V1Route[] {
  const proofs = ([
    ['/v1/lots/{lotId}/proof', LotIdParams, 'every event of a lot'],
    ['/v1/events/{eventId}/proof', EventIdParams, 'one event'],
  ] as const).map(([path, params, subject]): V1Route => ({
    method: 'get',
    path,
    summary: `proof bundle (acetrace-proof/1) of ${subject}, for offline verification (same readers as its provenance / event read)`,
    description: 'Blocks, headers, orderer signature, write-set values and channel trust anchors from the ledger (qscc); check with `npx acetrace-verify`.',
    request: { params, query: ProofQuery },
    responses: {
      200: { description: 'the bundle, or with `verify=true` the verifier report', content: { 'application/json': { schema: z.union([ProofBundle, ProofReport]) } } },
      404: problemResponse('unknown lot or event, or a lot without events'),
      422: problemResponse('the events span more blocks than one bundle may carry (`PROOF_TOO_LARGE`)'),
    },
  }));
  return [
    {
      method: 'post',
      path: '/v1/lots',
      summary: 'register a lot (supplier, broker)',
      request: jsonBody(LotInput),
      responses: {
        201: json(RegisterLotResponse, 'registered'),
        200: json(RegisterLotResponse, 'identical repeat'),
        404: problemResponse('unknown parent lot'),
        409: problemResponse('same lot id, different content'),
        ...withBody,
      },
    },
    read('/v1/lots', 'list and filter lots (viewer+)', { query: ListLotsQuery }, json(ListLotsResponse, 'a page of lots; bookmark "" = last page')),
    read('/v1/lots/{lotId}', 'lot record and link coverage (viewer+)', { params: LotIdParams }, json(LotView, 'the lot'), 'unknown lot'),
    read('/v1/lots/{lotId}/history', 'ledger history of the lot (auditor)', { params: LotIdParams }, json(HistoryResponse, 'newest first'), 'unknown lot'),
    {
      method: 'delete',
      path: '/v1/lots/{lotId}/private',
      summary: "purge the lot's private data (compliance of the owner: a consumer's deletion request); hashes and events stay",
      request: { params: LotIdParams },
      responses: {
        200: json(PurgeResponse, 'purged now, or already purged by an earlier request (`alreadyPurged`)'),
        404: problemResponse('unknown lot'),
      },
    },
    provenanceRead(
      '/v1/lots/{lotId}/provenance',
      'provenance of a lot (broker for own lots, auditor)',
      LotIdParams,
      'provenance (Provenance), or with ?view=summary its summary (ProvenanceSummary)',
      'unknown lot',
      '`?view=summary` answers a ProvenanceSummary: each link summarised (counts, organisations, first/last seen, documents, a thinned map track) and no events; anomalies grouped by type, the first of each listed.',
    ),
    read(
      '/v1/lots/{lotId}/links/{link}/events',
      'one link’s provenance events in time order, page by page (same readers and detail as the provenance)',
      { params: LinkEventsParams, query: LinkEventsQuery },
      json(LinkEventsPage, 'a page of events; bookmark "" = last page'),
      'unknown lot',
    ),
    provenanceRead(
      '/v1/epcs/{epc}/provenance',
      'provenance found by an EPC in any accepted spelling',
      EpcParams,
      'provenance, or with ?view=summary its summary',
      'no lot holds this EPC',
      '`?view=summary` answers the ProvenanceSummary of that lot.',
    ),
    {
      method: 'post',
      path: '/v1/events',
      summary: 'post one event or { events: [...] } (supplier, logistics, broker)',
      description: '202 once durably queued; `?wait=commit` answers 201 after the ledger commit (202 if still pending at the timeout).',
      request: { query: PostEventsQuery, ...jsonBody(PostEventsBody) },
      responses: {
        202: json(PostEventsResponse, 'durably queued'),
        201: json(PostEventsResponse, 'committed (wait=commit)'),
        404: problemResponse('wait=commit and the chaincode refused every event as NOT_FOUND (`accepted` lists each)'),
        409: problemResponse('an event id was posted with different content'),
        ...withBody,
      },
    },
    {
      method: 'post',
      path: '/v1/readings',
      summary: 'post raw RFID reads (logistics, supplier, broker, compliance)',
      description:
        'Up to 10,000 reads of registered readers (readers.json). Repeats of an EPC at a reader within the window are suppressed; ' +
        'the rest become rfid events (one per reader, window and lot; ids derived from them, so repeating a request is safe), ' +
        'durably queued like POST /v1/events. Unknown readers and EPCs, readers of another identity and unreadable EPCs are reported.',
      request: jsonBody(PostReadingsBody),
      responses: {
        202: json(PostReadingsResponse, 'the events are durably queued'),
        ...withBody,
        503: problemResponse('ledger unreachable, outbox unavailable, or the reader table unusable (`READER_TABLE_INVALID`: the detail names the file and the problem)'),
      },
    },
    read('/v1/events/{eventId}', 'an event and its status (poster, auditor)', { params: EventIdParams }, json(GetEventResponse, 'the event'), 'unknown event'),
    ...proofs,
    {
      method: 'get',
      path: '/v1/stream',
      summary: 'server-sent events of committed ledger events (auditor, operator)',
      description:
        'Each SSE id is `<blockNumber>:<txId>`; send it back as Last-Event-ID to resume without gaps or repeats. ' +
        'At most ACETRACE_SSE_MAX_PER_PRINCIPAL open streams per principal and ACETRACE_SSE_MAX_TOTAL in all (429 beyond); ' +
        'a reader that takes nothing for ACETRACE_SSE_STALL_TIMEOUT_MS is disconnected.',
      request: {
        query: StreamQuery,
        headers: z.object({ 'last-event-id': z.string().optional() }),
      },
      responses: {
        200: {
          description:
            'server-sent events: `id: <blockNumber>:<txId>`, `event: <chaincode event name>`, `data: <StreamEvent JSON>`; ' +
            '`event: error` with StreamError data when the ledger stream ends. `x-sse-events` names the data schema of each event name.',
          content: { 'text/event-stream': { schema: z.string() } },
        },
        429: problemResponse('rate limited, or the open-stream cap (per principal or in total) reached; see Retry-After'),
      },
    },
  ];
}

/** Builds the OpenAPI 3.1 document. */
export function buildOpenApiDocument(serverUrl?: string): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const apiKey = registry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  const bearer = registry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const security = [{ [apiKey.name]: [] }, { [bearer.name]: [] }];

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'process alive',
    responses: { 200: json(Health, 'alive') },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: '200 only when the ledger answers',
    description: 'One ledger ping answers every probe for ACETRACE_READY_CACHE_MS (default 1 s); a 503 names no ledger error (the reason is logged).',
    responses: {
      200: json(Readiness, 'ledger reachable'),
      429: problemResponse('too many unauthenticated requests from this address; see Retry-After'),
      503: problemResponse('not ready: the ledger does not answer'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (operator)',
    security,
    responses: {
      200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
      401: problemResponse('no or unknown credentials (unless ACETRACE_METRICS_PUBLIC)'),
      403: problemResponse('not an operator (admin, auditor, compliance)'),
      429: problemResponse('rate limited; see Retry-After'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    summary: 'this document',
    responses: { 200: json(OpenApiDocument, 'OpenAPI 3.1 document') },
  });
  registerV1(registry, security, [...lotAndEventRoutes(), ...partyRoutes(), ...dossierRoutes()]);
  registerEpcisPaths(registry, security);

  registry.register('StreamEvent', StreamEvent);
  registry.register('StreamError', StreamError);

  const generator = new OpenApiGeneratorV31(registry.definitions);
  const doc = generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'acetrace gateway',
      version: '1.0.0',
      description: 'Cross-border supply-chain provenance on Hyperledger Fabric: HTTP API (v1).',
    },
    servers: [{ url: serverUrl ?? '/' }],
  });
  // OpenAPI 3.1 has no place for the schema of each SSE's data (3.2's itemSchema): an extension names it.
  const sse = (doc.paths as Paths | undefined)?.['/v1/stream']?.get?.responses['200']?.content?.['text/event-stream'];
  if (sse) {
    sse['x-sse-events'] = Object.fromEntries(
      Object.entries(STREAM_DATA).map(([event, schema]) => [
        event,
        { $ref: `#/components/schemas/${schema === StreamError ? 'StreamError' : 'StreamEvent'}` },
      ]),
    );
  }
  return doc;
}
