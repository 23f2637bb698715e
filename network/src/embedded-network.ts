/**
 * EmbeddedNetwork: a single-process, Fabric-compatible network for acetrace. One gRPC endpoint
 * serves the Gateway API for every organisation's peer; the chaincode runs in process; blocks,
 * world state and history live in `<dataDir>/network/ledger.sqlite`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { peer as peerProtos } from '@hyperledger/fabric-protos';
import pino, { type Logger } from 'pino';
import { ChaincodeRuntime, type ContractClass } from './chaincode-runtime/chaincode-runtime';
import { Ledger } from './ledger/ledger';
import { PrivateDataCipher } from './ledger/private-data';
import { MspRegistry } from './msp/registry';
import { addOrdererMetadata, blockHeaderHash, newBlock, setBlockMetadata, TRANSACTIONS_FILTER } from './peer/block';
import { BroadcastFilter } from './peer/broadcast-filter';
import { BlockEventsCache } from './peer/chaincode-events';
import type { ChannelContext, PeerNode } from './peer/channel';
import { CommitNotifier } from './peer/commit-notifier';
import { Committer, LedgerReader } from './peer/committer';
import { loadCryptoMaterial, newSigner, type CryptoMaterial } from './peer/crypto-material';
import { newDeliverService } from './peer/deliver';
import { newGatewayService } from './peer/gateway-service';
import { genesisEnvelope, type GenesisSettings } from './peer/genesis';
import { channelDeserializer } from './peer/msp-adapter';
import { BlockCutter, DEFAULT_BATCH_OPTIONS } from './peer/orderer';
import type { ChaincodeSimulator } from './peer/ports';
import { withQscc } from './peer/qscc';
import { StateLock } from './peer/state-lock';
import { TransientStore } from './peer/transient-store';
import { startPeerServer, type RunningServer } from './peer/server';
import { anyOrgPolicy, majorityPolicy, type EndorsementPolicy } from './peer/tx-validator';

/** Options of {@link EmbeddedNetwork.start}. Unset values fall back to the env knobs, then defaults. */
export interface EmbeddedNetworkOptions {
  /** Root data folder; the network keeps everything under `<dataDir>/network/`. */
  readonly dataDir: string;
  /** gRPC port; 0 picks a free one. Default `ACETRACE_NETWORK_PORT` or 7051. */
  readonly port?: number;
  /** Listen address. Default `127.0.0.1`. */
  readonly host?: string;
  /** TLS with the generated TLS CA. Default true unless `ACETRACE_NETWORK_TLS=false`. */
  readonly tls?: boolean;
  /** Orderer BatchTimeout. Default `ACETRACE_NETWORK_BATCH_TIMEOUT_MS` or 100. */
  readonly batchTimeoutMs?: number;
  /** Orderer MaxMessageCount. Default `ACETRACE_NETWORK_MAX_BATCH_SIZE` or 500. */
  readonly maxBatchSize?: number;
  /** `MAJORITY` (Fabric's default) or `ANY`. Default `ACETRACE_NETWORK_ENDORSEMENT_POLICY` or MAJORITY. */
  readonly endorsementPolicy?: 'MAJORITY' | 'ANY';
  /** Application organisations. Default Org1MSP, Org2MSP, Org3MSP. */
  readonly organisations?: readonly string[];
  /** Contracts to deploy. Default `require('@acetrace/chaincode').contracts`. */
  readonly contracts?: readonly ContractClass[];
  readonly channel?: string;
  readonly chaincode?: string;
  readonly chaincodeVersion?: string;
  /** pino logger; default JSON on stdout at `ACETRACE_LOG_LEVEL` or info. */
  readonly logger?: Logger;
}

/** One peer entry of connection.json. */
export interface ConnectionPeer {
  readonly mspId: string;
  readonly endpoint: string;
  readonly hostAlias: string;
  /** Absent when TLS is off. */
  readonly tlsCaCertPath?: string;
}

/** One identity entry of connection.json. */
export interface ConnectionIdentity {
  readonly name: string;
  readonly mspId: string;
  readonly role: string;
  readonly certPath: string;
  readonly keyPath: string;
}

/** `<dataDir>/network/connection.json`, read by the HTTP gateway. */
export interface ConnectionProfile {
  readonly channel: string;
  readonly chaincode: string;
  readonly peers: readonly ConnectionPeer[];
  readonly identities: readonly ConnectionIdentity[];
}

