/**
 * ECDSA P-256 signing by node:crypto (OpenSSL) for fabric-gateway. fabric-gateway's own
 * `signers.newPrivateKeySigner` signs in pure JavaScript (@noble/curves): about 9% of the gateway's
 * CPU under load in the issue #19 profile (bench/profiles/), for the one signature of every
 * evaluate and the three of every submit. The signature is the same kind: ECDSA over SHA-256 of the
 * message, DER-encoded, S normalised to the lower half as Fabric's bccsp requires. Other key types
 * keep fabric-gateway's signer.
 */
import { sign, type KeyObject } from 'node:crypto';
import { hash, signers, type Hash, type Signer } from '@hyperledger/fabric-gateway';

/** Order of the P-256 group; signatures with S above half of it are refused by Fabric. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** One DER INTEGER (unsigned big-endian, a leading zero when the top bit is set). */
function derInteger(value: bigint): Buffer {
  const hex = value.toString(16);
  let bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.of(0), bytes]);
  return Buffer.concat([Buffer.of(0x02, bytes.length), bytes]);
}

/** An IEEE P1363 `r ‖ s` P-256 signature as low-S DER (`SEQUENCE { r, s }`, always under 128 bytes). */
export function lowSDerFromP1363(p1363: Uint8Array): Buffer {
  const half = p1363.length / 2;
  const r = BigInt(`0x${Buffer.from(p1363.subarray(0, half)).toString('hex')}`);
  const s = BigInt(`0x${Buffer.from(p1363.subarray(half)).toString('hex')}`);
  const body = Buffer.concat([derInteger(r), derInteger(s > P256_ORDER >> 1n ? P256_ORDER - s : s)]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

/** The signer and hash options for fabric-gateway's `connect` for `key`: OpenSSL for P-256 keys (given the message, `hash.none`), fabric-gateway's signer otherwise. */
export function fabricSigning(key: KeyObject): { signer: Signer; hash: Hash } {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return { signer: signers.newPrivateKeySigner(key), hash: hash.sha256 };
  }
  return {
    signer: (message) => Promise.resolve(lowSDerFromP1363(sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' }))),
    hash: hash.none,
  };
}
