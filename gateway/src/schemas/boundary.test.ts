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
  ValidationError as ChaincodeValidationError, linkFromName, validateEventBatch, validateEventInput, validateLotFilter,
  validateLotInput,
} from '@acetrace/chaincode';
import fc from 'fast-check';
import type { z } from 'zod';
import { expect } from '../chai.test';
import { EventInput, PostEventsBody } from './events';
import { ListLotsQuery, LotInput } from './lots';

type Kind = 'lot' | 'event' | 'batch' | 'filter';
interface Case {
  readonly kind: Kind;
  readonly name: string;
  /** The chaincode's verdict this input should get (true: accepted). */
  readonly ok: boolean;
  /** The JSON body, or for `filter` the query string's fields. */
  readonly input: unknown;
}

const sgtin = (serial: number): string => `urn:epc:id:sgtin:0614141.112345.${serial}`;
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
  const out: Record<string, unknown> = { ...base, ...over };
  for (const [k, v] of Object.entries(over)) if (v === undefined) delete out[k];
  return out;
}

const lot = (name: string, ok: boolean, over: Record<string, unknown>): Case => ({ kind: 'lot', name, ok, input: w(LOT, over) });
const event = (name: string, ok: boolean, input: unknown): Case => ({ kind: 'event', name, ok, input });
const batch = (name: string, ok: boolean, events: unknown): Case => ({ kind: 'batch', name, ok, input: { events } });
const filter = (name: string, ok: boolean, query: Record<string, string>): Case => ({ kind: 'filter', name, ok, input: query });

