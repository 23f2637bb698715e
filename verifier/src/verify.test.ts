import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import Ajv from 'ajv';
import { expect } from 'chai';

import { BundleFormatError, type ProofBundle } from './bundle';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './fabric';
import { CHECKS, formatReport, type CheckName, type Report } from './report';
import { makeFixture, makeNetwork, must, signLowS, toHighS, type Fixture, type Network } from './testing/fixture';
import { blockBytes, changeByte, clone, endorsedAction, failedChecks, setBlockBytes, tamperBlock } from './testing/tamper';
import { verifyBundle } from './verify';

const failedFor = (r: Report, eventId: string): CheckName[] =>
  must(r.events.find((e) => e.eventId === eventId), `the report of event ${eventId}`).checks.filter((c) => !c.ok).map((c) => c.check);

describe('verifier: Fabric block hashes', () => {
  it('encodes the header as Go encoding/asn1 does (INTEGER minimal two\'s complement, OCTET STRINGs)', () => {
    const foo = Buffer.from('foo');
    const bar = Buffer.from('bar');
    expect(blockHeaderBytes({ number: 1n, previousHash: foo, dataHash: bar }).toString('hex'))
      .to.equal('300d' + '020101' + '0403666f6f' + '0403626172');
    expect(blockHeaderBytes({ number: 128n, previousHash: foo, dataHash: bar }).toString('hex'))
      .to.equal('300e' + '02020080' + '0403666f6f' + '0403626172');
    expect(blockHeaderBytes({ number: 18446744073709551615n, previousHash: foo, dataHash: bar }).toString('hex'))
      .to.equal('3015' + '020900ffffffffffffffff' + '0403666f6f' + '0403626172');
    // Block 0: empty previous hash, 32-byte data hash.
    const data = Buffer.alloc(32, 0xab);
    expect(blockHeaderBytes({ number: 0n, previousHash: Buffer.alloc(0), dataHash: data }).toString('hex'))
      .to.equal('3027' + '020100' + '0400' + '0420' + data.toString('hex'));
  });

  it('hashes the header DER and the concatenated data entries with SHA-256', () => {
    const header = { number: 7n, previousHash: Buffer.alloc(32, 1), dataHash: Buffer.alloc(32, 2) };
    expect(blockHeaderHash(header)).to.deep.equal(createHash('sha256').update(blockHeaderBytes(header)).digest());
    expect(blockDataHash([Buffer.from('ab'), Buffer.from('c')]).toString('hex'))
      .to.equal(createHash('sha256').update('abc').digest('hex'));
  });
});

