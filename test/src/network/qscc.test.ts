/**
 * The query system chaincode `qscc` through @hyperledger/fabric-gateway, decoded with
 * @hyperledger/fabric-protos, as an application reads it from a Fabric v2.5 peer.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { expect } from 'chai';
import { GatewayError, signers, type Contract } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { CertificateAuthority } from '@acetrace/network';
import { CHANNEL, SuiteNetwork, connectWith, lotInput } from './helpers';

function der(tag: number, body: Buffer): Buffer {
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

/** fab BlockHeaderHash, independent of the network's code. */
function headerHash(header: common.BlockHeader): Buffer {
  let hex = header.getNumber().toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let int = Buffer.from(hex, 'hex');
  if ((int[0] ?? 0) & 0x80) int = Buffer.concat([Buffer.from([0]), int]);
  const seq = der(0x30, Buffer.concat([der(0x02, int), der(0x04, Buffer.from(header.getPreviousHash_asU8())), der(0x04, Buffer.from(header.getDataHash_asU8()))]));
  return createHash('sha256').update(seq).digest();
}

function txIdOf(envelopeBytes: Uint8Array): string {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  return common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0)).getTxId();
}

async function gatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(GatewayError);
  return err as GatewayError;
}

describe('embedded network: qscc', function () {
  this.timeout(60_000);
  const nw = new SuiteNetwork();
  let qscc: Contract;
  let txId: string;
  let blockNumber: bigint;
  let conflicting: { txId: string; code: number };

  before(async () => {
    await nw.start();
    qscc = nw.supplier.gateway.getNetwork(CHANNEL).getContract('qscc');
    const submitted = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-Q1'))] });
    const status = await submitted.getStatus();
    txId = submitted.getTransactionId();
    blockNumber = status.blockNumber;
    // two writers of one new lot in one block: the second is MVCC_READ_CONFLICT
    const a = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-Q2'))] });
    const b = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-Q2'))] });
    const [sa, sb] = await Promise.all([a.getStatus(), b.getStatus()]);
    conflicting = sa.code !== 0 ? { txId: a.getTransactionId(), code: sa.code } : { txId: b.getTransactionId(), code: sb.code };
  });

  after(() => nw.stop());

  it('GetBlockByTxID returns the common.Block holding the transaction', async () => {
    const block = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByTxID', CHANNEL, txId));
    expect(BigInt(block.getHeader()?.getNumber() ?? -1)).to.equal(blockNumber);
    const ids = (block.getData()?.getDataList_asU8() ?? []).map(txIdOf);
    expect(ids).to.include(txId);
  });

  it('GetTransactionByID returns a peer.ProcessedTransaction with the envelope and its validation code', async () => {
    const processed = peer.ProcessedTransaction.deserializeBinary(await qscc.evaluateTransaction('GetTransactionByID', CHANNEL, txId));
    expect(processed.getValidationcode()).to.equal(0);
    const envelopeBytes = processed.getTransactionenvelope()?.serializeBinary() ?? new Uint8Array(0);
    expect(txIdOf(envelopeBytes)).to.equal(txId);
    const block = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByNumber', CHANNEL, blockNumber.toString()));
    const inBlock = (block.getData()?.getDataList_asU8() ?? []).find((d) => txIdOf(d) === txId);
    expect(Buffer.from(envelopeBytes).equals(Buffer.from(inBlock ?? []))).to.equal(true);

    const invalid = peer.ProcessedTransaction.deserializeBinary(await qscc.evaluateTransaction('GetTransactionByID', CHANNEL, conflicting.txId));
    expect(conflicting.code).to.equal(11);
    expect(invalid.getValidationcode()).to.equal(11);
  });

  it('GetChainInfo returns the height and the last block header hash chain', async () => {
    const info = common.BlockchainInfo.deserializeBinary(await qscc.evaluateTransaction('GetChainInfo', CHANNEL));
    expect(info.getHeight()).to.equal(nw.net.height());
    const last = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByNumber', CHANNEL, String(info.getHeight() - 1)));
    const header = last.getHeader();
    if (header === undefined) throw new Error('no header');
    expect(Buffer.from(info.getCurrentblockhash_asU8()).toString('hex')).to.equal(headerHash(header).toString('hex'));
    expect(Buffer.from(info.getPreviousblockhash_asU8()).toString('hex')).to.equal(Buffer.from(header.getPreviousHash_asU8()).toString('hex'));
  });

  it('GetBlockByNumber 0 is the CONFIG block; GetBlockByHash finds a block by its header hash', async () => {
    const genesis = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByNumber', CHANNEL, '0'));
    const envelope = common.Envelope.deserializeBinary(genesis.getData()?.getDataList_asU8()[0] ?? new Uint8Array(0));
    const channelHeader = common.ChannelHeader.deserializeBinary(
      common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0),
    );
    expect(channelHeader.getType()).to.equal(common.HeaderType.CONFIG);
    const block = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByNumber', CHANNEL, blockNumber.toString()));
    const header = block.getHeader();
    if (header === undefined) throw new Error('no header');
    const byHash = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByHash', CHANNEL, headerHash(header)));
    expect(Buffer.from(byHash.serializeBinary()).equals(Buffer.from(block.serializeBinary()))).to.equal(true);
  });

  it('answers an unknown transaction id or block as a peer does: 2 UNKNOWN with the ledger message', async () => {
    const unknownTx = await gatewayError(qscc.evaluateTransaction('GetTransactionByID', CHANNEL, 'no-such-tx'));
    expect(unknownTx.code).to.equal(2);
    expect(unknownTx.message).to.equal(
      '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, Failed to get transaction with id no-such-tx, error no such transaction ID [no-such-tx] in index',
    );
    const unknownBlockTx = await gatewayError(qscc.evaluateTransaction('GetBlockByTxID', CHANNEL, 'no-such-tx'));
    expect(unknownBlockTx.details[0]?.message).to.equal(
      'chaincode response 500, Failed to get block for txID no-such-tx, error no such transaction ID [no-such-tx] in index',
    );
    const unknownBlock = await gatewayError(qscc.evaluateTransaction('GetBlockByNumber', CHANNEL, '999'));
    expect(unknownBlock.details[0]?.message).to.equal('chaincode response 500, Failed to get block number 999, error no such block number [999] in index');
    const badNumber = await gatewayError(qscc.evaluateTransaction('GetBlockByNumber', CHANNEL, 'x'));
    expect(badNumber.details[0]?.message).to.equal(
      'chaincode response 500, Failed to parse block number with error strconv.ParseUint: parsing "x": invalid syntax',
    );
    const otherChannel = await gatewayError(qscc.evaluateTransaction('GetChainInfo', 'other'));
    expect(otherChannel.details[0]?.message).to.equal('chaincode response 500, Invalid chain ID, other');
    const missing = await gatewayError(qscc.evaluateTransaction('GetBlockByTxID', CHANNEL));
    expect(missing.details[0]?.message).to.equal('chaincode response 500, missing 3rd argument for GetBlockByTxID');
  });

  it('refuses an identity that is not a channel member (ACL Readers)', async () => {
    const foreignCa = await CertificateAuthority.create('Org1MSP', { commonName: 'ca.impostor' });
    const impostor = await foreignCa.issue({ enrollmentId: 'impostor', ou: 'client' });
    const client = connectWith(nw.net, 'Org1MSP', Buffer.from(impostor.certPem), signers.newPrivateKeySigner(createPrivateKey(impostor.keyPem)));
    try {
      const err = await gatewayError(client.gateway.getNetwork(CHANNEL).getContract('qscc').evaluateTransaction('GetChainInfo', CHANNEL));
      expect(err.code).to.equal(9);
      expect(err.message).to.match(/^9 FAILED_PRECONDITION: evaluate call to endorser returned error: error validating proposal: access denied/);
    } finally {
      client.close();
    }
  });
});
