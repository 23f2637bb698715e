/**
 * The peers' transient store (fab core/transientstore) for one process: the private write sets
 * of endorsed proposals, kept in memory only (never on disk) until the transaction commits, when
 * the committer hands them to the ledger, which keeps them only for the collections' members.
 */
import { fromTxPvtReadWriteSet, type NamespacePvtWrites } from '../ledger/rwset';

/** fab core.yaml `peer.gossip.pvtData.transientstoreMaxBlockRetention`. */
export const TRANSIENT_BLOCK_RETENTION = 1000;

interface Entry {
  /** One private write set per endorsement (identical for a deterministic chaincode). */
  readonly writeSets: Uint8Array[];
  readonly endorsedAt: number;
}

/** Private write sets by transaction id. */
export class TransientStore {
  readonly #entries = new Map<string, Entry>();

  /** Number of transactions held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Keeps an endorser's private write set (serialised `TxPvtReadWriteSet`) for `txId`. */
  persist(txId: string, privateWriteSet: Uint8Array, height: number): void {
    const entry = this.#entries.get(txId);
    if (entry === undefined) {
      this.#entries.set(txId, { writeSets: [privateWriteSet], endorsedAt: height });
    } else {
      entry.writeSets.push(privateWriteSet);
    }
  }

  /**
   * Removes and returns the private writes held for `txId`: every endorser's collections, of which
   * the ledger keeps those matching the committed hashes.
   */
  take(txId: string): NamespacePvtWrites[] | undefined {
    const entry = this.#entries.get(txId);
    if (entry === undefined) return undefined;
    this.#entries.delete(txId);
    return entry.writeSets.flatMap((bytes) => fromTxPvtReadWriteSet(bytes));
  }

  /** Drops write sets endorsed more than {@link TRANSIENT_BLOCK_RETENTION} blocks before `height` (never committed). */
  purgeBelow(height: number): void {
    for (const [txId, entry] of this.#entries) {
      if (entry.endorsedAt + TRANSIENT_BLOCK_RETENTION < height) this.#entries.delete(txId);
    }
  }
}
