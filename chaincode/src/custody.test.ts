import fc from 'fast-check';
import { expect } from './chai.test';
import { checkHandover, checkWriteScope, custodianAt, custodians, custodyChain, outsideCustody } from './custody';
import { eventRecord as ev, lotRecord } from './fixtures.test';
import { parseInstant } from './time';
import type { Caller, CustodyRecord } from './types';

const as = (mspId: string): Caller => ({ mspId, role: 'logistics' });
function handover(mspId: string, from: string, eventId: string, recordedBy = 'Org1MSP'): CustodyRecord {
  return { lotId: 'L1', mspId, gln: null, from, fromUtc: parseInstant(from)?.utcKey as string, eventId, recordedBy, txId: `tx-${eventId}` };
}

describe('custody', () => {
  it('starts with the owner from the beginning and appends one interval per handover, in time order', () => {
    const chain = custodyChain('Org1MSP', [handover('Org3MSP', '2026-02-03T00:00:00Z', 'h2'), handover('Org2MSP', '2026-02-01T00:00:00+08:00', 'h1')]);
    expect(chain.map((i) => [i.mspId, i.from, i.until, i.eventId])).to.deep.equal([
      ['Org1MSP', null, '2026-02-01T00:00:00+08:00', null],
      ['Org2MSP', '2026-02-01T00:00:00+08:00', '2026-02-03T00:00:00Z', 'h1'],
      ['Org3MSP', '2026-02-03T00:00:00Z', null, 'h2'],
    ]);
    expect(custodianAt(chain, parseInstant('2026-01-31T15:59:59Z')?.utcKey as string)).to.equal('Org1MSP');
    expect(custodianAt(chain, parseInstant('2026-01-31T16:00:00Z')?.utcKey as string)).to.equal('Org2MSP'); // the handover's instant is the new custodian's
    expect(custodians(chain)).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
  });

  it('property: the chain partitions time and custodianAt agrees with the last handover at or before an instant', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 8 }), fc.array(fc.nat(3)), fc.integer({ min: -10, max: 10_010 }), (minutes, targets, probe) => {
        const iso = (m: number) => new Date(Date.UTC(2026, 0, 1) + m * 60_000).toISOString();
        const records = minutes.map((m, i) => handover(`Org${String((targets[i] ?? 0) + 1)}MSP`, iso(m), `h${String(i)}`));
        const chain = custodyChain('Org0MSP', records);
        expect(chain[0]?.fromUtc).to.equal(null);
        expect(chain[chain.length - 1]?.untilUtc).to.equal(null);
        for (let i = 1; i < chain.length; i++) expect(chain[i]?.fromUtc).to.equal(chain[i - 1]?.untilUtc);
        const at = parseInstant(iso(probe))?.utcKey as string;
        const last = [...records].filter((r) => r.fromUtc <= at).sort((a, b) => (a.fromUtc < b.fromUtc ? -1 : 1)).pop();
        expect(custodianAt(chain, at)).to.equal(last?.mspId ?? 'Org0MSP');
      }),
    );
  });

  it('decides the write scope: owner, importer, custodians, holders of a container; anyone else is refused naming the rule', () => {
    const lot = lotRecord({ importerMsp: 'Org4MSP' });
    const chain = custodyChain('Org1MSP', [handover('Org2MSP', '2026-02-01T00:00:00Z', 'h1')]);
    for (const msp of ['Org1MSP', 'Org2MSP', 'Org4MSP']) expect(checkWriteScope(as(msp), lot, chain, false, 'events[0]')).to.equal(undefined);
    expect(checkWriteScope(as('Org3MSP'), lot, chain, true, 'events[0]')).to.equal(undefined);
    expect(checkWriteScope(as('Org3MSP'), lot, chain, false, 'events[0]')?.message).to.match(/^ACCESS_DENIED: events\[0\]: Org3MSP may not post on lot L1; write scope: /);
  });

  it('lets the custodian at the event time hand over, the importer on links 8 and 11, and nobody before the latest handover', () => {
    const lot = lotRecord({ importerMsp: 'Org4MSP' });
    const chain = custodyChain('Org1MSP', [handover('Org2MSP', '2026-02-01T00:00:00Z', 'h1')]);
    const e = (link: number, eventTime: string) => ({ eventId: 'h2', link, eventTime, eventTimeUtc: parseInstant(eventTime)?.utcKey as string });
    expect(checkHandover(as('Org2MSP'), lot, chain, e(7, '2026-02-02T00:00:00Z'), true, 'p')).to.equal(undefined);
    expect(checkHandover(as('Org1MSP'), lot, chain, e(7, '2026-02-02T00:00:00Z'), false, 'p')?.message).to.match(/^ACCESS_DENIED: p: Org1MSP may not hand over lot L1: only its custodian/);
    expect(checkHandover(as('Org4MSP'), lot, chain, e(11, '2026-02-02T00:00:00Z'), false, 'p')).to.equal(undefined);
    expect(checkHandover(as('Org4MSP'), lot, chain, e(7, '2026-02-02T00:00:00Z'), false, 'p')?.code).to.equal('ACCESS_DENIED');
    expect(checkHandover(as('Org2MSP'), lot, chain, e(7, '2026-02-01T00:00:00Z'), true, 'p')?.message).to.match(/^CONFLICT: p: a handover of lot L1 .* must be later than its latest handover h1/);
  });

  it('flags RFID and GPS events recorded outside the recorder’s custody, and only those', () => {
    const held = (lotId: string, mspId: string, utc: string): boolean | undefined =>
      lotId === 'OLD' ? undefined : mspId === 'Org1MSP' ? utc < '2026-02-01' : mspId === 'Org2MSP' && utc >= '2026-02-01';
    const events = [
      ev({ eventId: 'a', kind: 'rfid', eventTime: '2026-01-15T00:00:00Z', recordedBy: 'Org1MSP' }),
      ev({ eventId: 'b', kind: 'gps', eventTime: '2026-02-15T00:00:00Z', recordedBy: 'Org1MSP' }),
      ev({ eventId: 'c', kind: 'document', eventTime: '2026-02-15T00:00:00Z', recordedBy: 'Org1MSP' }),
      ev({ eventId: 'd', kind: 'rfid', eventTime: '2026-01-15T00:00:00Z', recordedBy: 'Org2MSP' }),
      ev({ eventId: 'e', kind: 'rfid', eventTime: '2026-01-15T00:00:00Z', recordedBy: 'Org3MSP', lotId: 'OLD' }),
    ];
    expect(outsideCustody(events, held).map((a) => [a.type, a.eventIds[0]])).to.deep.equal([['outside-custody', 'b'], ['outside-custody', 'd']]);
  });
});
