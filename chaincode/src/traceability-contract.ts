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
import { ChaincodeError, invalidArgument, notFound, ValidationError } from './errors';
import { CHAINCODE_EVENTS } from './events';
import { listFacilities, listLots } from './listing';
import { organisationView } from './parties';
import { checkAdmin, checkCorrection, checkReadHistory, checkRegisterLot } from './permissions';
import { lotView, organisationRoles, provenanceOf, readEvent, requireEpcOwner, requireId, requireLot } from './reads';
import { purgeLotPrivate, readPrivateData } from './private-data';
import { recordCorrection, recordEvents, registerLot } from './recording';
import { listOrganisations, putOrganisationProfile, registerDevice, registerFacility, registerOrganisationRoles } from './registry';
import { MSP_PATTERN } from './limits';
import { linkEventsPage, linkEventsQueryFromJson, summariseProvenance } from './summary';
import {
  facilityFilterFromJson, isGln, lotFilterFromJson, parseJsonArgument, refusePrivateInArguments, validateDeviceInput, validateFacilityInput,
  validateLotInput, validateOrganisationInput, validateOrganisationProfileInput,
} from './validation';

/** What fabric-shim passes `aroundTransaction` as the function: its name (the typings say Function). */
type TransactionFunction = Parameters<Contract['aroundTransaction']>[1];