const CORPUS: readonly Case[] = [
  // ---- lots
  lot('the api.md example', true, {}),
  lot('no epcs field', true, { epcs: undefined }),
  lot('epcs null', true, { epcs: null }),
  lot('10,000 EPCs', true, { epcs: epcs(10_000) }),
  lot('10,001 EPCs', false, { epcs: epcs(10_001) }),
  lot('an unreadable EPC', false, { epcs: ['not-an-epc'] }),
  lot('an EPC with spaces around', true, { epcs: [` ${sgtin(400)} `] }),
  lot('an SGTIN-96 hex EPC', true, { epcs: ['3034257BF400B7800004CB2F'] }),
  lot('an EPC tag URI', true, { epcs: ['urn:epc:tag:sgtin-96:1.0614141.112345.400'] }),
  lot('an SGTIN with a 14-digit key', false, { epcs: ['urn:epc:id:sgtin:0614141.1123456.400'] }),
  lot('the same EPC twice', true, { epcs: [sgtin(1), sgtin(1)] }),
  lot('an EPC that is a number', false, { epcs: [400] }),
  lot('lotId of 128 characters', true, { lotId: chars(128) }),
  lot('lotId of 129 characters', false, { lotId: chars(129) }),
  lot('lotId empty', false, { lotId: '' }),
  lot('lotId with a slash', false, { lotId: 'LOT/1' }),
  lot('lotId with every allowed sign', true, { lotId: 'lot:1.2_3-4' }),
  lot('no lotId', false, { lotId: undefined }),
  lot('product of 512 characters', true, { product: chars(512) }),
  lot('product of 513 characters', false, { product: chars(513) }),
  lot('product blank', false, { product: '   ' }),
  lot('product empty', false, { product: '' }),
  lot('HTS code without dots', true, { htsCode: '8536509065' }),
  lot('HTS code with spaces around', true, { htsCode: ' 8536.50.9065 ' }),
  lot('HTS code with one dot', false, { htsCode: '8536.509065' }),
  lot('HTS code of 9 digits', false, { htsCode: '853650906' }),
  lot('HTS code of 11 digits', false, { htsCode: '8536.50.90651' }),
  lot('HTS code with dashes', false, { htsCode: '8536-50-9065' }),
  lot('HTS code as a number', false, { htsCode: 8536509065 }),
  lot('country in lower case', true, { originCountry: 'cn' }),
  lot('country with a space', true, { originCountry: ' VN' }),
  lot('country GB', true, { originCountry: 'GB' }),
  lot('country UK (not assigned)', false, { originCountry: 'UK' }),
  lot('country XX', false, { originCountry: 'XX' }),
  lot('country alpha-3', false, { originCountry: 'CHN' }),
  lot('quantity 0', false, { quantity: 0 }),
  lot('quantity negative', false, { quantity: -1 }),
  lot('quantity fractional', true, { quantity: 0.5 }),
  lot('quantity 1e16', true, { quantity: 1e16 }),
  lot('quantity as a string', false, { quantity: '5' }),
  lot('quantity null', false, { quantity: null }),
  lot('unit KGM', true, { unit: 'KGM' }),
  lot('unit of 16 characters', true, { unit: chars(16, 'U') }),
  lot('unit of 17 characters', false, { unit: chars(17, 'U') }),
  lot('unit with a space', false, { unit: 'E A' }),
  lot('unit empty', false, { unit: '' }),
  lot('parentLotId', true, { parentLotId: 'LOT-A' }),
  lot('parentLotId equal to lotId', false, { parentLotId: 'LOT-B-1' }),
  lot('parentLotId of 129 characters', false, { parentLotId: chars(129) }),
  lot('no parentLotId', true, { parentLotId: undefined }),
  lot('importerMsp', true, { importerMsp: 'Org2MSP' }),
  lot('importerMsp of 128 characters', true, { importerMsp: chars(128, 'M') }),
  lot('importerMsp of 129 characters', false, { importerMsp: chars(129, 'M') }),
  lot('importerMsp with a colon', false, { importerMsp: 'Org2:MSP' }),
  lot('importerMsp null', true, { importerMsp: null }),
  lot('packedAt with a parent', true, { parentLotId: 'LOT-A', packedAt: '2026-11-20T08:15:00+08:00' }),
  lot('packedAt without a parent', false, { packedAt: '2026-11-20T08:15:00+08:00' }),
  lot('packedAt without seconds', false, { parentLotId: 'LOT-A', packedAt: '2026-11-20T08:15+08:00' }),
  lot('packedAt on 30 February', false, { parentLotId: 'LOT-A', packedAt: '2026-02-30T08:15:00Z' }),
  lot('packedAt with nanoseconds', true, { parentLotId: 'LOT-A', packedAt: '2026-11-20T08:15:00.123456789+08:00' }),
  lot('packedAt without offset', false, { parentLotId: 'LOT-A', packedAt: '2026-11-20T08:15:00' }),
  { kind: 'lot', name: 'an array', ok: false, input: [LOT] },
  { kind: 'lot', name: 'null', ok: false, input: null },

  // ---- single events
  event('a document event', true, EVENT),
  event('link 1', true, w(EVENT, { link: 1 })),
  event('link 12', true, w(EVENT, { link: 12 })),
  event('link 0', false, w(EVENT, { link: 0 })),
  event('link 13', false, w(EVENT, { link: 13 })),
  event('link 3.5', false, w(EVENT, { link: 3.5 })),
  event('link "3"', false, w(EVENT, { link: '3' })),
  event('link by name', true, w(EVENT, { link: 'manufacturing' })),
  event('link name capitalised', true, w(EVENT, { link: 'Manufacturing' })),
  event('link name with spaces around', true, w(EVENT, { link: ' us-distribution ' })),
  event('a bad link name', false, w(EVENT, { link: 'manufacture' })),
  event('link null', false, w(EVENT, { link: null })),
  event('no link', false, w(EVENT, { link: undefined })),
  event('kind RFID', false, w(EVENT, { kind: 'RFID' })),
  event('kind scan', false, w(EVENT, { kind: 'scan' })),
  event('eventId of 128 characters', true, w(EVENT, { eventId: chars(128) })),
  event('eventId of 129 characters', false, w(EVENT, { eventId: chars(129) })),
  event('lotId with a space', false, w(EVENT, { lotId: 'LOT 1' })),
  event('eventTime in UTC', true, w(EVENT, { eventTime: '2026-11-20T08:15:00Z' })),
  event('eventTime without seconds', false, w(EVENT, { eventTime: '2026-11-20T08:15Z' })),
  event('eventTime a date only', false, w(EVENT, { eventTime: '2026-11-20' })),
  event('eventTime month 13', false, w(EVENT, { eventTime: '2026-13-01T00:00:00Z' })),
  event('eventTime 29 February of a leap year', true, w(EVENT, { eventTime: '2024-02-29T00:00:00Z' })),
  event('eventTime 29 February otherwise', false, w(EVENT, { eventTime: '2025-02-29T00:00:00Z' })),
  event('eventTime offset +14:00', true, w(EVENT, { eventTime: '2026-11-20T08:15:00+14:00' })),
  event('eventTime offset +15:00', false, w(EVENT, { eventTime: '2026-11-20T08:15:00+15:00' })),
  event('eventTime with 9 fraction digits', true, w(EVENT, { eventTime: '2026-11-20T08:15:00.123456789Z' })),
  event('eventTime with 10 fraction digits', false, w(EVENT, { eventTime: '2026-11-20T08:15:00.1234567891Z' })),
  event('eventTime hour 24', false, w(EVENT, { eventTime: '2026-11-20T24:00:00Z' })),
  event('eventTime in lower case', false, w(EVENT, { eventTime: '2026-11-20t08:15:00z' })),
  event('no eventTime', false, w(EVENT, { eventTime: undefined })),
  event('deviceId of 128 characters', true, w(EVENT, { deviceId: chars(128) })),
  event('deviceId of 129 characters', false, w(EVENT, { deviceId: chars(129) })),
  event('deviceId null', true, w(EVENT, { deviceId: null })),
  event('a gps event', true, GPS),
  event('lat 90, lon 180', true, w(GPS, { location: { lat: 90, lon: 180 } })),
  event('lat -90, lon -180', true, w(GPS, { location: { lat: -90, lon: -180 } })),
  event('lat 90.0001', false, w(GPS, { location: { lat: 90.0001, lon: 0 } })),
  event('lon -180.0001', false, w(GPS, { location: { lat: 0, lon: -180.0001 } })),
  event('lat as a string', false, w(GPS, { location: { lat: '22', lon: 114 } })),
  event('a gps event without location', false, w(GPS, { location: undefined })),
  event('a gps event with a GLN only', false, w(GPS, { location: { gln: '0614141000005' } })),
  event('lat without lon', false, w(EVENT, { location: { lat: 22.5 } })),
  event('lon null with lat', false, w(EVENT, { location: { lat: 22.5, lon: null } })),
  event('a GLN with the right check digit', true, w(EVENT, { location: { gln: '0614141000005' } })),
  event('a GLN with a wrong check digit', false, w(EVENT, { location: { gln: '0614141000006' } })),
  event('a GLN of 12 digits', false, w(EVENT, { location: { gln: '061414100000' } })),
  event('GLN null', true, w(EVENT, { location: { gln: null } })),
  event('accuracy 1e7 m', true, w(GPS, { location: { lat: 1, lon: 1, accuracyM: 1e7 } })),
  event('accuracy over 1e7 m', false, w(GPS, { location: { lat: 1, lon: 1, accuracyM: 1e7 + 1 } })),
  event('accuracy negative', false, w(GPS, { location: { lat: 1, lon: 1, accuracyM: -1 } })),
  event('location null', true, w(EVENT, { location: null })),
  event('location an array', false, w(EVENT, { location: [] })),
  event('an rfid event', true, RFID),
  event('an rfid event without epcs', false, w(RFID, { epcs: undefined })),
  event('an rfid event with no EPC', false, w(RFID, { epcs: [] })),
  event('an rfid event with epcs null', false, w(RFID, { epcs: null })),
  event('1,000 EPCs', true, w(RFID, { epcs: epcs(1_000) })),
  event('1,001 EPCs', false, w(RFID, { epcs: epcs(1_001) })),
  event('an unreadable EPC', false, w(RFID, { epcs: ['junk'] })),
  event('a Digital Link EPC', true, w(RFID, { epcs: ['https://id.gs1.org/01/00614141123452/21/400'] })),
  event('a Digital Link EPC with a wrong check digit', false, w(RFID, { epcs: ['https://id.gs1.org/01/00614141123453/21/400'] })),
  event('50 evidence items', true, w(EVENT, { evidence: evidence(50) })),
  event('51 evidence items', false, w(EVENT, { evidence: evidence(51) })),
  event('evidence sha256 upper case', true, w(EVENT, { evidence: [{ sha256: SHA.toUpperCase(), type: 'po' }] })),
  event('evidence sha256 of 63 digits', false, w(EVENT, { evidence: [{ sha256: SHA.slice(1), type: 'po' }] })),
  event('evidence of an unknown type', false, w(EVENT, { evidence: [{ sha256: SHA, type: 'nope' }] })),
  event('evidence type null', true, w(EVENT, { evidence: [{ sha256: SHA, type: null }] })),
  event('evidence without type', true, w(EVENT, { evidence: [{ sha256: SHA }] })),
  event('evidence uri empty', false, w(EVENT, { evidence: [{ sha256: SHA, uri: '' }] })),
  event('evidence uri of 2,048 characters', true, w(EVENT, { evidence: [{ sha256: SHA, uri: chars(2048) }] })),
  event('evidence uri of 2,049 characters', false, w(EVENT, { evidence: [{ sha256: SHA, uri: chars(2049) }] })),
  event('evidence null', true, w(EVENT, { evidence: null })),
  event('evidence item a string', false, w(EVENT, { evidence: ['x'] })),
  event('a correction', true, w(EVENT, { eventId: 'EVT-B-2', correctionOf: 'EVT-B-1', reason: 'wrong link' })),
  event('a correction without reason', false, w(EVENT, { eventId: 'EVT-B-2', correctionOf: 'EVT-B-1' })),
  event('a correction of itself', false, w(EVENT, { correctionOf: 'EVT-B-1', reason: 'oops' })),
  event('a correction with a blank reason', false, w(EVENT, { eventId: 'EVT-B-2', correctionOf: 'EVT-B-1', reason: '  ' })),
  event('a reason of 2,048 characters', true, w(EVENT, { eventId: 'EVT-B-2', correctionOf: 'EVT-B-1', reason: chars(2048) })),
  event('a reason of 2,049 characters', false, w(EVENT, { eventId: 'EVT-B-2', correctionOf: 'EVT-B-1', reason: chars(2049) })),
  event('reason null, not a correction', true, w(EVENT, { reason: null })),
  event('a string', false, 'EVT'),

  // ---- batches
  batch('one event', true, [EVENT]),
  batch('no events', false, []),
  batch('500 events', true, Array.from({ length: 500 }, (_, i) => w(EVENT, { eventId: `EVT-B-${i}` }))),
  batch('501 events', false, Array.from({ length: 501 }, (_, i) => w(EVENT, { eventId: `EVT-B-${i}` }))),
  batch('one bad event among good', false, [EVENT, w(EVENT, { eventId: 'EVT-B-9', link: 13 })]),
  batch('events not an array', false, 'EVT'),
  batch('a gps, an rfid and a document event', true, [GPS, w(RFID, { eventId: 'EVT-B-7' }), w(EVENT, { eventId: 'EVT-B-8' })]),

  // ---- ListLots filters (query strings)
  filter('no filter', true, {}),
  filter('pageSize 1', true, { pageSize: '1' }),
  filter('pageSize 200', true, { pageSize: '200' }),
  filter('pageSize 201', false, { pageSize: '201' }),
  filter('pageSize 0', false, { pageSize: '0' }),
  filter('pageSize 1.5', false, { pageSize: '1.5' }),
  filter('pageSize abc', false, { pageSize: 'abc' }),
  filter('ownerMsp', true, { ownerMsp: 'Org1MSP' }),
  filter('ownerMsp of 128 characters', true, { ownerMsp: chars(128, 'M') }),
  filter('ownerMsp of 129 characters', false, { ownerMsp: chars(129, 'M') }),
  filter('ownerMsp with a space', false, { ownerMsp: 'Org 1' }),
  filter('htsCode without dots', true, { htsCode: '8536509065' }),
  filter('htsCode with dots', true, { htsCode: '8536.50.9065' }),
  filter('htsCode with one dot', false, { htsCode: '8536.509065' }),
  filter('country in lower case', true, { originCountry: 'cn' }),
  filter('country XX', false, { originCountry: 'XX' }),
  filter('link 7', true, { link: '7' }),
  filter('link 12', true, { link: '12' }),
  filter('link 13', false, { link: '13' }),
  filter('link 0', false, { link: '0' }),
  filter('link by name', true, { link: 'inland-transport' }),
  filter('a bad link name', false, { link: 'inland' }),
  filter('bookmark of 4,096 characters', true, { bookmark: chars(4096, 'b') }),
  filter('bookmark of 4,097 characters', false, { bookmark: chars(4097, 'b') }),
  filter('bookmark empty', true, { bookmark: '' }),
];

