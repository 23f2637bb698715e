/** Event request schemas (POST/GET /v1/events); the answers are in responses/events.ts. */
import {
  EVENT_KINDS, EVIDENCE_TYPES, MAX_ACCURACY_M, MAX_BATCH, MAX_EPCS_PER_EVENT, MAX_EVIDENCE, MAX_REASON_LENGTH, MAX_URI_LENGTH,
  SHA256_PATTERN, isGln,
} from '@acetrace/chaincode';
import { z } from 'zod';
import { Id, IsoTime, LedgerEpc, LinkRef, Text } from './common';

export const Location = z
  .strictObject({
    lat: z.number().min(-90).max(90).nullish(),
    lon: z.number().min(-180).max(180).nullish(),
    accuracyM: z.number().min(0).max(MAX_ACCURACY_M).nullish(),
    gln: z.string().refine(isGln, 'must be a 13-digit GLN with a valid check digit').nullish(),
  })
  .superRefine((l, ctx) => {
    if ((l.lat == null) !== (l.lon == null)) {
      ctx.addIssue({ code: 'custom', path: [l.lat == null ? 'lat' : 'lon'], message: 'is required when the other coordinate is given' });
    }
  })
  .openapi('Location');

export const Evidence = z
  .strictObject({
    sha256: z.string().regex(SHA256_PATTERN, 'must be 64 hex characters (SHA-256)').transform((s) => s.toLowerCase()),
    uri: z.string().min(1).max(MAX_URI_LENGTH).nullish(),
    type: z
      .enum(EVIDENCE_TYPES)
      .nullish()
      .transform((t) => t ?? 'other')
      .openapi({ default: 'other' }),
  })
  .openapi('Evidence');

export const EventInput = z
  .strictObject({
    eventId: Id,
    lotId: Id,
    link: LinkRef,
    kind: z.enum(EVENT_KINDS),
    eventTime: IsoTime,
    deviceId: Id.nullish(),
    location: Location.nullish(),
    epcs: z.array(LedgerEpc).max(MAX_EPCS_PER_EVENT).nullish(),
    evidence: z.array(Evidence).max(MAX_EVIDENCE).nullish(),
    correctionOf: Id.nullish(),
    reason: Text(MAX_REASON_LENGTH).nullish(),
  })
  .superRefine((e, ctx) => {
    if (e.kind === 'rfid' && (e.epcs == null || e.epcs.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['epcs'], message: 'an rfid event carries at least one EPC' });
    }
    if (e.kind === 'gps' && (e.location?.lat == null || e.location.lon == null)) {
      ctx.addIssue({ code: 'custom', path: ['location'], message: 'a gps event carries location.lat and location.lon' });
    }
    if (e.correctionOf != null && e.reason == null) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a correction carries a reason' });
    }
    if (e.correctionOf != null && e.correctionOf === e.eventId) {
      ctx.addIssue({ code: 'custom', path: ['correctionOf'], message: 'must name another event' });
    }
  })
  .openapi('EventInput');
export type EventInput = z.infer<typeof EventInput>;

/** `{ events: [...] }`: 1-MAX_BATCH events, one RecordEvents transaction at most. */
export const EventBatch = z.strictObject({ events: z.array(EventInput).min(1).max(MAX_BATCH) });

/** Body of POST /v1/events: one event, or `{ events: [...] }` with 1-MAX_BATCH events. */
export const PostEventsBody = z.union([EventBatch, EventInput]).openapi('PostEventsBody');

export const PostEventsQuery = z.strictObject({
  wait: z.enum(['commit']).optional().openapi({ description: '`commit`: answer 201 after the ledger commit' }),
});

export const EventIdParams = z.object({ eventId: Id });