/** A running embedded network. */
export interface RunningNetwork {
  /** `host:port` of the gRPC endpoint. */
  readonly endpoint: string;
  readonly port: number;
  readonly tls: boolean;
  readonly connectionProfilePath: string;
  readonly connection: ConnectionProfile;
  /** `<dataDir>/network` */
  readonly networkDir: string;
  /** Ledger height (number of blocks). */
  height(): number;
  /** Cuts and commits whatever the orderer holds. */
  flush(): Promise<void>;
  /** Commits the pending block, closes the endpoint and the database. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'] as const;

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  }
  return value;
}

function envPolicy(): 'MAJORITY' | 'ANY' | undefined {
  const raw = process.env.ACETRACE_NETWORK_ENDORSEMENT_POLICY;
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const upper = raw.toUpperCase();
  if (upper !== 'MAJORITY' && upper !== 'ANY') {
    throw new Error(`ACETRACE_NETWORK_ENDORSEMENT_POLICY must be MAJORITY or ANY, got ${raw}`);
  }
  return upper;
}

function loadDefaultContracts(): readonly ContractClass[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const chaincode = require('@acetrace/chaincode') as { contracts?: readonly ContractClass[] };
  if (chaincode.contracts === undefined || chaincode.contracts.length === 0) {
    throw new Error('@acetrace/chaincode exports no contracts');
  }
  return chaincode.contracts;
}

/**
 * fabric-shim and fabric-contract-api log through winston at `CORE_CHAINCODE_LOGGING_LEVEL`
 * (default INFO: a line per decorator and per failed transaction). The embedded network defaults
 * it to CRITICAL; `setLevel` also fixes loggers created before, but writes winston's level name
 * into the variable, which the next `getLogger` misreads, so the Fabric name is put back.
 */
function quietChaincodeLoggers(): void {
  const level = process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'CRITICAL';
  for (const module of ['fabric-shim/lib/logger', 'fabric-contract-api/lib/logger']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require(module) as { setLevel?: (level: string) => void }).setLevel?.(level);
    } catch {
      // a missing logger module only means more log lines
    }
  }
  process.env.CORE_CHAINCODE_LOGGING_LEVEL = level;
}

/** The ordering node's address in the channel configuration (it shares the peers' endpoint). */
const ORDERER_ADDRESS = 'orderer0.acetrace.local:7050';

function hostAlias(domainLabel: string): string {
  return `peer0.${domainLabel}.acetrace.local`;
}

/** The chaincode runtime as the endorser's simulator; each organisation's peer reads its own private store. */
function runtimeSimulator(runtime: ChaincodeRuntime, ledger: Ledger, channelOrgs: readonly string[]): ChaincodeSimulator {
  return {
    definition: (name) => (name === runtime.chaincodeName ? { name, version: runtime.version } : undefined),
    simulate: async (signedProposal, _txId, _chaincodeName, _args, peerMspId) => {
      const result = await runtime.invoke(ledger, signedProposal, { peerMspId, channelOrgs });
      return {
        response: result.response,
        ...(result.event !== undefined ? { event: result.event } : {}),
        results: result.rwset.serializeBinary(),
        ...(result.privateData !== undefined ? { privateData: result.privateData.serializeBinary() } : {}),
        privateReads: result.privateReads,
      };
    },
  };
}

/** The private store's key file in the network folder (32 random bytes, mode 0600, made on first start). */
export const PRIVATE_DATA_KEY_FILE = 'private-data.key';

/** Writes block 0 (channel configuration) to an empty ledger. */
function commitGenesis(ledger: Ledger, channelId: string, material: CryptoMaterial, settings: GenesisSettings): void {
  const tlsCaCertPem = material.tlsCa.certPem;
  const { envelope, txId } = genesisEnvelope(
    channelId,
    material.orgs.map((o) => ({ mspId: o.mspId, caCertPem: o.ca.certPem, tlsCaCertPem })),
    { mspId: material.orderer.mspId, caCertPem: material.orderer.ca.certPem, tlsCaCertPem },
    new Date(),
    settings,
  );
  const block = newBlock(0, new Uint8Array(0), [envelope]);
  // configtxgen's genesis block: LAST_CONFIG 0 and an unsigned OrdererBlockMetadata
  addOrdererMetadata(block, 0);
  const header = block.getHeader();
  const now = Date.now();
  ledger.validateAndCommit({
    number: 0,
    transactions: [
      { txId, timestampSeconds: Math.floor(now / 1000), timestampNanos: (now % 1000) * 1e6, creatorMspId: '', rwset: [] },
    ],
    ...(header !== undefined ? { headerHash: blockHeaderHash(header) } : {}),
    bytes: (codes) => {
      setBlockMetadata(block, TRANSACTIONS_FILTER, Uint8Array.from(codes));
      return block.serializeBinary();
    },
  });
}

