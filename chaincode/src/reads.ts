/**
 * Store-backed reads the transactions share: required lookups that fail with a stable code, and the
 * lot view and provenance answers assembled from the store by the pure rules of provenance.ts.
 */
import type { AncestorStay } from './containment';
import { custodians, ownsOrImports } from './custody';
import { EpcFormatError, normaliseEpc } from './epc';
import { notFound, ValidationError, type ChaincodeError } from './errors';
import { ID_PATTERN, MAX_UPSTREAM_DEPTH, MAX_UPSTREAM_LOTS } from './limits';
import { checkReadEvent, provenanceDetail } from './permissions';
import { privateMarker, purgesByLot } from './private-data';
import { assembleProvenance, completenessOf, lotLinks, provenanceEvents } from './provenance';
import { CustodyView } from './scope';
import type { Store } from './store';
import type {
  Caller, ConsumptionRecord, ContainmentRecord, CustodyRecord, EventRecord, FacilityRecord, LotRecord, LotView,
  OrganisationProfile, Provenance, PurgeRecord, Role,
} from './types';
import { upstreamTree, type UpstreamData } from './upstream';

/** @throws INVALID_ARGUMENT when `value` is not an id. */
export function requireId(value: string, what: string): void {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new ValidationError([{ path: what, message: 'must be 1-128 characters of A-Za-z0-9._:-' }]);
  }
}

/** A registered lot. @throws INVALID_ARGUMENT (bad id) or NOT_FOUND. */
export async function requireLot(store: Store, lotId: string): Promise<LotRecord> {
  requireId(lotId, 'lotId');
  const lot = await store.getLot(lotId);
  if (!lot) throw notFound(`lot ${lotId} is not registered`);
  return lot;
}

/** The EPC index entry of an EPC in any spelling. @throws INVALID_ARGUMENT (unreadable) or NOT_FOUND (no lot). */
export async function requireEpcOwner(store: Store, epc: string): Promise<{ lotId: string; epc: string }> {
  let urn: string;
  try {
    urn = normaliseEpc(epc);
  } catch (err) {
    throw new ValidationError([{ path: 'epc', message: err instanceof EpcFormatError ? err.message : 'is not a readable EPC' }]);
  }
  const owner = await store.getEpcOwner(urn);
  if (!owner) throw notFound(`EPC ${urn} belongs to no registered lot`);
  return owner;
}

/** The roles a compliance caller's organisation registered (null: none registered, or not compliance). */
export async function organisationRoles(store: Store, caller: Caller): Promise<readonly Role[] | null> {
  if (caller.role !== 'compliance') return null;
  return (await store.getOrganisation(caller.mspId))?.roles ?? null;
}

/** What one provenance read loaded: the lot, its containers, their events and records. */
interface Family {
  readonly ancestors: LotRecord[];
  readonly stays: AncestorStay[];
  readonly eventsByLot: Map<string, EventRecord[]>;
  readonly containmentOf: Map<string, ContainmentRecord[]>;
  readonly custodyOf: Map<string, CustodyRecord[]>;
  readonly view: CustodyView;
}

/** The lot, every container it was inside (bounded, see containment.ts) and the events of each. */
async function familyOf(store: Store, lot: LotRecord): Promise<Family> {
  const view = new CustodyView(store, new Map([[lot.lotId, lot]]));
  const stays = await view.stays(lot);
  const ancestors: LotRecord[] = [];
  for (const id of new Set(stays.map((s) => s.interval.parentLotId))) {
    const container = await view.lot(id);
    if (container) ancestors.push(container);
  }
  const eventsByLot = new Map<string, EventRecord[]>();
  const containmentOf = new Map<string, ContainmentRecord[]>();
  const custodyOf = new Map<string, CustodyRecord[]>();
  for (const l of [lot, ...ancestors]) {
    eventsByLot.set(l.lotId, await store.eventsOfLot(l.lotId));
    containmentOf.set(l.lotId, await view.containment(l.lotId));
    custodyOf.set(l.lotId, await view.handovers(l.lotId));
  }
  return { ancestors, stays, eventsByLot, containmentOf, custodyOf, view };
}

