/**
 * The gateway's request schemas and the chaincode's validators give the same verdict.
 *
 * One corpus of good and bad inputs (lots, single events, event batches, ListLots filters) is fed
 * to both: the zod schema a route parses with, and the chaincode function the contract runs
 * (validateLotInput, validateEventInput, validateEventBatch, validateLotFilter). Every entry
 * carries the verdict it should get, so the corpus also pins the rules themselves; a fast-check
 * property then throws near-boundary inputs at both and requires agreement.
 *
 * Left out on purpose: unknown fields (the gateway refuses them to catch typos; the chaincode
 * ignores them), the gateway-only `from`/`to` query filters, and corrections inside a batch (the
 * events service refuses those before any ledger call).
 */
import '../quiet-chaincode';
import {
  linkFromName, validateLotFilter,
} from '@acetrace/chaincode';
import fc from 'fast-check';
import type { z } from 'zod';
import { expect } from '../chai.test';
import { type BoundaryCase, bodyVerdict, chaincodeAccepts } from './chaincode-verdict.test';
import { EventInput, PostEventsBody } from './events';
import { ListLotsQuery, LotInput } from './lots';

type Kind = 'lot' | 'event' | 'batch' | 'filter';
type Case = BoundaryCase<Kind>;

const sgtin = (serial: number): string => `urn:epc:id:sgtin:0614141.112345.${String(serial)}`;
const epcs = (n: number): string[] => Array.from({ length: n }, (_, i) => sgtin(i + 1));
const SHA = 'ab'.repeat(32);
const evidence = (n: number): unknown[] => Array.from({ length: n }, () => ({ sha256: SHA, type: 'invoice' }));
const chars = (n: number, c = 'a'): string => c.repeat(n);

const LOT = {
  lotId: 'LOT-B-1', product: 'Smart plug, 16A', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1200, unit: 'EA',
  epcs: [sgtin(400)], parentLotId: null,
};
const EVENT = { eventId: 'EVT-B-1', lotId: 'LOT-B-1', link: 3, kind: 'document', eventTime: '2026-11-20T08:15:00+08:00' };
const GPS = { ...EVENT, link: 7, kind: 'gps', location: { lat: 22.543, lon: 114.057 } };
const RFID = { ...EVENT, link: 5, kind: 'rfid', epcs: [sgtin(400)] };

/** `base` with `over` applied; an `undefined` value removes the field. */
function w(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ ...base, ...over }).filter(([k, v]) => !(v === undefined && k in over)));
}

const CORRECTION = { ...EVENT, eventId: 'EVT-B-2', correctionOf: 'EVT-B-1', reason: 'wrong link' };

/** Values of one field, each tried alone on a valid base, by the verdict they should get. */
interface Tries {
  readonly good?: readonly unknown[];
  readonly bad?: readonly unknown[];
}

/** `12 characters`, `[1000 items]`, `absent`, or the value as JSON: a short case name. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'absent';
  if (typeof value === 'string' && value.length > 24) return `${String(value.length)} characters`;
  if (Array.isArray(value) && value.length > 3) return `[${String(value.length)} items]`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One case per value of `tries`: the base with that field set (filters: the field alone). */
function vary(kind: Kind, base: Record<string, unknown>, tries: Record<string, Tries>): Case[] {
  return Object.entries(tries).flatMap(([field, { good = [], bad = [] }]) =>
    [...good.map((v) => [v, true] as const), ...bad.map((v) => [v, false] as const)].map(([value, ok]) => ({
      kind,
      ok,
      name: `${field} = ${describeValue(value)}`,
      input: w(base, { [field]: value }),
    })),
  );
}

