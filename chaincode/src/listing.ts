/**
 * ListLots (and ListFacilities): one paginated partial-composite-key walk over the most selective list index of a
 * validated filter, the other filters checked per lot, and an opaque bookmark that carries
 * Fabric's bookmark together with the index it belongs to.
 */
import { ValidationError } from './errors';
import { KEY_TYPES, linkAttr } from './keys';
import { lotView } from './reads';
import type { Store } from './store';
import type { FacilityFilter, FacilityPage, FacilityRecord, LotFilter, LotPage, LotRecord } from './types';

/** A validated ListLots filter: a page size is always set. */
export type ListFilter = LotFilter & { readonly pageSize: number };

/** The list index walked: a key type and its one attribute ('' for all lots). */
export interface ListIndex {
  readonly t: string;
  readonly a: string;
}

/** What a ListLots bookmark decodes to: the index walked and Fabric's bookmark in it. */
interface ListCursor extends ListIndex {
  /** Fabric bookmark */
  readonly b: string;
}

/** The list index for a filter: the most selective one given; the rest are checked per lot. */
export function indexFor(filter: LotFilter): ListIndex {
  if (filter.ownerMsp) return { t: KEY_TYPES.owner, a: filter.ownerMsp };
  if (filter.htsCode) return { t: KEY_TYPES.hts, a: filter.htsCode };
  if (filter.originCountry) return { t: KEY_TYPES.origin, a: filter.originCountry };
  if (filter.link) return { t: KEY_TYPES.coverage, a: linkAttr(filter.link) };
  return { t: KEY_TYPES.lot, a: '' };
}

/** The ListLots bookmark for a position in an index ('' when Fabric's bookmark is). */
export function encodeBookmark(index: ListIndex, fabricBookmark: string): string {
  const cursor: ListCursor = { t: index.t, a: index.a, b: fabricBookmark };
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** Fabric's bookmark inside a ListLots bookmark of this index. @throws INVALID_ARGUMENT for another filter's or garbage. */
export function decodeBookmark(bookmark: string | undefined, index: ListIndex): string {
  if (!bookmark) return '';
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(bookmark, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError([{ path: 'bookmark', message: 'is not a bookmark from a previous page' }]);
  }
  if (!isCursor(cursor) || cursor.t !== index.t || cursor.a !== index.a) {
    throw new ValidationError([{ path: 'bookmark', message: 'belongs to a different filter' }]);
  }
  return cursor.b;
}

function isCursor(v: unknown): v is ListCursor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { b?: unknown }).b === 'string';
}

/** Whether a lot passes the filters its index did not already apply. */
async function matches(store: Store, filter: LotFilter, lotId: string, lot: LotRecord): Promise<boolean> {
  if (filter.ownerMsp && lot.ownerMsp !== filter.ownerMsp) return false;
  if (filter.htsCode && lot.htsCode !== filter.htsCode) return false;
  if (filter.originCountry && lot.originCountry !== filter.originCountry) return false;
  return !filter.link || store.hasCoverage(lotId, filter.link);
}

/**
 * One page of lots matching a filter. Fabric pages count index entries, not matches, so pages are
 * fetched until `pageSize` lots match or the index ends; the bookmark is '' on the last page.
 */
export async function listLots(store: Store, filter: ListFilter): Promise<LotPage> {
  const { items: lots, bookmark } = await walkIndex(store, indexFor(filter), filter, async (lotId) => {
    const lot = await store.getLot(lotId);
    return lot && (await matches(store, filter, lotId, lot)) ? lotView(store, lot) : undefined;
  });
  return { lots, bookmark };
}

/**
 * Walks a list index from the caller's bookmark, keeping what `pick` returns for each key, until
 * `pageSize` items are kept or the index ends (the bookmark is then '').
 */
async function walkIndex<T>(
  store: Store,
  index: ListIndex,
  page: { readonly bookmark?: string; readonly pageSize: number },
  pick: (key: string) => Promise<T | undefined>,
): Promise<{ items: T[]; bookmark: string }> {
  let fabricBookmark = decodeBookmark(page.bookmark, index);
  const attributes = index.a === '' ? [] : [index.a];
  const items: T[] = [];
  let more = true;
  while (items.length < page.pageSize && more) {
    const want = page.pageSize - items.length;
    const fetched = await store.lotIdPage(index.t, attributes, want, fabricBookmark);
    for (const key of fetched.lotIds) {
      const item = await pick(key);
      if (item !== undefined) items.push(item);
    }
    fabricBookmark = fetched.bookmark;
    more = fetched.bookmark !== '' && fetched.fetched >= want;
  }
  return { items, bookmark: more ? encodeBookmark(index, fabricBookmark) : '' };
}

/** The index ListFacilities walks: FACM[mspId] when an organisation is given, else FACC[country], else every FAC. */
function facilityIndex(filter: FacilityFilter): ListIndex {
  if (filter.mspId) return { t: KEY_TYPES.facilityByMsp, a: filter.mspId };
  if (filter.country) return { t: KEY_TYPES.facilityByCountry, a: filter.country };
  return { t: KEY_TYPES.facility, a: '' };
}

/** Whether a facility passes both parts of the filter (the walked index covers only one). */
function matchesFacilityFilter(f: FacilityRecord, filter: FacilityFilter): boolean {
  return (!filter.mspId || f.mspId === filter.mspId) && (!filter.country || f.country === filter.country);
}

/**
 * One page of facilities: walks FACM[mspId] when an organisation is given, else FACC[country], else
 * every FAC; the other filter is checked per facility. Same bookmark rules as ListLots.
 */
export async function listFacilities(store: Store, filter: FacilityFilter & { readonly pageSize: number }): Promise<FacilityPage> {
  const { items: facilities, bookmark } = await walkIndex(store, facilityIndex(filter), filter, async (gln) => {
    const f = await store.getFacility(gln);
    return f && matchesFacilityFilter(f, filter) ? f : undefined;
  });
  return { facilities, bookmark };
}
