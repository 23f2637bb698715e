/**
 * A bounded cache in front of the block source. Committed blocks never change on Fabric (no
 * forks), so a block, a header and a transaction's position can be kept once read: blocks by
 * number (bounded in bytes), headers by number and transaction locations by tx id (bounded in
 * entries). Concurrent asks for the same item share one ledger call.
 *
 * The cache is shared by every identity of the gateway: each is a channel reader (qscc's ACL),
 * and callers only ever ask for transactions the chaincode already showed them.
 */
import { LRUCache } from 'lru-cache';
import type { BlockHeader, ChainInfo, LedgerBlock, LedgerBlocksPort, TransactionLocation } from '../ports/ledger-blocks';

export interface BlockCacheOptions {
  /** Bytes of blocks kept. Default 64 MiB. */
  maxBlockBytes?: number;
  /** Headers kept (about 100 bytes each). Default 200,000. */
  maxHeaders?: number;
  /** Transaction locations kept (about 150 bytes each). Default 200,000. */
  maxTransactions?: number;
}

/** peer.TxValidationCode.DUPLICATE_TXID: the ledger's index points at the first transaction of that id, not this one. */
const DUPLICATE_TXID = 9;

export class CachedLedgerBlocks implements LedgerBlocksPort {
  readonly #inner: LedgerBlocksPort;
  readonly #blocks: LRUCache<number, LedgerBlock>;
  readonly #headers: LRUCache<number, BlockHeader>;
  readonly #locations: LRUCache<string, TransactionLocation>;
  readonly #inflight = new Map<string, Promise<unknown>>();

  constructor(inner: LedgerBlocksPort, options: BlockCacheOptions = {}) {
    this.#inner = inner;
    this.#blocks = new LRUCache({
      maxSize: options.maxBlockBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (b) => Math.max(1, b.bytes.length),
    });
    this.#headers = new LRUCache({ max: options.maxHeaders ?? 200_000 });
    this.#locations = new LRUCache({ max: options.maxTransactions ?? 200_000 });
  }

  /** One ledger call per key at a time. */
  #once<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const running = this.#inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const p = fetch().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  /** Keeps a block, its header and where each of its transactions is. */
  #remember(block: LedgerBlock): LedgerBlock {
    this.#blocks.set(block.number, block);
    this.#headers.set(block.number, block.header);
    for (const tx of block.transactions) {
      if (tx.txId === '' || tx.validationCode === DUPLICATE_TXID || this.#locations.has(tx.txId)) continue;
      this.#locations.set(tx.txId, { txId: tx.txId, blockNumber: block.number, validationCode: tx.validationCode });
    }
    return block;
  }

  chainInfo(identity: string): Promise<ChainInfo> {
    return this.#inner.chainInfo(identity);
  }

  async blockByNumber(identity: string, blockNumber: number): Promise<LedgerBlock> {
    const cached = this.#blocks.get(blockNumber);
    if (cached) return cached;
    return this.#once(`block:${String(blockNumber)}`, async () => this.#remember(await this.#inner.blockByNumber(identity, blockNumber)));
  }

  async blockByTxId(identity: string, txId: string): Promise<LedgerBlock> {
    const location = this.#locations.get(txId);
    if (location) return this.blockByNumber(identity, location.blockNumber);
    return this.#once(`tx-block:${txId}`, async () => this.#remember(await this.#inner.blockByTxId(identity, txId)));
  }

  async transactionLocation(identity: string, txId: string): Promise<TransactionLocation> {
    const cached = this.#locations.get(txId);
    if (cached) return cached;
    return this.#once(`tx:${txId}`, async () => {
      const location = await this.#inner.transactionLocation(identity, txId);
      this.#locations.set(txId, location);
      return location;
    });
  }

  /** A block's header: from the header cache, else read with its block (qscc has no header-only call); the block itself is not kept. */
  async header(identity: string, blockNumber: number): Promise<BlockHeader> {
    const cached = this.#headers.get(blockNumber) ?? this.#blocks.get(blockNumber)?.header;
    if (cached) return cached;
    const reading = this.#inflight.get(`block:${String(blockNumber)}`) as Promise<LedgerBlock> | undefined;
    if (reading) return (await reading).header;
    return this.#once(`header:${String(blockNumber)}`, async () => {
      const { header } = await this.#inner.blockByNumber(identity, blockNumber);
      this.#headers.set(blockNumber, header);
      return header;
    });
  }

  /** Block numbers of many transactions: cached ones at once, the rest with at most `concurrency` ledger calls in flight. */
  async blockNumbers(identity: string, txIds: Iterable<string>, concurrency = 16): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const txId of new Set(txIds)) {
      const cached = this.#locations.get(txId);
      if (cached) out.set(txId, cached.blockNumber);
      else missing.push(txId);
    }
    await forEachLimited(missing, concurrency, async (txId) => {
      out.set(txId, (await this.transactionLocation(identity, txId)).blockNumber);
    });
    return out;
  }
}

/** Runs `fn` over `items` with at most `limit` running at once; rejects with the first failure. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
