/**
 * Private data of implicit organisation collections (fab core/chaincode/implicitcollection,
 * core/common/privdata): collection names, the SHA-256 hashing of keys and values that goes on the
 * shared ledger, and the AES-256-GCM cipher of the private store at rest.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';

/** fab implicitcollection `prefix`. */
export const IMPLICIT_COLLECTION_PREFIX = '_implicit_org_';

/** `_implicit_org_<mspId>`: the collection every organisation has without any collection config. */
export function implicitCollectionName(mspId: string): string {
  return `${IMPLICIT_COLLECTION_PREFIX}${mspId}`;
}

/**
 * The member organisation of an implicit collection (fab `MspIDIfImplicitCollection`).
 * @returns `undefined` when the name is not an implicit collection name
 */
export function implicitCollectionOrg(collection: string): string | undefined {
  return collection.startsWith(IMPLICIT_COLLECTION_PREFIX) ? collection.slice(IMPLICIT_COLLECTION_PREFIX.length) : undefined;
}

/** SHA-256, as fab `util.ComputeHash` (values) and `ComputeStringHash` (keys). */
export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for private values at rest: `iv(12) ‖ tag(16) ‖ ciphertext`, with the value's
 * identity (peer, namespace, collection, key) as additional data so a ciphertext cannot be moved
 * to another key.
 */
export class PrivateDataCipher {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`a private data key must be ${String(KEY_BYTES)} bytes, got ${String(key.length)}`);
    this.#key = key;
  }

  /** A cipher with a random key that lives only in memory (in-memory ledgers, tests). */
  static ephemeral(): PrivateDataCipher {
    return new PrivateDataCipher(randomBytes(KEY_BYTES));
  }

  /**
   * Loads the key file, creating it (32 random bytes, mode 0600, exclusive create) when absent.
   * @throws Error when the file exists with another length
   */
  static async fromKeyFile(path: string): Promise<PrivateDataCipher> {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        const key = randomBytes(KEY_BYTES);
        await handle.writeFile(key);
        await handle.sync();
        return new PrivateDataCipher(key);
      } finally {
        await handle.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    return new PrivateDataCipher(await readFile(path));
  }

  /** Encrypts `plain`, bound to `aad`. */
  seal(plain: Uint8Array, aad: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /**
   * Decrypts what {@link seal} produced for the same `aad`.
   * @throws Error when the key, the data or the aad do not match
   */
  open(sealed: Uint8Array, aad: string): Buffer {
    const bytes = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}
