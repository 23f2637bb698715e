/**
 * A single in-process ordering node: a block cutter with Fabric's BatchSize/BatchTimeout
 * semantics (fab orderer/common/blockcutter), no consensus. Batches are handed to the
 * committer one at a time, in order.
 */

/** Orderer batch settings (channel config `BatchSize`, `BatchTimeout`). */
export interface BatchOptions {
  /** Cut when this many envelopes are pending (MaxMessageCount). */
  readonly maxMessageCount: number;
  /** Cut when the pending envelopes reach this many bytes (PreferredMaxBytes). */
  readonly preferredMaxBytes: number;
  /** Reject envelopes larger than this (AbsoluteMaxBytes). */
  readonly absoluteMaxBytes: number;
  /** Cut whatever is pending this long after the first envelope arrived (BatchTimeout). */
  readonly batchTimeoutMs: number;
}

export const DEFAULT_BATCH_OPTIONS: BatchOptions = {
  maxMessageCount: 500,
  preferredMaxBytes: 2 * 1024 * 1024,
  absoluteMaxBytes: 10 * 1024 * 1024,
  // 100 ms: half the commit latency of 250 ms for a lone client; under load blocks fill by CPU anyway
  batchTimeoutMs: 100,
};

/** Why the orderer refused an envelope (a Broadcast response status other than SUCCESS). */
export class OrdererRejection extends Error {
  constructor(
    readonly status: 'BAD_REQUEST' | 'SERVICE_UNAVAILABLE' | 'FORBIDDEN',
    readonly info: string,
  ) {
    super(`${status}: ${info}`);
    this.name = 'OrdererRejection';
  }
}

/** Receives each cut batch; the next batch waits until the promise settles. */
export type BatchConsumer = (envelopes: Uint8Array[]) => Promise<void>;

/** Block cutter: ordered, batched delivery of envelopes to one consumer. */
export class BlockCutter {
  readonly #options: BatchOptions;
  readonly #consume: BatchConsumer;
  readonly #onError: (err: unknown) => void;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: BatchOptions, consume: BatchConsumer, onError: (err: unknown) => void) {
    this.#options = options;
    this.#consume = consume;
    this.#onError = onError;
  }

  /** Envelopes waiting for the next cut. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /**
   * Accepts one envelope (fab Broadcast). Throws OrdererRejection when it cannot be ordered.
   */
  order(envelope: Uint8Array): void {
    if (this.#stopped) {
      throw new OrdererRejection('SERVICE_UNAVAILABLE', 'orderer is shutting down');
    }
    if (envelope.length > this.#options.absoluteMaxBytes) {
      throw new OrdererRejection(
        'BAD_REQUEST',
        `message payload is ${String(envelope.length)} bytes and exceeds maximum allowed ${String(this.#options.absoluteMaxBytes)} bytes`,
      );
    }
    // An envelope that alone exceeds PreferredMaxBytes goes in a batch of its own.
    if (envelope.length > this.#options.preferredMaxBytes) {
      this.#cut();
      this.#pending.push(envelope);
      this.#pendingBytes = envelope.length;
      this.#cut();
      return;
    }
    if (this.#pendingBytes + envelope.length > this.#options.preferredMaxBytes) {
      this.#cut();
    }
    this.#pending.push(envelope);
    this.#pendingBytes += envelope.length;
    if (this.#pending.length >= this.#options.maxMessageCount) {
      this.#cut();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#cut();
      }, this.#options.batchTimeoutMs);
    }
  }

  /** Cuts what is pending and resolves once every batch so far has been consumed. */
  async flush(): Promise<void> {
    this.#cut();
    await this.#chain;
  }

  /** Stops accepting envelopes, cuts the pending batch and waits for it to be consumed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.flush();
  }

  #cut(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.length === 0) {
      return;
    }
    const batch = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#chain = this.#chain.then(() => this.#consume(batch)).catch(this.#onError);
  }
}
