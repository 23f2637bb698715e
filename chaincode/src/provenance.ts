/**
 * Provenance assembly: pure, from a lot, the containers it was inside, the events read for each of
 * them, their custody and containment records, the upstream tree, and the parties and facilities
 * involved. What the reader sees is decided for each lot in the answer (`detailOfLot`).
 */
import { detectAnomalies, compareByTime } from './anomalies';
import {
  allContainersAt, ancestorStays, containmentEntries, containmentIntervals, doubleContainment, inWindow,
  type AncestorStay, type ContainmentInterval,
} from './containment';
import { custodianAt, custodians, custodyChain, custodyEntries, outsideCustody, type CustodyInterval } from './custody';
import { evidenceOf, expectedSuppliers, timelinessOf, withUpstreamEvidence } from './evidence-policy';
import { LINKS, LINK_COUNT, linkByNumber } from './links';
import { facilityRef, partiesOf } from './parties';
import { overConsumption, upstreamLotIds } from './upstream';
import type {
  PrivateMarker, PrivateRef,
  Completeness, ConsumptionRecord, ContainmentRecord, CustodyRecord, EventRecord, FacilityRecord, LotRecord,
  OrganisationProfile, Provenance, ProvenanceEvent, ProvenanceLink, UpstreamNode,
} from './types';

