import { expect } from './chai.test';
import { lotRecord } from './fixtures.test';
import { decodeBookmark, encodeBookmark, indexFor, listLots, type ListIndex } from './listing';
import type { Store } from './store';
import type { LotRecord } from './types';

/** A store holding `lots` under one list index, paged like Fabric (bookmark '' after the last entry). */
function storeOf(lots: LotRecord[], covered: Record<string, number[]> = {}): Store & { pages: number } {
  const fake = {
    pages: 0,
    lotIdPage: (_type: string, _attributes: string[], pageSize: number, bookmark: string) => {
      fake.pages += 1;
      const start = bookmark === '' ? 0 : Number(bookmark);
      const lotIds = lots.slice(start, start + pageSize).map((l) => l.lotId);
      const end = start + lotIds.length;
      return Promise.resolve({ lotIds, bookmark: end < lots.length ? String(end) : '', fetched: lotIds.length });
    },
    getLot: (lotId: string) => Promise.resolve(lots.find((l) => l.lotId === lotId)),
    hasCoverage: (lotId: string, link: number) => Promise.resolve((covered[lotId] ?? []).includes(link)),
    coveredLinksOf: (lotId: string) => Promise.resolve(covered[lotId] ?? []),
    wasPacked: () => Promise.resolve(false),
  };
  return fake as unknown as Store & { pages: number };
}

describe('listing (ListLots)', () => {
  it('walks the most selective index given: owner, HTS, origin, link, else all lots', () => {
    const all = { ownerMsp: 'Org1MSP', htsCode: '8536509065', originCountry: 'CN', link: 3 };
    expect(indexFor(all)).to.deep.equal({ t: 'OWN', a: 'Org1MSP' });
    expect(indexFor({ ...all, ownerMsp: undefined })).to.deep.equal({ t: 'HTS', a: '8536509065' });
    expect(indexFor({ originCountry: 'CN', link: 3 })).to.deep.equal({ t: 'ORG', a: 'CN' });
    expect(indexFor({ link: 3 })).to.deep.equal({ t: 'COV', a: '03' });
    expect(indexFor({})).to.deep.equal({ t: 'LOT', a: '' });
  });

  describe('bookmarks', () => {
    const own: ListIndex = { t: 'OWN', a: 'Org1MSP' };

    it('carries Fabric\'s bookmark and the index, as base64url JSON', () => {
      const bookmark = encodeBookmark(own, 'fabric-7');
      expect(JSON.parse(Buffer.from(bookmark, 'base64url').toString('utf8'))).to.deep.equal({ t: 'OWN', a: 'Org1MSP', b: 'fabric-7' });
      expect(decodeBookmark(bookmark, own)).to.equal('fabric-7');
      expect(decodeBookmark(undefined, own)).to.equal('');
      expect(decodeBookmark('', own)).to.equal('');
    });

    it('refuses garbage and a bookmark of another filter', () => {
      expect(() => decodeBookmark('not json', own)).to.throw('INVALID_ARGUMENT: bookmark: is not a bookmark from a previous page');
      expect(() => decodeBookmark(encodeBookmark({ t: 'OWN', a: 'Org2MSP' }, 'x'), own)).to.throw(
        'INVALID_ARGUMENT: bookmark: belongs to a different filter',
      );
      const noFabricBookmark = Buffer.from(JSON.stringify({ t: 'OWN', a: 'Org1MSP' })).toString('base64url');
      expect(() => decodeBookmark(noFabricBookmark, own)).to.throw('INVALID_ARGUMENT: bookmark: belongs to a different filter');
    });
  });

  it('fetches index pages until a page of matches is full, then hands out a bookmark to continue', async () => {
    const lots = ['A', 'B', 'C', 'D', 'E', 'F'].map((id, i) => lotRecord({ lotId: id, htsCode: i % 2 === 0 ? '8536509065' : '0101210010' }));
    const store = storeOf(lots, { A: [1], C: [1, 2] });
    const filter = { ownerMsp: 'Org1MSP', htsCode: '8536509065', pageSize: 2 };

    const first = await listLots(store, filter);
    expect(first.lots.map((v) => v.lot.lotId)).to.deep.equal(['A', 'C']);
    expect(first.lots[1]?.linksCovered).to.deep.equal([1, 2]);
    expect(store.pages).to.equal(2); // A,B then C: B did not match
    expect(first.bookmark).to.not.equal('');

    const second = await listLots(store, { ...filter, bookmark: first.bookmark });
    expect(second.lots.map((v) => v.lot.lotId)).to.deep.equal(['E']);
    expect(second.bookmark).to.equal('');
  });

  it('filters by link coverage per lot when a more selective index is walked', async () => {
    const lots = ['A', 'B', 'C'].map((id) => lotRecord({ lotId: id }));
    const page = await listLots(storeOf(lots, { B: [4] }), { ownerMsp: 'Org1MSP', link: 4, pageSize: 20 });
    expect(page).to.deep.include({ bookmark: '' });
    expect(page.lots.map((v) => v.lot.lotId)).to.deep.equal(['B']);
  });
});
