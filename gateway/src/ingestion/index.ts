/**
 * The durable ingestion queue: `createEventQueue` returns the {@link EventQueue} port backed by
 * the SQLite outbox and the background submitter.
 */
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Keyring } from '../at-rest/keyring';
import { definedMembers } from '../defined-members';
import type { EventQueue, EventStatus, QueuedEvent, ReadingKey } from '../ports/event-queue';
import type { EventInput } from './event-input';
import type { EventLedger } from './ledger';
import { newIngestionMetrics } from './metrics';
import { Outbox, type EnqueueOutcome } from './outbox';
import { Submitter, type SubmitterOptions } from './submitter';

export type { EventLedger, RecordedEventResult } from './ledger';
export { isPermanentRejection, rejectionOf } from './ledger';

/** The submitter's tuning, passed through when set (see {@link SubmitterOptions} for meanings and defaults). */
export interface EventQueueOptions
  extends Pick<
    SubmitterOptions,
    'batchMaxEvents' | 'batchMaxWaitMs' | 'concurrency' | 'attemptTimeoutMs' | 'retryBaseMs' | 'retryMaxMs' | 'maxFailures'
  > {
  /** SQLite file of the outbox (its directory is created). */
  dbPath: string;
  /** Seals the payloads at rest (they may hold private fields). */
  keyring: Keyring;
  ledger: EventLedger;
  logger: Logger;
  /** Where the queue's metrics go; a private registry when absent. */
  registry?: Registry;
  /** Most unfinished events before enqueue answers QueueFullError (429). Default 100000. */
  maxDepth?: number;
  /**
   * How long a committed row is kept whole, ms; then only its idempotency record stays (see outbox.ts).
   * Unfinished rows are never pruned. Default 7 days.
   */
  retentionMs?: number;
}

/**
 * Opens the outbox and builds the queue (call `start()` to begin submitting).
 * @throws {@link QueueStorageError} when the outbox file cannot be opened.
 * @throws {@link ConfigError} when the keyring cannot open its payloads.
 * @example
 * const queue = createEventQueue({ dbPath: config.ingestion.dbPath, keyring, ledger, logger, registry });
 * queue.start();
 */
export function createEventQueue(options: Readonly<EventQueueOptions>): EventQueue {
  return new EventQueueImpl(options);
}

const DEFAULT_RETENTION_MS = 7 * 24 * 3600_000;
/** Longest pause between two prunes of the outbox. */
const PRUNE_EVERY_MAX_MS = 10 * 60_000;
const RATE_WINDOW_MS = 10_000;

/** The submitter's tuning options that `o` sets (the others keep the submitter's defaults). */
function submitterTuning(o: Readonly<EventQueueOptions>): Partial<SubmitterOptions> {
  return definedMembers(o, ['batchMaxEvents', 'batchMaxWaitMs', 'concurrency', 'attemptTimeoutMs', 'retryBaseMs', 'retryMaxMs', 'maxFailures']);
}

