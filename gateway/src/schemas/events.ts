/** Event request schemas (POST/GET /v1/events); the answers are in responses/events.ts. */
import { z } from 'zod';
import { EVENT_KINDS, EVIDENCE_TYPES, Epc, Id, IsoTime, LinkRef } from './common';

export const Location = z
  .strictObject({
    lat: z.number().min(-90).max(90).nullable().optional(),
    lon: z.number().min(-180).max(180).nullable().optional(),
    accuracyM: z.number().min(0).max(1e7).nullable().optional(),
    gln: z.string().regex(/^\d{13}$/, 'must be a 13-digit GLN').nullable().optional(),
  })
  .openapi('Location');

export const Evidence = z
  .strictObject({
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits').transform((s) => s.toLowerCase()),
    uri: z.string().min(1).max(2048).nullable().optional(),
    type: z.enum(EVIDENCE_TYPES).default('other'),
  })
  .openapi('Evidence');

export const EventInput = z
  .strictObject({
    eventId: Id,
    lotId: Id,
    link: LinkRef,
    kind: z.enum(EVENT_KINDS),
    eventTime: IsoTime,
    deviceId: Id.nullable().optional(),
    location: Location.nullable().optional(),
    epcs: z.array(Epc).max(10_000).optional(),
    evidence: z.array(Evidence).max(100).optional(),
    correctionOf: Id.nullable().optional(),
    reason: z.string().min(1).max(1024).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.kind === 'rfid' && (e.epcs === undefined || e.epcs.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['epcs'], message: 'an rfid event carries at least one EPC' });
    }
    if (e.kind === 'gps' && (e.location?.lat == null || e.location.lon == null)) {
      ctx.addIssue({ code: 'custom', path: ['location'], message: 'a gps event carries location.lat and location.lon' });
    }
    if (e.correctionOf != null && e.reason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a correction carries a reason' });
    }
  })
  .openapi('EventInput');
export type EventInput = z.infer<typeof EventInput>;

/** Body of POST /v1/events: one event, or `{ events: [...] }` with 1-500 events. */
export const PostEventsBody = z
  .union([z.strictObject({ events: z.array(EventInput).min(1).max(500) }), EventInput])
  .openapi('PostEventsBody');

export const PostEventsQuery = z.strictObject({
  wait: z.enum(['commit']).optional().openapi({ description: '`commit`: answer 201 after the ledger commit' }),
});

export const EventIdParams = z.object({ eventId: Id });
