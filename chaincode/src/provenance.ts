/**
 * Provenance assembly: pure, from a lot, its ancestors and the events read for each of them.
 */
import { detectAnomalies, compareByTime } from './anomalies';
import { LINKS, LINK_COUNT, linkByNumber } from './links';
import { parseInstant } from './time';
import type { Completeness, EventRecord, LotRecord, Provenance, ProvenanceEvent, ProvenanceLink } from './types';

export interface ProvenanceInput {
  readonly lot: LotRecord;
  /** Ancestors, nearest (parent) first. */
  readonly ancestors: readonly LotRecord[];
  /** Events recorded on the lot and on each ancestor, keyed by lot id (any order). */
  readonly eventsByLot: ReadonlyMap<string, readonly EventRecord[]>;
  /** EPCs of every lot in the family (the lot, its ancestors, its descendants). */
  readonly familyEpcs: readonly string[];
  readonly detail: 'full' | 'summary';
}

/** Completeness from the set of covered link numbers. */
export function completenessOf(covered: Iterable<number>): Completeness {
  const set = new Set(covered);
  return {
    covered: LINKS.filter((l) => set.has(l.number)).length,
    required: LINK_COUNT,
    missing: LINKS.filter((l) => !set.has(l.number)).map((l) => l.name),
  };
}

/**
 * For each ancestor, the instant from which the lot was inside it (UTC key), or null for
 * "always": the latest packedAt along the chain from the lot up to that ancestor.
 */
export function ancestorThresholds(lot: LotRecord, ancestors: readonly LotRecord[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  let threshold: string | null = null;
  let child: LotRecord = lot;
  for (const ancestor of ancestors) {
    const packed = child.packedAt ? parseInstant(child.packedAt)?.utcKey ?? null : null;
    if (packed && (!threshold || packed > threshold)) threshold = packed;
    out.set(ancestor.lotId, threshold);
    child = ancestor;
  }
  return out;
}

/** The events that belong to a lot's provenance, with viaLotId and correctedBy filled in. */
export function provenanceEvents(input: Pick<ProvenanceInput, 'lot' | 'ancestors' | 'eventsByLot'>): ProvenanceEvent[] {
  const chosen = chosenEvents(input);
  const correctedBy = latestCorrections(chosen);
  return chosen
    .map(({ record, via }) => ({ ...record, correctedBy: correctedBy.get(record.eventId)?.eventId ?? null, viaLotId: via }))
    .sort((a, b) => a.link - b.link || compareByTime(a, b));
}

/** The lot's own events, then each ancestor's from its threshold on, with the lot they came through. */
function chosenEvents(input: Pick<ProvenanceInput, 'lot' | 'ancestors' | 'eventsByLot'>): Array<{ record: EventRecord; via: string | null }> {
  const thresholds = ancestorThresholds(input.lot, input.ancestors);
  const chosen: Array<{ record: EventRecord; via: string | null }> = [];
  for (const record of input.eventsByLot.get(input.lot.lotId) ?? []) chosen.push({ record, via: null });
  for (const ancestor of input.ancestors) {
    const threshold = thresholds.get(ancestor.lotId) ?? null;
    for (const record of input.eventsByLot.get(ancestor.lotId) ?? []) {
      if (threshold === null || record.eventTimeUtc >= threshold) chosen.push({ record, via: ancestor.lotId });
    }
  }
  return chosen;
}

/** Corrected event id → its correction: the latest (by its own recording time, then id) wins. */
function latestCorrections(chosen: ReadonlyArray<{ record: EventRecord }>): Map<string, EventRecord> {
  const correctedBy = new Map<string, EventRecord>();
  for (const { record } of chosen) {
    if (!record.correctionOf) continue;
    const previous = correctedBy.get(record.correctionOf);
    if (!previous || previous.recordedAt < record.recordedAt || (previous.recordedAt === record.recordedAt && previous.eventId < record.eventId)) {
      correctedBy.set(record.correctionOf, record);
    }
  }
  return correctedBy;
}

/** The auditor's answer (or, with detail "summary", only coverage and completeness). */
export function assembleProvenance(input: ProvenanceInput): Provenance {
  const events = provenanceEvents(input);
  const full = input.detail === 'full';
  const links: ProvenanceLink[] = LINKS.map((l) => provenanceLink(l, events, full));
  const live = events.filter((e) => e.correctedBy === null);
  return {
    lot: {
      lotId: input.lot.lotId,
      product: input.lot.product,
      htsCode: input.lot.htsCode,
      originCountry: input.lot.originCountry,
      quantity: input.lot.quantity,
      unit: input.lot.unit,
      epcs: full ? input.lot.epcs : [],
      ownerMsp: input.lot.ownerMsp,
      importerMsp: input.lot.importerMsp,
      packedAt: input.lot.packedAt,
      parentChain: input.ancestors.map((a) => a.lotId),
    },
    completeness: completenessOf(links.filter((l) => l.covered).map((l) => l.link)),
    links,
    anomalies: full ? detectAnomalies(live, input.familyEpcs) : [],
    detail: input.detail,
  };
}

/** One link of the answer: covered or not, and (with full detail) its events, organisations and span. */
function provenanceLink(l: (typeof LINKS)[number], events: readonly ProvenanceEvent[], full: boolean): ProvenanceLink {
  const own = events.filter((e) => e.link === l.number);
  const covered = own.length > 0;
  return {
    link: l.number,
    name: l.name,
    phase: l.phase,
    bizStep: l.bizStep,
    covered,
    events: full ? own : [],
    organisations: full ? [...new Set(own.map((e) => e.recordedBy))].sort() : [],
    ...(full ? seenSpan(own) : { firstSeen: null, lastSeen: null }),
  };
}

/** The event times of a link's first and last event (null when it has none). */
function seenSpan(own: readonly ProvenanceEvent[]): Pick<ProvenanceLink, 'firstSeen' | 'lastSeen'> {
  return { firstSeen: own[0]?.eventTime ?? null, lastSeen: own[own.length - 1]?.eventTime ?? null };
}

/** Link numbers covered by the events of a provenance. */
export function coveredLinks(events: ReadonlyArray<Pick<EventRecord, 'link'>>): number[] {
  return [...new Set(events.map((e) => e.link))].sort((a, b) => a - b).filter((n) => linkByNumber(n).number === n);
}
