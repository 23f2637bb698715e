import type { FacilityRef, Party } from '@acetrace/chaincode';
import * as crypto from 'node:crypto';
import type { Principal } from '../auth/principals';
import { expect } from '../chai.test';
import { ValidationError } from '../errors';
import { nameSimilarity, normaliseName } from './names';
import { ScreeningService } from './screening.service';
import { sectorsOf } from './sectors';
import { ScreeningListStore } from './store';

const compliance: Principal = { name: 'org1-compliance', role: 'compliance', identity: 'org1-compliance', mspId: 'Org1MSP' };

const CSV = [
  'name,aliases,country,address',
  '"Xinjiang Huafu Textile Co., Ltd.",,CN,"Aksu, Xinjiang"',
  'Hoshine Silicon Industry Co. Ltd,合盛硅业;Hesheng Silicon,CN,Shihezi',
  'Changji Esquel Textile Co Ltd,,CN,',
].join('\n');

const xj: FacilityRef = { gln: '6900000000014', name: 'Aksu mill', type: 'mill', country: 'CN', subdivision: 'CN-XJ', lat: null, lon: null, mspId: 'Org3MSP' };
const party = (mspId: string, legalName: string | null, facilities: FacilityRef[] = []): Party => ({ mspId, legalName, country: 'CN', roles: [], facilities });

function service(): { svc: ScreeningService; store: ScreeningListStore } {
  const store = new ScreeningListStore(':memory:');
  const svc = new ScreeningService(store, { now: () => new Date('2026-12-01T00:00:00Z') });
  return { svc, store };
}

describe('screening: names', () => {
  it('normalises case, accents, punctuation and legal-form suffixes', () => {
    expect(normaliseName('Xinjiang Huafu Textile Co., Ltd.')).to.equal('xinjiang huafu textile');
    expect(normaliseName('ÉTOILE S.A.')).to.equal('etoile');
    expect(normaliseName('Acme Holdings Limited')).to.equal('acme');
  });
  it('treats transliteration spacing as equal and scores near names below 1', () => {
    expect(nameSimilarity('Xinjiang Hua Fu Textile', 'XINJIANG HUAFU TEXTILE CO LTD')).to.equal(1);
    const near = nameSimilarity('Xinjiang Huafo Textiles', 'Xinjiang Huafu Textile Co., Ltd.');
    expect(near).to.be.within(0.88, 0.999);
    expect(nameSimilarity('Shenzhen Plug Works', 'Xinjiang Huafu Textile')).to.be.below(0.8);
  });
});