const LOT_TRIES: Record<string, Tries> = {
  lotId: { good: [chars(128), 'lot:1.2_3-4'], bad: [chars(129), '', 'LOT/1', undefined] },
  product: { good: [chars(512)], bad: [chars(513), '   ', ''] },
  htsCode: { good: ['8536509065', ' 8536.50.9065 '], bad: ['8536.509065', '853650906', '8536.50.90651', '8536-50-9065', 8536509065] },
  originCountry: { good: ['cn', ' VN', 'GB'], bad: ['UK', 'XX', 'CHN'] },
  quantity: { good: [0.5, 1e16], bad: [0, -1, '5', null] },
  unit: { good: ['KGM', chars(16, 'U')], bad: [chars(17, 'U'), 'E A', ''] },
  epcs: {
    good: [undefined, null, epcs(10_000), [` ${sgtin(400)} `], ['3034257BF400B7800004CB2F'], ['urn:epc:tag:sgtin-96:1.0614141.112345.400'], [sgtin(1), sgtin(1)]],
    bad: [epcs(10_001), ['not-an-epc'], ['urn:epc:id:sgtin:0614141.1123456.400'], [400]],
  },
  parentLotId: { good: ['LOT-A', undefined], bad: [LOT.lotId, chars(129)] },
  importerMsp: { good: ['Org2MSP', chars(128, 'M'), null], bad: [chars(129, 'M'), 'Org2:MSP'] },
};
const PACKED_TRIES: Record<string, Tries> = {
  packedAt: {
    good: ['2026-11-20T08:15:00+08:00', '2026-11-20T08:15:00.123456789+08:00'],
    bad: ['2026-11-20T08:15+08:00', '2026-02-30T08:15:00Z', '2026-11-20T08:15:00'],
  },
};
const EVENT_TRIES: Record<string, Tries> = {
  link: { good: [1, 12, 'manufacturing', 'Manufacturing', ' us-distribution '], bad: [0, 13, 3.5, '3', 'manufacture', null, undefined] },
  kind: { bad: ['RFID', 'scan'] },
  eventId: { good: [chars(128)], bad: [chars(129)] },
  lotId: { bad: ['LOT 1'] },
  eventTime: {
    good: ['2026-11-20T08:15:00Z', '2024-02-29T00:00:00Z', '2026-11-20T08:15:00+14:00', '2026-11-20T08:15:00.123456789Z'],
    bad: [
      '2026-11-20T08:15Z', '2026-11-20', '2026-13-01T00:00:00Z', '2025-02-29T00:00:00Z', '2026-11-20T08:15:00+15:00',
      '2026-11-20T08:15:00.1234567891Z', '2026-11-20T24:00:00Z', '2026-11-20t08:15:00z', undefined,
    ],
  },
  deviceId: { good: [chars(128), null], bad: [chars(129)] },
  location: {
    good: [null, { gln: '0614141000005' }, { gln: null }],
    bad: [[], { lat: 22.5 }, { lat: 22.5, lon: null }, { gln: '0614141000006' }, { gln: '061414100000' }],
  },
  evidence: {
    good: [
      evidence(50), null, [{ sha256: SHA.toUpperCase(), type: 'po' }], [{ sha256: SHA, type: null }], [{ sha256: SHA }],
      [{ sha256: SHA, uri: chars(2048) }],
    ],
    bad: [
      evidence(51), ['x'], [{ sha256: SHA.slice(1), type: 'po' }], [{ sha256: SHA, type: 'nope' }], [{ sha256: SHA, uri: '' }],
      [{ sha256: SHA, uri: chars(2049) }],
    ],
  },
  reason: { good: [null] },
};
const GPS_TRIES: Record<string, Tries> = {
  location: {
    good: [{ lat: 90, lon: 180 }, { lat: -90, lon: -180 }, { lat: 1, lon: 1, accuracyM: 1e7 }],
    bad: [
      undefined, { lat: 90.0001, lon: 0 }, { lat: 0, lon: -180.0001 }, { lat: '22', lon: 114 }, { gln: '0614141000005' },
      { lat: 1, lon: 1, accuracyM: 1e7 + 1 }, { lat: 1, lon: 1, accuracyM: -1 },
    ],
  },
};
const RFID_TRIES: Record<string, Tries> = {
  epcs: {
    good: [epcs(1_000), ['https://id.gs1.org/01/00614141123452/21/400']],
    bad: [undefined, null, [], epcs(1_001), ['junk'], ['https://id.gs1.org/01/00614141123453/21/400']],
  },
};
const CORRECTION_TRIES: Record<string, Tries> = {
  reason: { good: [chars(2048)], bad: [undefined, '  ', chars(2049)] },
  correctionOf: { bad: [CORRECTION.eventId] },
};
const FILTER_TRIES: Record<string, Tries> = {
  pageSize: { good: ['1', '200'], bad: ['201', '0', '1.5', 'abc'] },
  ownerMsp: { good: ['Org1MSP', chars(128, 'M')], bad: [chars(129, 'M'), 'Org 1'] },
  htsCode: { good: ['8536509065', '8536.50.9065'], bad: ['8536.509065'] },
  originCountry: { good: ['cn'], bad: ['XX'] },
  link: { good: ['7', '12', 'inland-transport'], bad: ['13', '0', 'inland'] },
  bookmark: { good: [chars(4096, 'b'), ''], bad: [chars(4097, 'b')] },
};

