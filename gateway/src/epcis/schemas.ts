/**
 * zod schemas of the EPCIS routes: what a captured document must look like before any event is
 * mapped (a malformed document is a 400 naming the JSON path), and the answers.
 *
 * Events are checked only for what every EPCIS 2.0 event has; whether acetrace can keep an event is
 * the mapping's verdict, reported per event in the capture job.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../quiet-chaincode';
import { MAX_BATCH } from '@acetrace/chaincode';
import { Id } from '../schemas/common';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from './query';

extendZodWithOpenApi(z);

/** Largest capture body, bytes (`GS1-EPCIS-Capture-File-Size-Limit`): MAX_BATCH events of ~8 KiB. */
export const CAPTURE_FILE_SIZE_LIMIT = MAX_BATCH * 8 * 1024;
/** Most events of one capture (`GS1-EPCIS-Capture-Limit`): the chaincode's batch limit. */
export const CAPTURE_LIMIT = MAX_BATCH;

const DateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i, 'must be an xsd:dateTimeStamp (date-time with an offset)')
  .openapi({ format: 'date-time' });

/** What every EPCIS 2.0 event has (the JSON schema's `Event`); anything else passes to the mapping. */
export const EpcisEventInput = z
  .looseObject({
    type: z.string().min(1).openapi({ example: 'ObjectEvent' }),
    eventTime: DateTime,
    eventTimeZoneOffset: z.string().regex(/^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$/, 'must be ±hh:mm'),
    eventID: z.string().min(1).optional(),
    action: z.enum(['ADD', 'OBSERVE', 'DELETE']).optional(),
    epcList: z.array(z.string()).optional(),
    childEPCs: z.array(z.string()).optional(),
  })
  .openapi('EpcisEventInput', { description: 'one EPCIS 2.0 event (JSON/JSON-LD binding)' });

const EventList = z.array(EpcisEventInput).max(CAPTURE_LIMIT, `at most ${String(CAPTURE_LIMIT)} events per capture (GS1-EPCIS-Capture-Limit)`);

/** POST /epcis/capture: an EPCISDocument, or an EPCISQueryDocument (whose results are captured). */
export const EpcisCaptureBody = z
  .union([
    z.looseObject({
      '@context': z.unknown(),
      type: z.literal('EPCISDocument'),
      schemaVersion: z.string().optional(),
      creationDate: DateTime.optional(),
      epcisBody: z.looseObject({ eventList: EventList }),
    }),
    z.looseObject({
      '@context': z.unknown(),
      type: z.literal('EPCISQueryDocument'),
      epcisBody: z.looseObject({
        queryResults: z.looseObject({ queryName: z.string().optional(), resultsBody: z.looseObject({ eventList: EventList }) }),
      }),
    }),
  ])
  .openapi('EpcisCaptureBody', { description: 'an EPCISDocument or EPCISQueryDocument (JSON or JSON-LD)' });
export type EpcisCaptureBody = z.infer<typeof EpcisCaptureBody>;

/** POST /epcis/events: one event, with its `@context` (the standard's and any extension namespaces). */
export const EpcisSingleEventBody = EpcisEventInput.openapi('EpcisSingleEventBody');

export const CaptureHeaders = z.object({
  'gs1-capture-error-behaviour': z
    .enum(['rollback', 'proceed'])
    .optional()
    .openapi({ description: '`rollback` (default): nothing is recorded when an event fails the checks; `proceed`: the others are' }),
});

export const CaptureIdParams = z.object({ captureID: Id });
export const EpcParams = z.object({ epc: z.string().min(1).max(512) });

