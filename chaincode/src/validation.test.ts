import { expect } from './chai.test';
import { ValidationError } from './errors';
import {
  isGln, lotFilterFromJson, normaliseCountry, normaliseHtsCode, parseJsonArgument, validateDeviceInput, validateEventBatch,
  validateEventInput, validateFacilityInput, validateLotFilter, validateLotInput, validateOrganisationInput,
  validateOrganisationProfileInput,
} from './validation';

const SHA = 'a'.repeat(64);
const lotInput = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  lotId: 'LOT-2026-0001', product: 'Smart plug, 16A', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1200,
  unit: 'EA', epcs: ['urn:epc:id:sgtin:0614141.112345.400', '3034257BF400B7800004CB2F'], parentLotId: null, ...over,
});
const eventInput = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventId: 'EVT-7f3a-0001', lotId: 'LOT-2026-0001', link: 7, kind: 'gps', eventTime: '2026-11-20T08:15:00+08:00',
  deviceId: 'truck-88-gps', location: { lat: 22.543, lon: 114.057, accuracyM: 10, gln: null }, epcs: [],
  evidence: [{ sha256: SHA, uri: 's3://bucket/bol.pdf', type: 'bill-of-lading' }], correctionOf: null, ...over,
});

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ValidationError);
    expect((err as Error).message).to.match(/^INVALID_ARGUMENT: /);
    return [...(err as ValidationError).problems];
  }
  throw new Error('expected a ValidationError');
}
const pathsOf = (fn: () => unknown): string[] => problemsOf(fn).map((p) => p.path);

