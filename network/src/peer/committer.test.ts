/**
 * The committer's own envelope checks (fab core/common/validation/msgvalidation.go): the orderer
 * already refuses a forged envelope at Submit, but a block may come from elsewhere, so the
 * committer still marks one BAD_CREATOR_SIGNATURE and keeps it in the block.
 */
import { createPrivateKey } from 'node:crypto';
import { expect } from 'chai';
import { common, peer } from '@hyperledger/fabric-protos';
import pino from 'pino';
import { Ledger } from '../ledger/ledger';
import { CertificateAuthority } from '../msp/ca';
import { buildSignedProposal } from '../msp/proposal';
import { MspRegistry } from '../msp/registry';
import { sign } from '../msp/ecdsa';
import { CommitNotifier } from './commit-notifier';
import { Committer } from './committer';
import { channelDeserializer } from './msp-adapter';
import { majorityPolicy } from './tx-validator';

describe('Committer', () => {
  let ca: CertificateAuthority;
  let ledger: Ledger;
  let committer: Committer;

  before(async () => {
    ca = await CertificateAuthority.create('Org1MSP', { commonName: 'ca.org1.test' });
    ledger = Ledger.open(':memory:');
    ledger.validateAndCommit({ number: 0, transactions: [], headerHash: Buffer.alloc(32), bytes: new Uint8Array(0) });
    committer = new Committer({
      channelId: 'ch',
      ledger,
      deserializer: channelDeserializer(new MspRegistry([{ mspId: 'Org1MSP', caCertPem: ca.certPem }])),
      policy: majorityPolicy(['Org1MSP']),
      notifier: new CommitNotifier(),
      logger: pino({ level: 'silent' }),
    });
  });

  after(() => {
    ledger.close();
  });

  async function envelope(signedBy: 'creator' | 'someone else'): Promise<{ bytes: Uint8Array; txId: string }> {
    const creatorId = await ca.issue({ enrollmentId: 'alice', ou: 'client' });
    const other = await ca.issue({ enrollmentId: 'mallory', ou: 'client' });
    // the header a real client proposal carries, built by the production proposal builder
    const { txId, signedProposal } = buildSignedProposal({ signer: creatorId, channelId: 'ch', chaincodeName: 'cc', transactionName: 'noop' });
    const header = common.Header.deserializeBinary(peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8()).getHeader_asU8());
    const payload = new common.Payload();
    payload.setHeader(header);
    const env = new common.Envelope();
    env.setPayload(payload.serializeBinary());
    const key = createPrivateKey(signedBy === 'creator' ? creatorId.keyPem : other.keyPem);
    env.setSignature(sign(key, env.getPayload_asU8()));
    return { bytes: env.serializeBinary(), txId };
  }

  it('marks an envelope signed by someone other than its creator BAD_CREATOR_SIGNATURE (4) and keeps it in the block', async () => {
    const forged = await envelope('someone else');
    const genuine = await envelope('creator');
    await committer.commitBatch([forged.bytes, genuine.bytes]);
    expect(ledger.getTxStatus(forged.txId)?.code).to.equal(4);
    // the genuine signature passes; this bare envelope then fails as an endorser transaction
    expect(ledger.getTxStatus(genuine.txId)?.code).to.equal(5);
    expect(ledger.getBlockValidationCodes(1)).to.deep.equal([4, 5]);
  });
});