/** Query parameters of GET /epcis/events (parsed by query.ts, which names unsupported ones). */
export const EpcisEventsQuery = z.object({
  eventType: z.string().optional().openapi({ description: 'ObjectEvent|AggregationEvent|TransformationEvent (pipe-delimited)' }),
  GE_eventTime: z.string().optional().openapi({ format: 'date-time' }),
  LT_eventTime: z.string().optional().openapi({ format: 'date-time' }),
  GE_recordTime: z.string().optional().openapi({ format: 'date-time' }),
  LT_recordTime: z.string().optional().openapi({ format: 'date-time' }),
  EQ_bizStep: z.string().optional().openapi({ description: 'CBV bizStep(s), pipe-delimited' }),
  EQ_readPoint: z.string().optional(),
  EQ_bizLocation: z.string().optional(),
  MATCH_epc: z.string().optional().openapi({ description: 'EPCs (any spelling) in epcList/childEPCs; resolves the lots to read' }),
  MATCH_anyEPC: z.string().optional(),
  MATCH_parentID: z.string().optional(),
  EQ_eventID: z.string().optional(),
  EXISTS_errorDeclaration: z.enum(['true', 'false']).optional(),
  perPage: z.string().optional().openapi({ description: `1-${String(MAX_PER_PAGE)}, default ${String(DEFAULT_PER_PAGE)}` }),
  nextPageToken: z.string().optional(),
});

/** The paging query of GET /epcis/epcs/{epc}/events. */
export const EpcisPageQuery = EpcisEventsQuery.pick({ eventType: true, GE_eventTime: true, LT_eventTime: true, perPage: true, nextPageToken: true });

// ---- answers

const EpcisEventAnswer = z.looseObject({ type: z.string(), eventTime: z.string(), eventTimeZoneOffset: z.string(), eventID: z.string() });

/** The members an EPCIS 2.0 document of `type` opens with (EPCISDocument, EPCISQueryDocument). */
function documentHead<T extends string>(
  type: T,
): { '@context': z.ZodArray<z.ZodUnknown>; type: z.ZodLiteral<T>; schemaVersion: z.ZodLiteral<'2.0'>; creationDate: z.ZodString } {
  return { '@context': z.array(z.unknown()), type: z.literal(type), schemaVersion: z.literal('2.0'), creationDate: z.string() };
}

export const EpcisDocumentAnswer = z
  .looseObject({
    ...documentHead('EPCISDocument'),
    epcisBody: z.strictObject({ eventList: z.array(EpcisEventAnswer) }),
  })
  .openapi('EpcisDocument', { description: 'an EPCIS 2.0 EPCISDocument (valid against GS1 EPCIS-JSON-Schema.json)' });

export const EpcisQueryDocumentAnswer = z
  .looseObject({
    ...documentHead('EPCISQueryDocument'),
    epcisBody: z.strictObject({
      queryResults: z.strictObject({ queryName: z.string(), resultsBody: z.strictObject({ eventList: z.array(EpcisEventAnswer) }) }),
    }),
  })
  .openapi('EpcisQueryDocument', { description: 'an EPCIS 2.0 EPCISQueryDocument; `Link: <...>; rel="next"` names the next page' });

export const CaptureEventEntry = z
  .strictObject({
    path: z.string().openapi({ description: 'JSON path of the event in the captured document' }),
    eventId: z.string().optional().openapi({ description: "acetrace's event id (the lot id for a registration)" }),
    eventID: z.string().optional().openapi({ description: 'the EPCIS eventID acetrace exports for it' }),
    hashId: z.string().optional().openapi({ description: 'CBV 2.0 event hash ID of its content' }),
    op: z.enum(['event', 'registration', 'correction']).optional(),
    state: z.enum(['queued', 'captured', 'refused', 'rolled-back']),
    status: z.number().int().optional(),
    code: z.string().optional(),
    reason: z.string().optional(),
    txId: z.string().optional(),
    blockNumber: z.number().int().optional(),
  })
  .openapi('CaptureEventEntry');

const CaptureError = z
  .strictObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().openapi({ description: 'JSON path of the event' }),
    code: z.string(),
    eventId: z.string().optional(),
  })
  .openapi('CaptureError', { description: 'RFC 9457 problem of one refused event' });

export const CaptureJobAnswer = z
  .strictObject({
    captureID: z.string(),
    running: z.boolean(),
    success: z.boolean(),
    captureErrorBehaviour: z.enum(['rollback', 'proceed']),
    createdAt: z.string().openapi({ format: 'date-time' }),
    finishedAt: z.string().optional().openapi({ format: 'date-time' }),
    errors: z.array(CaptureError),
    events: z.array(CaptureEventEntry),
  })
  .openapi('CaptureJob', { description: 'GS1 REST binding capture job, with each event’s outcome' });
