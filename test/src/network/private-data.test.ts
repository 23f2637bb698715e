/**
 * Private data of implicit organisation collections through @hyperledger/fabric-gateway, as on a
 * Fabric v2.5 peer: transient data, hashes on the shared ledger, the member organisation's peer
 * alone serving the cleartext, target organisations on evaluate and endorse, the collection's
 * endorsement policy at validation, purge, and nothing in clear at rest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { CommitError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { common, gateway, msp, peer } from '@hyperledger/fabric-protos';
import type { RunningNetwork } from '@acetrace/network';
import { fixtureContracts } from '@acetrace/network/dist/testing/fixture-contract';
import { connectAs, removeDir, startNetwork, tempDataDir, utf8, type Client } from './helpers';

const ORG1 = '_implicit_org_Org1MSP';
const MARKER = 'MARKER-consignee-5d1e';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function endorsingMsps(preparedBytes: Uint8Array): string[] {
  const envelope = gateway.PreparedTransaction.deserializeBinary(preparedBytes).getEnvelope();
  const payload = common.Payload.deserializeBinary(envelope?.getPayload_asU8() ?? new Uint8Array(0));
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = peer.ChaincodeActionPayload.deserializeBinary(tx.getActionsList()[0]?.getPayload_asU8() ?? new Uint8Array(0));
  return (action.getAction()?.getEndorsementsList() ?? []).map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid()).sort();
}

function transient(value: string): Record<string, Uint8Array> {
  return { value: Buffer.from(value) };
}

async function failure<T>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (err) {
    return err as T;
  }
  throw new Error('expected a failure');
}

describe('embedded network: private data of implicit organisation collections', function () {
  this.timeout(120_000);
  let dataDir: string;
  let net: RunningNetwork;
  let org1: Client;
  let org2: Client;

  before(async () => {
    dataDir = tempDataDir();
    net = await startNetwork(dataDir, { contracts: fixtureContracts });
    org1 = connectAs(net, 'org1-supplier');
    org2 = connectAs(net, 'org2-supplier');
  });

  after(async () => {
    org1.close();
    org2.close();
    await net.stop();
    removeDir(dataDir);
  });

  it('evaluates on the client\'s own peer, or on the target organisation\'s peer only', async () => {
    const view = async (client: Client, options: { endorsingOrganizations?: string[]; transientData?: Record<string, Uint8Array> }): Promise<unknown> =>
      JSON.parse(utf8(await client.contract.evaluate('peerView', { arguments: [], ...options }))) as unknown;
    expect(await view(org1, {})).to.deep.equal({ mspId: 'Org1MSP', transientKeys: [] });
    expect(await view(org2, { transientData: transient('x') })).to.deep.equal({ mspId: 'Org2MSP', transientKeys: ['value'] });
    expect(await view(org1, { endorsingOrganizations: ['Org3MSP'], transientData: transient('x') })).to.deep.equal({
      mspId: 'Org3MSP',
      transientKeys: ['value'],
    });
  });

  it('endorses a private-only write on the owner\'s peer alone and commits it under the collection policy', async () => {
    const tx = await org1.contract.newProposal('pvtPut', { arguments: [ORG1, 'lot-1'], transientData: transient(MARKER) }).endorse();
    expect(endorsingMsps(tx.getBytes())).to.deep.equal(['Org1MSP']);
    expect(Buffer.from(tx.getBytes()).includes(MARKER)).to.equal(false);
    expect((await (await tx.submit()).getStatus()).successful).to.equal(true);
    expect(utf8(await org1.contract.evaluate('pvtGet', { arguments: [ORG1, 'lot-1'] }))).to.equal(MARKER);
  });

  it('serves nothing from a non-member peer: Fabric\'s hash-version error; the hash is public', async () => {
    const err = await failure<GatewayError>(org2.contract.evaluate('pvtGet', { arguments: [ORG1, 'lot-1'] }));
    expect(err).to.be.instanceOf(GatewayError);
    expect(err.code).to.equal(2);
    expect(err.details[0]?.mspId).to.equal('Org2MSP');
    expect(err.details[0]?.message).to.match(/private data matching public hash version is not available\. Public hash version = \{BlockNum: \d+, TxNum: 0\}, Private data version = <nil>$/);
    // even when the owner's client targets another organisation's peer
    const targeted = await failure<GatewayError>(org1.contract.evaluate('pvtGet', { arguments: [ORG1, 'lot-1'], endorsingOrganizations: ['Org3MSP'] }));
    expect(targeted.details[0]?.mspId).to.equal('Org3MSP');
    expect(utf8(await org2.contract.evaluate('pvtHash', { arguments: [ORG1, 'lot-1'] }))).to.have.length(64);
  });

  it('refuses to spread transient data beyond the collection for a public+private write; endorsing organisations fix it', async () => {
    const err = await failure<EndorseError>(
      org1.contract.submit('pvtPutWithPublic', { arguments: [ORG1, 'lot-2', 'pub-2'], transientData: transient(MARKER) }),
    );
    expect(err).to.be.instanceOf(EndorseError);
    expect(err.code).to.equal(9);
    expect(err.message).to.equal(
      `9 FAILED_PRECONDITION: requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): [${ORG1}]; retry specifying trusted endorsing organizations to protect transient data`,
    );
    const tx = await org1.contract
      .newProposal('pvtPutWithPublic', { arguments: [ORG1, 'lot-2', 'pub-2'], transientData: transient(MARKER), endorsingOrganizations: ['Org1MSP', 'Org2MSP'] })
      .endorse();
    expect(endorsingMsps(tx.getBytes())).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect((await (await tx.submit()).getStatus()).successful).to.equal(true);
    expect(utf8(await org1.contract.evaluate('get', { arguments: ['pub-2'] }))).to.equal('private lot-2');
  });

  it('invalidates private writes not endorsed by the collection\'s organisation (ENDORSEMENT_POLICY_FAILURE)', async () => {
    const privateOnly = await failure<CommitError>(
      org1.contract.submit('pvtPut', { arguments: [ORG1, 'lot-3'], transientData: transient('x'), endorsingOrganizations: ['Org2MSP'] }),
    );
    expect(privateOnly).to.be.instanceOf(CommitError);
    expect(privateOnly.code).to.equal(10);
    // the chaincode policy (2 of 3) holds, the collection's does not
    const mixed = await failure<CommitError>(
      org1.contract.submit('pvtPutWithPublic', {
        arguments: [ORG1, 'lot-4', 'pub-4'],
        transientData: transient('x'),
        endorsingOrganizations: ['Org2MSP', 'Org3MSP'],
      }),
    );
    expect(mixed.code).to.equal(10);
  });

  it('purges a private value: the owner\'s peer then returns nothing, the hash is gone', async () => {
    await org1.contract.submit('pvtPut', { arguments: [ORG1, 'lot-5'], transientData: transient(`${MARKER}-purge`) });
    expect(utf8(await org1.contract.evaluate('pvtGet', { arguments: [ORG1, 'lot-5'] }))).to.equal(`${MARKER}-purge`);
    await org1.contract.submit('pvtPurge', { arguments: [ORG1, 'lot-5'] });
    expect(utf8(await org1.contract.evaluate('pvtGet', { arguments: [ORG1, 'lot-5'] }))).to.equal('');
    expect(utf8(await org2.contract.evaluate('pvtHash', { arguments: [ORG1, 'lot-5'] }))).to.equal('');
  });

  it('keeps the marker out of every block served to another organisation and out of every file', async () => {
    await net.flush();
    const qscc = org2.gateway.getNetwork('acetrace').getContract('qscc');
    for (let n = 0; n < net.height(); n++) {
      const block = await qscc.evaluateTransaction('GetBlockByNumber', 'acetrace', String(n));
      expect(Buffer.from(block).includes(MARKER), `block ${String(n)}`).to.equal(false);
    }
    const keyFile = join(net.networkDir, 'private-data.key');
    expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('ledger.sqlite'))).to.equal(true);
    for (const file of files) {
      expect(readFileSync(file).includes(MARKER), file).to.equal(false);
    }
  });
});