class EventQueueImpl implements EventQueue {
  readonly #outbox: Outbox;
  readonly #submitter: Submitter;
  readonly #waiters = new Map<string, Set<(id: string) => void>>();
  /** Calls of enqueue waiting for the next group commit. */
  readonly #enqueues: Array<{
    call: { poster: { principal: string; identity: string }; events: EventInput[] };
    resolve: (answer: Array<{ eventId: string; status: EventStatus }>) => void;
    reject: (err: Error) => void;
  }> = [];
  readonly #releases = new Set<() => void>();
  /** [time, count] of recent resolutions, to tell a refused client when to come back. */
  readonly #drained: Array<[number, number]> = [];
  readonly #retentionMs: number;
  readonly #logger: Logger;
  #pruner: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(o: Readonly<EventQueueOptions>) {
    const maxDepth = o.maxDepth ?? 100_000;
    this.#retentionMs = o.retentionMs ?? DEFAULT_RETENTION_MS;
    this.#logger = o.logger.child({ component: 'event-queue' });
    this.#outbox = Outbox.open(o.dbPath, { keyring: o.keyring, maxDepth, retryAfterSeconds: () => this.#retryAfterSeconds(maxDepth) });
    const metrics = newIngestionMetrics(o.registry ?? new Registry(), () => this.depth());
    this.#submitter = new Submitter({
      outbox: this.#outbox,
      ledger: o.ledger,
      logger: o.logger.child({ component: 'event-queue' }),
      metrics,
      ...submitterTuning(o),
      onResolved: (ids) => {
        this.#resolved(ids);
      },
    });
  }

  /** Stores the call with the others that arrive in the same turn of the event loop: one transaction, one fsync for all (group commit). */
  enqueue(poster: { principal: string; identity: string }, events: EventInput[]): Promise<Array<{ eventId: string; status: EventStatus }>> {
    return new Promise((resolve, reject) => {
      this.#enqueues.push({ call: { poster, events }, resolve, reject });
      // setImmediate: after the I/O callbacks of this turn, so the requests parsed in it share the commit
      if (this.#enqueues.length === 1) setImmediate(() => {
        this.#flushEnqueues();
      });
    });
  }

  #flushEnqueues(): void {
    const pending = this.#enqueues.splice(0);
    let outcomes: EnqueueOutcome[];
    try {
      outcomes = this.#outbox.enqueueAll(pending.map((p) => p.call));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      outcomes = pending.map(() => ({ error }));
    }
    pending.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome !== undefined && 'answer' in outcome) p.resolve(outcome.answer);
      else p.reject(outcome?.error ?? new Error('the event outbox answered nothing'));
    });
    if (outcomes.some((o) => 'answer' in o)) this.#submitter.notify();
  }

  get(eventId: string): Promise<QueuedEvent | undefined> {
    try {
      return Promise.resolve(this.#outbox.get(eventId));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  blockNumbers(eventIds: readonly string[]): Promise<Map<string, number>> {
    try {
      return Promise.resolve(this.#outbox.blockNumbers(eventIds));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  seenReadings(keys: readonly ReadingKey[]): Promise<Map<number, string>> {
    try {
      return Promise.resolve(this.#outbox.seenReadings(keys));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  rememberReadings(entries: ReadonlyArray<ReadingKey & { eventId: string }>): Promise<void> {
    try {
      this.#outbox.rememberReadings(entries);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  waitFor(eventIds: string[], timeoutMs: number): Promise<QueuedEvent[]> {
    const read = (): QueuedEvent[] =>
      eventIds.map((id) => this.#outbox.get(id)).filter((e): e is QueuedEvent => e !== undefined);
    let open: Set<string>;
    try {
      // statuses only: each payload is unsealed once, when the answer is read
      open = new Set(eventIds.filter((id) => this.#outbox.isUnfinished(id)));
      if (open.size === 0 || this.#stopped) return Promise.resolve(read());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#releases.delete(finish);
        for (const id of eventIds) this.#waiters.get(id)?.delete(onResolved);
        try {
          resolve(read());
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      const onResolved = (id: string): void => {
        open.delete(id);
        if (open.size === 0) finish();
      };
      const timer = setTimeout(finish, Math.max(0, timeoutMs));
      this.#releases.add(finish);
      for (const id of open) {
        let set = this.#waiters.get(id);
        if (!set) this.#waiters.set(id, (set = new Set()));
        set.add(onResolved);
      }
    });
  }

  depth(): { queued: number; oldestAgeMs: number } {
    if (this.#stopped) return { queued: 0, oldestAgeMs: 0 };
    return { queued: this.#outbox.pendingCount, oldestAgeMs: this.#outbox.oldestPendingAgeMs() };
  }

  start(): void {
    if (this.#stopped) throw new Error('the event queue was stopped');
    this.#submitter.start();
    if (this.#pruner) return;
    this.#prune();
    this.#pruner = setInterval(() => {
      this.#prune();
    }, Math.max(1000, Math.min(PRUNE_EVERY_MAX_MS, this.#retentionMs / 4)));
    this.#pruner.unref();
  }

  /** Prunes committed rows past the retention (readings suppression entries: a day, or the retention when shorter). */
  #prune(): void {
    try {
      const removed = this.#outbox.prune(this.#retentionMs, Math.min(this.#retentionMs, 24 * 3600_000));
      if (removed > 0) this.#logger.debug({ removed }, 'pruned committed events past their retention');
    } catch (err) {
      this.#logger.error({ err }, 'cannot prune the event outbox; retrying at the next interval');
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    if (this.#pruner) clearInterval(this.#pruner);
    this.#pruner = undefined;
    await this.#submitter.stop();
    for (const release of [...this.#releases]) release();
    this.#stopped = true;
    this.#outbox.close();
  }

  #resolved(ids: string[]): void {
    const now = Date.now();
    this.#drained.push([now, ids.length]);
    while (this.#drained.length > 0 && (this.#drained[0]?.[0] ?? now) < now - RATE_WINDOW_MS) this.#drained.shift();
    for (const id of ids) {
      const set = this.#waiters.get(id);
      if (!set) continue;
      this.#waiters.delete(id);
      for (const cb of set) cb(id);
    }
  }

  /** Time for the submitter to drain a tenth of the queue at its recent pace (1..60 s; 10 s when idle). */
  #retryAfterSeconds(maxDepth: number): number {
    const recent = this.#drained.reduce((n, [, c]) => n + c, 0);
    if (recent === 0) return 10;
    const perSecond = recent / (RATE_WINDOW_MS / 1000);
    return Math.min(60, Math.max(1, Math.ceil(maxDepth / 10 / perSecond)));
  }
}
