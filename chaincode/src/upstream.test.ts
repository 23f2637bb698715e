import { expect } from './chai.test';
import { eventRecord as ev, lotRecord } from './fixtures.test';
import { MAX_UPSTREAM_DEPTH } from './limits';
import { lotLinks } from './provenance';
import { isOverConsumed, overConsumption, totalConsumed, upstreamTree } from './upstream';
import type { ConsumptionRecord, LotRecord } from './types';

const use = (inputLotId: string, consumerLotId: string, quantity: number): ConsumptionRecord => ({ inputLotId, consumerLotId, quantity, unit: 'KGM', txId: 't' });

describe('upstream', () => {
  const bale = lotRecord({ lotId: 'BALE', unit: 'KGM', quantity: 100, originCountry: 'US' });
  const yarn = lotRecord({ lotId: 'YARN', unit: 'KGM', quantity: 90, inputs: [{ lotId: 'BALE', quantity: 90, unit: 'KGM' }] });
  const shirts = lotRecord({ lotId: 'SHIRTS', unit: 'EA', inputs: [{ lotId: 'YARN', quantity: 90, unit: 'KGM' }, { lotId: 'GONE', quantity: 1, unit: 'KGM' }] });
  const data = {
    lots: new Map<string, LotRecord>([['BALE', bale], ['YARN', yarn]]),
    eventsByLot: new Map([['BALE', [ev({ eventId: 'b1', lotId: 'BALE', link: 1, eventTime: '2026-01-01T00:00:00Z' })]]]),
    consumptionOf: new Map([['BALE', [use('BALE', 'YARN', 90)]], ['YARN', [use('YARN', 'SHIRTS', 90)]]]),
  };

  it('builds one node per registered input, recursively, with origin, completeness and consumption', () => {
    const { upstream, truncated } = upstreamTree(shirts, data, () => 'full', lotLinks, true);
    expect(truncated).to.equal(true); // GONE is not loaded
    expect(upstream.map((n) => [n.lot.lotId, n.quantityConsumed, n.totalConsumed, n.truncated])).to.deep.equal([['YARN', 90, 90, false]]);
    const baleNode = upstream[0]?.upstream[0];
    expect(baleNode?.lot).to.include({ lotId: 'BALE', originCountry: 'US' });
    expect(baleNode?.completeness.covered).to.equal(1);
    expect(baleNode?.links?.[0]?.events.map((e) => e.eventId)).to.deep.equal(['b1']);
  });

  it('hides events of input lots the reader is not entitled to, keeping the tree', () => {
    const { upstream } = upstreamTree(shirts, data, (lot, consumerFull) => (consumerFull || lot.lotId === 'BALE' ? 'full' : 'summary'), lotLinks, false);
    expect(upstream[0]?.detail).to.equal('summary');
    expect(upstream[0]?.links).to.equal(undefined);
    expect(upstream[0]?.upstream[0]?.detail).to.equal('full');
  });

  it('cuts the tree at the depth cap', () => {
    const chain = new Map<string, LotRecord>();
    let previous: LotRecord | undefined;
    for (let i = 0; i <= MAX_UPSTREAM_DEPTH + 2; i++) {
      const lot = lotRecord({ lotId: `L${String(i)}`, inputs: previous ? [{ lotId: previous.lotId, quantity: 1, unit: 'EA' }] : [] });
      chain.set(lot.lotId, lot);
      previous = lot;
    }
    const { upstream, truncated } = upstreamTree(previous as LotRecord, { lots: chain, eventsByLot: new Map(), consumptionOf: new Map() }, () => 'summary', lotLinks, false);
    let depth = 0;
    for (let nodes = upstream; nodes.length > 0; nodes = nodes[0]?.upstream ?? []) depth += 1;
    expect(depth).to.equal(MAX_UPSTREAM_DEPTH);
    expect(truncated).to.equal(true);
  });

  it('sums consumption with decimal slack and flags over-consumption naming every lot involved', () => {
    expect(totalConsumed([use('X', 'A', 0.1), use('X', 'B', 0.2)])).to.be.closeTo(0.3, 1e-12);
    expect(isOverConsumed({ quantity: 0.3 }, [use('X', 'A', 0.1), use('X', 'B', 0.2)])).to.equal(false);
    const found = overConsumption([bale, bale], new Map([['BALE', [use('BALE', 'B2', 30), use('BALE', 'A1', 80)]]]));
    expect(found).to.have.length(1);
    expect(found[0]).to.deep.include({ type: 'over-consumption', eventIds: [], lotIds: ['BALE', 'A1', 'B2'] });
    expect(found[0]?.detail).to.equal('lot BALE (100 KGM) is consumed 110 KGM by A1 (80), B2 (30)');
  });
});
