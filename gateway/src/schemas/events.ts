/** Event request schemas (POST/GET /v1/events); the answers are in responses/events.ts. */
import '../quiet-chaincode';
import { AGGREGATION_ACTIONS, EVENT_KINDS, ID_PATTERN, MAX_AGGREGATION_CHILDREN, MSP_PATTERN, isGln } from '@acetrace/chaincode';
import { z } from 'zod';
import { EVIDENCE_TYPES, Epc, Id, IsoTime, LinkRef } from './common';

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
    handoverTo: z
      .string()
      .regex(MSP_PATTERN, 'must be an MSP id (1-128 of A-Za-z0-9._-)')
      .nullable()
      .optional()
      .openapi({ description: '`handover`: the MSP that takes custody from the event time', example: 'Org2MSP' }),
    handoverToGln: z
      .string()
      .refine(isGln, 'must be a 13-digit GLN with a valid check digit')
      .nullable()
      .optional()
      .openapi({ description: '`handover`: the receiving facility (needs handoverTo)' }),
    action: z.enum(AGGREGATION_ACTIONS).nullable().optional().openapi({ description: '`aggregation`: pack or unpack' }),
    parentLotId: z
      .string()
      .regex(ID_PATTERN, 'must be 1-128 characters of A-Za-z0-9._:-')
      .nullable()
      .optional()
      .openapi({ description: '`aggregation`: the container lot; equals lotId (the event is recorded on the container)' }),
    childLotIds: z
      .array(z.string().regex(ID_PATTERN, 'must be 1-128 characters of A-Za-z0-9._:-'))
      .min(1)
      .max(MAX_AGGREGATION_CHILDREN)
      .nullable()
      .optional()
      .openapi({ description: '`aggregation`: the lots packed into or taken out of the container' }),
  })
  .superRefine((e, ctx) => {
    kindFieldIssues(e).forEach(([path, message]) => ctx.addIssue({ code: 'custom', path: [path], message }));
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

/**
 * The chaincode's rules for the fields of one kind (validation.ts readKindFields): custody passes
 * only with a handover, containment only with an aggregation, and neither with a correction.
 */
function kindFieldIssues(e: {
  kind: string;
  lotId: string;
  correctionOf?: string | null;
  handoverTo?: string | null;
  handoverToGln?: string | null;
  action?: string | null;
  parentLotId?: string | null;
  childLotIds?: string[] | null;
}): Array<[string, string]> {
  const issues: Array<[string, string]> = [];
  const correction = e.correctionOf != null;
  for (const f of ['handoverTo', 'handoverToGln'] as const) {
    if (e[f] == null) continue;
    if (e.kind !== 'handover') issues.push([f, 'is only for kind handover']);
    else if (correction) issues.push([f, 'custody passes with an ordinary event, not with a correction']);
  }
  for (const f of ['action', 'parentLotId', 'childLotIds'] as const) {
    if (e[f] != null && e.kind !== 'aggregation') issues.push([f, 'is only for kind aggregation']);
  }
  if (e.kind === 'handover' && !correction && e.handoverToGln != null && e.handoverTo == null) issues.push(['handoverToGln', 'needs handoverTo']);
  if (e.kind !== 'aggregation') return issues;
  if (correction) return [...issues, ['kind', 'containment changes with an ordinary event, not with a correction']];
  if (e.action == null) issues.push(['action', `must be one of ${AGGREGATION_ACTIONS.join(', ')}`]);
  if (e.parentLotId == null) issues.push(['parentLotId', 'is required']);
  else if (e.parentLotId !== e.lotId) issues.push(['parentLotId', 'must equal lotId: an aggregation event is recorded on the container lot']);
  if (e.childLotIds == null) issues.push(['childLotIds', `must be an array of 1-${MAX_AGGREGATION_CHILDREN} lot ids`]);
  else {
    e.childLotIds.forEach((c, i) => {
      if (c === e.lotId) issues.push([`childLotIds[${i}]`, 'must differ from the container lotId']);
      else if (e.childLotIds?.indexOf(c) !== i) issues.push([`childLotIds[${i}]`, 'is listed twice']);
    });
  }
  return issues;
}

/** Body of POST /v1/events: one event, or `{ events: [...] }` with 1-500 events. */
export const PostEventsBody = z
  .union([z.strictObject({ events: z.array(EventInput).min(1).max(500) }), EventInput])
  .openapi('PostEventsBody');

export const PostEventsQuery = z.strictObject({
  wait: z.enum(['commit']).optional().openapi({ description: '`commit`: answer 201 after the ledger commit' }),
});

export const EventIdParams = z.object({ eventId: Id });
