/**
 * The boundary corpus for private data (api.md `private` on lots and events): each value goes to the
 * gateway's zod schema (alone, and inside a lot and an event body) and to the chaincode's validator of the
 * transient value (validatePrivateValue), and must get the same verdict, which is also pinned. A fast-check
 * property then throws near-boundary values at both.
 */
import '../quiet-chaincode';
import {
  MAX_ADDRESS_LENGTH, MAX_CONTRACT_REF_LENGTH, MAX_MONEY_AMOUNT, MAX_NAME_LENGTH, ValidationError, validatePrivateValue,
} from '@acetrace/chaincode';
import fc from 'fast-check';
import { expect } from '../chai.test';
import { EventInput } from './events';
import { LotInput } from './lots';
import { PrivateInput } from './private';

const LOT = {
  lotId: 'LOT-P-1', product: 'Parcel', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1, unit: 'EA', epcs: [], parentLotId: null,
};
const EVENT = { eventId: 'EVT-P-1', lotId: 'LOT-P-1', link: 8, kind: 'document', eventTime: '2026-11-20T08:15:00+08:00' };
const chars = (n: number, c = 'a'): string => c.repeat(n);

const CORPUS: ReadonlyArray<readonly [string, boolean, unknown]> = [
  ['every field', true, { consignee: { name: 'A. Buyer', address: '1 Main St, Springfield' }, unitPrice: 9.99, currency: 'USD', invoiceValue: 999, contractRef: 'K-1' }],
  ['empty object', true, {}],
  ['nulls', true, { consignee: null, unitPrice: null, currency: null, invoiceValue: null, contractRef: null }],
  ['consignee name only', true, { consignee: { name: 'B' } }],
  ['consignee nulls', true, { consignee: { name: null, address: null } }],
  [`name of ${String(MAX_NAME_LENGTH)}`, true, { consignee: { name: chars(MAX_NAME_LENGTH) } }],
  [`name of ${String(MAX_NAME_LENGTH + 1)}`, false, { consignee: { name: chars(MAX_NAME_LENGTH + 1) } }],
  ['blank name', false, { consignee: { name: '  ' } }],
  [`address of ${String(MAX_ADDRESS_LENGTH)}`, true, { consignee: { address: chars(MAX_ADDRESS_LENGTH) } }],
  [`address of ${String(MAX_ADDRESS_LENGTH + 1)}`, false, { consignee: { address: chars(MAX_ADDRESS_LENGTH + 1) } }],
  ['consignee phone', false, { consignee: { phone: '555' } }],
  ['consignee a string', false, { consignee: 'A. Buyer' }],
  ['unitPrice 0', true, { unitPrice: 0 }],
  ['unitPrice at max', true, { unitPrice: MAX_MONEY_AMOUNT }],
  ['unitPrice over max', false, { unitPrice: MAX_MONEY_AMOUNT * 10 }],
  ['unitPrice negative', false, { unitPrice: -0.01 }],
  ['unitPrice a string', false, { unitPrice: '9.99' }],
  ['invoiceValue negative', false, { invoiceValue: -1 }],
  ['currency lower case', false, { currency: 'usd' }],
  ['currency of 4', false, { currency: 'USDT' }],
  ['currency CNY', true, { currency: 'CNY' }],
  [`contractRef of ${String(MAX_CONTRACT_REF_LENGTH)}`, true, { contractRef: chars(MAX_CONTRACT_REF_LENGTH) }],
  [`contractRef of ${String(MAX_CONTRACT_REF_LENGTH + 1)}`, false, { contractRef: chars(MAX_CONTRACT_REF_LENGTH + 1) }],
  ['unknown field', false, { price: 1 }],
  ['evidenceUris (transient only)', false, { evidenceUris: ['s3://x'] }],
  ['an array', false, [1]],
];

/** The chaincode's verdict on a transient value. */
function chaincodeAccepts(value: unknown): boolean {
  try {
    validatePrivateValue(value, 'private');
    return true;
  } catch (err) {
    if (err instanceof ValidationError) return false;
    throw err;
  }
}

describe('boundary: private fields (gateway zod = chaincode validator)', () => {
  for (const [name, ok, value] of CORPUS) {
    it(`${ok ? 'accepts' : 'refuses'} ${name}`, () => {
      expect(chaincodeAccepts(value), 'chaincode').to.equal(ok);
      expect(PrivateInput.safeParse(value).success, 'gateway private').to.equal(ok);
      expect(LotInput.safeParse({ ...LOT, private: value }).success, 'gateway lot').to.equal(ok);
      expect(EventInput.safeParse({ ...EVENT, private: value }).success, 'gateway event').to.equal(ok);
    });
  }

  it('gives the chaincode the value it hashes: absent and null alike', () => {
    const parsed = PrivateInput.parse({ consignee: { name: 'B', address: null }, unitPrice: null, contractRef: 'K' });
    expect(parsed).to.deep.equal({ consignee: { name: 'B' }, contractRef: 'K' });
    expect(parsed).to.deep.equal(validatePrivateValue(parsed, ''));
  });

  it('names the field of a refusal as the chaincode does', () => {
    const res = PrivateInput.safeParse({ consignee: { name: chars(MAX_NAME_LENGTH + 1) }, currency: 'usd' });
    expect(res.success).to.equal(false);
    const paths = (res.error?.issues ?? []).map((i) => i.path.join('.'));
    expect(paths).to.include.members(['consignee.name', 'currency']);
  });

  it('agrees on near-boundary values (fast-check)', () => {
    const money = fc.oneof(fc.double({ noNaN: false }), fc.constantFrom(0, -0, MAX_MONEY_AMOUNT, MAX_MONEY_AMOUNT + 1, -1), fc.string(), fc.constant(null));
    const text = (max: number): fc.Arbitrary<unknown> =>
      fc.oneof(fc.nat({ max: max + 2 }).map((n) => chars(n)), fc.constantFrom(' ', '', null), fc.integer());
    const value = fc.record(
      {
        consignee: fc.oneof(fc.record({ name: text(MAX_NAME_LENGTH), address: text(MAX_ADDRESS_LENGTH) }, { requiredKeys: [] }), fc.constant(null)),
        unitPrice: money,
        invoiceValue: money,
        currency: fc.oneof(fc.stringMatching(/^[A-Za-z]{2,4}$/), fc.constant(null)),
        contractRef: text(MAX_CONTRACT_REF_LENGTH),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(PrivateInput.safeParse(v).success, JSON.stringify(v).slice(0, 200)).to.equal(chaincodeAccepts(v));
      }),
      { numRuns: 300 },
    );
  });
});
