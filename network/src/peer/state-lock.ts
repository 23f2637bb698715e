/**
 * The state database's commit lock (fab core/ledger/kvledger/txmgmt/txmgr `commitRWLock`): a
 * simulation holds it shared from its first read to `Done()`, a block commit holds it exclusively,
 * so a simulation never sees a block land half-way through it. Writer-preferring, like Go's
 * sync.RWMutex: once a commit waits, new simulations queue behind it.
 */
export class StateLock {
  #readers = 0;
  #writing = false;
  readonly #writers: (() => void)[] = [];
  readonly #readersQueue: (() => void)[] = [];

  /** Runs `fn` with the lock held shared (one endorsement's simulations). */
  async shared<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#writing || this.#writers.length > 0) {
      await new Promise<void>((resolve) => this.#readersQueue.push(resolve));
    } else {
      this.#readers += 1;
    }
    try {
      return await fn();
    } finally {
      this.#readers -= 1;
      this.#wakeWriter();
    }
  }

  /** Runs `fn` with the lock held exclusively (one block commit). */
  async exclusive<T>(fn: () => T): Promise<T> {
    if (this.#writing || this.#readers > 0) {
      await new Promise<void>((resolve) => this.#writers.push(resolve));
    } else {
      this.#writing = true;
    }
    try {
      return fn();
    } finally {
      this.#writing = false;
      const nextWriter = this.#readersQueue.length === 0 ? this.#writers.shift() : undefined;
      if (nextWriter !== undefined) {
        this.#writing = true;
        nextWriter();
      } else {
        // queued simulations go first, then the next commit waits for them
        const readers = this.#readersQueue.splice(0);
        this.#readers += readers.length;
        readers.forEach((resolve) => resolve());
        if (readers.length === 0) this.#wakeWriter();
      }
    }
  }

  #wakeWriter(): void {
    if (this.#readers > 0 || this.#writing) return;
    const next = this.#writers.shift();
    if (next !== undefined) {
      this.#writing = true;
      next();
    }
  }
}
