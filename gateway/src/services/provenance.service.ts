/**
 * Provenance for a lot id or an EPC: the chaincode's answer plus what only the gateway knows,
 * the block number of each event (where the outbox recorded it) and the time the answer took.
 */
import { performance } from 'node:perf_hooks';
import type { Principal } from '../auth/principals';
import type { EventQueue } from '../ports/event-queue';
import type { LedgerPort } from '../ports/ledger';

interface ProvEvent {
  eventId?: unknown;
  blockNumber?: unknown;
}

export class ProvenanceService {
  readonly #ledger: LedgerPort;
  readonly #queue: EventQueue | undefined;
  constructor(ledger: LedgerPort, queue?: EventQueue) {
    this.#ledger = ledger;
    this.#queue = queue;
  }

  byLot(principal: Principal, lotId: string): Promise<Record<string, unknown>> {
    return this.#answer(() => this.#ledger.provenance(principal.identity, lotId));
  }

  byEpc(principal: Principal, epc: string): Promise<Record<string, unknown>> {
    return this.#answer(() => this.#ledger.provenanceByEpc(principal.identity, epc));
  }

  async #answer(query: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const started = performance.now();
    const prov = await query();
    const links = Array.isArray(prov.links) ? (prov.links as Array<{ events?: ProvEvent[] }>) : [];
    if (this.#queue) {
      for (const link of links) {
        for (const ev of link.events ?? []) {
          if (typeof ev.eventId !== 'string' || ev.blockNumber !== undefined) continue;
          const queued = await this.#queue.get(ev.eventId).catch(() => undefined);
          if (queued?.blockNumber !== undefined) ev.blockNumber = queued.blockNumber;
        }
      }
    }
    return { ...prov, queryMs: Math.round((performance.now() - started) * 100) / 100 };
  }
}