describe('validation', () => {
  describe('helpers', () => {
    it('normalises HTS codes', () => {
      expect(normaliseHtsCode('8536509065')).to.equal('8536.50.9065');
      expect(normaliseHtsCode(' 8536.50.9065 ')).to.equal('8536.50.9065');
      for (const bad of ['853650906', '85365090655', '8536.509065', '8536-50-9065', 'abcd.ef.ghij', '']) expect(normaliseHtsCode(bad), bad).to.equal(undefined);
    });
    it('accepts assigned ISO 3166-1 alpha-2 codes only', () => {
      expect(normaliseCountry('cn')).to.equal('CN');
      expect(normaliseCountry('US')).to.equal('US');
      for (const bad of ['XX', 'USA', 'C', 'UK', '']) expect(normaliseCountry(bad), bad).to.equal(undefined);
    });
    it('checks GLN check digits', () => {
      expect(isGln('0614141000005')).to.equal(true);
      expect(isGln('0614141000012')).to.equal(true);
      expect(isGln('0614141000006')).to.equal(false);
      expect(isGln('061414100001')).to.equal(false);
    });
    it('reports unparseable JSON with its argument name', () => {
      expect(pathsOf(() => parseJsonArgument('{nope', 'lot'))).to.deep.equal(['lot']);
    });
  });

  describe('LotInput', () => {
    it('normalises a valid lot', () => {
      const lot = validateLotInput(lotInput({ htsCode: '8536509065', originCountry: 'cn', importerMsp: 'Org3MSP' }));
      expect(lot).to.deep.equal({
        lotId: 'LOT-2026-0001', product: 'Smart plug, 16A', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1200,
        unit: 'EA', epcs: ['urn:epc:id:sgtin:0614141.112345.400', 'urn:epc:id:sgtin:0614141.000734.314159'],
        parentLotId: null, importerMsp: 'Org3MSP', packedAt: null,
      });
    });
    it('drops repeated EPCs in other spellings', () => {
      const lot = validateLotInput(lotInput({ epcs: ['3074257BF7194E4000001A85', 'urn:epc:id:sgtin:0614141.812345.6789'] }));
      expect(lot.epcs).to.deep.equal(['urn:epc:id:sgtin:0614141.812345.6789']);
    });
    const rules: Array<[string, Record<string, unknown>, string]> = [
      ['lotId missing', { lotId: undefined }, 'lotId'],
      ['lotId with a space', { lotId: 'LOT 1' }, 'lotId'],
      ['lotId too long', { lotId: 'L'.repeat(129) }, 'lotId'],
      ['product empty', { product: '  ' }, 'product'],
      ['HTS 9 digits', { htsCode: '853650906' }, 'htsCode'],
      ['HTS missing', { htsCode: undefined }, 'htsCode'],
      ['origin not ISO', { originCountry: 'XX' }, 'originCountry'],
      ['origin missing', { originCountry: 7 }, 'originCountry'],
      ['quantity 0', { quantity: 0 }, 'quantity'],
      ['quantity string', { quantity: '5' }, 'quantity'],
      ['quantity missing', { quantity: undefined }, 'quantity'],
      ['unit bad', { unit: 'each one' }, 'unit'],
      ['epcs not array', { epcs: 'x' }, 'epcs'],
      ['epc unreadable', { epcs: ['urn:epc:id:sgtin:0614141.112345.400', 'nope'] }, 'epcs[1]'],
      ['epc not a string', { epcs: [5] }, 'epcs[0]'],
      ['parent bad id', { parentLotId: 'a b' }, 'parentLotId'],
      ['parent is itself', { parentLotId: 'LOT-2026-0001' }, 'parentLotId'],
      ['importerMsp bad', { importerMsp: 'Org 1' }, 'importerMsp'],
      ['packedAt without offset', { parentLotId: 'P1', packedAt: '2026-01-01T00:00:00' }, 'packedAt'],
      ['packedAt without parent', { packedAt: '2026-01-01T00:00:00Z' }, 'packedAt'],
    ];
    for (const [name, over, path] of rules) {
      it(`refuses ${name} (${path})`, () => expect(pathsOf(() => validateLotInput(lotInput(over)))).to.deep.equal([path]));
    }
    it('refuses a non-object', () => expect(pathsOf(() => validateLotInput([]))).to.deep.equal(['lot']));
    it('reports every problem at once', () => {
      expect(pathsOf(() => validateLotInput(lotInput({ htsCode: '1', originCountry: 'ZZ', quantity: -1 })))).to.deep.equal(['htsCode', 'originCountry', 'quantity']);
    });
  });

  describe('EventInput', () => {
    it('normalises a valid event', () => {
      const e = validateEventInput(eventInput({ evidence: [{ sha256: SHA.toUpperCase() }] }));
      expect(e.eventTimeUtc).to.equal('2026-11-20T00:15:00.000000000Z');
      expect(e.eventTime).to.equal('2026-11-20T08:15:00+08:00');
      expect(e.evidence).to.deep.equal([{ sha256: SHA, uri: null, type: 'other' }]);
      expect(e.location).to.deep.equal({ lat: 22.543, lon: 114.057, accuracyM: 10, gln: null });
      expect(e.correctionOf).to.equal(null);
    });
    it('accepts a link name', () => expect(validateEventInput(eventInput({ link: 'inland-transport' })).link).to.equal(7));
    it('normalises RFID EPCs', () => {
      const e = validateEventInput(eventInput({ kind: 'rfid', epcs: ['3074257BF7194E4000001A85'], location: null }));
      expect(e.epcs).to.deep.equal(['urn:epc:id:sgtin:0614141.812345.6789']);
    });
    const rules: Array<[string, Record<string, unknown>, string]> = [
      ['eventId missing', { eventId: undefined }, 'eventId'],
      ['eventId bad chars', { eventId: 'e/1' }, 'eventId'],
      ['lotId missing', { lotId: null }, 'lotId'],
      ['link 0', { link: 0 }, 'link'],
      ['link 13', { link: 13 }, 'link'],
      ['link unknown name', { link: 'teleport' }, 'link'],
      ['kind unknown', { kind: 'email' }, 'kind'],
      ['eventTime without offset', { eventTime: '2026-11-20T08:15:00' }, 'eventTime'],
      ['eventTime date only', { eventTime: '2026-11-20' }, 'eventTime'],
      ['eventTime impossible date', { eventTime: '2026-02-30T08:15:00Z' }, 'eventTime'],
      ['eventTime missing', { eventTime: undefined }, 'eventTime'],
      ['deviceId bad', { deviceId: 'truck 88' }, 'deviceId'],
      ['location not object', { location: 'here' }, 'location'],
      ['lat out of range', { location: { lat: 91, lon: 0 } }, 'location.lat'],
      ['lon out of range', { location: { lat: 0, lon: -180.5 } }, 'location.lon'],
      ['lat without lon', { kind: 'document', location: { lat: 1 } }, 'location.lon'],
      ['accuracy negative', { location: { lat: 1, lon: 1, accuracyM: -1 } }, 'location.accuracyM'],
      ['gln bad check digit', { location: { lat: 1, lon: 1, gln: '0614141000006' } }, 'location.gln'],
      ['gps without coordinates', { location: { gln: '0614141000012' } }, 'location'],
      ['gps without location', { location: null }, 'location'],
      ['rfid without EPCs', { kind: 'rfid', epcs: [] }, 'epcs'],
      ['rfid with an unreadable EPC', { kind: 'rfid', epcs: ['bad'] }, 'epcs[0]'],
      ['evidence not array', { evidence: {} }, 'evidence'],
      ['evidence sha short', { evidence: [{ sha256: 'abc' }] }, 'evidence[0].sha256'],
      ['evidence type unknown', { evidence: [{ sha256: SHA, type: 'selfie' }] }, 'evidence[0].type'],
      ['evidence uri empty', { evidence: [{ sha256: SHA, uri: '' }] }, 'evidence[0].uri'],
      ['correctionOf outside RecordCorrection', { correctionOf: 'E0' }, 'correctionOf'],
    ];
    for (const [name, over, path] of rules) {
      it(`refuses ${name} (${path})`, () => expect(pathsOf(() => validateEventInput(eventInput(over)))).to.deep.equal([path]));
    }
    it('refuses a non-object', () => expect(pathsOf(() => validateEventInput(7))).to.deep.equal(['']));

    it('requires correctionOf and reason for a correction', () => {
      expect(pathsOf(() => validateEventInput(eventInput(), { correction: true }))).to.deep.equal(['reason', 'correctionOf']);
      expect(pathsOf(() => validateEventInput(eventInput({ correctionOf: 'EVT-7f3a-0001', reason: 'x' }), { correction: true }))).to.deep.equal(['correctionOf']);
      const ok = validateEventInput(eventInput({ eventId: 'C1', correctionOf: 'EVT-7f3a-0001', reason: 'wrong truck' }), { correction: true });
      expect([ok.correctionOf, ok.reason]).to.deep.equal(['EVT-7f3a-0001', 'wrong truck']);
    });
  });

  describe('batches', () => {
    it('prefixes paths with the event index', () => {
      const problems = problemsOf(() => validateEventBatch([eventInput(), eventInput({ eventId: 'E2', location: { lat: 100, lon: 0 } })]));
      expect(problems).to.deep.equal([{ path: 'events[1].location.lat', message: 'must be between -90 and 90' }]);
    });
    it('needs 1-500 events in an array', () => {
      expect(pathsOf(() => validateEventBatch({}))).to.deep.equal(['events']);
      expect(pathsOf(() => validateEventBatch([]))).to.deep.equal(['events']);
      expect(pathsOf(() => validateEventBatch(Array.from({ length: 501 }, () => eventInput())))).to.deep.equal(['events']);
      expect(validateEventBatch(Array.from({ length: 500 }, (_, i) => eventInput({ eventId: `E${i}` })))).to.have.length(500);
    });
  });

  describe('ListLots filters', () => {
    it('normalises what it keeps and defaults the page size to 20', () => {
      expect(validateLotFilter({})).to.deep.equal({ pageSize: 20 });
      expect(validateLotFilter({ ownerMsp: 'Org1MSP', htsCode: '8536509065', originCountry: 'cn', link: 7, pageSize: 200, bookmark: 'b' })).to.deep.equal({
        ownerMsp: 'Org1MSP', htsCode: '8536.50.9065', originCountry: 'CN', link: 7, pageSize: 200, bookmark: 'b',
      });
      expect(validateLotFilter({ ownerMsp: null, link: null, bookmark: '' })).to.deep.equal({ pageSize: 20 });
    });
    it('names every bad field', () => {
      const problems = problemsOf(() => validateLotFilter({ ownerMsp: 'Org 1', htsCode: '12', originCountry: 'XX', link: '7', pageSize: 201, bookmark: 'b'.repeat(4097) }));
      expect(problems).to.deep.equal([
        { path: 'ownerMsp', message: 'must be an MSP id' },
        { path: 'htsCode', message: 'must be 10 digits, NNNNNNNNNN or NNNN.NN.NNNN' },
        { path: 'originCountry', message: 'must be an ISO 3166-1 alpha-2 code' },
        { path: 'link', message: 'must be a link number 1-12' },
        { path: 'pageSize', message: 'must be an integer 1-200' },
        { path: 'bookmark', message: 'must be a bookmark from a previous page' },
      ]);
      expect(pathsOf(() => validateLotFilter([]))).to.deep.equal(['filter']);
    });
    it('reads the ListLots argument: JSON text, or empty for no filter', () => {
      expect(lotFilterFromJson('')).to.deep.equal({ pageSize: 20 });
      expect(lotFilterFromJson('  ')).to.deep.equal({ pageSize: 20 });
      expect(lotFilterFromJson('{"pageSize":5}')).to.deep.equal({ pageSize: 5 });
      expect(pathsOf(() => lotFilterFromJson('{'))).to.deep.equal(['filter']);
      expect(pathsOf(() => lotFilterFromJson('7'))).to.deep.equal(['filter']);
    });
  });

  describe('devices and organisations', () => {
    it('validates devices', () => {
      expect(validateDeviceInput({ deviceId: 'gate-1' })).to.deep.equal({ deviceId: 'gate-1', mspId: null, link: null, location: null });
      expect(pathsOf(() => validateDeviceInput({ deviceId: 'gate 1', link: 14, mspId: '' }))).to.deep.equal(['deviceId', 'mspId', 'link']);
    });
    it('validates organisations', () => {
      expect(validateOrganisationInput({ mspId: 'Org1MSP', roles: ['supplier', 'broker', 'supplier'] })).to.deep.equal({ mspId: 'Org1MSP', roles: ['broker', 'supplier'] });
      expect(pathsOf(() => validateOrganisationInput({ mspId: 'Org1MSP', roles: ['pilot'] }))).to.deep.equal(['roles[0]']);
    });
  });
});

