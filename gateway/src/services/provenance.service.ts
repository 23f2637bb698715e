/**
 * Provenance for a lot id or an EPC: the chaincode's answer plus what only the ledger's blocks
 * know, the block number of each event's transaction (the ledger's index, cached by tx id: one
 * lookup per transaction not seen before, none per event), and the time the answer took.
 */
import { performance } from 'node:perf_hooks';
import type { Principal } from '../auth/principals';
import type { Provenance, ProvenanceAnswer, ProvenanceEventAnswer } from '../ports/ledger';
import type { BlockNumberIndex } from '../ports/ledger-blocks';
import { LedgerBlocksService } from './ledger-service';
import { revealPrivate } from './private-data';

export class ProvenanceService extends LedgerBlocksService {

  /** The provenance of a lot, as the caller may read it. */
  byLot(principal: Principal, lotId: string): Promise<ProvenanceAnswer> {
    return this.#answer(principal, () => this.ledger.provenance(principal.identity, lotId));
  }

  /** The provenance of the lot holding an EPC (any accepted spelling). */
  byEpc(principal: Principal, epc: string): Promise<ProvenanceAnswer> {
    return this.#answer(principal, () => this.ledger.provenanceByEpc(principal.identity, epc));
  }

  async #answer(principal: Principal, query: () => Promise<Provenance>): Promise<ProvenanceAnswer> {
    const started = performance.now();
    const prov: Omit<ProvenanceAnswer, 'queryMs'> = await query();
    if (this.blocks) await addBlockNumbers(prov, principal.identity, this.blocks);
    await revealPrivate(this.ledger, principal.identity, prov);
    return { ...prov, queryMs: Math.round((performance.now() - started) * 100) / 100 };
  }
}

/** Fills `blockNumber` of each event from the ledger's index of its transaction; one batched lookup for the whole answer. */
export async function addBlockNumbers(prov: Pick<ProvenanceAnswer, 'links'>, identity: string, index: BlockNumberIndex): Promise<void> {
  // the answer is this call's own copy (parsed from the ledger's bytes): fill it in place
  const open: ProvenanceEventAnswer[] = [];
  for (const link of prov.links) {
    for (const ev of link.events) if (ev.blockNumber === undefined) open.push(ev);
  }
  if (open.length === 0) return;
  // the block number is an extra: a lookup that fails leaves the chaincode's answer as it is (never a guess)
  const blocks = await index.blockNumbers(identity, [...new Set(open.map((ev) => ev.txId))]).catch(() => new Map<string, number>());
  for (const ev of open) {
    const block = blocks.get(ev.txId);
    if (block !== undefined) ev.blockNumber = block;
  }
}
