import { TRANSIENT_PRIVATE_KEY, privateHash, validatePrivateEnvelope, type TransientPrivate } from '@acetrace/chaincode';
import '../../quiet-chaincode';
import { expect } from '../../chai.test';
import type { EventSubmission } from '../../ports/ledger';
import { eventsProposal, lotProposal, privateEndorsers } from './transient';

const MARK = 'MARK-7f3a';
const LOT = { lotId: 'L1', product: 'p', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1, unit: 'EA', epcs: [], parentLotId: null };
const EVENT: EventSubmission = {
  eventId: 'E1', lotId: 'L1', link: 8, kind: 'document', eventTime: '2026-11-20T08:15:00+08:00',
  evidence: [{ sha256: 'a'.repeat(64), type: 'invoice', uri: `s3://${MARK}/inv.pdf` }, { sha256: 'b'.repeat(64), type: 'po' }],
  private: { invoiceValue: 10, contractRef: MARK },
};

function transientOf(parts: { transientData?: Record<string, Uint8Array> }): TransientPrivate {
  const bytes = parts.transientData?.[TRANSIENT_PRIVATE_KEY];
  if (!bytes) throw new Error('no transient entry');
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as TransientPrivate;
}

describe('transient private data (Fabric adapter)', () => {
  it('keeps private fields and evidence URIs out of the arguments, in the transient map with a fresh salt', () => {
    const parts = eventsProposal([EVENT, { ...EVENT, eventId: 'E2', evidence: [], private: null }]);
    expect(parts.args.join()).not.to.include(MARK);
    const args = JSON.parse(parts.args[0] ?? '') as Array<Record<string, unknown>>;
    expect(args[0]).not.to.have.property('private');
    expect(args[0]?.evidence).to.deep.equal([{ sha256: 'a'.repeat(64), type: 'invoice' }, { sha256: 'b'.repeat(64), type: 'po' }]);
    const sent = transientOf(parts);
    expect(Object.keys(sent.events ?? {})).to.deep.equal(['E1']);
    const envelope = validatePrivateEnvelope(sent.events?.E1, 'private.events.E1', 2);
    expect(envelope.value).to.deep.equal({ invoiceValue: 10, contractRef: MARK, evidenceUris: [`s3://${MARK}/inv.pdf`, null] });
    expect(envelope.salt).to.match(/^[0-9a-f]{64}$/);
    expect(transientOf(eventsProposal([EVENT])).events?.E1?.salt).not.to.equal(envelope.salt);
    expect(privateHash(envelope.value, envelope.salt)).to.match(/^[0-9a-f]{64}$/);
  });

  it('sends no transient map when nothing is private', () => {
    expect(eventsProposal([{ ...EVENT, private: undefined, evidence: [{ sha256: 'a'.repeat(64), type: 'po' }] }]).transientData).to.equal(undefined);
    expect(lotProposal(LOT).transientData).to.equal(undefined);
    expect(lotProposal({ ...LOT, private: {} }).transientData).to.equal(undefined);
  });

  it('puts a lot\'s private fields under private.lot, a correction as one object', () => {
    const parts = lotProposal({ ...LOT, private: { consignee: { name: MARK } } });
    expect(parts.args[0]).not.to.include(MARK);
    expect(transientOf(parts).lot?.value).to.deep.equal({ consignee: { name: MARK } });
    const correction = eventsProposal([EVENT], true);
    expect((JSON.parse(correction.args[0] ?? '') as { eventId: string }).eventId).to.equal('E1');
  });

  it('names the recorder and then others up to a majority as endorsers', () => {
    expect(privateEndorsers('Org2MSP', ['Org1MSP', 'Org2MSP', 'Org3MSP'])).to.deep.equal(['Org2MSP', 'Org1MSP']);
    expect(privateEndorsers('Org1MSP', ['Org1MSP'])).to.deep.equal(['Org1MSP']);
    expect(privateEndorsers('Org1MSP', ['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP'])).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
  });
});