describe('validation of custody, containment, transformation and parties fields', () => {
  const event = (over: Record<string, unknown>) => ({ eventId: 'E1', lotId: 'L1', link: 6, kind: 'handover', eventTime: '2026-01-01T00:00:00Z', ...over });
  const problems = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (err) {
      return (err as ValidationError).problems.map((p) => p.path);
    }
    return [];
  };

  it('keeps handoverTo and handoverToGln on handovers only, and only when given (older events hash the same)', () => {
    expect(validateEventInput(event({}))).to.not.have.property('handoverTo');
    expect(validateEventInput(event({ handoverTo: 'Org2MSP', handoverToGln: '0614141000005' }))).to.include({ handoverTo: 'Org2MSP', handoverToGln: '0614141000005' });
    expect(problems(() => validateEventInput(event({ kind: 'document', handoverTo: 'Org2MSP' })))).to.deep.equal(['handoverTo']);
    expect(problems(() => validateEventInput(event({ handoverTo: 'a b' })))).to.deep.equal(['handoverTo']);
    expect(problems(() => validateEventInput(event({ handoverToGln: '0614141000005' })))).to.deep.equal(['handoverToGln']);
    expect(problems(() => validateEventInput(event({ handoverTo: 'Org2MSP', handoverToGln: '0614141000006' })))).to.deep.equal(['handoverToGln']);
    expect(problems(() => validateEventInput(event({ handoverTo: 'Org2MSP', correctionOf: 'E0', reason: 'x' }), { correction: true }))).to.deep.equal(['handoverTo']);
  });

  it('requires action, parentLotId = lotId and 1.. distinct childLotIds on aggregation events', () => {
    const agg = (over: Record<string, unknown>) => event({ kind: 'aggregation', action: 'pack', parentLotId: 'L1', childLotIds: ['C1', 'C2'], ...over });
    expect(validateEventInput(agg({}))).to.include({ action: 'pack', parentLotId: 'L1' });
    expect(problems(() => validateEventInput(agg({ action: 'stack' })))).to.deep.equal(['action']);
    expect(problems(() => validateEventInput(agg({ parentLotId: 'C9' })))).to.deep.equal(['parentLotId']);
    expect(problems(() => validateEventInput(agg({ childLotIds: [] })))).to.deep.equal(['childLotIds']);
    expect(problems(() => validateEventInput(agg({ childLotIds: ['C1', 'C1', 'L1', 'a b'] })))).to.deep.equal(['childLotIds[1]', 'childLotIds[2]', 'childLotIds[3]']);
    expect(problems(() => validateEventInput(event({ kind: 'document', action: 'pack' })))).to.deep.equal(['action']);
  });

  it('reads inputs only when given, distinct, with quantity and unit', () => {
    const lot = { lotId: 'Y', product: 'yarn', htsCode: '5205.11.0000', originCountry: 'US', quantity: 1, unit: 'KGM', epcs: [] };
    expect(validateLotInput(lot)).to.not.have.property('inputs');
    expect(validateLotInput({ ...lot, inputs: [] })).to.not.have.property('inputs');
    expect(validateLotInput({ ...lot, inputs: [{ lotId: 'B', quantity: 2.5, unit: 'KGM' }] }).inputs).to.deep.equal([{ lotId: 'B', quantity: 2.5, unit: 'KGM' }]);
    expect(problems(() => validateLotInput({ ...lot, inputs: [{ lotId: 'Y', quantity: 1, unit: 'KGM' }, { lotId: 'B', quantity: 0, unit: 'KGM' }, { lotId: 'C', quantity: 1, unit: '' }, { lotId: 'C', quantity: 1, unit: 'KGM' }, 'x'] })))
      .to.deep.equal(['inputs[0].lotId', 'inputs[1].quantity', 'inputs[2].unit', 'inputs[3].lotId', 'inputs[4]']);
  });

  it('validates facilities and organisation profiles', () => {
    const f = { gln: '0614141000005', name: 'Gin', country: 'cn', subdivision: 'cn-xj', type: 'mill', lat: 44, lon: 87 };
    expect(validateFacilityInput(f)).to.deep.equal({ gln: '0614141000005', name: 'Gin', address: null, country: 'CN', subdivision: 'CN-XJ', lat: 44, lon: 87, type: 'mill' });
    expect(problems(() => validateFacilityInput({ ...f, gln: '0614141000006', subdivision: 'US-TX', type: 'castle', lat: 91 }))).to.deep.equal(['gln', 'subdivision', 'lat', 'type']);
    expect(problems(() => validateFacilityInput({ ...f, lon: null }))).to.deep.equal(['lon']);
    const p = { mspId: 'Org1MSP', legalName: 'Gin Co', country: 'US', roles: ['spinner', 'ginner', 'ginner'] };
    expect(validateOrganisationProfileInput(p)).to.deep.equal({ mspId: 'Org1MSP', legalName: 'Gin Co', country: 'US', address: null, roles: ['ginner', 'spinner'] });
    expect(problems(() => validateOrganisationProfileInput({ ...p, legalName: '', country: 'XX', roles: ['admin'] }))).to.deep.equal(['legalName', 'country', 'roles[0]']);
  });
});
