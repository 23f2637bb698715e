/**
 * The connection profile: how the gateway reaches a Fabric network (the embedded one, or a
 * real one with the same file written by hand). Paths may be relative to the file.
 *
 * ```json
 * { "channel": "acetrace", "chaincode": "acetrace",
 *   "peers": [{ "mspId": "Org1MSP", "endpoint": "localhost:7051", "hostAlias": "peer0.org1.example.com",
 *               "tlsCaCertPath": "tls/ca.pem" }],
 *   "identities": [{ "name": "org1-supplier", "mspId": "Org1MSP", "role": "supplier",
 *                    "certPath": "users/supplier/cert.pem", "keyPath": "users/supplier/key.pem" }] }
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

const PeerSchema = z.object({
  mspId: z.string().min(1),
  endpoint: z.string().min(1),
  hostAlias: z.string().min(1).optional(),
  tlsCaCertPath: z.string().min(1).optional(),
});

const IdentitySchema = z.object({
  name: z.string().min(1),
  mspId: z.string().min(1),
  role: z.string().min(1),
  certPath: z.string().min(1),
  keyPath: z.string().min(1),
});

const ProfileSchema = z.object({
  channel: z.string().min(1),
  chaincode: z.string().min(1),
  peers: z.array(PeerSchema).min(1),
  identities: z.array(IdentitySchema).min(1),
});

export type PeerProfile = z.infer<typeof PeerSchema>;
export type IdentityProfile = z.infer<typeof IdentitySchema>;
export type ConnectionProfile = z.infer<typeof ProfileSchema>;

/** Raised when the profile is missing or malformed. */
export class ConnectionProfileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectionProfileError';
  }
}

/**
 * Reads and validates the connection profile; relative paths are resolved against its folder.
 * @throws {@link ConnectionProfileError} if the file is missing or invalid.
 */
export function loadConnectionProfile(file: string): ConnectionProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConnectionProfileError(`cannot read connection profile ${file}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ProfileSchema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConnectionProfileError(`invalid connection profile ${file}: ${why}`);
  }
  const base = path.dirname(path.resolve(file));
  const abs = (p: string): string => path.resolve(base, p);
  const profile = parsed.data;
  return {
    ...profile,
    peers: profile.peers.map((p) => ({ ...p, tlsCaCertPath: p.tlsCaCertPath === undefined ? undefined : abs(p.tlsCaCertPath) })),
    identities: profile.identities.map((i) => ({ ...i, certPath: abs(i.certPath), keyPath: abs(i.keyPath) })),
  };
}
