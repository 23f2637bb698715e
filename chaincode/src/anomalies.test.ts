import { expect } from './chai.test';
import { afterDelivery, detectAnomalies, foreignEpcs, haversineMeters, impossibleTravel, outOfOrder } from './anomalies';
import { eventRecord as ev } from './fixtures.test';

const gps = (eventId: string, eventTime: string, lat: number, lon: number, accuracyM: number | null = null) =>
  ev({ eventId, eventTime, link: 7, kind: 'gps', location: { lat, lon, accuracyM, gln: null } });

describe('anomalies', () => {
  it('measures great-circle distance', () => {
    expect(haversineMeters(0, 0, 0, 1)).to.be.closeTo(111_195, 10);
    expect(haversineMeters(22.543, 114.057, 22.543, 114.057)).to.equal(0);
    // Shenzhen → Los Angeles ≈ 11,650 km
    expect(haversineMeters(22.543, 114.057, 33.94, -118.41) / 1000).to.be.closeTo(11_650, 100);
  });

  describe('out-of-order', () => {
    it('flags an event of a higher link earlier than one of a lower link', () => {
      const events = [
        ev({ eventId: 'A', link: 1, eventTime: '2026-01-01T00:00:00Z' }),
        ev({ eventId: 'B', link: 3, eventTime: '2026-01-05T00:00:00Z' }),
        ev({ eventId: 'C', link: 5, eventTime: '2026-01-03T00:00:00Z' }),
        ev({ eventId: 'D', link: 6, eventTime: '2026-01-06T00:00:00Z' }),
      ];
      const found = outOfOrder(events);
      expect(found.map((a) => a.eventIds)).to.deep.equal([['B', 'C']]);
      expect(found[0]?.type).to.equal('out-of-order');
      expect(found[0]?.detail).to.match(/link 5 \(packaging\).*earlier than event B on link 3 \(manufacturing\)/);
    });
    it('accepts same-time and in-order events, and events within one link in any order', () => {
      expect(outOfOrder([
        ev({ eventId: 'A', link: 1, eventTime: '2026-01-01T00:00:00Z' }),
        ev({ eventId: 'A2', link: 1, eventTime: '2026-01-09T00:00:00+08:00' }),
        ev({ eventId: 'B', link: 2, eventTime: '2026-01-09T00:00:00+08:00' }),
      ])).to.deep.equal([]);
    });
    it('compares instants, not local clock readings', () => {
      // 08:00+08:00 is 00:00Z: earlier than 01:00Z on link 1
      const found = outOfOrder([
        ev({ eventId: 'A', link: 1, eventTime: '2026-01-01T01:00:00Z' }),
        ev({ eventId: 'B', link: 2, eventTime: '2026-01-01T08:00:00+08:00' }),
      ]);
      expect(found.map((a) => a.eventIds)).to.deep.equal([['A', 'B']]);
    });
  });

  describe('impossible-travel', () => {
    it('flags consecutive fixes faster than 1,200 km/h', () => {
      const found = impossibleTravel([
        gps('G1', '2026-01-01T00:00:00Z', 22.543, 114.057),
        gps('G2', '2026-01-01T01:00:00Z', 33.94, -118.41), // 11,650 km in 1 h
        gps('G3', '2026-01-02T12:00:00Z', 33.95, -118.40),
      ]);
      expect(found.map((a) => a.eventIds)).to.deep.equal([['G1', 'G2']]);
      expect(found[0]?.detail).to.match(/km\/h \(limit 1200\)/);
    });
    it('subtracts accuracies before judging', () => {
      // 111 km in 5 min = 1,334 km/h; with 10 km accuracy each, 91 km = 1,094 km/h
      const fixes = (acc: number | null) => [gps('A', '2026-01-01T00:00:00Z', 0, 0, acc), gps('B', '2026-01-01T00:05:00Z', 0, 1, acc)];
      expect(impossibleTravel(fixes(null))).to.have.length(1);
      expect(impossibleTravel(fixes(10_000))).to.have.length(0);
    });
    it('uses located RFID reads too, ignores unlocated events and sorts by time', () => {
      const read = ev({ eventId: 'R', link: 9, kind: 'rfid', eventTime: '2026-01-01T00:10:00Z', epcs: ['x'], location: { lat: 10, lon: 10, accuracyM: null, gln: null } });
      const doc = ev({ eventId: 'D', link: 8, eventTime: '2026-01-01T00:05:00Z', location: { lat: -50, lon: -50, accuracyM: null, gln: null } });
      const found = impossibleTravel([read, doc, gps('G', '2026-01-01T00:00:00Z', 0, 0)]);
      expect(found.map((a) => a.eventIds)).to.deep.equal([['G', 'R']]);
    });
    it('flags different places at the same instant', () => {
      expect(impossibleTravel([gps('A', '2026-01-01T00:00:00Z', 0, 0), gps('B', '2026-01-01T00:00:00Z', 0, 1)])[0]?.detail).to.match(/infinite/);
    });
  });

  describe('foreign-epc', () => {
    it('flags RFID EPCs of no lot in the family, in any spelling', () => {
      const family = ['urn:epc:id:sgtin:0614141.812345.6789', 'urn:epc:id:sscc:235634.35321345434'];
      const found = foreignEpcs([
        ev({ eventId: 'OK', kind: 'rfid', eventTime: '2026-01-01T00:00:00Z', epcs: ['urn:epc:id:sgtin:0614141.812345.6789'] }),
        ev({ eventId: 'OK2', kind: 'rfid', eventTime: '2026-01-01T00:00:00Z', epcs: ['urn:epc:id:sgtin:06141411.82345.6789'] }),
        ev({ eventId: 'BAD', kind: 'rfid', eventTime: '2026-01-02T00:00:00Z', epcs: ['urn:epc:id:sscc:235634.35321345434', 'urn:epc:id:sgtin:0614141.812345.1'] }),
        ev({ eventId: 'DOC', kind: 'document', eventTime: '2026-01-02T00:00:00Z', epcs: ['urn:epc:id:sgtin:0614141.812345.2'] }),
      ], family);
      expect(found.map((a) => a.eventIds)).to.deep.equal([['BAD']]);
      expect(found[0]?.detail).to.contain('urn:epc:id:sgtin:0614141.812345.1');
    });
  });

  describe('after-delivery', () => {
    it('flags events after the earliest link-12 handover', () => {
      const found = afterDelivery([
        ev({ eventId: 'DEL2', link: 12, kind: 'handover', eventTime: '2026-03-05T00:00:00Z' }),
        ev({ eventId: 'DEL', link: 12, kind: 'handover', eventTime: '2026-03-01T00:00:00Z' }),
        ev({ eventId: 'RFID12', link: 12, kind: 'rfid', eventTime: '2026-02-28T00:00:00Z', epcs: ['x'] }),
        ev({ eventId: 'LATE', link: 10, eventTime: '2026-03-02T00:00:00Z' }),
      ]);
      expect(found.map((a) => a.eventIds)).to.deep.equal([['DEL', 'LATE'], ['DEL', 'DEL2']]);
    });
    it('needs a handover on link 12', () => {
      expect(afterDelivery([ev({ eventId: 'X', link: 12, kind: 'rfid', eventTime: '2026-03-01T00:00:00Z', epcs: ['x'] }), ev({ eventId: 'Y', link: 3, eventTime: '2026-04-01T00:00:00Z' })])).to.deep.equal([]);
    });
  });

  it('groups every kind in a fixed order', () => {
    const all = detectAnomalies([
      ev({ eventId: 'P', link: 5, eventTime: '2026-01-05T00:00:00Z' }),
      ev({ eventId: 'Q', link: 6, kind: 'rfid', eventTime: '2026-01-04T00:00:00Z', epcs: ['urn:epc:id:sgtin:0614141.812345.1'] }),
      gps('G1', '2026-01-06T00:00:00Z', 0, 0),
      gps('G2', '2026-01-06T00:01:00Z', 10, 10),
      ev({ eventId: 'H', link: 12, kind: 'handover', eventTime: '2026-01-07T00:00:00Z' }),
      ev({ eventId: 'Z', link: 11, eventTime: '2026-01-08T00:00:00Z' }),
    ], ['urn:epc:id:sgtin:0614141.812345.6789']);
    expect(all.map((a) => a.type)).to.deep.equal(['out-of-order', 'out-of-order', 'impossible-travel', 'foreign-epc', 'after-delivery']);
  });
});
