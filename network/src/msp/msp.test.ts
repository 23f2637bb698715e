import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';

import { expect } from '../testing/chai.test';
import { CertificateAuthority } from './ca';
import { isLowS, sign, toHighS } from './ecdsa';
import { buildSignedProposal, computeTxId, decodeSignedProposal } from './proposal';
import { MspError, MspRegistry, serializeIdentity } from './registry';

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MspError) return err.reason;
    throw err;
  }
  return 'accepted';
}

describe('msp', () => {
  let org1: CertificateAuthority;
  let org2: CertificateAuthority;
  let registry: MspRegistry;

  before(async () => {
    org1 = await CertificateAuthority.create('Org1MSP');
    org2 = await CertificateAuthority.create('Org2MSP');
    registry = new MspRegistry([
      { mspId: 'Org1MSP', caCertPem: org1.certPem },
      { mspId: 'Org2MSP', caCertPem: org2.certPem },
    ]);
  });

  it('issues Fabric-CA-shaped certificates carrying the role attribute', async () => {
    const id = await org1.issue({ enrollmentId: 'alice', role: 'auditor', ou: 'client' });
    const cert = new X509Certificate(id.certPem);
    expect(cert.subject).to.equal('CN=alice\nOU=client\nO=Org1MSP');
    expect(cert.checkIssued(new X509Certificate(org1.certPem))).to.equal(true);
    expect(id.keyPem).to.match(/^-----BEGIN PRIVATE KEY-----/);
    const who = registry.identify(serializeIdentity('Org1MSP', id.certPem));
    expect(who).to.include({ mspId: 'Org1MSP', enrollmentId: 'alice', ou: 'client', role: 'auditor' });
    expect(who.attrs).to.deep.equal({ 'acetrace.role': 'auditor', 'hf.Affiliation': '', 'hf.EnrollmentID': 'alice', 'hf.Type': 'client' });
  });

  it('signs low-S and verifies a good signature', async () => {
    const id = await org1.issue({ enrollmentId: 'bob', role: 'supplier' });
    const creator = serializeIdentity('Org1MSP', id.certPem);
    for (let i = 0; i < 20; i++) {
      const message = Buffer.from(`message ${String(i)}`);
      const signature = sign(id.keyPem, message);
      expect(isLowS(signature)).to.equal(true);
      expect(registry.verify(creator, message, signature).role).to.equal('supplier');
    }
  });

  it('rejects a wrong key, a tampered message, a high-S twin, an unknown CA or MSP', async () => {
    const id = await org1.issue({ enrollmentId: 'carol', role: 'supplier' });
    const other = await org1.issue({ enrollmentId: 'dave', role: 'supplier' });
    const creator = serializeIdentity('Org1MSP', id.certPem);
    const message = Buffer.from('proposal bytes');
    const signature = sign(id.keyPem, message);

    expect(reason(() => registry.verify(creator, message, sign(other.keyPem, message)))).to.equal('BAD_SIGNATURE');
    expect(reason(() => registry.verify(creator, Buffer.from('other bytes'), signature))).to.equal('BAD_SIGNATURE');
    expect(reason(() => registry.verify(creator, message, toHighS(signature)))).to.equal('HIGH_S_SIGNATURE');
    expect(reason(() => registry.verify(creator, message, Buffer.from('junk')))).to.equal('BAD_SIGNATURE');

    const rogueCa = await CertificateAuthority.create('Org1MSP');
    const rogue = await rogueCa.issue({ enrollmentId: 'mallory', role: 'admin' });
    expect(reason(() => registry.verify(serializeIdentity('Org1MSP', rogue.certPem), message, sign(rogue.keyPem, message)))).to.equal(
      'UNTRUSTED_CERTIFICATE',
    );
    // an Org1 certificate claimed for Org2
    expect(reason(() => registry.verify(serializeIdentity('Org2MSP', id.certPem), message, signature))).to.equal('UNTRUSTED_CERTIFICATE');
    expect(reason(() => registry.verify(serializeIdentity('Org9MSP', id.certPem), message, signature))).to.equal('UNKNOWN_MSP');
    expect(reason(() => registry.identify(serializeIdentity('Org1MSP', 'not a cert')))).to.equal('MALFORMED_IDENTITY');
    expect(reason(() => registry.identify(creator, new Date('2000-01-01')))).to.equal('EXPIRED_CERTIFICATE');
  });

  it('saves and loads a CA that keeps issuing trusted certificates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acetrace-ca-'));
    try {
      await org2.save(dir);
      expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).to.equal(0o600);
      const loaded = await CertificateAuthority.load(dir);
      expect(loaded.mspId).to.equal('Org2MSP');
      expect(loaded.certPem).to.equal(org2.certPem);
      const id = await loaded.issue({ enrollmentId: 'erin', role: 'broker' });
      expect(registry.identify(serializeIdentity('Org2MSP', id.certPem)).role).to.equal('broker');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('issues TLS server certificates with localhost, 127.0.0.1 and the host alias', async () => {
    const tlsCa = await CertificateAuthority.create('Org1MSP', { commonName: 'tlsca.org1' });
    const tls = await tlsCa.issueTlsServer({ commonName: 'peer0.org1', hosts: ['peer0.org1.example.com'] });
    const cert = new X509Certificate(tls.certPem);
    expect(cert.subjectAltName).to.include('DNS:localhost').and.include('IP Address:127.0.0.1').and.include('DNS:peer0.org1.example.com');
    expect(cert.checkHost('localhost')).to.equal('localhost');
    expect(cert.checkIP('127.0.0.1')).to.equal('127.0.0.1');
    expect(cert.verify(new X509Certificate(tlsCa.certPem).publicKey)).to.equal(true);
  });

  it('builds proposals like fabric-gateway and decodes them back', async () => {
    const id = await org1.issue({ enrollmentId: 'frank', role: 'supplier' });
    const when = new Date('2026-02-03T04:05:06.789Z');
    const built = buildSignedProposal({
      signer: id,
      channelId: 'acetrace',
      chaincodeName: 'acetrace',
      transactionName: 'RegisterLot',
      args: ['{"lotId":"L1"}'],
      transientMap: { secret: Buffer.from('s') },
      timestamp: when,
    });
    const d = decodeSignedProposal(built.signedProposalBytes);
    expect(d.txId).to.equal(built.txId);
    expect(d.txId).to.equal(computeTxId(d.nonce, d.creator));
    expect(d.nonce).to.have.length(24);
    expect(d.channelHeader.getType()).to.equal(common.HeaderType.ENDORSER_TRANSACTION);
    expect(d.channelHeader.getEpoch()).to.equal(0);
    expect(peer.ChaincodeHeaderExtension.deserializeBinary(d.channelHeader.getExtension_asU8()).getChaincodeId()?.getName()).to.equal('acetrace');
    expect(d).to.include({ channelId: 'acetrace', chaincodeName: 'acetrace', creatorMspId: 'Org1MSP' });
    expect(d.timestamp).to.deep.equal({ seconds: Math.floor(when.getTime() / 1000), nanos: 789_000_000 });
    expect(d.args.map((a) => Buffer.from(a).toString())).to.deep.equal(['RegisterLot', '{"lotId":"L1"}']);
    expect(registry.verify(d.creator, d.proposalBytes, d.signature).enrollmentId).to.equal('frank');
    // the proposal hash leaves the transient map out
    const again = buildSignedProposal({ signer: id, channelId: 'acetrace', chaincodeName: 'acetrace', transactionName: 'RegisterLot', args: ['{"lotId":"L1"}'], timestamp: when, nonce: d.nonce });
    expect(Buffer.from(decodeSignedProposal(again.signedProposal).proposalHash).equals(Buffer.from(d.proposalHash))).to.equal(true);
  });
});
