import Database from 'better-sqlite3';
import type { ledger as ledgerProtos } from '@hyperledger/fabric-protos';

import { implicitCollectionOrg, PrivateDataCipher, sha256 } from './private-data';
import {
  fromTxReadWriteSet,
  type CollectionHashedRwSet,
  type KeyRead,
  type NamespacePvtWrites,
  type NamespaceRwSet,
  sameVersion,
  type RangeQuery,
  type Version,
} from './rwset';
import { TxValidationCodes, type TxValidationCode } from './validation-code';

/** A committed value of a key. */
export interface StateEntry {
  readonly value: Buffer;
  readonly version: Version;
}

/** A committed key with its value, as returned by range scans. */
export interface StateRecord extends StateEntry {
  readonly key: string;
}

/** One committed modification of a key (Fabric's `KeyModification`). */
export interface HistoryEntry {
  readonly txId: string;
  readonly blockNum: number;
  readonly txNum: number;
  /** Empty for a delete. */
  readonly value: Buffer;
  readonly isDelete: boolean;
  /** The transaction's header timestamp. */
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
}

/** Where and how a transaction was committed. */
export interface TxStatus {
  readonly blockNumber: number;
  readonly txNum: number;
  readonly code: TxValidationCode;
}

/** Options for {@link Ledger.scanRange}. */
export interface ScanOptions {
  /** Start after this key instead of at `startKey` (continuation of an earlier batch). */
  readonly after?: string;
  /** Maximum records returned. */
  readonly limit: number;
}

/** One transaction of a block, as the committer sees it. */
export interface BlockTransaction {
  readonly txId: string;
  readonly timestampSeconds: number;
  readonly timestampNanos: number;
  readonly creatorMspId: string;
  /** The transaction's read-write set: the `TxReadWriteSet` message, its bytes, or decoded namespaces. */
  readonly rwset: ledgerProtos.rwset.TxReadWriteSet | Uint8Array | readonly NamespaceRwSet[];
  /** A code decided before MVCC validation (bad signature, endorsement policy, ...); kept when not VALID. */
  readonly preValidationCode?: TxValidationCode;
  /**
   * The transaction's private writes in clear, as disseminated to this channel's peers at
   * endorsement (possibly one copy per endorser); stored only by the member organisations' peers,
   * and only a collection whose bytes match the committed `pvtRwSetHash`. Absent: missing.
   */
  readonly privateData?: readonly NamespacePvtWrites[];
}

/** A private value as one organisation's peer holds it. */
export interface PrivateEntry {
  readonly value: Buffer;
  readonly version: Version;
}

/** The committed hash of a private value (every peer holds it). */
export interface PrivateHashEntry {
  readonly valueHash: Buffer;
  readonly version: Version;
}

/** Options of {@link Ledger.open}. */
export interface LedgerOptions {
  /** Encrypts private values at rest; default a random in-memory key. */
  readonly cipher?: PrivateDataCipher;
}

/** A block to validate and commit. */
export interface BlockToCommit {
  /** Must equal the ledger height. */
  readonly number: number;
  readonly transactions: readonly BlockTransaction[];
  /**
   * The raw block bytes to store, or a function that receives the validation codes and returns the
   * bytes (so the caller can fill the TRANSACTIONS_FILTER metadata inside the same commit).
   */
  readonly bytes?: Uint8Array | ((codes: readonly TxValidationCode[]) => Uint8Array);
  /** The block header hash, stored for the next block's `previous_hash`. */
  readonly headerHash?: Uint8Array;
}

interface StateRow {
  key: Buffer;
  value: Buffer;
  blockNum: number;
  txNum: number;
}

