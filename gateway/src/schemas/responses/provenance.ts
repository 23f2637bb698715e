/**
 * Answer of GET .../provenance: the chaincode's Provenance plus what only the gateway adds (each
 * event's block number when the outbox saw it committed, and `queryMs`), proven equal at compile time.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../../quiet-chaincode';
import type * as domain from '@acetrace/chaincode';
import { ANOMALY_TYPES, EVIDENCE_TYPES } from '@acetrace/chaincode';
import { EventRecord } from './events';
import { Completeness } from './lots';
import { FacilityRef, Party } from './parties';
import type { ProvenanceAnswer, ProvenanceEventAnswer } from '../../ports/ledger';
import { PrivateAnswer } from './private';
import { sameShape } from './same-shape';

extendZodWithOpenApi(z);

// a new closed object, not `.extend` (an allOf whose first part is closed would refuse the added members)
export const ProvenanceEvent = z
  .strictObject({
    ...EventRecord.shape,
    correctedBy: z.string().nullable().openapi({ description: 'id of the latest correction of this event, null if none' }),
    viaLotId: z.string().nullable().openapi({ description: "the ancestor lot the event was recorded on, null for the lot's own events" }),
    facility: FacilityRef.nullable().openapi({ description: 'the registered facility `location.gln` names, null if none' }),
    blockNumber: z.number().int().optional().openapi({ description: 'block of its transaction, when this gateway saw it committed' }),
    private: PrivateAnswer.optional().openapi({ description: 'that private data exists (hash, purge time); the cleartext for entitled readers' }),
  })
  .openapi('ProvenanceEvent');
sameShape<z.output<typeof ProvenanceEvent>, ProvenanceEventAnswer>(true);

export const ProvenanceLink = z
  .strictObject({
    link: z.number().int().min(1).max(12),
    name: z.string(),
    phase: z.enum(['production', 'storage', 'transport']),
    bizStep: z.string().openapi({ description: 'GS1 CBV 2.0 bizStep' }),
    covered: z.boolean(),
    events: z.array(ProvenanceEvent).openapi({ description: 'empty in a summary' }),
    organisations: z.array(z.string()),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
  })
  .openapi('ProvenanceLink');
sameShape<z.output<typeof ProvenanceLink>, Omit<domain.ProvenanceLink, 'events'> & { events: ProvenanceEventAnswer[] }>(true);

export const Anomaly = z
  .strictObject({
    type: z.enum(ANOMALY_TYPES),
    eventIds: z.array(z.string()),
    detail: z.string(),
    lotIds: z.array(z.string()).optional().openapi({ description: 'the lots concerned (double-containment, over-consumption)' }),
  })
  .openapi('Anomaly');
sameShape<z.output<typeof Anomaly>, domain.Anomaly>(true);

const Time = z.string().openapi({ format: 'date-time' });

export const CustodyEntry = z
  .strictObject({
    mspId: z.string().openapi({ description: 'the custodian' }),
    from: Time.nullable().openapi({ description: 'its handover’s event time; null: since registration' }),
    until: Time.nullable().openapi({ description: 'the next handover’s event time; null: still holds it' }),
    eventId: z.string().nullable().openapi({ description: 'the handover that passed custody; null for the owner’s initial custody' }),
    gln: z.string().nullable().openapi({ description: 'the receiving facility the handover named' }),
  })
  .openapi('CustodyEntry');
sameShape<z.output<typeof CustodyEntry>, domain.CustodyEntry>(true);

export const ContainmentEntry = z
  .strictObject({
    lotId: z.string().openapi({ description: 'the contained lot (this lot, or one of its containers)' }),
    parentLotId: z.string().openapi({ description: 'its container' }),
    from: Time.nullable(),
    until: Time.nullable().openapi({ description: 'null: still inside' }),
    packEventId: z.string().nullable().openapi({ description: 'the aggregation event; null for a pack at registration' }),
    unpackEventId: z.string().nullable(),
    detail: z.enum(['full', 'summary']).openapi({ description: 'whether the reader sees the container’s events in this interval' }),
  })
  .openapi('ContainmentEntry');
sameShape<z.output<typeof ContainmentEntry>, domain.ContainmentEntry>(true);

const DocumentType = z.enum(EVIDENCE_TYPES);

export const MissingEvidence = z
  .strictObject({
    lotId: z.string(),
    link: z.number().int().min(1).max(12),
    type: DocumentType,
    expectedFrom: z.array(z.string()).openapi({ description: 'the link’s recorders, else the custodian when the link would have happened' }),
  })
  .openapi('MissingEvidence');
sameShape<z.output<typeof MissingEvidence>, domain.MissingEvidence>(true);

export const LinkEvidence = z
  .strictObject({
    link: z.number().int().min(1).max(12),
    name: z.string(),
    required: z.array(DocumentType),
    present: z.array(DocumentType),
    missing: z.array(DocumentType),
  })
  .openapi('LinkEvidence');
sameShape<z.output<typeof LinkEvidence>, domain.LinkEvidence>(true);

export const EvidenceCompleteness = z
  .strictObject({
    policy: z.string().openapi({ example: 'cbp-uflpa-2023' }),
    required: z.number().int().openapi({ description: 'required (link, document type) pairs' }),
    present: z.number().int(),
    missing: z.array(MissingEvidence),
    links: z.array(LinkEvidence),
  })
  .openapi('EvidenceCompleteness');
sameShape<z.output<typeof EvidenceCompleteness>, domain.EvidenceCompleteness>(true);

export const RecordingDelay = z
  .strictObject({
    ...EventRecord.pick({ eventId: true, recordedBy: true, link: true, kind: true }).shape,
    delaySeconds: z.number().openapi({ description: 'transaction timestamp minus event time' }),
    windowSeconds: z.number(),
    withinWindow: z.boolean(),
  })
  .openapi('RecordingDelay');
sameShape<z.output<typeof RecordingDelay>, domain.RecordingDelay>(true);

/** How many live events there were, and how many of them were recorded within their window. */
const WindowCounts = {
  events: z.number().int(),
  withinWindow: z.number().int().openapi({ description: 'events recorded within their window' }),
};

