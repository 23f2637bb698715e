/**
 * The Fabric adapter of the block-source port: the query system chaincode `qscc` (GetChainInfo,
 * GetBlockByNumber, GetBlockByTxID) evaluated through @hyperledger/fabric-gateway exactly as on a
 * Fabric 2.5 peer, and the Gateway's CommitStatus for a transaction's block number (the peer
 * answers it from its block index: no block is read or sent). Blocks are decoded with
 * @hyperledger/fabric-protos; their bytes are kept unchanged for the proof bundles.
 *
 * Uses the ledger adapter's connections and identities (fabric-ledger.ts `fabricConnections`).
 */
import { common, gateway as gatewayProtos, ledger as ledgerProtos, msp, peer } from '@hyperledger/fabric-protos';
import type { Gateway, Network } from '@hyperledger/fabric-gateway';
import { type LedgerError, LedgerInternalError, LedgerNotFoundError } from '../../errors';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type {
  BlockTransaction,
  ChainInfo,
  ChannelConfiguration,
  KeyWrite,
  LedgerBlock,
  LedgerBlocksPort,
  OrganisationAnchors,
  OrganisationPolicy,
  TransactionLocation,
} from '../../ports/ledger-blocks';
import { mapFabricError } from './error-mapping';
import { type RetryPolicy, withRetry } from './retry';

/** The fabric-gateway objects of one identity. */
export interface FabricConnection {
  gateway: Gateway;
  network: Network;
}

export interface FabricBlocksOptions {
  /** The connection of an identity (fabric-ledger.ts `fabricConnections(ledger)`). */
  connectionOf: (identity: string) => FabricConnection;
  retry: RetryPolicy;
  logger: Logger;
  metrics?: Metrics;
}

const QSCC = 'qscc';
/** Where the channel's endorsement policy sits; a chaincode definition refers to it by default. */
const ENDORSEMENT_POLICY_PATH = '/Channel/Application/Endorsement';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const pem = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** jspb.Map, whose type google-protobuf (no typings) leaves unresolved. */
interface ProtoMap<V> {
  get(key: string): V | undefined;
  forEach(fn: (value: V, key: string) => void): void;
}
const protoMap = <V>(map: unknown): ProtoMap<V> => map as ProtoMap<V>;
const groupsOf = (g: common.ConfigGroup): ProtoMap<common.ConfigGroup> => protoMap(g.getGroupsMap());
const valuesOf = (g: common.ConfigGroup): ProtoMap<common.ConfigValue> => protoMap(g.getValuesMap());
const policiesOf = (g: common.ConfigGroup): ProtoMap<common.ConfigPolicy> => protoMap(g.getPoliciesMap());

/** A qscc or ledger index "no such block/transaction" answer. */
const NOT_IN_INDEX = /no such (block|transaction)/i;

function transactionOf(envelopeBytes: Uint8Array, index: number, validationCode: number): BlockTransaction {
  try {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
    const type = channelHeader.getType();
    return {
      index,
      txId: channelHeader.getTxId(),
      channelId: channelHeader.getChannelId(),
      type: type === common.HeaderType.ENDORSER_TRANSACTION ? 'endorser' : type === common.HeaderType.CONFIG ? 'config' : 'other',
      validationCode,
    };
  } catch {
    // a malformed envelope is committed as BAD_PAYLOAD: keep its place, it proves nothing
    return { index, txId: '', channelId: '', type: 'other', validationCode };
  }
}

/** The chaincode an endorser transaction invoked (its one action) and its writes in that chaincode's namespace. */
function chaincodeWritesOf(envelopeBytes: Uint8Array): { chaincode: string; writes: KeyWrite[] } | undefined {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
  const endorsed = action && peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
  if (!endorsed) return undefined;
  const prp = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
  const chaincode = chaincodeAction.getChaincodeId()?.getName() ?? '';
  const writes: KeyWrite[] = [];
  for (const ns of ledgerProtos.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8()).getNsRwsetList()) {
    if (ns.getNamespace() !== chaincode) continue;
    for (const w of ledgerProtos.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()).getWritesList()) {
      writes.push({ key: w.getKey(), isDelete: w.getIsDelete(), value: w.getValue_asU8() });
    }
  }
  return { chaincode, writes };
}

/** Fabric 2.x: SIGNATURES metadata holds OrdererBlockMetadata{last_config}; older blocks: the LAST_CONFIG slot. */
function lastConfigOf(metadata: Uint8Array[]): number | undefined {
  try {
    const signatures = metadata[common.BlockMetadataIndex.SIGNATURES];
    if (signatures && signatures.length > 0) {
      const value = common.Metadata.deserializeBinary(signatures).getValue_asU8();
      if (value.length > 0) {
        const last = common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig();
        if (last) return last.getIndex();
      }
    }
    const legacy = metadata[common.BlockMetadataIndex.LAST_CONFIG];
    if (legacy && legacy.length > 0) {
      return common.LastConfig.deserializeBinary(common.Metadata.deserializeBinary(legacy).getValue_asU8()).getIndex();
    }
  } catch {
    // unreadable metadata: the caller says which block had none
  }
  return undefined;
}

