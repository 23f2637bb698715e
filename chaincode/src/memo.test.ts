import { expect } from './chai.test';
import { PureMemo } from './memo';
import { parseInstant } from './time';

describe('PureMemo', () => {
  it('computes a key once and answers the cached value after', () => {
    const memo = new PureMemo<number>(10);
    let calls = 0;
    const len = (k: string): number => {
      calls++;
      return k.length;
    };
    expect([memo.get('abc', len), memo.get('abc', len), memo.get('de', len)]).to.deep.equal([3, 3, 2]);
    expect(calls).to.equal(2);
  });

  it('caches undefined answers but not throws', () => {
    const memo = new PureMemo<string | undefined>(10);
    let calls = 0;
    const none = (): undefined => {
      calls++;
      return undefined;
    };
    memo.get('x', none);
    memo.get('x', none);
    expect(calls).to.equal(1);
    expect(() => memo.get('bad', () => { throw new Error('no'); })).to.throw('no');
    expect(memo.get('bad', () => 'ok')).to.equal('ok');
  });

  it('empties itself when full, then computes again', () => {
    const memo = new PureMemo<number>(2);
    let calls = 0;
    const one = (): number => ++calls;
    memo.get('a', one);
    memo.get('b', one);
    memo.get('c', one); // full: emptied, then c stored
    memo.get('a', one);
    expect(calls).to.equal(4);
  });

  it('parseInstant answers the same from its cache (and undefined for a bad time)', () => {
    const first = parseInstant('2026-11-20T08:15:00+08:00');
    expect(parseInstant('2026-11-20T08:15:00+08:00')).to.deep.equal(first);
    expect(first?.utcKey).to.equal('2026-11-20T00:15:00.000000000Z');
    expect(parseInstant('2026-02-30T00:00:00Z')).to.equal(undefined);
    expect(parseInstant('2026-02-30T00:00:00Z')).to.equal(undefined);
  });
});
