/**
 * Answers of /v1/events: what was accepted, and one event with its status. Recorded events are
 * the chaincode's EventRecord; queued ones the chaincode's EventInput (proven equal at compile time).
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../../quiet-chaincode';
import type * as domain from '@acetrace/chaincode';
import { AGGREGATION_ACTIONS, EVENT_KINDS, EVIDENCE_TYPES, ROLES } from '@acetrace/chaincode';
import type { EventSubmission } from '../../ports/ledger';
import { PrivateMarker, PrivateRef, PrivateValue } from './private';
import { sameShape } from './same-shape';

extendZodWithOpenApi(z);

const Time = z.string().openapi({ format: 'date-time' });

/** Where an event is in the outbox (ports/event-queue.ts EventStatus; `dead`: given up after repeated failures). */
export const QueueStatus = z.enum(['queued', 'submitted', 'committed', 'rejected', 'dead']);

/** Status of one posted event: the outbox's, or the chaincode's verdict on a direct record. */
export const EventStatus = z.enum(['queued', 'submitted', 'committed', 'rejected', 'dead', 'recorded', 'duplicate']);

export const RecordedLocation = z
  .strictObject({
    lat: z.number().nullable().optional(),
    lon: z.number().nullable().optional(),
    accuracyM: z.number().nullable().optional(),
    gln: z.string().nullable().optional(),
  })
  .openapi('RecordedLocation');
sameShape<z.output<typeof RecordedLocation>, domain.Location>(true);

export const RecordedEvidence = z
  .strictObject({ sha256: z.string(), uri: z.string().nullable().optional(), type: z.enum(EVIDENCE_TYPES) })
  .openapi('RecordedEvidence');
sameShape<z.output<typeof RecordedEvidence>, domain.Evidence>(true);

/** What names an event, queued or recorded: its id, its lot, its link and its kind. */
const EventKey = {
  eventId: z.string(),
  lotId: z.string(),
  link: z.number().int().min(1).max(12),
  kind: z.enum(EVENT_KINDS),
};

/** An event as the outbox holds it: the validated input, absent fields left out. */
export const QueuedEventInput = z
  .strictObject({
    ...EventKey,
    eventTime: Time,
    deviceId: z.string().nullable().optional(),
    location: RecordedLocation.nullable().optional(),
    epcs: z.array(z.string()).optional(),
    evidence: z.array(RecordedEvidence).optional(),
    correctionOf: z.string().nullable().optional(),
    reason: z.string().nullable().optional(),
    handoverTo: z.string().nullable().optional(),
    handoverToGln: z.string().nullable().optional(),
    action: z.enum(AGGREGATION_ACTIONS).nullable().optional(),
    parentLotId: z.string().nullable().optional(),
    childLotIds: z.array(z.string()).nullable().optional(),
    private: z
      .union([PrivateValue.omit({ evidenceUris: true }), z.null()])
      .optional()
      .openapi({ description: 'as posted (shown to the poster and auditors only); on the ledger it is private data' }),
  })
  .openapi('QueuedEventInput');
sameShape<z.output<typeof QueuedEventInput>, EventSubmission>(true);

/** An event on the ledger (chaincode EventRecord). */
export const EventRecord = z
  .strictObject({
    ...EventKey,
    eventTime: Time.openapi({ description: 'as given, with its offset' }),
    eventTimeUtc: z.string().openapi({ description: 'UTC, fixed width, sortable: `2026-11-20T00:15:00.000000000Z`' }),
    deviceId: z.string().nullable(),
    location: RecordedLocation.nullable(),
    epcs: z.array(z.string()).openapi({ description: 'pure-identity URNs' }),
    evidence: z.array(RecordedEvidence),
    correctionOf: z.string().nullable(),
    reason: z.string().nullable(),
    handoverTo: z.string().optional().openapi({ description: '`handover`: the MSP that takes custody from the event time' }),
    handoverToGln: z.string().nullable().optional().openapi({ description: '`handover`: the receiving facility' }),
    action: z.enum(AGGREGATION_ACTIONS).optional().openapi({ description: '`aggregation`: pack or unpack' }),
    parentLotId: z.string().optional().openapi({ description: '`aggregation`: the container lot (the event\'s lotId)' }),
    childLotIds: z.array(z.string()).optional().openapi({ description: '`aggregation`: the lots packed or unpacked' }),
    recordedBy: z.string().openapi({ description: 'MSP id of the recording organisation' }),
    recordedByRole: z.enum(ROLES),
    recordedAt: Time,
    txId: z.string(),
    contentHash: z.string(),
    private: z
      .union([PrivateMarker, PrivateRef])
      .optional()
      .openapi({ description: 'salted hash of the event’s private data (fields and evidence URIs) and its collection; absent when none' }),
  })
  .openapi('EventRecord');
sameShape<z.output<typeof EventRecord>, domain.EventRecord>(true);

/** How a posted event stands: its id, its `status`, and its transaction and block once known. */
function eventOutcome<S extends z.ZodType>(
  status: S,
): { eventId: z.ZodString; status: S; txId: z.ZodOptional<z.ZodString>; blockNumber: z.ZodOptional<z.ZodNumber> } {
  return { eventId: z.string(), status, txId: z.string().optional(), blockNumber: z.number().int().optional() };
}

export const AcceptedEvent = z
  .strictObject({
    ...eventOutcome(EventStatus),
    reason: z
      .string()
      .optional()
      .openapi({ description: "`rejected`: the chaincode's message (code prefix included); `dead`: the last failure, `CODE: text`" }),
  })
  .openapi('AcceptedEvent');

/** 202/201 of POST /v1/events. */
export const PostEventsResponse = z.strictObject({ accepted: z.array(AcceptedEvent) }).openapi('PostEventsResponse');

/** GET /v1/events/{id} of an event this gateway queued (poster or auditor): the outbox's record. */
export const QueuedEventStatus = z
  .strictObject({
    ...eventOutcome(QueueStatus),
    reason: z.string().optional(),
    lotId: z.string(),
    event: QueuedEventInput,
    queuedAt: Time,
    updatedAt: Time,
  })
  .openapi('QueuedEventStatus');

/** GET /v1/events/{id} of an event committed through another gateway (or a correction): the ledger's record. */
export const LedgerEventStatus = z
  .strictObject({
    ...eventOutcome(z.literal('committed')),
    lotId: z.string(),
    event: EventRecord,
  })
  .openapi('LedgerEventStatus');

export const GetEventResponse = z.union([QueuedEventStatus, LedgerEventStatus]).openapi('EventStatusResponse');