const numbered = (n: number): Array<Record<string, unknown>> => Array.from({ length: n }, (_, i) => w(EVENT, { eventId: `EVT-B-${String(i)}` }));

const CORPUS: readonly Case[] = [
  { kind: 'lot', name: 'the api.md example', ok: true, input: LOT },
  { kind: 'lot', name: 'packedAt without parentLotId', ok: false, input: w(LOT, { packedAt: '2026-11-20T08:15:00+08:00' }) },
  { kind: 'lot', name: 'an array', ok: false, input: [LOT] },
  { kind: 'lot', name: 'null', ok: false, input: null },
  ...vary('lot', LOT, LOT_TRIES),
  ...vary('lot', w(LOT, { parentLotId: 'LOT-A' }), PACKED_TRIES),
  { kind: 'event', name: 'a document event', ok: true, input: EVENT },
  { kind: 'event', name: 'a string', ok: false, input: 'EVT' },
  ...vary('event', EVENT, EVENT_TRIES),
  ...vary('event', GPS, GPS_TRIES),
  ...vary('event', RFID, RFID_TRIES),
  ...vary('event', CORRECTION, CORRECTION_TRIES),
  { kind: 'batch', name: 'one event', ok: true, input: { events: [EVENT] } },
  { kind: 'batch', name: 'no events', ok: false, input: { events: [] } },
  { kind: 'batch', name: '500 events', ok: true, input: { events: numbered(500) } },
  { kind: 'batch', name: '501 events', ok: false, input: { events: numbered(501) } },
  { kind: 'batch', name: 'a bad event among good', ok: false, input: { events: [EVENT, w(EVENT, { eventId: 'EVT-B-9', link: 13 })] } },
  { kind: 'batch', name: 'events not an array', ok: false, input: { events: 'EVT' } },
  { kind: 'batch', name: 'a gps, an rfid and a document event', ok: true, input: { events: [GPS, w(RFID, { eventId: 'EVT-B-7' }), w(EVENT, { eventId: 'EVT-B-8' })] } },
  { kind: 'filter', name: 'no filter', ok: true, input: {} },
  ...vary('filter', {}, FILTER_TRIES),
];

/**
 * The JSON filter the chaincode receives for a query: digits become numbers, a link name its
 * number (the chaincode's own linkFromName), anything else is passed on as it came.
 */
function toChaincodeFilter(query: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...query };
  for (const key of ['pageSize', 'link']) {
    const v = query[key];
    if (v === undefined) continue;
    if (/^\d+$/.test(v)) out[key] = Number(v);
    else if (key === 'link') out[key] = linkFromName(v)?.number ?? v;
  }
  return out;
}

function chaincodeVerdict(kind: Kind, input: unknown): boolean {
  if (kind === 'filter') return chaincodeAccepts(() => validateLotFilter(toChaincodeFilter(input as Record<string, string>)));
  return bodyVerdict(kind, input);
}

const SCHEMAS: Record<Kind, z.ZodType> = { lot: LotInput, event: EventInput, batch: PostEventsBody, filter: ListLotsQuery };

function gatewayVerdict(kind: Kind, input: unknown): boolean {
  return SCHEMAS[kind].safeParse(input).success;
}

