import { ChaincodeStub } from 'fabric-shim';
import stringifyDeterministic from 'json-stringify-deterministic';
import { expect } from './chai.test';
import { canonicalJson, compositeKey, contentHash, eventKey, lotKey, splitKey } from './keys';

describe('keys', () => {
  it('builds composite keys exactly like ChaincodeStub.createCompositeKey', () => {
    const proto = ChaincodeStub.prototype as unknown as { createCompositeKey: (t: string, a: string[]) => string };
    expect(compositeKey('EVT', ['L1', '03', '2026-01-01T00:00:00.000000000Z', 'E1'])).to.equal(
      proto.createCompositeKey('EVT', ['L1', '03', '2026-01-01T00:00:00.000000000Z', 'E1']),
    );
    expect(lotKey('L1')).to.equal('\u0000LOT\u0000L1\u0000');
    expect(splitKey(eventKey('L1', 3, 'T', 'E1'))).to.deep.equal({ type: 'EVT', attributes: ['L1', '03', 'T', 'E1'] });
    expect(() => compositeKey('X', ['a\u0000b'])).to.throw(RangeError);
  });
  it('orders event keys by link, then time, then id', () => {
    const keys = [eventKey('L', 10, '2026-01-01', 'a'), eventKey('L', 2, '2026-01-02', 'b'), eventKey('L', 2, '2026-01-01', 'c')];
    expect([...keys].sort()).to.deep.equal([keys[2], keys[1], keys[0]]);
  });
  it('marshals with sorted keys, so content hashes ignore key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: null } })).to.equal('{"a":{"c":null,"d":[2,{"y":0,"z":1}]},"b":1}');
    expect(contentHash({ a: 1, b: 2 })).to.equal(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).to.match(/^[0-9a-f]{64}$/);
  });

  it('canonicalJson writes the same bytes as json-stringify-deterministic for JSON values, Dates and undefined members', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const keys = ['a', 'B', 'z', 'é', '10', '2', 'eventId', 'lot Id', '"q"', '\u{1F600}', '_'];
    const scalar = (): unknown => [null, true, false, 0, -1.5, 1e21, 'x', 'ü"\\\n', '', undefined, new Date(next(1e12))][next(11)];
    const value = (depth: number): unknown => {
      if (depth === 0 || next(3) === 0) return scalar();
      if (next(2) === 0) return Array.from({ length: next(5) }, () => value(depth - 1));
      return Object.fromEntries(Array.from({ length: next(6) }, () => [keys[next(keys.length)] ?? 'k', value(depth - 1)]));
    };
    for (let i = 0; i < 500; i++) {
      const v = value(5);
      expect(canonicalJson(v), JSON.stringify(v)).to.equal(stringifyDeterministic(v));
    }
  });
});

