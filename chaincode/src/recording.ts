/**
 * What the writing transactions do between validating their input and answering: the ledger
 * checks (existence, one EPC one lot, device ownership, repeats) and the writes, through the
 * context's store. The contract checks the caller's permission first and sets the chaincode event.
 *
 * Fabric gives no read-your-own-writes inside a transaction, so every result is computed from the
 * inputs and the committed state read before writing.
 */
import { allContainersAt } from './containment';
import type { TraceabilityContext } from './context';
import { checkHandover, WRITE_SCOPE_RULE } from './custody';
import { accessDenied, conflict, notFound, ValidationError } from './errors';
import { contentHash } from './keys';
import { ID_PATTERN } from './limits';
import { checkCorrection, checkPost } from './permissions';
import { organisationRoles } from './reads';
import { CustodyView } from './scope';
import type { Store } from './store';
import { eventEnvelopes, lotEnvelope, putEventPrivate, putLotPrivate, transientPrivate } from './private-data';
import { parseInstant } from './time';
import {
  LOT_SCHEMA_VERSION,
  type ContainmentRecord, type CustodyRecord, type DeviceRecord, type EventRecord, type LotRecord, type NormalisedEvent,
  type LotInputItem, type NormalisedLot, type PrivateEnvelope, type RecordedEvent,
} from './types';
import { validateEventBatch, validateEventInput } from './validation';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The UTC key of an instant the contract produced or validated. */
function utcOf(instant: string): string {
  const parsed = parseInstant(instant);
  if (!parsed) throw new RangeError(`not an instant: ${instant}`);
  return parsed.utcKey;
}

/**
 * Registers a validated lot for the caller. An identical repeat by its owner answers the stored lot
 * with `created: false` and writes nothing. A `parentLotId` is a pack at `packedAt` (else now): the
 * caller must hold custody of the parent then. Each input must be a registered lot in the caller's
 * custody now, in that lot's unit; what it consumes is written as one USE key per input.
 * @throws CONFLICT (other content or owner, an EPC of another lot), NOT_FOUND (unknown parent or
 * input), INVALID_ARGUMENT (input unit), ACCESS_DENIED (custody of parent or input).
 */
export async function registerLot(ctx: TraceabilityContext, input: NormalisedLot): Promise<{ lot: LotRecord; created: boolean }> {
  const { caller, store } = ctx;
  const hash = contentHash(input);
  const envelope = lotEnvelope(transientPrivate(ctx));
  const existing = await store.getLot(input.lotId);
  // A repeat answers the stored lot and writes nothing, private part included (its hash is already on the lot).
  if (existing) return { lot: sameLotOrConflict(caller, input, existing, hash), created: false };
  const view = new CustodyView(store);
  const pack = input.parentLotId ? await packIntoParent(ctx, view, input, input.parentLotId) : undefined;
  await checkInputsHeld(ctx, view, input.inputs ?? []);
  await checkEpcsFree(store, input);
  const lot: LotRecord = {
    ...input, ownerMsp: caller.mspId, registeredAt: ctx.txTime, txId: ctx.txId, contentHash: hash, schemaVersion: LOT_SCHEMA_VERSION,
  };
  if (envelope) lot.private = await putLotPrivate(ctx, lot.lotId, envelope);
  await store.putLot(lot);
  if (pack) await store.putContainment(pack);
  for (const item of input.inputs ?? []) {
    await store.putConsumption({ inputLotId: item.lotId, consumerLotId: lot.lotId, quantity: item.quantity, unit: item.unit, txId: ctx.txId });
  }
  return { lot, created: true };
}

/** A repeated registration answers the lot already there; other content or another owner is a CONFLICT. */
function sameLotOrConflict(caller: TraceabilityContext['caller'], input: NormalisedLot, existing: LotRecord, hash: string): LotRecord {
  if (existing.contentHash === hash && existing.ownerMsp === caller.mspId) return existing;
  throw conflict(
    `lot ${input.lotId} is already registered by ${existing.ownerMsp} (tx ${existing.txId}) with ${existing.ownerMsp === caller.mspId ? 'different content' : 'another owner'}`,
  );
}

