/**
 * Evidence requirements (domain.md "Evidence requirements") and timeliness (dossier.md
 * "Timeliness"), as pure rules over a provenance's links. A policy is versioned by its id so every
 * peer, and every later reader of an answer, computes the same figures for the same policy.
 * Deterministic: times come from the records (event time, transaction timestamp), never a clock.
 */
import { LINKS } from './links';
import { parseInstant } from './time';
import type {
  EventKind, EvidenceCompleteness, EvidenceType, LinkEvidence, MissingEvidence, OrganisationTimeliness, ProvenanceEvent,
  ProvenanceLink, RecordingDelay, Timeliness, UpstreamNode,
} from './types';

/** A versioned evidence and timeliness policy. */
export interface EvidencePolicy {
  readonly id: string;
  readonly title: string;
  /** Document types each link needs, by link number (chaincode/README.md "Evidence policy" gives the sources). */
  readonly requiredByLink: Readonly<Record<number, readonly EvidenceType[]>>;
  /** Event kinds read by machines (RFID, GPS), held to the short window. */
  readonly sensorKinds: readonly EventKind[];
  /** Recording window for sensor kinds, seconds. */
  readonly sensorWindowSeconds: number;
  /** Recording window for every other kind (documents, handovers, aggregations), seconds. */
  readonly documentWindowSeconds: number;
  /** Links whose documents are the entry and clearance data. */
  readonly entryDataLinks: readonly number[];
  /** The link of the arrival event. */
  readonly arrivalLink: number;
  /** How long before arrival the entry data must be on the ledger, seconds. */
  readonly entryLeadSeconds: number;
}

/** CBP UFLPA operational guidance (June 2022) and FAQs/best practices (February 2023). */
export const CBP_UFLPA_2023: EvidencePolicy = Object.freeze<EvidencePolicy>({
  id: 'cbp-uflpa-2023',
  title: 'CBP UFLPA supply-chain tracing documentation (operational guidance 2022, best practices 2023)',
  requiredByLink: Object.freeze({
    1: ['po', 'invoice', 'proof-of-payment', 'production-record'],
    2: ['invoice', 'production-record'],
    3: ['po', 'production-record'],
    4: [],
    5: ['packing-list'],
    6: [],
    7: ['transport-record'],
    8: ['invoice', 'certificate-of-origin', 'export-declaration'],
    9: ['bill-of-lading'],
    10: ['transport-record'],
    11: ['invoice', 'packing-list', 'entry'],
    12: ['transport-record'],
  }),
  sensorKinds: ['rfid', 'gps'],
  sensorWindowSeconds: 10 * 60,
  documentWindowSeconds: 24 * 3600,
  entryDataLinks: [8, 11],
  arrivalLink: 11,
  entryLeadSeconds: 24 * 3600,
});

/** The policy applied when none is named. */
export const DEFAULT_EVIDENCE_POLICY = CBP_UFLPA_2023;

/** Every known policy by id (older ids stay so old answers can be recomputed). */
export const EVIDENCE_POLICIES: Readonly<Record<string, EvidencePolicy>> = Object.freeze({ [CBP_UFLPA_2023.id]: CBP_UFLPA_2023 });

/** The document types a link needs under a policy. */
export function requiredEvidence(policy: EvidencePolicy, link: number): readonly EvidenceType[] {
  return policy.requiredByLink[link] ?? [];
}

/** Events not superseded by a correction (the corrections themselves are live). */
function live(events: readonly ProvenanceEvent[]): ProvenanceEvent[] {
  return events.filter((e) => e.correctedBy === null);
}

/**
 * Who should supply a link's missing documents: the organisations that recorded on the link; for a
 * link nobody recorded, the custodian at the latest event time of an earlier link (else the
 * earliest of a later link; `null` when the lot has no events: the custodian from the start).
 */
export function expectedSuppliers(links: readonly ProvenanceLink[], custodianAt: (utc: string | null) => string): (link: number) => string[] {
  const events = links.flatMap((l) => l.events);
  return (link) => {
    const own = links.find((l) => l.link === link);
    if (own && own.organisations.length > 0) return [...own.organisations];
    const before = events.filter((e) => e.link < link).map((e) => e.eventTimeUtc).sort();
    const after = events.filter((e) => e.link > link).map((e) => e.eventTimeUtc).sort();
    return [custodianAt(before[before.length - 1] ?? after[0] ?? null)];
  };
}

/** One lot's evidence completeness: per link, required types against those its live events carry. */
export function evidenceOf(
  lotId: string,
  links: readonly ProvenanceLink[],
  expectedFrom: (link: number) => string[],
  policy: EvidencePolicy = DEFAULT_EVIDENCE_POLICY,
): EvidenceCompleteness {
  const perLink: LinkEvidence[] = [];
  const missing: MissingEvidence[] = [];
  let required = 0;
  let present = 0;
  for (const info of LINKS) {
    const needed = requiredEvidence(policy, info.number);
    const carried = new Set(live(links.find((l) => l.link === info.number)?.events ?? []).flatMap((e) => e.evidence.map((d) => d.type)));
    const have = needed.filter((t) => carried.has(t));
    const lack = needed.filter((t) => !carried.has(t));
    required += needed.length;
    present += have.length;
    if (lack.length > 0) {
      const from = expectedFrom(info.number);
      for (const type of lack) missing.push({ lotId, link: info.number, type, expectedFrom: from });
    }
    perLink.push({ link: info.number, name: info.name, required: [...needed], present: have, missing: lack });
  }
  return { policy: policy.id, required, present, missing, links: perLink };
}

