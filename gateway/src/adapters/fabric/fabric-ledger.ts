/**
 * The Fabric adapter of the ledger port: the sole importer of @hyperledger/fabric-gateway.
 *
 * One gRPC client per peer endpoint (TLS CA, `grpc.ssl_target_name_override` = host alias),
 * one Gateway per identity sharing its organisation's client, per-call deadlines, retries of
 * synchronous calls by the rule of ./retry.ts (RecordEvents: one attempt, the outbox retries), every
 * client error mapped to a typed ledger error, and every answer parsed into the chaincode's types.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import {
  type ChaincodeEvent,
  type ConnectOptions,
  type Contract,
  type Gateway,
  type Network,
  connect,
  hash,
  signers,
} from '@hyperledger/fabric-gateway';
import { LedgerInternalError, LedgerNotFoundError, LedgerUnavailableError, type LedgerError } from '../../errors';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type {
  DeviceInput,
  DeviceRecord,
  EventInput,
  EventRecord,
  FacilityFilter,
  FacilityInput,
  FacilityPage,
  FacilityRecord,
  HistoryEntry,
  LedgerEvent,
  LedgerEventStream,
  LedgerIdentity,
  LedgerPort,
  LinkEventsPage,
  LinkEventsQuery,
  LotFilter,
  LotInput,
  LotPage,
  LotView,
  OrganisationProfileInput,
  OrganisationView,
  Provenance,
  ProvenanceSummary,
  RecordEventsResult,
  RecordedEvent,
  Registered,
  RegisterLotResult,
  StreamPosition,
} from '../../ports/ledger';
import { type ConnectionProfile, type IdentityProfile, loadConnectionProfile } from './connection-profile';
import { mapFabricError } from './error-mapping';
import { type OnRetry, type RetryPolicy, submitTransaction, withRetry } from './retry';

export interface FabricLedgerOptions {
  /** Path of the connection profile, or the parsed profile. */
  profile: string | ConnectionProfile;
  deadlines: { evaluateMs: number; endorseMs: number; submitMs: number; commitStatusMs: number };
  retry: RetryPolicy;
  logger: Logger;
  metrics?: Metrics;
  /** fabric-gateway's `connect`; unit tests pass a stub of the client boundary. */
  connect?: (options: ConnectOptions) => Gateway;
}

interface IdentityGateway {
  profile: IdentityProfile;
  gateway: Gateway;
  network: Network;
  contract: Contract;
}

const decoder = new TextDecoder();
/** Fabric's default gRPC message limit (peer.gossip / peer.server maxRecvMsgSize). */
const MAX_GRPC_MESSAGE_BYTES = 100 * 1024 * 1024;