/** The pack of a new lot into its parent at `packedAt` (else now); the caller must hold custody of the parent then. */
async function packIntoParent(ctx: TraceabilityContext, view: CustodyView, input: NormalisedLot, parentLotId: string): Promise<ContainmentRecord> {
  const { caller } = ctx;
  const parent = await view.lot(parentLotId);
  if (!parent) throw notFound(`parentLotId: lot ${parentLotId} is not registered`);
  const at = input.packedAt ?? ctx.txTime;
  const atUtc = utcOf(at);
  if (!(await view.holdsAt(parent, caller.mspId, atUtc))) {
    throw accessDenied(
      `parentLotId: registering a lot inside lot ${parent.lotId} packs it at ${at}; ${caller.mspId} did not hold custody of ${parent.lotId} then (the packer must hold custody of the container and of every lot packed)`,
    );
  }
  return { childLotId: input.lotId, parentLotId: parent.lotId, action: 'pack', at, atUtc, eventId: null, recordedBy: caller.mspId, txId: ctx.txId };
}

/** Each input must be a registered lot, in that lot's unit, in the caller's custody now. */
async function checkInputsHeld(ctx: TraceabilityContext, view: CustodyView, inputs: readonly LotInputItem[]): Promise<void> {
  const { caller } = ctx;
  const nowUtc = utcOf(ctx.txTime);
  for (const [i, item] of inputs.entries()) {
    const used = await view.lot(item.lotId);
    if (!used) throw notFound(`inputs[${String(i)}].lotId: lot ${item.lotId} is not registered`);
    if (used.unit !== item.unit) throw new ValidationError([{ path: `inputs[${String(i)}].unit`, message: `must be ${used.unit}, the unit of lot ${used.lotId}` }]);
    if (!(await view.holdsAt(used, caller.mspId, nowUtc))) {
      throw accessDenied(`inputs[${String(i)}].lotId: ${caller.mspId} does not hold custody of lot ${used.lotId}; a lot is made only from lots in its registrant's custody`);
    }
  }
}

/** No EPC of the new lot may already belong to another lot. */
async function checkEpcsFree(store: Store, input: NormalisedLot): Promise<void> {
  for (const [i, epc] of input.epcs.entries()) {
    const owner = await store.getEpcOwner(epc);
    if (owner && owner.lotId !== input.lotId) throw conflict(`epcs[${String(i)}]: ${epc} already belongs to lot ${owner.lotId}`);
  }
}

/**
 * Validates and records a RecordEvents batch (the raw parsed argument): every lot registered, every
 * event permitted to the caller's role, every device its organisation's; then, in input order, each
 * event answered as a duplicate of the caller's earlier one or checked against the write scope
 * (and, for handovers and aggregations, custody) and recorded.
 */
export async function recordEvents(ctx: TraceabilityContext, raw: unknown): Promise<RecordedEvent[]> {
  const { caller, store } = ctx;
  const lots = await preloadLots(store, Array.isArray(raw) ? raw : []);
  const events = validateEventBatch(raw, (lotId) => lots.get(lotId)?.epcs ?? []);
  const envelopes = eventEnvelopes(transientPrivate(ctx), events);
  const orgRoles = await organisationRoles(store, caller);
  const devices = new Map<string, DeviceRecord | undefined>();
  events.forEach((e, i) => {
    if (!lots.get(e.lotId)) throw notFound(`events[${String(i)}].lotId: lot ${e.lotId} is not registered`);
    const denied = checkPost(caller, e.link, e.kind, orgRoles);
    if (denied) throw denied;
  });
  for (const [i, e] of events.entries()) await checkDevice(ctx, devices, e, `events[${String(i)}].deviceId`);

  const view = new CustodyView(store, lots);
  const inScope = new Map<string, boolean>();
  const results: RecordedEvent[] = [];
  const inBatch = new Map<string, RecordedEvent>();
  for (const [i, e] of events.entries()) {
    const path = `events[${String(i)}]`;
    const result =
      (await findRepeat(ctx, e, inBatch, path)) ?? (await recordNew(ctx, view, inScope, e, lots.get(e.lotId) as LotRecord, path, envelopes.get(e.eventId)));
    results.push(result);
    inBatch.set(e.eventId, result);
  }
  return results;
}

/** Write scope, then the custody rules of handovers and aggregations, then the writes. */
async function recordNew(
  ctx: TraceabilityContext,
  view: CustodyView,
  inScope: Map<string, boolean>,
  e: NormalisedEvent,
  lot: LotRecord,
  path: string,
  envelope: PrivateEnvelope | undefined,
): Promise<RecordedEvent> {
  const { caller } = ctx;
  if (!inScope.has(lot.lotId)) inScope.set(lot.lotId, await view.inWriteScope(lot, caller.mspId));
  if (!inScope.get(lot.lotId)) throw accessDenied(`${path}: ${caller.mspId} may not post on lot ${lot.lotId}; ${WRITE_SCOPE_RULE}`);
  if (e.kind === 'handover' && e.handoverTo) await recordHandover(ctx, view, e, lot, path);
  if (e.kind === 'aggregation') await recordAggregation(ctx, view, e, lot, path);
  return writeEvent(ctx, e, envelope);
}

