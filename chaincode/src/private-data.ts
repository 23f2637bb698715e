/**
 * Private data (domain.md "Private data"): a lot's or an event's private fields travel in the transient
 * map, are kept in the recording organisation's implicit collection (`_implicit_org_<MSP>`), and the shared
 * record keeps only `{ hash, collection }`, hash = SHA-256(salt ‖ canonical JSON of the value).
 *
 * Fabric facts this follows: transient data is not written into the transaction, so the block holds
 * neither the value nor the salt; a write to an implicit collection needs the member organisation's
 * endorsement, so the recording organisation's peer must endorse (the gateway names it); a peer outside
 * the collection simulates the write and keeps only its hash; only a member peer can read the value back.
 */
import { createHash } from 'node:crypto';
import type { TraceabilityContext } from './context';
import { accessDenied, ValidationError } from './errors';
import { canonicalJson, KEY_TYPES, marshal, privateEventKey, privateLotKey, splitKey, unmarshal } from './keys';
import { IMPLICIT_COLLECTION_PREFIX, TRANSIENT_PRIVATE_KEY } from './limits';
import { provenanceDetail } from './permissions';
import type { Store } from './store';
import type {
  Caller, EventRecord, LotRecord, NormalisedEvent, PrivateDataView, PrivateEnvelope, PrivateMarker, PrivateRecordView, PrivateRef,
  PrivateValue, PurgeRecord, TransientPrivate,
} from './types';
import { parseTransientPrivate, validatePrivateEnvelope } from './validation';

/** Fabric's implicit collection of an organisation. */
export function implicitCollection(mspId: string): string {
  return `${IMPLICIT_COLLECTION_PREFIX}${mspId}`;
}

/** SHA-256 over the salt's bytes followed by the value's canonical JSON (sorted keys, no whitespace), hex. */
export function privateHash(value: PrivateValue, salt: string): string {
  return createHash('sha256').update(Buffer.from(salt, 'hex')).update(canonicalJson(value), 'utf8').digest('hex');
}

/** What the implicit collection holds for one record. */
interface StoredPrivate {
  value: PrivateValue;
  salt: string;
  hash: string;
}

/** The transaction's private part from the transient map (empty when none was sent). @throws INVALID_ARGUMENT */
export function transientPrivate(ctx: TraceabilityContext): TransientPrivate {
  return parseTransientPrivate(ctx.stub.getTransient().get(TRANSIENT_PRIVATE_KEY));
}

/** RegisterLot's envelope, validated; events are refused (they go with RecordEvents). */
export function lotEnvelope(sent: TransientPrivate): PrivateEnvelope | undefined {
  if (sent.events !== undefined) throw new ValidationError([{ path: 'private.events', message: 'RegisterLot takes only private.lot' }]);
  return sent.lot === undefined ? undefined : validatePrivateEnvelope(sent.lot, 'private.lot');
}

/**
 * RecordEvents' (and RecordCorrection's) envelopes by event id, each validated against its event (evidence
 * count); an envelope naming no event of the transaction is refused, so nothing private is silently dropped.
 */
export function eventEnvelopes(sent: TransientPrivate, events: readonly NormalisedEvent[]): Map<string, PrivateEnvelope> {
  if (sent.lot !== undefined) throw new ValidationError([{ path: 'private.lot', message: 'events take only private.events' }]);
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const out = new Map<string, PrivateEnvelope>();
  for (const [eventId, raw] of Object.entries(sent.events ?? {})) {
    const event = byId.get(eventId);
    const path = `private.events.${eventId}`;
    if (!event) throw new ValidationError([{ path, message: 'names no event of this transaction' }]);
    out.set(eventId, validatePrivateEnvelope(raw, path, event.evidence.length));
  }
  return out;
}

/** Writes a record's private part into the caller's implicit collection; answers what the shared record keeps. */
async function putPrivate(ctx: TraceabilityContext, key: string, envelope: PrivateEnvelope): Promise<PrivateRef> {
  const collection = implicitCollection(ctx.caller.mspId);
  const hash = privateHash(envelope.value, envelope.salt);
  const stored: StoredPrivate = { value: envelope.value, salt: envelope.salt, hash };
  await ctx.stub.putPrivateData(collection, key, marshal(stored));
  return { hash, collection };
}

