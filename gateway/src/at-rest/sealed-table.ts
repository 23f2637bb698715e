/**
 * One column of a SQLite table holding sealed records ({@link Keyring}): the operations the outbox and
 * the EPCIS capture store share – sealing rows an older version wrote in clear, re-sealing under the
 * current key (rotation), counting what a key still opens (retirement), and checking at open that the
 * keyring opens the file's records.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import { ConfigError } from '../config';
import { KEY_FILE_SETTING, type Keyring, SEALED_KEY_ID_SQL, SealedRecordError, sealedKeyId } from './keyring';

/** Where sealed records live: `table.column`, each bound to its row by `aad(id)` of `table.idColumn`. */
export interface SealedColumn {
  table: string;
  idColumn: string;
  column: string;
  /** The associated data of the row with this id (names the store, so records cannot move between stores). */
  aad: (id: string) => string;
}

const SLICE = 1000;
const keyIdSql = (c: SealedColumn): string => `substr(${c.column}, ${String(SEALED_KEY_ID_SQL.start)}, ${String(SEALED_KEY_ID_SQL.length)})`;

/**
 * Seals, in place, every row an older version stored in clear (a TEXT value). Run inside the caller's
 * migration transaction; `secure_delete` is on so the freed plaintext is overwritten in the file.
 * @returns how many rows were sealed.
 */
export function sealPlaintextRows(db: Database.Database, keyring: Keyring, c: SealedColumn): number {
  const rows = db.prepare<[], { id: string; value: string }>(`SELECT ${c.idColumn} AS id, ${c.column} AS value FROM ${c.table} WHERE typeof(${c.column}) = 'text'`).all();
  const update = db.prepare(`UPDATE ${c.table} SET ${c.column} = ? WHERE ${c.idColumn} = ?`);
  for (const { id, value } of rows) update.run(keyring.seal(value, c.aad(id)), id);
  return rows.length;
}

/**
 * Re-seals under the current key every record sealed under another one, a slice per transaction
 * (a running gateway keeps writing between slices).
 * @returns how many records were re-sealed.
 */
export function resealRows(db: Database.Database, keyring: Keyring, c: SealedColumn): number {
  const current = Buffer.from(keyring.currentKeyId, 'hex');
  // walks the rowid so each slice starts where the last ended (no rescans of what is done)
  const select = db.prepare<[number, Buffer, number], { rowid: number; id: string; value: Buffer }>(
    `SELECT rowid, ${c.idColumn} AS id, ${c.column} AS value FROM ${c.table}
     WHERE rowid > ? AND typeof(${c.column}) = 'blob' AND ${keyIdSql(c)} != ? ORDER BY rowid LIMIT ?`,
  );
  // the compare-and-set keeps a record the gateway rewrote meanwhile
  const update = db.prepare(`UPDATE ${c.table} SET ${c.column} = ? WHERE ${c.idColumn} = ? AND ${c.column} = ?`);
  let total = 0;
  let after = 0;
  for (;;) {
    const n = db.transaction(() => {
      const rows = select.all(after, current, SLICE);
      for (const { rowid, id, value } of rows) {
        update.run(keyring.seal(keyring.open(value, c.aad(id)), c.aad(id)), id, value);
        after = rowid;
      }
      return rows.length;
    }).immediate();
    total += n;
    if (n < SLICE) return total;
  }
}

/** How many records are sealed under `keyId` (a key can be retired at 0). */
export function countSealedUnder(db: Database.Database, c: SealedColumn, keyId: string): number {
  const row = db
    .prepare<[Buffer], { n: number }>(`SELECT count(*) AS n FROM ${c.table} WHERE typeof(${c.column}) = 'blob' AND ${keyIdSql(c)} = ?`)
    .get(Buffer.from(keyId, 'hex'));
  return row?.n ?? 0;
}

/**
 * Opens the newest record of the column as a start-up check, so a lost or replaced key file stops the
 * start with a clear message instead of failing on every later read.
 * @throws {@link ConfigError} naming ACETRACE_DATA_KEY_FILE when the keyring cannot open it.
 */
export function checkKeyringOpens(db: Database.Database, keyring: Keyring, c: SealedColumn, file: string): void {
  const row = db
    .prepare<[], { id: string; value: Buffer }>(`SELECT ${c.idColumn} AS id, ${c.column} AS value FROM ${c.table} WHERE typeof(${c.column}) = 'blob' ORDER BY rowid DESC LIMIT 1`)
    .get();
  if (row === undefined) return;
  try {
    keyring.open(row.value, c.aad(row.id));
  } catch (err) {
    if (!(err instanceof SealedRecordError)) throw err;
    throw new ConfigError([
      {
        key: KEY_FILE_SETTING,
        message: `${keyring.file ?? 'the keyring'} cannot open ${path.basename(file)} (sealed under data key ${sealedKeyId(row.value) ?? '?'}): ${err.message}`,
      },
    ]);
  }
}

/** Folder 0700, database files 0600: created so, and corrected when an earlier version left them wider. */
export function restrictDatabaseFiles(dbPath: string): void {
  const dir = path.dirname(dbPath);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  // SQLite creates the -wal and -shm files with the database file's mode: make that one 0600 first
  fs.closeSync(fs.openSync(dbPath, 'a', 0o600));
  for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`]) {
    try {
      fs.chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