function mspAnchors(group: common.ConfigGroup, type: OrganisationAnchors['type'], groupName: string): OrganisationAnchors | undefined {
  const value = valuesOf(group).get('MSP');
  if (!value) return undefined;
  const config = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  if (config.getType() !== 0) return undefined; // not a FABRIC (X.509) MSP
  const fabric = msp.FabricMSPConfig.deserializeBinary(config.getConfig_asU8());
  return {
    mspId: fabric.getName() || groupName,
    type,
    rootCerts: fabric.getRootCertsList_asU8().map(pem),
    intermediateCerts: fabric.getIntermediateCertsList_asU8().map(pem),
  };
}

const IMPLICIT_RULES: Record<number, 'ANY' | 'ALL' | 'MAJORITY'> = {
  [common.ImplicitMetaPolicy.Rule.ANY]: 'ANY',
  [common.ImplicitMetaPolicy.Rule.ALL]: 'ALL',
  [common.ImplicitMetaPolicy.Rule.MAJORITY]: 'MAJORITY',
};

/** The policy as a rule over organisations: ImplicitMeta, or n-out-of SignedBy principals of distinct organisations. */
function policyOf(policy: common.Policy | undefined, applicationGroups: Array<[string, common.ConfigGroup, string]>): OrganisationPolicy {
  const unsupported = (why: string): never => {
    throw new LedgerInternalError(`the channel's ${ENDORSEMENT_POLICY_PATH} policy cannot be written in a proof bundle: ${why}`);
  };
  if (!policy) return unsupported('it is missing from the configuration');
  if (policy.getType() === common.Policy.PolicyType.IMPLICIT_META) {
    const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    const sub = meta.getSubPolicy();
    const organisations = applicationGroups.filter(([, g]) => policiesOf(g).get(sub) !== undefined).map(([, , mspId]) => mspId);
    return { rule: IMPLICIT_RULES[meta.getRule()] ?? unsupported(`rule ${String(meta.getRule())}`), organisations, source: ENDORSEMENT_POLICY_PATH };
  }
  if (policy.getType() === common.Policy.PolicyType.SIGNATURE) {
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
    const nOutOf = envelope.getRule()?.getNOutOf();
    if (!nOutOf) return unsupported('a signature policy that is not n-out-of');
    const principals = envelope.getIdentitiesList();
    const organisations = nOutOf.getRulesList().map((r) => {
      if (r.getTypeCase() !== common.SignaturePolicy.TypeCase.SIGNED_BY) return unsupported('nested signature policies');
      const principal = principals[r.getSignedBy()];
      if (principal?.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
        return unsupported('a principal that is not an MSP role');
      }
      return msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8()).getMspIdentifier();
    });
    if (new Set(organisations).size !== organisations.length) return unsupported('an organisation named twice');
    return { rule: { outOf: nOutOf.getN() }, organisations, source: ENDORSEMENT_POLICY_PATH };
  }
  return unsupported(`policy type ${String(policy.getType())}`);
}

/** The trust anchors and endorsement policy of a CONFIG envelope. */
function configurationOf(envelopeBytes: Uint8Array): ChannelConfiguration {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  const channel = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig()?.getChannelGroup();
  const application = channel && groupsOf(channel).get('Application');
  const ordering = channel && groupsOf(channel).get('Orderer');
  if (!channel || !application) throw new LedgerInternalError('the channel configuration has no Application group');
  const applicationGroups: Array<[string, common.ConfigGroup, string]> = [];
  const organisations: OrganisationAnchors[] = [];
  groupsOf(application).forEach((group, name) => {
    const anchors = mspAnchors(group, 'application', name);
    if (!anchors) return;
    organisations.push(anchors);
    applicationGroups.push([name, group, anchors.mspId]);
  });
  if (ordering) {
    groupsOf(ordering).forEach((group, name) => {
      const anchors = mspAnchors(group, 'orderer', name);
      if (anchors) organisations.push(anchors);
    });
  }
  return {
    organisations,
    endorsementPolicy: policyOf(policiesOf(application).get('Endorsement')?.getPolicy(), applicationGroups),
  };
}

