/**
 * Follows the channel's committed height for the evaluation cache: the height from `qscc GetChainInfo`,
 * then every block from there on through filtered block events (tx ids and validation codes only, no
 * payloads). While the stream is down the height is unknown and the cache serves nothing; it reconnects
 * after `retryMs`, from the height it reads again (so no block goes unseen across the gap).
 */
import type { Logger } from '../../logger';
import type { EvaluationCache } from './evaluation-cache';

/** Where the height comes from (the Fabric adapter gives fabric-gateway's network; tests give a fake). */
export interface HeightSource {
  /** The channel's committed height now. */
  chainHeight(): Promise<number>;
  /** The numbers of the blocks committed from `startBlock` on, as they commit; `close()` ends it. */
  blocks(startBlock: number): Promise<AsyncIterable<number> & { close(): void }>;
}

/** Keeps an {@link EvaluationCache}'s height current until closed. */
export class CommittedHeight {
  readonly #source: HeightSource;
  readonly #cache: EvaluationCache;
  readonly #logger: Logger;
  readonly #retryMs: number;
  #stream: { close(): void } | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  /** Set after a failure was logged, cleared once following again: one warning per outage. */
  #down = false;

  constructor(source: HeightSource, cache: EvaluationCache, logger: Logger, retryMs = 1000) {
    this.#source = source;
    this.#cache = cache;
    this.#logger = logger;
    this.#retryMs = retryMs;
  }

  /** Starts following (once; later calls do nothing). */
  start(): void {
    this.#running ??= this.#follow();
  }

  /** Notes a commit this gateway saw (a commit status): the height is at least its block + 1, once known. */
  committed(blockNumber: number): void {
    if (this.#cache.height !== undefined) this.#cache.advance(blockNumber + 1);
  }

  /** Stops following; the cache serves nothing from now on. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stream?.close();
    this.#wake?.();
    this.#cache.lost();
    await this.#running;
  }

  /** Read through a method: `close()` may set it while #follow awaits. */
  #isClosed(): boolean {
    return this.#closed;
  }

  async #follow(): Promise<void> {
    while (!this.#isClosed()) {
      try {
        const height = await this.#source.chainHeight();
        if (this.#isClosed()) break;
        const stream = await this.#source.blocks(height);
        this.#stream = stream;
        if (this.#isClosed()) break;
        this.#cache.advance(height);
        this.#down = false;
        for await (const block of stream) this.#cache.advance(block + 1);
      } catch (err) {
        if (!this.#isClosed() && !this.#down) this.#logger.warn({ err }, 'block events for the evaluation cache stopped; answers are not kept until they resume');
        this.#down = true;
      } finally {
        this.#stream?.close();
        this.#stream = undefined;
      }
      this.#cache.lost();
      if (!this.#isClosed()) await this.#pause();
    }
  }

  async #pause(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#retryMs);
      timer.unref();
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }
}