interface HistoryRow {
  txId: string;
  blockNum: number;
  txNum: number;
  value: Buffer;
  isDelete: number;
  tsSeconds: number;
  tsNanos: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS state (
  ns TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, metadata BLOB,
  blockNum INTEGER NOT NULL, txNum INTEGER NOT NULL,
  PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history (
  ns TEXT NOT NULL, key BLOB NOT NULL, blockNum INTEGER NOT NULL, txNum INTEGER NOT NULL,
  txId TEXT NOT NULL, value BLOB NOT NULL, isDelete INTEGER NOT NULL,
  tsSeconds INTEGER NOT NULL, tsNanos INTEGER NOT NULL,
  PRIMARY KEY (ns, key, blockNum, txNum)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS txindex (
  txId TEXT PRIMARY KEY, blockNum INTEGER NOT NULL, txNum INTEGER NOT NULL, code INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (
  number INTEGER PRIMARY KEY, bytes BLOB NOT NULL, headerHash BLOB, codes BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS blocks_by_hash ON blocks (headerHash);
CREATE TABLE IF NOT EXISTS hashed_state (
  ns TEXT NOT NULL, coll TEXT NOT NULL, keyHash BLOB NOT NULL, valueHash BLOB NOT NULL,
  blockNum INTEGER NOT NULL, txNum INTEGER NOT NULL,
  PRIMARY KEY (ns, coll, keyHash)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pvt_state (
  peer TEXT NOT NULL, ns TEXT NOT NULL, coll TEXT NOT NULL, key BLOB NOT NULL, keyHash BLOB NOT NULL,
  value BLOB NOT NULL, blockNum INTEGER NOT NULL, txNum INTEGER NOT NULL,
  PRIMARY KEY (peer, ns, coll, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pvt_state_by_hash ON pvt_state (ns, coll, keyHash);
CREATE TABLE IF NOT EXISTS pvt_history (
  peer TEXT NOT NULL, ns TEXT NOT NULL, coll TEXT NOT NULL, keyHash BLOB NOT NULL,
  blockNum INTEGER NOT NULL, txNum INTEGER NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, isDelete INTEGER NOT NULL,
  PRIMARY KEY (peer, ns, coll, keyHash, blockNum, txNum)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pvt_history_by_hash ON pvt_history (ns, coll, keyHash);
`;

const { VALID, DUPLICATE_TXID, MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT } = TxValidationCodes;

/** The in-block update scope of a collection's hashed keys (public namespaces never start with NUL). */
function hashedScope(ns: string, collection: string): string {
  return `\0${ns}\0${collection}`;
}

/** What a private ciphertext is bound to: the peer, namespace, collection and key. */
function privateAad(peer: string, ns: string, collection: string, key: string): string {
  return `${peer}\0${ns}\0${collection}\0${key}`;
}

interface PvtRangeParams {
  peer: string;
  ns: string;
  coll: string;
  /** Exclusive continuation key; replaces `start` when set. */
  after: Buffer | null;
  start: Buffer;
  /** Exclusive; NULL is unbounded. */
  end: Buffer | null;
  limit: number;
}

interface PvtRow {
  key: Buffer;
  value: Buffer;
  blockNum: number;
  txNum: number;
}

/** Prepared statements of the hashed state and the per-organisation private store. */
class PrivateStatements {
  readonly getHash;
  readonly putHash;
  readonly deleteHash;
  readonly getValue;
  readonly putValue;
  readonly deleteValue;
  readonly purgeValues;
  readonly purgeHistory;
  readonly putHistory;
  readonly history;
  /** `after` (exclusive) replaces `start` (inclusive) when set; a NULL `end` is unbounded. */
  readonly range;

  constructor(db: Database.Database) {
    this.getHash = db.prepare<[string, string, Buffer], { valueHash: Buffer; blockNum: number; txNum: number }>(
      'SELECT valueHash, blockNum, txNum FROM hashed_state WHERE ns = ? AND coll = ? AND keyHash = ?',
    );
    this.putHash = db.prepare<[string, string, Buffer, Buffer, number, number]>(
      'INSERT OR REPLACE INTO hashed_state (ns, coll, keyHash, valueHash, blockNum, txNum) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.deleteHash = db.prepare<[string, string, Buffer]>('DELETE FROM hashed_state WHERE ns = ? AND coll = ? AND keyHash = ?');
    this.getValue = db.prepare<[string, string, string, Buffer], PvtRow>(
      'SELECT key, value, blockNum, txNum FROM pvt_state WHERE peer = ? AND ns = ? AND coll = ? AND key = ?',
    );
    this.putValue = db.prepare<[string, string, string, Buffer, Buffer, Buffer, number, number]>(
      'INSERT OR REPLACE INTO pvt_state (peer, ns, coll, key, keyHash, value, blockNum, txNum) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.deleteValue = db.prepare<[string, string, string, Buffer]>('DELETE FROM pvt_state WHERE peer = ? AND ns = ? AND coll = ? AND key = ?');
    this.purgeValues = db.prepare<[string, string, Buffer]>('DELETE FROM pvt_state WHERE ns = ? AND coll = ? AND keyHash = ?');
    this.purgeHistory = db.prepare<[string, string, Buffer]>('DELETE FROM pvt_history WHERE ns = ? AND coll = ? AND keyHash = ?');
    this.putHistory = db.prepare<[string, string, string, Buffer, number, number, Buffer, Buffer, number]>(
      'INSERT OR REPLACE INTO pvt_history (peer, ns, coll, keyHash, blockNum, txNum, key, value, isDelete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.history = db.prepare<[string, string, string, Buffer], { blockNum: number; txNum: number; value: Buffer; isDelete: number }>(
      'SELECT blockNum, txNum, value, isDelete FROM pvt_history WHERE peer = ? AND ns = ? AND coll = ? AND keyHash = ? ORDER BY blockNum DESC, txNum DESC',
    );
    this.range = db.prepare<[PvtRangeParams], PvtRow>(
      'SELECT key, value, blockNum, txNum FROM pvt_state WHERE peer = @peer AND ns = @ns AND coll = @coll ' +
        'AND ((@after IS NOT NULL AND key > @after) OR (@after IS NULL AND key >= @start)) AND (@end IS NULL OR key < @end) ' +
        'ORDER BY key LIMIT @limit',
    );
  }
}

/** Encodes a key so SQLite's BLOB comparison (memcmp) orders keys as UTF-8 bytes, like LevelDB. */
function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

function encodeMetadata(entries: ReadonlyMap<string, Uint8Array>): Buffer | null {
  if (entries.size === 0) return null;
  const obj: Record<string, string> = {};
  for (const [name, value] of entries) obj[name] = Buffer.from(value).toString('base64');
  return Buffer.from(JSON.stringify(obj));
}

function decodeMetadata(blob: Buffer | null): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  if (!blob) return map;
  const obj = JSON.parse(blob.toString('utf8')) as Record<string, string>;
  for (const [name, value] of Object.entries(obj)) map.set(name, Buffer.from(value, 'base64'));
  return map;
}

function decodeRwSet(rwset: BlockTransaction['rwset']): readonly NamespaceRwSet[] {
  if (Array.isArray(rwset)) return rwset as readonly NamespaceRwSet[];
  return fromTxReadWriteSet(rwset as ledgerProtos.rwset.TxReadWriteSet | Uint8Array);
}

/**
 * A channel ledger: world state, history, transaction index and raw block store in one SQLite
 * database (`':memory:'` for tests, a file for the embedded network).
 *
 * Keys are compared as UTF-8 bytes, as Fabric's LevelDB state database does. Versions are
 * `{blockNum, txNum}` of the committing transaction.
 *
 * @example
 * ```ts
 * const ledger = Ledger.open(':memory:');
 * const codes = ledger.validateAndCommit({ number: 0, transactions: [] });
 * ```
 */
export class Ledger {
  readonly #db: Database.Database;
  readonly #stmts;
  readonly #pvt: PrivateStatements;
  readonly #cipher: PrivateDataCipher;
  #height: number;

  private constructor(db: Database.Database, cipher: PrivateDataCipher) {
    this.#db = db;
    this.#cipher = cipher;
    db.exec(SCHEMA);
    this.#pvt = new PrivateStatements(db);
    this.#stmts = {
      getState: db.prepare<[string, Buffer], { value: Buffer; blockNum: number; txNum: number; metadata: Buffer | null }>(
        'SELECT value, blockNum, txNum, metadata FROM state WHERE ns = ? AND key = ?',
      ),
      rangeFrom: db.prepare<[string, Buffer, number], StateRow>(
        'SELECT key, value, blockNum, txNum FROM state WHERE ns = ? AND key >= ? ORDER BY key LIMIT ?',
      ),
      rangeFromTo: db.prepare<[string, Buffer, Buffer, number], StateRow>(
        'SELECT key, value, blockNum, txNum FROM state WHERE ns = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?',
      ),
      rangeAfter: db.prepare<[string, Buffer, number], StateRow>(
        'SELECT key, value, blockNum, txNum FROM state WHERE ns = ? AND key > ? ORDER BY key LIMIT ?',
      ),
      rangeAfterTo: db.prepare<[string, Buffer, Buffer, number], StateRow>(
        'SELECT key, value, blockNum, txNum FROM state WHERE ns = ? AND key > ? AND key < ? ORDER BY key LIMIT ?',
      ),
      putState: db.prepare<[string, Buffer, Buffer, Buffer | null, number, number]>(
        'INSERT OR REPLACE INTO state (ns, key, value, metadata, blockNum, txNum) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      /** Writes a value, keeping the key's state metadata (NULL for a new key). */
      writeValue: db.prepare<[string, Buffer, Buffer, number, number]>(
        'INSERT INTO state (ns, key, value, metadata, blockNum, txNum) VALUES (?, ?, ?, NULL, ?, ?) ' +
          'ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, blockNum = excluded.blockNum, txNum = excluded.txNum',
      ),
      deleteState: db.prepare<[string, Buffer]>('DELETE FROM state WHERE ns = ? AND key = ?'),
      putHistory: db.prepare<[string, Buffer, number, number, string, Buffer, number, number, number]>(
        'INSERT OR REPLACE INTO history (ns, key, blockNum, txNum, txId, value, isDelete, tsSeconds, tsNanos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      getHistory: db.prepare<[string, Buffer], HistoryRow>(
        'SELECT txId, blockNum, txNum, value, isDelete, tsSeconds, tsNanos FROM history WHERE ns = ? AND key = ? ORDER BY blockNum DESC, txNum DESC',
      ),
      getTx: db.prepare<[string], { blockNum: number; txNum: number; code: number }>(
        'SELECT blockNum, txNum, code FROM txindex WHERE txId = ?',
      ),
      putTx: db.prepare<[string, number, number, number]>(
        'INSERT OR IGNORE INTO txindex (txId, blockNum, txNum, code) VALUES (?, ?, ?, ?)',
      ),
      putBlock: db.prepare<[number, Buffer, Buffer | null, Buffer]>(
        'INSERT INTO blocks (number, bytes, headerHash, codes) VALUES (?, ?, ?, ?)',
      ),
      getBlock: db.prepare<[number], { bytes: Buffer; headerHash: Buffer | null; codes: Buffer }>(
        'SELECT bytes, headerHash, codes FROM blocks WHERE number = ?',
      ),
      blockByHash: db.prepare<[Buffer], { number: number }>('SELECT number FROM blocks WHERE headerHash = ? ORDER BY number LIMIT 1'),
      maxBlock: db.prepare<[], { n: number | null }>('SELECT MAX(number) AS n FROM blocks'),
    };
    const max = this.#stmts.maxBlock.get()?.n;
    this.#height = max === null || max === undefined ? 0 : max + 1;
  }

  /**
   * Opens (creating if needed) a ledger.
   * @param path - a database file path, or `':memory:'`
   * @returns the ledger; on disk it runs in WAL mode with `synchronous=FULL`
   */
  static open(path: string, options: LedgerOptions = {}): Ledger {
    const db = new Database(path);
    if (path !== ':memory:' && path !== '') {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // SQLite's default page cache is 2 MiB, while a ledger of a million events takes gigabytes on disk:
      // a lot's key range and each block commit walk B-tree pages that should stay hot (64 MiB).
      db.pragma('cache_size = -65536');
    }
    return new Ledger(db, options.cipher ?? PrivateDataCipher.ephemeral());
  }

  /** Number of committed blocks (the next block's number). */
  get height(): number {
    return this.#height;
  }

  /**
   * The committed value and version of a key.
   * @returns `undefined` when the key does not exist
   */
  getState(ns: string, key: string): StateEntry | undefined {
    const row = this.#stmts.getState.get(ns, keyBytes(key));
    return row ? { value: row.value, version: { blockNum: row.blockNum, txNum: row.txNum } } : undefined;
  }

  /**
   * The committed state metadata of a key (e.g. `VALIDATION_PARAMETER`), empty when none.
   */
  getStateMetadata(ns: string, key: string): Map<string, Buffer> {
    return decodeMetadata(this.#stmts.getState.get(ns, keyBytes(key))?.metadata ?? null);
  }

  /** The committed version of a key, `null` when it does not exist. */
  getVersion(ns: string, key: string): Version | null {
    return this.getState(ns, key)?.version ?? null;
  }

  /**
   * One batch of an ordered range scan over committed state, `startKey` inclusive, `endKey`
   * exclusive (`""`: unbounded), in UTF-8 byte order.
   * @param options - `limit`, and `after` to continue after the last key of an earlier batch
   */
  scanRange(ns: string, startKey: string, endKey: string, options: ScanOptions): StateRecord[] {
    const s = this.#stmts;
    const limit = options.limit;
    let rows: StateRow[];
    if (options.after !== undefined) {
      const after = keyBytes(options.after);
      rows = endKey === '' ? s.rangeAfter.all(ns, after, limit) : s.rangeAfterTo.all(ns, after, keyBytes(endKey), limit);
    } else {
      const start = keyBytes(startKey);
      rows = endKey === '' ? s.rangeFrom.all(ns, start, limit) : s.rangeFromTo.all(ns, start, keyBytes(endKey), limit);
    }
    return rows.map((r) => ({
      key: r.key.toString('utf8'),
      value: r.value,
      version: { blockNum: r.blockNum, txNum: r.txNum },
    }));
  }

  /**
   * Iterates a committed range in key order, fetching `batchSize` rows at a time (no SQLite
   * statement stays open between yields, so commits may interleave).
   */
  *range(ns: string, startKey: string, endKey: string, batchSize = 100): Generator<StateRecord> {
    let after: string | undefined;
    for (;;) {
      const batch = this.scanRange(ns, startKey, endKey, after === undefined ? { limit: batchSize } : { after, limit: batchSize });
      yield* batch;
      const last = batch[batch.length - 1];
      if (batch.length < batchSize || !last) return;
      after = last.key;
    }
  }

  /**
   * Every committed modification of a key, newest first (Fabric v2 order).
   */
  getHistory(ns: string, key: string): HistoryEntry[] {
    return this.#stmts.getHistory.all(ns, keyBytes(key)).map((r) => ({
      txId: r.txId,
      blockNum: r.blockNum,
      txNum: r.txNum,
      value: r.value,
      isDelete: r.isDelete !== 0,
      timestamp: { seconds: r.tsSeconds, nanos: r.tsNanos },
    }));
  }

  /**
   * Where a transaction id was committed and its validation code (its first occurrence when
   * the id was duplicated).
   * @returns `undefined` when no committed block holds the id
   */
  getTxStatus(txId: string): TxStatus | undefined {
    const row = this.#stmts.getTx.get(txId);
    return row ? { blockNumber: row.blockNum, txNum: row.txNum, code: row.code } : undefined;
  }

  /** The raw bytes stored for block `n` (empty when the committer supplied none). */
  getBlockBytes(n: number): Buffer | undefined {
    return this.#stmts.getBlock.get(n)?.bytes;
  }

  /** The header hash stored for block `n`. */
  getBlockHash(n: number): Buffer | undefined {
    return this.#stmts.getBlock.get(n)?.headerHash ?? undefined;
  }

  /** The number of the block whose header hash is `hash` (fab blockindex `getBlockLocByHash`). */
  getBlockNumberByHash(hash: Uint8Array): number | undefined {
    return this.#stmts.blockByHash.get(Buffer.from(hash))?.number;
  }

  /** The validation codes of block `n`'s transactions, in block order. */
  getBlockValidationCodes(n: number): TxValidationCode[] | undefined {
    const codes = this.#stmts.getBlock.get(n)?.codes;
    return codes ? [...codes] : undefined;
  }

  /**
   * Validates a block's transactions in order and commits it atomically (one SQLite transaction):
   * preset invalid codes are kept; a transaction id already in the ledger or earlier in the block
   * is DUPLICATE_TXID; a read whose version differs from committed state, or of a key written by
   * an earlier valid transaction of the block, is MVCC_READ_CONFLICT; a range query whose re-run
   * differs is PHANTOM_READ_CONFLICT; otherwise VALID, and its writes and history are applied at
   * version `{block number, tx position}`.
   * @param block - the block; `number` must equal {@link Ledger.height}
   * @returns one `peer.TxValidationCode` per transaction, in block order
   * @throws Error when the block number is not the ledger height (nothing is written)
   */
  validateAndCommit(block: BlockToCommit): TxValidationCode[] {
    if (block.number !== this.#height) {
      throw new Error(`cannot commit block ${String(block.number)}: ledger height is ${String(this.#height)}`);
    }
    const commit = this.#db.transaction((): TxValidationCode[] => {
      const codes = this.#validateAndApply(block);
      const bytes = typeof block.bytes === 'function' ? block.bytes(codes) : (block.bytes ?? new Uint8Array());
      this.#stmts.putBlock.run(
        block.number,
        Buffer.from(bytes),
        block.headerHash ? Buffer.from(block.headerHash) : null,
        Buffer.from(codes),
      );
      return codes;
    });
    const codes = commit.immediate();
    this.#height = block.number + 1;
    return codes;
  }

  /**
   * The committed hash of a private key (fab `GetPrivateDataHash`), held by every peer.
   * @returns `undefined` when the key does not exist (or was deleted or purged)
   */
  getPrivateDataHash(ns: string, collection: string, key: string): PrivateHashEntry | undefined {
    const row = this.#pvt.getHash.get(ns, collection, sha256(key));
    return row ? { valueHash: row.valueHash, version: { blockNum: row.blockNum, txNum: row.txNum } } : undefined;
  }

  /**
   * A private value as `peerMspId`'s peer holds it (decrypted); only the collection's member
   * organisations' peers hold any.
   */
  getPrivateData(peerMspId: string, ns: string, collection: string, key: string): PrivateEntry | undefined {
    const row = this.#pvt.getValue.get(peerMspId, ns, collection, keyBytes(key));
    if (!row) return undefined;
    return {
      value: this.#cipher.open(row.value, privateAad(peerMspId, ns, collection, key)),
      version: { blockNum: row.blockNum, txNum: row.txNum },
    };
  }

  /** One batch of a private range scan over `peerMspId`'s store, as {@link Ledger.scanRange}. */
  scanPrivateRange(peerMspId: string, ns: string, collection: string, startKey: string, endKey: string, options: ScanOptions): StateRecord[] {
    const after = options.after === undefined ? null : keyBytes(options.after);
    const end = endKey === '' ? null : keyBytes(endKey);
    const params = { peer: peerMspId, ns, coll: collection, after, start: keyBytes(startKey), end, limit: options.limit };
    return this.#pvt.range.all(params).map((r) => {
      const key = r.key.toString('utf8');
      return {
        key,
        value: this.#cipher.open(r.value, privateAad(peerMspId, ns, collection, key)),
        version: { blockNum: r.blockNum, txNum: r.txNum },
      };
    });
  }

  /**
   * Every private write of a key that `peerMspId`'s private store still keeps (fab pvtdata store),
   * newest first; a purge removes them all.
   */
  getPrivateHistory(peerMspId: string, ns: string, collection: string, key: string): HistoryEntry[] {
    return this.#pvt.history.all(peerMspId, ns, collection, sha256(key)).map((r) => ({
      txId: '',
      blockNum: r.blockNum,
      txNum: r.txNum,
      value: r.isDelete !== 0 ? Buffer.alloc(0) : this.#cipher.open(r.value, privateAad(peerMspId, ns, collection, key)),
      isDelete: r.isDelete !== 0,
      timestamp: { seconds: 0, nanos: 0 },
    }));
  }

