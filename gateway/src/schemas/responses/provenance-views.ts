/**
 * Answers of the provenance views for large lots (issue 20): the summary (GET .../provenance?view=summary)
 * and one link's event page (GET .../links/{link}/events), proven equal to the chaincode's types at compile time.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../../quiet-chaincode';
import type * as domain from '@acetrace/chaincode';
import { ANOMALY_TYPES, EVENT_KINDS, EVIDENCE_TYPES, MAX_SUMMARY_ANOMALIES_PER_TYPE, MAX_TRACK_POINTS_PER_LINK } from '@acetrace/chaincode';
import { Provenance, ProvenanceEvent, ProvenanceLink, type UpstreamNodeAnswer } from './provenance';
import type { ProvenanceAnswer } from '../../ports/ledger';
import { sameShape } from './same-shape';

extendZodWithOpenApi(z);

export const TrackPoint = z
  .strictObject({
    eventId: z.string(),
    recordedBy: z.string(),
    kind: z.enum(EVENT_KINDS),
    eventTime: z.string(),
    lat: z.number(),
    lon: z.number(),
  })
  .openapi('TrackPoint');
sameShape<z.output<typeof TrackPoint>, domain.TrackPoint>(true);

const DocumentTypes = z.array(z.enum(EVIDENCE_TYPES));

export const LinkSummary = z
  .strictObject({
    eventCount: z.number().int(),
    kinds: z.partialRecord(z.enum(EVENT_KINDS), z.number().int()).openapi({ description: 'events per kind' }),
    organisations: z.array(z.string()),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
    evidence: z
      .union([z.strictObject({ required: DocumentTypes, present: DocumentTypes, missing: DocumentTypes }), z.null()])
      .openapi({ description: 'the link’s documents against the policy (full detail only)' }),
    track: z.array(TrackPoint).openapi({ description: `located GPS fixes and RFID reads thinned for drawing (at most ${String(MAX_TRACK_POINTS_PER_LINK)} plus anomaly points; first and last kept)` }),
  })
  .openapi('LinkSummary');
sameShape<z.output<typeof LinkSummary>, domain.LinkSummary>(true);

export const SummaryLink = z
  .strictObject({
    ...ProvenanceLink.shape,
    events: z.array(ProvenanceEvent).max(0).openapi({ description: 'always empty: page them with GET .../links/{link}/events' }),
    eventsOmitted: z.literal(true),
    summary: LinkSummary,
  })
  .openapi('SummaryLink');

export const AnomalyGroup = z
  .strictObject({
    type: z.enum(ANOMALY_TYPES),
    count: z.number().int(),
    listed: z.number().int().openapi({ description: `how many of them \`anomalies\` lists (at most ${String(MAX_SUMMARY_ANOMALIES_PER_TYPE)})` }),
  })
  .openapi('AnomalyGroup');
sameShape<z.output<typeof AnomalyGroup>, domain.AnomalyGroup>(true);

export const AnomalyEventPlace = z
  .strictObject({
    eventId: z.string(),
    link: z.number().int().min(1).max(12),
    index: z.number().int().openapi({ description: 'place in the link’s time order (from 0), as its event pages count' }),
  })
  .openapi('AnomalyEventPlace');
sameShape<z.output<typeof AnomalyEventPlace>, domain.AnomalyEventPlace>(true);

export const ProvenanceSummary = z
  .strictObject({
    ...Provenance.shape,
    view: z.literal('summary'),
    links: z.array(SummaryLink),
    anomalyGroups: z.array(AnomalyGroup).openapi({ description: 'anomalies by type with counts; `anomalies` lists the first of each type' }),
    anomalyEvents: z.array(AnomalyEventPlace).openapi({ description: 'the link and place of each event the listed anomalies name' }),
  })
  .openapi('ProvenanceSummary');
sameShape<
  z.output<typeof ProvenanceSummary>,
  Omit<domain.ProvenanceSummary, 'links' | 'upstream' | 'lot'> & {
    lot: ProvenanceAnswer['lot'];
    links: Array<Omit<domain.SummaryLink, 'events'> & { events: Array<z.output<typeof ProvenanceEvent>> }>;
    upstream: UpstreamNodeAnswer[];
    queryMs: number;
  }
>(true);

export const LinkEventsPage = z
  .strictObject({
    lotId: z.string(),
    link: z.number().int().min(1).max(12),
    total: z.number().int().openapi({ description: 'events of the link the caller sees, all pages together' }),
    events: z.array(ProvenanceEvent).openapi({ description: 'time order (event time, then id)' }),
    bookmark: z.string().openapi({ description: 'pass as `bookmark` for the next page; "" = last page' }),
    queryMs: z.number(),
  })
  .openapi('LinkEventsPage');
sameShape<
  z.output<typeof LinkEventsPage>,
  Omit<domain.LinkEventsPage, 'events'> & { events: Array<z.output<typeof ProvenanceEvent>>; queryMs: number }
>(true);
