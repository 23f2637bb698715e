import { ChaincodeStub } from 'fabric-shim';
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
});