  /** Closes the database. */
  close(): void {
    this.#db.close();
  }

  #validateAndApply(block: BlockToCommit): TxValidationCode[] {
    const seenTxIds = new Set<string>();
    /** ns → keys written by earlier valid transactions of this block. */
    const updated = new Map<string, Set<string>>();
    const codes: TxValidationCode[] = [];
    block.transactions.forEach((tx, txNum) => {
      let code: TxValidationCode;
      let namespaces: readonly NamespaceRwSet[] = [];
      if (tx.preValidationCode !== undefined && tx.preValidationCode !== VALID) {
        code = tx.preValidationCode;
      } else if (seenTxIds.has(tx.txId) || this.#stmts.getTx.get(tx.txId)) {
        code = DUPLICATE_TXID;
      } else {
        try {
          namespaces = decodeRwSet(tx.rwset);
          code = this.#mvccCheck(namespaces, updated);
        } catch {
          code = TxValidationCodes.BAD_RWSET;
        }
      }
      seenTxIds.add(tx.txId);
      if (code !== DUPLICATE_TXID) this.#stmts.putTx.run(tx.txId, block.number, txNum, code);
      if (code === VALID) this.#apply(tx, namespaces, { blockNum: block.number, txNum }, updated);
      codes.push(code);
    });
    return codes;
  }

  #mvccCheck(namespaces: readonly NamespaceRwSet[], updated: ReadonlyMap<string, Set<string>>): TxValidationCode {
    for (const ns of namespaces) {
      if (this.#readConflict(ns, updated)) return MVCC_READ_CONFLICT;
    }
    for (const ns of namespaces) {
      for (const query of ns.rangeQueries) {
        if (this.#isPhantom(ns.namespace, query)) return PHANTOM_READ_CONFLICT;
      }
    }
    return VALID;
  }

  /** A public or hashed read whose version differs from committed state or that an earlier transaction of the block wrote. */
  #readConflict(ns: NamespaceRwSet, updated: ReadonlyMap<string, Set<string>>): boolean {
    const inBlock = updated.get(ns.namespace);
    for (const read of ns.reads) {
      if (inBlock?.has(read.key)) return true;
      if (!sameVersion(read.version, this.getVersion(ns.namespace, read.key))) return true;
    }
    return (ns.collections ?? []).some((coll) => this.#hashedReadConflict(ns.namespace, coll, updated));
  }

  /** fab validator `validateCollHashedReadSet`: a hashed read is checked like a public read. */
  #hashedReadConflict(ns: string, coll: CollectionHashedRwSet, updated: ReadonlyMap<string, Set<string>>): boolean {
    const inBlock = updated.get(hashedScope(ns, coll.collection));
    for (const read of coll.hashedReads) {
      const keyHash = Buffer.from(read.keyHash);
      if (inBlock?.has(keyHash.toString('hex'))) return true;
      const row = this.#pvt.getHash.get(ns, coll.collection, keyHash);
      if (!sameVersion(read.version, row ? { blockNum: row.blockNum, txNum: row.txNum } : null)) return true;
    }
    return false;
  }

  /**
   * Applies the hashed writes of a valid transaction (every peer) and its private writes (the
   * member organisation's peer only, when the disseminated data matches the committed hash). A
   * purge deletes the key's hash, its private value and the private store's history of it.
   */
  #applyPrivate(tx: BlockTransaction, ns: NamespaceRwSet, version: Version, updated: Map<string, Set<string>>): void {
    const p = this.#pvt;
    for (const coll of ns.collections ?? []) {
      const scope = hashedScope(ns.namespace, coll.collection);
      let inBlock = updated.get(scope);
      if (!inBlock) {
        inBlock = new Set();
        updated.set(scope, inBlock);
      }
      const purged = new Set<string>();
      for (const w of coll.hashedWrites) {
        const keyHash = Buffer.from(w.keyHash);
        inBlock.add(keyHash.toString('hex'));
        if (w.isDelete || w.isPurge || w.valueHash.length === 0) {
          p.deleteHash.run(ns.namespace, coll.collection, keyHash);
        } else {
          p.putHash.run(ns.namespace, coll.collection, keyHash, Buffer.from(w.valueHash), version.blockNum, version.txNum);
        }
        if (w.isPurge) {
          p.purgeValues.run(ns.namespace, coll.collection, keyHash);
          p.purgeHistory.run(ns.namespace, coll.collection, keyHash);
          purged.add(keyHash.toString('hex'));
        }
      }
      this.#storePrivateWrites(tx, ns.namespace, coll, purged, version);
    }
  }

  #storePrivateWrites(tx: BlockTransaction, namespace: string, coll: CollectionHashedRwSet, purged: ReadonlySet<string>, version: Version): void {
    const member = implicitCollectionOrg(coll.collection);
    const endorsedHash = Buffer.from(coll.pvtRwSetHash);
    // missing or not matching the endorsed hash: the peer commits without it (fab "missing pvtdata")
    const pvt = (tx.privateData ?? [])
      .flatMap((n) => (n.namespace === namespace ? n.collections : []))
      .find((c) => c.collection === coll.collection && sha256(c.rwsetBytes).equals(endorsedHash));
    if (member === undefined || pvt === undefined) return;
    const p = this.#pvt;
    for (const w of pvt.writes) {
      const keyHash = sha256(w.key);
      if (purged.has(keyHash.toString('hex'))) continue;
      const key = keyBytes(w.key);
      const isDelete = w.isDelete || w.value.length === 0;
      const sealed = isDelete ? Buffer.alloc(0) : this.#cipher.seal(w.value, privateAad(member, namespace, coll.collection, w.key));
      if (isDelete) {
        p.deleteValue.run(member, namespace, coll.collection, key);
      } else {
        p.putValue.run(member, namespace, coll.collection, key, keyHash, sealed, version.blockNum, version.txNum);
      }
      p.putHistory.run(member, namespace, coll.collection, keyHash, version.blockNum, version.txNum, key, sealed, isDelete ? 1 : 0);
    }
  }

  /**
   * Re-runs a range query over committed state, which already holds this block's earlier valid
   * updates (applied in the same SQLite transaction), and compares it with the recorded raw reads.
   */
  #isPhantom(ns: string, query: RangeQuery): boolean {
    const expected: readonly KeyRead[] = query.rawReads;
    const want = expected.length + (query.itrExhausted ? 1 : 0);
    if (want === 0) return false;
    const actual = this.scanRange(ns, query.startKey, query.endKey, { limit: want });
    for (let i = 0; i < expected.length; i++) {
      const exp = expected[i];
      const act = actual[i];
      if (!exp || !act) return true;
      if (exp.key !== act.key || !sameVersion(exp.version, act.version)) return true;
    }
    return query.itrExhausted && actual.length > expected.length;
  }

  #apply(tx: BlockTransaction, namespaces: readonly NamespaceRwSet[], version: Version, updated: Map<string, Set<string>>): void {
    const s = this.#stmts;
    for (const ns of namespaces) {
      this.#applyPrivate(tx, ns, version, updated);
      let inBlock = updated.get(ns.namespace);
      if (!inBlock) {
        inBlock = new Set();
        updated.set(ns.namespace, inBlock);
      }
      const lastWrite = new Map<string, (typeof ns.writes)[number]>();
      for (const w of ns.writes) lastWrite.set(w.key, w);
      for (const w of lastWrite.values()) {
        const key = keyBytes(w.key);
        const value = Buffer.from(w.value);
        if (w.isDelete) {
          s.deleteState.run(ns.namespace, key);
        } else {
          s.writeValue.run(ns.namespace, key, value, version.blockNum, version.txNum);
        }
        s.putHistory.run(
          ns.namespace, key, version.blockNum, version.txNum, tx.txId,
          w.isDelete ? Buffer.alloc(0) : value, w.isDelete ? 1 : 0, tx.timestampSeconds, tx.timestampNanos,
        );
        inBlock.add(w.key);
      }
      for (const m of ns.metadataWrites) {
        const key = keyBytes(m.key);
        const current = s.getState.get(ns.namespace, key);
        if (!current) continue; // metadata of a key that does not exist is dropped
        s.putState.run(ns.namespace, key, current.value, encodeMetadata(m.entries), version.blockNum, version.txNum);
        inBlock.add(m.key);
      }
    }
  }
}
