/**
 * The acetrace contract: thin transaction functions. Rules live in the pure modules
 * (validation, permissions, provenance, anomalies); ledger access in store.ts.
 *
 * Fabric gives no read-your-own-writes inside a transaction, so every result is computed
 * from the inputs and the committed state read before writing.
 */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { EpcFormatError, normaliseEpc } from './epc';
import { accessDenied, ChaincodeError, conflict, invalidArgument, notFound, ValidationError } from './errors';
import { CHAINCODE_EVENTS, type ChaincodeEventName, type ChaincodeEventPayload } from './events';
import { contentHash, KEY_TYPES, marshal } from './keys';
import {
  checkAdmin, checkCorrection, checkPost, checkReadEvent, checkReadHistory, checkRegisterLot, provenanceDetail,
} from './permissions';
import { assembleProvenance, completenessOf, provenanceEvents } from './provenance';
import { Store } from './store';
import { timestampToIso } from './time';
import {
  ROLES, ROLE_ATTRIBUTE,
  type Caller, type DeviceRecord, type EventRecord, type HistoryEntry, type LotFilter, type LotPage, type LotRecord,
  type LotView, type NormalisedEvent, type OrganisationRecord, type Provenance, type RecordedEvent, type Role,
} from './types';
import {
  lotFilterFromJson, parseJsonArgument, validateDeviceInput, validateEventBatch, validateEventInput,
  validateLotInput, validateOrganisationInput,
} from './validation';
import { ID_PATTERN } from './limits';


@Info({ title: 'acetrace', description: 'Cross-border supply-chain traceability: lots, events on 12 links, provenance' })
export class TraceabilityContract extends Contract {
  constructor() {
    super('acetrace');
  }

