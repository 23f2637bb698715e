/**
 * Per-organisation endorsement through @hyperledger/fabric-gateway: each endorsing organisation
 * simulates the proposal itself, so a non-deterministic chaincode fails endorsement with the
 * error a Fabric v2.5 gateway gives (internal/pkg/gateway/endorsement.go).
 */
import { expect } from 'chai';
import { EndorseError, type ErrorDetail } from '@hyperledger/fabric-gateway';
import { common, gateway, msp, peer } from '@hyperledger/fabric-protos';
import type { RunningNetwork } from '@acetrace/network';
import { NondeterministicContract } from '@acetrace/network/dist/testing/nondeterministic-contract';
import { connectAs, removeDir, startNetwork, tempDataDir, utf8, type Client } from './helpers';

function detailsOf(err: EndorseError): { mspId: string; message: string }[] {
  return err.details.map((d: ErrorDetail) => ({ mspId: d.mspId, message: d.message })).sort((a, b) => a.mspId.localeCompare(b.mspId));
}

/** The endorsements' endorser MSP ids of a prepared transaction. */
function endorsingMsps(preparedBytes: Uint8Array): string[] {
  const envelope = gateway.PreparedTransaction.deserializeBinary(preparedBytes).getEnvelope();
  const payload = common.Payload.deserializeBinary(envelope?.getPayload_asU8() ?? new Uint8Array(0));
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = peer.ChaincodeActionPayload.deserializeBinary(tx.getActionsList()[0]?.getPayload_asU8() ?? new Uint8Array(0));
  return (action.getAction()?.getEndorsementsList() ?? []).map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid());
}

describe('embedded network: every organisation endorses with its own simulation', function () {
  this.timeout(60_000);
  let dataDir: string;
  let net: RunningNetwork;
  let client: Client;

  before(async () => {
    dataDir = tempDataDir();
    net = await startNetwork(dataDir, { contracts: [NondeterministicContract] });
    client = connectAs(net, 'org1-supplier');
  });

  after(async () => {
    client.close();
    await net.stop();
    removeDir(dataDir);
  });

  it('endorses a deterministic transaction with two organisations and commits it', async () => {
    const proposal = client.contract.newProposal('nondeterministic:put', { arguments: ['same', 'value'] });
    const tx = await proposal.endorse();
    expect(endorsingMsps(tx.getBytes())).to.deep.equal(['Org1MSP', 'Org2MSP']);
    const status = await (await tx.submit()).getStatus();
    expect(status.successful).to.equal(true);
  });

  it('refuses a non-deterministic transaction: 10 ABORTED, "ProposalResponsePayloads do not match" per endorser', async () => {
    const heightBefore = net.height();
    const err = (await client.contract.submitTransaction('nondeterministic:roll', 'dice').catch((e: unknown) => e)) as EndorseError;
    expect(err).to.be.instanceOf(EndorseError);
    expect(err.code).to.equal(10);
    expect(err.message).to.equal('10 ABORTED: failed to collect enough transaction endorsements, see attached details for more info');
    // the gateway peer (Org1) is the reference; the others' payloads differ and no layout is left
    expect(detailsOf(err)).to.deep.equal([
      { mspId: 'Org2MSP', message: 'ProposalResponsePayloads do not match' },
      { mspId: 'Org3MSP', message: 'ProposalResponsePayloads do not match' },
    ]);
    expect(err.details.every((d) => d.address.endsWith(`:${String(net.port)}`))).to.equal(true);
    await net.flush();
    expect(net.height()).to.equal(heightBefore);
  });

  it('gives the same error when the client names the endorsing organisations', async () => {
    const proposal = client.contract.newProposal('nondeterministic:roll', {
      arguments: ['dice-2'],
      endorsingOrganizations: ['Org1MSP', 'Org3MSP'],
    });
    const err = (await proposal.endorse().catch((e: unknown) => e)) as EndorseError;
    expect(err).to.be.instanceOf(EndorseError);
    expect(err.code).to.equal(10);
    expect(err.message).to.equal('10 ABORTED: failed to collect enough transaction endorsements, see attached details for more info');
    expect(detailsOf(err)).to.deep.equal([{ mspId: 'Org3MSP', message: 'ProposalResponsePayloads do not match' }]);
  });

  it('still evaluates the non-deterministic function (one peer answers a query)', async () => {
    const result = utf8(await client.contract.evaluateTransaction('nondeterministic:roll', 'dice'));
    expect(result).to.match(/^[0-9a-f-]{36}$/);
  });
});

describe('embedded network: ANY endorsement policy needs one simulation only', function () {
  this.timeout(60_000);
  it('commits the non-deterministic transaction when one organisation suffices', async () => {
    const dataDir = tempDataDir();
    const net = await startNetwork(dataDir, { contracts: [NondeterministicContract], endorsementPolicy: 'ANY' });
    const client = connectAs(net, 'org2-supplier');
    try {
      const proposal = client.contract.newProposal('nondeterministic:roll', { arguments: ['once'] });
      const tx = await proposal.endorse();
      expect(endorsingMsps(tx.getBytes())).to.deep.equal(['Org2MSP']);
      expect((await (await tx.submit()).getStatus()).successful).to.equal(true);
    } finally {
      client.close();
      await net.stop();
      removeDir(dataDir);
    }
  });
});
