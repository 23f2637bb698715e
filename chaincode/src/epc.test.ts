import { expect } from './chai.test';
import { epcMatchKey, EpcFormatError, normaliseEpc } from './epc';

describe('epc', () => {
  describe('normaliseEpc', () => {
    const cases: Array<[string, string, string]> = [
      ['pure-identity SGTIN', 'urn:epc:id:sgtin:0614141.112345.400', 'urn:epc:id:sgtin:0614141.112345.400'],
      ['pure-identity SGTIN, upper-case scheme, spaces', '  URN:EPC:ID:SGTIN:0614141.112345.400 ', 'urn:epc:id:sgtin:0614141.112345.400'],
      ['pure-identity SSCC', 'urn:epc:id:sscc:0614141.1234567890', 'urn:epc:id:sscc:0614141.1234567890'],
      ['SGTIN-96 tag URI', 'urn:epc:tag:sgtin-96:3.0614141.812345.6789', 'urn:epc:id:sgtin:0614141.812345.6789'],
      ['SSCC-96 tag URI', 'urn:epc:tag:sscc-96:3.235634.35321345434', 'urn:epc:id:sscc:235634.35321345434'],
      ['SGTIN-96 hex', '3074257BF7194E4000001A85', 'urn:epc:id:sgtin:0614141.812345.6789'],
      ['SGTIN-96 hex, lower case, 0x', '0x3074257bf7194e4000001a85', 'urn:epc:id:sgtin:0614141.812345.6789'],
      ['SGTIN-96 hex from api.md', '3034257BF400B7800004CB2F', 'urn:epc:id:sgtin:0614141.000734.314159'],
      ['SSCC-96 hex', '3178E61C883950F59A000000', 'urn:epc:id:sscc:235634.35321345434'],
      ['Digital Link GTIN + serial', 'https://id.gs1.org/01/00614141123452/21/400', 'urn:epc:id:sgtin:0614141.012345.400'],
      ['Digital Link with lot and query', 'https://example.com/01/00614141123452/10/LOT1/21/400?linkType=gs1:pip', 'urn:epc:id:sgtin:0614141.012345.400'],
      ['Digital Link escaped serial', 'https://id.gs1.org/01/00614141123452/21/A%2Fb', 'urn:epc:id:sgtin:0614141.012345.A%2Fb'],
      ['Digital Link SSCC', 'https://id.gs1.org/00/106141412345678908', 'urn:epc:id:sscc:0614141.1234567890'],
    ];
    for (const [name, input, urn] of cases) {
      it(`reads ${name}`, () => expect(normaliseEpc(input)).to.equal(urn));
    }

    it('uses a known EPC (same GS1 key) for the company prefix length of a Digital Link', () => {
      const dl = 'https://id.gs1.org/01/00614141123452/21/400';
      expect(normaliseEpc(dl, { knownEpcs: ['urn:epc:id:sgtin:061414.0112345.400'] })).to.equal('urn:epc:id:sgtin:061414.0112345.400');
      // a known EPC with another GS1 key does not count
      expect(normaliseEpc(dl, { knownEpcs: ['urn:epc:id:sgtin:061414.0112345.401'] })).to.equal('urn:epc:id:sgtin:0614141.012345.400');
      expect(normaliseEpc(dl, { gcpLength: 9 })).to.equal('urn:epc:id:sgtin:061414112.0345.400');
      expect(() => normaliseEpc(dl, { gcpLength: 13 })).to.throw(EpcFormatError, /gcpLength/);
    });

    const bad: Array<[string, string, RegExp]> = [
      ['empty', '  ', /empty/],
      ['garbage', 'hello', /must be a urn:epc:id URN/],
      ['SGTIN with 12 digits', 'urn:epc:id:sgtin:0614141.11234.400', /13 digits/],
      ['SSCC with 16 digits', 'urn:epc:id:sscc:0614141.123456789', /17 digits/],
      ['serial with a space', 'urn:epc:id:sgtin:0614141.112345.4 0', /serial/],
      ['serial too long', `urn:epc:id:sgtin:0614141.112345.${'1'.repeat(21)}`, /1-20/],
      ['short hex', '3074257BF7194E40000000', /must be a urn:epc:id URN/],
      ['hex of a wrong length', '3074257BF7194E4000001A8500', /needs 24 hex digits/],
      ['unsupported hex header', 'FF74257BF7194E4000001A85', /unsupported header/],
      ['unsupported hex scheme (GRAI-96)', '3314257BF7194E4000001A85', /not supported/],
      ['unknown tag URI', 'urn:epc:tag:nope-96:1.2.3', /tag URI not readable/],
      ['Digital Link with a wrong check digit', 'https://id.gs1.org/01/00614141123453/21/400', /check digit/],
      ['Digital Link without serial', 'https://id.gs1.org/01/00614141123452', /needs a serial/],
      ['Digital Link of a GLN', 'https://id.gs1.org/414/0614141000005', /SGTIN .* or an SSCC/],
    ];
    for (const [name, input, message] of bad) {
      it(`refuses ${name}`, () => {
        expect(() => normaliseEpc(input)).to.throw(EpcFormatError, message);
      });
    }
  });

  describe('epcMatchKey', () => {
    it('is the same for every spelling of one EPC', () => {
      const spellings = [
        'urn:epc:id:sgtin:0614141.812345.6789',
        'urn:epc:tag:sgtin-96:3.0614141.812345.6789',
        '3074257BF7194E4000001A85',
        'https://id.gs1.org/01/80614141123458/21/6789',
      ];
      const keys = new Set(spellings.map((s) => epcMatchKey(normaliseEpc(s))));
      expect([...keys]).to.deep.equal(['gtin:80614141123458:6789']);
    });

    it('ignores the company prefix split', () => {
      expect(epcMatchKey('urn:epc:id:sgtin:0614141.012345.400')).to.equal('gtin:00614141123452:400');
      expect(epcMatchKey('urn:epc:id:sgtin:061414.0112345.400')).to.equal('gtin:00614141123452:400');
      expect(epcMatchKey('urn:epc:id:sgtin:06141411.02345.400')).to.equal('gtin:00614141123452:400');
      expect(epcMatchKey('urn:epc:id:sscc:0614141.1234567890')).to.equal('sscc:106141412345678908');
      expect(epcMatchKey('urn:epc:id:grai:0614141.12345.400')).to.equal('urn:epc:id:grai:0614141.12345.400');
    });
  });
});
