/**
 * MSP identities offline: does a certificate chain to its organisation's CAs, and does a
 * signature verify as a Fabric peer would verify it (SHA-256, ECDSA with low S; bccsp/sw/ecdsa.go).
 */
import { createHash, verify as verifySignatureBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, Certificate, id_ce_basicConstraints } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import type { OrganisationAnchors } from './bundle';

/** Curve orders, for Fabric's low-S rule (s must not exceed half the order). */
const CURVE_ORDERS: Record<string, bigint> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1:
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

/**
 * Go's x509 IsCA: the Basic Constraints extension says cA. (node's X509Certificate.ca is
 * OpenSSL's "may act as a CA", which also looks at key usage, so it differs from Fabric.)
 */
function isCa(cert: X509Certificate): boolean {
  const parsed = AsnConvert.parse(cert.raw, Certificate);
  const extension = parsed.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_basicConstraints);
  return extension ? AsnConvert.parse(extension.extnValue, BasicConstraints).cA : false;
}

/** Longest CA chain followed from a leaf to a root. */
const MAX_CHAIN = 8;

/** SHA-256 fingerprint of a certificate, colon-separated upper-case hex (as openssl prints it). */
export function fingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return `unparsable certificate (sha256 of text ${createHash('sha256').update(pem).digest('hex')})`;
  }
}

interface Organisation {
  anchors: OrganisationAnchors;
  roots: X509Certificate[];
  intermediates: X509Certificate[];
  /** Why the anchors themselves are unusable, if they are. */
  problem?: string;
}

/** An identity that was checked: `problem` says why it is not a member of `mspId`. */
export interface IdentityVerdict {
  problem?: string;
  subject?: string;
}

/** The trust anchors of a bundle, with parsed certificates, and identity chains and keys cached per verification. */
export class TrustStore {
  private readonly organisations = new Map<string, Organisation>();
  private readonly chains = new Map<string, IdentityVerdict & { certificates: X509Certificate[] }>();
  private readonly keys = new Map<string, KeyObject>();

  constructor(anchors: readonly OrganisationAnchors[]) {
    for (const a of anchors) {
      const org: Organisation = { anchors: a, roots: [], intermediates: [] };
      try {
        org.roots = a.rootCerts.map((pem) => new X509Certificate(pem));
        org.intermediates = a.intermediateCerts.map((pem) => new X509Certificate(pem));
        if (org.roots.length === 0) org.problem = 'has no root certificate';
        const notCa = [...org.roots, ...org.intermediates].find((c) => !isCa(c));
        if (notCa) org.problem = `CA certificate ${notCa.subject.replace(/\n/g, ', ')} is not a CA`;
      } catch (err) {
        org.problem = `has an unparsable CA certificate (${(err as Error).message})`;
      }
      if (this.organisations.has(a.mspId)) org.problem = 'is listed twice in the trust anchors';
      this.organisations.set(a.mspId, org);
    }
  }

  /** The organisation's type, or undefined when the bundle does not name it. */
  typeOf(mspId: string): OrganisationAnchors['type'] | undefined {
    return this.organisations.get(mspId)?.anchors.type;
  }

  /**
   * Whether `certPem` is a member identity of `mspId`: a non-CA certificate that chains, by
   * signature, through the organisation's intermediates to one of its roots, each certificate
   * valid at `at` (the transaction's time) when given.
   */
  member(mspId: string, certPem: string, at: Date | undefined): IdentityVerdict {
    const chain = this.chain(mspId, certPem);
    if (chain.problem !== undefined || !at) return chain;
    const expired = chain.certificates.map((c) => validAt(c, at)).find((p) => p !== undefined);
    return expired ? { subject: chain.subject, problem: expired } : { subject: chain.subject };
  }

  /** The key of a certificate, parsed once per verification. */
  publicKey(certPem: string): KeyObject {
    let key = this.keys.get(certPem);
    if (!key) {
      key = new X509Certificate(certPem).publicKey;
      this.keys.set(certPem, key);
    }
    return key;
  }

  /** The certificate chain leaf..root, found once per identity (signature checks are the costly part). */
  private chain(mspId: string, certPem: string): IdentityVerdict & { certificates: X509Certificate[] } {
    const cacheKey = `${mspId}\u0000${certPem}`;
    let chain = this.chains.get(cacheKey);
    if (!chain) {
      chain = this.findChain(mspId, certPem);
      this.chains.set(cacheKey, chain);
    }
    return chain;
  }

