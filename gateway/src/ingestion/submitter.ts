/**
 * The background submitter: packs unfinished outbox rows into RecordEvents transactions and
 * brings each to a final state (committed or rejected), whatever it takes.
 *
 * - One transaction per Fabric identity: the signer is the recording organisation.
 * - Per device (deviceId, else poster) order is kept: a device's events go out in queue order,
 *   and its next batch leaves only after the previous one resolved.
 * - Up to `concurrency` batches (of different devices/identities) in flight at once.
 * - The submitter is the one retry owner of RecordEvents (the adapter makes one attempt per call).
 *   Transient failures: repeated with exponential backoff and jitter, without end; each attempt
 *   bounded by `attemptTimeoutMs`. Repeating is safe because the chaincode answers a known event id
 *   with its first record (`duplicate`).
 * - A refusal (the adapter's typed `LedgerRejectionError`) of a batch: bisected until the bad events
 *   stand alone; they become `rejected` with the refusal's `{code, message}`, the rest commit.
 * - Poison: a failure that is neither a refusal nor the ledger being unreachable (a chaincode failure without
 *   a code, a commit code that is no conflict, an answer of the wrong shape) counts against the batch's rows
 *   (stored, so restarts do not reset it). At `maxFailures` the batch is bisected (counts cleared) until the
 *   failing events stand alone; those become `dead` with the last failure. An unreachable ledger or an attempt
 *   past its deadline never counts: acknowledged events outlive any peer outage (api.md).
 * - A correction (`correctionOf` set) goes alone, to RecordCorrection, and only once the event it corrects
 *   is no longer on its way in this outbox.
 * - The loop runs in its own async context (captured at `start()`), not in the context of the HTTP
 *   request whose enqueue woke it: its log lines and ledger calls carry no stale request id/principal.
 */
import { AsyncResource } from 'node:async_hooks';
import { MAX_BATCH } from '@acetrace/chaincode/domain';
import type { Logger } from 'pino';
import { AppError, LedgerInvalidArgumentError, LedgerUnavailableError, type Rejection } from '../errors';
import type { EventLedger } from './ledger';
import { rejectionOf } from './ledger';
import type { IngestionMetrics } from './metrics';
import type { CommittedOutcome, Failure, Outbox, PendingRow } from './outbox';

export interface SubmitterOptions {
  outbox: Outbox;
  ledger: EventLedger;
  logger: Logger;
  metrics: IngestionMetrics;
  /** Most events per transaction, 1..500 (the chaincode's limit). Default 200. */
  batchMaxEvents?: number;
  /** Longest a fresh event waits for its batch to fill, ms. Default 50. */
  batchMaxWaitMs?: number;
  /** Batches in flight at once. Default 4. */
  concurrency?: number;
  /**
   * Bound of one submission attempt, ms; past it the attempt counts as a transient failure (resubmitting is safe).
   * Set it above the ledger adapter's own worst case (endorse + submit + commit-status deadlines and its retries).
   * Default 120000.
   */
  attemptTimeoutMs?: number;
  /** First retry delay, ms. Default 200. */
  retryBaseMs?: number;
  /** Largest retry delay, ms. Default 30000. */
  retryMaxMs?: number;
  /** Called with event ids that just became committed or rejected. */
  onResolved?: (eventIds: string[]) => void;
  /** Random source in [0, 1), for tests. */
  random?: () => number;
  /** Most unfinished rows looked at to fill one batch. Default 10000. */
  scanCap?: number;
  /** Failed attempts (ledger answering, see the file comment) before a batch is split and a lone event given up as `dead`. Default 10. */
  maxFailures?: number;
}

