/** Event request schemas (POST/GET /v1/events); the answers are in responses/events.ts. */
import {
  EVENT_KINDS, EVIDENCE_TYPES, MAX_ACCURACY_M, MAX_BATCH, MAX_EPCS_PER_EVENT, MAX_EVIDENCE, MAX_REASON_LENGTH, MAX_URI_LENGTH,
  SHA256_PATTERN, isGln, AGGREGATION_ACTIONS, MAX_AGGREGATION_CHILDREN,
} from '@acetrace/chaincode';
import { z } from 'zod';
import { PrivateInput } from './private';
import { Id, IsoTime, LedgerEpc, LinkRef, MspId, Text } from './common';

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
    uri: z.string().min(1).max(MAX_URI_LENGTH).nullish().openapi({ description: 'private: kept with the event’s private data, never on the shared ledger' }),
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
    handoverTo: MspId.nullish().openapi({ description: '`handover`: the MSP that takes custody from the event time', example: 'Org2MSP' }),
    handoverToGln: z
      .string()
      .refine(isGln, 'must be a 13-digit GLN with a valid check digit')
      .nullish()
      .openapi({ description: '`handover`: the receiving facility (needs handoverTo)' }),
    action: z.enum(AGGREGATION_ACTIONS).nullish().openapi({ description: '`aggregation`: pack or unpack' }),
    parentLotId: Id.nullish().openapi({ description: '`aggregation`: the container lot; equals lotId (the event is recorded on the container)' }),
    childLotIds: z
      .array(Id)
      .min(1)
      .max(MAX_AGGREGATION_CHILDREN)
      .nullish()
      .openapi({ description: '`aggregation`: the lots packed into or taken out of the container' }),
    private: PrivateInput.nullish(),
  })
  .superRefine((e, ctx) => {
    for (const [path, message] of [...kindFieldIssues(e), ...kindContentIssues(e), ...correctionIssues(e)]) {
      ctx.addIssue({ code: 'custom', path: [path], message });
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
  const correction = e.correctionOf != null;
  const issues: Array<[string, string]> = [...handoverFieldIssues(e, correction), ...aggregationFieldIssues(e)];
  if (e.kind === 'handover' && !correction && e.handoverToGln != null && e.handoverTo == null) issues.push(['handoverToGln', 'needs handoverTo']);
  if (e.kind !== 'aggregation') return issues;
  if (correction) return [...issues, ['kind', 'containment changes with an ordinary event, not with a correction']];
  return [...issues, ...aggregationIssues(e)];
}

/** The handover fields: only on a handover, and not on a correction. */
function handoverFieldIssues(e: { kind: string; handoverTo?: string | null; handoverToGln?: string | null }, correction: boolean): Array<[string, string]> {
  const issues: Array<[string, string]> = [];
  for (const f of ['handoverTo', 'handoverToGln'] as const) {
    if (e[f] == null) continue;
    if (e.kind !== 'handover') issues.push([f, 'is only for kind handover']);
    else if (correction) issues.push([f, 'custody passes with an ordinary event, not with a correction']);
  }
  return issues;
}

/** The aggregation fields: only on an aggregation. */
function aggregationFieldIssues(e: { kind: string; action?: string | null; parentLotId?: string | null; childLotIds?: string[] | null }): Array<[string, string]> {
  const issues: Array<[string, string]> = [];
  for (const f of ['action', 'parentLotId', 'childLotIds'] as const) {
    if (e[f] != null && e.kind !== 'aggregation') issues.push([f, 'is only for kind aggregation']);
  }
  return issues;
}

/** What an rfid event (EPCs) and a gps event (a position) must carry. */
function kindContentIssues(e: { kind: string; epcs?: string[] | null; location?: { lat?: number | null; lon?: number | null } | null }): Array<[string, string]> {
  const issues: Array<[string, string]> = [];
  if (e.kind === 'rfid' && (e.epcs == null || e.epcs.length === 0)) {
    issues.push(['epcs', 'an rfid event carries at least one EPC']);
  }
  if (e.kind === 'gps' && (e.location?.lat == null || e.location.lon == null)) {
    issues.push(['location', 'a gps event carries location.lat and location.lon']);
  }
  return issues;
}

/** A correction carries a reason and names another event. */
function correctionIssues(e: { eventId: string; correctionOf?: string | null; reason?: string | null }): Array<[string, string]> {
  const issues: Array<[string, string]> = [];
  if (e.correctionOf != null && e.reason == null) issues.push(['reason', 'a correction carries a reason']);
  if (e.correctionOf != null && e.correctionOf === e.eventId) issues.push(['correctionOf', 'must name another event']);
  return issues;
}

/** The fields an aggregation event must carry, and how they relate. */
function aggregationIssues(e: { lotId: string; action?: string | null; parentLotId?: string | null; childLotIds?: string[] | null }): Array<[string, string]> {
  const issues: Array<[string, string]> = [];
  if (e.action == null) issues.push(['action', `must be one of ${AGGREGATION_ACTIONS.join(', ')}`]);
  if (e.parentLotId == null) issues.push(['parentLotId', 'is required']);
  else if (e.parentLotId !== e.lotId) issues.push(['parentLotId', 'must equal lotId: an aggregation event is recorded on the container lot']);
  if (e.childLotIds == null) {
    issues.push(['childLotIds', `must be an array of 1-${String(MAX_AGGREGATION_CHILDREN)} lot ids`]);
    return issues;
  }
  e.childLotIds.forEach((c, i) => {
    if (c === e.lotId) issues.push([`childLotIds[${String(i)}]`, 'must differ from the container lotId']);
    else if (e.childLotIds?.indexOf(c) !== i) issues.push([`childLotIds[${String(i)}]`, 'is listed twice']);
  });
  return issues;
}

/** `{ events: [...] }`: 1-MAX_BATCH events, one RecordEvents transaction at most. */
export const EventBatch = z.strictObject({ events: z.array(EventInput).min(1).max(MAX_BATCH) });

/** Body of POST /v1/events: one event, or `{ events: [...] }` with 1-MAX_BATCH events. */
export const PostEventsBody = z.union([EventBatch, EventInput]).openapi('PostEventsBody');

export const PostEventsQuery = z.strictObject({
  wait: z.enum(['commit']).optional().openapi({ description: '`commit`: answer 201 after the ledger commit' }),
});

export const EventIdParams = z.object({ eventId: Id });
