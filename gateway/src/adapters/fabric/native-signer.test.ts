import { createHash, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { hash, signers } from '@hyperledger/fabric-gateway';
import { expect } from '../../chai.test';
import { fabricSigning, lowSDerFromP1363 } from './native-signer';

const HALF_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') >> 1n;

/** S of a DER P-256 signature (lengths under 128 bytes). */
function sOf(der: Uint8Array): bigint {
  const rLength = der[3] ?? 0;
  const sStart = 4 + rLength;
  const sLength = der[sStart + 1] ?? 0;
  return BigInt(`0x${Buffer.from(der.subarray(sStart + 2, sStart + 2 + sLength)).toString('hex')}`);
}

describe('fabricSigning (OpenSSL ECDSA for fabric-gateway)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('signs the message itself (hash.none) with ECDSA-SHA256, DER, low S, verifiable by node:crypto', async () => {
    const signing = fabricSigning(privateKey);
    expect(signing.hash).to.equal(hash.none);
    for (let i = 0; i < 64; i++) {
      const message = randomBytes(1 + i * 7);
      const der = await signing.signer(signing.hash(message));
      expect(verify('sha256', message, publicKey, der), `message ${String(i)}`).to.equal(true);
      expect(sOf(der) <= HALF_ORDER, `low S, message ${String(i)}`).to.equal(true);
    }
  });

  it('signs what fabric-gateway’s own signer verifies the same way (both over SHA-256 of the message)', async () => {
    const message = randomBytes(300);
    const theirs = await signers.newPrivateKeySigner(privateKey)(createHash('sha256').update(message).digest());
    const signing = fabricSigning(privateKey);
    const ours = await signing.signer(signing.hash(message));
    expect(verify('sha256', message, publicKey, theirs)).to.equal(true);
    expect(verify('sha256', message, publicKey, ours)).to.equal(true);
  });

  it('rewrites a high S to n − S and keeps r', () => {
    const order = HALF_ORDER * 2n + 1n;
    const r = 5n;
    const high = order - 7n;
    const p1363 = Buffer.from(r.toString(16).padStart(64, '0') + high.toString(16).padStart(64, '0'), 'hex');
    const der = lowSDerFromP1363(p1363);
    expect(sOf(der)).to.equal(7n);
    expect([...der.subarray(0, 5)]).to.deep.equal([0x30, der.length - 2, 0x02, 1, 5]);
  });

  it('keeps fabric-gateway’s signer and SHA-256 for keys other than P-256', () => {
    const { privateKey: p384 } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(fabricSigning(p384).hash).to.equal(hash.sha256);
  });
});