describe('verifier: verifyBundle', function () {
  this.timeout(60_000);
  let network: Network;
  let fixture: Fixture;

  before(async () => {
    network = await makeNetwork();
    fixture = await makeFixture({}, network);
  });

  it('verifies a good bundle: every check of every event passes', () => {
    const report = verifyBundle(clone(fixture.bundle));
    expect(report.failures).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    expect(report.events.map((e) => e.eventId)).to.deep.equal(['E1', 'E2', 'E3']);
    for (const e of report.events) {
      expect(e.checks.map((c) => c.check)).to.deep.equal([...CHECKS]);
      expect(e.checks.every((c) => c.ok)).to.equal(true);
    }
    expect(report.ledger.map((c) => [c.check, c.ok])).to.deep.equal([['header-chain', true], ['orderer-signature', true]]);
    expect(report.trustAnchors.map((a) => a.mspId)).to.deep.equal(['OrdererMSP', 'Org1MSP', 'Org2MSP']);
    const text = formatReport(report);
    expect(text).to.contain('VERIFIED: 3 event(s)');
    expect(text).to.contain('✓ envelope-in-block');
    expect(text).not.to.contain('✗');
  });

  it('conforms to schema/acetrace-proof-1.json, which refuses a bundle without headers', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '..', 'schema', 'acetrace-proof-1.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(clone(fixture.bundle)), JSON.stringify(validate.errors)).to.equal(true);
    const noHeaders = clone(fixture.bundle) as Partial<ProofBundle>;
    delete noHeaders.headers;
    expect(validate(noHeaders)).to.equal(false);
  });

  describe('one changed byte fails the check that guards it', () => {
    it('an event value byte: write-set', () => {
      const bundle = clone(fixture.bundle);
      const value = Buffer.from(must(bundle.events[0], 'bundle.events[0]').value, 'base64');
      changeByte(value, value.indexOf('harvest'));
      must(bundle.events[0], 'bundle.events[0]').value = value.toString('base64');
      const report = verifyBundle(bundle);
      expect(report.ok).to.equal(false);
      expect(failedFor(report, 'E1')).to.deep.equal(['write-set']);
      expect(failedFor(report, 'E2')).to.deep.equal([]);
    });

    it('an event value byte with its SHA-256 recomputed: write-set', () => {
      const bundle = clone(fixture.bundle);
      const value = Buffer.from(must(bundle.events[1], 'bundle.events[1]').value, 'base64');
      changeByte(value, value.indexOf('harvest'));
      must(bundle.events[1], 'bundle.events[1]').value = value.toString('base64');
      must(bundle.events[1], 'bundle.events[1]').valueSha256 = createHash('sha256').update(value).digest('hex');
      const report = verifyBundle(bundle);
      expect(failedFor(report, 'E2')).to.deep.equal(['write-set']);
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/differs from the one written/);
    });

    it('an envelope byte: envelope-in-block', () => {
      const bundle = clone(fixture.bundle);
      const envelope = must(fixture.envelopes.E2, 'fixture.envelopes.E2');
      tamperBlock(bundle, '3', envelope, envelope.length - 1);
      const report = verifyBundle(bundle);
      expect(failedFor(report, 'E2')).to.include('envelope-in-block');
      // E3 shares the block, so its data hash fails too; E1's block is untouched.
      expect(failedFor(report, 'E3')).to.include('envelope-in-block');
      expect(failedFor(report, 'E1')).to.deep.equal([]);
    });

    it('a header byte: header-chain, for every event', () => {
      const bundle = clone(fixture.bundle);
      const h = must(bundle.headers[2], 'bundle.headers[2]'); // block 4, known only by its header
      h.dataHash = (h.dataHash.startsWith('a') ? 'b' : 'a') + h.dataHash.slice(1);
      const report = verifyBundle(bundle);
      expect([...failedChecks(report)]).to.deep.equal(['header-chain']);
      for (const e of ['E1', 'E2', 'E3']) expect(failedFor(report, e)).to.deep.equal(['header-chain']);
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/header 5's previous hash/);
    });

    it('a byte of the block header inside a block: header-chain (and its data hash)', () => {
      const bundle = clone(fixture.bundle);
      const header = must(common.Block.deserializeBinary(blockBytes(bundle, '2')).getHeader(), 'the header of block 2');
      tamperBlock(bundle, '2', header.getDataHash_asU8(), 0);
      const report = verifyBundle(bundle);
      expect(failedFor(report, 'E1')).to.include.members(['header-chain', 'envelope-in-block']);
    });

    it('a byte of the head block\'s orderer signature: orderer-signature', () => {
      const bundle = clone(fixture.bundle);
      const blockMetadata = must(common.Block.deserializeBinary(blockBytes(bundle, '5')).getMetadata(), 'the metadata of block 5');
      const metadata = common.Metadata.deserializeBinary(must(blockMetadata.getMetadataList_asU8()[0], 'the SIGNATURES metadata of block 5'));
      const signature = must(metadata.getSignaturesList()[0], 'the orderer signature of block 5').getSignature_asU8();
      tamperBlock(bundle, '5', signature, signature.length - 1);
      const report = verifyBundle(bundle);
      expect([...failedChecks(report)]).to.deep.equal(['orderer-signature']);
      expect(failedFor(report, 'E1')).to.deep.equal(['orderer-signature']);
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/does not verify/);
    });

    it('a byte of an endorsement signature: endorsements', () => {
      const bundle = clone(fixture.bundle);
      const signature = must(endorsedAction(must(fixture.envelopes.E1, 'the envelope of E1')).getEndorsementsList()[1], 'the second endorsement of E1').getSignature_asU8();
      tamperBlock(bundle, '2', signature, signature.length - 1);
      const report = verifyBundle(bundle);
      expect(failedFor(report, 'E1')).to.include('endorsements');
      expect(must(report.failures.find((f) => f.check === 'endorsements'), 'an endorsements failure').detail).to.match(/Org2MSP.*does not verify/);
    });

    it('a byte of the endorsement policy: endorsements', () => {
      const bundle = clone(fixture.bundle);
      bundle.trustAnchors.endorsementPolicy.organisations[1] = 'Org2MSQ';
      const report = verifyBundle(bundle);
      expect([...failedChecks(report)]).to.deep.equal(['endorsements']);
      for (const e of ['E1', 'E2', 'E3']) expect(failedFor(report, e)).to.deep.equal(['endorsements']);
    });

    it('a validation code byte: validation-code', () => {
      const bundle = clone(fixture.bundle);
      const original = blockBytes(bundle, '3');
      const block = common.Block.deserializeBinary(original);
      const blockMetadata = must(block.getMetadata(), 'the metadata of block 3');
      const list = blockMetadata.getMetadataList_asU8();
      const codes = must(list[2], 'the TRANSACTIONS_FILTER of block 3');
      list[2] = Uint8Array.from([must(codes[0], 'code 0'), peer.TxValidationCode.MVCC_READ_CONFLICT, must(codes[2], 'code 2')]);
      blockMetadata.setMetadataList(list);
      const changed = Buffer.from(block.serializeBinary());
      expect(changed.length).to.equal(original.length);
      expect(changed.filter((b, i) => b !== original[i]).length, 'bytes changed').to.equal(1);
      setBlockBytes(bundle, '3', changed);
      const report = verifyBundle(bundle);
      expect([...failedChecks(report)]).to.deep.equal(['validation-code']);
      expect(failedFor(report, 'E2')).to.deep.equal(['validation-code']);
      expect(failedFor(report, 'E3')).to.deep.equal([]);
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/MVCC_READ_CONFLICT \(11\)/);
    });

    it('a byte of the creator certificate: creator', () => {
      const bundle = clone(fixture.bundle);
      const pem = Buffer.from(must(network.clients.Org1MSP, 'network.clients.Org1MSP').certPem);
      tamperBlock(bundle, '2', pem, pem.length - 60);
      const report = verifyBundle(bundle);
      expect(failedFor(report, 'E1')).to.include('creator');
      expect(must(report.failures.find((f) => f.check === 'creator'), 'a creator failure').eventId).to.equal('E1');
    });
  });

  describe('a consistent forgery fails only the check that guards it', () => {
    it('a transaction created by another organisation than the recorder: creator', async () => {
      const f = await makeFixture({ creator: (n) => must(n.clients.Org2MSP, 'n.clients.Org2MSP') }, network);
      const report = verifyBundle(f.bundle);
      expect([...failedChecks(report)]).to.deep.equal(['creator']);
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/created by Org2MSP, not by Org1MSP/);
    });

    it('a creator claiming Org1MSP with a certificate from a CA outside the channel: creator', async () => {
      const f = await makeFixture({ creator: (n) => n.outsider }, network);
      const report = verifyBundle(f.bundle);
      expect([...failedChecks(report)]).to.deep.equal(['creator']);
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/not signed by a CA of Org1MSP/);
    });

    it('too few endorsing organisations for MAJORITY: endorsements; the same under ANY verifies', async () => {
      const f = await makeFixture({ endorsers: (n) => [must(n.peers.Org1MSP, 'n.peers.Org1MSP')] }, network);
      expect([...failedChecks(verifyBundle(f.bundle))]).to.deep.equal(['endorsements']);
      const any = clone(f.bundle);
      any.trustAnchors.endorsementPolicy.rule = 'ANY';
      expect(verifyBundle(any).ok).to.equal(true);
    });

    it('two endorsements from one organisation count once: endorsements', async () => {
      const f = await makeFixture({ endorsers: (n) => [must(n.peers.Org1MSP, 'n.peers.Org1MSP'), must(n.clients.Org1MSP, 'n.clients.Org1MSP')] }, network);
      expect([...failedChecks(verifyBundle(f.bundle))]).to.deep.equal(['endorsements']);
    });

    it('a high-S endorsement signature, valid ECDSA that Fabric refuses: endorsements', async () => {
      const f = await makeFixture({ signEndorsement: (e, data) => toHighS(signLowS(e.key, data)) }, network);
      const report = verifyBundle(f.bundle);
      expect([...failedChecks(report)]).to.deep.equal(['endorsements']);
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/high S/);
    });

    it('a CA certificate as endorser: endorsements', async () => {
      const f = await makeFixture({ endorsers: (n) => [n.org1CaIdentity, must(n.peers.Org2MSP, 'n.peers.Org2MSP')] }, network);
      const report = verifyBundle(f.bundle);
      expect([...failedChecks(report)]).to.deep.equal(['endorsements']);
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/CA certificate/);
    });

    it('transactions the peer marked invalid: validation-code', async () => {
      const f = await makeFixture({ code: peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE }, network);
      const report = verifyBundle(f.bundle);
      expect([...failedChecks(report)]).to.deep.equal(['validation-code']);
      expect(report.failures.map((x) => x.eventId)).to.deep.equal(['E1', 'E2', 'E3']);
    });

    it('blocks signed by a peer instead of the ordering service: orderer-signature', async () => {
      const f = await makeFixture({ blockSigner: (n) => must(n.peers.Org1MSP, 'n.peers.Org1MSP') }, network);
      const report = verifyBundle(f.bundle);
      expect([...failedChecks(report)]).to.deep.equal(['orderer-signature']);
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/Org1MSP is not an orderer organisation/);
    });

    it('an event shown with another content than the value written: write-set', () => {
      const bundle = clone(fixture.bundle);
      (must(bundle.events[2], 'bundle.events[2]').event as { location: { lat: number } }).location.lat = 11;
      const report = verifyBundle(bundle);
      expect([...failedChecks(report)]).to.deep.equal(['write-set']);
      expect(report.failures[0]).to.include({ eventId: 'E3' });
      expect(must(report.failures[0], 'report.failures[0]').detail).to.match(/event shown differs/);
    });

    it('an event pointed at another transaction of the same block: envelope-in-block', () => {
      const bundle = clone(fixture.bundle);
      must(bundle.events[1], 'bundle.events[1]').txIndex = 2;
      const report = verifyBundle(bundle);
      expect(failedFor(report, 'E2')).to.include('envelope-in-block');
    });
  });

  describe('the bundle as a whole', () => {
    it('refuses input that is not an acetrace-proof/1 bundle, naming the field', () => {
      expect(() => verifyBundle({ format: 'other' })).to.throw(BundleFormatError, /\$\.format/);
      const bundle = clone(fixture.bundle) as unknown as { events: Array<{ txIndex: unknown }> };
      must(bundle.events[0], 'bundle.events[0]').txIndex = -1;
      expect(() => verifyBundle(bundle)).to.throw(BundleFormatError, /\$\.events\[0\]\.txIndex/);
    });

    it('fails when the subject event is not among the events', () => {
      const bundle = clone(fixture.bundle);
      bundle.subject = { eventId: 'E9' };
      const report = verifyBundle(bundle);
      expect(report.ok).to.equal(false);
      expect(report.failures).to.deep.include({ check: 'bundle', eventId: 'E9', detail: 'the subject event is not among the events' });
    });

    it('fails every event when the head block is missing', () => {
      const bundle = clone(fixture.bundle);
      bundle.blocks = bundle.blocks.filter((b) => b.number !== '5');
      const report = verifyBundle(bundle);
      expect(failedChecks(report)).to.include('orderer-signature');
      expect(failedChecks(report)).to.include('header-chain');
    });
  });
});
