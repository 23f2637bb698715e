import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';

/** Order of the P-256 group. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_N = P256_N >> 1n;

/** An ECDSA signature split into its integers. */
interface RS {
  r: bigint;
  s: bigint;
}

function readLength(der: Uint8Array, offset: number): { length: number; next: number } {
  const first = der[offset];
  if (first === undefined) throw new Error('truncated DER signature');
  if (first < 0x80) return { length: first, next: offset + 1 };
  const count = first & 0x7f;
  if (count === 0 || count > 2) throw new Error('unsupported DER length');
  let length = 0;
  for (let i = 1; i <= count; i++) {
    const b = der[offset + i];
    if (b === undefined) throw new Error('truncated DER signature');
    length = (length << 8) | b;
  }
  return { length, next: offset + 1 + count };
}

function readInteger(der: Uint8Array, offset: number): { value: bigint; next: number } {
  if (der[offset] !== 0x02) throw new Error('malformed DER signature: INTEGER expected');
  const { length, next } = readLength(der, offset + 1);
  if (length === 0 || next + length > der.length) throw new Error('malformed DER signature: bad INTEGER length');
  const hex = Buffer.from(der.subarray(next, next + length)).toString('hex');
  return { value: BigInt(`0x${hex}`), next: next + length };
}

/**
 * Parses a DER `SEQUENCE { INTEGER r, INTEGER s }` ECDSA signature.
 * @throws Error when the bytes are not such a sequence
 */
export function parseDerSignature(der: Uint8Array): RS {
  if (der[0] !== 0x30) throw new Error('malformed DER signature: SEQUENCE expected');
  const { length, next } = readLength(der, 1);
  if (next + length !== der.length) throw new Error('malformed DER signature: trailing bytes');
  const r = readInteger(der, next);
  const s = readInteger(der, r.next);
  if (s.next !== der.length) throw new Error('malformed DER signature: trailing bytes');
  return { r: r.value, s: s.value };
}

function integerBytes(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return bytes;
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  return Buffer.from([0x82, length >> 8, length & 0xff]);
}

/** Encodes `r`, `s` as a DER ECDSA signature. */
export function encodeDerSignature({ r, s }: RS): Buffer {
  const ints = [r, s].map((v) => {
    const b = integerBytes(v);
    return Buffer.concat([Buffer.from([0x02]), derLength(b.length), b]);
  });
  const body = Buffer.concat(ints);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

/** Whether a DER P-256 signature has S ≤ n/2 (what Fabric's bccsp requires). */
export function isLowS(der: Uint8Array): boolean {
  return parseDerSignature(der).s <= P256_HALF_N;
}

/** Rewrites a DER P-256 signature to its low-S form (S → n − S when S > n/2). */
export function toLowS(der: Uint8Array): Buffer {
  const sig = parseDerSignature(der);
  return sig.s > P256_HALF_N ? encodeDerSignature({ r: sig.r, s: P256_N - sig.s }) : Buffer.from(der);
}

/**
 * Rewrites a low-S DER P-256 signature to its (equally valid under plain ECDSA) high-S twin.
 * For tests of signature rejection.
 */
export function toHighS(der: Uint8Array): Buffer {
  const sig = parseDerSignature(der);
  return sig.s <= P256_HALF_N ? encodeDerSignature({ r: sig.r, s: P256_N - sig.s }) : Buffer.from(der);
}

const KEY_CACHE_SIZE = 256;
const keyCache = new Map<string, KeyObject>();

function privateKeyFromPem(pem: string): KeyObject {
  let key = keyCache.get(pem);
  if (!key) {
    key = createPrivateKey(pem);
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value ?? '');
    keyCache.set(pem, key);
  }
  return key;
}

/**
 * Signs ECDSA-SHA256 over `message` (the digest is SHA-256(message)), as a Fabric client or peer
 * does: a DER signature normalised to low S.
 * @param key - PKCS#8 PEM private key, or a KeyObject
 * @param message - the bytes to sign (proposal bytes, `prp ‖ endorser`, ...)
 * @returns the DER signature
 */
export function sign(key: string | KeyObject, message: Uint8Array): Buffer {
  const keyObject = typeof key === 'string' ? privateKeyFromPem(key) : key;
  return toLowS(nodeSign('sha256', message, keyObject));
}

/**
 * Verifies an ECDSA-SHA256 DER signature, rejecting high-S signatures like Fabric's bccsp.
 * @param key - the signer's certificate or public key (PEM), or a KeyObject
 * @returns `'ok'`, `'high-s'` or `'invalid'`
 */
export function verify(key: string | KeyObject, message: Uint8Array, signature: Uint8Array): 'ok' | 'high-s' | 'invalid' {
  let lowS: boolean;
  try {
    lowS = isLowS(signature);
  } catch {
    return 'invalid';
  }
  const keyObject = typeof key === 'string' ? createPublicKey(key) : key;
  if (!nodeVerify('sha256', message, keyObject, signature)) return 'invalid';
  return lowS ? 'ok' : 'high-s';
}