/** A stay recorded under custody rules; or an older parent link whose child's owner held the parent. */
async function isTrustedStay(s: AncestorStay, lots: ReadonlyMap<string, LotRecord>, family: Family): Promise<boolean> {
  if (!s.interval.legacy) return true;
  const child = lots.get(s.interval.lotId);
  const parent = lots.get(s.interval.parentLotId);
  if (!child || !parent) return false;
  return ownsOrImports(child.ownerMsp, parent) || custodians(await family.view.chain(parent)).includes(child.ownerMsp);
}

/**
 * What the reader sees of each container's events: full when it may read the container itself, or
 * when it sees the lot inside it and that containment is trusted. A stay recorded under custody rules
 * is trusted (its packer held both); an older parent link only when the child's owner held the parent
 * (owner, importer or custodian), so a child registered under someone else's lot reveals nothing.
 */
async function containerDetails(caller: Caller, lot: LotRecord, family: Family, rootDetail: 'full' | 'summary'): Promise<Map<string, 'full' | 'summary'>> {
  const detail = new Map<string, 'full' | 'summary'>([[lot.lotId, rootDetail]]);
  const lots = new Map([lot, ...family.ancestors].map((l) => [l.lotId, l]));
  for (const a of family.ancestors) detail.set(a.lotId, provenanceDetail(caller, a));
  const trusted = new Map<AncestorStay, boolean>();
  for (const s of family.stays) trusted.set(s, await isTrustedStay(s, lots, family));
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of family.stays) {
      if (detail.get(s.interval.parentLotId) === 'full') continue;
      if (detail.get(s.interval.lotId) === 'full' && trusted.get(s)) {
        detail.set(s.interval.parentLotId, 'full');
        changed = true;
      }
    }
  }
  return detail;
}

/** The lot's input lots, breadth first, with their events and consumption records (bounded by limits.ts). */
async function upstreamOf(store: Store, lot: LotRecord): Promise<UpstreamData & { ordered: LotRecord[] }> {
  const lots = new Map<string, LotRecord>();
  const eventsByLot = new Map<string, EventRecord[]>();
  const consumptionOf = new Map<string, ConsumptionRecord[]>([[lot.lotId, await store.consumptionOf(lot.lotId)]]);
  const ordered: LotRecord[] = [];
  let frontier: LotRecord[] = [lot];
  for (let depth = 1; depth <= MAX_UPSTREAM_DEPTH && frontier.length > 0; depth++) {
    const next: LotRecord[] = [];
    for (const l of frontier) {
      for (const input of l.inputs ?? []) {
        if (lots.has(input.lotId) || input.lotId === lot.lotId || lots.size >= MAX_UPSTREAM_LOTS) continue;
        const found = await store.getLot(input.lotId);
        if (!found) continue;
        lots.set(found.lotId, found);
        ordered.push(found);
        eventsByLot.set(found.lotId, await store.eventsOfLot(found.lotId));
        consumptionOf.set(found.lotId, await store.consumptionOf(found.lotId));
        next.push(found);
      }
    }
    frontier = next;
  }
  return { lots, eventsByLot, consumptionOf, ordered };
}

