/**
 * Capture jobs of `POST /epcis/capture`, durable beside the outbox: one SQLite file
 * (`<dataDir>/gateway/epcis-captures.sqlite`, WAL, synchronous=FULL), one row per job holding its
 * JSON. A job is written before the 202 answers, so its status survives a restart; the events it
 * queued are the outbox's, which brings them to the ledger as for POST /v1/events.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { QueueStorageError } from '../ports/event-queue';

/** What became of one event of a captured document. */
export type CaptureEventState =
  /** on the outbox, not yet on the ledger */
  | 'queued'
  /** on the ledger (new, or the same event already there: a re-capture records nothing new) */
  | 'captured'
  /** refused by acetrace's mapping or by the chaincode; `reason` says why */
  | 'refused'
  /** not recorded because another event of a `rollback` capture failed */
  | 'rolled-back';

/** One event of a capture job. */
export interface CaptureEventEntry {
  /** JSON path of the event in the document. */
  path: string;
  /** acetrace's event id (lot id for a registration), when the event got that far. */
  eventId?: string;
  /** The event's EPCIS eventID as acetrace exports it (its hash ID where the capture gave none). */
  eventID?: string;
  /** The CBV 2.0 hash ID of the event's content. */
  hashId?: string;
  /** `event`, `registration` or `correction`. */
  op?: string;
  state: CaptureEventState;
  /** Status of a refusal (the status the same refusal gets elsewhere: 400, 403, 404, 409). */
  status?: number;
  /** Stable code of a refusal (`INVALID_ARGUMENT`, `ACCESS_DENIED`, ...). */
  code?: string;
  /** Why: the JSON path of the unsupported part or the chaincode's sentence. */
  reason?: string;
  txId?: string;
  blockNumber?: number;
}

/** A capture job. */
export interface CaptureJob {
  captureID: string;
  /** Who captured (principal name) and as which Fabric identity. */
  principal: string;
  identity: string;
  captureErrorBehaviour: 'rollback' | 'proceed';
  createdAt: string;
  finishedAt?: string;
  running: boolean;
  success: boolean;
  events: CaptureEventEntry[];
}

/** Port of the capture job store. */
export interface CaptureJobStore {
  /** Stores a new job or replaces one (durable before it returns). */
  put(job: CaptureJob): void;
  get(captureID: string): CaptureJob | undefined;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS captures (
  capture_id  TEXT PRIMARY KEY,
  principal   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  job         TEXT NOT NULL
);`;

/** The SQLite capture job store at `file` (created with its folder when absent). */
export function openCaptureJobStore(file: string): CaptureJobStore {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const upsert = db.prepare(
    'INSERT INTO captures (capture_id, principal, created_at, job) VALUES (?, ?, ?, ?) ON CONFLICT(capture_id) DO UPDATE SET job = excluded.job',
  );
  const select = db.prepare('SELECT job FROM captures WHERE capture_id = ?');
  return {
    put(job) {
      try {
        upsert.run(job.captureID, job.principal, job.createdAt, JSON.stringify(job));
      } catch (err) {
        throw new QueueStorageError('the capture job could not be stored', { cause: err });
      }
    },
    get(captureID) {
      const row = select.get(captureID) as { job: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.job) as CaptureJob);
    },
    close() {
      if (db.open) db.close();
    },
  };
}
