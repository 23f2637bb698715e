// @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import * as x509 from '@peculiar/x509';

import { ROLE_ATTRIBUTE } from '@acetrace/chaincode/domain';
import { FABRIC_ATTRS_OID } from './ca';
import { verify } from './ecdsa';

/** Why an identity or signature was refused. */
export type MspErrorReason = 'MALFORMED_IDENTITY' | 'UNKNOWN_MSP' | 'UNTRUSTED_CERTIFICATE' | 'EXPIRED_CERTIFICATE' | 'BAD_SIGNATURE' | 'HIGH_S_SIGNATURE';

/** An identity or signature the registry refuses. */
export class MspError extends Error {
  readonly reason: MspErrorReason;
  readonly mspId: string | undefined;

  constructor(reason: MspErrorReason, message: string, mspId?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MspError';
    this.reason = reason;
    this.mspId = mspId;
  }
}

/** A creator whose certificate chains to a known organisation CA. */
export interface VerifiedIdentity {
  readonly mspId: string;
  readonly certPem: string;
  /** The subject common name (Fabric CA enrollment id). */
  readonly enrollmentId: string;
  /** The subject OU (`client`, `peer`, `admin`, `orderer`), `null` if none. */
  readonly ou: string | null;
  /** The `acetrace.role` attribute, `null` if absent. */
  readonly role: string | null;
  /** All Fabric CA attributes. */
  readonly attrs: Readonly<Record<string, string>>;
}

interface CheckedIdentity extends VerifiedIdentity {
  readonly publicKey: NodeX509['publicKey'];
  readonly validFrom: number;
  readonly validTo: number;
}

/**
 * Serialises a creator as Fabric does: `msp.SerializedIdentity{mspid, id_bytes = PEM}`.
 * @returns the protobuf bytes
 */
export function serializeIdentity(mspId: string, certPem: string): Uint8Array {
  const id = new msp.SerializedIdentity();
  id.setMspid(mspId);
  id.setIdBytes(Buffer.from(certPem, 'utf8'));
  return id.serializeBinary();
}

/**
 * Decodes `msp.SerializedIdentity` bytes.
 * @throws MspError `MALFORMED_IDENTITY`
 */
export function deserializeIdentity(bytes: Uint8Array): { mspId: string; certPem: string } {
  try {
    const id = msp.SerializedIdentity.deserializeBinary(bytes);
    return { mspId: id.getMspid(), certPem: Buffer.from(id.getIdBytes_asU8()).toString('utf8') };
  } catch (err) {
    throw new MspError('MALFORMED_IDENTITY', 'could not deserialize identity', undefined, { cause: err });
  }
}

/** Distinct serialized identities whose certificate check is kept. */
const IDENTITY_CACHE_SIZE = 4096;

/** The exact bytes as a Map key (latin1: one char per byte, no collisions). */
function identityKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function readAttrs(cert: x509.X509Certificate): Record<string, string> {
  const ext = cert.getExtension(FABRIC_ATTRS_OID);
  if (!ext) return {};
  try {
    const parsed = JSON.parse(Buffer.from(ext.value).toString('utf8')) as { attrs?: Record<string, string> };
    return parsed.attrs ?? {};
  } catch {
    return {};
  }
}

/**
 * The organisations' CAs known to a channel, checking creators and their signatures like a peer's
 * MSP: the certificate must be issued and signed by a CA of the claimed MSP and be within its
 * validity period; signatures are ECDSA-SHA256 over the message, low S only.
 *
 * @example
 * ```ts
 * const registry = new MspRegistry([{ mspId: 'Org1MSP', caCertPem: ca.certPem }]);
 * const who = registry.verify(creatorBytes, proposalBytes, signature);
 * ```
 */
export class MspRegistry {
  readonly #cas = new Map<string, NodeX509[]>();
  /** Identities that passed {@link MspRegistry.identify}'s checks, by their serialized bytes. */
  readonly #verified = new Map<string, CheckedIdentity>();

  constructor(cas: readonly { readonly mspId: string; readonly caCertPem: string }[] = []) {
    for (const ca of cas) this.add(ca.mspId, ca.caCertPem);
  }