/** A handover naming handoverTo: custody rule checked, one CUS key written. */
async function recordHandover(ctx: TraceabilityContext, view: CustodyView, e: NormalisedEvent, lot: LotRecord, path: string): Promise<void> {
  const { caller } = ctx;
  const holds = await view.holdsAt(lot, caller.mspId, e.eventTimeUtc);
  const denied = checkHandover(caller, lot, await view.chain(lot), e, holds, path);
  if (denied) throw denied;
  const record: CustodyRecord = {
    lotId: lot.lotId, mspId: e.handoverTo as string, gln: e.handoverToGln ?? null, from: e.eventTime, fromUtc: e.eventTimeUtc,
    eventId: e.eventId, recordedBy: caller.mspId, txId: ctx.txId,
  };
  await ctx.store.putCustody(record);
  await view.addHandover(record);
}

/**
 * A pack or unpack: the poster holds custody of the container and of every child at the event time;
 * a pack may not put a container inside its own content. One CON key per child.
 */
async function recordAggregation(ctx: TraceabilityContext, view: CustodyView, e: NormalisedEvent, parent: LotRecord, path: string): Promise<void> {
  const { caller } = ctx;
  const rule = 'the packer must hold custody of the container and of every lot packed';
  if (!(await view.holdsAt(parent, caller.mspId, e.eventTimeUtc))) {
    throw accessDenied(`${path}: ${caller.mspId} did not hold custody of container ${parent.lotId} at ${e.eventTime}; ${rule}`);
  }
  const children = e.childLotIds ?? [];
  const enclosing = e.action === 'pack' ? allContainersAt(await view.stays(parent), e.eventTimeUtc) : [];
  for (const [j, childId] of children.entries()) {
    const child = await view.lot(childId);
    if (!child) throw notFound(`${path}.childLotIds[${String(j)}]: lot ${childId} is not registered`);
    if (!(await view.holdsAt(child, caller.mspId, e.eventTimeUtc))) {
      throw accessDenied(`${path}.childLotIds[${String(j)}]: ${caller.mspId} did not hold custody of lot ${childId} at ${e.eventTime}; ${rule}`);
    }
    if (enclosing.includes(childId)) {
      throw conflict(`${path}.childLotIds[${String(j)}]: lot ${parent.lotId} is inside lot ${childId} at ${e.eventTime}; a container cannot be packed into its own content`);
    }
  }
  for (const childId of children) {
    const record: ContainmentRecord = {
      childLotId: childId, parentLotId: parent.lotId, action: e.action as ContainmentRecord['action'], at: e.eventTime,
      atUtc: e.eventTimeUtc, eventId: e.eventId, recordedBy: caller.mspId, txId: ctx.txId,
    };
    await ctx.store.putContainment(record);
    await view.addContainment(record);
  }
}

/**
 * Validates and records a correction (the raw parsed argument) of an event the caller's MSP recorded,
 * on the original's lot. The caller's role was checked by the contract before parsing.
 * @returns the recorded (or duplicate) correction and the event it corrects.
 */
export async function recordCorrection(ctx: TraceabilityContext, raw: unknown): Promise<{ result: RecordedEvent; original: EventRecord }> {
  const { caller, store } = ctx;
  const lots = await preloadLots(store, [raw]);
  const lotIdGiven = isRecord(raw) && typeof raw.lotId === 'string' ? raw.lotId : '';
  const input = validateEventInput(raw, { correction: true, knownEpcs: lots.get(lotIdGiven)?.epcs ?? [] });
  const correctionOf = input.correctionOf as string;
  const original = (await ownEvent(store, correctionOf, caller.mspId)) ?? (await anyEvent(store, correctionOf));
  if (!original) throw notFound(`correctionOf: event ${correctionOf} is not recorded`);
  const denied = checkCorrection(caller, original.recordedBy, original.eventId);
  if (denied) throw denied;
  if (input.lotId !== original.lotId) throw new ValidationError([{ path: 'lotId', message: `must be ${original.lotId}, the lot of event ${original.eventId}` }]);
  await checkDevice(ctx, new Map(), input, 'deviceId');
  const envelope = eventEnvelopes(transientPrivate(ctx), [input]).get(input.eventId);
  const result = (await findRepeat(ctx, input, new Map(), '')) ?? (await writeEvent(ctx, input, envelope));
  return { result, original };
}

