/**
 * Stored screening lists: one row per list name (an upload replaces the list), with its SHA-256,
 * upload time and uploader, in SQLite (`<dataDir>/gateway/screening.sqlite`, or in memory).
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ListFormat, ListedEntity } from './lists';

/** What identifies the list version a screening used. */
export interface ScreeningListVersion {
  name: string;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string;
  format: ListFormat;
  entries: number;
}

export interface StoredList extends ScreeningListVersion {
  entities: ListedEntity[];
}

interface Row {
  name: string;
  sha256: string;
  uploaded_at: string;
  uploaded_by: string;
  format: ListFormat;
  entry_count: number;
  entities: string;
}

export class ScreeningListStore {
  readonly #db: Database.Database;
  /** `file`: the SQLite file, or `:memory:`. */
  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS screening_lists (
      name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, uploaded_at TEXT NOT NULL, uploaded_by TEXT NOT NULL,
      format TEXT NOT NULL, entry_count INTEGER NOT NULL, entities TEXT NOT NULL)`);
  }

  /** Stores (or replaces) a list. */
  put(list: StoredList): void {
    this.#db
      .prepare(`INSERT INTO screening_lists (name, sha256, uploaded_at, uploaded_by, format, entry_count, entities)
        VALUES (@name, @sha256, @uploadedAt, @uploadedBy, @format, @entries, @entities)
        ON CONFLICT(name) DO UPDATE SET sha256 = excluded.sha256, uploaded_at = excluded.uploaded_at, uploaded_by = excluded.uploaded_by,
          format = excluded.format, entry_count = excluded.entry_count, entities = excluded.entities`)
      .run({ ...list, entities: JSON.stringify(list.entities) });
  }

  get(name: string): StoredList | undefined {
    const row = this.#db.prepare('SELECT * FROM screening_lists WHERE name = ?').get(name) as Row | undefined;
    return row ? { ...versionOf(row), entities: JSON.parse(row.entities) as ListedEntity[] } : undefined;
  }

  /** Every list's version, by name. */
  versions(): ScreeningListVersion[] {
    const rows = this.#db.prepare('SELECT name, sha256, uploaded_at, uploaded_by, format, entry_count FROM screening_lists ORDER BY name').all() as Row[];
    return rows.map(versionOf);
  }

  /** Every list with its entities, by name. */
  all(): StoredList[] {
    return this.versions().flatMap((v) => this.get(v.name) ?? []);
  }

  close(): void {
    this.#db.close();
  }
}

function versionOf(row: Row): ScreeningListVersion {
  return { name: row.name, sha256: row.sha256, uploadedAt: row.uploaded_at, uploadedBy: row.uploaded_by, format: row.format, entries: row.entry_count };
}