/** The options with every unset value taken from its env knob or default. */
function networkSettings(options: EmbeddedNetworkOptions): {
  logger: Logger; channelId: string; chaincodeName: string; host: string; port: number; tls: boolean;
  batch: typeof DEFAULT_BATCH_OPTIONS; mspIds: readonly string[]; policyRule: 'MAJORITY' | 'ANY';
} {
  const logger =
    options.logger ?? pino({ name: 'acetrace-network', level: process.env.ACETRACE_LOG_LEVEL ?? 'info' });
  const batch = batchSettings(options);
  return {
    logger,
    channelId: options.channel ?? 'acetrace',
    chaincodeName: options.chaincode ?? 'acetrace',
    ...listenSettings(options),
    batch,
    mspIds: options.organisations ?? DEFAULT_ORGS,
    policyRule: options.endorsementPolicy ?? envPolicy() ?? 'MAJORITY',
  };
}

/** Where the gRPC endpoint listens, and whether with TLS. */
function listenSettings(options: EmbeddedNetworkOptions): { host: string; port: number; tls: boolean } {
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? envNumber('ACETRACE_NETWORK_PORT') ?? 7051,
    tls: options.tls ?? process.env.ACETRACE_NETWORK_TLS?.toLowerCase() !== 'false',
  };
}

/** The orderer's block cutting: batch timeout and size. */
function batchSettings(options: EmbeddedNetworkOptions): typeof DEFAULT_BATCH_OPTIONS {
  const batch = {
    ...DEFAULT_BATCH_OPTIONS,
    batchTimeoutMs: options.batchTimeoutMs ?? envNumber('ACETRACE_NETWORK_BATCH_TIMEOUT_MS') ?? DEFAULT_BATCH_OPTIONS.batchTimeoutMs,
    maxMessageCount: options.maxBatchSize ?? envNumber('ACETRACE_NETWORK_MAX_BATCH_SIZE') ?? DEFAULT_BATCH_OPTIONS.maxMessageCount,
  };
  if (batch.maxMessageCount < 1) {
    throw new Error('maxBatchSize must be at least 1');
  }
  return batch;
}

/** The listen host as a TLS name, unless it is a wildcard address. */
function tlsHostOf(host: string): string[] {
  return host === '0.0.0.0' || host === '::' ? [] : [host];
}

/** connection.json: one entry per organisation's peer (all at `endpoint`) and every generated identity. */
function connectionProfileOf(channel: string, chaincode: string, endpoint: string, tls: boolean, material: CryptoMaterial): ConnectionProfile {
  return {
    channel,
    chaincode,
    peers: material.orgs.map((org) => ({
      mspId: org.mspId,
      endpoint,
      hostAlias: hostAlias(org.domainLabel),
      ...(tls ? { tlsCaCertPath: material.tlsCaCertPath } : {}),
    })),
    identities: material.orgs.flatMap((org) =>
      org.users.map((u) => ({
        name: u.name,
        mspId: u.mspId,
        role: u.role ?? '',
        certPath: u.certPath,
        keyPath: u.keyPath,
      })),
    ),
  };
}

/**
 * The embedded network. `EmbeddedNetwork.start()` generates (first start) or loads the crypto
 * material, opens the ledger, deploys the chaincode, starts the gRPC endpoint and writes
 * connection.json.
 *
 * @example
 * ```ts
 * const net = await EmbeddedNetwork.start({ dataDir: '.acetrace', port: 0 });
 * // connect @hyperledger/fabric-gateway to net.endpoint with net.connection
 * await net.stop();
 * ```
 */
