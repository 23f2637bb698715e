/**
 * The data-key ring: AES-256-GCM keys that seal what the gateway writes to disk (outbox payloads,
 * EPCIS capture jobs), because those may hold private fields (domain.md "Private data").
 *
 * Key file (JSON, mode 0600, its folder 0700 when the gateway creates it):
 * `{ "format": "acetrace-data-keys/1", "keys": [{ "id": <16 hex>, "createdAt": ISO, "key": <base64, 32 bytes> }] }`.
 * The last key is the current one (new records); earlier ones still open the records sealed under them
 * until they are retired (`npm run rotate-key`, gateway/README.md "Data at rest").
 *
 * Sealed record (bytes): `0xA5 0x01 | key id (8) | nonce (12, random) | ciphertext | GCM tag (16)`; the
 * caller's associated data (e.g. the event id) is authenticated, so a record moved to another row fails.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config';

const KEY_FILE_FORMAT = 'acetrace-data-keys/1';
/** The sealed record's layout (file comment): first two bytes, then sizes in bytes; AES-256 keys. */
const [MAGIC, VERSION] = [0xa5, 1];
const [KEY_ID_BYTES, NONCE_BYTES, TAG_BYTES, KEY_BYTES] = [8, 12, 16, 32];
const HEADER_BYTES = 2 + KEY_ID_BYTES;
/** The configuration key naming the key file, for errors a person can act on. */
export const KEY_FILE_SETTING = 'ACETRACE_DATA_KEY_FILE';

/** 1-based position and length of the key id inside a sealed record, for SQL `substr(column, ...)`. */
export const SEALED_KEY_ID_SQL = { start: 3, length: KEY_ID_BYTES } as const;

const KeyFileSchema = z.object({
  format: z.literal(KEY_FILE_FORMAT),
  keys: z
    .array(
      z.object({
        id: z.string().regex(/^[0-9a-f]{16}$/, '16 lowercase hex digits'),
        createdAt: z.iso.datetime(),
        key: z.base64().refine((k) => Buffer.from(k, 'base64').length === KEY_BYTES, `must be ${String(KEY_BYTES)} bytes (base64)`),
      }),
    )
    .min(1, 'at least one key')
    .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'a key id appears twice'),
});
type KeyFile = z.infer<typeof KeyFileSchema>;

/** Random nonces drawn from a pooled buffer (one random fill per 341 records instead of one per record). */
class NoncePool {
  #pool = Buffer.alloc(0);
  #at = 0;

  next(): Buffer {
    if (this.#at + NONCE_BYTES > this.#pool.length) {
      this.#pool = crypto.randomFillSync(Buffer.allocUnsafe(NONCE_BYTES * 341));
      this.#at = 0;
    }
    const nonce = Buffer.from(this.#pool.subarray(this.#at, this.#at + NONCE_BYTES));
    this.#at += NONCE_BYTES;
    return nonce;
  }
}

/** Key material as node:crypto key objects (cheaper to set up a cipher with than raw bytes). */
const keyObjects = (keys: KeyFile['keys']): Map<string, crypto.KeyObject> =>
  new Map(keys.map((k) => [k.id, crypto.createSecretKey(Buffer.from(k.key, 'base64'))]));

/** A sealed record that does not open: altered, moved to another row, or sealed under a different key with that id. */
export class SealedRecordError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealedRecordError';
  }
}

/** The keys of a key file, able to seal under the current one and open under any. */
export class Keyring {
  #keys: Map<string, crypto.KeyObject>;
  readonly #nonces = new NoncePool();
  #currentId: string;
  /** Where the keys came from: an unknown key id re-reads it once (a rotation while this process runs). */
  readonly file: string | undefined;

  private constructor(keys: KeyFile['keys'], file: string | undefined) {
    this.file = file;
    this.#keys = keyObjects(keys);
    this.#currentId = keys[keys.length - 1]?.id ?? '';
  }

  /** A keyring with one fresh key held only in memory (tests, and stores that live no longer than the process). */
  static ephemeral(): Keyring {
    return new Keyring([newKeyEntry()], undefined);
  }

  /** Id of the key new records are sealed under. */
  get currentKeyId(): string {
    return this.#currentId;
  }

