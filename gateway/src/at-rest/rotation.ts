/**
 * Data key rotation (`npm run rotate-key`): a new key becomes current and every sealed record of the
 * outbox and the EPCIS capture store is re-sealed under it; an old key is retired (removed from the
 * key file) only once no record is sealed under it any more.
 */
import * as fs from 'node:fs';
import { type Config, ConfigError } from '../config';
import { captureStoreFile, openCaptureJobStore } from '../epcis';
import { Outbox } from '../ingestion/outbox';
import { KEY_FILE_SETTING, type Keyring, addKey, loadOrCreateKeyring, removeKey } from './keyring';

/** What a rotation did. */
export interface RotationReport {
  keyFile: string;
  /** The new current key. */
  keyId: string;
  /** Records re-sealed under it. */
  resealed: { outbox: number; captures: number };
  /** Every older key with the records still sealed under it (0: it can be retired). */
  olderKeys: Array<{ keyId: string; records: number }>;
}

/** The two stores holding sealed records, opened with `keyring`, handed to `use`, then closed. */
function withStores<T>(config: Pick<Config, 'ingestion'>, keyring: Keyring, use: (stores: SealedStores) => T): T {
  const outbox = Outbox.open(config.ingestion.dbPath, { keyring });
  try {
    const captures = openCaptureJobStore(captureStoreFile(config.ingestion.dbPath), keyring);
    try {
      return use({
        reseal: () => ({ outbox: outbox.reseal(), captures: captures.reseal() }),
        sealedUnder: (keyId) => outbox.sealedUnder(keyId) + captures.sealedUnder(keyId),
      });
    } finally {
      captures.close();
    }
  } finally {
    outbox.close();
  }
}

interface SealedStores {
  reseal(): { outbox: number; captures: number };
  sealedUnder(keyId: string): number;
}

/** The key file must exist: rotating a fresh folder would only make a key nothing uses. */
function requireKeyFile(keyFile: string): void {
  if (!fs.existsSync(keyFile)) {
    throw new ConfigError([{ key: KEY_FILE_SETTING, message: `${keyFile} does not exist; the gateway creates it on its first start` }]);
  }
}

/**
 * Adds a new current key to the key file and re-seals every record under it. Safest with the gateway
 * stopped; a running gateway adopts the new key when it first reads a record sealed under it.
 * @throws {@link ConfigError} for a missing or bad key file; QueueStorageError when a store cannot be opened.
 */
export function rotateDataKey(config: Pick<Config, 'ingestion' | 'atRest'>): RotationReport {
  const { keyFile } = config.atRest;
  requireKeyFile(keyFile);
  const keyring = addKey(keyFile);
  return withStores(config, keyring, (stores) => {
    const resealed = stores.reseal();
    const olderKeys = keyring.keyIds.filter((id) => id !== keyring.currentKeyId).map((keyId) => ({ keyId, records: stores.sealedUnder(keyId) }));
    return { keyFile, keyId: keyring.currentKeyId, resealed, olderKeys };
  });
}

/**
 * Removes an older key from the key file once no record is sealed under it.
 * @throws {@link ConfigError} when records still need it, it is the current key, or the file holds no such key.
 */
export function retireDataKey(config: Pick<Config, 'ingestion' | 'atRest'>, keyId: string): { keyFile: string; keyIds: string[] } {
  const { keyFile } = config.atRest;
  requireKeyFile(keyFile);
  const { keyring } = loadOrCreateKeyring(keyFile);
  const records = withStores(config, keyring, (stores) => stores.sealedUnder(keyId));
  if (records > 0) {
    throw new ConfigError([
      { key: KEY_FILE_SETTING, message: `${String(records)} records are still sealed under key ${keyId}; run npm run rotate-key again (it re-seals them), then retire it` },
    ]);
  }
  return { keyFile, keyIds: removeKey(keyFile, keyId).keyIds };
}
