import { expect } from '../chai.test';
import { acetraceEventId, canonicalTime, epcisEventId, eventHashId, preHashString } from './event-hash';
import { hashExamples } from './hash-examples.test';
import { canonicalIdentifier, glnToSgln, sglnToGln } from './identifiers';

describe('CBV 2.0 event hash', () => {
  it('has the published examples to check against', () => {
    expect(hashExamples.examples.length).to.be.greaterThan(40);
  });

  for (const ex of hashExamples.examples) {
    it(`${ex.file} event ${String(ex.index)} hashes to the published ID`, () => {
      // every extension counts here, as in the reference implementation (no acetrace annotations)
      expect(eventHashId(ex.event, { context: ex.context, ignore: () => false, ignoreFields: ex.ignoreFields })).to.equal(ex.hash);
    });
  }

  it('writes the pre-hash string of the algorithm description (example with EPCs, bizTransaction, readPoint)', () => {
    const event = {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      epcList: ['urn:epc:id:sgtin:0614141.107346.2018', 'urn:epc:id:sgtin:0614141.107346.2017'],
      eventTime: '2022-02-16T20:33:31.116000-06:00',
      eventTimeZoneOffset: '-06:00',
      readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234' },
      bizTransactionList: [{ type: 'po', bizTransaction: 'http://transaction.acme.com/po/12345678' }],
    };
    expect(preHashString(event)).to.equal(
      'eventType=ObjectEventeventTime=2022-02-17T02:33:31.116ZeventTimeZoneOffset=-06:00' +
        'epcListepc=https://id.gs1.org/01/10614141073464/21/2017epc=https://id.gs1.org/01/10614141073464/21/2018' +
        'action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shippingdisposition=https://ref.gs1.org/cbv/Disp-in_transit' +
        'readPointid=https://id.gs1.org/414/0614141073467/254/1234' +
        'bizTransactionListtype=https://ref.gs1.org/cbv/BTT-pobizTransaction=http://transaction.acme.com/po/12345678',
    );
  });

  it('leaves acetrace annotations, eventID, recordTime and errorDeclaration out of the hash', () => {
    const plain = { type: 'ObjectEvent', action: 'OBSERVE', epcList: [], eventTime: '2026-01-01T00:00:00Z', eventTimeZoneOffset: '+00:00', bizStep: 'storing' };
    const annotated = {
      ...plain,
      eventID: 'urn:uuid:1',
      recordTime: '2026-01-02T00:00:00Z',
      errorDeclaration: { declarationTime: '2026-01-03T00:00:00Z' },
      'acetrace:txId': 'abc',
    };
    expect(eventHashId(annotated)).to.equal(eventHashId(plain));
    expect(eventHashId({ ...plain, 'other:x': 1 }, { context: [{ other: 'https://example.org/' }] })).not.to.equal(eventHashId(plain));
  });

  it('rounds times to milliseconds (4th decimal 5-9 rounds up) in UTC', () => {
    expect(canonicalTime('2023-02-02T11:04:03.1415Z')).to.equal('2023-02-02T11:04:03.142Z');
    expect(canonicalTime('2023-02-02T11:04:03.1414Z')).to.equal('2023-02-02T11:04:03.141Z');
    expect(canonicalTime('2023-12-31T23:59:59.9996+00:00')).to.equal('2024-01-01T00:00:00.000Z');
    expect(canonicalTime('2020-03-04T11:00:30+01:00')).to.equal('2020-03-04T10:00:30.000Z');
  });

  it('maps hash IDs to acetrace ids and back; keeps id-shaped eventIDs; refuses others', () => {
    const ni = `ni:///sha-256;${'ab'.repeat(32)}?ver=CBV2.0`;
    const id = acetraceEventId(ni);
    expect(id).to.equal(`ni:sha-256:${'ab'.repeat(32)}:CBV2.0`);
    expect(id).to.match(/^[A-Za-z0-9._:-]{1,128}$/);
    expect(epcisEventId(id as string)).to.equal(ni);
    expect(acetraceEventId('urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8')).to.equal('urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8');
    expect(acetraceEventId('https://example.org/events/1')).to.equal(undefined);
    expect(epcisEventId('EVT-7f3a-0001')).to.equal(undefined);
  });
});

describe('GS1 identifiers', () => {
  it('splits a GLN into an SGLN by a known company prefix, else 7 digits, and back', () => {
    expect(glnToSgln('0614141073467')).to.equal('urn:epc:id:sgln:0614141.07346.0');
    expect(glnToSgln('4012345000115', ['401234500'])).to.equal('urn:epc:id:sgln:401234500.011.0');
    expect(sglnToGln('urn:epc:id:sgln:401234500.011.0')).to.deep.equal({ gln: '4012345000115', extension: '0' });
    expect(sglnToGln('urn:epc:id:sgln:0614141.07346.1234')).to.deep.equal({ gln: '0614141073467', extension: '1234' });
    expect(() => glnToSgln('0614141073468')).to.throw(RangeError);
  });

  it('writes every EPC spelling of one object as the same canonical Digital Link', () => {
    const dl = 'https://id.gs1.org/01/10614141073464/21/2017';
    expect(canonicalIdentifier('urn:epc:id:sgtin:0614141.107346.2017')).to.equal(dl);
    expect(canonicalIdentifier('urn:epc:id:sgtin:061414107.1346.2017')).to.equal(dl);
    expect(canonicalIdentifier('https://example.com/gtin/10614141073464/ser/2017?x=1')).to.equal(dl);
    expect(canonicalIdentifier('https://id.gs1.org/01/10614141073464/10/LOT1/21/2017')).to.equal(dl);
    expect(canonicalIdentifier('geo:1,2')).to.equal('geo:1,2');
  });
});