  /** Ids of every key held, oldest first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** Seals `plaintext` under the current key, binding it to `aad` (the row it belongs to). */
  seal(plaintext: string | Buffer, aad: string): Buffer {
    const nonce = this.#nonces.next();
    const header = Buffer.alloc(HEADER_BYTES);
    header[0] = MAGIC;
    header[1] = VERSION;
    header.write(this.#currentId, 2, 'hex');
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#key(this.#currentId), nonce);
    // the associated data is header + aad, given in two parts (GCM takes it in pieces)
    cipher.setAAD(header);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = cipher.update(plaintext);
    cipher.final(); // GCM: no further output, computes the tag
    return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
  }

  /**
   * Opens a record {@link seal} made with the same `aad`.
   * @throws {@link SealedRecordError} when it is not a sealed record, its key is not held, or it fails authentication.
   */
  open(sealed: Uint8Array, aad: string): Buffer {
    const record = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const keyId = sealedKeyId(record);
    if (keyId === undefined || record.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES) {
      throw new SealedRecordError(`the record of ${aad} is not a sealed record`);
    }
    if (!this.#keys.has(keyId)) this.#reload();
    if (!this.#keys.has(keyId)) {
      throw new SealedRecordError(
        `the record of ${aad} is sealed under data key ${keyId}, which ${this.file ?? 'this keyring'} does not hold ` +
          `(keys: ${this.keyIds.join(', ')}); restore the key file from its backup`,
      );
    }
    const nonce = record.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#key(keyId), nonce);
    decipher.setAAD(record.subarray(0, HEADER_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    try {
      const plaintext = decipher.update(record.subarray(HEADER_BYTES + NONCE_BYTES, record.length - TAG_BYTES));
      decipher.final(); // throws unless the tag authenticates header, aad and ciphertext
      return plaintext;
    } catch (err) {
      throw new SealedRecordError(
        `the record of ${aad} fails authentication under data key ${keyId}: altered, moved from another row, or the key file holds a different key under that id`,
        { cause: err },
      );
    }
  }

  /** {@link open} as UTF-8 text. */
  openText(sealed: Uint8Array, aad: string): string {
    return this.open(sealed, aad).toString('utf8');
  }

  #key(id: string): crypto.KeyObject {
    const key = this.#keys.get(id);
    if (key === undefined) throw new SealedRecordError(`data key ${id} is not held`);
    return key;
  }

  /** Adopts the key file's keys again (a rotation added one): new records go under its newest key. */
  #reload(): void {
    if (this.file === undefined) return;
    const keys = readKeyFile(this.file);
    this.#keys = keyObjects(keys.keys);
    this.#currentId = keys.keys[keys.keys.length - 1]?.id ?? this.#currentId;
  }

  /** A keyring over a key file's parsed content (module-internal). */
  static fromFile(file: string, content: KeyFile): Keyring {
    return new Keyring(content.keys, file);
  }
}

/** The key id of a sealed record, or undefined when `value` is not one (e.g. a plaintext row of an older version). */
export function sealedKeyId(value: unknown): string | undefined {
  if (!(value instanceof Uint8Array) || value.length < HEADER_BYTES || value[0] !== MAGIC || value[1] !== VERSION) return undefined;
  return Buffer.from(value.buffer, value.byteOffset + 2, KEY_ID_BYTES).toString('hex');
}

function newKeyEntry(): KeyFile['keys'][number] {
  return { id: crypto.randomBytes(KEY_ID_BYTES).toString('hex'), createdAt: new Date().toISOString(), key: crypto.randomBytes(KEY_BYTES).toString('base64') };
}

const configError = (message: string): ConfigError => new ConfigError([{ key: KEY_FILE_SETTING, message }]);

/**
 * Reads and checks a key file: a regular file, no access for group or others, the format above.
 * @throws {@link ConfigError} naming ACETRACE_DATA_KEY_FILE and what is wrong.
 */
function readKeyFile(file: string): KeyFile {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw configError(`${file} is not a regular file`);
    // POSIX modes only: Windows reports 0o666 for any writable file
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw configError(
        `${file} is open to group or others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); it holds the keys of the data at rest: chmod 600 it`,
      );
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw configError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw configError(`${file} is not JSON (expected {"format":"${KEY_FILE_FORMAT}","keys":[...]})`);
  }
  const parsed = KeyFileSchema.safeParse(json);
  if (!parsed.success) {
    throw configError(`${file} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Writes a key file durably: a 0600 temporary file beside it, fsync'ed, renamed over it, the folder fsync'ed. */
function writeKeyFile(file: string, content: KeyFile, exclusive: boolean): void {
  const text = `${JSON.stringify(content, null, 2)}\n`;
  const target = exclusive ? file : `${file}.${String(process.pid)}.tmp`;
  // 'wx': two processes starting at once cannot both create a first key
  const fd = fs.openSync(target, exclusive ? 'wx' : 'w', 0o600);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (!exclusive) fs.renameSync(target, file);
  const dir = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}

/**
 * Opens the key file, creating it with one fresh key when absent (`created: true`; its folder made 0700).
 * @throws {@link ConfigError} when the file is unreadable, open to group/others, or malformed.
 */
export function loadOrCreateKeyring(file: string): { keyring: Keyring; created: boolean } {
  if (!fs.existsSync(file)) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writeKeyFile(file, { format: KEY_FILE_FORMAT, keys: [newKeyEntry()] }, true);
    } catch (err) {
      // another process created it first: read theirs
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw configError(`cannot create ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      return { keyring: Keyring.fromFile(file, readKeyFile(file)), created: false };
    }
    return { keyring: Keyring.fromFile(file, readKeyFile(file)), created: true };
  }
  return { keyring: Keyring.fromFile(file, readKeyFile(file)), created: false };
}

/** Appends a fresh key to the key file (it becomes the current one); answers the new keyring. @throws {@link ConfigError} */
export function addKey(file: string): Keyring {
  const content = readKeyFile(file);
  const next: KeyFile = { ...content, keys: [...content.keys, newKeyEntry()] };
  writeKeyFile(file, next, false);
  return Keyring.fromFile(file, next);
}

/**
 * Removes a key that is not the current one from the key file. The caller checks first that no record
 * is sealed under it. @throws {@link ConfigError} for an unknown or current key id.
 */
export function removeKey(file: string, keyId: string): Keyring {
  const content = readKeyFile(file);
  const last = content.keys[content.keys.length - 1];
  if (!content.keys.some((k) => k.id === keyId)) throw configError(`${file} holds no key ${keyId}`);
  if (last?.id === keyId) throw configError(`key ${keyId} is the current key of ${file}; rotate first, then retire it`);
  const next: KeyFile = { ...content, keys: content.keys.filter((k) => k.id !== keyId) };
  writeKeyFile(file, next, false);
  return Keyring.fromFile(file, next);
}