/** The upstream tree with each node the reader sees in full given its own evidence (the node's owner held it). */
export function withUpstreamEvidence(nodes: readonly UpstreamNode[], policy: EvidencePolicy = DEFAULT_EVIDENCE_POLICY): UpstreamNode[] {
  return nodes.map((n) => {
    const upstream = withUpstreamEvidence(n.upstream, policy);
    if (!n.links) return { ...n, upstream };
    const links = n.links;
    return { ...n, upstream, evidence: evidenceOf(n.lot.lotId, links, expectedSuppliers(links, () => n.lot.ownerMsp), policy) };
  });
}

/** Milliseconds between an event's time and its transaction timestamp (undefined if either is unreadable). */
function delayMs(e: ProvenanceEvent): number | undefined {
  const recorded = parseInstant(e.recordedAt);
  const happened = parseInstant(e.eventTimeUtc);
  return recorded && happened ? recorded.epochMs - happened.epochMs : undefined;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Rounded to 3 decimals, so answers do not carry float noise. */
const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Timeliness of a lot's live events: delays, per-organisation shares, entry lead time before arrival. */
export function timelinessOf(links: readonly ProvenanceLink[], policy: EvidencePolicy = DEFAULT_EVIDENCE_POLICY): Timeliness {
  const events = live(links.flatMap((l) => l.events));
  const delays: RecordingDelay[] = [];
  for (const e of events) {
    const ms = delayMs(e);
    if (ms === undefined) continue;
    const windowSeconds = policy.sensorKinds.includes(e.kind) ? policy.sensorWindowSeconds : policy.documentWindowSeconds;
    const delaySeconds = round3(ms / 1000);
    delays.push({ eventId: e.eventId, recordedBy: e.recordedBy, link: e.link, kind: e.kind, delaySeconds, windowSeconds, withinWindow: delaySeconds <= windowSeconds });
  }
  const byOrg = new Map<string, RecordingDelay[]>();
  for (const d of delays) byOrg.set(d.recordedBy, [...(byOrg.get(d.recordedBy) ?? []), d]);
  const byOrganisation: OrganisationTimeliness[] = [...byOrg.keys()].sort().map((mspId) => {
    const own = byOrg.get(mspId) as RecordingDelay[];
    const sorted = own.map((d) => d.delaySeconds).sort((a, b) => a - b);
    const within = own.filter((d) => d.withinWindow).length;
    return {
      mspId, events: own.length, withinWindow: within, share: round3(within / own.length),
      p50DelaySeconds: percentile(sorted, 50), p95DelaySeconds: percentile(sorted, 95),
    };
  });
  const withinWindow = delays.filter((d) => d.withinWindow).length;
  const lead = entryLead(events, policy);
  return {
    policy: policy.id,
    events: delays.length,
    withinWindow,
    complianceRate: delays.length === 0 ? null : round3(withinWindow / delays.length),
    byOrganisation,
    entryLeadHours: lead.hours,
    lateEntryData: lead.late,
    delays,
  };
}

/**
 * Entry lead: the arrival is the earliest physical (non-document) event on the arrival link; the
 * entry data are the live events on the entry-data links that are documents or carry evidence.
 * Lead = arrival time minus the last of them to reach the ledger.
 */
function entryLead(events: readonly ProvenanceEvent[], policy: EvidencePolicy): { hours: number | null; late: boolean } {
  const arrival = events
    .filter((e) => e.link === policy.arrivalLink && e.kind !== 'document')
    .sort((a, b) => (a.eventTimeUtc < b.eventTimeUtc ? -1 : a.eventTimeUtc > b.eventTimeUtc ? 1 : 0))[0];
  if (!arrival) return { hours: null, late: false };
  const documents = events.filter((e) => policy.entryDataLinks.includes(e.link) && (e.kind === 'document' || e.evidence.length > 0));
  const arrivedMs = parseInstant(arrival.eventTimeUtc)?.epochMs;
  const lastOnLedger = Math.max(...documents.map((d) => parseInstant(d.recordedAt)?.epochMs ?? Number.POSITIVE_INFINITY));
  if (documents.length === 0 || arrivedMs === undefined || !Number.isFinite(lastOnLedger)) return { hours: null, late: true };
  const leadSeconds = (arrivedMs - lastOnLedger) / 1000;
  return { hours: Math.round((leadSeconds / 3600) * 100) / 100, late: leadSeconds < policy.entryLeadSeconds };
}
