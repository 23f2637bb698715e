/**
 * Which ledger the Fabric integration tests run against: a real Hyperledger Fabric network,
 * described by the connection profile that `network/test-network/connection.sh` or
 * `network/nano/connection.sh` writes, or none (the tests are skipped).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The environment variable naming the connection profile of a real Fabric network. */
export const FABRIC_PROFILE_ENV = 'ACETRACE_FABRIC_CONNECTION_PROFILE';

/** Why the Fabric tests are skipped when no network is configured (printed after `skipped: `). */
export const SKIP_REASON =
  `no Fabric network configured (set ${FABRIC_PROFILE_ENV} to a connection.json written by ` +
  'network/test-network/connection.sh or network/nano/connection.sh)';

/** Where the Fabric tests run: nowhere, or on the network of `connectionProfile` (absolute path). */
export type FabricTarget = { kind: 'skip'; reason: string } | { kind: 'fabric'; connectionProfile: string };

/** Thrown when the variable is set but does not name a usable connection profile. */
export class FabricTargetError extends Error {
  override name = 'FabricTargetError';
}

/**
 * Reads {@link FABRIC_PROFILE_ENV}: unset or empty means skip; otherwise the file must exist and
 * hold a connection profile (`channel`, `chaincode`, non-empty `peers` and `identities`).
 *
 * @param env - the environment to read (default `process.env`).
 * @returns the target, with the profile's absolute path.
 * @throws {@link FabricTargetError} if the file is missing, not JSON, or not a connection profile.
 */
export function fabricTarget(env: NodeJS.ProcessEnv = process.env): FabricTarget {
  const configured = env[FABRIC_PROFILE_ENV]?.trim();
  if (!configured) return { kind: 'skip', reason: SKIP_REASON };

  const connectionProfile = path.resolve(configured);
  let text: string;
  try {
    text = fs.readFileSync(connectionProfile, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${String(err)})`;
    throw new FabricTargetError(`${FABRIC_PROFILE_ENV}=${configured}: ${connectionProfile} ${reason}`);
  }
  let profile: unknown;
  try {
    profile = JSON.parse(text);
  } catch (err) {
    throw new FabricTargetError(`${FABRIC_PROFILE_ENV}: ${connectionProfile} is not JSON (${String(err)})`);
  }
  const missing = missingFields(profile);
  if (missing.length > 0) {
    throw new FabricTargetError(
      `${FABRIC_PROFILE_ENV}: ${connectionProfile} is not a connection profile (missing or empty: ${missing.join(', ')})`,
    );
  }
  return { kind: 'fabric', connectionProfile };
}

function missingFields(profile: unknown): string[] {
  if (typeof profile !== 'object' || profile === null) return ['channel', 'chaincode', 'peers', 'identities'];
  const p = profile as Record<string, unknown>;
  const missing: string[] = [];
  for (const key of ['channel', 'chaincode']) if (typeof p[key] !== 'string' || p[key] === '') missing.push(key);
  for (const key of ['peers', 'identities']) if (!Array.isArray(p[key]) || p[key].length === 0) missing.push(key);
  return missing;
}
