/**
 * Principals: who may call the API. Each maps to exactly one Fabric identity (and so one role).
 * Stored in `<dataDir>/gateway/principals.json`; API keys only as SHA-256 hashes
 * (keys are 256-bit random, so a fast hash suffices; lookup compares hashes in constant time).
 *
 * ```json
 * { "principals": [ { "name": "org1-supplier", "identity": "org1-supplier", "role": "supplier",
 *                     "mspId": "Org1MSP", "apiKeyHashes": ["sha256:<hex>"] } ] }
 * ```
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

/** An authenticated caller. */
export interface Principal {
  /** Principal name (API key owner or token subject mapped to it). */
  name: string;
  /** Fabric identity name (connection profile) the gateway signs with. */
  identity: string;
  role: string;
  mspId: string;
}

const StoredPrincipal = z.object({
  name: z.string().min(1),
  identity: z.string().min(1),
  role: z.string().min(1),
  mspId: z.string().min(1),
  apiKeyHashes: z.array(z.string().regex(/^sha256:[0-9a-f]{64}$/)).default([]),
});
const PrincipalsFile = z.object({ principals: z.array(StoredPrincipal) });
export type StoredPrincipal = z.infer<typeof StoredPrincipal>;

/** Hash of an API key as stored: `sha256:<hex>`. */
export function hashApiKey(apiKey: string): string {
  return `sha256:${crypto.createHash('sha256').update(apiKey, 'utf8').digest('hex')}`;
}

/** A new random API key (`ak_` + 43 base64url characters, 256 bits). */
export function newApiKey(): string {
  return `ak_${crypto.randomBytes(32).toString('base64url')}`;
}

/** Looks principals up by API key or by name. */
export class PrincipalStore {
  readonly #byName = new Map<string, StoredPrincipal>();
  readonly #byHash = new Map<string, StoredPrincipal>();

  constructor(principals: StoredPrincipal[]) {
    for (const p of principals) {
      this.#byName.set(p.name, p);
      for (const h of p.apiKeyHashes) this.#byHash.set(h, p);
    }
  }

  /** The principal owning `apiKey`, or undefined. */
  byApiKey(apiKey: string): Principal | undefined {
    if (apiKey.length === 0 || apiKey.length > 512) return undefined;
    const h = hashApiKey(apiKey);
    const p = this.#byHash.get(h);
    if (!p) return undefined;
    // The map lookup is by hash, not by secret; compare again in constant time for good measure.
    const match = p.apiKeyHashes.some((s) => s.length === h.length && crypto.timingSafeEqual(Buffer.from(s), Buffer.from(h)));
    return match ? toPrincipal(p) : undefined;
  }

  /** The principal named `name` (for a JWT claim), or undefined. */
  byName(name: string): Principal | undefined {
    const p = this.#byName.get(name);
    return p ? toPrincipal(p) : undefined;
  }

  all(): Principal[] {
    return [...this.#byName.values()].map(toPrincipal);
  }

  /**
   * The principals of one organisation only (a gateway run for one organisation); `ignored` names
   * the others, for the start log.
   */
  ofOrganisation(mspId: string): { store: PrincipalStore; ignored: string[] } {
    const all = [...this.#byName.values()];
    return {
      store: new PrincipalStore(all.filter((p) => p.mspId === mspId)),
      ignored: all.filter((p) => p.mspId !== mspId).map((p) => p.name),
    };
  }

  /** Reads principals.json (an absent file is an empty store). */
  static load(file: string): PrincipalStore {
    if (!fs.existsSync(file)) return new PrincipalStore([]);
    const parsed = PrincipalsFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return new PrincipalStore(parsed.principals);
  }

  /** Writes principals.json atomically, mode 0600. */
  static save(file: string, principals: StoredPrincipal[]): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${String(process.pid)}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ principals }, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
}

function toPrincipal(p: StoredPrincipal): Principal {
  return { name: p.name, identity: p.identity, role: p.role, mspId: p.mspId };
}
