/**
 * Answers of the chaincode's read transactions, kept while the channel's committed height stays the same.
 *
 * Why this is sound: the chaincode is deterministic and its reads do not depend on the proposal's time
 * (only writes stamp `txTime`), so one transaction with the same arguments, evaluated for the same signer
 * against the same committed world state, gives the same bytes. An answer is kept under the height this
 * gateway knew when the evaluation started, and only while that height is still current: the first block
 * committed after it (seen on the channel's block events, or in a commit status this gateway received)
 * empties the cache. A lagging view is the staleness Fabric already allows (an evaluation may run on a peer
 * one block behind); commits made through this gateway advance the height before their caller is answered,
 * so a `?wait=commit` writer's next read is fresh.
 */
import { LRUCache } from 'lru-cache';

/** What one lookup found: a kept answer, nothing kept, or no lookup (height unknown, or the reader asked for a fresh answer). */
export type CacheOutcome = 'hit' | 'miss' | 'bypass';

/** The ledger's committed height as this gateway knows it; undefined while unknown (then nothing is kept). */
export class EvaluationCache {
  readonly #answers: LRUCache<string, Uint8Array>;
  #height: number | undefined;

  /** @param maxBytes - bound of the kept answers' bytes (keys counted too) */
  constructor(maxBytes: number) {
    this.#answers = new LRUCache<string, Uint8Array>({ maxSize: maxBytes, sizeCalculation: (bytes, key) => bytes.byteLength + key.length * 2 });
  }

  /** The committed height answers are kept under now (undefined: unknown, nothing is served). */
  get height(): number | undefined {
    return this.#height;
  }

  /** Kept answers (for metrics and tests). */
  get size(): number {
    return this.#answers.size;
  }

  /** Notes that the channel's height is at least `height`: a higher one makes every kept answer stale. */
  advance(height: number): void {
    if (this.#height !== undefined && height <= this.#height) return;
    this.#height = height;
    this.#answers.clear();
  }

  /** Forgets the height (block events lost): nothing is served until {@link advance} sets it again. */
  lost(): void {
    this.#height = undefined;
    this.#answers.clear();
  }

  /** The answer kept for `key` at the current height, if any. */
  get(key: string): Uint8Array | undefined {
    return this.#height === undefined ? undefined : this.#answers.get(key);
  }

  /** Keeps `answer` for `key` if the height it was evaluated at (`heightAtStart`) is still the current one. */
  set(key: string, answer: Uint8Array, heightAtStart: number | undefined): void {
    if (heightAtStart === undefined || heightAtStart !== this.#height) return;
    if (answer.byteLength + key.length * 2 > this.#answers.maxSize) return; // larger than the whole cache: never kept
    this.#answers.set(key, answer);
  }
}

/** The cache key of one evaluation: signer, transaction, arguments and targeted organisations, unambiguous. */
export function evaluationKey(identity: string, transaction: string, args: readonly string[], organisations: readonly string[] = []): string {
  return JSON.stringify([identity, transaction, args, organisations]);
}
