/**
 * The acetrace contract: the list of transactions, each a few lines over the pure modules
 * (validation, permissions, provenance), the store-backed ones (reads, recording, listing) and
 * the context (caller, store, transaction id and time, the one chaincode event).
 *
 * fabric-contract-api's hooks do what every transaction would otherwise repeat: `createContext`
 * gives the TraceabilityContext, `aroundTransaction` checks the caller's role first and turns
 * anything unexpected into `INTERNAL: …`, `unknownTransaction` answers with a stable code.
 */
import { Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { TraceabilityContext } from './context';
import { ChaincodeError, invalidArgument, notFound } from './errors';
import { CHAINCODE_EVENTS } from './events';
import { listLots } from './listing';
import { checkAdmin, checkCorrection, checkReadEvent, checkReadHistory, checkRegisterLot } from './permissions';
import { lotView, organisationRoles, provenanceOf, requireEpcOwner, requireId, requireLot } from './reads';
import { recordCorrection, recordEvents, registerLot } from './recording';
import type { DeviceRecord, OrganisationRecord } from './types';
import {
  lotFilterFromJson, parseJsonArgument, validateDeviceInput, validateLotInput, validateOrganisationInput,
} from './validation';

/** What fabric-shim passes `aroundTransaction` as the function: its name (the typings say Function). */
type TransactionFunction = Parameters<Contract['aroundTransaction']>[1];

@Info({ title: 'acetrace', description: 'Cross-border supply-chain traceability: lots, events on 12 links, provenance' })
export class TraceabilityContract extends Contract {
  constructor() {
    super('acetrace');
  }

  /** Every transaction gets the acetrace context (caller and store computed on first use). */
  override createContext(): TraceabilityContext {
    return new TraceabilityContext();
  }

  /**
   * Runs a transaction: the caller's role is checked before anything else (ACCESS_DENIED without one),
   * ChaincodeErrors leave as they are, anything else as `INTERNAL: <message>` (the client sees only the
   * message, so it must carry a stable code).
   */
  override async aroundTransaction(ctx: TraceabilityContext, fn: TransactionFunction, parameters: unknown): Promise<void> {
    try {
      // eslint-disable-next-line @typescript-eslint/no-meaningless-void-operator -- the getter's ACCESS_DENIED check is the point
      void ctx.caller;
      // eslint-disable-next-line @typescript-eslint/no-confusing-void-expression -- typed void, but fabric-shim sends back what it resolves to
      return await super.aroundTransaction(ctx, fn, parameters);
    } catch (err) {
      if (err instanceof ChaincodeError) throw err;
      throw new Error(`INTERNAL: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Unknown function names answer with a stable code instead of the library's sentence. */
  override unknownTransaction(ctx: TraceabilityContext): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(invalidArgument(`unknown transaction ${fcn}`));
  }

  // ---- submit transactions ------------------------------------------------------------

  @Transaction()
  @Returns('string')
  async RegisterLot(ctx: TraceabilityContext, lotJson: string): Promise<string> {
    const denied = checkRegisterLot(ctx.caller, await organisationRoles(ctx.store, ctx.caller));
    if (denied) throw denied;
    const answer = await registerLot(ctx, validateLotInput(parseJsonArgument(lotJson, 'lot')));
    if (answer.created) ctx.emit(CHAINCODE_EVENTS.LotRegistered, [answer.lot.lotId], [], { parentLotId: answer.lot.parentLotId });
    return json(answer);
  }

  @Transaction()
  @Returns('string')
  async RecordEvents(ctx: TraceabilityContext, eventsJson: string): Promise<string> {
    const results = await recordEvents(ctx, parseJsonArgument(eventsJson, 'events'));
    const written = results.filter((r) => r.status === 'recorded').map((r) => r.event);
    if (written.length > 0) {
      ctx.emit(CHAINCODE_EVENTS.EventsRecorded, unique(written.map((e) => e.lotId)), written.map((e) => e.eventId), {
        links: unique(written.map((e) => e.link)).sort((a, b) => a - b),
        duplicates: results.filter((r) => r.status === 'duplicate').map((r) => r.eventId),
      });
    }
    return json(results);
  }

  @Transaction()
  @Returns('string')
  async RecordCorrection(ctx: TraceabilityContext, correctionJson: string): Promise<string> {
    if (ctx.caller.role !== 'compliance') throw checkCorrection(ctx.caller, '', '') as ChaincodeError;
    const { result, original } = await recordCorrection(ctx, parseJsonArgument(correctionJson, 'correction'));
    if (result.status === 'recorded') {
      const { lotId, eventId, link } = result.event;
      ctx.emit(CHAINCODE_EVENTS.CorrectionRecorded, [lotId], [eventId], { correctionOf: original.eventId, link });
    }
    return json(result);
  }

  @Transaction()
  @Returns('string')
  async RegisterDevice(ctx: TraceabilityContext, deviceJson: string): Promise<string> {
    const { caller } = ctx;
    const denied = checkAdmin(caller, 'register devices');
    if (denied) throw denied;
    const input = validateDeviceInput(parseJsonArgument(deviceJson, 'device'));
    const device: DeviceRecord = {
      deviceId: input.deviceId,
      mspId: input.mspId ?? caller.mspId,
      link: input.link,
      location: input.location,
      registeredBy: caller.mspId,
      registeredAt: ctx.txTime,
      txId: ctx.txId,
    };
    await ctx.store.putDevice(device);
    ctx.emit(CHAINCODE_EVENTS.DeviceRegistered, [], [], { deviceId: device.deviceId, mspId: device.mspId });
    return json(device);
  }

  /** Admin: the roles an organisation holds (what its compliance officers may act as). */
  @Transaction()
  @Returns('string')
  async RegisterOrganisation(ctx: TraceabilityContext, organisationJson: string): Promise<string> {
    const denied = checkAdmin(ctx.caller, 'register organisations');
    if (denied) throw denied;
    const input = validateOrganisationInput(parseJsonArgument(organisationJson, 'organisation'));
    const record: OrganisationRecord = { ...input, registeredBy: ctx.caller.mspId, registeredAt: ctx.txTime, txId: ctx.txId };
    await ctx.store.putOrganisation(record);
    ctx.emit(CHAINCODE_EVENTS.OrganisationRegistered, [], [], { mspId: record.mspId, roles: record.roles });
    return json(record);
  }

  // ---- evaluate transactions (any role unless a check says otherwise) ------------------

  @Transaction(false)
  @Returns('string')
  async ReadLot(ctx: TraceabilityContext, lotId: string): Promise<string> {
    return json(await lotView(ctx.store, await requireLot(ctx.store, lotId)));
  }

  @Transaction(false)
  @Returns('string')
  async GetEvent(ctx: TraceabilityContext, eventId: string): Promise<string> {
    requireId(eventId, 'eventId');
    const event = await ctx.store.getEvent(eventId);
    if (!event) throw notFound(`event ${eventId} is not recorded`);
    const denied = checkReadEvent(ctx.caller, event, await ctx.store.getLot(event.lotId));
    if (denied) throw denied;
    return json(event);
  }

  @Transaction(false)
  @Returns('string')
  async GetProvenance(ctx: TraceabilityContext, lotId: string): Promise<string> {
    return json(await provenanceOf(ctx.store, ctx.caller, await requireLot(ctx.store, lotId)));
  }

  @Transaction(false)
  @Returns('string')
  async GetProvenanceByEpc(ctx: TraceabilityContext, epc: string): Promise<string> {
    const owner = await requireEpcOwner(ctx.store, epc);
    return json(await provenanceOf(ctx.store, ctx.caller, await requireLot(ctx.store, owner.lotId)));
  }

  /**
   * The lot an EPC (any spelling) belongs to, as ReadLot answers it: one EPC index read, the lot and its
   * coverage (no event range unless the lot was packed from a parent). For callers that need the lot, not its
   * provenance (the gateway's POST /v1/readings). Any role, like ReadLot.
   */
  @Transaction(false)
  @Returns('string')
  async GetLotByEpc(ctx: TraceabilityContext, epc: string): Promise<string> {
    const owner = await requireEpcOwner(ctx.store, epc);
    return json(await lotView(ctx.store, await requireLot(ctx.store, owner.lotId)));
  }

  @Transaction(false)
  @Returns('string')
  async GetLotHistory(ctx: TraceabilityContext, lotId: string): Promise<string> {
    const lot = await requireLot(ctx.store, lotId);
    const denied = checkReadHistory(ctx.caller, lot);
    if (denied) throw denied;
    return json(await ctx.store.lotHistory(lotId));
  }

  @Transaction(false)
  @Returns('string')
  async ListLots(ctx: TraceabilityContext, filterJson: string): Promise<string> {
    return json(await listLots(ctx.store, lotFilterFromJson(filterJson)));
  }
}

// ---- helpers (module-private: not transactions) ----------------------------------------

/**
 * A transaction's answer. Answers are assembled by this code in a fixed property order, so plain
 * JSON.stringify is already deterministic across endorsers; the key-sorting marshal is kept for
 * what is written (state, events), where it costs little, and skipped here, where a 1,200-event
 * provenance answer would pay for sorting every key of every event.
 */
function json(value: unknown): string {
  return JSON.stringify(value);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}


