import { ledger as ledgerProtos, peer } from '@hyperledger/fabric-protos';

import { Ledger } from '../ledger/ledger';
import { fromTxReadWriteSet } from '../ledger/rwset';
import { CertificateAuthority, type SigningIdentity } from '../msp/ca';
import { buildSignedProposal } from '../msp/proposal';
import { expect } from '../testing/chai.test';
import { fixtureContracts } from '../testing/fixture-contract';
import { LedgerHarness } from '../testing/ledger-harness';
import { ChaincodeRuntime } from './chaincode-runtime';

describe('ChaincodeRuntime', () => {
  let ledger: Ledger;
  let runtime: ChaincodeRuntime;
  let signer: SigningIdentity;

  before(async () => {
    const ca = await CertificateAuthority.create('Org1MSP');
    signer = await ca.issue({ enrollmentId: 'user', role: 'supplier' });
  });

  beforeEach(() => {
    ledger = Ledger.open(':memory:');
    runtime = new ChaincodeRuntime({ contracts: fixtureContracts, chaincodeName: 'acetrace' });
  });

  afterEach(() => { ledger.close(); });

  function proposal(fn: string, ...args: string[]): Uint8Array {
    return buildSignedProposal({ signer, channelId: 'ch', chaincodeName: 'acetrace', transactionName: fn, args }).signedProposalBytes;
  }

  it('returns the response, the event and a serialisable TxReadWriteSet', async () => {
    const out = await runtime.invoke(ledger, proposal('put', 'k', 'v'));
    expect(out.response.status).to.equal(200);
    expect(out.event?.eventName).to.equal('Put');
    expect(out.channelId).to.equal('ch');
    const bytes = out.rwset.serializeBinary();
    const decoded = ledgerProtos.rwset.TxReadWriteSet.deserializeBinary(bytes);
    expect(decoded.getNsRwsetList()[0]?.getNamespace()).to.equal('acetrace');
    expect(fromTxReadWriteSet(bytes)[0]?.writes.map((w) => w.key)).to.deep.equal(['k']);
    // the rwset commits as is
    expect(ledger.validateAndCommit({ number: 0, transactions: [{ txId: out.txId, timestampSeconds: 1, timestampNanos: 0, creatorMspId: 'Org1MSP', rwset: bytes }] })).to.deep.equal([0]);
  });

  it('takes the SignedProposal as a message too, and gives a read-only query an empty write set', async () => {
    await runtime.invoke(ledger, proposal('put', 'k', 'v'));
    const out = await runtime.invoke(ledger, peer.SignedProposal.deserializeBinary(proposal('get', 'k')));
    expect(out.response.status).to.equal(200);
    expect(fromTxReadWriteSet(out.rwset)[0]?.writes).to.deep.equal([]);
    expect(out.event).to.equal(undefined);
  });

  it('answers an unknown function with status 500 and refuses another chaincode name', async () => {
    const out = await runtime.invoke(ledger, proposal('nope'));
    expect(out.response.status).to.equal(500);
    expect(out.response.message).to.include('nope');
    const other = buildSignedProposal({ signer, channelId: 'ch', chaincodeName: 'other', transactionName: 'get', args: ['k'] });
    let error: unknown;
    try {
      await runtime.invoke(ledger, other.signedProposal);
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.include('chaincode other is not defined');
  });

  it('refuses private data, chaincode-to-chaincode calls and writes after a paginated query', async () => {
    const priv = await runtime.invoke(ledger, proposal('privateGet', 'coll', 'k'));
    expect(priv.response).to.include({ status: 500, message: 'private data is not supported by the embedded network (collection "coll")' });
    const call = await runtime.invoke(ledger, proposal('callOther', 'cc2'));
    expect(call.response.message).to.include('chaincode-to-chaincode invocation (cc2) is not supported');
    const page = await runtime.invoke(ledger, proposal('pageThenPut', 'k'));
    expect(page.response.message).to.equal('transaction has already performed a paginated query. Writes are not allowed');
  });

  it('stores key-level endorsement policies as state metadata (not enforced)', async () => {
    const h = await LedgerHarness.create({ contracts: fixtureContracts });
    try {
      const id = await h.identity({ mspId: 'Org1MSP', role: 'admin' });
      await h.submit(id, 'put', 'k', 'v');
      const tx = await h.simulate(id, 'setEndorsementPolicy', 'k', 'policy-bytes');
      expect(fromTxReadWriteSet(tx.rwset)[0]?.metadataWrites.map((m) => m.key)).to.deep.equal(['k']);
      expect(await h.commit([tx])).to.deep.equal(['VALID']);
      expect(await h.evaluate(id, 'getEndorsementPolicy', 'k')).to.equal('policy-bytes');
      await h.submit(id, 'put', 'k', 'v2');
      expect(await h.evaluate(id, 'getEndorsementPolicy', 'k')).to.equal('policy-bytes');
    } finally {
      await h.close();
    }
  });
});