/** Throws ACCESS_DENIED unless the caller is an admin (`what` names the act in the message). */
function requireAdmin(ctx: TraceabilityContext, what: string): void {
  const denied = checkAdmin(ctx.caller, what);
  if (denied) throw denied;
}

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
    const raw = parseJsonArgument(lotJson, 'lot');
    refusePrivateInArguments(raw, '');
    const answer = await registerLot(ctx, validateLotInput(raw));
    if (answer.created) ctx.emit(CHAINCODE_EVENTS.LotRegistered, [answer.lot.lotId], [], { parentLotId: answer.lot.parentLotId });
    return json(answer);
  }

  @Transaction()
  @Returns('string')
  async RecordEvents(ctx: TraceabilityContext, eventsJson: string): Promise<string> {
    const raw = parseJsonArgument(eventsJson, 'events');
    refusePrivateInArguments(raw, 'events');
    const results = await recordEvents(ctx, raw);
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
    const raw = parseJsonArgument(correctionJson, 'correction');
    refusePrivateInArguments(raw, '');
    const { result, original } = await recordCorrection(ctx, raw);
    if (result.status === 'recorded') {
      const { lotId, eventId, link } = result.event;
      ctx.emit(CHAINCODE_EVENTS.CorrectionRecorded, [lotId], [eventId], { correctionOf: original.eventId, link });
    }
    return json(result);
  }

  /**
   * Compliance of the lot's owner: purges its organisation's private data of the lot (the lot's own and the
   * events it recorded on it) from its implicit collection and records when, publicly. Hashes and events stay.
   */
  @Transaction()
  @Returns('string')
  async PurgePrivateData(ctx: TraceabilityContext, lotId: string): Promise<string> {
    const lot = await requireLot(ctx.store, lotId);
    const { result, written } = await purgeLotPrivate(ctx, lot);
    if (written) ctx.emit(CHAINCODE_EVENTS.PrivateDataPurged, [lot.lotId], [], { records: result.records, purgedAt: result.purgedAt });
    return json({ lotId: lot.lotId, mspId: ctx.caller.mspId, ...result });
  }

  /**
   * Admin: a device of its own organisation (`mspId`, if given, must be its own). Answers the record plus
   * `created`; an identical repeat writes nothing; a device id of another organisation is never taken.
   */
  @Transaction()
  @Returns('string')
  async RegisterDevice(ctx: TraceabilityContext, deviceJson: string): Promise<string> {
    requireAdmin(ctx, 'register devices');
    const { device, created, written } = await registerDevice(ctx, validateDeviceInput(parseJsonArgument(deviceJson, 'device')));
    if (written) ctx.emit(CHAINCODE_EVENTS.DeviceRegistered, [], [], { deviceId: device.deviceId, mspId: device.mspId });
    return json({ ...device, created });
  }

  /** Admin: the roles its own organisation holds (what its compliance officers may act as). */
  @Transaction()
  @Returns('string')
  async RegisterOrganisation(ctx: TraceabilityContext, organisationJson: string): Promise<string> {
    requireAdmin(ctx, 'register organisations');
    const record = await registerOrganisationRoles(ctx, validateOrganisationInput(parseJsonArgument(organisationJson, 'organisation')));
    ctx.emit(CHAINCODE_EVENTS.OrganisationRegistered, [], [], { mspId: record.mspId, roles: record.roles });
    return json(record);
  }

  /**
   * Admin: its own organisation's profile (PUT /v1/organisations/{mspId}: legal name, country, address,
   * supply-chain roles). Answers `{ organisation, created }`; an identical repeat writes nothing.
   */
  @Transaction()
  @Returns('string')
  async PutOrganisationProfile(ctx: TraceabilityContext, profileJson: string): Promise<string> {
    requireAdmin(ctx, 'register organisation profiles');
    const answer = await putOrganisationProfile(ctx, validateOrganisationProfileInput(parseJsonArgument(profileJson, 'organisation')));
    if (answer.written) ctx.emit(CHAINCODE_EVENTS.OrganisationProfileRegistered, [], [], { mspId: answer.organisation.mspId });
    return json({ organisation: answer.organisation, created: answer.created });
  }

  /**
   * Admin: a facility its organisation operates (POST /v1/facilities). Answers `{ facility, created }`;
   * an identical repeat writes nothing; a GLN of another organisation is never taken (CONFLICT).
   */
  @Transaction()
  @Returns('string')
  async RegisterFacility(ctx: TraceabilityContext, facilityJson: string): Promise<string> {
    requireAdmin(ctx, 'register facilities');
    const answer = await registerFacility(ctx, validateFacilityInput(parseJsonArgument(facilityJson, 'facility')));
    if (answer.written) ctx.emit(CHAINCODE_EVENTS.FacilityRegistered, [], [], { gln: answer.facility.gln, mspId: answer.facility.mspId });
    return json({ facility: answer.facility, created: answer.created });
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
    return json(await readEvent(ctx.store, ctx.caller, eventId));
  }

  /** The event an organisation recorded under an id (ids are scoped by the recording organisation). */
  @Transaction(false)
  @Returns('string')
  async GetEventOf(ctx: TraceabilityContext, recordedBy: string, eventId: string): Promise<string> {
    requireMsp(recordedBy, 'recordedBy');
    requireId(eventId, 'eventId');
    return json(await readEvent(ctx.store, ctx.caller, eventId, recordedBy));
  }

  @Transaction(false)
  @Returns('string')
  async GetProvenance(ctx: TraceabilityContext, lotId: string): Promise<string> {
    return json(await provenanceOf(ctx.store, ctx.caller, await requireLot(ctx.store, lotId)));
  }

  /** GetProvenance without events: each link summarised, anomalies grouped and bounded (issue 20). */
  @Transaction(false)
  @Returns('string')
  async GetProvenanceSummary(ctx: TraceabilityContext, lotId: string): Promise<string> {
    return json(summariseProvenance(await provenanceOf(ctx.store, ctx.caller, await requireLot(ctx.store, lotId))));
  }

  /** GetProvenanceSummary of the lot holding an EPC (any spelling). */
  @Transaction(false)
  @Returns('string')
  async GetProvenanceSummaryByEpc(ctx: TraceabilityContext, epc: string): Promise<string> {
    const owner = await requireEpcOwner(ctx.store, epc);
    return json(summariseProvenance(await provenanceOf(ctx.store, ctx.caller, await requireLot(ctx.store, owner.lotId))));
  }

  /** One page of one link's provenance events (`{ link, pageSize?, bookmark? }`), as GetProvenance shows them. */
  @Transaction(false)
  @Returns('string')
  async GetLinkEvents(ctx: TraceabilityContext, lotId: string, queryJson: string): Promise<string> {
    const lot = await requireLot(ctx.store, lotId);
    const query = linkEventsQueryFromJson(queryJson);
    return json(linkEventsPage(await provenanceOf(ctx.store, ctx.caller, lot), query));
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

  /**
   * An organisation's private data of a lot in clear (auditor, broker/compliance of the owner or importer, or
   * that organisation itself). Evaluate it on `mspId`'s peer: only a member of its implicit collection holds the values.
   */
  @Transaction(false)
  @Returns('string')
  async GetPrivateData(ctx: TraceabilityContext, lotId: string, mspId: string): Promise<string> {
    requireMsp(mspId, 'mspId');
    return json(await readPrivateData(ctx, await requireLot(ctx.store, lotId), mspId));
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

  /** An organisation's profile and acetrace roles (any role). */
  @Transaction(false)
  @Returns('string')
  async GetOrganisation(ctx: TraceabilityContext, mspId: string): Promise<string> {
    requireMsp(mspId, 'mspId');
    const profile = await ctx.store.getProfile(mspId);
    const roles = await ctx.store.getOrganisation(mspId);
    if (!profile && !roles) throw notFound(`organisation ${mspId} has registered no profile or roles`);
    return json(organisationView(mspId, profile, roles));
  }

  /** Every organisation with a profile or roles, by MSP id (any role; no argument: organisations on a channel are few). */
  @Transaction(false)
  @Returns('string')
  async ListOrganisations(ctx: TraceabilityContext): Promise<string> {
    return json({ organisations: await listOrganisations(ctx.store) });
  }

  /** A facility by GLN (any role). */
  @Transaction(false)
  @Returns('string')
  async GetFacility(ctx: TraceabilityContext, gln: string): Promise<string> {
    if (typeof gln !== 'string' || !isGln(gln)) throw new ValidationError([{ path: 'gln', message: 'must be a 13-digit GLN with a valid check digit' }]);
    return json(registered(await ctx.store.getFacility(gln), `facility ${gln} is not registered`));
  }

  /** Facilities, filtered by `mspId` and/or `country`, paginated like ListLots (any role). */
  @Transaction(false)
  @Returns('string')
  async ListFacilities(ctx: TraceabilityContext, filterJson: string): Promise<string> {
    return json(await listFacilities(ctx.store, facilityFilterFromJson(filterJson)));
  }

  /** A device by id (any role). */
  @Transaction(false)
  @Returns('string')
  async GetDevice(ctx: TraceabilityContext, deviceId: string): Promise<string> {
    requireId(deviceId, 'deviceId');
    return json(registered(await ctx.store.getDevice(deviceId), `device ${deviceId} is not registered`));
  }
}

// ---- helpers (module-private: not transactions) ----------------------------------------

/** A record read by key. @throws NOT_FOUND with `message` when there is none. */
function registered<T>(value: T | undefined, message: string): T {
  if (!value) throw notFound(message);
  return value;
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

/** @throws INVALID_ARGUMENT when `value` is not an MSP id. */
function requireMsp(value: string, what: string): void {
  if (typeof value !== 'string' || !MSP_PATTERN.test(value)) throw new ValidationError([{ path: what, message: 'must be an MSP id (1-128 of A-Za-z0-9._-)' }]);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}


