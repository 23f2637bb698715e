/**
 * The embedded network through the official @hyperledger/fabric-gateway client: evaluate,
 * submit, commit status, and the peer's error statuses, messages and details.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CommitError, EndorseError, GatewayError, signers } from '@hyperledger/fabric-gateway';
import { CertificateAuthority } from '@acetrace/network';
import {
  SuiteNetwork,
  connectAs,
  connectWith,
  documentEvent,
  json,
  lotInput,
  removeDir,
  startNetwork,
  tempDataDir,
  type Client,
} from './helpers';

describe('embedded network: Gateway service via fabric-gateway', function () {
  this.timeout(60_000);
  const nw = new SuiteNetwork();
  before(() => nw.start());
  after(() => nw.stop());

  it('writes connection.json with a peer per org and an identity per role', () => {
    expect(nw.net.connection.channel).to.equal('acetrace');
    expect(nw.net.connection.chaincode).to.equal('acetrace');
    expect(nw.net.connection.peers.map((p) => p.mspId)).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    expect(nw.net.connection.peers[0]).to.include({ endpoint: nw.net.endpoint, hostAlias: 'peer0.org1.acetrace.local' });
    expect(nw.net.connection.identities).to.have.length(21);
    expect(nw.net.connection.identities.find((i) => i.name === 'org2-auditor')).to.include({ mspId: 'Org2MSP', role: 'auditor' });
  });

  it('submits a transaction and reports its commit status with the block number', async () => {
    const submitted = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-SUBMIT'))] });
    const result = json<{ created: boolean; lot: { lotId: string; ownerMsp: string; txId: string } }>(submitted.getResult());
    expect(result.created).to.equal(true);
    expect(result.lot).to.include({ lotId: 'LOT-SUBMIT', ownerMsp: 'Org1MSP', txId: submitted.getTransactionId() });
    const status = await submitted.getStatus();
    expect(status.successful).to.equal(true);
    expect(status.code).to.equal(0);
    expect(status.transactionId).to.equal(submitted.getTransactionId());
    expect(status.blockNumber > 0n).to.equal(true);
  });

  it('evaluates against committed state', async () => {
    await nw.supplier.contract.submitTransaction('RegisterLot', JSON.stringify(lotInput('LOT-EVAL')));
    const viewer = connectAs(nw.net, 'org2-viewer');
    try {
      const view = json<{ lot: { lotId: string; ownerMsp: string } }>(await viewer.contract.evaluateTransaction('ReadLot', 'LOT-EVAL'));
      expect(view.lot).to.include({ lotId: 'LOT-EVAL', ownerMsp: 'Org1MSP' });
    } finally {
      viewer.close();
    }
  });

  it('answers a commit status request that arrives before the block is cut', async () => {
    const slowNetDir = tempDataDir();
    const slow = await startNetwork(slowNetDir, { batchTimeoutMs: 1500 });
    const client = connectAs(slow, 'org1-supplier');
    try {
      const submitted = await client.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-SLOW'))] });
      const started = Date.now();
      const status = await submitted.getStatus();
      expect(status.successful).to.equal(true);
      expect(Date.now() - started).to.be.greaterThan(500);
    } finally {
      client.close();
      await slow.stop();
      removeDir(slowNetDir);
    }
  });

  it('returns a chaincode error on evaluate as GatewayError 2 UNKNOWN with the peer message', async () => {
    const err = await nw.supplier.contract.evaluateTransaction('ReadLot', 'NO-SUCH-LOT').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(GatewayError);
    const gw = err as GatewayError;
    expect(gw.code).to.equal(2);
    expect(gw.message).to.match(/^2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: /);
    expect(gw.details).to.have.length(1);
    expect(gw.details[0]).to.include({ mspId: 'Org1MSP', address: `peer0.org1.acetrace.local:${String(nw.net.port)}` });
    expect(gw.details[0]?.message).to.match(/^chaincode response 500, NOT_FOUND: /);
  });

  it('refuses to endorse a failing transaction: EndorseError 10 ABORTED, chaincode message in details', async () => {
    const bad = lotInput('LOT-BAD', { htsCode: 'not-a-code' });
    const err = await nw.supplier.contract.submitTransaction('RegisterLot', JSON.stringify(bad)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EndorseError);
    const endorseError = err as EndorseError;
    expect(endorseError.code).to.equal(10);
    expect(endorseError.message).to.equal('10 ABORTED: failed to endorse transaction, see attached details for more info');
    expect(endorseError.transactionId).to.match(/^[0-9a-f]{64}$/);
    expect(endorseError.details[0]?.mspId).to.equal('Org1MSP');
    expect(endorseError.details[0]?.message).to.match(/^chaincode response 500, INVALID_ARGUMENT: .*htsCode/);
  });

  it('marks the second of two conflicting transactions in one block MVCC_READ_CONFLICT (CommitError 11)', async () => {
    await nw.supplier.contract.submitTransaction('RegisterLot', JSON.stringify(lotInput('LOT-MVCC')));
    const events = JSON.stringify([documentEvent('EV-MVCC-1', 'LOT-MVCC')]);
    const [a, b] = await Promise.all([
      nw.supplier.contract.submitAsync('RecordEvents', { arguments: [events] }),
      nw.supplier.contract.submitAsync('RecordEvents', { arguments: [events] }),
    ]);
    const [sa, sb] = await Promise.all([a.getStatus(), b.getStatus()]);
    expect(sa.blockNumber).to.equal(sb.blockNumber);
    expect([sa.code, sb.code].sort()).to.deep.equal([0, 11]);

  });

  it('throws CommitError with code 11 from submitTransaction when it loses the conflict', async () => {
    await nw.supplier.contract.submitTransaction('RegisterLot', JSON.stringify(lotInput('LOT-MVCC-3')));
    const args = JSON.stringify([documentEvent('EV-MVCC-3', 'LOT-MVCC-3')]);
    const results = await Promise.allSettled([
      nw.supplier.contract.submitTransaction('RecordEvents', args),
      nw.supplier.contract.submitTransaction('RecordEvents', args),
    ]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).to.have.length(1);
    const reason = rejected[0]?.reason as CommitError;
    expect(reason).to.be.instanceOf(CommitError);
    expect(reason.code).to.equal(11);
    expect(reason.message).to.equal(`Transaction ${reason.transactionId} failed to commit with status code 11 (MVCC_READ_CONFLICT)`);
  });

  describe('identities the channel does not know', () => {
    let foreign: Client;
    let unknownMsp: Client;

    before(async () => {
      // A CA calling itself Org1MSP, but not the one the channel trusts
      const rogueCa = await CertificateAuthority.create('Org1MSP');
      const rogue = await rogueCa.issue({ enrollmentId: 'mallory', role: 'admin' });
      foreign = connectWith(nw.net, 'Org1MSP', Buffer.from(rogue.certPem), signers.newPrivateKeySigner(createPrivateKey(rogue.keyPem)));
      const otherCa = await CertificateAuthority.create('Org9MSP');
      const other = await otherCa.issue({ enrollmentId: 'eve', role: 'supplier' });
      unknownMsp = connectWith(nw.net, 'Org9MSP', Buffer.from(other.certPem), signers.newPrivateKeySigner(createPrivateKey(other.keyPem)));
    });

    after(() => {
      foreign.close();
      unknownMsp.close();
    });

    it('refuses evaluate with FAILED_PRECONDITION and access denied', async () => {
      const err = (await foreign.contract.evaluateTransaction('ReadLot', 'LOT-EVAL').catch((e: unknown) => e)) as GatewayError;
      expect(err).to.be.instanceOf(GatewayError);
      expect(err.code).to.equal(9);
      expect(err.message).to.equal(
        '9 FAILED_PRECONDITION: evaluate call to endorser returned error: error validating proposal: access denied: channel [acetrace] creator org [Org1MSP]',
      );
      expect(err.details[0]?.message).to.equal('error validating proposal: access denied: channel [acetrace] creator org [Org1MSP]');
    });

    it('refuses endorsement with ABORTED and the access-denied detail', async () => {
      const err = (await foreign.contract.submitTransaction('RegisterLot', JSON.stringify(lotInput('LOT-ROGUE'))).catch((e: unknown) => e)) as EndorseError;
      expect(err).to.be.instanceOf(EndorseError);
      expect(err.code).to.equal(10);
      expect(err.details[0]?.message).to.equal('error validating proposal: access denied: channel [acetrace] creator org [Org1MSP]');
    });

    it('refuses an MSP that is not on the channel', async () => {
      const err = (await unknownMsp.contract.evaluateTransaction('ReadLot', 'LOT-EVAL').catch((e: unknown) => e)) as GatewayError;
      expect(err.code).to.equal(9);
      expect(err.details[0]?.message).to.equal(
        'error validating proposal: access denied: channel [acetrace] creator org unknown, creator is malformed',
      );
    });

    it('refuses a chaincode events request with PERMISSION_DENIED', async () => {
      const events = await foreign.gateway.getNetwork('acetrace').getChaincodeEvents('acetrace', { startBlock: 0n });
      try {
        const err = (await events[Symbol.asyncIterator]().next().catch((e: unknown) => e)) as GatewayError;
        expect(err).to.be.instanceOf(GatewayError);
        expect(err.code).to.equal(7);
      } finally {
        events.close();
      }
    });
  });

  describe('transactions signed wrongly or not at all', () => {
    it('rejects an unsigned prepared transaction with INVALID_ARGUMENT', async () => {
      const tx = await nw.supplier.contract.newProposal('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-UNSIGNED'))] }).endorse();
      const emptySigner = connectWith(
        nw.net,
        'Org1MSP',
        Buffer.from(''),
        () => Promise.resolve(new Uint8Array(0)),
      );
      try {
        const unsigned = emptySigner.gateway.newSignedTransaction(tx.getBytes(), new Uint8Array(0));
        const err = (await unsigned.submit().catch((e: unknown) => e)) as GatewayError;
        expect(err).to.be.instanceOf(GatewayError);
        expect(err.code).to.equal(3);
        expect(err.message).to.equal('3 INVALID_ARGUMENT: prepared transaction must be signed');
      } finally {
        emptySigner.close();
      }
    });

    // The orderer's Broadcast filter refuses it before ordering (submit-checks.test.ts); the
    // committer's own BAD_CREATOR_SIGNATURE (4) check is covered in network committer.test.ts.
    it('refuses at Submit an envelope signed by someone other than its creator (SubmitError 10 FORBIDDEN)', async () => {
      const tx = await nw.supplier.contract.newProposal('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-FORGED'))] }).endorse();
      const other = nw.net.connection.identities.find((i) => i.name === 'org1-broker');
      if (other === undefined) throw new Error('no org1-broker');
      const otherSigner = signers.newPrivateKeySigner(createPrivateKey(readFileSync(other.keyPath)));
      const forged = nw.supplier.gateway.newSignedTransaction(tx.getBytes(), await otherSigner(tx.getDigest()));
      const refused = (await forged.submit().catch((e: unknown) => e)) as GatewayError;
      expect(refused).to.be.instanceOf(GatewayError);
      expect(refused.name).to.equal('SubmitError');
      expect(refused.code).to.equal(10);
      expect(refused.message).to.match(/^10 ABORTED: received unsuccessful response from orderer: status=FORBIDDEN, info=/);
      await nw.net.flush();
      const view = await nw.supplier.contract.evaluateTransaction('ReadLot', 'LOT-FORGED').catch((e: unknown) => e);
      expect(view).to.be.instanceOf(GatewayError);
    });

    it('refuses to endorse a proposal whose transaction id is already committed', async () => {
      const proposal = nw.supplier.contract.newProposal('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-REPLAY'))] });
      const tx = await proposal.endorse();
      await (await tx.submit()).getStatus();
      const again = (await proposal.endorse().catch((e: unknown) => e)) as EndorseError;
      expect(again).to.be.instanceOf(EndorseError);
      expect(again.details[0]?.message).to.match(/^duplicate transaction found \[[0-9a-f]{64}\]/);
    });
  });
});
