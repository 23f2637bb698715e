/**
 * The durable outbox: one SQLite file (WAL, synchronous=FULL) holding every event the gateway
 * acknowledged, with its status. An enqueue is committed (fsync'ed) before the caller hears back, in one
 * transaction with the other calls of its group ({@link Outbox.enqueueAll}: one fsync for all); each call is a
 * savepoint of its own, so a crash or a refusal leaves either all of a call's events or none.
 *
 * Unfinished rows (`queued`, `submitted`) are never deleted. `rejected` (the chaincode refused) and `dead`
 * (the submitter gave up after a bounded number of failed attempts while the ledger answered) rows stay and
 * answer GET /v1/events/{id} with their reason. `committed` rows are pruned after a retention
 * ({@link Outbox.prune}): each leaves a compact idempotency record (id, content hash, identity, tx, block) in
 * `settled`, so a repeated POST of a pruned event is still answered `committed` (same content) or 409 (other
 * content) before any 202, and provenance answers keep their block numbers.
 * A refusal is stored as the adapter classified it, `{code, message}` (two columns); {@link migrate} brings
 * files of earlier versions to this schema.
 *
 * The outbox folder is kept 0700 and its files 0600 (fixed at every open): they hold every posted event.
 * Every payload is stored sealed (AES-256-GCM, `../at-rest/`), bound to its event id, because an event may
 * carry private fields (domain.md "Private data"); payloads of earlier versions are sealed in place on open.
 */
import Database from 'better-sqlite3';
import '../quiet-chaincode';
import { errorCodeOf, type ErrorCode } from '@acetrace/chaincode';
import { ConfigError } from '../config';
import type { Rejection } from '../errors';
import type { Keyring } from '../at-rest/keyring';
import * as sealed from '../at-rest/sealed-table';
import type { EventInput } from './event-input';
import { canonicalJson, sha256Hex } from './canonical';
import {
  EventConflictError,
  QueueFullError,
  QueueStorageError,
  type EventStatus,
  type QueuedEvent,
} from '../ports/event-queue';

/** What the submitter sees of an unfinished row before choosing it. */
export interface PendingMeta {
  seq: number;
  eventId: string;
  identity: string;
  /** Ordering key: `d:<deviceId>` or `p:<principal>` when the event names no device. */
  deviceKey: string;
  status: 'queued' | 'submitted';
  /** For a correction (goes alone to RecordCorrection): the event it corrects. */
  correctionOf: string | null;
}

/** Why the submitter gave up on a row (`dead`): the last failure's code (`LEDGER_ERROR`, ...) and text. */
export interface Failure {
  code: string;
  message: string;
}

/** An unfinished row, as the submitter takes it. */
export interface PendingRow extends PendingMeta {
  event: EventInput;
}

/** Outcome of one event of a transaction, to store. */
export interface CommittedOutcome {
  seq: number;
  txId: string;
  blockNumber?: number;
}

