/**
 * Blocks as Fabric builds them, checked independently of block.ts: the data hash and header hash
 * are recomputed here with node:crypto and a DER encoder of this file's own, and the orderer's
 * metadata signature is verified with node:crypto against the orderer MSP's certificate.
 */
import { createHash, createPublicKey, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { common, msp } from '@hyperledger/fabric-protos';
import pino from 'pino';
import { Ledger } from '../ledger/ledger';
import { CertificateAuthority } from '../msp/ca';
import { MspRegistry } from '../msp/registry';
import { addOrdererMetadata, newBlock } from './block';
import { CommitNotifier } from './commit-notifier';
import { Committer } from './committer';
import { newSigner } from './crypto-material';
import { genesisEnvelope } from './genesis';
import { channelDeserializer } from './msp-adapter';
import { StateLock } from './state-lock';
import { majorityPolicy } from './tx-validator';

/** DER, written for this test: definite lengths, INTEGER as minimal two's complement. */
function tlv(tag: number, body: Buffer): Buffer {
  let length: Buffer;
  if (body.length < 0x80) {
    length = Buffer.from([body.length]);
  } else {
    const hex = body.length.toString(16).padStart(body.length > 0xff ? 4 : 2, '0');
    const bytes = Buffer.from(hex, 'hex');
    length = Buffer.concat([Buffer.from([0x80 | bytes.length]), bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

function derInteger(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

/** Go `asn1.Marshal(struct{Number *big.Int; PreviousHash, DataHash []byte})`. */
function headerDer(header: common.BlockHeader): Buffer {
  const hashes = [header.getPreviousHash_asU8(), header.getDataHash_asU8()].map((hash) => tlv(0x04, Buffer.from(hash)));
  return tlv(0x30, Buffer.concat([derInteger(BigInt(header.getNumber())), ...hashes]));
}

/** A protobuf map (jspb.Map is untyped for the linter): only the lookup these tests use. */
interface ProtoMap<V> {
  get(key: string): V | undefined;
}

/** The orderer organisation's MSP configuration in a channel config group. */
function ordererMspConfig(channelGroup: common.ConfigGroup | undefined): msp.FabricMSPConfig {
  const ordererOrg = group(group(channelGroup, 'Orderer'), 'OrdererMSP');
  const values = ordererOrg?.getValuesMap() as ProtoMap<common.ConfigValue> | undefined;
  const mspValue = values?.get('MSP')?.getValue_asU8() ?? new Uint8Array(0);
  return msp.FabricMSPConfig.deserializeBinary(msp.MSPConfig.deserializeBinary(mspValue).getConfig_asU8());
}

/** A channel's endorsement policy, from its Application group. */
function endorsementPolicy(channelGroup: common.ConfigGroup | undefined): common.Policy | undefined {
  const policies = group(channelGroup, 'Application')?.getPoliciesMap() as ProtoMap<common.ConfigPolicy> | undefined;
  return policies?.get('Endorsement')?.getPolicy();
}

function group(parent: common.ConfigGroup | undefined, name: string): common.ConfigGroup | undefined {
  return (parent?.getGroupsMap() as ProtoMap<common.ConfigGroup> | undefined)?.get(name);
}

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

function metadataAt(block: common.Block, index: number): common.Metadata {
  return common.Metadata.deserializeBinary(block.getMetadata()?.getMetadataList_asU8()[index] ?? new Uint8Array(0));
}

describe('blocks (fab protoutil/blockutils.go, orderer blockwriter.go)', function () {
  this.timeout(20_000);
  let ordererCa: CertificateAuthority;
  let orgCa: CertificateAuthority;
  let ledger: Ledger;
  let ordererCertPem: string;
  let blocks: common.Block[];

  before(async () => {
    ordererCa = await CertificateAuthority.create('OrdererMSP', { commonName: 'ca.orderer.test' });
    orgCa = await CertificateAuthority.create('Org1MSP', { commonName: 'ca.org1.test' });
    const orderer = await ordererCa.issue({ enrollmentId: 'orderer0', ou: 'orderer' });
    ordererCertPem = orderer.certPem;
    ledger = Ledger.open(':memory:');
    // block 0 as the embedded network writes it
    const { envelope } = genesisEnvelope(
      'ch',
      [{ mspId: 'Org1MSP', caCertPem: orgCa.certPem, tlsCaCertPem: orgCa.certPem }],
      { mspId: 'OrdererMSP', caCertPem: ordererCa.certPem, tlsCaCertPem: ordererCa.certPem },
      new Date(),
    );
    const genesis = newBlock(0, new Uint8Array(0), [envelope]);
    addOrdererMetadata(genesis, 0);
    const header = genesis.getHeader();
    if (header === undefined) throw new Error('no header');
    ledger.validateAndCommit({
      number: 0,
      transactions: [{ txId: 'genesis', timestampSeconds: 0, timestampNanos: 0, creatorMspId: '', rwset: [] }],
      headerHash: sha256(headerDer(header)),
      bytes: genesis.serializeBinary(),
    });
    const registry = new MspRegistry([{ mspId: 'Org1MSP', caCertPem: orgCa.certPem }]);
    const committer = new Committer({
      channelId: 'ch',
      ledger,
      deserializer: channelDeserializer(registry),
      policy: majorityPolicy(['Org1MSP']),
      notifier: new CommitNotifier(),
      stateLock: new StateLock(),
      ordererSigner: newSigner({ mspId: 'OrdererMSP', certPem: orderer.certPem, keyPem: orderer.keyPem }),
      logger: pino({ level: 'silent' }),
    });
    // envelopes that are not valid transactions still go into blocks (marked invalid)
    await committer.commitBatch([Buffer.from('first envelope'), Buffer.alloc(300, 7)]);
    await committer.commitBatch([Buffer.from('third')]);
    blocks = [0, 1, 2].map((n) => common.Block.deserializeBinary(ledger.getBlockBytes(n) ?? new Uint8Array(0)));
  });

  after(() => {
    ledger.close();
  });

  it('encodes the header as Go asn1 does (INTEGER, OCTET STRING, OCTET STRING)', () => {
    const header = blocks[1]?.getHeader();
    if (header === undefined) throw new Error('no header');
    const der = headerDer(header);
    // SEQUENCE of 3 + 2+32 + 2+32 = 71 (0x47) bytes; INTEGER 1; two 32-byte OCTET STRINGs
    expect(der.subarray(0, 7).toString('hex')).to.equal('304702010104' + '20');
    expect(derInteger(0n).toString('hex')).to.equal('020100');
    expect(derInteger(128n).toString('hex')).to.equal('02020080');
    expect(derInteger(256n).toString('hex')).to.equal('02020100');
    // a fixed vector: number 1, previous hash 0x11…, data hash 0x22…
    const fixed = new common.BlockHeader();
    fixed.setNumber(1);
    fixed.setPreviousHash(Buffer.alloc(32, 0x11));
    fixed.setDataHash(Buffer.alloc(32, 0x22));
    expect(headerDer(fixed).toString('hex')).to.equal(`3047020101` + `0420${'11'.repeat(32)}` + `0420${'22'.repeat(32)}`);
  });

  it('hashes the data as SHA-256 of the concatenated envelopes', () => {
    for (const block of blocks) {
      const data = Buffer.concat((block.getData()?.getDataList_asU8() ?? []).map((d) => Buffer.from(d)));
      expect(Buffer.from(block.getHeader()?.getDataHash_asU8() ?? []).toString('hex')).to.equal(sha256(data).toString('hex'));
    }
  });

  it('chains each previous_hash to SHA-256 of the previous header DER; block 0 has none', () => {
    expect(blocks[0]?.getHeader()?.getPreviousHash_asU8()).to.have.length(0);
    for (let n = 1; n < blocks.length; n++) {
      const previous = blocks[n - 1]?.getHeader();
      if (previous === undefined) throw new Error('no header');
      expect(Buffer.from(blocks[n]?.getHeader()?.getPreviousHash_asU8() ?? []).toString('hex')).to.equal(
        sha256(headerDer(previous)).toString('hex'),
      );
      expect(ledger.getBlockHash(n - 1)?.toString('hex')).to.equal(sha256(headerDer(previous)).toString('hex'));
    }
  });

  it('signs every ordered block in SIGNATURES over value ‖ signature_header ‖ header DER with the orderer identity', () => {
    const ordererCert = new X509Certificate(ordererCertPem);
    expect(ordererCert.verify(new X509Certificate(ordererCa.certPem).publicKey)).to.equal(true);
    for (const block of blocks.slice(1)) {
      const header = block.getHeader();
      if (header === undefined) throw new Error('no header');
      const metadata = metadataAt(block, common.BlockMetadataIndex.SIGNATURES);
      const value = Buffer.from(metadata.getValue_asU8());
      const obm = common.OrdererBlockMetadata.deserializeBinary(value);
      expect(obm.getLastConfig()?.getIndex()).to.equal(0);
      expect(common.Metadata.deserializeBinary(obm.getConsenterMetadata_asU8()).getValue_asU8()).to.have.length(0);
      const signatures = metadata.getSignaturesList();
      expect(signatures).to.have.length(1);
      const signature = signatures[0];
      if (signature === undefined) throw new Error('no signature');
      expect(signature.getIdentifierHeader_asU8()).to.have.length(0);
      const signatureHeader = common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8());
      expect(signatureHeader.getNonce_asU8()).to.have.length(24);
      const creator = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8());
      expect(creator.getMspid()).to.equal('OrdererMSP');
      const creatorCert = new X509Certificate(Buffer.from(creator.getIdBytes_asU8()));
      expect(creatorCert.fingerprint256).to.equal(ordererCert.fingerprint256);
      const signed = Buffer.concat([value, Buffer.from(signature.getSignatureHeader_asU8()), headerDer(header)]);
      const key = createPublicKey(ordererCertPem);
      expect(cryptoVerify('sha256', signed, key, signature.getSignature_asU8())).to.equal(true);
      // any other header fails
      const tampered = Buffer.from(signed);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
      expect(cryptoVerify('sha256', tampered, key, signature.getSignature_asU8())).to.equal(false);
    }
  });

  it('writes LAST_CONFIG = Metadata{LastConfig{0}} and an unsigned SIGNATURES value in block 0, as configtxgen', () => {
    for (const block of blocks) {
      const lastConfig = common.LastConfig.deserializeBinary(metadataAt(block, common.BlockMetadataIndex.LAST_CONFIG).getValue_asU8());
      expect(lastConfig.getIndex()).to.equal(0);
    }
    const genesisSignatures = metadataAt(blocks[0] as common.Block, common.BlockMetadataIndex.SIGNATURES);
    expect(genesisSignatures.getSignaturesList()).to.have.length(0);
    expect(common.OrdererBlockMetadata.deserializeBinary(genesisSignatures.getValue_asU8()).getLastConfig()?.getIndex()).to.equal(0);
  });

  it('keeps one TRANSACTIONS_FILTER code per envelope', () => {
    expect([...(blocks[1]?.getMetadata()?.getMetadataList_asU8()[2] ?? [])]).to.deep.equal([2, 2]);
    expect(blocks[1]?.getMetadata()?.getMetadataList_asU8()).to.have.length(5);
  });

  it('names the orderer organisation, its MSP root certificate and the endorsement policy in the config block', () => {
    const envelope = common.Envelope.deserializeBinary(blocks[0]?.getData()?.getDataList_asU8()[0] ?? new Uint8Array(0));
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
    const channelGroup = config?.getChannelGroup();
    const mspConfig = ordererMspConfig(channelGroup);
    expect(mspConfig.getName()).to.equal('OrdererMSP');
    expect(Buffer.from(mspConfig.getRootCertsList_asU8()[0] ?? []).toString()).to.equal(ordererCa.certPem);
    const endorsement = endorsementPolicy(channelGroup);
    expect(endorsement?.getType()).to.equal(common.Policy.PolicyType.IMPLICIT_META);
    const meta = common.ImplicitMetaPolicy.deserializeBinary(endorsement?.getValue_asU8() ?? new Uint8Array(0));
    expect([meta.getSubPolicy(), meta.getRule()]).to.deep.equal(['Endorsement', common.ImplicitMetaPolicy.Rule.MAJORITY]);
  });
});
