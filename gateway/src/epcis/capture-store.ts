/**
 * Capture jobs of `POST /epcis/capture`, durable beside the outbox: one SQLite file
 * (`<dataDir>/gateway/epcis-captures.sqlite`, WAL, synchronous=FULL), one row per job holding its
 * JSON. A job is written before the 202 answers, so its status survives a restart; the events it
 * queued are the outbox's, which brings them to the ledger as for POST /v1/events.
 * Each job is stored sealed (AES-256-GCM, `../at-rest/`), bound to its capture id: its refusal sentences and
 * paths come from documents that may carry private fields. Jobs an older version stored in clear are sealed
 * on open; the folder is 0700 and the files 0600, as the outbox's.
 */
import Database from 'better-sqlite3';
import { ConfigError } from '../config';
import type { Keyring } from '../at-rest/keyring';
import * as sealed from '../at-rest/sealed-table';
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

/** The SQLite store, with what a key rotation needs. */
export interface SealedCaptureJobStore extends CaptureJobStore {
  /** Re-seals under the keyring's current key every job sealed under an older one; answers how many. */
  reseal(): number;
  /** How many jobs are still sealed under `keyId`. */
  sealedUnder(keyId: string): number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS captures (
  capture_id  TEXT PRIMARY KEY,
  principal   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  job         BLOB NOT NULL -- sealed record (at-rest/keyring.ts); JSON text in files of earlier versions
);`;

/** The sealed jobs: each bound to its capture id, and to this store. */
const JOBS: sealed.SealedColumn = { table: 'captures', idColumn: 'capture_id', column: 'job', aad: (id) => `acetrace-epcis-captures/job/${id}` };

/** Opens the file, sealing the jobs an older version stored in clear (freed plaintext overwritten, WAL truncated). */
function openSealedDatabase(file: string, keyring: Keyring): Database.Database {
  sealed.restrictDatabaseFiles(file);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    db.pragma('secure_delete = ON');
    if (db.transaction(() => sealed.sealPlaintextRows(db, keyring, JOBS)).immediate() > 0) db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('secure_delete = OFF');
    sealed.checkKeyringOpens(db, keyring, JOBS, file);
    sealed.restrictDatabaseFiles(file); // the -wal/-shm files exist now
    return db;
  } catch (err) {
    db.close();
    if (err instanceof ConfigError) throw err;
    throw new QueueStorageError(`cannot open the EPCIS capture store at ${file}`, { cause: err });
  }
}

/**
 * The SQLite capture job store at `file` (created with its folder when absent), sealing jobs with `keyring`.
 * @throws {@link ConfigError} when the keyring cannot open its jobs; {@link QueueStorageError} when the file cannot be opened.
 */
export function openCaptureJobStore(file: string, keyring: Keyring): SealedCaptureJobStore {
  const db = openSealedDatabase(file, keyring);
  const upsert = db.prepare(
    'INSERT INTO captures (capture_id, principal, created_at, job) VALUES (?, ?, ?, ?) ON CONFLICT(capture_id) DO UPDATE SET job = excluded.job',
  );
  const select = db.prepare('SELECT job FROM captures WHERE capture_id = ?');
  return {
    put(job) {
      try {
        upsert.run(job.captureID, job.principal, job.createdAt, keyring.seal(JSON.stringify(job), JOBS.aad(job.captureID)));
      } catch (err) {
        throw new QueueStorageError('the capture job could not be stored', { cause: err });
      }
    },
    get(captureID) {
      try {
        const row = select.get(captureID) as { job: Buffer } | undefined;
        return row === undefined ? undefined : (JSON.parse(keyring.openText(row.job, JOBS.aad(captureID))) as CaptureJob);
      } catch (err) {
        throw new QueueStorageError('the capture job could not be read', { cause: err });
      }
    },
    reseal: () => sealed.resealRows(db, keyring, JOBS),
    sealedUnder: (keyId) => sealed.countSealedUnder(db, JOBS, keyId),
    close() {
      if (db.open) db.close();
    },
  };
}