/** A lot's provenance as this caller may see it: detail decided for the lot, each container and each upstream lot. */
export async function provenanceOf(store: Store, caller: Caller, lot: LotRecord): Promise<Provenance> {
  const detail = provenanceDetail(caller, lot);
  const family = await familyOf(store, lot);
  const details = await containerDetails(caller, lot, family, detail);
  let familyEpcs: string[] = [];
  if (detail === 'full') {
    const descendants = await store.descendantsOf(lot.lotId);
    familyEpcs = [lot, ...family.ancestors, ...descendants].flatMap((l) => l.epcs);
  }
  const up = await upstreamOf(store, lot);
  const tree = upstreamTree(
    lot, up,
    (u, parentFull) => (parentFull || provenanceDetail(caller, u) === 'full' ? 'full' : 'summary'),
    lotLinks,
    detail === 'full',
  );
  // Profiles and facilities for every organisation and GLN the answer may name (assembly keeps those it shows).
  const allEvents = [...family.eventsByLot.values()].flat();
  const mspIds = new Set<string>([
    lot.ownerMsp, ...(lot.importerMsp ? [lot.importerMsp] : []), ...allEvents.map((e) => e.recordedBy),
    ...[...family.custodyOf.values()].flat().map((c) => c.mspId), ...up.ordered.map((l) => l.ownerMsp),
  ]);
  const glns = new Set<string>([
    ...allEvents.flatMap((e) => (e.location?.gln ? [e.location.gln] : [])),
    ...[...family.custodyOf.values()].flat().flatMap((c) => (c.gln ? [c.gln] : [])),
  ]);
  const profiles = new Map<string, OrganisationProfile | undefined>();
  if (detail === 'full') for (const id of mspIds) profiles.set(id, await store.getProfile(id));
  const facilities = new Map<string, FacilityRecord>();
  for (const gln of glns) {
    const f = await store.getFacility(gln);
    if (f) facilities.set(gln, f);
  }
  const purges = await purgesByLot(store, [lot.lotId, ...family.eventsByLot.keys(), ...up.eventsByLot.keys()]);
  markPrivate(family.eventsByLot, purges);
  markPrivate(up.eventsByLot as Map<string, EventRecord[]>, purges);
  const answer = assembleProvenance({
    lot, ancestors: family.ancestors, eventsByLot: family.eventsByLot, familyEpcs, detail,
    containmentOf: family.containmentOf, custodyOf: family.custodyOf,
    detailOfLot: (id) => details.get(id) ?? 'summary',
    upstream: { ...tree, lots: up.ordered }, consumptionOf: up.consumptionOf, facilities, profiles,
  });
  if (lot.private) answer.lot.private = privateMarker(lot.private, lot.registeredAt, purges.get(lot.lotId) ?? []);
  return answer;
}

/** Replaces each event's stored private reference by the marker a provenance shows (with its purge time). */
function markPrivate(eventsByLot: Map<string, EventRecord[]>, purges: ReadonlyMap<string, readonly PurgeRecord[]>): void {
  for (const [lotId, events] of eventsByLot) {
    eventsByLot.set(lotId, events.map((e) => (e.private ? { ...e, private: privateMarker(e.private, e.recordedAt, purges.get(lotId) ?? []) } : e)));
  }
}

/**
 * Lot + link coverage. A lot never inside a container (no parentLotId, no PKD marker): its coverage
 * markers (13 point reads, exact).
 * Otherwise the links of its provenance events (its containers' events inside its stays).
 */
export async function lotView(store: Store, lot: LotRecord): Promise<LotView> {
  let linksCovered: number[];
  if (!lot.parentLotId && !(await store.wasPacked(lot.lotId))) {
    linksCovered = await store.coveredLinksOf(lot.lotId);
  } else {
    const family = await familyOf(store, lot);
    const events = provenanceEvents({ lot, ancestors: family.ancestors, eventsByLot: family.eventsByLot, containmentOf: family.containmentOf }, family.stays);
    linksCovered = [...new Set(events.map((e) => e.link))].sort((a, b) => a - b);
  }
  return { lot, linksCovered, completeness: completenessOf(linksCovered) };
}

/**
 * An event by id for this caller: ids are scoped by the recording organisation, so one id may name
 * several events. `recordedBy` picks one; without it the caller's own comes first, then the others by
 * MSP id; the first the caller may read is answered.
 * @throws NOT_FOUND (no such id) or ACCESS_DENIED (none readable)
 */
export async function readEvent(store: Store, caller: Caller, eventId: string, recordedBy?: string): Promise<EventRecord> {
  const events: EventRecord[] = [];
  for (const pointer of await store.pointersOf(eventId)) {
    const event = await store.getEventAt(pointer);
    if (event && (recordedBy === undefined || event.recordedBy === recordedBy)) events.push(event);
  }
  events.sort((a, b) => rank(a) - rank(b) || (a.recordedBy < b.recordedBy ? -1 : a.recordedBy > b.recordedBy ? 1 : 0));
  function rank(e: EventRecord): number {
    return e.recordedBy === caller.mspId ? 0 : 1;
  }
  if (events.length === 0) throw notFound(`event ${eventId} is not recorded${recordedBy ? ` by ${recordedBy}` : ''}`);
  let refusal: ChaincodeError | undefined;
  for (const event of events) {
    const denied = checkReadEvent(caller, event, await store.getLot(event.lotId));
    if (!denied) return event;
    refusal ??= denied;
  }
  throw refusal as ChaincodeError;
}
