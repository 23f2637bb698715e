import { expect } from './chai.test';
import { parseInstant, timestampToIso, utcKeyToMs } from './time';

describe('time', () => {
  it('turns offsets into fixed-width sortable UTC keys', () => {
    expect(parseInstant('2026-11-20T08:15:00+08:00')?.utcKey).to.equal('2026-11-20T00:15:00.000000000Z');
    expect(parseInstant('2026-11-19T23:15:00.5-01:00')?.utcKey).to.equal('2026-11-20T00:15:00.500000000Z');
    expect(parseInstant('2026-11-20T00:15:00.123456789Z')?.utcKey).to.equal('2026-11-20T00:15:00.123456789Z');
    expect(parseInstant('2026-01-01T00:00:00+14:00')?.utcKey).to.equal('2025-12-31T10:00:00.000000000Z');
  });
  it('refuses times without offset and impossible times', () => {
    for (const bad of ['2026-11-20T08:15:00', '2026-11-20', '2026-13-01T00:00:00Z', '2026-02-29T00:00:00Z', '2026-01-01T24:00:00Z',
      '2026-01-01T00:60:00Z', '2026-01-01T00:00:60Z', '2026-01-01T00:00:00+15:00', '2026-01-01T00:00:00+0800', '2026-01-01 00:00:00Z']) {
      expect(parseInstant(bad), bad).to.equal(undefined);
    }
    expect(parseInstant('2028-02-29T00:00:00Z')).to.not.equal(undefined);
  });
  it('orders keys like instants', () => {
    const a = parseInstant('2026-11-20T08:15:00+08:00');
    const b = parseInstant('2026-11-20T00:15:00.000000001Z');
    expect(a && b && a.utcKey < b.utcKey).to.equal(true);
    expect(a && b && a.epochMs <= b.epochMs).to.equal(true);
    expect(utcKeyToMs('1970-01-01T00:00:01.500000000Z')).to.equal(1500);
  });
  it('formats Fabric timestamps', () => {
    expect(timestampToIso({ seconds: 1767225600, nanos: 123_000_000 })).to.equal('2026-01-01T00:00:00.123Z');
    expect(timestampToIso({ seconds: { toNumber: () => 0 }, nanos: 0 })).to.equal('1970-01-01T00:00:00.000Z');
  });
});
