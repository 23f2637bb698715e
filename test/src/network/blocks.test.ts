/**
 * Blocks through fabric-gateway's block events (the peer Deliver service): header hash chain,
 * data hash, TRANSACTIONS_FILTER with invalid transactions kept, filtered blocks.
 */
import { createHash, verify, X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { SuiteNetwork, lotInput } from './helpers';

async function takeN<T>(events: CloseableAsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const e of events) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

/** The first `height` blocks of the channel, through the Deliver service. */
async function blocksFromStart(nw: SuiteNetwork, height: number): Promise<common.Block[]> {
  const events = await nw.supplier.gateway.getNetwork('acetrace').getBlockEvents({ startBlock: 0n });
  try {
    return await takeN(events, height);
  } finally {
    events.close();
  }
}

function der(tag: number, body: Buffer): Buffer {
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

/** fab BlockHeaderBytes, written independently of the network's code. */
function headerDer(n: number, previousHash: Uint8Array, dataHash: Uint8Array): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let int = Buffer.from(hex, 'hex');
  if ((int[0] ?? 0) & 0x80) int = Buffer.concat([Buffer.from([0]), int]);
  return der(0x30, Buffer.concat([der(0x02, int), der(0x04, Buffer.from(previousHash)), der(0x04, Buffer.from(dataHash))]));
}

/** fab BlockHeaderHash. */
function headerHash(n: number, previousHash: Uint8Array, dataHash: Uint8Array): Buffer {
  return createHash('sha256').update(headerDer(n, previousHash, dataHash)).digest();
}

/** The header's data hash is SHA-256 over the data, and TRANSACTIONS_FILTER has one code per transaction. */
function expectDataHashed(block: common.Block): void {
  const data = block.getData()?.getDataList_asU8() ?? [];
  const dataHash = createHash('sha256');
  data.forEach((d) => dataHash.update(d));
  expect(Buffer.from(block.getHeader()?.getDataHash_asU8() ?? []).equals(dataHash.digest())).to.equal(true);
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  expect(metadata).to.have.length(5);
  expect(metadata[2]).to.have.length(data.length);
}

/** Block `n`'s previous hash is the header hash of `prev` (block n - 1); block 0 has none. */
function expectChained(block: common.Block, prev: common.Block | undefined, n: number): void {
  const previousHash = block.getHeader()?.getPreviousHash_asU8();
  if (n === 0) {
    expect(previousHash).to.have.length(0);
    return;
  }
  const ph = prev?.getHeader();
  const expected = headerHash(n - 1, ph?.getPreviousHash_asU8() ?? new Uint8Array(0), ph?.getDataHash_asU8() ?? new Uint8Array(0));
  expect(Buffer.from(previousHash ?? []).toString('hex')).to.equal(expected.toString('hex'));
}

describe('embedded network: blocks via Deliver', function () {
  this.timeout(60_000);
  const nw = new SuiteNetwork();
  before(async () => {
    await nw.start();
    await nw.supplier.contract.submitTransaction('RegisterLot', JSON.stringify(lotInput('LOT-B1')));
    const a = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-B2'))] });
    const b = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-B2'))] });
    await Promise.all([a.getStatus(), b.getStatus()]);
  });

  after(() => nw.stop());

  it('chains block headers by hash and hashes the data like Fabric', async () => {
    const height = nw.net.height();
    const blocks = await blocksFromStart(nw, height);
    expect(blocks).to.have.length(height);
    blocks.forEach((block, n) => {
      expect(block.getHeader()?.getNumber()).to.equal(n);
      expectDataHashed(block);
      expectChained(block, n === 0 ? undefined : blocks[n - 1], n);
    });
    const last = blocks[blocks.length - 1];
    expect([...(last?.getMetadata()?.getMetadataList_asU8()[2] ?? [])].sort()).to.deep.equal([0, 11]);
  });

  it('serves filtered blocks with validation codes and event names', async () => {
    const events = await nw.supplier.gateway.getNetwork('acetrace').getFilteredBlockEvents({ startBlock: BigInt(nw.net.height() - 1) });
    try {
      const [filtered] = await takeN(events, 1);
      const txs = filtered?.getFilteredTransactionsList() ?? [];
      expect(txs.map((t) => t.getTxValidationCode()).sort()).to.deep.equal([0, 11]);
      const valid = txs.find((t) => t.getTxValidationCode() === 0);
      expect(valid?.getTransactionActions()?.getChaincodeActionsList()[0]?.getChaincodeEvent()?.getEventName()).to.equal('LotRegistered');
    } finally {
      events.close();
    }
  });

  it('carries the orderer signature in every ordered block, verifiable with the OrdererMSP root from block 0', async () => {
    const height = nw.net.height();
    const blocks = await blocksFromStart(nw, height);
    const root = ordererRootCert(blocks[0]);
    for (const block of blocks.slice(1)) expectOrdererSigned(block, root);
  });
});

/** The OrdererMSP root certificate from the config block (block 0). */
function ordererRootCert(configBlock: common.Block | undefined): X509Certificate {
  const configEnvelope = common.Envelope.deserializeBinary(configBlock?.getData()?.getDataList_asU8()[0] ?? new Uint8Array(0));
  const config = common.ConfigEnvelope.deserializeBinary(common.Payload.deserializeBinary(configEnvelope.getPayload_asU8()).getData_asU8());
  const mspValue = ordererMspValue(config);
  const rootPem = Buffer.from(
    msp.FabricMSPConfig.deserializeBinary(msp.MSPConfig.deserializeBinary(mspValue?.getValue_asU8() ?? new Uint8Array(0)).getConfig_asU8()).getRootCertsList_asU8()[0] ?? [],
  );
  return new X509Certificate(rootPem);
}

/** The OrdererMSP's MSP value in a channel configuration. */
function ordererMspValue(config: common.ConfigEnvelope): common.ConfigValue | undefined {
  const ordererGroups = (config.getConfig()?.getChannelGroup()?.getGroupsMap() as unknown as Map<string, common.ConfigGroup>).get('Orderer')?.getGroupsMap() as unknown as Map<string, common.ConfigGroup>;
  return (ordererGroups.get('OrdererMSP')?.getValuesMap() as unknown as Map<string, common.ConfigValue>).get('MSP');
}

/** The block carries an OrdererMSP signature (issued under `root`) over its metadata value and header. */
function expectOrdererSigned(block: common.Block, root: X509Certificate): void {
  const header = block.getHeader();
  const metadata = common.Metadata.deserializeBinary(block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES] ?? new Uint8Array(0));
  const [signature] = metadata.getSignaturesList();
  if (header === undefined || signature === undefined) throw new Error(`block ${String(block.getHeader()?.getNumber())} is not signed`);
  const creator = msp.SerializedIdentity.deserializeBinary(common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8()).getCreator_asU8());
  expect(creator.getMspid()).to.equal('OrdererMSP');
  const cert = new X509Certificate(Buffer.from(creator.getIdBytes_asU8()));
  expect(cert.verify(root.publicKey)).to.equal(true);
  const signed = Buffer.concat([
    Buffer.from(metadata.getValue_asU8()),
    Buffer.from(signature.getSignatureHeader_asU8()),
    headerDer(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8()),
  ]);
  expect(verify('sha256', signed, cert.publicKey, signature.getSignature_asU8())).to.equal(true);
}
