// @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { webcrypto, randomBytes } from 'node:crypto';
import { ROLE_ATTRIBUTE } from '@acetrace/chaincode/domain';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

/** The X.509 extension Fabric CA uses for enrollment attributes. */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

/** The attribute chaincode reads for the acetrace role (declared by the chaincode). */
export { ROLE_ATTRIBUTE };

/** Node OU of an identity (Fabric NodeOUs). */
export type NodeOU = 'client' | 'peer' | 'admin' | 'orderer';

/** A signing identity: an MSP id, its X.509 certificate and private key. */
export interface SigningIdentity {
  readonly mspId: string;
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
}

/** Options for {@link CertificateAuthority.issue}. */
export interface IssueOptions {
  readonly enrollmentId: string;
  /** Written as the `acetrace.role` attribute when given. */
  readonly role?: string;
  readonly ou?: NodeOU;
  /** Further attributes for the Fabric attribute extension. */
  readonly attrs?: Readonly<Record<string, string>>;
}

/** A TLS key pair with its certificate. */
export interface TlsCredentials {
  readonly certPem: string;
  readonly keyPem: string;
}

const ALG: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`;
}

function pemBody(text: string): Buffer {
  return Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

async function newKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', key));
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return bytes.toString('hex');
}

function dnPart(value: string): string {
  return value.replace(/[,+="\\<>;]/g, (c) => `\\${c}`);
}

/**
 * Fabric CA's attribute extension value: UTF-8 JSON `{"attrs":{...}}` with sorted keys (Go's
 * `json.Marshal` of a map), read by fabric-shim's `ClientIdentity.getAttributeValue`.
 */
export function attributeExtensionValue(attrs: Readonly<Record<string, string>>): Buffer {
  const sorted = Object.fromEntries(Object.entries(attrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return Buffer.from(JSON.stringify({ attrs: sorted }), 'utf8');
}

/**
 * A self-signed ECDSA P-256 certificate authority for one organisation (or one organisation's
 * TLS), issuing Fabric-CA-shaped certificates.
 *
 * @example
 * ```ts
 * const ca = await CertificateAuthority.create('Org1MSP', { commonName: 'ca.org1.example.com' });
 * const user = await ca.issue({ enrollmentId: 'alice', role: 'supplier', ou: 'client' });
 * ```
 */
export class CertificateAuthority {
  readonly mspId: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly #cert: x509.X509Certificate;
  readonly #key: webcrypto.CryptoKey;

  private constructor(mspId: string, cert: x509.X509Certificate, key: webcrypto.CryptoKey, keyPemText: string) {
    this.mspId = mspId;
    this.#cert = cert;
    this.#key = key;
    this.certPem = cert.toString('pem') + '\n';
    this.keyPem = keyPemText;
  }

  /**
   * Creates a CA with a new key and a self-signed certificate valid for `validityDays` (default 3650).
   * @param mspId - the organisation's MSP id
   * @param options - `commonName` of the CA (default `ca.<mspId>`)
   */
  static async create(
    mspId: string,
    options: { readonly commonName?: string; readonly validityDays?: number } = {},
  ): Promise<CertificateAuthority> {
    const keys = await newKeyPair();
    const commonName = options.commonName ?? `ca.${mspId.toLowerCase()}`;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=${dnPart(commonName)}, O=${dnPart(mspId)}`,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + (options.validityDays ?? 3650) * DAY_MS),
      signingAlgorithm: SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new CertificateAuthority(mspId, cert, keys.privateKey, await keyPem(keys.privateKey));
  }

  /**
   * Loads a CA saved by {@link CertificateAuthority.save}.
   * @param dir - folder holding `ca-cert.pem`, `ca-key.pem` and `ca.json`
   */
  static async load(dir: string): Promise<CertificateAuthority> {
    const [certText, keyText, metaText] = await Promise.all([
      readFile(join(dir, 'ca-cert.pem'), 'utf8'),
      readFile(join(dir, 'ca-key.pem'), 'utf8'),
      readFile(join(dir, 'ca.json'), 'utf8'),
    ]);
    const meta = JSON.parse(metaText) as { mspId: string };
    const key = await webcrypto.subtle.importKey('pkcs8', pemBody(keyText), ALG, true, ['sign']);
    return new CertificateAuthority(meta.mspId, new x509.X509Certificate(certText), key, keyText);
  }

  /**
   * Writes the CA as PEM files (`ca-cert.pem`, `ca-key.pem` with mode 0600) and `ca.json`.
   * @param dir - created if missing
   */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'ca-cert.pem'), this.certPem);
    await writeFile(join(dir, 'ca-key.pem'), this.keyPem, { mode: 0o600 });
    await writeFile(join(dir, 'ca.json'), JSON.stringify({ mspId: this.mspId }, null, 2) + '\n');
  }

  /**
   * Issues an enrollment certificate like Fabric CA: subject `CN=<enrollmentId>, OU=<ou>, O=<mspId>`,
   * digitalSignature key usage, not a CA, and the attribute extension
   * `{"attrs":{"acetrace.role":..,"hf.Affiliation":"","hf.EnrollmentID":..,"hf.Type":<ou>}}`.
   * @returns a signing identity with a new P-256 key (PKCS#8 PEM)
   */
  async issue(options: IssueOptions): Promise<SigningIdentity & { readonly enrollmentId: string; readonly role?: string; readonly ou: NodeOU }> {
    const ou = options.ou ?? 'client';
    const attrs: Record<string, string> = {
      ...options.attrs,
      'hf.Affiliation': '',
      'hf.EnrollmentID': options.enrollmentId,
      'hf.Type': ou,
    };
    if (options.role !== undefined) attrs[ROLE_ATTRIBUTE] = options.role;
    const keys = await newKeyPair();
    const cert = await this.#sign(
      `CN=${dnPart(options.enrollmentId)}, OU=${ou}, O=${dnPart(this.mspId)}`,
      keys.publicKey,
      [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.Extension(FABRIC_ATTRS_OID, false, attributeExtensionValue(attrs)),
      ],
      3650,
    );
    return {
      mspId: this.mspId,
      certPem: cert,
      keyPem: await keyPem(keys.privateKey),
      enrollmentId: options.enrollmentId,
      ...(options.role !== undefined ? { role: options.role } : {}),
      ou,
    };
  }

  /**
   * Issues a TLS server certificate (also usable for client auth) with SANs `localhost`,
   * `127.0.0.1`, `::1` and the given host names / addresses.
   */
  async issueTlsServer(options: { readonly commonName: string; readonly hosts?: readonly string[] }): Promise<TlsCredentials> {
    const hosts = new Set(['localhost', '127.0.0.1', '::1', options.commonName, ...(options.hosts ?? [])]);
    const sans = [...hosts].map((h) => ({ type: /^[\d.]+$|:/.test(h) ? ('ip' as const) : ('dns' as const), value: h }));
    const keys = await newKeyPair();
    const cert = await this.#sign(
      `CN=${dnPart(options.commonName)}, O=${dnPart(this.mspId)}`,
      keys.publicKey,
      [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension(sans),
      ],
      825,
    );
    return { certPem: cert, keyPem: await keyPem(keys.privateKey) };
  }

  async #sign(subject: string, publicKey: webcrypto.CryptoKey, extensions: x509.Extension[], days: number): Promise<string> {
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: this.#cert.subject,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + days * DAY_MS),
      signingAlgorithm: SIGNING,
      publicKey,
      signingKey: this.#key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        ...extensions,
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.#cert.publicKey),
      ],
    });
    return cert.toString('pem') + '\n';
  }
}
