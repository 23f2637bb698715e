/**
 * The durable outbox: one SQLite file (WAL, synchronous=FULL) holding every event the gateway
 * acknowledged, with its status. An enqueue is one transaction, committed (fsync'ed) before the
 * caller hears back; a crash at any point leaves either all of a call's events or none.
 *
 * Rows are never deleted: `committed` and `rejected` rows answer GET /v1/events/{id} and make a
 * repeated POST idempotent. A rejection is stored as the adapter classified it, `{code, message}`
 * (two columns); {@link migrate} brings files of earlier versions (one `reason` text) to this schema.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import '../quiet-chaincode';
import { errorCodeOf, type ErrorCode } from '@acetrace/chaincode';
import type { Rejection } from '../errors';
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
  /** Most unfinished events before enqueue throws QueueFullError. Default 100000. */
  maxDepth?: number;
  /** Seconds a refused client should wait; called when the queue is full. Default 5. */
  retryAfterSeconds?: () => number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Row {
  seq: number;
  event_id: string;
  lot_id: string;
  principal: string;
  identity: string;
  device_key: string;
  content_hash: string;
  payload: string;
  status: EventStatus;
  tx_id: string | null;
  block_number: number | null;
  rejection_code: ErrorCode | null;
  rejection_message: string | null;
  queued_at: string;
  queued_at_ms: number;
  updated_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id     TEXT NOT NULL UNIQUE,
  lot_id       TEXT NOT NULL,
  principal    TEXT NOT NULL,
  identity     TEXT NOT NULL,
  device_key   TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  payload      TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('queued','submitted','committed','rejected')),
  tx_id        TEXT,
  block_number INTEGER,
  rejection_code    TEXT,
  rejection_message TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  queued_at    TEXT NOT NULL,
  queued_at_ms INTEGER NOT NULL,
  updated_at   TEXT NOT NULL
);
-- covering: the submitter's scan of unfinished rows never touches the table
CREATE INDEX IF NOT EXISTS events_pending ON events(seq, device_key, identity, event_id, status) WHERE status IN ('queued','submitted');
CREATE INDEX IF NOT EXISTS events_device ON events(device_key, seq);
`;

/** `PRAGMA user_version` of the schema above. 0: the first version, a rejection as one `reason` text. */
export const OUTBOX_SCHEMA_VERSION = 1;

/**
 * Brings an outbox file to {@link OUTBOX_SCHEMA_VERSION} in one transaction. Version 0 → 1: the `reason`
 * text (`CODE: sentence`, as the chaincode wrote it) becomes `rejection_code` + `rejection_message`; a text
 * without a code keeps it all as the message (and no code), so every old row reads back as before.
 */
export function migrate(db: Database.Database): void {
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
    db.pragma(`user_version = ${OUTBOX_SCHEMA_VERSION}`);
  })();
}

/** Ordering key of an event: its device, else its poster. */
export function deviceKeyOf(event: EventInput, principal: string): string {
  return event.deviceId ? `d:${event.deviceId}` : `p:${principal}`;
}

/** The SQLite outbox. Synchronous (better-sqlite3); one instance per file and process. */
export class Outbox {
  readonly #db: Database.Database;
  readonly #maxDepth: number;
  readonly #retryAfter: () => number;
  readonly #now: () => number;
  #pending: number;
  readonly #stmt: {
    byId: Database.Statement<[string], Row>;
    /** raw rows: [event_id, block_number] of committed ids among a JSON array */
    blockNumbers: Database.Statement<[string], [string, number]>;
    insert: Database.Statement<unknown[]>;
    /** raw rows: [seq, event_id, identity, device_key, status] */
    pendingMeta: Database.Statement<[string], [number, string, string, string, 'queued' | 'submitted']>;
    payload: Database.Statement<[number], { payload: string }>;
    oldest: Database.Statement<[], { queued_at_ms: number }>;
    count: Database.Statement<[], { n: number }>;
    setStatus: Database.Statement<[string, string, number]>;
    commit: Database.Statement<[string, number | null, string, number]>;
    reject: Database.Statement<[string, string, string, number]>;
  };

  private constructor(db: Database.Database, options: OutboxOptions) {
    this.#db = db;
    this.#maxDepth = options.maxDepth ?? 100_000;
    this.#retryAfter = options.retryAfterSeconds ?? (() => 5);
    this.#now = options.now ?? Date.now;
    this.#stmt = {
      byId: db.prepare('SELECT * FROM events WHERE event_id = ?'),
      blockNumbers: db
        .prepare<[string], [string, number]>(
          `SELECT event_id, block_number FROM events
           WHERE event_id IN (SELECT value FROM json_each(?)) AND block_number IS NOT NULL`,
        )
        .raw(true),
      insert: db.prepare(
        `INSERT INTO events (event_id, lot_id, principal, identity, device_key, content_hash, payload, status, queued_at, queued_at_ms, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      ),
      pendingMeta: db
        .prepare<[string], [number, string, string, string, 'queued' | 'submitted']>(
          `SELECT seq, event_id, identity, device_key, status FROM events INDEXED BY events_pending
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
    };
    this.#pending = this.#stmt.count.get()?.n ?? 0;
  }

  /**
   * Opens (creating if needed) the outbox file and its directory.
   * @throws {@link QueueStorageError} when the file cannot be opened or set up.
   */
  static open(dbPath: string, options: OutboxOptions = {}): Outbox {
    let db: Database.Database | undefined;
    try {
      if (dbPath !== ':memory:') fs.mkdirSync(path.dirname(dbPath), { recursive: true });
      db = new Database(dbPath);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      if ((db.pragma('user_version', { simple: true }) as number) < OUTBOX_SCHEMA_VERSION) migrate(db);
      return new Outbox(db, options);
    } catch (err) {
      db?.close();
      throw new QueueStorageError(`cannot open the event outbox at ${dbPath}`, { cause: err });
    }
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
    const nowMs = this.#now();
    const nowIso = new Date(nowMs).toISOString();
    const prepared = events.map((event) => {
      const payload = canonicalJson(event);
      return { event, payload, hash: sha256Hex(payload) };
    });
    let inserted = 0;
    const run = this.#db.transaction(() => {
      const answer: Array<{ eventId: string; status: EventStatus }> = [];
      for (const { event, payload, hash } of prepared) {
        const existing = this.#stmt.byId.get(event.eventId);
        if (existing) {
          if (existing.content_hash !== hash || existing.identity !== poster.identity) {
            throw new EventConflictError(event.eventId);
          }
          answer.push({ eventId: event.eventId, status: existing.status });
          continue;
        }
        if (this.#pending + inserted + 1 > this.#maxDepth) {
          const retryAfter = Math.max(1, Math.ceil(this.#retryAfter()));
          throw new QueueFullError(
            `the event queue is full (${this.#maxDepth} events waiting); retry in ${retryAfter} s`,
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
          nowIso,
          nowMs,
          nowIso,
        );
        inserted += 1;
        answer.push({ eventId: event.eventId, status: 'queued' });
      }
      return answer;
    });
    try {
      const answer = run.immediate();
      this.#pending += inserted;
      return answer;
    } catch (err) {
      if (err instanceof EventConflictError || err instanceof QueueFullError) throw err;
      throw new QueueStorageError('the event outbox could not store the events; nothing was stored', { cause: err });
    }
  }

  /** One event by id. @throws {@link QueueStorageError} */
  get(eventId: string): QueuedEvent | undefined {
    const row = this.#guard(() => this.#stmt.byId.get(eventId));
    return row ? toQueuedEvent(row) : undefined;
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
   * at most `scanCap` of them, letting `choose` take, pass over or stop at each from its metadata;
   * loads the payloads of the taken rows only (at most `limit`).
   * @throws {@link QueueStorageError}
   */
  selectPending(
    busyDevices: ReadonlySet<string>,
    scanCap: number,
    choose: (row: PendingMeta) => 'take' | 'skip' | 'stop',
    limit: number,
  ): PendingRow[] {
    return this.#guard(() => {
      const taken: PendingMeta[] = [];
      let scanned = 0;
      for (const [seq, eventId, identity, deviceKey, status] of this.#stmt.pendingMeta.iterate(JSON.stringify([...busyDevices]))) {
        if (++scanned > scanCap) break;
        const meta: PendingMeta = { seq, eventId, identity, deviceKey, status };
        const choice = choose(meta);
        if (choice === 'stop') break;
        if (choice === 'take') taken.push(meta);
        if (taken.length >= limit) break;
      }
      return taken.map((m) => ({ ...m, event: JSON.parse(this.#stmt.payload.get(m.seq)?.payload ?? 'null') as EventInput }));
    });
  }

  /** Marks rows as handed to the ledger (one transaction). */
  markSubmitted(seqs: readonly number[]): void {
    const now = new Date(this.#now()).toISOString();
    this.#guard(() => this.#db.transaction(() => seqs.forEach((s) => this.#stmt.setStatus.run('submitted', now, s)))());
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

function toQueuedEvent(row: Row): QueuedEvent {
  const out: QueuedEvent = {
    eventId: row.event_id,
    lotId: row.lot_id,
    principal: row.principal,
    identity: row.identity,
    status: row.status,
    event: JSON.parse(row.payload) as EventInput,
    queuedAt: row.queued_at,
    updatedAt: row.updated_at,
  };
  if (row.tx_id !== null) out.txId = row.tx_id;
  if (row.block_number !== null) out.blockNumber = row.block_number;
  if (row.rejection_message !== null) {
    out.rejection = { ...(row.rejection_code !== null && { code: row.rejection_code }), message: row.rejection_message };
  }
  return out;
}