/** true if the chaincode accepts; a ValidationError is a refusal, anything else a defect. */
function chaincodeAccepts(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof ChaincodeValidationError) return false;
    throw err;
  }
}

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
  switch (kind) {
    case 'lot':
      return chaincodeAccepts(() => validateLotInput(input));
    case 'event': {
      const correction = typeof input === 'object' && input !== null && (input as { correctionOf?: unknown }).correctionOf != null;
      return chaincodeAccepts(() => validateEventInput(input, { correction }));
    }
    case 'batch':
      return chaincodeAccepts(() => validateEventBatch((input as { events: unknown }).events));
    case 'filter':
      return chaincodeAccepts(() => validateLotFilter(toChaincodeFilter(input as Record<string, string>)));
  }
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
    expect(disagree, `${disagree.length} of ${CORPUS.length} entries`).to.deep.equal([]);
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
    const defined = <T extends Record<string, unknown>>(r: T) =>
      Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
    const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

    const id = mostly(
      fc.string({ unit: fc.constantFrom(...'aZ09._:-'), minLength: 1, maxLength: 8 }),
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
    const country = mostly(fc.constantFrom('CN', 'VN', 'US'), fc.string({ unit: fc.constantFrom(...'CNUSGBKXcnz '), minLength: 1, maxLength: 3 }));
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
        epcs: opt(fc.oneof({ arbitrary: sizeNear(10_000).map(epcs), weight: 9 }, fc.constant(null), fc.constant(['junk']))),
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