describe('request schemas and chaincode validators agree', function () {
  this.timeout(120_000);

  it('the corpus gets its intended verdict from the chaincode', () => {
    const wrong = CORPUS.filter((c) => chaincodeVerdict(c.kind, c.input) !== c.ok).map((c) => `${c.kind}: ${c.name}`);
    expect(wrong, 'corpus entries the chaincode judges otherwise').to.deep.equal([]);
  });

  it('the gateway gives every corpus entry the chaincode verdict', () => {
    const disagree = CORPUS.filter((c) => gatewayVerdict(c.kind, c.input) !== chaincodeVerdict(c.kind, c.input)).map(
      (c) => `${c.kind}: ${c.name} (chaincode ${chaincodeVerdict(c.kind, c.input) ? 'accepts' : 'refuses'})`,
    );
    expect(disagree, `${String(disagree.length)} of ${String(CORPUS.length)} entries`).to.deep.equal([]);
  });

  it('a filter the gateway accepts reaches the chaincode as one it accepts', () => {
    for (const c of CORPUS.filter((x) => x.kind === 'filter' && x.ok)) {
      const parsed = ListLotsQuery.parse(c.input) as Record<string, unknown>;
      expect(chaincodeAccepts(() => validateLotFilter(parsed)), c.name).to.equal(true);
    }
  });

  describe('near-boundary inputs (fast-check)', () => {
    // Each field is mostly valid, so that one field at a time decides the verdict.
    const mostly = <T, U>(valid: fc.Arbitrary<T>, edge: fc.Arbitrary<U>) =>
      fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: edge, weight: 1 });
    const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
    const defined = (r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
    const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...Array.from('0123456789')), minLength: min, maxLength: max });

    const id = mostly(
      fc.string({ unit: fc.constantFrom(...Array.from('aZ09._:-')), minLength: 1, maxLength: 8 }),
      fc.oneof(
        fc.string({ unit: fc.constantFrom('a', '.', ':'), minLength: 126, maxLength: 130 }),
        fc.string({ unit: fc.constantFrom('a', ' ', '/', 'é'), minLength: 0, maxLength: 3 }),
      ),
    );
    const hts = mostly(
      fc.constantFrom('8536.50.9065', '8536509065'),
      fc
        .tuple(digits(3, 5), fc.constantFrom('', '.', '-'), digits(1, 3), fc.constantFrom('', '.', ' '), digits(3, 5), fc.constantFrom('', ' '))
        .map(([a, s1, b, s2, c, pad]) => `${pad}${a}${s1}${b}${s2}${c}`),
    );
    const country = mostly(fc.constantFrom('CN', 'VN', 'US'), fc.string({ unit: fc.constantFrom(...Array.from('CNUSGBKXcnz ')), minLength: 1, maxLength: 3 }));
    const gln = mostly(fc.constantFrom('0614141000005', '0614141000012', '0614141000029'), digits(12, 14));
    const near = (edge: number) =>
      mostly(fc.double({ min: -edge, max: edge, noNaN: true }), fc.constantFrom(edge, -edge, edge + 1e-4, -edge - 1e-4, Number.MIN_VALUE - edge));
    const time = mostly(
      fc.constantFrom('2026-11-20T08:15:00+08:00', '2026-11-20T00:15:00Z', '2026-11-20T00:15:00.5-05:00'),
      fc
        .record({
          y: fc.integer({ min: 0, max: 10_000 }),
          mo: fc.integer({ min: 0, max: 13 }),
          d: fc.integer({ min: 0, max: 32 }),
          h: fc.integer({ min: 0, max: 25 }),
          s: fc.constantFrom('00', '59', '60', ''),
          frac: fc.constantFrom('', '.1', '.123456789', '.1234567891'),
          tz: fc.constantFrom('Z', 'z', '+08:00', '-14:00', '+14:59', '+15:00', '+0800', ''),
        })
        .map((t) => {
          const p = (n: number, l = 2) => String(n).padStart(l, '0');
          return `${p(t.y, 4)}-${p(t.mo)}-${p(t.d)}T${p(t.h)}:15${t.s === '' ? '' : `:${t.s}`}${t.frac}${t.tz}`;
        }),
    );
    const link = mostly(
      fc.integer({ min: 1, max: 12 }),
      fc.oneof(fc.integer({ min: -1, max: 13 }), fc.constantFrom(2.5, '7', 'packaging', 'Packaging', ' packaging ', 'pack aging', '')),
    );
    const kind = mostly(fc.constant('document'), fc.constantFrom('rfid', 'gps', 'handover', 'RFID'));
    const sizeNear = (edge: number) => mostly(fc.integer({ min: 0, max: 3 }), fc.constantFrom(edge - 1, edge, edge + 1));

    const lotArb = fc
      .record({
        lotId: id,
        product: mostly(fc.constant('plug'), fc.oneof(fc.constantFrom('', ' '), fc.string({ minLength: 511, maxLength: 513 }))),
        htsCode: hts,
        originCountry: country,
        quantity: mostly(fc.constant(1200), fc.oneof(fc.constantFrom(0, -0, 0.001, 1e16), fc.double({ noNaN: true, noDefaultInfinity: true }))),
        unit: mostly(fc.constant('EA'), fc.string({ unit: fc.constantFrom('E', 'A', ' ', '-'), minLength: 0, maxLength: 18 })),
        // 10,000-EPC lots are slow to check twice: rare here, and pinned by the corpus.
        epcs: opt(
          fc.oneof(
            { arbitrary: fc.integer({ min: 0, max: 3 }).map(epcs), weight: 30 },
            fc.constantFrom(9_999, 10_000, 10_001).map(epcs),
            fc.constant(null),
            fc.constant(['junk']),
          ),
        ),
        parentLotId: opt(fc.oneof(fc.constant(null), id)),
        importerMsp: opt(mostly(fc.constant('Org2MSP'), fc.oneof(fc.constant(null), fc.string({ unit: fc.constantFrom('M', ':'), minLength: 127, maxLength: 129 })))),
        packedAt: opt(time),
      })
      .map(defined);

    const eventArb = fc
      .record({
        eventId: id,
        lotId: fc.constant('LOT-1'),
        link,
        kind,
        eventTime: time,
        deviceId: opt(fc.oneof(fc.constant(null), id)),
        location: opt(
          fc.oneof(
            fc.constant(null),
            fc.record({ lat: opt(near(90)), lon: opt(near(180)), accuracyM: opt(near(1e7)), gln: opt(gln) }).map(defined),
          ),
        ),
        epcs: opt(fc.oneof({ arbitrary: sizeNear(1_000).map(epcs), weight: 9 }, fc.constant(null), fc.constant([' 3034257BF400B7800004CB2F']))),
        evidence: opt(
          fc.tuple(sizeNear(50), mostly(fc.constant('po'), fc.constantFrom('nope', null)), mostly(fc.constant(SHA), fc.constant(SHA.slice(1)))).map(
            ([n, type, sha256]) => Array.from({ length: n }, () => ({ sha256, type })),
          ),
        ),
        correctionOf: opt(fc.oneof(fc.constant(null), fc.constant('EVT-0'))),
        reason: opt(mostly(fc.constant('wrong link'), fc.oneof(fc.constantFrom(null, '', ' '), fc.string({ minLength: 2047, maxLength: 2049 })))),
      })
      .map(defined);

    const filterArb = fc
      .record({
        ownerMsp: opt(mostly(fc.constant('Org1MSP'), fc.string({ unit: fc.constantFrom('M', ' '), minLength: 127, maxLength: 129 }))),
        htsCode: opt(hts),
        originCountry: opt(country),
        link: opt(mostly(fc.integer({ min: 1, max: 12 }).map(String), fc.constantFrom('-1', '0', '13', '07', '1.0', 'packaging', 'Packaging'))),
        pageSize: opt(mostly(fc.integer({ min: 1, max: 200 }).map(String), fc.constantFrom('', '0', '201', '1e2', '0200', '+5', '-1'))),
        bookmark: opt(mostly(fc.constant('b'), fc.string({ unit: fc.constantFrom('b'), minLength: 4095, maxLength: 4097 }))),
      })
      .map((r) => defined(r) as Record<string, string>);

    const agree = (kind: Kind) => (input: unknown) => {
      const chaincode = chaincodeVerdict(kind, input);
      if (gatewayVerdict(kind, input) !== chaincode) {
        expect.fail(`the gateway ${chaincode ? 'refuses' : 'accepts'} what the chaincode ${chaincode ? 'accepts' : 'refuses'}`);
      }
    };

    it('lots', () => {
      fc.assert(fc.property(lotArb, agree('lot')), { numRuns: 200 });
    });
    it('events', () => {
      fc.assert(fc.property(eventArb, agree('event')), { numRuns: 400 });
    });
    it('event batches', () => {
      const batches = fc.array(eventArb.filter((e) => e.correctionOf == null), { minLength: 0, maxLength: 3 }).map((events) => ({ events }));
      fc.assert(fc.property(batches, agree('batch')), { numRuns: 200 });
    });
    it('ListLots filters', () => {
      fc.assert(fc.property(filterArb, agree('filter')), { numRuns: 400 });
    });
  });
});
