/** Use cases on lots: register, read, list, history. Sees only the ledger port. */
import type { Principal } from '../auth/principals';
import { definedMembers } from '../defined-members';
import { AccessDeniedError } from '../errors';
import type { HistoryEntry, LedgerPort, LotFilter, LotPage, LotView, PurgeResult, RegisterLotResult } from '../ports/ledger';
import type { ListLotsQuery, LotInput } from '../schemas';

/** Roles that may register lots (the chaincode checks again). */
export const LOT_WRITER_ROLES: ReadonlySet<string> = new Set(['supplier', 'broker', 'compliance']);

/** The ledger's filter of a list query (the fields it names; `from`/`to` are applied here). */
function lotFilter(q: ListLotsQuery): LotFilter {
  return definedMembers(q, ['ownerMsp', 'htsCode', 'originCountry', 'link', 'pageSize', 'bookmark']);
}

export class LotsService {
  readonly #ledger: LedgerPort;
  constructor(ledger: LedgerPort) {
    this.#ledger = ledger;
  }

  /** Registers a lot: `created` tells a new lot (201) from an identical repeat (200). */
  async register(principal: Principal, input: LotInput): Promise<RegisterLotResult> {
    if (!LOT_WRITER_ROLES.has(principal.role)) {
      throw new AccessDeniedError(`role ${principal.role} may not register lots`);
    }
    return this.#ledger.registerLot(principal.identity, input);
  }

  read(principal: Principal, lotId: string): Promise<LotView> {
    return this.#ledger.readLot(principal.identity, lotId);
  }

  /** Lists lots; `from`/`to` filter on the registration time of the page the ledger returns. */
  async list(principal: Principal, q: ListLotsQuery): Promise<LotPage> {
    const page = await this.#ledger.listLots(principal.identity, lotFilter(q));
    if (q.from === undefined && q.to === undefined) return page;
    const from = q.from === undefined ? -Infinity : Date.parse(q.from);
    const to = q.to === undefined ? Infinity : Date.parse(q.to);
    const lots = page.lots.filter((v) => {
      const at = Date.parse(v.lot.registeredAt);
      return Number.isFinite(at) && at >= from && at <= to;
    });
    return { lots, bookmark: page.bookmark };
  }

  /** Purges the caller's organisation's private data of a lot: compliance only (the chaincode checks it owns the lot). */
  async purgePrivate(principal: Principal, lotId: string): Promise<PurgeResult & { blockNumber: number }> {
    if (principal.role !== 'compliance') {
      throw new AccessDeniedError(`role ${principal.role} may not purge private data; needs compliance of the lot's owner`);
    }
    return this.#ledger.purgePrivateData(principal.identity, lotId);
  }

  async history(principal: Principal, lotId: string): Promise<{ lotId: string; history: HistoryEntry[] }> {
    return { lotId, history: await this.#ledger.lotHistory(principal.identity, lotId) };
  }
}