export interface OutboxOptions {
  /** Seals every payload written and opens every payload read. */
  keyring: Keyring;
  /** Most unfinished events before enqueue throws QueueFullError. Default 100000. */
  maxDepth?: number;
  /** Seconds a refused client should wait; called when the queue is full. Default 5. */
  retryAfterSeconds?: () => number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Statuses a row ends in. */
type FinalStatus = 'committed' | 'rejected' | 'dead';

interface Row {
  seq: number;
  event_id: string;
  lot_id: string;
  principal: string;
  identity: string;
  device_key: string;
  content_hash: string;
  /** the sealed canonical JSON of the event */
  payload: Buffer;
  status: EventStatus;
  correction_of: string | null;
  tx_id: string | null;
  block_number: number | null;
  rejection_code: string | null;
  rejection_message: string | null;
  queued_at: string;
  queued_at_ms: number;
  updated_at: string;
}

const TABLES = `
CREATE TABLE IF NOT EXISTS events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id     TEXT NOT NULL UNIQUE,
  lot_id       TEXT NOT NULL,
  principal    TEXT NOT NULL,
  identity     TEXT NOT NULL,
  device_key   TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  payload      BLOB NOT NULL, -- sealed record (at-rest/keyring.ts); TEXT in files of schema < 3
  status       TEXT NOT NULL CHECK (status IN ('queued','submitted','committed','rejected','dead')),
  correction_of TEXT,
  tx_id        TEXT,
  block_number INTEGER,
  rejection_code    TEXT,
  rejection_message TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  failures     INTEGER NOT NULL DEFAULT 0,
  queued_at    TEXT NOT NULL,
  queued_at_ms INTEGER NOT NULL,
  updated_at   TEXT NOT NULL
);
-- what is left of a pruned committed row: enough to answer a repeat and a provenance block number
CREATE TABLE IF NOT EXISTS settled (
  event_id     TEXT PRIMARY KEY,
  identity     TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  tx_id        TEXT NOT NULL,
  block_number INTEGER,
  settled_at   TEXT NOT NULL
) WITHOUT ROWID;
-- POST /v1/readings: reader + EPC + window → the event that recorded it (suppression across restarts)
CREATE TABLE IF NOT EXISTS readings_seen (
  reader_id  TEXT NOT NULL,
  epc        TEXT NOT NULL,
  window_ms  INTEGER NOT NULL,
  event_id   TEXT NOT NULL,
  seen_at_ms INTEGER NOT NULL,
  PRIMARY KEY (reader_id, epc, window_ms)
) WITHOUT ROWID;
`;

const INDEXES = `
-- covering: the submitter's scan of unfinished rows never touches the table
CREATE INDEX IF NOT EXISTS events_pending ON events(seq, device_key, identity, event_id, status, correction_of) WHERE status IN ('queued','submitted');
CREATE INDEX IF NOT EXISTS events_device ON events(device_key, seq);
CREATE INDEX IF NOT EXISTS events_committed ON events(updated_at) WHERE status = 'committed';
CREATE INDEX IF NOT EXISTS readings_seen_age ON readings_seen(seen_at_ms);
`;

/**
 * `PRAGMA user_version` of the schema above. 0: a rejection as one `reason` text; 1: `{code, message}`;
 * 2: `dead` status, `correction_of`, `failures`, and the `settled` and `readings_seen` tables; 3: payloads sealed.
 */
export const OUTBOX_SCHEMA_VERSION = 3;

/** The sealed payloads: each bound to its event id, and to this store. */
const PAYLOADS: sealed.SealedColumn = { table: 'events', idColumn: 'event_id', column: 'payload', aad: payloadAad };

/** Associated data of an event's sealed payload. */
function payloadAad(eventId: string): string {
  return `acetrace-outbox/event/${eventId}`;
}

const V2_COLUMNS =
  'seq, event_id, lot_id, principal, identity, device_key, content_hash, payload, status, tx_id, block_number, ' +
  'rejection_code, rejection_message, attempts, queued_at, queued_at_ms, updated_at';

/**
 * Brings an outbox file to {@link OUTBOX_SCHEMA_VERSION} in one transaction. Version 0 → 1: the `reason`
 * text (`CODE: sentence`, as the chaincode wrote it) becomes `rejection_code` + `rejection_message`; a text
 * without a code keeps it all as the message (and no code), so every old row reads back as before.
 * 1 → 2: the table is rebuilt (SQLite cannot widen a CHECK) with the `dead` status, `correction_of` (taken
 * from each payload) and `failures`; every row keeps its seq, status and texts. 2 → 3: every payload stored in
 * clear is sealed in place; `secure_delete` overwrites the freed plaintext and the WAL is truncated after.
 */
export function migrate(db: Database.Database, keyring: Keyring): void {
  const columns = new Set((db.pragma('table_info(events)') as Array<{ name: string }>).map((c) => c.name));
  db.transaction(() => {
    if (columns.has('reason')) {
      db.exec('ALTER TABLE events ADD COLUMN rejection_code TEXT; ALTER TABLE events ADD COLUMN rejection_message TEXT;');
      const rows = db.prepare<[], { seq: number; reason: string }>('SELECT seq, reason FROM events WHERE reason IS NOT NULL').all();
      const update = db.prepare('UPDATE events SET rejection_code = ?, rejection_message = ? WHERE seq = ?');
      for (const { seq, reason } of rows) {
        const code = errorCodeOf(reason);
        update.run(code ?? null, code === undefined ? reason : reason.slice(code.length + 2), seq);
      }
      db.exec('ALTER TABLE events DROP COLUMN reason');
    }
    if (!columns.has('correction_of')) {
      db.exec(`ALTER TABLE events RENAME TO events_v1;
        DROP INDEX IF EXISTS events_pending; DROP INDEX IF EXISTS events_device;`);
      db.exec(TABLES);
      db.exec(`INSERT INTO events (${V2_COLUMNS}, correction_of)
        SELECT ${V2_COLUMNS}, json_extract(payload, '$.correctionOf') FROM events_v1;
        DROP TABLE events_v1;`);
    }
    sealed.sealPlaintextRows(db, keyring, PAYLOADS);
    db.pragma(`user_version = ${String(OUTBOX_SCHEMA_VERSION)}`);
  })();
}

/** Ordering key of an event: its device, else its poster. */
export function deviceKeyOf(event: EventInput, principal: string): string {
  return event.deviceId ? `d:${event.deviceId}` : `p:${principal}`;
}

/** What {@link Outbox.enqueueAll} answers one call: its events' statuses, or why nothing of it was stored. */
export type EnqueueOutcome = { answer: Array<{ eventId: string; status: EventStatus }> } | { error: Error };

/** The SQLite outbox. Synchronous (better-sqlite3); one instance per file and process. */
export class Outbox {
  readonly #db: Database.Database;
  readonly #keyring: Keyring;
  readonly #maxDepth: number;
  readonly #retryAfter: () => number;
  readonly #now: () => number;
  #pending: number;
  readonly #stmt: {
    byId: Database.Statement<[string], Row>;
    statusById: Database.Statement<[string], { status: EventStatus }>;
    /** raw rows: [event_id, block_number] of committed ids among a JSON array */
    blockNumbers: Database.Statement<[string], [string, number]>;
    insert: Database.Statement;
    settledById: Database.Statement<[string], { identity: string; content_hash: string }>;
    /** raw rows: [seq, event_id, identity, device_key, status, correction_of] */
    pendingMeta: Database.Statement<[string], [number, string, string, string, 'queued' | 'submitted', string | null]>;
    payload: Database.Statement<[number], { payload: Buffer }>;
    oldest: Database.Statement<[], { queued_at_ms: number }>;
    count: Database.Statement<[], { n: number }>;
    setStatus: Database.Statement<[string, string, number]>;
    commit: Database.Statement<[string, number | null, string, number]>;
    reject: Database.Statement<[string, string, string, number]>;
    dead: Database.Statement<[string, string, string, number]>;
    fail: Database.Statement<[number]>;
    resetFailures: Database.Statement<[number]>;
    failures: Database.Statement<[number], { failures: number }>;
    settle: Database.Statement<[string, number]>;
    prune: Database.Statement<[string, number]>;
    seen: Database.Statement<[string, string, number], { event_id: string }>;
    remember: Database.Statement<[string, string, number, string, number]>;
    forgetSeen: Database.Statement<[number]>;
  };