/** The lot's private part, written for a newly registered lot. */
export function putLotPrivate(ctx: TraceabilityContext, lotId: string, envelope: PrivateEnvelope): Promise<PrivateRef> {
  return putPrivate(ctx, privateLotKey(lotId), envelope);
}

/** An event's private part, written for a newly recorded event (evidence URIs included). */
export function putEventPrivate(ctx: TraceabilityContext, event: NormalisedEvent, envelope: PrivateEnvelope): Promise<PrivateRef> {
  return putPrivate(ctx, privateEventKey(event.lotId, event.eventId, ctx.caller.mspId), envelope);
}

/** The earliest purge by the record's collection owner at or after the record was written (null: never purged). */
export function purgedAtOf(ref: PrivateRef, writtenAtUtc: string, purges: readonly PurgeRecord[]): string | null {
  const first = purges
    .filter((p) => p.collection === ref.collection && p.purgedAtUtc >= writtenAtUtc)
    .sort((a, b) => (a.purgedAtUtc < b.purgedAtUtc ? -1 : a.purgedAtUtc > b.purgedAtUtc ? 1 : 0))[0];
  return first ? first.purgedAt : null;
}

/** How a provenance shows a record's private data: present, hash, collection, purge time. */
export function privateMarker(ref: PrivateRef, writtenAt: string, purges: readonly PurgeRecord[]): PrivateMarker {
  return { present: true, hash: ref.hash, collection: ref.collection, purgedAt: purgedAtOf(ref, utcOf(writtenAt), purges) };
}

/** Transaction timestamps are ISO UTC with milliseconds; PRG keys use the same text. */
function utcOf(iso: string): string {
  return new Date(iso).toISOString();
}

/** Whether the caller may read an organisation's private data of a lot: auditor, full-provenance readers, the recording organisation. */
export function checkReadPrivate(caller: Caller, lot: LotRecord, mspId: string): ReturnType<typeof accessDenied> | undefined {
  if (provenanceDetail(caller, lot) === 'full') return undefined;
  if (caller.mspId === mspId && caller.role !== 'viewer') return undefined;
  return accessDenied(
    `role ${caller.role} of ${caller.mspId} may not read private data of lot ${lot.lotId}; needs auditor, broker/compliance of ${lot.ownerMsp}${lot.importerMsp ? ` or ${lot.importerMsp}` : ''}, or the organisation that recorded it`,
  );
}

/** The lot's own events recorded by `mspId` that carry private data. */
function privateEventsOf(events: readonly EventRecord[], mspId: string): EventRecord[] {
  return events.filter((e) => e.recordedBy === mspId && e.private !== undefined);
}

/**
 * GetPrivateData: an organisation's private records of a lot, read from its implicit collection. Must run
 * on that organisation's peer (the gateway targets it): another peer holds only hashes. Each record comes
 * back in clear with its salt when its stored hash matches the shared record's, else says why not.
 */
export async function readPrivateData(ctx: TraceabilityContext, lot: LotRecord, mspId: string): Promise<PrivateDataView> {
  const { store, caller } = ctx;
  const denied = checkReadPrivate(caller, lot, mspId);
  if (denied) throw denied;
  const collection = implicitCollection(mspId);
  const purges = await store.purgesOf(lot.lotId);
  const records: PrivateRecordView[] = [];
  if (lot.ownerMsp === mspId && lot.private) {
    const bytes = await ctx.stub.getPrivateData(lot.private.collection, privateLotKey(lot.lotId));
    records.push(recordOf(bytes, lot.private, privateMarker(lot.private, lot.registeredAt, purges), null));
  }
  const events = privateEventsOf(await store.eventsOfLot(lot.lotId), mspId);
  // one range read of the collection instead of a read per event (a lot may hold thousands)
  const stored = events.length === 0 ? new Map<string, Uint8Array>() : await storedEventRecords(ctx, collection, lot.lotId);
  for (const e of events) {
    const ref = e.private as PrivateRef;
    records.push(recordOf(stored.get(e.eventId), ref, privateMarker(ref, e.recordedAt, purges), e.eventId));
  }
  return { lotId: lot.lotId, mspId, collection, records };
}

