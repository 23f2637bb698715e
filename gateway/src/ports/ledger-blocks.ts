/**
 * The block-source port: the ledger's own blocks and transaction positions, as a channel member
 * reads them from a peer (Fabric's query system chaincode and commit status), for proof bundles
 * and for the block numbers every answer carries. Implemented by adapters/fabric/fabric-blocks.ts.
 * Every verb acts as a named Fabric identity of the connection profile (a channel reader).
 * Failures are the typed `LedgerError`s of ../errors.ts (an unknown block or tx id: LedgerNotFoundError).
 */

/** The chain's height and the hash of its last block. */
export interface ChainInfo {
  /** Number of blocks; the last block is `height - 1`. */
  height: number;
  /** Hex of the last block's header hash. */
  currentBlockHash: string;
  /** Hex of the last block's previous hash. */
  previousBlockHash: string;
}

/** Where a transaction was committed, and whether it was valid. */
export interface TransactionLocation {
  txId: string;
  blockNumber: number;
  /** peer.TxValidationCode (0 = VALID). */
  validationCode: number;
}

/** A block header: what the hash chain is computed over. */
export interface BlockHeader {
  number: number;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
}

/** One key written by a transaction in one namespace. */
export interface KeyWrite {
  key: string;
  isDelete: boolean;
  /** The value bytes exactly as written. */
  value: Uint8Array;
}

/** One transaction of a block (its envelope's channel header and its validation code). */
export interface BlockTransaction {
  /** Index of the envelope in the block's data. */
  index: number;
  txId: string;
  /** Channel named in the envelope's channel header. */
  channelId: string;
  /** `endorser`, `config`, or `other` (common.HeaderType). */
  type: 'endorser' | 'config' | 'other';
  /** peer.TxValidationCode from the block's TRANSACTIONS_FILTER metadata (0 = VALID). */
  validationCode: number;
}

/** The MSP trust anchors of one organisation of the channel configuration. */
export interface OrganisationAnchors {
  mspId: string;
  /** `application` organisations endorse and submit; `orderer` organisations sign blocks. */
  type: 'application' | 'orderer';
  /** PEM root CA certificates. */
  rootCerts: string[];
  /** PEM intermediate CA certificates. */
  intermediateCerts: string[];
}

/** A channel endorsement policy over organisations (Fabric ImplicitMeta rules, or n of the organisations). */
export interface OrganisationPolicy {
  rule: 'ANY' | 'MAJORITY' | 'ALL' | { outOf: number };
  organisations: string[];
  /** Path of the policy in the channel configuration. */
  source: string;
}

/** What the channel configuration says about who may endorse, submit and sign blocks. */
export interface ChannelConfiguration {
  organisations: OrganisationAnchors[];
  /** `/Channel/Application/Endorsement`, the policy a chaincode definition refers to by default. */
  endorsementPolicy: OrganisationPolicy;
}

/** A committed block: its bytes exactly as the ledger returned them, and what the proofs read from it. */
export interface LedgerBlock {
  number: number;
  /** The serialised common.Block, unchanged. */
  bytes: Uint8Array;
  header: BlockHeader;
  transactions: BlockTransaction[];
  /** Number of the channel's last configuration block, from the block's metadata. */
  lastConfigBlock: number | undefined;
  /**
   * The chaincode transaction `index` invoked and its writes in that chaincode's own namespace
   * (decoded on demand); undefined for a transaction that is not an endorser transaction.
   */
  chaincodeWrites(index: number): { chaincode: string; writes: KeyWrite[] } | undefined;
  /** The channel configuration, when this is a configuration block; else undefined. */
  configuration(): ChannelConfiguration | undefined;
}

export interface LedgerBlocksPort {
  chainInfo(identity: string): Promise<ChainInfo>;
  blockByNumber(identity: string, blockNumber: number): Promise<LedgerBlock>;
  blockByTxId(identity: string, txId: string): Promise<LedgerBlock>;
  /** Block number and validation code of a committed transaction, without fetching its block. */
  transactionLocation(identity: string, txId: string): Promise<TransactionLocation>;
}

/** Block numbers of many committed transactions at once (the cached view of `transactionLocation`). */
export interface BlockNumberIndex {
  blockNumbers(identity: string, txIds: Iterable<string>): Promise<Map<string, number>>;
}