  private constructor(db: Database.Database, options: OutboxOptions) {
    this.#db = db;
    this.#keyring = options.keyring;
    this.#maxDepth = options.maxDepth ?? 100_000;
    this.#retryAfter = options.retryAfterSeconds ?? (() => 5);
    this.#now = options.now ?? Date.now;
    this.#stmt = {
      byId: db.prepare('SELECT * FROM events WHERE event_id = ?'),
      statusById: db.prepare('SELECT status FROM events WHERE event_id = ?'),
      blockNumbers: db
        .prepare<[string], [string, number]>(
          `WITH ids(id) AS (SELECT value FROM json_each(?))
           SELECT event_id, block_number FROM events WHERE event_id IN ids AND block_number IS NOT NULL
           UNION ALL
           SELECT event_id, block_number FROM settled WHERE event_id IN ids AND block_number IS NOT NULL`,
        )
        .raw(true),
      settledById: db.prepare('SELECT identity, content_hash FROM settled WHERE event_id = ?'),
      insert: db.prepare(
        `INSERT INTO events (event_id, lot_id, principal, identity, device_key, content_hash, payload, correction_of, status, queued_at, queued_at_ms, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      ),
      pendingMeta: db
        .prepare<[string], [number, string, string, string, 'queued' | 'submitted', string | null]>(
          `SELECT seq, event_id, identity, device_key, status, correction_of FROM events INDEXED BY events_pending
           WHERE status IN ('queued','submitted') AND device_key NOT IN (SELECT value FROM json_each(?))
           ORDER BY seq`,
        )
        .raw(true),
      payload: db.prepare('SELECT payload FROM events WHERE seq = ?'),
      oldest: db.prepare(
        `SELECT queued_at_ms FROM events INDEXED BY events_pending WHERE status IN ('queued','submitted') ORDER BY seq LIMIT 1`,
      ),
      count: db.prepare(`SELECT count(*) AS n FROM events INDEXED BY events_pending WHERE status IN ('queued','submitted')`),
      setStatus: db.prepare(
        `UPDATE events SET status = ?, updated_at = ?, attempts = attempts + 1 WHERE seq = ? AND status IN ('queued','submitted')`,
      ),
      commit: db.prepare(
        `UPDATE events SET status = 'committed', tx_id = ?, block_number = ?, updated_at = ? WHERE seq = ? AND status IN ('queued','submitted')`,
      ),
      reject: db.prepare(
        `UPDATE events SET status = 'rejected', rejection_code = ?, rejection_message = ?, updated_at = ?
         WHERE seq = ? AND status IN ('queued','submitted')`,
      ),
      dead: db.prepare(
        `UPDATE events SET status = 'dead', rejection_code = ?, rejection_message = ?, updated_at = ?
         WHERE seq = ? AND status IN ('queued','submitted')`,
      ),
      fail: db.prepare('UPDATE events SET failures = failures + 1 WHERE seq = ?'),
      resetFailures: db.prepare('UPDATE events SET failures = 0 WHERE seq = ?'),
      failures: db.prepare('SELECT failures FROM events WHERE seq = ?'),
      // oldest first, a bounded slice per statement so the writer lock is held briefly
      settle: db.prepare(
        `INSERT OR REPLACE INTO settled (event_id, identity, content_hash, tx_id, block_number, settled_at)
         SELECT event_id, identity, content_hash, tx_id, block_number, updated_at FROM events INDEXED BY events_committed
         WHERE status = 'committed' AND updated_at < ? ORDER BY updated_at LIMIT ?`,
      ),
      prune: db.prepare(
        `DELETE FROM events WHERE seq IN (SELECT seq FROM events INDEXED BY events_committed
         WHERE status = 'committed' AND updated_at < ? ORDER BY updated_at LIMIT ?)`,
      ),
      seen: db.prepare('SELECT event_id FROM readings_seen WHERE reader_id = ? AND epc = ? AND window_ms = ?'),
      remember: db.prepare(
        'INSERT OR REPLACE INTO readings_seen (reader_id, epc, window_ms, event_id, seen_at_ms) VALUES (?, ?, ?, ?, ?)',
      ),
      forgetSeen: db.prepare('DELETE FROM readings_seen WHERE seen_at_ms < ?'),
    };
    this.#pending = this.#stmt.count.get()?.n ?? 0;
  }

  /**
   * Opens (creating if needed) the outbox file and its directory, sealing the payloads of an older version.
   * @throws {@link ConfigError} when the keyring cannot open the file's payloads (lost or replaced key file).
   * @throws {@link QueueStorageError} when the file cannot be opened or set up.
   */
  static open(dbPath: string, options: OutboxOptions): Outbox {
    let db: Database.Database | undefined;
    try {
      if (dbPath !== ':memory:') sealed.restrictDatabaseFiles(dbPath);
      db = new Database(dbPath);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(TABLES);
      if ((db.pragma('user_version', { simple: true }) as number) < OUTBOX_SCHEMA_VERSION) migrateSealing(db, options.keyring);
      db.exec(INDEXES);
      sealed.checkKeyringOpens(db, options.keyring, PAYLOADS, dbPath);
      if (dbPath !== ':memory:') sealed.restrictDatabaseFiles(dbPath); // the -wal/-shm files exist now
      return new Outbox(db, options);
    } catch (err) {
      db?.close();
      if (err instanceof ConfigError) throw err;
      throw new QueueStorageError(`cannot open the event outbox at ${dbPath}`, { cause: err });
    }
  }

  /**
   * Re-seals under the keyring's current key every payload sealed under an older one (a key rotation).
   * @returns how many payloads were re-sealed.
   */
  reseal(): number {
    return this.#guard(() => sealed.resealRows(this.#db, this.#keyring, PAYLOADS));
  }

  /** How many payloads are still sealed under `keyId` (it can be retired at 0). */
  sealedUnder(keyId: string): number {
    return this.#guard(() => sealed.countSealedUnder(this.#db, PAYLOADS, keyId));
  }

  /** Unfinished events (queued or submitted). */
  get pendingCount(): number {
    return this.#pending;
  }

  /** Milliseconds since the oldest unfinished event was queued (0 when none). */
  oldestPendingAgeMs(): number {
    const row = this.#stmt.oldest.get();
    return row ? Math.max(0, this.#now() - row.queued_at_ms) : 0;
  }

  /**
   * Stores the events in one transaction (all or nothing), committed to disk before it returns.
   * @throws {@link EventConflictError} when an id exists with other content or identity.
   * @throws {@link QueueFullError} when storing them would pass `maxDepth`.
   * @throws {@link QueueStorageError} when SQLite fails; nothing stored.
   */
  enqueue(poster: { principal: string; identity: string }, events: EventInput[]): Array<{ eventId: string; status: EventStatus }> {
    const [outcome] = this.enqueueAll([{ poster, events }]);
    if (outcome === undefined || 'error' in outcome) throw outcome?.error ?? new QueueStorageError('the event outbox answered nothing');
    return outcome.answer;
  }

  /**
   * Group commit: stores several callers' calls in one SQLite transaction, so one fsync covers them all,
   * each call still all or nothing (a savepoint of its own): a call refused with {@link EventConflictError} or
   * {@link QueueFullError} leaves nothing of its own and does not affect the others. Committed to disk before
   * it returns; when SQLite fails, nothing of any call is stored and every call gets {@link QueueStorageError}.
   * @returns one outcome per call, in order.
   */
  enqueueAll(calls: ReadonlyArray<{ poster: { principal: string; identity: string }; events: EventInput[] }>): EnqueueOutcome[] {
    const nowMs = this.#now();
    const nowIso = new Date(nowMs).toISOString();
    const prepared = calls.map(({ poster, events }) => ({
      poster,
      events: events.map((event) => {
        const json = canonicalJson(event);
        return { event, payload: this.#keyring.seal(json, payloadAad(event.eventId)), hash: sha256Hex(json) };
      }),
    }));
    let inserted = 0;
    // nested in `group`, a better-sqlite3 transaction is a savepoint: a throw undoes only its own call
    const one = this.#db.transaction((poster: { principal: string; identity: string }, events: (typeof prepared)[number]['events']) => {
      const answer: Array<{ eventId: string; status: EventStatus }> = [];
      let mine = 0;
      for (const { event, payload, hash } of events) {
        const existing = this.#stmt.byId.get(event.eventId) ?? this.#settledRow(event.eventId);
        if (existing) {
          if (existing.content_hash !== hash || existing.identity !== poster.identity) {
            throw new EventConflictError(event.eventId);
          }
          answer.push({ eventId: event.eventId, status: existing.status });
          continue;
        }
        if (this.#pending + inserted + mine + 1 > this.#maxDepth) {
          const retryAfter = Math.max(1, Math.ceil(this.#retryAfter()));
          throw new QueueFullError(
            `the event queue is full (${String(this.#maxDepth)} events waiting); retry in ${String(retryAfter)} s`,
            retryAfter,
            { metadata: { maxDepth: this.#maxDepth } },
          );
        }
        this.#stmt.insert.run(
          event.eventId,
          event.lotId,
          poster.principal,
          poster.identity,
          deviceKeyOf(event, poster.principal),
          hash,
          payload,
          event.correctionOf ?? null,
          nowIso,
          nowMs,
          nowIso,
        );
        mine += 1;
        answer.push({ eventId: event.eventId, status: 'queued' });
      }
      return { answer, mine };
    });
    const group = this.#db.transaction(() =>
      prepared.map(({ poster, events }): EnqueueOutcome => {
        try {
          const { answer, mine } = one(poster, events);
          inserted += mine;
          return { answer };
        } catch (err) {
          if (err instanceof EventConflictError || err instanceof QueueFullError) return { error: err };
          throw err;
        }
      }),
    );
    try {
      const outcomes = group.immediate();
      this.#pending += inserted;
      return outcomes;
    } catch (err) {
      const error = new QueueStorageError('the event outbox could not store the events; nothing was stored', { cause: err });
      return calls.map(() => ({ error }));
    }
  }

  /** One event by id. @throws {@link QueueStorageError} */
  get(eventId: string): QueuedEvent | undefined {
    return this.#guard(() => {
      const row = this.#stmt.byId.get(eventId);
      return row ? toQueuedEvent(row, this.#keyring) : undefined;
    });
  }

  /**
   * Block numbers of the committed ones among `eventIds`: one statement (the ids as a JSON array,
   * each looked up through the event_id index), two columns, no payload parsing.
   * @throws {@link QueueStorageError}
   */
  blockNumbers(eventIds: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    if (eventIds.length === 0) return out;
    this.#guard(() => {
      for (const [eventId, blockNumber] of this.#stmt.blockNumbers.iterate(JSON.stringify(eventIds))) out.set(eventId, blockNumber);
    });
    return out;
  }

  /**
   * Unfinished rows in queue order, skipping `skip`, at most `limit`.
   * @throws {@link QueueStorageError}
   */
  scanPending(limit: number, skip: ReadonlySet<number>): PendingRow[] {
    return this.selectPending(new Set(), Number.MAX_SAFE_INTEGER, (row) => (skip.has(row.seq) ? 'skip' : 'take'), limit);
  }

  /**
   * Walks unfinished rows in queue order, except those of `busyDevices` (filtered inside SQLite),
   * at most `scanCap` of them, letting `choose` take, pass over or stop at each from its metadata
   * (`last`: take this one and stop);
   * loads the payloads of the taken rows only (at most `limit`).
   * @throws {@link QueueStorageError}
   */
  selectPending(
    busyDevices: ReadonlySet<string>,
    scanCap: number,
    choose: (row: PendingMeta) => 'take' | 'last' | 'skip' | 'stop',
    limit: number,
  ): PendingRow[] {
    return this.#guard(() => {
      const taken: PendingMeta[] = [];
      let scanned = 0;
      for (const [seq, eventId, identity, deviceKey, status, correctionOf] of this.#stmt.pendingMeta.iterate(
        JSON.stringify([...busyDevices]),
      )) {
        if (++scanned > scanCap) break;
        const meta: PendingMeta = { seq, eventId, identity, deviceKey, status, correctionOf };
        const choice = choose(meta);
        if (choice === 'stop') break;
        if (choice === 'take' || choice === 'last') taken.push(meta);
        if (choice === 'last' || taken.length >= limit) break;
      }
      return taken.map((m) => {
        const sealed = this.#stmt.payload.get(m.seq)?.payload;
        return { ...m, event: (sealed ? JSON.parse(this.#keyring.openText(sealed, payloadAad(m.eventId))) : null) as EventInput };
      });
    });
  }

  /** True when `eventId` is in this outbox and not yet committed, rejected or dead. @throws {@link QueueStorageError} */
  isUnfinished(eventId: string): boolean {
    const status = this.#guard(() => this.#stmt.statusById.get(eventId)?.status);
    return status === 'queued' || status === 'submitted';
  }

  /** Marks rows as handed to the ledger (one transaction). */
  markSubmitted(seqs: readonly number[]): void {
    const now = new Date(this.#now()).toISOString();
    this.#guard(() => {
      this.#db.transaction(() => {
        seqs.forEach((s) => this.#stmt.setStatus.run('submitted', now, s));
      })();
    });
  }

  /** Marks rows committed with their transaction (one transaction). */
  markCommitted(outcomes: readonly CommittedOutcome[]): void {
    const now = new Date(this.#now()).toISOString();
    const changed = this.#guard(() =>
      this.#db.transaction(() =>
        outcomes.reduce((n, o) => n + this.#stmt.commit.run(o.txId, o.blockNumber ?? null, now, o.seq).changes, 0),
      )(),
    );
    this.#pending -= changed;
  }

  /** Marks one row rejected with the refusal the adapter classified. */
  markRejected(seq: number, rejection: Rejection): void {
    const now = new Date(this.#now()).toISOString();
    const changed = this.#guard(() => this.#stmt.reject.run(rejection.code, rejection.message, now, seq).changes);
    this.#pending -= changed;
  }

  /** Marks one row `dead`: the submitter gave up on it after repeated failures while the ledger answered. */
  markDead(seq: number, failure: Failure): void {
    const now = new Date(this.#now()).toISOString();
    const changed = this.#guard(() => this.#stmt.dead.run(failure.code, failure.message, now, seq).changes);
    this.#pending -= changed;
  }

  /** Counts one failed attempt against each row; answers the highest count among them. */
  recordFailure(seqs: readonly number[]): number {
    return this.#guard(() =>
      this.#db.transaction(() =>
        seqs.reduce((max, seq) => {
          this.#stmt.fail.run(seq);
          return Math.max(max, this.#stmt.failures.get(seq)?.failures ?? 0);
        }, 0),
      )(),
    );
  }

  /** Failed attempts counted against one row. */
  failures(seq: number): number {
    return this.#guard(() => this.#stmt.failures.get(seq)?.failures ?? 0);
  }

  /** Clears the failure counts of rows (they are judged again, in smaller batches). */
  resetFailures(seqs: readonly number[]): void {
    this.#guard(() => {
      this.#db.transaction(() => {
        seqs.forEach((s) => this.#stmt.resetFailures.run(s));
      })();
    });
  }

  /**
   * Removes `committed` rows whose last change is older than `retentionMs`, keeping for each a compact
   * idempotency record (`settled`); unfinished, rejected and dead rows are never touched. Readings
   * suppression entries older than `readingsRetentionMs` go too. Works in slices of `slice` rows.
   * @returns how many event rows were removed.
   */
  prune(retentionMs: number, readingsRetentionMs = retentionMs, slice = 5000): number {
    const cutoff = new Date(this.#now() - retentionMs).toISOString();
    let removed = 0;
    this.#guard(() => {
      for (;;) {
        const n = this.#db.transaction(() => {
          this.#stmt.settle.run(cutoff, slice);
          return this.#stmt.prune.run(cutoff, slice).changes;
        }).immediate();
        removed += n;
        if (n < slice) break;
      }
      this.#stmt.forgetSeen.run(this.#now() - readingsRetentionMs);
    });
    return removed;
  }

  /** The events that recorded these (reader, EPC, window) reads, for those seen before. */
  seenReadings(keys: ReadonlyArray<{ readerId: string; epc: string; windowMs: number }>): Map<number, string> {
    const out = new Map<number, string>();
    this.#guard(() => {
      keys.forEach((k, i) => {
        const row = this.#stmt.seen.get(k.readerId, k.epc, k.windowMs);
        if (row) out.set(i, row.event_id);
      });
    });
    return out;
  }

  /** Remembers which event recorded each (reader, EPC, window) read (one transaction). */
  rememberReadings(entries: ReadonlyArray<{ readerId: string; epc: string; windowMs: number; eventId: string }>): void {
    const now = this.#now();
    this.#guard(() => {
      this.#db.transaction(() => {
        entries.forEach((e) => this.#stmt.remember.run(e.readerId, e.epc, e.windowMs, e.eventId, now));
      })();
    });
  }

  /** A pruned committed event as enqueue compares it. */
  #settledRow(eventId: string): { content_hash: string; identity: string; status: FinalStatus } | undefined {
    const row = this.#stmt.settledById.get(eventId);
    return row ? { ...row, status: 'committed' } : undefined;
  }

  /** Closes the file (checkpointing the WAL). */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw new QueueStorageError('the event outbox failed', { cause: err });
    }
  }
}

