import { expect } from './chai.test';
import { allContainersAt, ancestorStays, containmentIntervals, doubleContainment, overlap, type ContainmentInterval } from './containment';
import { lotRecord } from './fixtures.test';
import { parseInstant } from './time';
import type { ContainmentRecord } from './types';

const utc = (t: string): string => parseInstant(t)?.utcKey as string;
function rec(childLotId: string, parentLotId: string, action: 'pack' | 'unpack', at: string, eventId: string | null): ContainmentRecord {
  return { childLotId, parentLotId, action, at, atUtc: utc(at), eventId, recordedBy: 'Org1MSP', txId: 't' };
}

describe('containment', () => {
  const v2 = { schemaVersion: 2 };
  it('opens a stay on pack and closes it on unpack; repeats and stray unpacks change nothing', () => {
    const intervals = containmentIntervals(lotRecord({ lotId: 'C', ...v2 }), [
      rec('C', 'P', 'unpack', '2026-01-01T00:00:00Z', 'stray'),
      rec('C', 'P', 'pack', '2026-01-02T00:00:00Z', 'p1'),
      rec('C', 'P', 'pack', '2026-01-03T00:00:00Z', 'p-again'),
      rec('C', 'P', 'unpack', '2026-01-04T00:00:00Z', 'u1'),
      rec('C', 'Q', 'pack', '2026-01-05T00:00:00Z', 'q1'),
    ]);
    expect(intervals.map((i) => [i.parentLotId, i.from, i.until, i.packEventId, i.unpackEventId])).to.deep.equal([
      ['P', '2026-01-02T00:00:00Z', '2026-01-04T00:00:00Z', 'p1', 'u1'],
      ['Q', '2026-01-05T00:00:00Z', null, 'q1', null],
    ]);
  });

  it('reads an older lot’s parentLotId as a stay from packedAt (or always) that never ends', () => {
    expect(containmentIntervals(lotRecord({ lotId: 'C', parentLotId: 'P', packedAt: '2026-01-05T08:00:00+08:00' }), [])).to.deep.include.members([{
      lotId: 'C', parentLotId: 'P', from: '2026-01-05T08:00:00+08:00', fromUtc: utc('2026-01-05T00:00:00Z'), until: null, untilUtc: null,
      packEventId: null, unpackEventId: null, legacy: true,
    }]);
    expect(containmentIntervals(lotRecord({ lotId: 'C', parentLotId: 'P', ...v2 }), [])).to.deep.equal([]); // a v2 lot's pack is a record
  });

  it('intersects nested stays: a case sees the container only while its pallet was inside it', () => {
    const byLot = new Map<string, ContainmentInterval[]>([
      ['CASE', containmentIntervals(lotRecord({ lotId: 'CASE', ...v2 }), [rec('CASE', 'PAL', 'pack', '2026-01-02T00:00:00Z', 'a'), rec('CASE', 'PAL', 'unpack', '2026-01-10T00:00:00Z', 'b')])],
      ['PAL', containmentIntervals(lotRecord({ lotId: 'PAL', ...v2 }), [rec('PAL', 'CONT', 'pack', '2026-01-05T00:00:00Z', 'c'), rec('PAL', 'CONT', 'unpack', '2026-01-20T00:00:00Z', 'd')])],
      ['CONT', []],
    ]);
    const stays = ancestorStays('CASE', (id) => byLot.get(id));
    expect(stays.map((s) => [s.interval.parentLotId, s.window.fromUtc, s.window.untilUtc, s.depth])).to.deep.equal([
      ['PAL', utc('2026-01-02T00:00:00Z'), utc('2026-01-10T00:00:00Z'), 1],
      ['CONT', utc('2026-01-05T00:00:00Z'), utc('2026-01-10T00:00:00Z'), 2],
    ]);
    expect(allContainersAt(stays, utc('2026-01-06T00:00:00Z'))).to.deep.equal(['PAL', 'CONT']);
    expect(allContainersAt(stays, utc('2026-01-03T00:00:00Z'))).to.deep.equal(['PAL']);
    expect(allContainersAt(stays, utc('2026-01-10T00:00:00Z'))).to.deep.equal([]);
  });

  it('stops at a container already on the path', () => {
    const loop = new Map<string, ContainmentInterval[]>([
      ['A', containmentIntervals(lotRecord({ lotId: 'A', ...v2 }), [rec('A', 'B', 'pack', '2026-01-01T00:00:00Z', 'x')])],
      ['B', containmentIntervals(lotRecord({ lotId: 'B', ...v2 }), [rec('B', 'A', 'pack', '2026-01-01T00:00:00Z', 'y')])],
    ]);
    expect(ancestorStays('A', (id) => loop.get(id)).map((s) => s.interval.parentLotId)).to.deep.equal(['B']);
  });

  it('computes window overlaps, half-open', () => {
    expect(overlap({ fromUtc: 'a', untilUtc: 'c' }, { fromUtc: 'b', untilUtc: null })).to.deep.equal({ fromUtc: 'b', untilUtc: 'c' });
    expect(overlap({ fromUtc: 'a', untilUtc: 'b' }, { fromUtc: 'b', untilUtc: null })).to.equal(undefined);
    expect(overlap({ fromUtc: null, untilUtc: null }, { fromUtc: null, untilUtc: 'z' })).to.deep.equal({ fromUtc: null, untilUtc: 'z' });
  });

  it('flags a lot inside two containers at once, not one after the other', () => {
    const intervals = containmentIntervals(lotRecord({ lotId: 'C', ...v2 }), [
      rec('C', 'P', 'pack', '2026-01-01T00:00:00Z', 'p'), rec('C', 'P', 'unpack', '2026-01-03T00:00:00Z', 'u'),
      rec('C', 'Q', 'pack', '2026-01-03T00:00:00Z', 'q'), rec('C', 'R', 'pack', '2026-01-04T00:00:00Z', 'r'),
    ]);
    const found = doubleContainment(intervals);
    expect(found.map((a) => [a.type, a.eventIds, a.lotIds])).to.deep.equal([['double-containment', ['q', 'r'], ['C', 'Q', 'R']]]);
  });
});