  /** Unknown function names answer with a stable code instead of the library's sentence. */
  override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(invalidArgument(`unknown transaction ${fcn}`));
  }

  // ---- submit transactions ------------------------------------------------------------

  @Transaction()
  @Returns('string')
  async RegisterLot(ctx: Context, lotJson: string): Promise<string> {
    return guard(async () => {
      const caller = callerOf(ctx);
      const store = new Store(ctx.stub);
      const denied = checkRegisterLot(caller, await organisationRoles(store, caller));
      if (denied) throw denied;
      const input = validateLotInput(parseJsonArgument(lotJson, 'lot'));
      const hash = contentHash(input);
      const existing = await store.getLot(input.lotId);
      if (existing) {
        if (existing.contentHash === hash && existing.ownerMsp === caller.mspId) return json({ lot: existing, created: false });
        throw conflict(
          `lot ${input.lotId} is already registered by ${existing.ownerMsp} (tx ${existing.txId}) with ${existing.ownerMsp === caller.mspId ? 'different content' : 'another owner'}`,
        );
      }
      if (input.parentLotId && !(await store.getLot(input.parentLotId))) {
        throw notFound(`parentLotId: lot ${input.parentLotId} is not registered`);
      }
      for (const [i, epc] of input.epcs.entries()) {
        const owner = await store.getEpcOwner(epc);
        if (owner && owner.lotId !== input.lotId) throw conflict(`epcs[${i}]: ${epc} already belongs to lot ${owner.lotId}`);
      }
      const lot: LotRecord = { ...input, ownerMsp: caller.mspId, registeredAt: txTime(ctx), txId: ctx.stub.getTxID(), contentHash: hash };
      await store.putLot(lot);
      emit(ctx, CHAINCODE_EVENTS.LotRegistered, caller, [lot.lotId], [], { parentLotId: lot.parentLotId });
      return json({ lot, created: true });
    });
  }

  @Transaction()
  @Returns('string')
  async RecordEvents(ctx: Context, eventsJson: string): Promise<string> {
    return guard(async () => {
      const caller = callerOf(ctx);
      const store = new Store(ctx.stub);
      const raw = parseJsonArgument(eventsJson, 'events');
      const lots = await preloadLots(store, Array.isArray(raw) ? raw : []);
      const events = validateEventBatch(raw, (lotId) => lots.get(lotId)?.epcs ?? []);
      const orgRoles = await organisationRoles(store, caller);
      const devices = new Map<string, DeviceRecord | undefined>();
      events.forEach((e, i) => {
        if (!lots.get(e.lotId)) throw notFound(`events[${i}].lotId: lot ${e.lotId} is not registered`);
        const denied = checkPost(caller, e.link, e.kind, orgRoles);
        if (denied) throw denied;
      });
      for (const [i, e] of events.entries()) await checkDevice(store, devices, caller, e, `events[${i}].deviceId`);

      const results: RecordedEvent[] = [];
      const inBatch = new Map<string, RecordedEvent>();
      const written: EventRecord[] = [];
      for (const [i, e] of events.entries()) {
        const result = await recordOne(ctx, store, caller, e, inBatch, `events[${i}]`);
        results.push(result);
        if (result.status === 'recorded') written.push(result.event);
        inBatch.set(e.eventId, result);
      }
      if (written.length > 0) {
        emit(ctx, CHAINCODE_EVENTS.EventsRecorded, caller, unique(written.map((e) => e.lotId)), written.map((e) => e.eventId), {
          links: unique(written.map((e) => e.link)).sort((a, b) => a - b),
          duplicates: results.filter((r) => r.status === 'duplicate').map((r) => r.eventId),
        });
      }
      return json(results);
    });
  }

  @Transaction()
  @Returns('string')
  async RecordCorrection(ctx: Context, correctionJson: string): Promise<string> {
    return guard(async () => {
      const caller = callerOf(ctx);
      if (caller.role !== 'compliance') throw checkCorrection(caller, '', '') as ChaincodeError;
      const store = new Store(ctx.stub);
      const raw = parseJsonArgument(correctionJson, 'correction');
      const lots = await preloadLots(store, [raw]);
      const lotIdGiven = isRecord(raw) && typeof raw.lotId === 'string' ? raw.lotId : '';
      const input = validateEventInput(raw, { correction: true, knownEpcs: lots.get(lotIdGiven)?.epcs ?? [] });
      const original = await store.getEvent(input.correctionOf as string);
      if (!original) throw notFound(`correctionOf: event ${input.correctionOf ?? ''} is not recorded`);
      const denied = checkCorrection(caller, original.recordedBy, original.eventId);
      if (denied) throw denied;
      if (input.lotId !== original.lotId) throw new ValidationError([{ path: 'lotId', message: `must be ${original.lotId}, the lot of event ${original.eventId}` }]);
      await checkDevice(store, new Map(), caller, input, 'deviceId');
      const result = await recordOne(ctx, store, caller, input, new Map(), '');
      if (result.status === 'recorded') {
        emit(ctx, CHAINCODE_EVENTS.CorrectionRecorded, caller, [input.lotId], [input.eventId], { correctionOf: original.eventId, link: input.link });
      }
      return json(result);
    });
  }

  @Transaction()
  @Returns('string')
  async RegisterDevice(ctx: Context, deviceJson: string): Promise<string> {
    return guard(async () => {
      const caller = callerOf(ctx);
      const denied = checkAdmin(caller, 'register devices');
      if (denied) throw denied;
      const input = validateDeviceInput(parseJsonArgument(deviceJson, 'device'));
      const device: DeviceRecord = {
        deviceId: input.deviceId,
        mspId: input.mspId ?? caller.mspId,
        link: input.link,
        location: input.location,
        registeredBy: caller.mspId,
        registeredAt: txTime(ctx),
        txId: ctx.stub.getTxID(),
      };
      await new Store(ctx.stub).putDevice(device);
      emit(ctx, CHAINCODE_EVENTS.DeviceRegistered, caller, [], [], { deviceId: device.deviceId, mspId: device.mspId });
      return json(device);
    });
  }

  /** Admin: the roles an organisation holds (what its compliance officers may act as). */
  @Transaction()
  @Returns('string')
  async RegisterOrganisation(ctx: Context, organisationJson: string): Promise<string> {
    return guard(async () => {
      const caller = callerOf(ctx);
      const denied = checkAdmin(caller, 'register organisations');
      if (denied) throw denied;
      const input = validateOrganisationInput(parseJsonArgument(organisationJson, 'organisation'));
      const record: OrganisationRecord = { ...input, registeredBy: caller.mspId, registeredAt: txTime(ctx), txId: ctx.stub.getTxID() };
      await new Store(ctx.stub).putOrganisation(record);
      emit(ctx, CHAINCODE_EVENTS.OrganisationRegistered, caller, [], [], { mspId: record.mspId, roles: record.roles });
      return json(record);
    });
  }

  // ---- evaluate transactions ----------------------------------------------------------

  @Transaction(false)
  @Returns('string')
  async ReadLot(ctx: Context, lotId: string): Promise<string> {
    return guard(async () => {
      callerOf(ctx);
      const store = new Store(ctx.stub);
      return json(await lotView(store, await requireLot(store, lotId)));
    });
  }

  @Transaction(false)
  @Returns('string')
  async GetEvent(ctx: Context, eventId: string): Promise<string> {
    return guard(async () => {
      const caller = callerOf(ctx);
      requireId(eventId, 'eventId');
      const store = new Store(ctx.stub);
      const event = await store.getEvent(eventId);
      if (!event) throw notFound(`event ${eventId} is not recorded`);
      const denied = checkReadEvent(caller, event, await store.getLot(event.lotId));
      if (denied) throw denied;
      return json(event);
    });
  }

  @Transaction(false)
  @Returns('string')
  async GetProvenance(ctx: Context, lotId: string): Promise<string> {
    return guard(async () => {
      const caller = callerOf(ctx);
      const store = new Store(ctx.stub);
      return json(await provenanceOf(store, caller, await requireLot(store, lotId)));
    });
  }

  @Transaction(false)
  @Returns('string')
  async GetProvenanceByEpc(ctx: Context, epc: string): Promise<string> {
    return guard(async () => {
      const caller = callerOf(ctx);
      const store = new Store(ctx.stub);
      const owner = await requireEpcOwner(store, epc);
      return json(await provenanceOf(store, caller, await requireLot(store, owner.lotId)));
    });
  }

  /**
   * The lot an EPC (any spelling) belongs to, as ReadLot answers it: one EPC index read, the lot and its
   * coverage (no event range unless the lot was packed from a parent). For callers that need the lot, not its
   * provenance (the gateway's POST /v1/readings). Any role, like ReadLot.
   */
  @Transaction(false)
  @Returns('string')
  async GetLotByEpc(ctx: Context, epc: string): Promise<string> {
    return guard(async () => {
      callerOf(ctx);
      const store = new Store(ctx.stub);
      const owner = await requireEpcOwner(store, epc);
      return json(await lotView(store, await requireLot(store, owner.lotId)));
    });
  }

  @Transaction(false)
  @Returns('string')
  async GetLotHistory(ctx: Context, lotId: string): Promise<string> {
    return guard(async () => {
      const caller = callerOf(ctx);
      const store = new Store(ctx.stub);
      const lot = await requireLot(store, lotId);
      const denied = checkReadHistory(caller, lot);
      if (denied) throw denied;
      const history: HistoryEntry[] = await store.lotHistory(lotId);
      return json(history);
    });
  }

  @Transaction(false)
  @Returns('string')
  async ListLots(ctx: Context, filterJson: string): Promise<string> {
    return guard(async () => {
      callerOf(ctx);
      const filter = lotFilterFromJson(filterJson);
      return json(await listLots(new Store(ctx.stub), filter));
    });
  }
}