  private findChain(mspId: string, certPem: string): IdentityVerdict & { certificates: X509Certificate[] } {
    const org = this.organisations.get(mspId);
    if (!org) return { certificates: [], problem: `organisation ${mspId} is not in the bundle's trust anchors` };
    if (org.problem) return { certificates: [], problem: `organisation ${mspId} ${org.problem}` };
    let leaf: X509Certificate;
    let leafIsCa: boolean;
    try {
      leaf = new X509Certificate(certPem);
      leafIsCa = isCa(leaf);
    } catch (err) {
      return { certificates: [], problem: `certificate does not parse (${(err as Error).message})` };
    }
    const subject = leaf.subject.replace(/\n/g, ', ');
    if (leafIsCa) return { certificates: [], subject, problem: `${subject} is a CA certificate, which Fabric refuses as an identity` };
    const certificates = [leaf];
    let current = leaf;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      const root = org.roots.find((r) => issuedBy(current, r));
      if (root) return { certificates: [...certificates, root], subject };
      const next = org.intermediates.find((i) => !certificates.includes(i) && issuedBy(current, i));
      if (!next) {
        return { certificates: [], subject, problem: `${current.subject.replace(/\n/g, ', ')} is not signed by a CA of ${mspId}` };
      }
      certificates.push(next);
      current = next;
    }
    return { certificates: [], subject, problem: `no chain to a root of ${mspId} within ${String(MAX_CHAIN)} certificates` };
  }

  /**
   * Verifies `signature` over `data` with the certificate's key as Fabric does (SHA-256 digest,
   * ECDSA, s in the lower half of the curve order). Returns the problem, or undefined when it verifies.
   */
  signatureProblem(certPem: string, data: Uint8Array, signature: Uint8Array): string | undefined {
    let key: KeyObject;
    try {
      key = this.publicKey(certPem);
    } catch (err) {
      return `certificate does not parse (${(err as Error).message})`;
    }
    return ecdsaProblem(key, data, signature);
  }
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function validAt(cert: X509Certificate, at: Date | undefined): string | undefined {
  if (!at) return undefined;
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (at < from || at > to) {
    return `${cert.subject.replace(/\n/g, ', ')} was not valid at ${at.toISOString()} (valid ${from.toISOString()} to ${to.toISOString()})`;
  }
  return undefined;
}

/** The r and s of a DER ECDSA signature, or undefined when the bytes are not one. */
function ecdsaRS(signature: Uint8Array): { r: bigint; s: bigint } | undefined {
  const parsed = asn1js.fromBER(signature);
  if (parsed.offset !== signature.length || !(parsed.result instanceof asn1js.Sequence)) return undefined;
  const [r, s, extra] = parsed.result.valueBlock.value;
  if (!(r instanceof asn1js.Integer) || !(s instanceof asn1js.Integer) || extra) return undefined;
  return { r: r.toBigInt(), s: s.toBigInt() };
}

/** A signature Fabric rejects before verifying: not DER (r, s > 0), or with a high S for the curve's order. */
function signatureShapeProblem(signature: Uint8Array, order: bigint): string | undefined {
  const rs = ecdsaRS(signature);
  if (!rs || rs.r <= 0n || rs.s <= 0n) return 'signature is not a DER ECDSA signature';
  if (rs.s > order >> 1n) return 'signature has a high S value, which Fabric rejects';
  return undefined;
}

/** Fabric's ECDSA check (SHA-256, DER, low S) with a parsed key; returns the problem or undefined. */
export function ecdsaProblem(key: KeyObject, data: Uint8Array, signature: Uint8Array): string | undefined {
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  const order = CURVE_ORDERS[curve];
  if (key.asymmetricKeyType !== 'ec' || order === undefined) {
    return `key type ${key.asymmetricKeyType ?? '?'} ${curve} is not one Fabric signs with (ECDSA P-256/P-384)`;
  }
  const shape = signatureShapeProblem(signature, order);
  if (shape) return shape;
  const ok = verifySignatureBytes('sha256', data, { key, dsaEncoding: 'der' }, signature);
  return ok ? undefined : 'signature does not verify';
}
