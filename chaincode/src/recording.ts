/**
 * What the writing transactions do between validating their input and answering: the ledger
 * checks (existence, one EPC one lot, device ownership, repeats) and the writes, through the
 * context's store. The contract checks the caller's permission first and sets the chaincode event.
 *
 * Fabric gives no read-your-own-writes inside a transaction, so every result is computed from the
 * inputs and the committed state read before writing.
 */
import type { TraceabilityContext } from './context';
import { accessDenied, conflict, notFound, ValidationError } from './errors';
import { contentHash } from './keys';
import { ID_PATTERN } from './limits';
import { checkCorrection, checkPost } from './permissions';
import { organisationRoles } from './reads';
import type { Store } from './store';
import type { DeviceRecord, EventRecord, LotRecord, NormalisedEvent, NormalisedLot, RecordedEvent } from './types';
import { validateEventBatch, validateEventInput } from './validation';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Registers a validated lot for the caller. An identical repeat by its owner answers the stored lot
 * with `created: false` and writes nothing. @throws CONFLICT (other content or owner, an EPC of
 * another lot) or NOT_FOUND (unknown parent).
 */
export async function registerLot(ctx: TraceabilityContext, input: NormalisedLot): Promise<{ lot: LotRecord; created: boolean }> {
  const { caller, store } = ctx;
  const hash = contentHash(input);
  const existing = await store.getLot(input.lotId);
  if (existing) {
    if (existing.contentHash === hash && existing.ownerMsp === caller.mspId) return { lot: existing, created: false };
    throw conflict(
      `lot ${input.lotId} is already registered by ${existing.ownerMsp} (tx ${existing.txId}) with ${existing.ownerMsp === caller.mspId ? 'different content' : 'another owner'}`,
    );
  }
  if (input.parentLotId && !(await store.getLot(input.parentLotId))) {
    throw notFound(`parentLotId: lot ${input.parentLotId} is not registered`);
  }
  for (const [i, epc] of input.epcs.entries()) {
    const owner = await store.getEpcOwner(epc);
    if (owner && owner.lotId !== input.lotId) throw conflict(`epcs[${String(i)}]: ${epc} already belongs to lot ${owner.lotId}`);
  }
  const lot: LotRecord = { ...input, ownerMsp: caller.mspId, registeredAt: ctx.txTime, txId: ctx.txId, contentHash: hash };
  await store.putLot(lot);
  return { lot, created: true };
}

/**
 * Validates and records a RecordEvents batch (the raw parsed argument): every lot registered, every
 * event permitted to the caller, every device its organisation's, then each event recorded or
 * answered as a duplicate, in input order.
 */
export async function recordEvents(ctx: TraceabilityContext, raw: unknown): Promise<RecordedEvent[]> {
  const { caller, store } = ctx;
  const lots = await preloadLots(store, Array.isArray(raw) ? raw : []);
  const events = validateEventBatch(raw, (lotId) => lots.get(lotId)?.epcs ?? []);
  const orgRoles = await organisationRoles(store, caller);
  const devices = new Map<string, DeviceRecord | undefined>();
  events.forEach((e, i) => {
    if (!lots.get(e.lotId)) throw notFound(`events[${String(i)}].lotId: lot ${e.lotId} is not registered`);
    const denied = checkPost(caller, e.link, e.kind, orgRoles);
    if (denied) throw denied;
  });
  for (const [i, e] of events.entries()) await checkDevice(ctx, devices, e, `events[${String(i)}].deviceId`);

  const results: RecordedEvent[] = [];
  const inBatch = new Map<string, RecordedEvent>();
  for (const [i, e] of events.entries()) {
    const result = await recordOne(ctx, e, inBatch, `events[${String(i)}]`);
    results.push(result);
    inBatch.set(e.eventId, result);
  }
  return results;
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
  const original = await store.getEvent(input.correctionOf as string);
  if (!original) throw notFound(`correctionOf: event ${input.correctionOf ?? ''} is not recorded`);
  const denied = checkCorrection(caller, original.recordedBy, original.eventId);
  if (denied) throw denied;
  if (input.lotId !== original.lotId) throw new ValidationError([{ path: 'lotId', message: `must be ${original.lotId}, the lot of event ${original.eventId}` }]);
  await checkDevice(ctx, new Map(), input, 'deviceId');
  const result = await recordOne(ctx, input, new Map(), '');
  return { result, original };
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

/**
 * Record one event unless its id is known: same content → `duplicate` with the first record,
 * different content → CONFLICT. Reads EID[eventId] (so two transactions racing on one id
 * conflict at commit) and writes only this event's own keys plus the blind coverage marker.
 */
async function recordOne(
  ctx: TraceabilityContext,
  e: NormalisedEvent,
  inBatch: ReadonlyMap<string, RecordedEvent>,
  path: string,
): Promise<RecordedEvent> {
  const { caller, store } = ctx;
  const hash = contentHash(e);
  const where = path ? `${path}.eventId` : 'eventId';
  const earlier = inBatch.get(e.eventId);
  if (earlier) {
    if (earlier.event.contentHash !== hash) throw conflict(`${where}: event ${e.eventId} appears twice in this batch with different content`);
    return { eventId: e.eventId, status: 'duplicate', event: earlier.event };
  }
  const pointer = await store.getPointer(e.eventId);
  if (pointer) {
    const first = await store.getEventAt(pointer);
    if (pointer.contentHash !== hash || !first) {
      throw conflict(`${where}: event ${e.eventId} is already recorded${first ? ` (tx ${first.txId})` : ''} with different content`);
    }
    return { eventId: e.eventId, status: 'duplicate', event: first };
  }
  const record: EventRecord = {
    ...e,
    recordedBy: caller.mspId,
    recordedByRole: caller.role,
    recordedAt: ctx.txTime,
    txId: ctx.txId,
    contentHash: hash,
  };
  await store.putEvent(record);
  return { eventId: e.eventId, status: 'recorded', event: record };
}