export const EmbeddedNetwork = {
  /**
   * Starts the network.
   * @throws Error when the port is taken or the data folder cannot be written
   */
  async start(options: EmbeddedNetworkOptions): Promise<RunningNetwork> {
    const { logger, channelId, chaincodeName, host, port, tls, batch, mspIds, policyRule } = networkSettings(options);
    const networkDir = join(resolve(options.dataDir), 'network');
    await mkdir(networkDir, { recursive: true });

    const aliases = mspIds.map((id) => hostAlias(id.replace(/MSP$/, '').toLowerCase()));
    const material = await loadCryptoMaterial({
      networkDir,
      mspIds,
      tlsHosts: [...aliases, 'localhost', '127.0.0.1', ...tlsHostOf(host)],
    });
    const registry = new MspRegistry(material.orgs.map((o) => ({ mspId: o.mspId, caCertPem: o.ca.certPem })));
    const deserializer = channelDeserializer(registry);
    // the orderer knows every channel MSP, its own organisation's included
    const ordererRegistry = new MspRegistry([
      ...material.orgs.map((o) => ({ mspId: o.mspId, caCertPem: o.ca.certPem })),
      { mspId: material.orderer.mspId, caCertPem: material.orderer.ca.certPem },
    ]);
    const broadcastFilter = new BroadcastFilter(channelId, channelDeserializer(ordererRegistry), {
      applicationOrgs: mspIds,
      ordererOrgs: [material.orderer.mspId],
    });
    const policy: EndorsementPolicy = policyRule === 'ANY' ? anyOrgPolicy(mspIds) : majorityPolicy(mspIds);

    const ledgerPath = join(networkDir, 'ledger.sqlite');
    const cipher = await PrivateDataCipher.fromKeyFile(join(networkDir, PRIVATE_DATA_KEY_FILE));
    const ledger = Ledger.open(ledgerPath, { cipher });
    try {
      if (ledger.height === 0) {
        commitGenesis(ledger, channelId, material, { endorsement: policyRule, batch, ordererAddress: ORDERER_ADDRESS });
      }
      quietChaincodeLoggers();
      const contracts = options.contracts ?? loadDefaultContracts();
      const runtime = new ChaincodeRuntime({
        contracts,
        chaincodeName,
        version: options.chaincodeVersion ?? '1.0',
        peerMspId: mspIds[0] ?? 'Org1MSP',
      });
      const notifier = new CommitNotifier();
      const stateLock = new StateLock();
      const transientStore = new TransientStore();
      const committer = new Committer({
        transientStore,
        channelId,
        ledger,
        deserializer,
        policy,
        notifier,
        stateLock,
        ordererSigner: newSigner(material.orderer),
        logger,
      });
      const orderer = new BlockCutter(batch, (envs) => committer.commitBatch(envs), (err: unknown) => {
        logger.error({ err }, 'block commit failed');
      });
      const shutdown = new AbortController();
      let boundPort = port;
      const peersFor = (boundPort: number): PeerNode[] =>
        material.orgs.map((org) => ({
          mspId: org.mspId,
          address: `${hostAlias(org.domainLabel)}:${String(boundPort)}`,
          signer: newSigner(org.peer),
        }));
      // Peer addresses carry the bound port, known only after bind; the list is filled then.
      const peerList: PeerNode[] = [];
      const ledgerReader = new LedgerReader(ledger);
      const context: ChannelContext = {
        channelId,
        peers: peerList,
        policy,
        deserializer,
        simulator: withQscc(runtimeSimulator(runtime, ledger, mspIds), ledgerReader, channelId),
        transientStore,
        ledger: ledgerReader,
        stateLock,
        orderer,
        broadcastFilter,
        get ordererAddress() {
          return `orderer0.acetrace.local:${String(boundPort)}`;
        },
        ordererMspId: material.orderer.mspId,
        notifier,
        eventsCache: new BlockEventsCache(),
        logger,
        shutdown: shutdown.signal,
      };
      const server: RunningServer = await startPeerServer(newGatewayService(context), {
        host,
        port,
        ...(tls ? { tls: { certPem: material.tlsServer.certPem, keyPem: material.tlsServer.keyPem } } : {}),
        extraServices: [{ definition: peerProtos.DeliverService, implementation: newDeliverService(context) }],
      });
      boundPort = server.port;
      peerList.push(...peersFor(server.port));

      const endpoint = `${host}:${String(server.port)}`;
      const connection = connectionProfileOf(channelId, chaincodeName, endpoint, tls, material);
      const connectionProfilePath = join(networkDir, 'connection.json');
      await writeFile(connectionProfilePath, JSON.stringify(connection, null, 2) + '\n');

      logger.info(
        {
          endpoint,
          tls,
          channel: channelId,
          chaincode: `${chaincodeName}@${runtime.version}`,
          organisations: mspIds,
          endorsementPolicy: policy.description,
          batch: { maxMessageCount: batch.maxMessageCount, batchTimeoutMs: batch.batchTimeoutMs },
          height: ledger.height,
          identities: connection.identities.length,
          generatedCrypto: material.generated,
          dataDir: networkDir,
          connectionProfile: connectionProfilePath,
        },
        'embedded Fabric network listening',
      );

      let stopped: Promise<void> | undefined;
      const running: RunningNetwork = {
        endpoint,
        port: server.port,
        tls,
        connectionProfilePath,
        connection,
        networkDir,
        height: () => ledger.height,
        flush: () => orderer.flush(),
        stop: () => {
          stopped ??= (async () => {
            logger.info({ pending: orderer.pendingCount }, 'stopping embedded network');
            await orderer.stop();
            shutdown.abort();
            await server.stop(1000);
            ledger.close();
            logger.info({ height: ledger.height }, 'embedded network stopped');
          })();
          return stopped;
        },
      };
      return running;
    } catch (err) {
      ledger.close();
      throw err;
    }
  },
};
