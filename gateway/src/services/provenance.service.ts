/**
 * Provenance for a lot id or an EPC: the chaincode's answer plus what only the gateway knows,
 * the block number of each event (where the outbox recorded it) and the time the answer took.
 */
import { performance } from 'node:perf_hooks';
import type { Principal } from '../auth/principals';
import type { EventQueue } from '../ports/event-queue';
import type { LedgerPort, Provenance, ProvenanceAnswer, ProvenanceEventAnswer } from '../ports/ledger';

export class ProvenanceService {
  readonly #ledger: LedgerPort;
  readonly #queue: EventQueue | undefined;
  constructor(ledger: LedgerPort, queue?: EventQueue) {
    this.#ledger = ledger;
    this.#queue = queue;
  }

  byLot(principal: Principal, lotId: string): Promise<ProvenanceAnswer> {
    return this.#answer(() => this.#ledger.provenance(principal.identity, lotId));
  }

  byEpc(principal: Principal, epc: string): Promise<ProvenanceAnswer> {
    return this.#answer(() => this.#ledger.provenanceByEpc(principal.identity, epc));
  }

  async #answer(query: () => Promise<Provenance>): Promise<ProvenanceAnswer> {
    const started = performance.now();
    const prov: Omit<ProvenanceAnswer, 'queryMs'> = await query();
    if (this.#queue) await this.#addBlockNumbers(prov, this.#queue);
    return { ...prov, queryMs: Math.round((performance.now() - started) * 100) / 100 };
  }

  /** Fills `blockNumber` of the events the outbox saw committed: one batched lookup for the whole answer. */
  async #addBlockNumbers(prov: Omit<ProvenanceAnswer, 'queryMs'>, queue: EventQueue): Promise<void> {
    // the answer is this call's own copy (parsed from the ledger's bytes): fill it in place
    const open: ProvenanceEventAnswer[] = [];
    for (const link of prov.links) {
      for (const ev of link.events) if (ev.blockNumber === undefined) open.push(ev);
    }
    if (open.length === 0) return;
    // the block number is an extra: an outbox that cannot answer leaves the chaincode's answer as it is
    const blocks = await queue.blockNumbers([...new Set(open.map((ev) => ev.eventId))]).catch(() => new Map<string, number>());
    for (const ev of open) {
      const block = blocks.get(ev.eventId);
      if (block !== undefined) ev.blockNumber = block;
    }
  }
}
