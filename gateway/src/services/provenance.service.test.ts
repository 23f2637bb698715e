import type { Principal } from '../auth/principals';
import { expect } from '../chai.test';
import type { LedgerPort } from '../ports/ledger';
import type { BlockNumberIndex } from '../ports/ledger-blocks';
import { ProvenanceService } from './provenance.service';

const auditor: Principal = { name: 'org3-auditor', role: 'auditor', identity: 'org3-auditor', mspId: 'Org3MSP' };

/** A chaincode-shaped provenance answer: `perLink` events on each of the 12 links, 50 events per transaction. */
function provenance(perLink: number): Record<string, unknown> {
  return {
    lot: { lotId: 'LOT-1' },
    links: Array.from({ length: 12 }, (_, l) => ({
      link: l + 1,
      events: Array.from({ length: perLink }, (_, i) => ({ eventId: `E-${String(l + 1)}-${String(i)}`, txId: `T-${String(l + 1)}-${String(Math.floor(i / 50))}`, kind: 'gps' })),
    })),
  };
}

function fakes(answer: Record<string, unknown>, blocks: (txIds: readonly string[]) => Promise<Map<string, number>>) {
  const calls = { blockNumbers: [] as Array<{ identity: string; txIds: readonly string[] }> };
  const ledger = {
    provenance: () => Promise.resolve(structuredClone(answer)),
    provenanceByEpc: () => Promise.resolve(structuredClone(answer)),
  } as unknown as LedgerPort;
  const index: BlockNumberIndex = {
    blockNumbers: (identity, txIds) => {
      const list = [...txIds];
      calls.blockNumbers.push({ identity, txIds: list });
      return blocks(list);
    },
  };
  return { ledger, index, calls };
}

interface Answer { links: Array<{ events: Array<{ eventId: string; blockNumber?: number }> }>; queryMs: number }

describe('services/provenance', () => {
  it("fills blockNumber of a 1,200-event answer from the ledger's index with one batched lookup of its distinct transactions, none per event", async () => {
    // even links' transactions in block 100 + link; odd links' unknown to the index
    const { ledger, index, calls } = fakes(provenance(100), (txIds) =>
      Promise.resolve(new Map(txIds.filter((id) => Number(id.split('-')[1]) % 2 === 0).map((id) => [id, 100 + Number(id.split('-')[1])]))),
    );
    const out = (await new ProvenanceService(ledger, index).byLot(auditor, 'LOT-1')) as unknown as Answer;
    expect(calls.blockNumbers).to.have.length(1);
    expect(calls.blockNumbers[0]?.identity).to.equal(auditor.identity);
    expect(new Set(calls.blockNumbers[0]?.txIds)).to.have.property('size', 24);
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
    const { ledger, index, calls } = fakes(answer, () => Promise.resolve(new Map<string, number>()));
    const out = (await new ProvenanceService(ledger, index).byEpc(auditor, 'urn:epc:id:sgtin:0614141.112345.1')) as unknown as Answer;
    expect(calls.blockNumbers).to.have.length(0);
    expect(out.links[0]?.events[0]?.blockNumber).to.equal(7);
  });

  it('answers the chaincode provenance, without block numbers, when the ledger lookup fails', async () => {
    const { ledger, index } = fakes(provenance(2), () => Promise.reject(new Error('peer gone')));
    const out = (await new ProvenanceService(ledger, index).byLot(auditor, 'LOT-1')) as unknown as Answer;
    expect(out.links).to.have.length(12);
    expect(out.links[0]?.events[0]).to.not.have.property('blockNumber');
  });

  it('works without a block source', async () => {
    const { ledger } = fakes(provenance(1), () => Promise.resolve(new Map<string, number>()));
    const out = (await new ProvenanceService(ledger).byLot(auditor, 'LOT-1')) as unknown as Answer;
    expect(out.links[0]?.events[0]).to.not.have.property('blockNumber');
  });
});
