import type { Principal } from '../auth/principals';
import { expect } from '../chai.test';
import type { EventQueue } from '../ports/event-queue';
import type { LedgerPort } from '../ports/ledger';
import { ProvenanceService } from './provenance.service';

const auditor: Principal = { name: 'org3-auditor', role: 'auditor', identity: 'org3-auditor', mspId: 'Org3MSP' };

/** A chaincode-shaped provenance answer: `perLink` events on each of the 12 links. */
function provenance(perLink: number): Record<string, unknown> {
  return {
    lot: { lotId: 'LOT-1' },
    links: Array.from({ length: 12 }, (_, l) => ({
      link: l + 1,
      events: Array.from({ length: perLink }, (_, i) => ({ eventId: `E-${l + 1}-${i}`, kind: 'gps' })),
    })),
  };
}

function fakes(answer: Record<string, unknown>, blocks: (ids: readonly string[]) => Promise<Map<string, number>>) {
  const calls = { get: 0, blockNumbers: [] as Array<readonly string[]> };
  const ledger = {
    provenance: () => Promise.resolve(structuredClone(answer)),
    provenanceByEpc: () => Promise.resolve(structuredClone(answer)),
  } as unknown as LedgerPort;
  const queue = {
    get: () => {
      calls.get += 1;
      return Promise.resolve(undefined);
    },
    blockNumbers: (ids: readonly string[]) => {
      calls.blockNumbers.push(ids);
      return blocks(ids);
    },
  } as unknown as EventQueue;
  return { ledger, queue, calls };
}

type Answer = { links: Array<{ events: Array<{ eventId: string; blockNumber?: number }> }>; queryMs: number };

describe('services/provenance', () => {
  it('fills blockNumber of a 1,200-event answer with one batched outbox lookup, none per event', async () => {
    // even links committed in block 100 + link; odd links unknown to this gateway's outbox
    const { ledger, queue, calls } = fakes(provenance(100), (ids) =>
      Promise.resolve(new Map(ids.filter((id) => Number(id.split('-')[1]) % 2 === 0).map((id) => [id, 100 + Number(id.split('-')[1])]))),
    );
    const out = (await new ProvenanceService(ledger, queue).byLot(auditor, 'LOT-1')) as unknown as Answer;
    expect(calls.get).to.equal(0);
    expect(calls.blockNumbers).to.have.length(1);
    expect(calls.blockNumbers[0]).to.have.length(1200);
    for (const [i, link] of out.links.entries()) {
      for (const ev of link.events) {
        if ((i + 1) % 2 === 0) expect(ev.blockNumber).to.equal(101 + i);
        else expect(ev).to.not.have.property('blockNumber');
      }
    }
    expect(out.queryMs).to.be.a('number');
  });

  it('keeps block numbers the answer already has, and asks nothing when none is missing', async () => {
    const answer = provenance(1);
    const links = answer.links as Answer['links'];
    for (const link of links) for (const ev of link.events) ev.blockNumber = 7;
    const { ledger, queue, calls } = fakes(answer, () => Promise.resolve(new Map<string, number>()));
    const out = (await new ProvenanceService(ledger, queue).byEpc(auditor, 'urn:epc:id:sgtin:0614141.112345.1')) as unknown as Answer;
    expect(calls.blockNumbers).to.have.length(0);
    expect(out.links[0]?.events[0]?.blockNumber).to.equal(7);
  });

  it('answers the chaincode provenance when the outbox lookup fails', async () => {
    const { ledger, queue } = fakes(provenance(2), () => Promise.reject(new Error('disk gone')));
    const out = (await new ProvenanceService(ledger, queue).byLot(auditor, 'LOT-1')) as unknown as Answer;
    expect(out.links).to.have.length(12);
    expect(out.links[0]?.events[0]).to.not.have.property('blockNumber');
  });

  it('works without a queue', async () => {
    const { ledger } = fakes(provenance(1), () => Promise.resolve(new Map<string, number>()));
    const out = (await new ProvenanceService(ledger).byLot(auditor, 'LOT-1')) as unknown as Answer;
    expect(out.links[0]?.events[0]).to.not.have.property('blockNumber');
  });
});
