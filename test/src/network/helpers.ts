/**
 * Helpers for the embedded-network suites: each suite starts its own network on port 0 in a
 * temp dir and talks to it only through @hyperledger/fabric-gateway.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Contract, type Gateway, type Signer } from '@hyperledger/fabric-gateway';
import { EmbeddedNetwork, type ConnectionIdentity, type EmbeddedNetworkOptions, type RunningNetwork } from '@acetrace/network';
import pino from 'pino';

export const CHANNEL = 'acetrace';
export const CHAINCODE = 'acetrace';

/** A fresh temp data dir (removed by {@link removeDir}). */
export function tempDataDir(prefix = 'acetrace-net-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Starts a network on an ephemeral port with a silent logger. */
export function startNetwork(dataDir: string, options: Partial<EmbeddedNetworkOptions> = {}): Promise<RunningNetwork> {
  return EmbeddedNetwork.start({
    dataDir,
    port: 0,
    batchTimeoutMs: 100,
    logger: pino({ level: process.env.ACETRACE_TEST_LOG_LEVEL ?? 'silent' }),
    ...options,
  });
}

/** A connected client: gateway, channel contract, and how to close both. */
export interface Client {
  readonly gateway: Gateway;
  readonly contract: Contract;
  readonly grpcClient: grpc.Client;
  close(): void;
}

/** What a connection needs: the network's connection profile (an embedded network's, or a real one's `connection.json`). */
export interface Reachable {
  readonly connection: {
    readonly peers: ReadonlyArray<{ mspId: string; endpoint: string; hostAlias?: string; tlsCaCertPath?: string }>;
    readonly identities: readonly ConnectionIdentity[];
  };
}

/** A gRPC client for the network (TLS with its CA and the peer's host alias, when TLS is on). */
export function grpcClientFor(net: Reachable, mspId = 'Org1MSP'): grpc.Client {
  const peer = net.connection.peers.find((p) => p.mspId === mspId) ?? net.connection.peers[0];
  if (peer === undefined) throw new Error('no peer in connection.json');
  if (peer.tlsCaCertPath === undefined) {
    return new grpc.Client(peer.endpoint, grpc.credentials.createInsecure());
  }
  return new grpc.Client(
    peer.endpoint,
    grpc.credentials.createSsl(readFileSync(peer.tlsCaCertPath)),
    peer.hostAlias === undefined ? {} : { 'grpc.ssl_target_name_override': peer.hostAlias },
  );
}

/** Connects as a connection.json identity, e.g. `org1-supplier`. */
export function connectAs(net: Reachable, name: string): Client {
  const id = net.connection.identities.find((i) => i.name === name);
  if (id === undefined) throw new Error(`no identity ${name}`);
  return connectWith(net, id.mspId, readFileSync(id.certPath), signers.newPrivateKeySigner(createPrivateKey(readFileSync(id.keyPath))));
}

/** Connects with explicit credentials and signer (for foreign or broken identities). */
export function connectWith(net: Reachable, mspId: string, certPem: Uint8Array, signer: Signer): Client {
  const grpcClient = grpcClientFor(net, mspId);
  const gateway = connect({
    client: grpcClient,
    identity: { mspId, credentials: certPem },
    signer,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 15_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 30_000 }),
  });
  const contract = gateway.getNetwork(CHANNEL).getContract(CHAINCODE);
  return {
    gateway,
    contract,
    grpcClient,
    close: () => {
      gateway.close();
      grpcClient.close();
    },
  };
}

/**
 * One suite's network: a temp data dir, the network on it and the `org1-supplier` client.
 * `start()` in `before`, `stop()` in `after`; `restart()` stops and starts it on the same dir.
 */
export class SuiteNetwork {
  #dataDir: string | undefined;
  #net: RunningNetwork | undefined;
  #supplier: Client | undefined;

  async start(): Promise<void> {
    this.#dataDir = tempDataDir();
    await this.#open(this.#dataDir);
  }

  /** Closes the client, stops the network and starts it again on the same data dir. */
  async restart(): Promise<void> {
    this.supplier.close();
    await this.net.stop();
    await this.#open(this.dataDir);
  }

  async stop(): Promise<void> {
    this.#supplier?.close();
    await this.#net?.stop();
    if (this.#dataDir !== undefined) removeDir(this.#dataDir);
  }

  get dataDir(): string {
    if (this.#dataDir === undefined) throw new Error('network not started');
    return this.#dataDir;
  }

  get net(): RunningNetwork {
    if (this.#net === undefined) throw new Error('network not started');
    return this.#net;
  }

  get supplier(): Client {
    if (this.#supplier === undefined) throw new Error('network not started');
    return this.#supplier;
  }

  async #open(dataDir: string): Promise<void> {
    this.#net = await startNetwork(dataDir);
    this.#supplier = connectAs(this.#net, 'org1-supplier');
  }
}

/** A LotInput the chaincode accepts. */
export function lotInput(lotId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const product = { product: 'Frozen shrimp', htsCode: '0306.17.0040', originCountry: 'VN' };
  return { lotId, ...product, quantity: 100, unit: 'kg', epcs: [], parentLotId: null, ...extra };
}

/** A link-1 document event a supplier may post. */
export function documentEvent(eventId: string, lotId: string): Record<string, unknown> {
  return {
    eventId,
    lotId,
    link: 1,
    kind: 'document',
    eventTime: '2026-03-01T10:00:00Z',
    evidence: [{ sha256: 'a'.repeat(64), type: 'lab-report' }],
  };
}

export function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- callers across test/ name the shape they expect
export function json<T = unknown>(bytes: Uint8Array): T {
  return JSON.parse(utf8(bytes)) as T;
}
