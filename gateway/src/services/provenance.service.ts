/**
 * Provenance for a lot id or an EPC: the chaincode's answer plus what only the ledger's blocks
 * know, the block number of each event's transaction (the ledger's index, cached by tx id: one
 * lookup per transaction not seen before, none per event), and the time the answer took.
 */
import { performance } from 'node:perf_hooks';
import type { Principal } from '../auth/principals';
import type { LedgerPort } from '../ports/ledger';
import type { BlockNumberIndex } from '../ports/ledger-blocks';

interface ProvEvent {
  txId?: unknown;
  blockNumber?: unknown;
}

export class ProvenanceService {
  readonly #ledger: LedgerPort;
  readonly #blocks: BlockNumberIndex | undefined;
  constructor(ledger: LedgerPort, blocks?: BlockNumberIndex) {
    this.#ledger = ledger;
    this.#blocks = blocks;
  }

  byLot(principal: Principal, lotId: string): Promise<Record<string, unknown>> {
    return this.#answer(principal, () => this.#ledger.provenance(principal.identity, lotId));
  }

  byEpc(principal: Principal, epc: string): Promise<Record<string, unknown>> {
    return this.#answer(principal, () => this.#ledger.provenanceByEpc(principal.identity, epc));
  }

  async #answer(principal: Principal, query: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const started = performance.now();
    const prov = await query();
    if (this.#blocks) await addBlockNumbers(prov, principal.identity, this.#blocks);
    return { ...prov, queryMs: Math.round((performance.now() - started) * 100) / 100 };
  }
}

/** Fills `blockNumber` of each event from the ledger's index of its transaction; one batched lookup for the whole answer. */
async function addBlockNumbers(prov: Record<string, unknown>, identity: string, index: BlockNumberIndex): Promise<void> {
  const links = Array.isArray(prov.links) ? (prov.links as Array<{ events?: ProvEvent[] }>) : [];
  const open: Array<ProvEvent & { txId: string }> = [];
  for (const link of links) {
    for (const ev of link.events ?? []) {
      if (typeof ev.txId === 'string' && ev.blockNumber === undefined) open.push(ev as ProvEvent & { txId: string });
    }
  }
  if (open.length === 0) return;
  // the block number is an extra: a lookup that fails leaves the chaincode's answer as it is (never a guess)
  const blocks = await index.blockNumbers(identity, open.map((ev) => ev.txId)).catch(() => new Map<string, number>());
  for (const ev of open) {
    const block = blocks.get(ev.txId);
    if (block !== undefined) ev.blockNumber = block;
  }
}