/** Decodes a block; the bytes are kept as they are. */
export function decodeLedgerBlock(bytes: Uint8Array): LedgerBlock {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (!header) throw new LedgerInternalError('the ledger returned a block without a header');
  const data = block.getData()?.getDataList_asU8() ?? [];
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const filter = metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(0);
  const transactions = data.map((env, i) => transactionOf(env, i, filter[i] ?? peer.TxValidationCode.NOT_VALIDATED));
  return {
    number: header.getNumber(),
    bytes,
    header: { number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() },
    transactions,
    lastConfigBlock: lastConfigOf(metadata),
    chaincodeWrites: (index) => {
      const env = data[index];
      return env !== undefined && transactions[index]?.type === 'endorser' ? chaincodeWritesOf(env) : undefined;
    },
    configuration: () => {
      const env = data[0];
      return env !== undefined && transactions[0]?.type === 'config' ? configurationOf(env) : undefined;
    },
  };
}

class FabricBlocks implements LedgerBlocksPort {
  readonly #options: FabricBlocksOptions;

  constructor(options: FabricBlocksOptions) {
    this.#options = options;
  }

  async #call<T>(transaction: string, fn: () => Promise<T>): Promise<T> {
    const { metrics, logger, retry } = this.#options;
    const end = metrics?.ledgerDuration.startTimer({ transaction });
    try {
      const out = await withRetry(
        retry,
        async () => {
          try {
            return await fn();
          } catch (err) {
            throw this.#mapError(err, transaction);
          }
        },
        (err: LedgerError, attempt, delayMs) => {
          metrics?.ledgerRetries.inc({ transaction, reason: err.code });
          logger.warn({ transaction, attempt, delayMs, err: { code: err.code, message: err.message } }, 'retrying ledger call after a transient failure');
        },
      );
      end?.({ outcome: 'ok' });
      return out;
    } catch (err) {
      end?.({ outcome: (err as { code?: LedgerError['code'] }).code ?? 'error' });
      throw err;
    }
  }

  #mapError(err: unknown, transaction: string): LedgerError {
    if (err instanceof LedgerNotFoundError || err instanceof LedgerInternalError) return err;
    const e = err as { message?: unknown; details?: Array<{ message?: unknown }> };
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    const texts = [text(e.message), ...(Array.isArray(e.details) ? e.details.map((d) => text(d.message)) : [])];
    const notFound = texts.find((t) => NOT_IN_INDEX.test(t));
    if (notFound !== undefined) return new LedgerNotFoundError(`${transaction}: ${notFound}`, { cause: err, transaction });
    return mapFabricError(err, transaction);
  }

  async #qscc(identity: string, fn: string, ...args: string[]): Promise<Uint8Array> {
    return this.#call(`qscc.${fn}`, async () => {
      const { network } = this.#options.connectionOf(identity);
      return network.getContract(QSCC).evaluateTransaction(fn, network.getName(), ...args);
    });
  }

  #decode(bytes: Uint8Array): LedgerBlock {
    try {
      return decodeLedgerBlock(bytes);
    } catch (err) {
      if (err instanceof LedgerInternalError) throw err;
      throw new LedgerInternalError('the ledger returned bytes that are not a common.Block', { cause: err });
    }
  }

  async chainInfo(identity: string): Promise<ChainInfo> {
    const info = common.BlockchainInfo.deserializeBinary(await this.#qscc(identity, 'GetChainInfo'));
    return { height: info.getHeight(), currentBlockHash: hex(info.getCurrentblockhash_asU8()), previousBlockHash: hex(info.getPreviousblockhash_asU8()) };
  }

  async blockByNumber(identity: string, blockNumber: number): Promise<LedgerBlock> {
    return this.#decode(await this.#qscc(identity, 'GetBlockByNumber', String(blockNumber)));
  }

  async blockByTxId(identity: string, txId: string): Promise<LedgerBlock> {
    return this.#decode(await this.#qscc(identity, 'GetBlockByTxID', txId));
  }

  async transactionLocation(identity: string, txId: string): Promise<TransactionLocation> {
    return this.#call('CommitStatus', async () => {
      const { gateway, network } = this.#options.connectionOf(identity);
      // an unsigned SignedCommitStatusRequest: Commit.getStatus() signs it as this identity (the client's offline-signing flow)
      const me = gateway.getIdentity();
      const creator = new msp.SerializedIdentity();
      creator.setMspid(me.mspId);
      creator.setIdBytes(me.credentials);
      const request = new gatewayProtos.CommitStatusRequest();
      request.setChannelId(network.getName());
      request.setTransactionId(txId);
      request.setIdentity(creator.serializeBinary());
      const signed = new gatewayProtos.SignedCommitStatusRequest();
      signed.setRequest(request.serializeBinary());
      const status = await gateway.newCommit(signed.serializeBinary()).getStatus();
      return { txId, blockNumber: Number(status.blockNumber), validationCode: status.code };
    });
  }
}

/**
 * Creates the Fabric-backed block source.
 * @example `const blocks = createFabricBlocks({ connectionOf: fabricConnections(ledger), retry: config.retry, logger });`
 */
export function createFabricBlocks(options: FabricBlocksOptions): LedgerBlocksPort {
  return new FabricBlocks(options);
}