function parseJson(bytes: Uint8Array, transaction: string): unknown {
  const text = decoder.decode(bytes);
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new LedgerUnavailableError(`${transaction} returned a result that is not JSON`, { cause: err, transaction });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a chaincode answer must look like before it is trusted as its domain type: the chaincode writes
 * these shapes (its exported types), so a cheap check of the outer shape is enough to catch a
 * mismatched chaincode version.
 */
const SHAPES = {
  lotView: (v: unknown): v is LotView => isObject(v) && isObject(v.lot) && typeof v.lot.lotId === 'string',
  registered: (v: unknown): v is { lot: RegisterLotResult['lot']; created: boolean } =>
    isObject(v) && isObject(v.lot) && typeof v.lot.lotId === 'string' && typeof v.created === 'boolean',
  eventRecord: (v: unknown): v is EventRecord => isObject(v) && typeof v.eventId === 'string' && typeof v.txId === 'string',
  recorded: (v: unknown): v is RecordedEvent => isObject(v) && typeof v.eventId === 'string' && isObject(v.event),
  recordedList: (v: unknown): v is RecordedEvent[] => Array.isArray(v) && v.every((r) => SHAPES.recorded(r)),
  provenance: (v: unknown): v is Provenance => isObject(v) && isObject(v.lot) && Array.isArray(v.links),
  provenanceSummary: (v: unknown): v is ProvenanceSummary => SHAPES.provenance(v) && (v as { view?: unknown }).view === 'summary',
  linkEvents: (v: unknown): v is LinkEventsPage => isObject(v) && Array.isArray(v.events) && typeof v.bookmark === 'string',
  history: (v: unknown): v is HistoryEntry[] => Array.isArray(v) && v.every((h) => isObject(h) && typeof h.txId === 'string'),
  lotPage: (v: unknown): v is LotPage => isObject(v) && Array.isArray(v.lots) && typeof v.bookmark === 'string',
  organisation: (v: unknown): v is OrganisationView => isObject(v) && typeof v.mspId === 'string' && Array.isArray(v.roles),
  organisationPut: (v: unknown): v is { organisation: OrganisationView; created: boolean } =>
    isObject(v) && SHAPES.organisation(v.organisation) && typeof v.created === 'boolean',
  organisationList: (v: unknown): v is { organisations: OrganisationView[] } =>
    isObject(v) && Array.isArray(v.organisations) && v.organisations.every((o) => SHAPES.organisation(o)),
  facility: (v: unknown): v is FacilityRecord => isObject(v) && typeof v.gln === 'string' && typeof v.mspId === 'string',
  facilityPut: (v: unknown): v is { facility: FacilityRecord; created: boolean } =>
    isObject(v) && SHAPES.facility(v.facility) && typeof v.created === 'boolean',
  facilityPage: (v: unknown): v is FacilityPage => isObject(v) && Array.isArray(v.facilities) && typeof v.bookmark === 'string',
  device: (v: unknown): v is DeviceRecord & { created: boolean } =>
    isObject(v) && typeof v.deviceId === 'string' && typeof v.mspId === 'string' && typeof v.created === 'boolean',
};

/** The answer as its domain type. @throws LedgerInternalError (502) when the chaincode answered another shape. */
function parseAs<T>(bytes: Uint8Array, transaction: string, shape: (v: unknown) => v is T): T {
  const value = parseJson(bytes, transaction);
  if (!shape(value)) throw new LedgerInternalError(`${transaction} answered in an unexpected shape`, { transaction });
  return value;
}

function deadline(ms: number): () => grpc.CallOptions {
  return () => ({ deadline: Date.now() + ms });
}

class FabricLedger implements LedgerPort {
  readonly #profile: ConnectionProfile;
  readonly #clients = new Map<string, grpc.Client>();
  readonly #gateways = new Map<string, IdentityGateway>();
  readonly #options: FabricLedgerOptions;
  readonly #streams = new Set<LedgerEventStream>();

  constructor(options: FabricLedgerOptions) {
    this.#options = options;
    this.#profile = typeof options.profile === 'string' ? loadConnectionProfile(options.profile) : options.profile;
    for (const peer of this.#profile.peers) {
      if (this.#clients.has(peer.endpoint)) continue;
      const creds =
        peer.tlsCaCertPath === undefined
          ? grpc.credentials.createInsecure()
          : grpc.credentials.createSsl(fs.readFileSync(peer.tlsCaCertPath));
      const channelOptions: grpc.ChannelOptions = {
        ...(peer.hostAlias ? { 'grpc.ssl_target_name_override': peer.hostAlias } : {}),
        // a RecordEvents of 500 rfid events with many EPCs answers more than grpc-js's 4 MB default;
        // Fabric peers (and the embedded network) allow 100 MB
        'grpc.max_receive_message_length': MAX_GRPC_MESSAGE_BYTES,
        'grpc.max_send_message_length': MAX_GRPC_MESSAGE_BYTES,
      };
      this.#clients.set(peer.endpoint, new grpc.Client(peer.endpoint, creds, channelOptions));
    }
  }

  /** The fabric-gateway objects of an identity, shared with the block source (fabric-blocks.ts). */
  connectionOf(identity: string): { gateway: Gateway; network: Network } {
    const { gateway, network } = this.#gatewayFor(identity);
    return { gateway, network };
  }

  identities(): LedgerIdentity[] {
    return this.#profile.identities.map((i) => ({ name: i.name, mspId: i.mspId, role: i.role }));
  }

  #gatewayFor(identityName: string): IdentityGateway {
    const cached = this.#gateways.get(identityName);
    if (cached) return cached;
    const profile = this.#profile.identities.find((i) => i.name === identityName);
    if (!profile) throw new LedgerNotFoundError(`no Fabric identity named ${identityName} in the connection profile`);
    const peer = this.#profile.peers.find((p) => p.mspId === profile.mspId) ?? this.#profile.peers[0];
    const client = peer ? this.#clients.get(peer.endpoint) : undefined;
    if (!client) throw new LedgerUnavailableError('no peer in the connection profile');
    const { deadlines } = this.#options;
    const gateway = (this.#options.connect ?? connect)({
      client,
      identity: { mspId: profile.mspId, credentials: fs.readFileSync(profile.certPath) },
      signer: signers.newPrivateKeySigner(crypto.createPrivateKey(fs.readFileSync(profile.keyPath))),
      hash: hash.sha256,
      evaluateOptions: deadline(deadlines.evaluateMs),
      endorseOptions: deadline(deadlines.endorseMs),
      submitOptions: deadline(deadlines.submitMs),
      commitStatusOptions: deadline(deadlines.commitStatusMs),
    });
    const network = gateway.getNetwork(this.#profile.channel);
    const entry = { profile, gateway, network, contract: network.getContract(this.#profile.chaincode) };
    this.#gateways.set(identityName, entry);
    return entry;
  }

  /** Runs `fn` (its own retries included) with the duration metric; `onRetry` logs and counts a repeat. */
  async #timed<T>(transaction: string, fn: (onRetry: OnRetry) => Promise<T>): Promise<T> {
    const end = this.#options.metrics?.ledgerDuration.startTimer({ transaction });
    const onRetry: OnRetry = (err, attempt, delayMs) => {
      this.#options.metrics?.ledgerRetries.inc({ transaction, reason: err.code });
      this.#options.logger.warn(
        { transaction, attempt, delayMs, err: { code: err.code, message: err.message, txId: err.transactionId } },
        'retrying ledger call after a transient failure',
      );
    };
    try {
      const out = await fn(onRetry);
      end?.({ outcome: 'ok' });
      return out;
    } catch (err) {
      end?.({ outcome: (err as { code?: LedgerError['code'] }).code ?? 'error' });
      throw err;
    }
  }

  /** An evaluation (read), repeated on transient failures unless `retry` is false. */
  async #evaluate<T>(identity: string, transaction: string, shape: (v: unknown) => v is T, args: string[], retry = true): Promise<T> {
    const policy = retry ? this.#options.retry : { ...this.#options.retry, maxAttempts: 1 };
    return this.#timed(transaction, (onRetry) =>
      withRetry(
        policy,
        async () => {
          const { contract } = this.#gatewayFor(identity);
          let bytes: Uint8Array;
          try {
            bytes = await contract.evaluateTransaction(transaction, ...args);
          } catch (err) {
            throw mapFabricError(err, transaction);
          }
          return parseAs(bytes, transaction, shape);
        },
        onRetry,
      ),
    );
  }

  /**
   * A submit by the rule of ./retry.ts; `retry: false` makes one attempt (RecordEvents, RecordCorrection:
   * the outbox owns their retries).
   */
  async #submit<T>(
    identity: string,
    transaction: string,
    shape: (v: unknown) => v is T,
    args: string[],
    retry = true,
  ): Promise<{ result: T; txId: string; blockNumber: number }> {
    const policy = retry ? this.#options.retry : { ...this.#options.retry, maxAttempts: 1 };
    return this.#timed(transaction, async (onRetry) => {
      const { contract } = this.#gatewayFor(identity);
      const committed = await submitTransaction(contract, transaction, args, policy, onRetry);
      return { result: parseAs(committed.result, transaction, shape), txId: committed.txId, blockNumber: committed.blockNumber };
    });
  }

  async registerLot(identity: string, lot: LotInput): Promise<RegisterLotResult> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'RegisterLot', SHAPES.registered, [JSON.stringify(lot)]);
    return { lot: result.lot, created: result.created, txId, blockNumber };
  }

  async recordEvents(identity: string, events: EventInput[]): Promise<RecordEventsResult> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'RecordEvents', SHAPES.recordedList, [JSON.stringify(events)], false);
    return { results: result, txId, blockNumber };
  }

  async recordCorrection(identity: string, correction: EventInput): Promise<RecordEventsResult> {
    // one attempt, like RecordEvents: corrections go through the outbox, whose submitter owns the retries
    const { result, txId, blockNumber } = await this.#submit(identity, 'RecordCorrection', SHAPES.recorded, [JSON.stringify(correction)], false);
    return { results: [result], txId, blockNumber };
  }

  readLot(identity: string, lotId: string): Promise<LotView> {
    return this.#evaluate(identity, 'ReadLot', SHAPES.lotView, [lotId]);
  }

  getEvent(identity: string, eventId: string): Promise<EventRecord> {
    return this.#evaluate(identity, 'GetEvent', SHAPES.eventRecord, [eventId]);
  }

  provenance(identity: string, lotId: string): Promise<Provenance> {
    return this.#evaluate(identity, 'GetProvenance', SHAPES.provenance, [lotId]);
  }

  provenanceByEpc(identity: string, epc: string): Promise<Provenance> {
    return this.#evaluate(identity, 'GetProvenanceByEpc', SHAPES.provenance, [epc]);
  }

  provenanceSummary(identity: string, lotId: string): Promise<ProvenanceSummary> {
    return this.#evaluate(identity, 'GetProvenanceSummary', SHAPES.provenanceSummary, [lotId]);
  }

  provenanceSummaryByEpc(identity: string, epc: string): Promise<ProvenanceSummary> {
    return this.#evaluate(identity, 'GetProvenanceSummaryByEpc', SHAPES.provenanceSummary, [epc]);
  }

  linkEvents(identity: string, lotId: string, query: LinkEventsQuery): Promise<LinkEventsPage> {
    return this.#evaluate(identity, 'GetLinkEvents', SHAPES.linkEvents, [lotId, JSON.stringify(query)]);
  }

  lotByEpc(identity: string, epc: string): Promise<LotView> {
    return this.#evaluate(identity, 'GetLotByEpc', SHAPES.lotView, [epc]);
  }

  lotHistory(identity: string, lotId: string): Promise<HistoryEntry[]> {
    return this.#evaluate(identity, 'GetLotHistory', SHAPES.history, [lotId]);
  }

  listLots(identity: string, filter: LotFilter): Promise<LotPage> {
    return this.#evaluate(identity, 'ListLots', SHAPES.lotPage, [JSON.stringify(filter)]);
  }

  async putOrganisationProfile(identity: string, profile: OrganisationProfileInput): Promise<Registered<OrganisationView>> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'PutOrganisationProfile', SHAPES.organisationPut, [JSON.stringify(profile)]);
    return { record: result.organisation, created: result.created, txId, blockNumber };
  }

  getOrganisation(identity: string, mspId: string): Promise<OrganisationView> {
    return this.#evaluate(identity, 'GetOrganisation', SHAPES.organisation, [mspId]);
  }

  async listOrganisations(identity: string): Promise<OrganisationView[]> {
    return (await this.#evaluate(identity, 'ListOrganisations', SHAPES.organisationList, [])).organisations;
  }

  async registerFacility(identity: string, facility: FacilityInput): Promise<Registered<FacilityRecord>> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'RegisterFacility', SHAPES.facilityPut, [JSON.stringify(facility)]);
    return { record: result.facility, created: result.created, txId, blockNumber };
  }

  getFacility(identity: string, gln: string): Promise<FacilityRecord> {
    return this.#evaluate(identity, 'GetFacility', SHAPES.facility, [gln]);
  }

  listFacilities(identity: string, filter: FacilityFilter): Promise<FacilityPage> {
    return this.#evaluate(identity, 'ListFacilities', SHAPES.facilityPage, [JSON.stringify(filter)]);
  }

  async registerDevice(identity: string, device: DeviceInput): Promise<Registered<DeviceRecord>> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'RegisterDevice', SHAPES.device, [JSON.stringify(device)]);
    const { created, ...record } = result;
    return { record, created, txId, blockNumber };
  }

  async streamEvents(identity: string, from?: StreamPosition): Promise<LedgerEventStream> {
    const { network } = this.#gatewayFor(identity);
    const chaincode = this.#profile.chaincode;
    const options =
      from === undefined
        ? {}
        : from.txId === undefined
          ? { startBlock: BigInt(from.blockNumber) }
          : {
              checkpoint: {
                getBlockNumber: (): bigint => BigInt(from.blockNumber),
                getTransactionId: (): string | undefined => from.txId,
              },
            };
    let events: AsyncIterable<ChaincodeEvent> & { close(): void };
    try {
      events = await network.getChaincodeEvents(chaincode, options);
    } catch (err) {
      throw mapFabricError(err, 'ChaincodeEvents');
    }
    const streams = this.#streams;
    const stream: LedgerEventStream = {
      close(): void {
        streams.delete(stream);
        events.close();
      },
      async *[Symbol.asyncIterator](): AsyncGenerator<LedgerEvent> {
        try {
          for await (const ev of events) {
            let payload: unknown;
            const text = decoder.decode(ev.payload);
            try {
              payload = text === '' ? null : (JSON.parse(text) as unknown);
            } catch {
              payload = text;
            }
            yield { blockNumber: Number(ev.blockNumber), txId: ev.transactionId, name: ev.eventName, payload };
          }
        } catch (err) {
          const mapped = mapFabricError(err, 'ChaincodeEvents');
          if (mapped.grpcCode === grpc.status.CANCELLED) return; // closed by us: normal end
          throw mapped;
        }
      },
    };
    streams.add(stream);
    return stream;
  }

  async ping(identity?: string): Promise<void> {
    const name = identity ?? this.#profile.identities[0]?.name;
    if (name === undefined) throw new LedgerUnavailableError('no identity to ping with');
    try {
      await this.#evaluate(name, 'ListLots', SHAPES.lotPage, [JSON.stringify({ pageSize: 1 })], false);
    } catch (err) {
      if ((err as LedgerError).status === 503 || (err as LedgerError).status === 502) throw err;
      // a chaincode answer (even a refusal) proves the ledger is reachable
    }
  }

  close(): Promise<void> {
    for (const s of [...this.#streams]) s.close();
    for (const g of this.#gateways.values()) g.gateway.close();
    for (const c of this.#clients.values()) c.close();
    this.#gateways.clear();
    this.#clients.clear();
    return Promise.resolve();
  }
}

/**
 * Creates the Fabric-backed ledger port.
 * @throws ConnectionProfileError if the profile cannot be read.
 * @example `const ledger = createFabricLedger({ profile: config.connectionProfile, deadlines: config.deadlines, retry: config.retry, logger });`
 */
export function createFabricLedger(options: FabricLedgerOptions): LedgerPort {
  return new FabricLedger(options);
}

/** The connections of a ledger made by createFabricLedger, for the block source over the same gRPC clients and identities. */
export function fabricConnections(ledger: LedgerPort): (identity: string) => { gateway: Gateway; network: Network } {
  if (!(ledger instanceof FabricLedger)) throw new TypeError('not a ledger made by createFabricLedger');
  return (identity) => ledger.connectionOf(identity);
}
