/**
 * First-start credentials: one principal per Fabric identity of the connection profile, each
 * with a random API key. Keys are written in clear text once, to `<dataDir>/credentials.json`
 * (mode 0600), for the operator to hand out; the gateway keeps only their hashes in
 * `<dataDir>/gateway/principals.json`. Later starts reuse both files and only add principals
 * for identities that appeared since.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../logger';
import type { LedgerIdentity } from '../ports/ledger';
import { PrincipalStore, type StoredPrincipal, hashApiKey, newApiKey } from '../auth/principals';

export interface CredentialEntry {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

export interface EnsureCredentialsOptions {
  identities: LedgerIdentity[];
  principalsFile: string;
  credentialsFile: string;
  logger: Logger;
}

function readCredentials(file: string): CredentialEntry[] {
  if (!fs.existsSync(file)) return [];
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { principals?: CredentialEntry[] };
  return Array.isArray(parsed.principals) ? parsed.principals : [];
}

function readStored(file: string): StoredPrincipal[] {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { principals: StoredPrincipal[] }).principals : [];
}

/**
 * Makes sure every identity has a principal with an API key; returns the principal store.
 * @returns the store and the credentials file's path (undefined if nothing was created or present).
 */
export function ensureCredentials(options: EnsureCredentialsOptions): { store: PrincipalStore; credentialsFile: string | undefined } {
  const { identities, principalsFile, credentialsFile, logger } = options;
  const stored = readStored(principalsFile);
  const credentials = readCredentials(credentialsFile);
  let changed = false;
  for (const id of identities) {
    if (stored.some((p) => p.name === id.name)) continue;
    const apiKey = newApiKey();
    stored.push({ name: id.name, identity: id.name, role: id.role, mspId: id.mspId, apiKeyHashes: [hashApiKey(apiKey)] });
    credentials.push({ name: id.name, role: id.role, mspId: id.mspId, apiKey });
    changed = true;
  }
  if (changed) {
    PrincipalStore.save(principalsFile, stored);
    fs.mkdirSync(path.dirname(credentialsFile), { recursive: true });
    const tmp = `${credentialsFile}.${String(process.pid)}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ principals: credentials }, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, credentialsFile);
    fs.chmodSync(credentialsFile, 0o600);
    logger.info({ credentialsFile, principals: credentials.length }, 'API keys written (mode 0600): hand each to its user');
  } else if (fs.existsSync(credentialsFile)) {
    logger.info({ credentialsFile }, 'reusing API keys');
  }
  return { store: new PrincipalStore(stored), credentialsFile: fs.existsSync(credentialsFile) ? credentialsFile : undefined };
}
