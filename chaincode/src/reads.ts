/**
 * Store-backed reads the transactions share: required lookups that fail with a stable code, and the
 * lot view and provenance answers assembled from the store by the pure rules of provenance.ts.
 */
import { EpcFormatError, normaliseEpc } from './epc';
import { notFound, ValidationError } from './errors';
import { ID_PATTERN } from './limits';
import { provenanceDetail } from './permissions';
import { assembleProvenance, completenessOf, provenanceEvents } from './provenance';
import type { Store } from './store';
import type { Caller, EventRecord, LotRecord, LotView, Provenance, Role } from './types';

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

/** The events of a lot and of each of its ancestors, by lot id. */
async function eventsOfChain(store: Store, lot: LotRecord, ancestors: readonly LotRecord[]): Promise<Map<string, EventRecord[]>> {
  const eventsByLot = new Map<string, EventRecord[]>();
  for (const l of [lot, ...ancestors]) eventsByLot.set(l.lotId, await store.eventsOfLot(l.lotId));
  return eventsByLot;
}

/** A lot's provenance as this caller may see it (`full` or `summary`). */
export async function provenanceOf(store: Store, caller: Caller, lot: LotRecord): Promise<Provenance> {
  const detail = provenanceDetail(caller, lot);
  const ancestors = await store.ancestorsOf(lot);
  const eventsByLot = await eventsOfChain(store, lot, ancestors);
  let familyEpcs: string[] = [];
  if (detail === 'full') {
    const descendants = await store.descendantsOf(lot.lotId);
    familyEpcs = [lot, ...ancestors, ...descendants].flatMap((l) => l.epcs);
  }
  return assembleProvenance({ lot, ancestors, eventsByLot, familyEpcs, detail });
}

/**
 * Lot + link coverage. A lot without a parent: its coverage markers (12 point reads, exact).
 * A packed lot: the links of its provenance events (includes its ancestors' events since packing).
 */
export async function lotView(store: Store, lot: LotRecord): Promise<LotView> {
  let linksCovered: number[];
  if (!lot.parentLotId) {
    linksCovered = await store.coveredLinksOf(lot.lotId);
  } else {
    const ancestors = await store.ancestorsOf(lot);
    const eventsByLot = await eventsOfChain(store, lot, ancestors);
    linksCovered = [...new Set(provenanceEvents({ lot, ancestors, eventsByLot }).map((e) => e.link))].sort((a, b) => a - b);
  }
  return { lot, linksCovered, completeness: completenessOf(linksCovered) };
}