// ---- helpers (module-private: not transactions) ----------------------------------------

/** Every failure leaves with a stable code; anything unexpected is reported, not leaked. */
async function guard(body: () => Promise<string>): Promise<string> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof ChaincodeError) throw err;
    throw new Error(`INTERNAL: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * A transaction's answer. Answers are assembled by this code in a fixed property order, so plain
 * JSON.stringify is already deterministic across endorsers; the key-sorting marshal is kept for
 * what is written (state, events), where it costs little, and skipped here, where a 1,200-event
 * provenance answer would pay for sorting every key of every event.
 */
function json(value: unknown): string {
  return JSON.stringify(value);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function txTime(ctx: Context): string {
  return timestampToIso(ctx.stub.getTxTimestamp());
}

/** The signer: MSP id and `acetrace.role` from its certificate. */
export function callerOf(ctx: Context): Caller {
  const mspId = ctx.clientIdentity.getMSPID();
  const role = ctx.clientIdentity.getAttributeValue(ROLE_ATTRIBUTE);
  if (!role) throw accessDenied(`identity of ${mspId} has no ${ROLE_ATTRIBUTE} attribute; needs one of ${ROLES.join(', ')}`);
  if (!(ROLES as readonly string[]).includes(role)) {
    throw accessDenied(`identity of ${mspId} has unknown role ${role}; needs one of ${ROLES.join(', ')}`);
  }
  return { mspId, role: role as Role };
}

async function organisationRoles(store: Store, caller: Caller): Promise<readonly Role[] | null> {
  if (caller.role !== 'compliance') return null;
  return (await store.getOrganisation(caller.mspId))?.roles ?? null;
}

function requireId(value: string, what: string): void {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new ValidationError([{ path: what, message: 'must be 1-128 characters of A-Za-z0-9._:-' }]);
  }
}

async function requireLot(store: Store, lotId: string): Promise<LotRecord> {
  requireId(lotId, 'lotId');
  const lot = await store.getLot(lotId);
  if (!lot) throw notFound(`lot ${lotId} is not registered`);
  return lot;
}

/** The EPC index entry of an EPC in any spelling. @throws INVALID_ARGUMENT (unreadable) or NOT_FOUND (no lot). */
async function requireEpcOwner(store: Store, epc: string): Promise<{ lotId: string; epc: string }> {
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
  store: Store,
  cache: Map<string, DeviceRecord | undefined>,
  caller: Caller,
  e: NormalisedEvent,
  path: string,
): Promise<void> {
  if (!e.deviceId) return;
  if (!cache.has(e.deviceId)) cache.set(e.deviceId, await store.getDevice(e.deviceId));
  const device = cache.get(e.deviceId);
  if (device && device.mspId !== caller.mspId) {
    throw accessDenied(`${path}: device ${e.deviceId} is registered to ${device.mspId}, not ${caller.mspId}`);
  }
}

/**
 * Record one event unless its id is known: same content → `duplicate` with the first record,
 * different content → CONFLICT. Reads EID[eventId] (so two transactions racing on one id
 * conflict at commit) and writes only this event's own keys plus the blind coverage marker.
 */
async function recordOne(
  ctx: Context,
  store: Store,
  caller: Caller,
  e: NormalisedEvent,
  inBatch: ReadonlyMap<string, RecordedEvent>,
  path: string,
): Promise<RecordedEvent> {
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
    recordedAt: txTime(ctx),
    txId: ctx.stub.getTxID(),
    contentHash: hash,
  };
  await store.putEvent(record);
  return { eventId: e.eventId, status: 'recorded', event: record };
}

function emit(
  ctx: Context,
  type: ChaincodeEventName,
  caller: Caller,
  lotIds: string[],
  eventIds: string[],
  extra: Record<string, unknown>,
): void {
  const payload: ChaincodeEventPayload = { ...extra, type, lotIds, eventIds, recordedBy: caller.mspId, txId: ctx.stub.getTxID() };
  ctx.stub.setEvent(type, marshal(payload));
}

async function provenanceOf(store: Store, caller: Caller, lot: LotRecord): Promise<Provenance> {
  const detail = provenanceDetail(caller, lot);
  const ancestors = await store.ancestorsOf(lot);
  const eventsByLot = new Map<string, EventRecord[]>();
  for (const l of [lot, ...ancestors]) eventsByLot.set(l.lotId, await store.eventsOfLot(l.lotId));
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
async function lotView(store: Store, lot: LotRecord): Promise<LotView> {
  let linksCovered: number[];
  if (!lot.parentLotId) {
    linksCovered = await store.coveredLinksOf(lot.lotId);
  } else {
    const ancestors = await store.ancestorsOf(lot);
    const eventsByLot = new Map<string, EventRecord[]>();
    for (const l of [lot, ...ancestors]) eventsByLot.set(l.lotId, await store.eventsOfLot(l.lotId));
    linksCovered = unique(provenanceEvents({ lot, ancestors, eventsByLot }).map((e) => e.link)).sort((a, b) => a - b);
  }
  return { lot, linksCovered, completeness: completenessOf(linksCovered) };
}

interface ListCursor {
  /** index type */
  t: string;
  /** index attribute ('' for all lots) */
  a: string;
  /** Fabric bookmark */
  b: string;
}

/** The list index for a filter: the most selective one given; the rest are checked per lot. */
function indexFor(filter: LotFilter): { t: string; a: string } {
  if (filter.ownerMsp) return { t: KEY_TYPES.owner, a: filter.ownerMsp };
  if (filter.htsCode) return { t: KEY_TYPES.hts, a: filter.htsCode };
  if (filter.originCountry) return { t: KEY_TYPES.origin, a: filter.originCountry };
  if (filter.link) return { t: KEY_TYPES.coverage, a: String(filter.link).padStart(2, '0') };
  return { t: KEY_TYPES.lot, a: '' };
}

function decodeCursor(bookmark: string | undefined, index: { t: string; a: string }): string {
  if (!bookmark) return '';
  let cursor: ListCursor;
  try {
    cursor = JSON.parse(Buffer.from(bookmark, 'base64url').toString('utf8')) as ListCursor;
  } catch {
    throw new ValidationError([{ path: 'bookmark', message: 'is not a bookmark from a previous page' }]);
  }
  if (!isRecord(cursor) || cursor.t !== index.t || cursor.a !== index.a || typeof cursor.b !== 'string') {
    throw new ValidationError([{ path: 'bookmark', message: 'belongs to a different filter' }]);
  }
  return cursor.b;
}

async function listLots(store: Store, filter: LotFilter & { pageSize: number }): Promise<LotPage> {
  const index = indexFor(filter);
  let fabricBookmark = decodeCursor(filter.bookmark, index);
  const attributes = index.a === '' ? [] : [index.a];
  const lots: LotView[] = [];
  let more = true;
  while (lots.length < filter.pageSize && more) {
    const want = filter.pageSize - lots.length;
    const page = await store.lotIdPage(index.t, attributes, want, fabricBookmark);
    for (const lotId of page.lotIds) {
      const lot = await store.getLot(lotId);
      if (!lot) continue;
      if (filter.ownerMsp && lot.ownerMsp !== filter.ownerMsp) continue;
      if (filter.htsCode && lot.htsCode !== filter.htsCode) continue;
      if (filter.originCountry && lot.originCountry !== filter.originCountry) continue;
      if (filter.link && !(await store.hasCoverage(lotId, filter.link))) continue;
      lots.push(await lotView(store, lot));
    }
    fabricBookmark = page.bookmark;
    more = page.bookmark !== '' && page.fetched >= want;
  }
  const bookmark = more ? Buffer.from(JSON.stringify({ t: index.t, a: index.a, b: fabricBookmark }), 'utf8').toString('base64url') : '';
  return { lots, bookmark };
}