  /** Trusts a CA certificate for an MSP (an MSP may have several). */
  add(mspId: string, caCertPem: string): void {
    const list = this.#cas.get(mspId) ?? [];
    list.push(new NodeX509(caCertPem));
    this.#cas.set(mspId, list);
  }

  /** The MSP ids known. */
  get mspIds(): string[] {
    return [...this.#cas.keys()];
  }

  /**
   * Checks a serialised creator: known MSP, certificate issued by one of its CAs, currently valid.
   * @param serializedIdentity - `msp.SerializedIdentity` bytes
   * @param now - the time to check validity at (default: now)
   * @throws MspError
   */
  identify(serializedIdentity: Uint8Array, now: Date = new Date()): VerifiedIdentity {
    return this.#identify(serializedIdentity, now);
  }

  /**
   * Checks a creator (see {@link MspRegistry.identify}) and its signature over `message`.
   * @throws MspError `BAD_SIGNATURE` or `HIGH_S_SIGNATURE` besides the identity reasons
   */
  verify(serializedIdentity: Uint8Array, message: Uint8Array, signature: Uint8Array, now: Date = new Date()): VerifiedIdentity {
    const identity = this.#identify(serializedIdentity, now);
    const result = verify(identity.publicKey, message, signature);
    if (result === 'high-s') {
      throw new MspError('HIGH_S_SIGNATURE', 'the creator signature is invalid: Invalid S. Must be smaller than half the order', identity.mspId);
    }
    if (result !== 'ok') throw new MspError('BAD_SIGNATURE', 'the creator signature is invalid', identity.mspId);
    return identity;
  }

  /**
   * The identity checked earlier for exactly these bytes (known MSP, CA-issued), without any
   * new check (validity period included); `undefined` when not seen or not valid.
   */
  peek(serializedIdentity: Uint8Array): VerifiedIdentity | undefined {
    return this.#verified.get(identityKey(serializedIdentity));
  }

  #identify(serializedIdentity: Uint8Array, now: Date): CheckedIdentity {
    // The chain check and the certificate parse depend only on the bytes: keep them per bytes
    // (bounded); the validity period is checked on every call, the signature by the caller.
    const key = identityKey(serializedIdentity);
    let identity = this.#verified.get(key);
    if (!identity) {
      const { mspId, certPem } = deserializeIdentity(serializedIdentity);
      identity = this.#check(mspId, certPem);
      if (this.#verified.size >= IDENTITY_CACHE_SIZE) {
        const oldest = this.#verified.keys().next();
        if (oldest.done !== true) this.#verified.delete(oldest.value);
      }
      this.#verified.set(key, identity);
    }
    if (now.getTime() < identity.validFrom || now.getTime() > identity.validTo) {
      throw new MspError('EXPIRED_CERTIFICATE', `the certificate of ${identity.mspId} creator is not valid at ${now.toISOString()}`, identity.mspId);
    }
    return identity;
  }

  #check(mspId: string, certPem: string): CheckedIdentity {
    const cas = this.#cas.get(mspId);
    if (!cas) throw new MspError('UNKNOWN_MSP', `MSP ${mspId} is unknown`, mspId);
    let cert: NodeX509;
    let parsed: x509.X509Certificate;
    try {
      cert = new NodeX509(certPem);
      parsed = new x509.X509Certificate(certPem);
    } catch (err) {
      throw new MspError('MALFORMED_IDENTITY', `could not parse the certificate of ${mspId} creator`, mspId, { cause: err });
    }
    const issuer = cas.find((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
    if (!issuer) {
      throw new MspError('UNTRUSTED_CERTIFICATE', `the certificate of ${mspId} creator is not signed by a ${mspId} CA`, mspId);
    }
    const attrs = readAttrs(parsed);
    return {
      mspId,
      certPem,
      enrollmentId: parsed.subjectName.getField('CN')[0] ?? '',
      ou: parsed.subjectName.getField('OU')[0] ?? null,
      role: attrs[ROLE_ATTRIBUTE] ?? null,
      attrs,
      publicKey: cert.publicKey,
      validFrom: Date.parse(cert.validFrom),
      validTo: Date.parse(cert.validTo),
    };
  }
}