describe('screening: lists and matches', () => {
  it('stores a CSV list with its SHA-256 and upload time, and reports that version', () => {
    const { svc } = service();
    const v = svc.upload(compliance, 'uflpa', 'csv', Buffer.from(CSV));
    expect(v).to.deep.equal({
      name: 'uflpa', format: 'csv', entries: 3, uploadedBy: 'org1-compliance', uploadedAt: '2026-12-01T00:00:00.000Z',
      sha256: crypto.createHash('sha256').update(CSV).digest('hex'),
    });
    expect(svc.list('uflpa').entities[1]).to.deep.include({ name: 'Hoshine Silicon Industry Co. Ltd', aliases: ['合盛硅业', 'Hesheng Silicon'], country: 'CN' });
    const r = svc.screen([party('Org1MSP', 'Shenzhen Plug Works')], '8536.50.9065');
    expect(r.lists).to.deep.equal([v]);
  });

  it('finds an exact match (after normalisation), an alias match, a near match with its score, and no match', () => {
    const { svc } = service();
    svc.upload(compliance, 'uflpa', 'csv', Buffer.from(CSV));
    const r = svc.screen([
      party('Org3MSP', 'XINJIANG HUAFU TEXTILE CO LTD', [xj]),
      party('Org4MSP', 'Hesheng Silicon'),
      party('Org5MSP', 'Changji Esquell Textiles'),
      party('Org1MSP', 'Shenzhen Plug Works'),
    ], '5205.11.1000');
    expect(r.exactMatches.map((m) => [m.mspId, m.listedName, m.via, m.score])).to.deep.equal([
      ['Org3MSP', 'Xinjiang Huafu Textile Co., Ltd.', 'name', 1],
      ['Org4MSP', 'Hoshine Silicon Industry Co. Ltd', 'alias', 1],
    ]);
    expect(r.exactMatches[1]?.matchedOn).to.equal('Hesheng Silicon');
    expect(r.nearMatches).to.have.length(1);
    expect(r.nearMatches[0]).to.deep.include({ mspId: 'Org5MSP', listedName: 'Changji Esquel Textile Co Ltd', via: 'name', list: 'uflpa' });
    expect(r.nearMatches[0]?.score).to.be.within(0.88, 0.999);
    expect([...r.exactMatches, ...r.nearMatches].some((m) => m.mspId === 'Org1MSP')).to.equal(false);
    expect(r.screened.map((s) => s.mspId)).to.deep.equal(['Org3MSP', 'Org4MSP', 'Org5MSP', 'Org1MSP']);
    expect(r.highRiskFacilities).to.deep.equal([{ gln: xj.gln, name: 'Aksu mill', mspId: 'Org3MSP', subdivision: 'CN-XJ' }]);
    expect(r.sectors.map((s) => s.sector)).to.deep.equal(['cotton']);
  });

  it('reads OpenSanctions JSON lines (names, aliases, country) and replaces a list on re-upload', () => {
    const { svc } = service();
    svc.upload(compliance, 'os', 'csv', Buffer.from(CSV));
    const jsonl = [
      JSON.stringify({ id: 'NK-1', schema: 'Company', caption: 'Lop County Meixin Hair Products', properties: { name: ['Lop County Meixin Hair Products Co., Ltd.'], alias: ['Meixin Hair'], country: ['cn'] } }),
      '',
      JSON.stringify({ id: 'NK-2', schema: 'Company', caption: 'Only Caption Ltd', properties: {} }),
    ].join('\n');
    const v = svc.upload(compliance, 'os', 'opensanctions-jsonl', Buffer.from(jsonl));
    expect(v).to.include({ entries: 2, format: 'opensanctions-jsonl' });
    const r = svc.screen([party('Org9MSP', 'Meixin Hair')], '6704.20.0000');
    expect(r.exactMatches[0]).to.deep.include({ listedName: 'Lop County Meixin Hair Products Co., Ltd.', via: 'alias', sourceId: 'NK-1', country: 'cn', listSha256: v.sha256 });
    expect(svc.versions().map((x) => x.sha256)).to.deep.equal([v.sha256]);
  });

  it('refuses a CSV without a name column, an empty name and a broken JSON line, naming where', () => {
    const { svc } = service();
    const refused = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        expect(err).to.be.instanceOf(ValidationError);
        return (err as ValidationError).errors[0]?.path ?? '';
      }
      throw new Error('not refused');
    };
    expect(refused(() => svc.upload(compliance, 'x', 'csv', Buffer.from('company,country\nA,CN\n')))).to.equal('body');
    expect(refused(() => svc.upload(compliance, 'x', 'csv', Buffer.from('name,country\n,CN\n')))).to.equal('body[row 2].name');
    expect(refused(() => svc.upload(compliance, 'x', 'opensanctions-jsonl', Buffer.from('{"id":"a","properties":{"name":["A"]}}\n{oops')))).to.equal('body[line 2]');
  });

  it('maps HTS codes to high-priority sectors, most specific first, and names none for others', () => {
    expect(sectorsOf('8541.43.0010').map((s) => s.sector)).to.deep.equal(['polysilicon']);
    expect(sectorsOf('6109100012').map((s) => s.sector)).to.deep.equal(['apparel']);
    expect(sectorsOf('2815.12.0000').map((s) => s.sector)).to.deep.equal(['caustic-soda']);
    expect(sectorsOf('8536.50.9065')).to.deep.equal([]);
  });
});