/** The event an organisation recorded under an id (scoped pointer, else an older unscoped one it recorded). */
export async function ownEvent(store: Store, eventId: string, mspId: string): Promise<EventRecord | undefined> {
  const pointer = await store.getPointer(eventId, mspId);
  if (pointer) return store.getEventAt(pointer);
  const legacy = await store.getLegacyPointer(eventId);
  const event = legacy ? await store.getEventAt(legacy) : undefined;
  return event?.recordedBy === mspId ? event : undefined;
}

/** Some organisation's event under an id (to name who recorded it in a refusal). */
async function anyEvent(store: Store, eventId: string): Promise<EventRecord | undefined> {
  for (const pointer of await store.pointersOf(eventId)) {
    const event = await store.getEventAt(pointer);
    if (event) return event;
  }
  return undefined;
}

/** Read the lots named by well-formed lotIds in raw inputs (before validation, for EPC resolution). */
async function preloadLots(store: Store, raws: readonly unknown[]): Promise<Map<string, LotRecord | undefined>> {
  const lots = new Map<string, LotRecord | undefined>();
  for (const raw of raws) {
    const lotId = isRecord(raw) && typeof raw.lotId === 'string' && ID_PATTERN.test(raw.lotId) ? raw.lotId : undefined;
    if (lotId && !lots.has(lotId)) lots.set(lotId, await store.getLot(lotId));
  }
  return lots;
}

/** A device registered to another organisation may not be used by this one. */
async function checkDevice(
  ctx: TraceabilityContext,
  cache: Map<string, DeviceRecord | undefined>,
  e: NormalisedEvent,
  path: string,
): Promise<void> {
  if (!e.deviceId) return;
  if (!cache.has(e.deviceId)) cache.set(e.deviceId, await ctx.store.getDevice(e.deviceId));
  const device = cache.get(e.deviceId);
  const { mspId } = ctx.caller;
  if (device && device.mspId !== mspId) {
    throw accessDenied(`${path}: device ${e.deviceId} is registered to ${device.mspId}, not ${mspId}`);
  }
}

/** Content hashes of this invocation's events: the repeat check and the write hash each event once (the same object, the same hash). */
const eventHashes = new WeakMap<NormalisedEvent, string>();

function eventHash(e: NormalisedEvent): string {
  let hash = eventHashes.get(e);
  if (hash === undefined) {
    hash = contentHash(e);
    eventHashes.set(e, hash);
  }
  return hash;
}

/**
 * The caller's earlier event with this id, if any: same content → `duplicate` with the first record,
 * different content → CONFLICT. Ids are scoped by organisation: it reads EID[eventId, caller] (so two
 * transactions of one organisation racing on one id conflict at commit) and the older EID[eventId],
 * which counts only if the caller recorded it; another organisation's ids are never seen.
 */
async function findRepeat(
  ctx: TraceabilityContext,
  e: NormalisedEvent,
  inBatch: ReadonlyMap<string, RecordedEvent>,
  path: string,
): Promise<RecordedEvent | undefined> {
  const hash = eventHash(e);
  const where = path ? `${path}.eventId` : 'eventId';
  const earlier = inBatch.get(e.eventId);
  if (earlier) {
    if (earlier.event.contentHash !== hash) throw conflict(`${where}: event ${e.eventId} appears twice in this batch with different content`);
    return { eventId: e.eventId, status: 'duplicate', event: earlier.event };
  }
  const first = await ownEvent(ctx.store, e.eventId, ctx.caller.mspId);
  if (!first) return undefined;
  if (first.contentHash !== hash) throw conflict(`${where}: event ${e.eventId} is already recorded (tx ${first.txId}) with different content`);
  return { eventId: e.eventId, status: 'duplicate', event: first };
}

/**
 * Writes a new event: its own keys plus the blind coverage marker, and its private part (if sent) into the
 * caller's implicit collection, the record keeping only its hash. The content hash covers the public input only.
 */
async function writeEvent(ctx: TraceabilityContext, e: NormalisedEvent, envelope?: PrivateEnvelope): Promise<RecordedEvent> {
  const { caller, store } = ctx;
  const record: EventRecord = {
    ...e,
    recordedBy: caller.mspId,
    recordedByRole: caller.role,
    recordedAt: ctx.txTime,
    txId: ctx.txId,
    contentHash: eventHash(e),
  };
  if (envelope) record.private = await putEventPrivate(ctx, e, envelope);
  await store.putEvent(record);
  return { eventId: e.eventId, status: 'recorded', event: record };
}