export interface ProvenanceInput {
  readonly lot: LotRecord;
  /** The containers the lot was inside, directly or nested (any order; older data: the parentLotId chain). */
  readonly ancestors: readonly LotRecord[];
  /** Events recorded on the lot and on each container, keyed by lot id (any order). */
  readonly eventsByLot: ReadonlyMap<string, readonly EventRecord[]>;
  /** EPCs of every lot in the family (the lot, its containers, its contents). */
  readonly familyEpcs: readonly string[];
  /** What the reader sees of the lot asked for. */
  readonly detail: 'full' | 'summary';
  /** CON records of the lot and each container (missing: none). */
  readonly containmentOf?: ReadonlyMap<string, readonly ContainmentRecord[]>;
  /** CUS records of the lot and each container (missing: none, the owner held it throughout). */
  readonly custodyOf?: ReadonlyMap<string, readonly CustodyRecord[]>;
  /** What the reader sees of each container's events (default: `detail`). */
  readonly detailOfLot?: (lotId: string) => 'full' | 'summary';
  /** The upstream tree, built by upstream.ts. */
  readonly upstream?: { readonly upstream: UpstreamNode[]; readonly truncated: boolean; readonly lots: readonly LotRecord[] };
  /** USE records of the lot and of every upstream lot, as inputs. */
  readonly consumptionOf?: ReadonlyMap<string, readonly ConsumptionRecord[]>;
  /** Registered facilities by GLN (only those named in the answer need be present). */
  readonly facilities?: ReadonlyMap<string, FacilityRecord>;
  /** Organisation profiles by MSP id. */
  readonly profiles?: ReadonlyMap<string, OrganisationProfile | undefined>;
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

/** Each lot's containment intervals (the lot and every container loaded). */
export function intervalsByLot(input: Pick<ProvenanceInput, 'lot' | 'ancestors' | 'containmentOf'>): Map<string, ContainmentInterval[]> {
  const out = new Map<string, ContainmentInterval[]>();
  for (const l of [input.lot, ...input.ancestors]) {
    if (!out.has(l.lotId)) out.set(l.lotId, containmentIntervals(l, input.containmentOf?.get(l.lotId) ?? []));
  }
  return out;
}

/** Every stay of the lot in a container (nested ones intersected), nearest first. */
export function staysOf(input: Pick<ProvenanceInput, 'lot' | 'ancestors' | 'containmentOf'>): AncestorStay[] {
  const intervals = intervalsByLot(input);
  return ancestorStays(input.lot.lotId, (id) => intervals.get(id));
}

/**
 * For each container of an older lot, the instant from which the lot was inside it (UTC key), or
 * null for "always": the latest packedAt along the chain from the lot up to that container.
 */
export function ancestorThresholds(lot: LotRecord, ancestors: readonly LotRecord[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const s of staysOf({ lot, ancestors })) {
    if (!out.has(s.interval.parentLotId)) out.set(s.interval.parentLotId, s.window.fromUtc);
  }
  return out;
}

/** The events that belong to a lot's provenance (containers' events only inside its stays), with viaLotId and correctedBy. */
export function provenanceEvents(input: Pick<ProvenanceInput, 'lot' | 'ancestors' | 'eventsByLot' | 'containmentOf'>, stays = staysOf(input)): ProvenanceEvent[] {
  const chosen: Chosen[] = [];
  for (const record of input.eventsByLot.get(input.lot.lotId) ?? []) chosen.push({ record, via: null });
  chosen.push(...containerEvents(input.eventsByLot, stays));
  const correctedBy = latestCorrections(chosen);
  return chosen
    .map(({ record: { private: ref, ...record }, via }) => ({
      ...record,
      ...(ref ? { private: asMarker(ref) } : {}),
      correctedBy: correctedBy.get(`${record.lotId}\u0000${record.recordedBy}\u0000${record.eventId}`)?.eventId ?? null,
      viaLotId: via,
      facility: null,
    }))
    .sort((a, b) => a.link - b.link || compareByTime(a, b));
}

/** A stored private reference as a provenance shows it (reads.ts sets the purge time before assembly). */
function asMarker(ref: PrivateRef | PrivateMarker): PrivateMarker {
  return 'present' in ref ? ref : { present: true, hash: ref.hash, collection: ref.collection, purgedAt: null };
}

/** An event chosen for a provenance, with the container it was read through (null: the lot's own). */
interface Chosen { record: EventRecord; via: string | null }

/** Each container's events inside the lot's stays in it, each event once. */
function containerEvents(eventsByLot: ProvenanceInput['eventsByLot'], stays: readonly AncestorStay[]): Chosen[] {
  const chosen: Chosen[] = [];
  const seen = new Set<string>();
  for (const s of stays) {
    const parent = s.interval.parentLotId;
    for (const record of eventsByLot.get(parent) ?? []) {
      const key = `${parent}\u0000${record.recordedBy}\u0000${record.eventId}`;
      if (seen.has(key) || !inWindow(s.window, record.eventTimeUtc)) continue;
      seen.add(key);
      chosen.push({ record, via: parent });
    }
  }
  return chosen;
}

/** The correction of each corrected event: the latest (by its own recording time, then id); corrections are by the same MSP. */
function latestCorrections(chosen: readonly Chosen[]): Map<string, EventRecord> {
  const correctedBy = new Map<string, EventRecord>();
  for (const { record } of chosen) {
    if (!record.correctionOf) continue;
    const key = `${record.lotId}\u0000${record.recordedBy}\u0000${record.correctionOf}`;
    const previous = correctedBy.get(key);
    if (!previous || isRecordedAfter(record, previous)) correctedBy.set(key, record);
  }
  return correctedBy;
}

function isRecordedAfter(record: EventRecord, previous: EventRecord): boolean {
  return previous.recordedAt < record.recordedAt || (previous.recordedAt === record.recordedAt && previous.eventId < record.eventId);
}

/** The 12 links of a set of events: each with its events (when shown), organisations and first/last seen. */
export function linksOf(events: readonly ProvenanceEvent[], visible: (e: ProvenanceEvent) => boolean): ProvenanceLink[] {
  return LINKS.map((l) => {
    const all = events.filter((e) => e.link === l.number);
    const shown = all.filter(visible);
    return {
      link: l.number,
      name: l.name,
      phase: l.phase,
      bizStep: l.bizStep,
      covered: all.length > 0,
      events: shown,
      organisations: [...new Set(shown.map((e) => e.recordedBy))].sort(),
      firstSeen: shown[0]?.eventTime ?? null,
      lastSeen: shown[shown.length - 1]?.eventTime ?? null,
    };
  });
}

/** A lot's own events as one upstream node shows them. */
export function lotLinks(lot: LotRecord, events: readonly EventRecord[], full: boolean): { links: ProvenanceLink[]; completeness: Completeness } {
  const own = provenanceEvents({ lot, ancestors: [], eventsByLot: new Map([[lot.lotId, events]]) });
  const links = linksOf(own, () => full);
  return { links, completeness: completenessOf(links.filter((l) => l.covered).map((l) => l.link)) };
}

/** The auditor's answer (or, with detail "summary", only coverage, completeness, containment and the upstream tree). */
export function assembleProvenance(input: ProvenanceInput): Provenance {
  const stays = staysOf(input);
  const detailOfLot = (lotId: string): 'full' | 'summary' =>
    lotId === input.lot.lotId ? input.detail : (input.detailOfLot?.(lotId) ?? input.detail);
  const facilities = input.facilities ?? new Map<string, FacilityRecord>();
  const events = withFacilities(provenanceEvents(input, stays), facilities);
  const shown = events.filter((e) => detailOfLot(e.lotId) === 'full');
  const full = input.detail === 'full';
  const links = linksOf(events, (e) => detailOfLot(e.lotId) === 'full');
  const upstream = upstreamOf(input);
  const parts = full ? fullParts(input, { shown, stays, links, facilities, upstreamLots: upstream.lots }) : SUMMARY_PARTS;
  return {
    lot: lotHeader(input.lot, full, stays),
    completeness: completenessOf(links.filter((l) => l.covered).map((l) => l.link)),
    links,
    anomalies: parts.anomalies,
    detail: input.detail,
    custody: parts.custody,
    containment: containmentEntries(stays, (s) => detailOfLot(s.interval.parentLotId)),
    upstream: withUpstreamEvidence(upstream.upstream),
    upstreamTruncated: upstream.truncated,
    parties: parts.parties,
    evidence: parts.evidence,
    timeliness: parts.timeliness,
  };
}

/** The parts of the answer only full detail has. */
type FullParts = Pick<Provenance, 'anomalies' | 'custody' | 'parties' | 'evidence' | 'timeliness'>;

const SUMMARY_PARTS: FullParts = { anomalies: [], custody: [], parties: [], evidence: null, timeliness: null };

/** What fullParts works from: the shown events, the lot's stays, its links, facilities and upstream lots. */
interface FullPartsContext {
  readonly shown: readonly ProvenanceEvent[];
  readonly stays: readonly AncestorStay[];
  readonly links: ProvenanceLink[];
  readonly facilities: ReadonlyMap<string, FacilityRecord>;
  readonly upstreamLots: readonly LotRecord[];
}

/** Anomalies, custody, parties, evidence and timeliness of a full-detail answer. */
function fullParts(input: ProvenanceInput, ctx: FullPartsContext): FullParts {
  const chains = custodyChains(input);
  const rootChain = chains.get(input.lot.lotId) as CustodyInterval[];
  const facilities = [...shownGlns(ctx.shown, rootChain)].flatMap((g) => {
    const f = ctx.facilities.get(g);
    return f ? [f] : [];
  });
  return {
    anomalies: anomaliesOf(input, ctx.shown.filter((e) => e.correctedBy === null), ctx.stays, chains, ctx.upstreamLots),
    custody: custodyEntries(rootChain),
    parties: partiesOf(involvedParties(input, rootChain, ctx.shown, ctx.upstreamLots), input.profiles ?? new Map(), facilities),
    // Evidence and timeliness (evidence-policy.ts): missing documents are expected from the link's recorders or the custodian then.
    evidence: evidenceOf(input.lot.lotId, ctx.links, expectedSuppliers(ctx.links, (utc) => (utc === null ? input.lot.ownerMsp : custodianAt(rootChain, utc)))),
    timeliness: timelinessOf(ctx.links),
  };
}

/** The upstream tree, empty when none was built. */
function upstreamOf(input: ProvenanceInput): NonNullable<ProvenanceInput['upstream']> {
  return input.upstream ?? { upstream: [], truncated: false, lots: [] };
}

/** Each event with the registered facility its location names, if any. */
function withFacilities(events: ProvenanceEvent[], facilities: ReadonlyMap<string, FacilityRecord>): ProvenanceEvent[] {
  return events.map((e) => {
    const f = e.location?.gln ? facilities.get(e.location.gln) : undefined;
    return f ? { ...e, facility: facilityRef(f) } : e;
  });
}

/** The custody chain of the lot and of each container. */
function custodyChains(input: ProvenanceInput): Map<string, CustodyInterval[]> {
  const lots = new Map([input.lot, ...input.ancestors].map((l) => [l.lotId, l]));
  const chains = new Map<string, CustodyInterval[]>();
  for (const l of lots.values()) chains.set(l.lotId, custodyChain(l.ownerMsp, input.custodyOf?.get(l.lotId) ?? []));
  return chains;
}

/** The GLNs the shown events and the lot's custody chain name. */
function shownGlns(shown: readonly ProvenanceEvent[], rootChain: readonly CustodyInterval[]): Set<string> {
  return new Set<string>([
    ...shown.flatMap((e) => (e.location?.gln ? [e.location.gln] : [])),
    ...rootChain.flatMap((i) => (i.gln ? [i.gln] : [])),
  ]);
}

/** The organisations of the answer: owner, importer, custodians, recorders of shown events and owners of upstream lots. */
function involvedParties(input: ProvenanceInput, rootChain: readonly CustodyInterval[], shown: readonly ProvenanceEvent[], upstreamLots: readonly LotRecord[]): Set<string> {
  const involved = new Set<string>([
    input.lot.ownerMsp,
    ...(input.lot.importerMsp ? [input.lot.importerMsp] : []),
    ...custodians(rootChain),
    ...shown.map((e) => e.recordedBy),
    ...upstreamLotIds(upstreamOf(input).upstream).map((id) => upstreamLots.find((l) => l.lotId === id)?.ownerMsp ?? ''),
  ]);
  involved.delete('');
  return involved;
}

/** The lot as the answer shows it (EPCs only in full detail), with the containers it was inside. */
function lotHeader(lot: LotRecord, full: boolean, stays: readonly AncestorStay[]): Provenance['lot'] {
  return {
    lotId: lot.lotId,
    product: lot.product,
    htsCode: lot.htsCode,
    originCountry: lot.originCountry,
    quantity: lot.quantity,
    unit: lot.unit,
    epcs: full ? lot.epcs : [],
    ownerMsp: lot.ownerMsp,
    importerMsp: lot.importerMsp,
    packedAt: lot.packedAt,
    parentChain: [...new Set(stays.map((s) => s.interval.parentLotId))],
  };
}

/** Event anomalies of the shown live events, plus custody, containment and consumption anomalies of the lots in the answer. */
function anomaliesOf(
  input: ProvenanceInput,
  live: readonly ProvenanceEvent[],
  stays: readonly AncestorStay[],
  chains: ReadonlyMap<string, CustodyInterval[]>,
  upstreamLots: readonly LotRecord[],
): ReturnType<typeof detectAnomalies> {
  const lots = new Map([input.lot, ...input.ancestors].map((l) => [l.lotId, l]));
  const intervals = intervalsByLot(input);
  const staysByLot = new Map<string, AncestorStay[]>([[input.lot.lotId, [...stays]]]);
  const staysFrom = (lotId: string): AncestorStay[] => {
    let found = staysByLot.get(lotId);
    if (!found) {
      found = ancestorStays(lotId, (id) => intervals.get(id));
      staysByLot.set(lotId, found);
    }
    return found;
  };
  // Held: the recorder was custodian of the lot, or of a container the lot was inside, at that instant.
  const heldAt = (lotId: string, mspId: string, utc: string): boolean | undefined => {
    const lot = lots.get(lotId);
    if (lot?.schemaVersion === undefined) return undefined; // written before custody rules
    const chain = chains.get(lotId);
    if (chain && custodianAt(chain, utc) === mspId) return true;
    return allContainersAt(staysFrom(lotId), utc).some((c) => {
      const containerChain = chains.get(c);
      return containerChain !== undefined && custodianAt(containerChain, utc) === mspId;
    });
  };
  const consumption = input.consumptionOf ?? new Map<string, readonly ConsumptionRecord[]>();
  return [
    ...detectAnomalies(live, input.familyEpcs),
    ...outsideCustody(live, heldAt),
    ...[...lots.keys()].flatMap((id) => doubleContainment(intervals.get(id) ?? [])),
    ...overConsumption([input.lot, ...upstreamLots], consumption),
  ];
}

/** Link numbers covered by the events of a provenance. */
export function coveredLinks(events: ReadonlyArray<Pick<EventRecord, 'link'>>): number[] {
  return [...new Set(events.map((e) => e.link))].sort((a, b) => a - b).filter((n) => linkByNumber(n).number === n);
}

