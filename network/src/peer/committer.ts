/**
 * The committing peer: turns each batch from the orderer into the next block (header hash
 * chain), runs the pre-MVCC checks, has the ledger validate and apply it atomically, stores
 * the block with its TRANSACTIONS_FILTER, then announces the commit.
 */
import { common, msp } from '@hyperledger/fabric-protos';
import type { Logger } from 'pino';
import type { BlockTransaction, Ledger } from '../ledger/ledger';
import { addOrdererMetadata, blockHeaderHash, newBlock, setBlockMetadata, TRANSACTIONS_FILTER } from './block';
import type { CommitNotifier } from './commit-notifier';
import type { IdentityDeserializer, PeerLedger, PeerSigner, TxLocation } from './ports';
import type { StateLock } from './state-lock';
import type { TransientStore } from './transient-store';
import { checkTransaction, type EndorsementPolicy, type TxCheck } from './tx-validator';

/** Reads a committed ledger in Fabric message terms. */
export class LedgerReader implements PeerLedger {
  readonly #ledger: Ledger;

  constructor(ledger: Ledger) {
    this.#ledger = ledger;
  }

  height(): number {
    return this.#ledger.height;
  }

  getBlock(blockNumber: number): common.Block | undefined {
    const bytes = this.#ledger.getBlockBytes(blockNumber);
    return bytes === undefined || bytes.length === 0 ? undefined : common.Block.deserializeBinary(bytes);
  }

  findTransaction(txId: string): TxLocation | undefined {
    const status = this.#ledger.getTxStatus(txId);
    return status === undefined ? undefined : { blockNumber: status.blockNumber, validationCode: status.code };
  }

  findTransactionPosition(txId: string): (TxLocation & { readonly txNumber: number }) | undefined {
    const status = this.#ledger.getTxStatus(txId);
    return status === undefined
      ? undefined
      : { blockNumber: status.blockNumber, validationCode: status.code, txNumber: status.txNum };
  }

  getBlockByHash(hash: Uint8Array): common.Block | undefined {
    const number = this.#ledger.getBlockNumberByHash(hash);
    return number === undefined ? undefined : this.getBlock(number);
  }

  getBlockHash(blockNumber: number): Uint8Array | undefined {
    return this.#ledger.getBlockHash(blockNumber);
  }
}

/** Committer settings. */
export interface CommitterOptions {
  readonly channelId: string;
  readonly ledger: Ledger;
  readonly deserializer: IdentityDeserializer;
  readonly policy: EndorsementPolicy;
  readonly notifier: CommitNotifier;
  /** Held exclusively while a block is validated and applied. */
  readonly stateLock?: StateLock;
  /** Signs block metadata (SIGNATURES slot) as the ordering node. */
  readonly ordererSigner?: PeerSigner;
  /** Where endorsers left the transactions' private write sets. */
  readonly transientStore?: TransientStore;
  readonly logger: Logger;
}

/** Commits batches in order; one instance per channel. */
export class Committer {
  readonly #options: CommitterOptions;

  constructor(options: CommitterOptions) {
    this.#options = options;
  }

  /** Builds, validates, stores and announces the next block (under the commit lock). */
  commitBatch(envelopes: Uint8Array[]): Promise<void> {
    const lock = this.#options.stateLock;
    return lock === undefined ? this.#commit(envelopes) : lock.exclusive(() => this.#commit(envelopes)).then(() => undefined);
  }

  #commit(envelopes: Uint8Array[]): Promise<void> {
    const { ledger, channelId, deserializer, policy, notifier, logger } = this.#options;
    const started = process.hrtime.bigint();
    const number = ledger.height;
    const previousHash = number === 0 ? new Uint8Array(0) : (ledger.getBlockHash(number - 1) ?? new Uint8Array(0));
    const block = newBlock(number, previousHash, envelopes);
    const header = block.getHeader();
    if (header === undefined) {
      return Promise.reject(new Error('block without header'));
    }
    this.#signBlock(block);
    const checks = envelopes.map((env) => checkTransaction(env, channelId, deserializer, policy));
    const transientStore = this.#options.transientStore;
    const transactions = checks.map((check) => {
      const tx = toBlockTransaction(check);
      // every committed transaction leaves the transient store, valid or not (fab coordinator)
      const privateData = check.txId === undefined ? undefined : transientStore?.take(check.txId);
      return privateData === undefined ? tx : { ...tx, privateData };
    });
    const codes = ledger.validateAndCommit({
      number,
      transactions,
      headerHash: blockHeaderHash(header),
      bytes: (finalCodes) => {
        setBlockMetadata(block, TRANSACTIONS_FILTER, Uint8Array.from(finalCodes));
        return block.serializeBinary();
      },
    });
    transientStore?.purgeBelow(ledger.height);
    const invalid = codes.filter((c) => c !== 0).length;
    logger.debug(
      {
        block: number,
        txs: envelopes.length,
        invalid,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      },
      'committed block',
    );
    checks.forEach((check, i) => {
      if (codes[i] !== 0 && check.reason !== undefined) {
        logger.info({ block: number, txId: check.txId, code: codes[i], reason: check.reason }, 'invalid transaction');
      }
    });
    notifier.blockCommitted(
      number,
      checks.map((check, i) => ({ txId: check.txId ?? '', validationCode: codes[i] ?? 255 })),
    );
    return Promise.resolve();
  }

  /** The orderer's LAST_CONFIG and signed SIGNATURES metadata; the only config block is block 0. */
  #signBlock(block: common.Block): void {
    addOrdererMetadata(block, LAST_CONFIG_BLOCK, this.#options.ordererSigner);
  }
}

/** The channel's configuration never changes after the genesis block. */
const LAST_CONFIG_BLOCK = 0;

function toBlockTransaction(check: TxCheck): BlockTransaction {
  const parsed = check.parsed;
  if (parsed === undefined) {
    return {
      txId: check.txId ?? '',
      timestampSeconds: 0,
      timestampNanos: 0,
      creatorMspId: '',
      rwset: [],
      preValidationCode: check.code,
    };
  }
  return {
    txId: parsed.txId,
    timestampSeconds: parsed.timestamp.seconds,
    timestampNanos: parsed.timestamp.nanos,
    creatorMspId: creatorMsp(parsed.creator),
    rwset: parsed.namespaces ?? parsed.results,
    preValidationCode: check.code,
  };
}

function creatorMsp(creator: Uint8Array): string {
  try {
    return msp.SerializedIdentity.deserializeBinary(creator).getMspid();
  } catch {
    return '';
  }
}