class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`RecordEvents attempt took longer than ${String(ms)} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/** Background loop over the outbox. */
export class Submitter {
  readonly #o: Required<Omit<SubmitterOptions, 'onResolved'>> & Pick<SubmitterOptions, 'onResolved'>;
  readonly #inFlight = new Set<number>();
  readonly #busyDevices = new Set<string>();
  readonly #batches = new Set<Promise<void>>();
  readonly #sleepers = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #running = false;
  /** The async context of `start()`: every dispatch runs in it, whoever called `notify()`. */
  #scope: AsyncResource | undefined;

  constructor(options: SubmitterOptions) {
    const batchMaxEvents = options.batchMaxEvents ?? 200;
    if (!Number.isInteger(batchMaxEvents) || batchMaxEvents < 1 || batchMaxEvents > MAX_BATCH) {
      throw new RangeError(`batchMaxEvents must be 1..${String(MAX_BATCH)}, got ${String(batchMaxEvents)}`);
    }
    this.#o = {
      batchMaxWaitMs: 50,
      concurrency: 4,
      attemptTimeoutMs: 120_000,
      retryBaseMs: 200,
      retryMaxMs: 30_000,
      random: Math.random,
      scanCap: 10_000,
      maxFailures: 10,
      ...options,
      batchMaxEvents,
    };
    if (this.#o.concurrency < 1) throw new RangeError('concurrency must be at least 1');
    if (!(this.#o.maxFailures >= 1)) throw new RangeError('maxFailures must be at least 1');
  }

  /** Starts submitting (rows left `submitted` by an earlier run go first: they are oldest). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#scope = new AsyncResource('acetrace.Submitter');
    this.#poll = setInterval(() => {
      this.#dispatchInScope();
    }, 1000);
    this.#poll.unref();
    this.#dispatchInScope();
  }

  /** New rows were stored: dispatch when a batch is full, else after `batchMaxWaitMs`. */
  notify(): void {
    if (!this.#running || this.#timer) return;
    if (this.#o.outbox.pendingCount - this.#inFlight.size >= this.#o.batchMaxEvents) {
      this.#dispatchInScope();
      return;
    }
    // the timer is created inside the caller's (request's) context; its callback leaves it
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#dispatchInScope();
    }, this.#o.batchMaxWaitMs);
  }

  /** Dispatches in the submitter's own async context (batches started here, and their retries, inherit it). */
  #dispatchInScope(): void {
    if (this.#scope) {
      this.#scope.runInAsyncScope(() => {
        this.#dispatch();
      });
    } else this.#dispatch();
  }

  /** Stops: no new batches, retry sleeps cut short, in-flight attempts awaited; unfinished rows stay on disk. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#poll) clearInterval(this.#poll);
    this.#timer = undefined;
    this.#poll = undefined;
    for (const wake of this.#sleepers) wake();
    await Promise.allSettled([...this.#batches]);
  }

  /** Batches in flight. */
  get activeBatches(): number {
    return this.#batches.size;
  }

  #dispatch(): void {
    while (this.#running && this.#batches.size < this.#o.concurrency) {
      let batch: PendingRow[];
      try {
        batch = this.#nextBatch();
        if (batch.length === 0) return;
        this.#o.outbox.markSubmitted(batch.filter((r) => r.status === 'queued').map((r) => r.seq));
      } catch (err) {
        this.#o.logger.error({ err }, 'event outbox unreadable; submitter retries on its next poll');
        return;
      }
      for (const r of batch) {
        this.#inFlight.add(r.seq);
        this.#busyDevices.add(r.deviceKey);
      }
      const p = this.#runBatch(batch).finally(() => {
        for (const r of batch) {
          this.#inFlight.delete(r.seq);
          this.#busyDevices.delete(r.deviceKey);
        }
        this.#batches.delete(p);
        this.#dispatch();
      });
      this.#batches.add(p);
    }
  }

  /**
   * The oldest unfinished rows of one identity whose devices have nothing in flight and nothing
   * older waiting. Scans past a backlogged device (up to `scanCap` rows) so it cannot starve others.
   */
  #nextBatch(): PendingRow[] {
    const blocked = new Set<string>();
    let identity: string | undefined;
    let taken = 0;
    // rows in flight all belong to busy devices, so SQLite's device filter leaves them out
    return this.#o.outbox.selectPending(
      this.#busyDevices,
      this.#o.scanCap,
      (row) => {
        if (blocked.has(row.deviceKey)) return 'skip'; // blocked in this pass (identity switch)
        if (row.correctionOf !== null) {
          // alone in its transaction, and after the event it corrects (which may still be on its way)
          if (taken > 0 || this.#o.outbox.isUnfinished(row.correctionOf)) {
            blocked.add(row.deviceKey);
            return 'skip';
          }
          return 'last';
        }
        identity ??= row.identity;
        if (row.identity !== identity) {
          // this device's later rows must not overtake this one
          blocked.add(row.deviceKey);
          return 'skip';
        }
        taken += 1;
        return 'take';
      },
      this.#o.batchMaxEvents,
    );
  }

  async #runBatch(rows: PendingRow[]): Promise<void> {
    try {
      await this.#settle(rows);
    } catch (err) {
      this.#o.logger.error({ err, events: rows.length }, 'submitter batch failed unexpectedly; rows stay queued');
    }
  }

  /** Brings every row to committed or rejected (or returns at stop, leaving them for the next start). */
  async #settle(rows: PendingRow[]): Promise<void> {
    const identity = rows[0]?.identity;
    if (identity === undefined) return;
    const seqs = rows.map((r) => r.seq);
    for (let attempt = 0; this.#running; attempt++) {
      const started = process.hrtime.bigint();
      let result: Awaited<ReturnType<EventLedger['recordEvents']>>;
      try {
        if (attempt === 0) this.#o.metrics.batchSize.observe(rows.length);
        result = await this.#attempt(identity, rows);
      } catch (err) {
        if (await this.#failed(err, rows, seqs, attempt, started)) return;
        continue;
      }
      this.#o.metrics.submitSeconds.observe({ outcome: 'committed' }, Number(process.hrtime.bigint() - started) / 1e9);
      try {
        this.#committed(rows, result);
        return;
      } catch (err) {
        // The ledger has them; storing the outcome failed. Resubmitting is a no-op on the ledger
        // that returns the first records, so go round again.
        this.#o.logger.error({ err, events: rows.length }, 'cannot store commit outcome in the outbox; resubmitting');
        await this.#sleep(this.#backoff(attempt));
      }
    }
  }

  /**
   * Handles a failed attempt: the rows rejected, given up (too many poison failures) or left at stop
   * (true: the batch is done with), else retried after the backoff (false).
   */
  async #failed(err: unknown, rows: PendingRow[], seqs: number[], attempt: number, started: bigint): Promise<boolean> {
    const identity = rows[0]?.identity;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rejection = rejectionOf(err);
    if (rejection) {
      this.#o.metrics.submitSeconds.observe({ outcome: 'rejected' }, seconds);
      await this.#rejected(rows, rejection, badIndexOf(err, rows.length));
      return true;
    }
    this.#o.metrics.submitSeconds.observe({ outcome: 'transient' }, seconds);
    if (!this.#running) return true;
    if (countsAsPoison(err)) {
      let failures: number;
      try {
        failures = this.#o.outbox.recordFailure(seqs);
      } catch (storeErr) {
        this.#o.logger.error({ err: storeErr }, 'cannot count a failure in the outbox');
        failures = 0;
      }
      if (failures >= this.#o.maxFailures) {
        await this.#giveUp(rows, failureOf(err));
        return true;
      }
    }
    this.#o.metrics.retries.inc();
    const delay = this.#backoff(attempt);
    this.#o.logger.warn(
      { err, identity, events: rows.length, attempt: attempt + 1, retryInMs: delay },
      'RecordEvents failed; retrying',
    );
    await this.#sleep(delay);
    return false;
  }

  async #attempt(identity: string, rows: PendingRow[]): ReturnType<EventLedger['recordEvents']> {
    const ms = this.#o.attemptTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new AttemptTimeoutError(ms));
      }, ms);
    });
    const [only] = rows;
    const call =
      rows.length === 1 && only !== undefined && only.correctionOf !== null
        ? this.#o.ledger.recordCorrection(identity, only.event)
        : this.#o.ledger.recordEvents(identity, rows.map((r) => r.event));
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #committed(rows: PendingRow[], result: Awaited<ReturnType<EventLedger['recordEvents']>>): void {
    const byId = new Map(result.results.map((r) => [r.eventId, r]));
    const blockOf = (b: number | bigint | undefined): number | undefined => (b === undefined ? undefined : Number(b));
    const outcomes: CommittedOutcome[] = [];
    for (const row of rows) {
      const r = byId.get(row.eventId);
      if (!r) throw new Error(`RecordEvents answered without event ${row.eventId}`);
      const firstTx = r.event.txId;
      if (r.status === 'duplicate' && firstTx !== '' && firstTx !== result.txId) {
        // the first record's transaction; its block is not in the record
        outcomes.push({ seq: row.seq, txId: firstTx });
      } else {
        outcomes.push({ seq: row.seq, txId: result.txId, blockNumber: blockOf(result.blockNumber) });
      }
    }
    this.#o.outbox.markCommitted(outcomes);
    this.#o.metrics.committed.inc(rows.length);
    this.#o.logger.debug({ txId: result.txId, events: rows.length }, 'events committed');
    this.#o.onResolved?.(rows.map((r) => r.eventId));
  }

  /** `hinted`: index of the event the refusal names, if any. */
  async #rejected(rows: PendingRow[], rejection: Rejection, hinted: number | undefined): Promise<void> {
    if (rows.length > 1) {
      // Isolate the bad events, pieces in order so a device's order holds. The chaincode names the
      // first bad event (field `events[3].location.lat`): split around it (each piece is still
      // submitted and judged on its own); otherwise split in halves.
      const pieces =
        hinted === undefined
          ? [rows.slice(0, Math.ceil(rows.length / 2)), rows.slice(Math.ceil(rows.length / 2))]
          : [rows.slice(0, hinted), rows.slice(hinted, hinted + 1), rows.slice(hinted + 1)];
      for (const piece of pieces) if (piece.length > 0) await this.#settle(piece);
      return;
    }
    const row = rows[0];
    if (!row) return;
    for (;;) {
      try {
        this.#o.outbox.markRejected(row.seq, rejection);
        break;
      } catch (storeErr) {
        if (!this.#running) return;
        this.#o.logger.error({ err: storeErr }, 'cannot store rejection in the outbox; retrying');
        await this.#sleep(this.#o.retryMaxMs);
      }
    }
    this.#o.metrics.rejected.inc();
    this.#o.logger.info({ eventId: row.eventId, rejection }, 'event rejected by the chaincode');
    this.#o.onResolved?.([row.eventId]);
  }

  /** A batch that failed `maxFailures` times: halves judged again with cleared counts; a lone event becomes `dead`. */
  async #giveUp(rows: PendingRow[], failure: Failure): Promise<void> {
    if (rows.length > 1) {
      this.#o.outbox.resetFailures(rows.map((r) => r.seq));
      const half = Math.ceil(rows.length / 2);
      for (const piece of [rows.slice(0, half), rows.slice(half)]) await this.#settle(piece);
      return;
    }
    const row = rows[0];
    if (!row) return;
    try {
      this.#o.outbox.markDead(row.seq, failure);
    } catch (err) {
      // left unfinished: the next start judges it again
      this.#o.logger.error({ err }, 'cannot store a dead event in the outbox');
      return;
    }
    this.#o.metrics.dead.inc();
    this.#o.logger.warn({ eventId: row.eventId, failure }, 'event given up after repeated failures (dead)');
    this.#o.onResolved?.([row.eventId]);
  }

  /** Exponential, capped, with equal jitter: half fixed, half random. */
  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#o.retryMaxMs, this.#o.retryBaseMs * 2 ** Math.min(attempt, 30));
    return Math.round(ceiling / 2 + (ceiling / 2) * this.#o.random());
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#sleepers.add(done);
    });
  }
}

/** True for a failure that says something about the batch: the ledger answered, yet neither committed nor refused it. */
function countsAsPoison(err: unknown): boolean {
  return !(err instanceof LedgerUnavailableError) && !(err instanceof AttemptTimeoutError);
}

/** What a dead row keeps of its last failure (bounded: the text may come from a peer). */
function failureOf(err: unknown): Failure {
  const code = err instanceof AppError ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return { code, message: message.length > 500 ? `${message.slice(0, 497)}...` : message };
}

/** Index of the event an INVALID_ARGUMENT names by its first field path (`events[3]...`), if it is one of `count`. */
function badIndexOf(err: unknown, count: number): number | undefined {
  if (!(err instanceof LedgerInvalidArgumentError)) return undefined;
  const m = /^events\[(\d+)\]/.exec(err.errors[0]?.path ?? '');
  const i = m ? Number(m[1]) : NaN;
  return Number.isInteger(i) && i >= 0 && i < count ? i : undefined;
}