/**
 * {@link migrate} with `secure_delete` on (freed plaintext pages and cells are overwritten), then the WAL,
 * which held the rewritten pages, checkpointed and truncated.
 */
function migrateSealing(db: Database.Database, keyring: Keyring): void {
  db.pragma('secure_delete = ON');
  migrate(db, keyring);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('secure_delete = OFF');
}

/**
 * A row as the port answers it. The payload is unsealed when `event` is first read (most readers – waitFor,
 * status polls – want only the status); a record that does not open throws QueueStorageError there.
 */
function toQueuedEvent(row: Row, keyring: Keyring): QueuedEvent {
  let event: EventInput | undefined;
  const out: QueuedEvent = {
    eventId: row.event_id,
    lotId: row.lot_id,
    principal: row.principal,
    identity: row.identity,
    status: row.status,
    get event(): EventInput {
      return (event ??= openPayload(row));
    },
    queuedAt: row.queued_at,
    updatedAt: row.updated_at,
  };
  if (row.tx_id !== null) out.txId = row.tx_id;
  if (row.block_number !== null) out.blockNumber = row.block_number;
  if (row.status === 'dead') {
    out.failure = { code: row.rejection_code ?? 'LEDGER_ERROR', message: row.rejection_message ?? '' };
  } else if (row.rejection_message !== null) {
    out.rejection = { ...(row.rejection_code !== null && { code: row.rejection_code as ErrorCode }), message: row.rejection_message };
  }
  return out;

  function openPayload(r: Row): EventInput {
    try {
      return JSON.parse(keyring.openText(r.payload, payloadAad(r.event_id))) as EventInput;
    } catch (err) {
      throw new QueueStorageError(`the outbox payload of event ${r.event_id} cannot be read`, { cause: err });
    }
  }
}
