/**
 * The reader table of POST /v1/readings (`readers.json`, configured by ACETRACE_READERS_FILE):
 * which link, place and Fabric identity each RFID reader stands for. Read once and kept until the
 * file changes, so a request costs one `stat`, not a read and a parse.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { ReaderTableError } from '../errors';
import { isGln } from '@acetrace/chaincode';
import { Id, LinkRef } from '../schemas';

/** A registered reader: the link and place its reads stand for, and the Fabric identity that records them. */
export interface ReaderInfo {
  readerId: string;
  link: number;
  location?: { gln?: string; lat?: number; lon?: number };
  /** Fabric identity; a poster acting as another identity may not post for this reader. Default: the poster's. */
  identity?: string;
}

const ReaderSchema = z.object({
  readerId: Id,
  link: LinkRef,
  location: z
    .object({ gln: z.string().refine(isGln, 'must be a 13-digit GLN with a valid check digit').optional(), lat: z.number().min(-90).max(90).optional(), lon: z.number().min(-180).max(180).optional() })
    .optional(),
  identity: z.string().min(1).optional(),
});
const ReaderTableSchema = z.union([z.array(ReaderSchema), z.object({ readers: z.array(ReaderSchema) })]);

/**
 * Reads the reader table (`readers.json`: an array of readers, or `{ "readers": [...] }`).
 * A missing file is an empty table.
 * @throws {@link ReaderTableError} (→ 503 naming the file and the problem) when the file cannot be read,
 * is not JSON, or is not a valid table.
 */
export function loadReaderTable(file: string, readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8')): ReaderInfo[] {
  const text = readTableText(file, readFile);
  if (text === undefined) return [];
  const json = parseTableJson(file, text);
  const parsed = ReaderTableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new ReaderTableError(
      file,
      `${where}${issue?.message ?? 'bad shape'} (expected an array of { readerId, link, location?, identity? } or { "readers": [...] })`,
    );
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.readers;
  return list.map((r) => ({ ...r }));
}

/** The table file's text; undefined when there is no file. */
function readTableText(file: string, readFile: (file: string) => string): string | undefined {
  try {
    return readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ReaderTableError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
}

/** The table file's JSON; refuses text that is not JSON. */
function parseTableJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ReaderTableError(file, `not valid JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

export interface ReaderTableOptions {
  /** How the file is read (default: `fs.readFileSync(file, 'utf8')`). */
  readFile?: (file: string) => string;
}

/**
 * The reader table file, cached by its identity: inode, size, mtime and ctime (nanoseconds). Each
 * {@link ReaderTable.current} stats the file and reads it again only when one of those changed; an
 * unusable file is remembered too, so every request hears the same 503 until the file is fixed.
 */
export class ReaderTable {
  readonly #file: string;
  readonly #readFile: ((file: string) => string) | undefined;
  #stamp: string | undefined;
  #answer: { readers: readonly ReaderInfo[] } | { error: ReaderTableError } | undefined;

  constructor(file: string, options: ReaderTableOptions = {}) {
    this.#file = file;
    this.#readFile = options.readFile;
  }

  /**
   * The table as the file now holds it (a missing file is an empty table).
   * @throws {@link ReaderTableError} (→ 503) while the file is unreadable or invalid.
   */
  current(): readonly ReaderInfo[] {
    const stamp = this.#stampOf();
    if (stamp === undefined || this.#answer === undefined || stamp !== this.#stamp) {
      this.#stamp = stamp;
      try {
        this.#answer = { readers: Object.freeze(loadReaderTable(this.#file, this.#readFile)) };
      } catch (err) {
        if (!(err instanceof ReaderTableError)) throw err;
        this.#answer = { error: err };
      }
    }
    if ('error' in this.#answer) throw this.#answer.error;
    return this.#answer.readers;
  }

  /** What identifies this version of the file: `missing`, or inode, size, mtime and ctime; undefined when it cannot be told. */
  #stampOf(): string | undefined {
    try {
      const s = fs.statSync(this.#file, { bigint: true });
      return `${String(s.ino)}:${String(s.size)}:${String(s.mtimeNs)}:${String(s.ctimeNs)}`;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
      // cannot tell versions apart: read every time, so the read's own error names the problem
      return undefined;
    }
  }
}
