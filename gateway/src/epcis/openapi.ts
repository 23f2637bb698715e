/** The EPCIS routes in the OpenAPI document (called by ../openapi.ts). */
import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { LotIdParams, Problem } from '../schemas';
import {
  CAPTURE_FILE_SIZE_LIMIT,
  CAPTURE_LIMIT,
  CaptureEventEntry,
  CaptureHeaders,
  CaptureIdParams,
  CaptureJobAnswer,
  EpcParams,
  EpcisCaptureBody,
  EpcisDocumentAnswer,
  EpcisEventsQuery,
  EpcisPageQuery,
  EpcisQueryDocumentAnswer,
  EpcisSingleEventBody,
} from './schemas';

type Response = ResponseConfig;

const problem = (description: string): Response => ({ description, content: { 'application/problem+json': { schema: Problem } } });
const json = (schema: z.ZodType, description: string, mediaType = 'application/json'): Response => ({ description, content: { [mediaType]: { schema } } });
const ld = (schema: z.ZodType, description: string): Response => json(schema, description, 'application/ld+json');

const limits: NonNullable<ResponseConfig['headers']> = {
  'GS1-EPCIS-Capture-Limit': { description: 'most events of one capture', schema: { type: 'integer', example: CAPTURE_LIMIT } },
  'GS1-EPCIS-Capture-File-Size-Limit': { description: 'largest capture body, bytes', schema: { type: 'integer', example: CAPTURE_FILE_SIZE_LIMIT } },
};

/** Answers every authenticated EPCIS route can give. */
const auth = {
  401: problem('no or unknown credentials'),
  429: problem('rate limited; see Retry-After'),
};

/** Registers the EPCIS routes with `security` (the gateway's API key and bearer schemes). */
export function registerEpcisPaths(registry: OpenAPIRegistry, security: Array<Record<string, string[]>>): void {
  const body = (schema: z.ZodType): { required: true; content: Record<string, { schema: z.ZodType }> } => ({
    required: true,
    content: { 'application/json': { schema }, 'application/ld+json': { schema } },
  });
  registry.registerPath({
    method: 'post',
    path: '/epcis/capture',
    summary: 'capture an EPCIS 2.0 document (asynchronous; supplier, logistics, broker, compliance)',
    description:
      'Every event is mapped to acetrace (lossless, or refused naming the JSON path of the unsupported part) and checked as POST /v1/events ' +
      'checks; events then go to the durable outbox, lot registrations (ADD with ilmd, TransformationEvent) to RegisterLot, corrections ' +
      '(errorDeclaration / acetrace:correctionOf) to RecordCorrection. 202 with `Location: /epcis/capture/{captureID}`. A re-captured event ' +
      'is the same record (its eventID or CBV 2.0 hash is its id), never a second one.',
    tags: ['EPCIS'],
    security,
    request: { headers: CaptureHeaders, body: body(EpcisCaptureBody) },
    responses: {
      202: { ...json(CaptureJobAnswer, 'accepted; the capture job (Location names it)'), headers: limits },
      400: problem('not an EPCIS document (`errors` names each JSON path), or a bad GS1-Capture-Error-Behaviour'),
      403: problem('a role that never writes'),
      413: problem('body over GS1-EPCIS-Capture-File-Size-Limit'),
      415: problem('not JSON / JSON-LD'),
      ...auth,
      503: problem('ledger unreachable while resolving EPCs to lots, or the outbox unavailable'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/epcis/capture/{captureID}',
    summary: 'a capture job: running / success, each event and why any was refused (its captor, auditor)',
    tags: ['EPCIS'],
    security,
    request: { params: CaptureIdParams },
    responses: {
      200: { ...json(CaptureJobAnswer, 'the capture job'), headers: limits },
      400: problem('not a capture id'),
      403: problem('not the captor or an auditor'),
      404: problem('unknown capture id'),
      ...auth,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/epcis/events',
    summary: 'capture one EPCIS event synchronously: 201 once on the ledger',
    tags: ['EPCIS'],
    security,
    request: { body: body(EpcisSingleEventBody) },
    responses: {
      201: json(CaptureEventEntry, 'on the ledger (new, or already there)'),
      202: json(CaptureEventEntry, 'still pending at ACETRACE_WAIT_COMMIT_TIMEOUT_MS; GET /v1/events/{eventId} follows it'),
      400: problem('not an EPCIS event, or acetrace cannot keep a part of it (`errors` names the JSON path)'),
      403: problem('the role may not post it (gateway or chaincode)'),
      404: problem('the chaincode refused it as NOT_FOUND (e.g. an unknown lot)'),
      409: problem('the same event id was recorded with different content'),
      413: problem('body too large'),
      415: problem('not JSON / JSON-LD'),
      ...auth,
      503: problem('ledger unreachable'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/epcis/events',
    summary: 'query events (EPCIS 2.0 SimpleEventQuery subset) as an EPCISQueryDocument, paged',
    description:
      'The ledger indexes events by lot: MATCH_epc / MATCH_anyEPC / MATCH_parentID resolve their lots (GetLotByEpc), EQ_eventID its ' +
      'event\'s lot, otherwise lots are walked in ListLots order (the link index when EQ_bizStep names one link). A page reads at most ' +
      '20 lots, so it may hold fewer than perPage events and still have a next page (`Link: <...>; rel="next"`). Visibility is ' +
      'provenance\'s: a reader entitled only to the summary gets lot registrations, not events. Other parameters are refused (400) by name.',
    tags: ['EPCIS'],
    security,
    request: { query: EpcisEventsQuery },
    responses: {
      200: { ...ld(EpcisQueryDocumentAnswer, 'the events of this page'), headers: { Link: { description: 'the next page, rel="next"', schema: { type: 'string' as const } } } },
      400: problem('a bad or unsupported parameter (`errors` names it)'),
      ...auth,
      503: problem('ledger unreachable'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/epcis/epcs/{epc}/events',
    summary: 'events naming an EPC (any accepted spelling) in any EPC field, paged',
    tags: ['EPCIS'],
    security,
    request: { params: EpcParams, query: EpcisPageQuery },
    responses: {
      200: ld(EpcisQueryDocumentAnswer, 'the events of this page'),
      400: problem('a bad parameter'),
      ...auth,
      503: problem('ledger unreachable'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/lots/{lotId}/epcis',
    summary: "the lot's whole provenance as one EPCISDocument (as provenance: broker own, auditor; others the registration)",
    tags: ['EPCIS'],
    security,
    request: { params: LotIdParams },
    responses: {
      200: ld(EpcisDocumentAnswer, 'registration (ADD or TransformationEvent), every event, containers’ events, corrections'),
      400: problem('not a lot id'),
      404: problem('unknown lot'),
      ...auth,
      503: problem('ledger unreachable'),
    },
  });
}
