/**
 * Conflict behaviour of the key design, and a property: any interleaving of valid events from
 * several organisations, committed several per block, yields a provenance that lists each
 * committed event once, time-ordered within its link, with completeness = links covered.
 */
import fc from 'fast-check';
import type { SimulatedTx } from '@acetrace/network';
import { expect } from './chai.test';
import { eventInput, lotInput, newWorld, type Provenance, type RecordedEvent, type World } from './helpers';

describe('chaincode concurrency (ledger harness)', function () {
  this.timeout(120_000);
  let w: World;
  /**
   * Setup for the write scope: the lots posted on are registered by Org3 inside container CC-K,
   * which Org1 handed over to Org2 and Org2 to Org3 before the pack, so all three organisations are
   * (past) custodians of a container the lots are inside, and the handovers add no event to the lots.
   */
  const registerInContainer = async (lotId: string): Promise<unknown> =>
    w.h.submit(await w.id('Org3MSP', 'supplier'), 'RegisterLot', JSON.stringify(lotInput(lotId, { parentLotId: 'CC-K', packedAt: '2026-02-01T00:00:00Z' })));
  before(async () => {
    w = await newWorld();
    await w.h.submit(await w.id('Org1MSP', 'supplier'), 'RegisterLot', JSON.stringify(lotInput('CC-K')));
    await w.h.submit(await w.id('Org1MSP', 'supplier'), 'RecordEvents', JSON.stringify([
      eventInput('CC-K', 5, { eventId: 'cc-k-1', handoverTo: 'Org2MSP', eventTime: '2026-01-10T00:00:00Z' }),
    ]));
    await w.h.submit(await w.id('Org2MSP', 'logistics'), 'RecordEvents', JSON.stringify([
      eventInput('CC-K', 6, { eventId: 'cc-k-2', handoverTo: 'Org3MSP', eventTime: '2026-01-20T00:00:00Z' }),
    ]));
    await registerInContainer('CC-1');
  });
  after(async () => {
    await w.h.close();
  });

  const simulateEvents = async (mspId: string, events: unknown[]): Promise<SimulatedTx> =>
    w.h.simulate(await w.id(mspId, 'compliance'), 'RecordEvents', JSON.stringify(events));

  it('commits two transactions posting different events to one lot, both simulated first, both VALID', async () => {
    const a = await simulateEvents('Org1MSP', [eventInput('CC-1', 7, { eventId: 'cc-a' })]);
    const b = await simulateEvents('Org2MSP', [eventInput('CC-1', 7, { eventId: 'cc-b' })]); // same link: same coverage key, written blindly
    const c = await simulateEvents('Org3MSP', [eventInput('CC-1', 9, { eventId: 'cc-c' })]);
    expect(await w.h.commit([a, b, c])).to.deep.equal(['VALID', 'VALID', 'VALID']);
    const p = (await w.h.evaluate(await w.id('Org3MSP', 'auditor'), 'GetProvenance', 'CC-1')) as Provenance;
    expect(p.links[6]?.events.map((e) => e.eventId).sort()).to.deep.equal(['cc-a', 'cc-b']);
    expect(p.links[6]?.organisations).to.deep.equal(['Org1MSP', 'Org2MSP']);
  });

  it('lets only one of two transactions posting the same event id commit (MVCC_READ_CONFLICT)', async () => {
    const e = eventInput('CC-1', 8, { eventId: 'cc-same' });
    const a = await simulateEvents('Org1MSP', [e]);
    const b = await simulateEvents('Org1MSP', [e]);
    expect(await w.h.commit([a, b])).to.deep.equal(['VALID', 'MVCC_READ_CONFLICT']);
    const [again] = (await w.h.submit(await w.id('Org1MSP', 'compliance'), 'RecordEvents', JSON.stringify([e]))) as RecordedEvent[];
    expect(again).to.include({ status: 'duplicate' });
    expect(again?.event.txId).to.equal(a.txId);
    expect(w.h.events.filter((x) => x.txId === b.txId)).to.deep.equal([]);
  });

  it('conflicts two registrations of one lot id in one block', async () => {
    const s = await w.id('Org1MSP', 'supplier');
    const a = await w.h.simulate(s, 'RegisterLot', JSON.stringify(lotInput('CC-2')));
    const b = await w.h.simulate(s, 'RegisterLot', JSON.stringify(lotInput('CC-2')));
    expect(await w.h.commit([a, b])).to.deep.equal(['VALID', 'MVCC_READ_CONFLICT']);
  });

  it('property: interleaved events from several organisations appear exactly once, time-ordered, complete as covered', async () => {
    const orgs = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    const auditor = await w.id('Org3MSP', 'auditor');
    let run = 0;
    const eventArb = fc.record({
      org: fc.integer({ min: 0, max: 2 }),
      link: fc.integer({ min: 1, max: 12 }),
      minutes: fc.integer({ min: 0, max: 60 * 24 * 60 }),
      offsetHours: fc.integer({ min: -11, max: 14 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 24 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 24, maxLength: 24 }), // events per tx
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 24, maxLength: 24 }), // txs per block
        async (events, perTx, perBlock) => {
          run += 1;
          const lotId = `PROP-${String(run)}`;
          await registerInContainer(lotId);
          const inputs = events.map((e, i) => {
            const utc = Date.UTC(2026, 2, 1) + e.minutes * 60_000;
            const local = new Date(utc + e.offsetHours * 3_600_000).toISOString().slice(0, 19);
            const sign = e.offsetHours < 0 ? '-' : '+';
            const eventTime = `${local}${sign}${String(Math.abs(e.offsetHours)).padStart(2, '0')}:00`;
            return { org: orgs[e.org] as string, input: eventInput(lotId, e.link, { eventId: `${lotId}-e${String(i)}`, eventTime }), utc };
          });
          // group into transactions of events from one organisation, then blocks of transactions
          const txGroups: Array<{ org: string; events: typeof inputs }> = [];
          let k = 0;
          let i = 0;
          while (i < inputs.length) {
            const size = perTx[k % perTx.length] ?? 1;
            const first = inputs[i];
            if (!first) break;
            const window = inputs.slice(i, i + size);
            const cut = window.findIndex((x) => x.org !== first.org);
            const group = cut < 0 ? window : window.slice(0, cut);
            txGroups.push({ org: first.org, events: group });
            i += group.length;
            k += 1;
          }
          let t = 0;
          let b = 0;
          while (t < txGroups.length) {
            const size = perBlock[b % perBlock.length] ?? 1;
            const block: SimulatedTx[] = [];
            for (const g of txGroups.slice(t, t + size)) block.push(await simulateEvents(g.org, g.events.map((x) => x.input)));
            const codes = await w.h.commit(block);
            expect(codes.every((c) => c === 'VALID'), codes.join(',')).to.equal(true);
            t += size;
            b += 1;
          }
          const p = (await w.h.evaluate(auditor, 'GetProvenance', lotId)) as Provenance;
          const listed = p.links.flatMap((l) => l.events.map((e) => e.eventId));
          expect([...listed].sort()).to.deep.equal(inputs.map((x) => String(x.input.eventId)).sort());
          for (const l of p.links) {
            expect(l.events.every((e) => e.link === l.link)).to.equal(true);
            const times = l.events.map((e) => e.eventTimeUtc);
            expect(times).to.deep.equal([...times].sort());
            const expectedOrgs = [...new Set(inputs.filter((x) => x.input.link === l.link).map((x) => x.org))].sort();
            expect(l.organisations).to.deep.equal(expectedOrgs);
          }
          const covered = new Set(inputs.map((x) => x.input.link as number));
          expect(p.completeness.covered).to.equal(covered.size);
          expect(p.completeness.missing).to.have.length(12 - covered.size);
          expect(p.links.filter((l) => l.covered).map((l) => l.link)).to.deep.equal([...covered].sort((x, y) => x - y));
        },
      ),
      { numRuns: 25 },
    );
  });
});
