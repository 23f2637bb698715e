/**
 * Commit notifications: CommitStatus waiters and block listeners
 * (fab internal/pkg/gateway/commit: listener first, then ledger lookup, so no commit is missed).
 */
import type { TxLocation } from './ports';

type Waiter = (location: TxLocation) => void;

/** One committed transaction, as announced after its block is stored. */
export interface CommittedTx {
  readonly txId: string;
  readonly validationCode: number;
}

/** Tracks who waits for which tx id and who follows new blocks. */
export class CommitNotifier {
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #blockListeners = new Set<(blockNumber: number) => void>();

  /**
   * Resolves with where `txId` committed; `lookup` reads the ledger after the listener is in
   * place. The promise rejects with `signal.reason` when the caller gives up.
   */
  waitFor(txId: string, lookup: () => TxLocation | undefined, signal: AbortSignal): Promise<TxLocation> {
    return new Promise<TxLocation>((resolve, reject) => {
      const waiters = this.#waiters.get(txId) ?? new Set<Waiter>();
      this.#waiters.set(txId, waiters);
      const cleanup = (): void => {
        waiters.delete(waiter);
        if (waiters.size === 0 && this.#waiters.get(txId) === waiters) {
          this.#waiters.delete(txId);
        }
        signal.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = (location) => {
        cleanup();
        resolve(location);
      };
      const onAbort = (): void => {
        cleanup();
        reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      waiters.add(waiter);
      signal.addEventListener('abort', onAbort);
      if (signal.aborted) {
        onAbort();
        return;
      }
      try {
        const found = lookup();
        if (found !== undefined) {
          waiter(found);
        }
      } catch (err) {
        cleanup();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Announces a stored block; the first occurrence of a tx id in a block is the one reported. */
  blockCommitted(blockNumber: number, txs: readonly CommittedTx[]): void {
    const seen = new Set<string>();
    for (const tx of txs) {
      if (tx.txId === '' || seen.has(tx.txId)) {
        continue;
      }
      seen.add(tx.txId);
      const waiters = this.#waiters.get(tx.txId);
      if (waiters !== undefined) {
        for (const waiter of [...waiters]) {
          waiter({ blockNumber, validationCode: tx.validationCode });
        }
      }
    }
    for (const listener of [...this.#blockListeners]) {
      listener(blockNumber);
    }
  }

  /** Calls `listener` after each stored block; returns the unsubscribe function. */
  onBlock(listener: (blockNumber: number) => void): () => void {
    this.#blockListeners.add(listener);
    return () => {
      this.#blockListeners.delete(listener);
    };
  }

  /** Number of pending CommitStatus waiters (for diagnostics and tests). */
  get waiting(): number {
    let n = 0;
    for (const set of this.#waiters.values()) {
      n += set.size;
    }
    return n;
  }
}

/** What a block stream waits on between blocks. */
export interface BlockWaiter {
  /** Waits for the next block, cancel or shutdown, unless `ready()` already holds once armed (so no wake is lost). */
  wait(ready: () => boolean): Promise<void>;
  /** Drops the subscriptions. */
  close(): void;
}

/**
 * Wakes a streaming call (deliver, chaincode events) when a block commits, the call is cancelled or
 * the peer shuts down.
 */
export function blockWaiter(
  notifier: CommitNotifier,
  call: { on(event: 'cancelled', listener: () => void): unknown; off(event: 'cancelled', listener: () => void): unknown },
  shutdown: AbortSignal,
): BlockWaiter {
  let wake: (() => void) | undefined;
  const unsubscribe = notifier.onBlock(() => wake?.());
  const onEnd = (): void => wake?.();
  call.on('cancelled', onEnd);
  shutdown.addEventListener('abort', onEnd);
  return {
    async wait(ready) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (ready()) resolve();
      });
      wake = undefined;
    },
    close() {
      unsubscribe();
      call.off('cancelled', onEnd);
      shutdown.removeEventListener('abort', onEnd);
    },
  };
}