/** The private event records of a lot kept in `collection` (this peer's copy), by event id. */
async function storedEventRecords(ctx: TraceabilityContext, collection: string, lotId: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  // iterated with for-await: fabric-shim's partial-key form wraps its range iterator twice, so awaiting it
  // gives no closable iterator; the async iteration closes it when done
  for await (const kv of ctx.stub.getPrivateDataByPartialCompositeKey(collection, KEY_TYPES.privateEvent, [lotId])) {
    const eventId = splitKey(kv.key).attributes[1];
    if (eventId !== undefined) out.set(eventId, kv.value);
  }
  return out;
}

/** One record as read back: in clear when its stored value still hashes to the shared record's hash, else why not. */
function recordOf(bytes: Uint8Array | undefined, ref: PrivateRef, marker: PrivateMarker, eventId: string | null): PrivateRecordView {
  const base = { scope: eventId === null ? 'lot' : 'event', eventId, hash: ref.hash, collection: ref.collection, purgedAt: marker.purgedAt } as const;
  if (bytes === undefined || bytes.length === 0) return { ...base, state: marker.purgedAt ? 'purged' : 'unavailable', value: null, salt: null };
  const stored = unmarshal(bytes) as StoredPrivate;
  // A value that no longer hashes to the shared record's hash is not answered as if it were the recorded one.
  if (privateHash(stored.value, stored.salt) !== ref.hash) return { ...base, state: 'unavailable', value: null, salt: null };
  return { ...base, state: 'present', value: stored.value, salt: stored.salt };
}

/**
 * PurgePrivateData: the caller's organisation (compliance of the lot's owner) purges its private records of
 * the lot (the lot's own and the events it recorded on it) and records the purge publicly. Hashes and events
 * stay. Records already purged are not purged again; when nothing is left, the earlier purge is answered; a
 * lot without private data of the caller's organisation answers `records: 0`, `purgedAt: null`.
 */
export async function purgeLotPrivate(
  ctx: TraceabilityContext,
  lot: LotRecord,
): Promise<{ result: { records: number; purgedAt: string | null; txId: string; alreadyPurged: boolean }; written: boolean }> {
  const { store, caller } = ctx;
  if (caller.role !== 'compliance' || caller.mspId !== lot.ownerMsp) {
    throw accessDenied(`role ${caller.role} of ${caller.mspId} may not purge private data of lot ${lot.lotId}; needs compliance of ${lot.ownerMsp}`);
  }
  const collection = implicitCollection(caller.mspId);
  const purges = await store.purgesOf(lot.lotId);
  const keys: string[] = [];
  if (lot.private && purgedAtOf(lot.private, utcOf(lot.registeredAt), purges) === null) keys.push(privateLotKey(lot.lotId));
  for (const e of privateEventsOf(await store.eventsOfLot(lot.lotId), caller.mspId)) {
    if (purgedAtOf(e.private as PrivateRef, utcOf(e.recordedAt), purges) === null) keys.push(privateEventKey(e.lotId, e.eventId, caller.mspId));
  }
  if (keys.length === 0) {
    const last = purges.filter((p) => p.collection === collection).at(-1);
    // nothing was ever private: a deletion request that finds nothing has nothing to do (and writes nothing)
    if (!last) return { result: { records: 0, purgedAt: null, txId: ctx.txId, alreadyPurged: false }, written: false };
    return { result: { records: last.records, purgedAt: last.purgedAt, txId: last.txId, alreadyPurged: true }, written: false };
  }
  for (const key of keys) await ctx.stub.purgePrivateData(collection, key);
  const purgedAt = ctx.txTime;
  const record: PurgeRecord = { lotId: lot.lotId, mspId: caller.mspId, collection, purgedAt, purgedAtUtc: utcOf(purgedAt), txId: ctx.txId, records: keys.length };
  await store.putPurge(record);
  return { result: { records: keys.length, purgedAt, txId: ctx.txId, alreadyPurged: false }, written: true };
}

/** The purges of every lot in a provenance answer, by lot id. */
export async function purgesByLot(store: Store, lotIds: Iterable<string>): Promise<Map<string, PurgeRecord[]>> {
  const out = new Map<string, PurgeRecord[]>();
  for (const id of lotIds) if (!out.has(id)) out.set(id, await store.purgesOf(id));
  return out;
}