export const OrganisationTimeliness = z
  .strictObject({
    mspId: z.string(),
    ...WindowCounts,
    share: z.number(),
    p50DelaySeconds: z.number(),
    p95DelaySeconds: z.number(),
  })
  .openapi('OrganisationTimeliness');
sameShape<z.output<typeof OrganisationTimeliness>, domain.OrganisationTimeliness>(true);

export const Timeliness = z
  .strictObject({
    policy: z.string(),
    ...WindowCounts,
    complianceRate: z.number().nullable().openapi({ description: 'share of live events recorded within their window' }),
    byOrganisation: z.array(OrganisationTimeliness),
    entryLeadHours: z.number().nullable().openapi({ description: 'hours the entry data (links 8, 11) were on the ledger before arrival' }),
    lateEntryData: z.boolean().openapi({ description: '`late-entry-data`: under 24 h, or no entry data at an arrival' }),
    delays: z.array(RecordingDelay),
  })
  .openapi('Timeliness');
sameShape<z.output<typeof Timeliness>, domain.Timeliness>(true);

const UpstreamLot = z.strictObject({
  lotId: z.string(),
  product: z.string(),
  htsCode: z.string(),
  originCountry: z.string(),
  quantity: z.number(),
  unit: z.string(),
  ownerMsp: z.string(),
});

/** An upstream node without its own inputs (the recursive member is added below). */
const UpstreamNodeFields = z.strictObject({
  lot: UpstreamLot,
  quantityConsumed: z.number().openapi({ description: 'what the consuming lot registered it used, in `unit`' }),
  unit: z.string(),
  totalConsumed: z.number().openapi({ description: 'consumed from this lot by every lot made from it' }),
  completeness: Completeness,
  detail: z.enum(['full', 'summary']),
  links: z.array(ProvenanceLink).optional().openapi({ description: 'only for readers entitled to this lot’s events' }),
  truncated: z.boolean().openapi({ description: 'the depth or size cap cut the tree below this lot' }),
  evidence: EvidenceCompleteness.optional().openapi({ description: 'the lot’s own evidence completeness (with `links` only)' }),
});
sameShape<
  z.output<typeof UpstreamNodeFields>,
  Omit<domain.UpstreamNode, 'upstream' | 'links'> & { links?: Array<z.output<typeof ProvenanceLink>> }
>(true);

/** An input lot in the upstream tree, with its own inputs (recursively). */
export type UpstreamNodeAnswer = z.output<typeof UpstreamNodeFields> & { upstream: UpstreamNodeAnswer[] };
export const UpstreamNode: z.ZodType<UpstreamNodeAnswer> = z
  .lazy(() => UpstreamNodeFields.extend({ upstream: z.array(UpstreamNode) }))
  .openapi('UpstreamNode');

export const Provenance = z
  .strictObject({
    lot: z.strictObject({
      lotId: z.string(),
      product: z.string(),
      htsCode: z.string(),
      originCountry: z.string(),
      quantity: z.number(),
      unit: z.string(),
      epcs: z.array(z.string()).openapi({ description: 'empty in a summary' }),
      ownerMsp: z.string(),
      importerMsp: z.string().nullable(),
      packedAt: z.string().nullable(),
      parentChain: z.array(z.string()).openapi({ description: 'ancestor lot ids, parent first' }),
      private: PrivateAnswer.optional().openapi({ description: 'that the lot has private data (hash, purge time); the cleartext for entitled readers' }),
    }),
    completeness: Completeness,
    links: z.array(ProvenanceLink),
    anomalies: z.array(Anomaly),
    detail: z.enum(['full', 'summary']).openapi({ description: '`summary`: coverage and completeness only (not an auditor, not the own lot)' }),
    custody: z.array(CustodyEntry).openapi({ description: 'who held the lot, from when to when, by which handover (full detail only)' }),
    containment: z.array(ContainmentEntry).openapi({ description: 'intervals the lot (and, nested, its containers) spent inside a container' }),
    upstream: z.array(UpstreamNode).openapi({ description: 'the input lots it was made from, recursively' }),
    upstreamTruncated: z.boolean(),
    parties: z.array(Party).openapi({ description: 'every organisation involved, with its profile and facilities (full detail only)' }),
    // a union, not .nullable(): zod-to-openapi would wrap a nullable $ref in an allOf that refuses null
    evidence: z.union([EvidenceCompleteness, z.null()]).openapi({ description: 'documents against the evidence policy (full detail only)' }),
    timeliness: z.union([Timeliness, z.null()]).openapi({ description: 'recording delays, per-organisation shares, entry lead time (full detail only)' }),
    queryMs: z.number().openapi({ description: 'time the gateway took to answer, ms' }),
  })
  .openapi('Provenance');
sameShape<
  z.output<typeof Provenance>,
  Omit<domain.Provenance, 'links' | 'upstream' | 'lot'> & {
    lot: ProvenanceAnswer['lot'];
    links: Array<z.output<typeof ProvenanceLink>>;
    upstream: UpstreamNodeAnswer[];
    queryMs: number;
  }
>(true);
