import { expect } from './chai.test';
import { eventRecord as ev, lotRecord } from './fixtures.test';
import { ancestorThresholds, assembleProvenance, completenessOf, provenanceEvents } from './provenance';
import type { EventRecord } from './types';

describe('provenance', () => {
  it('computes completeness from covered links', () => {
    expect(completenessOf([1, 2, 2, 12])).to.deep.equal({
      covered: 3, required: 12,
      missing: ['manufacturing', 'quality-inspection', 'packaging', 'origin-warehousing', 'inland-transport', 'export-clearance',
        'port-of-loading', 'international-transit', 'us-port-of-entry'],
    });
  });

  it('lists all 12 links, events time-ordered within a link, with organisations and first/last seen', () => {
    const events: EventRecord[] = [
      ev({ eventId: 'B', link: 3, eventTime: '2026-01-03T00:00:00Z', recordedBy: 'Org2MSP' }),
      ev({ eventId: 'A', link: 3, eventTime: '2026-01-03T06:00:00+08:00' }), // 2026-01-02T22:00Z: first
      ev({ eventId: 'C', link: 1, eventTime: '2026-01-01T00:00:00Z' }),
      ev({ eventId: 'A2', link: 3, eventTime: '2026-01-03T00:00:00Z' }), // same instant as B: id order
    ];
    const p = assembleProvenance({ lot: lotRecord(), ancestors: [], eventsByLot: new Map([['L1', events]]), familyEpcs: [], detail: 'full' });
    expect(p.links).to.have.length(12);
    expect(p.links.map((l) => l.link)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const l3 = p.links[2];
    expect(l3?.events.map((e) => e.eventId)).to.deep.equal(['A', 'A2', 'B']);
    expect(l3?.organisations).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect([l3?.firstSeen, l3?.lastSeen]).to.deep.equal(['2026-01-03T06:00:00+08:00', '2026-01-03T00:00:00Z']);
    expect(p.links[1]).to.include({ covered: false, firstSeen: null, lastSeen: null });
    expect(p.completeness.covered).to.equal(2);
    expect(p.lot.parentChain).to.deep.equal([]);
    expect(p.detail).to.equal('full');
    expect(l3?.events[0]).to.include({ viaLotId: null, correctedBy: null, txId: 'tx-A' });
  });

  it('includes ancestors’ events since packing, with viaLotId, and the parent chain nearest first', () => {
    const grand = lotRecord({ lotId: 'G', epcs: [] });
    const parent = lotRecord({ lotId: 'P', parentLotId: 'G', packedAt: '2026-01-10T00:00:00Z', epcs: [] });
    const child = lotRecord({ lotId: 'C', parentLotId: 'P', packedAt: '2026-01-05T00:00:00Z' });
    expect([...ancestorThresholds(child, [parent, grand])]).to.deep.equal([
      ['P', '2026-01-05T00:00:00.000000000Z'],
      ['G', '2026-01-10T00:00:00.000000000Z'],
    ]);
    const eventsByLot = new Map<string, EventRecord[]>([
      ['C', [ev({ eventId: 'c1', lotId: 'C', link: 3, eventTime: '2026-01-01T00:00:00Z' })]],
      ['P', [ev({ eventId: 'p-before', lotId: 'P', link: 6, eventTime: '2026-01-04T00:00:00Z' }), ev({ eventId: 'p-after', lotId: 'P', link: 6, eventTime: '2026-01-06T00:00:00Z' })]],
      ['G', [ev({ eventId: 'g-before', lotId: 'G', link: 9, eventTime: '2026-01-09T00:00:00Z' }), ev({ eventId: 'g-after', lotId: 'G', link: 9, eventTime: '2026-01-11T00:00:00Z' })]],
    ]);
    const p = assembleProvenance({ lot: child, ancestors: [parent, grand], eventsByLot, familyEpcs: [], detail: 'full' });
    const all = p.links.flatMap((l) => l.events.map((e) => `${e.eventId}:${e.viaLotId ?? '-'}`));
    expect(all).to.deep.equal(['c1:-', 'p-after:P', 'g-after:G']);
    expect(p.lot.parentChain).to.deep.equal(['P', 'G']);
    // without packedAt every ancestor event counts
    const loose = provenanceEvents({ lot: lotRecord({ lotId: 'C', parentLotId: 'P' }), ancestors: [lotRecord({ lotId: 'P' })], eventsByLot });
    expect(loose.map((e) => e.eventId)).to.deep.equal(['c1', 'p-before', 'p-after']);
  });

  it('marks corrected events, keeps both, and leaves corrected events out of anomalies', () => {
    const events = [
      ev({ eventId: 'wrong', link: 5, eventTime: '2026-01-01T00:00:00Z' }),
      ev({ eventId: 'fix1', link: 5, eventTime: '2026-01-09T00:00:00Z', correctionOf: 'wrong', reason: 'typo', recordedAt: '2026-06-01T00:00:00.000Z' }),
      ev({ eventId: 'fix2', link: 5, eventTime: '2026-01-09T00:00:00Z', correctionOf: 'wrong', reason: 'typo again', recordedAt: '2026-06-02T00:00:00.000Z' }),
      ev({ eventId: 'x', link: 4, eventTime: '2026-01-05T00:00:00Z' }),
    ];
    const p = assembleProvenance({ lot: lotRecord(), ancestors: [], eventsByLot: new Map([['L1', events]]), familyEpcs: [], detail: 'full' });
    const l5 = p.links[4]?.events ?? [];
    expect(l5.map((e) => [e.eventId, e.correctedBy, e.correctionOf])).to.deep.equal([
      ['wrong', 'fix2', null], ['fix1', null, 'wrong'], ['fix2', null, 'wrong'],
    ]);
    expect(p.anomalies).to.deep.equal([]); // 'wrong' (before link 4's event) is superseded
  });

  it('summarises without event details', () => {
    const events = [ev({ eventId: 'A', link: 2, eventTime: '2026-01-01T00:00:00Z' }), ev({ eventId: 'B', link: 1, eventTime: '2026-01-02T00:00:00Z' })];
    const p = assembleProvenance({ lot: lotRecord(), ancestors: [], eventsByLot: new Map([['L1', events]]), familyEpcs: [], detail: 'summary' });
    expect(p.detail).to.equal('summary');
    expect(p.links.flatMap((l) => l.events)).to.deep.equal([]);
    expect(p.links.filter((l) => l.covered).map((l) => l.link)).to.deep.equal([1, 2]);
    expect(p.links.every((l) => l.organisations.length === 0 && l.firstSeen === null)).to.equal(true);
    expect(p.anomalies).to.deep.equal([]);
    expect(p.completeness.covered).to.equal(2);
    expect(p.lot.epcs).to.deep.equal([]);
  });
});
