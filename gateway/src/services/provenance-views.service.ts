/**
 * The provenance views for large lots (issue 20): the summary of a lot (no events) and one link's
 * events a page at a time, with the block numbers the ledger's index knows and the time taken.
 */
import { performance } from 'node:perf_hooks';
import type { Principal } from '../auth/principals';
import type { LinkEventsPage, ProvenanceEventAnswer, ProvenanceSummary } from '../ports/ledger';
import { LedgerBlocksService } from './ledger-service';
import { addBlockNumbers } from './provenance.service';

/** A link's event page as the gateway answers it. */
export interface LinkEventsPageAnswer extends Omit<LinkEventsPage, 'events'> {
  events: ProvenanceEventAnswer[];
  queryMs: number;
}

export class ProvenanceViewsService extends LedgerBlocksService {

  /** The lot's provenance summary, as the caller may read it. */
  summary(principal: Principal, lotId: string): Promise<ProvenanceSummary & { queryMs: number }> {
    return timed(() => this.ledger.provenanceSummary(principal.identity, lotId));
  }

  /** The summary of the lot holding an EPC (any accepted spelling). */
  summaryByEpc(principal: Principal, epc: string): Promise<ProvenanceSummary & { queryMs: number }> {
    return timed(() => this.ledger.provenanceSummaryByEpc(principal.identity, epc));
  }

  /** One page of a link's events (time order), as the caller may read them. */
  async linkEvents(principal: Principal, lotId: string, query: { link: number; pageSize?: number; bookmark?: string }): Promise<LinkEventsPageAnswer> {
    const started = performance.now();
    const page = await this.ledger.linkEvents(principal.identity, lotId, query);
    if (this.blocks) await addBlockNumbers({ links: [{ events: page.events }] } as Parameters<typeof addBlockNumbers>[0], principal.identity, this.blocks);
    return { ...page, queryMs: elapsed(started) };
  }
}

async function timed<T extends object>(query: () => Promise<T>): Promise<T & { queryMs: number }> {
  const started = performance.now();
  const answer = await query();
  return { ...answer, queryMs: elapsed(started) };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
