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
} from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { LedgerInternalError, LedgerNotFoundError, LedgerUnavailableError, TransientDataProtectionError, type LedgerError } from '../../errors';
import { currentContext, type Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type * as domain from '../../ports/ledger';
import type {
  LedgerEvent,
  LedgerEventStream,
  LedgerIdentity,
  LedgerPort,
  EventSubmission,
  LotSubmission,
  RecordEventsResult,
  Registered,
  RegisterLotResult,
  StreamPosition,
} from '../../ports/ledger';
import { type ConnectionProfile, type IdentityProfile, loadConnectionProfile } from './connection-profile';
import { CommittedHeight, type HeightSource } from './committed-height';
import { mapFabricError } from './error-mapping';
import { EvaluationCache, evaluationKey } from './evaluation-cache';
import { fabricSigning } from './native-signer';
import { type OnRetry, type ProposalExtras, type RetryPolicy, submitTransaction, withRetry } from './retry';
import { eventsProposal, lotProposal, privateEndorsers, type ProposalParts } from './transient';

export interface FabricLedgerOptions {
  /** Path of the connection profile, or the parsed profile. */
  profile: string | ConnectionProfile;
  deadlines: { evaluateMs: number; endorseMs: number; submitMs: number; commitStatusMs: number };
  retry: RetryPolicy;
  logger: Logger;
  metrics?: Metrics;
  /**
   * Bytes of read answers kept while the committed height stays the same (./evaluation-cache.ts); 0 or
   * absent: nothing is kept.
   */
  evaluationCacheBytes?: number;
  /** fabric-gateway's `connect`; unit tests pass a stub of the client boundary. */
  connect?: (options: ConnectOptions) => Gateway;
}

/** How one evaluation runs: repeated on transient failures (default), and on which organisations' peers. */
interface EvaluateOptions {
  retry?: boolean;
  endorsingOrganizations?: string[];
  /** Keep the answer until the next block (deterministic reads whose answers are worth keeping). */
  cache?: boolean;
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
  lotView: (v: unknown): v is domain.LotView => isObject(v) && isObject(v.lot) && typeof v.lot.lotId === 'string',
  registered: (v: unknown): v is { lot: RegisterLotResult['lot']; created: boolean } =>
    isObject(v) && isObject(v.lot) && typeof v.lot.lotId === 'string' && typeof v.created === 'boolean',
  eventRecord: (v: unknown): v is domain.EventRecord => isObject(v) && typeof v.eventId === 'string' && typeof v.txId === 'string',
  recorded: (v: unknown): v is domain.RecordedEvent => isObject(v) && typeof v.eventId === 'string' && isObject(v.event),
  recordedList: (v: unknown): v is domain.RecordedEvent[] => Array.isArray(v) && v.every((r) => SHAPES.recorded(r)),
  provenance: (v: unknown): v is domain.Provenance => isObject(v) && isObject(v.lot) && Array.isArray(v.links),
  history: (v: unknown): v is domain.HistoryEntry[] => Array.isArray(v) && v.every((h) => isObject(h) && typeof h.txId === 'string'),
  lotPage: (v: unknown): v is domain.LotPage => isObject(v) && Array.isArray(v.lots) && typeof v.bookmark === 'string',
  organisation: (v: unknown): v is domain.OrganisationView => isObject(v) && typeof v.mspId === 'string' && Array.isArray(v.roles),
  provenanceSummary: (v: unknown): v is domain.ProvenanceSummary => SHAPES.provenance(v) && (v as { view?: unknown }).view === 'summary',
  linkEvents: (v: unknown): v is domain.LinkEventsPage => isObject(v) && Array.isArray(v.events) && typeof v.bookmark === 'string',
  organisationPut: (v: unknown): v is { organisation: domain.OrganisationView; created: boolean } =>
    isObject(v) && SHAPES.organisation(v.organisation) && typeof v.created === 'boolean',
  organisationList: (v: unknown): v is { organisations: domain.OrganisationView[] } =>
    isObject(v) && Array.isArray(v.organisations) && v.organisations.every((o) => SHAPES.organisation(o)),
  facility: (v: unknown): v is domain.FacilityRecord => isObject(v) && typeof v.gln === 'string' && typeof v.mspId === 'string',
  facilityPut: (v: unknown): v is { facility: domain.FacilityRecord; created: boolean } =>
    isObject(v) && SHAPES.facility(v.facility) && typeof v.created === 'boolean',
  facilityPage: (v: unknown): v is domain.FacilityPage => isObject(v) && Array.isArray(v.facilities) && typeof v.bookmark === 'string',
  privateData: (v: unknown): v is domain.PrivateDataView => isObject(v) && typeof v.mspId === 'string' && Array.isArray(v.records),
  purge: (v: unknown): v is domain.PurgeResult => isObject(v) && (typeof v.purgedAt === 'string' || v.purgedAt === null) && typeof v.records === 'number',
  device: (v: unknown): v is domain.DeviceRecord & { created: boolean } =>
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

/** One gRPC client per peer endpoint: its TLS CA (or none), host alias, and Fabric's message limits. */
function peerClient(peer: ConnectionProfile['peers'][number]): grpc.Client {
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
  return new grpc.Client(peer.endpoint, creds, channelOptions);
}

class FabricLedger implements LedgerPort {
  readonly #profile: ConnectionProfile;
  readonly #clients = new Map<string, grpc.Client>();
  readonly #gateways = new Map<string, IdentityGateway>();
  readonly #options: FabricLedgerOptions;
  readonly #streams = new Set<LedgerEventStream>();
  /** Set once the peer's gateway asked for named endorsers of private data (see #submitPrivate). */
  #nameEndorsers = false;
  /** Kept read answers and the committed height they are kept at; both undefined when the cache is off. */
  readonly #cache: EvaluationCache | undefined;
  readonly #height: CommittedHeight | undefined;

  constructor(options: FabricLedgerOptions) {
    this.#options = options;
    this.#profile = typeof options.profile === 'string' ? loadConnectionProfile(options.profile) : options.profile;
    for (const peer of this.#profile.peers) {
      if (!this.#clients.has(peer.endpoint)) this.#clients.set(peer.endpoint, peerClient(peer));
    }
    // the height is followed from the start: an answer is only kept once the height is known
    const follower = this.#profile.identities[0]?.name;
    if ((options.evaluationCacheBytes ?? 0) > 0 && follower !== undefined) {
      this.#cache = new EvaluationCache(options.evaluationCacheBytes ?? 0);
      this.#height = new CommittedHeight(this.#heightSource(follower), this.#cache, options.logger);
      this.#height.start();
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
      ...fabricSigning(crypto.createPrivateKey(fs.readFileSync(profile.keyPath))),
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

  /**
   * An evaluation (read), repeated on transient failures unless `options.retry` is false; `endorsingOrganizations`
   * targets those organisations' peers (Fabric's target_organizations); `cache` answers from the answers kept
   * at the current committed height when there is one (not when the request asked for a fresh answer).
   */
  async #evaluate<T>(identity: string, transaction: string, shape: (v: unknown) => v is T, args: string[], options: EvaluateOptions = {}): Promise<T> {
    const cache = options.cache ? this.#cache : undefined;
    if (cache) return this.#evaluateCached(cache, identity, transaction, shape, args, options);
    return parseAs(await this.#evaluateBytes(identity, transaction, args, options), transaction, shape);
  }

  async #evaluateCached<T>(
    cache: EvaluationCache,
    identity: string,
    transaction: string,
    shape: (v: unknown) => v is T,
    args: string[],
    options: EvaluateOptions,
  ): Promise<T> {
    const key = evaluationKey(identity, transaction, args, options.endorsingOrganizations);
    const fresh = currentContext()?.fresh === true || cache.height === undefined;
    const kept = fresh ? undefined : cache.get(key);
    this.#options.metrics?.evaluationCache.inc({ transaction, outcome: fresh ? 'bypass' : kept ? 'hit' : 'miss' });
    if (kept) return parseAs(kept, transaction, shape);
    const heightAtStart = cache.height;
    const bytes = await this.#evaluateBytes(identity, transaction, args, options);
    const answer = parseAs(bytes, transaction, shape); // only a well-formed answer is kept
    cache.set(key, bytes, heightAtStart);
    return answer;
  }

  async #evaluateBytes(identity: string, transaction: string, args: string[], options: EvaluateOptions): Promise<Uint8Array> {
    const { retry = true, endorsingOrganizations } = options;
    const policy = retry ? this.#options.retry : { ...this.#options.retry, maxAttempts: 1 };
    return this.#timed(transaction, (onRetry) =>
      withRetry(
        policy,
        async () => {
          const { contract } = this.#gatewayFor(identity);
          try {
            return endorsingOrganizations
              ? await contract.evaluate(transaction, { arguments: args, endorsingOrganizations })
              : await contract.evaluateTransaction(transaction, ...args);
          } catch (err) {
            throw mapFabricError(err, transaction);
          }
        },
        onRetry,
      ),
    );
  }

  /** The channel's committed height as `identity` reads it: qscc GetChainInfo, then filtered block events. */
  #heightSource(identity: string): HeightSource {
    return {
      chainHeight: async () => {
        const { network } = this.#gatewayFor(identity);
        const info = await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName());
        return common.BlockchainInfo.deserializeBinary(info).getHeight();
      },
      blocks: async (startBlock) => {
        const events = await this.#gatewayFor(identity).network.getFilteredBlockEvents({ startBlock: BigInt(startBlock) });
        // the first read starts now, so the stream has its listeners before anyone may close it (a gateway
        // stopped right after it started): its CANCELLED then ends that read instead of going uncaught
        const reader = events[Symbol.asyncIterator]();
        const read = (): Promise<IteratorResult<{ getNumber(): number }>> => {
          const next = reader.next();
          next.catch(() => undefined); // awaited below; handled here too in case nobody does
          return next;
        };
        let pending = read();
        return {
          close: () => {
            events.close();
          },
          async *[Symbol.asyncIterator]() {
            for (let next = await pending; next.done !== true; next = await pending) {
              pending = read();
              yield next.value.getNumber();
            }
          },
        };
      },
    };
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
    extras: ProposalExtras = {},
  ): Promise<{ result: T; txId: string; blockNumber: number }> {
    const policy = retry ? this.#options.retry : { ...this.#options.retry, maxAttempts: 1 };
    return this.#timed(transaction, async (onRetry) => {
      const { contract } = this.#gatewayFor(identity);
      const committed = await submitTransaction(contract, transaction, args, policy, onRetry, extras);
      // before the caller hears of the commit: its next read must not get an answer kept from before it
      this.#height?.committed(committed.blockNumber);
      return { result: parseAs(committed.result, transaction, shape), txId: committed.txId, blockNumber: committed.blockNumber };
    });
  }

  /** The MSP ids of the channel's organisations this gateway knows: those of the profile's peers. */
  #channelOrganisations(): string[] {
    return [...new Set(this.#profile.peers.map((p) => p.mspId))];
  }

  /**
   * A submit whose proposal may carry private data. It goes first without named endorsers, so the
   * peer's gateway keeps the transient data in the recorder's organisation whenever the endorsement
   * policy allows (Fabric's default plan); only when the gateway refuses to spread it unasked
   * (a MAJORITY policy needs other organisations) does it name the recorder plus a majority, once
   * for all later private writes of this gateway.
   */
  async #submitPrivate<T>(
    identity: string,
    transaction: string,
    shape: (v: unknown) => v is T,
    parts: ProposalParts,
    retry: boolean,
  ): Promise<{ result: T; txId: string; blockNumber: number }> {
    if (!parts.transientData) return this.#submit(identity, transaction, shape, parts.args, retry);
    const named = (): ProposalExtras => {
      const { profile } = this.#gatewayFor(identity);
      return { transientData: parts.transientData, endorsingOrganizations: privateEndorsers(profile.mspId, this.#channelOrganisations()) };
    };
    if (this.#nameEndorsers) return this.#submit(identity, transaction, shape, parts.args, retry, named());
    try {
      return await this.#submit(identity, transaction, shape, parts.args, retry, { transientData: parts.transientData });
    } catch (err) {
      if (!(err instanceof TransientDataProtectionError)) throw err;
      // refused at endorsement: nothing was ordered, so a new proposal is safe
      this.#nameEndorsers = true;
      return this.#submit(identity, transaction, shape, parts.args, retry, named());
    }
  }

  async registerLot(identity: string, lot: LotSubmission): Promise<RegisterLotResult> {
    const parts = lotProposal(lot);
    const { result, txId, blockNumber } = await this.#submitPrivate(identity, 'RegisterLot', SHAPES.registered, parts, true);
    return { lot: result.lot, created: result.created, txId, blockNumber };
  }

  async recordEvents(identity: string, events: EventSubmission[]): Promise<RecordEventsResult> {
    const parts = eventsProposal(events);
    const { result, txId, blockNumber } = await this.#submitPrivate(identity, 'RecordEvents', SHAPES.recordedList, parts, false);
    return { results: result, txId, blockNumber };
  }

  async recordCorrection(identity: string, correction: EventSubmission): Promise<RecordEventsResult> {
    // one attempt, like RecordEvents: corrections go through the outbox, whose submitter owns the retries
    const parts = eventsProposal([correction], true);
    const { result, txId, blockNumber } = await this.#submitPrivate(identity, 'RecordCorrection', SHAPES.recorded, parts, false);
    return { results: [result], txId, blockNumber };
  }

  privateData(identity: string, lotId: string, mspId: string): Promise<domain.PrivateDataView> {
    // target_organizations: only a peer of mspId holds its implicit collection's values
    return this.#evaluate(identity, 'GetPrivateData', SHAPES.privateData, [lotId, mspId], { endorsingOrganizations: [mspId], cache: true });
  }

  async purgePrivateData(identity: string, lotId: string): Promise<domain.PurgeResult & { blockNumber: number }> {
    // a purge writes (hashed) to the signer's implicit collection: its organisation must endorse. Fabric's
    // gateway endorses on the caller's organisation first and adds only what the policy needs, so no
    // names: naming others would show their peers which keys are purged.
    const { result, blockNumber } = await this.#submit(identity, 'PurgePrivateData', SHAPES.purge, [lotId], true);
    return { ...result, blockNumber };
  }

  readLot(identity: string, lotId: string): Promise<domain.LotView> {
    return this.#evaluate(identity, 'ReadLot', SHAPES.lotView, [lotId]);
  }

  getEvent(identity: string, eventId: string): Promise<domain.EventRecord> {
    return this.#evaluate(identity, 'GetEvent', SHAPES.eventRecord, [eventId]);
  }

  provenance(identity: string, lotId: string): Promise<domain.Provenance> {
    return this.#evaluate(identity, 'GetProvenance', SHAPES.provenance, [lotId], { cache: true });
  }

  provenanceByEpc(identity: string, epc: string): Promise<domain.Provenance> {
    return this.#evaluate(identity, 'GetProvenanceByEpc', SHAPES.provenance, [epc], { cache: true });
  }

  provenanceSummary(identity: string, lotId: string): Promise<domain.ProvenanceSummary> {
    return this.#evaluate(identity, 'GetProvenanceSummary', SHAPES.provenanceSummary, [lotId], { cache: true });
  }

  provenanceSummaryByEpc(identity: string, epc: string): Promise<domain.ProvenanceSummary> {
    return this.#evaluate(identity, 'GetProvenanceSummaryByEpc', SHAPES.provenanceSummary, [epc], { cache: true });
  }

  linkEvents(identity: string, lotId: string, query: domain.LinkEventsQuery): Promise<domain.LinkEventsPage> {
    return this.#evaluate(identity, 'GetLinkEvents', SHAPES.linkEvents, [lotId, JSON.stringify(query)], { cache: true });
  }

  lotByEpc(identity: string, epc: string): Promise<domain.LotView> {
    return this.#evaluate(identity, 'GetLotByEpc', SHAPES.lotView, [epc]);
  }

  lotHistory(identity: string, lotId: string): Promise<domain.HistoryEntry[]> {
    return this.#evaluate(identity, 'GetLotHistory', SHAPES.history, [lotId]);
  }

  listLots(identity: string, filter: domain.LotFilter): Promise<domain.LotPage> {
    return this.#evaluate(identity, 'ListLots', SHAPES.lotPage, [JSON.stringify(filter)]);
  }

  async putOrganisationProfile(identity: string, profile: domain.OrganisationProfileInput): Promise<Registered<domain.OrganisationView>> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'PutOrganisationProfile', SHAPES.organisationPut, [JSON.stringify(profile)]);
    return { record: result.organisation, created: result.created, txId, blockNumber };
  }

  getOrganisation(identity: string, mspId: string): Promise<domain.OrganisationView> {
    return this.#evaluate(identity, 'GetOrganisation', SHAPES.organisation, [mspId]);
  }

  async listOrganisations(identity: string): Promise<domain.OrganisationView[]> {
    return (await this.#evaluate(identity, 'ListOrganisations', SHAPES.organisationList, [])).organisations;
  }

  async registerFacility(identity: string, facility: domain.FacilityInput): Promise<Registered<domain.FacilityRecord>> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'RegisterFacility', SHAPES.facilityPut, [JSON.stringify(facility)]);
    return { record: result.facility, created: result.created, txId, blockNumber };
  }

  getFacility(identity: string, gln: string): Promise<domain.FacilityRecord> {
    return this.#evaluate(identity, 'GetFacility', SHAPES.facility, [gln]);
  }

  listFacilities(identity: string, filter: domain.FacilityFilter): Promise<domain.FacilityPage> {
    return this.#evaluate(identity, 'ListFacilities', SHAPES.facilityPage, [JSON.stringify(filter)]);
  }

  async registerDevice(identity: string, device: domain.DeviceInput): Promise<Registered<domain.DeviceRecord>> {
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
      await this.#evaluate(name, 'ListLots', SHAPES.lotPage, [JSON.stringify({ pageSize: 1 })], { retry: false });
    } catch (err) {
      if ((err as LedgerError).status === 503 || (err as LedgerError).status === 502) throw err;
      // a chaincode answer (even a refusal) proves the ledger is reachable
    }
  }

  async close(): Promise<void> {
    await this.#height?.close();
    for (const s of [...this.#streams]) s.close();
    for (const g of this.#gateways.values()) g.gateway.close();
    for (const c of this.#clients.values()) c.close();
    this.#gateways.clear();
    this.#clients.clear();
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
