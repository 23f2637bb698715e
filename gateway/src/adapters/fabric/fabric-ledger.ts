/**
 * The Fabric adapter of the ledger port: the sole importer of @hyperledger/fabric-gateway.
 *
 * One gRPC client per peer endpoint (TLS CA, `grpc.ssl_target_name_override` = host alias),
 * one Gateway per identity sharing its organisation's client, per-call deadlines, bounded
 * retries of transient failures, and every client error mapped to a typed ledger error.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import {
  type ChaincodeEvent,
  type Contract,
  type Gateway,
  type Network,
  connect,
  hash,
  signers,
} from '@hyperledger/fabric-gateway';
import { LedgerNotFoundError, LedgerUnavailableError, type LedgerError } from '../../errors';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type {
  LedgerEvent,
  LedgerEventStream,
  LedgerIdentity,
  LedgerPort,
  LotFilter,
  RecordEventsResult,
  RecordedEvent,
  RegisterLotResult,
  StreamPosition,
} from '../../ports/ledger';
import type { EventInput } from '../../ports/event-queue';
import type { LotInput } from '../../schemas';
import { type ConnectionProfile, type IdentityProfile, loadConnectionProfile } from './connection-profile';
import { mapFabricError } from './error-mapping';
import { type RetryPolicy, withRetry } from './retry';

export interface FabricLedgerOptions {
  /** Path of the connection profile, or the parsed profile. */
  profile: string | ConnectionProfile;
  deadlines: { evaluateMs: number; endorseMs: number; submitMs: number; commitStatusMs: number };
  retry: RetryPolicy;
  logger: Logger;
  metrics?: Metrics;
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
    const gateway = connect({
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

  async #timed<T>(transaction: string, fn: () => Promise<T>, retry = true): Promise<T> {
    const end = this.#options.metrics?.ledgerDuration.startTimer({ transaction });
    const policy = retry ? this.#options.retry : { ...this.#options.retry, maxAttempts: 1 };
    try {
      const out = await withRetry(policy, fn, (err: LedgerError, attempt, delayMs) => {
        this.#options.metrics?.ledgerRetries.inc({ transaction, reason: err.code });
        this.#options.logger.warn(
          { transaction, attempt, delayMs, err: { code: err.code, message: err.message, txId: err.transactionId } },
          'retrying ledger call after a transient failure',
        );
      });
      end?.({ outcome: 'ok' });
      return out;
    } catch (err) {
      end?.({ outcome: (err as LedgerError).code ?? 'error' });
      throw err;
    }
  }

  async #evaluate(identity: string, transaction: string, ...args: string[]): Promise<unknown> {
    return this.#evaluateWith(true, identity, transaction, ...args);
  }

  async #evaluateWith(retry: boolean, identity: string, transaction: string, ...args: string[]): Promise<unknown> {
    return this.#timed(
      transaction,
      async () => {
        const { contract } = this.#gatewayFor(identity);
        try {
          return parseJson(await contract.evaluateTransaction(transaction, ...args), transaction);
        } catch (err) {
          throw mapFabricError(err, transaction);
        }
      },
      retry,
    );
  }

  async #submit(identity: string, transaction: string, ...args: string[]): Promise<{ result: unknown; txId: string; blockNumber: number }> {
    return this.#timed(transaction, async () => {
      const { contract } = this.#gatewayFor(identity);
      let txId: string | undefined;
      try {
        const proposal = contract.newProposal(transaction, { arguments: args });
        txId = proposal.getTransactionId();
        const tx = await proposal.endorse();
        const submitted = await tx.submit();
        const status = await submitted.getStatus();
        if (!status.successful) {
          throw Object.assign(new Error(`Transaction ${txId} failed to commit with status code ${status.code}`), {
            name: 'CommitError',
            code: status.code,
            transactionId: txId,
          });
        }
        return { result: parseJson(submitted.getResult(), transaction), txId, blockNumber: Number(status.blockNumber) };
      } catch (err) {
        throw mapFabricError(err, transaction, txId);
      }
    });
  }

  async registerLot(identity: string, lot: LotInput): Promise<RegisterLotResult> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'RegisterLot', JSON.stringify(lot));
    const r = result as { lot: RegisterLotResult['lot']; created: boolean };
    return { lot: r.lot, created: r.created, txId, blockNumber };
  }

  async recordEvents(identity: string, events: EventInput[]): Promise<RecordEventsResult> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'RecordEvents', JSON.stringify(events));
    return { results: result as RecordedEvent[], txId, blockNumber };
  }

  async recordCorrection(identity: string, correction: EventInput): Promise<RecordEventsResult> {
    const { result, txId, blockNumber } = await this.#submit(identity, 'RecordCorrection', JSON.stringify(correction));
    return { results: [result as RecordedEvent], txId, blockNumber };
  }

  async readLot(identity: string, lotId: string): Promise<Record<string, unknown>> {
    return (await this.#evaluate(identity, 'ReadLot', lotId)) as Record<string, unknown>;
  }

  async getEvent(identity: string, eventId: string): Promise<Record<string, unknown>> {
    return (await this.#evaluate(identity, 'GetEvent', eventId)) as Record<string, unknown>;
  }

  async provenance(identity: string, lotId: string): Promise<Record<string, unknown>> {
    return (await this.#evaluate(identity, 'GetProvenance', lotId)) as Record<string, unknown>;
  }

  async provenanceByEpc(identity: string, epc: string): Promise<Record<string, unknown>> {
    return (await this.#evaluate(identity, 'GetProvenanceByEpc', epc)) as Record<string, unknown>;
  }

  async lotByEpc(identity: string, epc: string): Promise<Record<string, unknown>> {
    return (await this.#evaluate(identity, 'GetLotByEpc', epc)) as Record<string, unknown>;
  }

  async lotHistory(identity: string, lotId: string): Promise<unknown[]> {
    return (await this.#evaluate(identity, 'GetLotHistory', lotId)) as unknown[];
  }

  async listLots(identity: string, filter: LotFilter): Promise<{ lots: Array<Record<string, unknown>>; bookmark: string }> {
    return (await this.#evaluate(identity, 'ListLots', JSON.stringify(filter))) as {
      lots: Array<Record<string, unknown>>;
      bookmark: string;
    };
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
      await this.#evaluateWith(false, name, 'ListLots', JSON.stringify({ pageSize: 1 }));
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
