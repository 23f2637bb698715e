/**
 * Store-backed custody and containment facts for one transaction: each lot's custody chain and
 * containment intervals, read once (one range over CUS[lotId], one over CON[lotId]) and cached,
 * plus what the transaction itself adds (Fabric gives no read-your-own-writes, so a batch's earlier
 * handovers and packs are kept here for its later events).
 *
 * The owner and importer of a lot need none of these reads to post on it, so their ordinary events
 * read only LOT and their own EID keys, as before.
 */
import { ancestorStays, allContainersAt, containmentIntervals, type AncestorStay, type ContainmentInterval } from './containment';
import { custodianAt, custodians, custodyChain, ownsOrImports, type CustodyInterval } from './custody';
import { MAX_CONTAINERS } from './limits';
import type { Store } from './store';
import type { ContainmentRecord, CustodyRecord, LotRecord } from './types';

/** The cached list for a lot, read from the store on first use (the same array is kept and extended). */
async function cachedRead<T>(cache: Map<string, T[]>, lotId: string, read: (lotId: string) => Promise<T[]>): Promise<T[]> {
  let found = cache.get(lotId);
  if (!found) {
    found = await read(lotId);
    cache.set(lotId, found);
  }
  return found;
}

export class CustodyView {
  readonly #lots = new Map<string, LotRecord | undefined>();
  readonly #handovers = new Map<string, CustodyRecord[]>();
  readonly #containment = new Map<string, ContainmentRecord[]>();

  constructor(private readonly store: Store, known: ReadonlyMap<string, LotRecord | undefined> = new Map()) {
    for (const [id, lot] of known) this.#lots.set(id, lot);
  }

  /** A lot (cached). */
  async lot(lotId: string): Promise<LotRecord | undefined> {
    if (!this.#lots.has(lotId)) this.#lots.set(lotId, await this.store.getLot(lotId));
    return this.#lots.get(lotId);
  }

  /** The lot's handovers: committed plus those recorded earlier in this transaction. */
  async handovers(lotId: string): Promise<CustodyRecord[]> {
    return cachedRead(this.#handovers, lotId, (id) => this.store.custodyOf(id));
  }

  /** The lot's packs and unpacks: committed plus those recorded earlier in this transaction. */
  async containment(lotId: string): Promise<ContainmentRecord[]> {
    return cachedRead(this.#containment, lotId, (id) => this.store.containmentOf(id));
  }

  /** Remembers a handover this transaction writes. */
  async addHandover(record: CustodyRecord): Promise<void> {
    (await this.handovers(record.lotId)).push(record);
  }

  /** Remembers a pack or unpack this transaction writes. */
  async addContainment(record: ContainmentRecord): Promise<void> {
    (await this.containment(record.childLotId)).push(record);
  }

  /** The custody chain of a registered lot. */
  async chain(lot: LotRecord): Promise<CustodyInterval[]> {
    return custodyChain(lot.ownerMsp, await this.handovers(lot.lotId));
  }

  /** The containment intervals of a registered lot. */
  async intervals(lot: LotRecord): Promise<ContainmentInterval[]> {
    return containmentIntervals(lot, await this.containment(lot.lotId));
  }

  /**
   * Every container the lot was ever inside (nested ones within their windows), loading each
   * container's intervals breadth first, at most MAX_CONTAINERS lots.
   */
  async stays(lot: LotRecord): Promise<AncestorStay[]> {
    const intervals = new Map<string, ContainmentInterval[]>();
    const queue: LotRecord[] = [lot];
    while (queue.length > 0 && intervals.size < MAX_CONTAINERS) {
      const current = queue.shift() as LotRecord;
      if (intervals.has(current.lotId)) continue;
      const own = await this.intervals(current);
      intervals.set(current.lotId, own);
      for (const i of own) {
        const parent = intervals.has(i.parentLotId) ? undefined : await this.lot(i.parentLotId);
        if (parent) queue.push(parent);
      }
    }
    return ancestorStays(lot.lotId, (id) => intervals.get(id));
  }

  /**
   * Within the organisation's write scope: it owns or imports the lot, or is a current or past
   * custodian of it or of a container it is or was inside.
   */
  async inWriteScope(lot: LotRecord, mspId: string): Promise<boolean> {
    if (ownsOrImports(mspId, lot)) return true;
    if (custodians(await this.chain(lot)).includes(mspId)) return true;
    for (const s of await this.stays(lot)) {
      const container = await this.lot(s.interval.parentLotId);
      if (container && custodians(await this.chain(container)).includes(mspId)) return true;
    }
    return false;
  }

  /** The organisation held the lot at `utc`: its custodian then, or the custodian then of a container it was inside. */
  async holdsAt(lot: LotRecord, mspId: string, utc: string): Promise<boolean> {
    if (custodianAt(await this.chain(lot), utc) === mspId) return true;
    for (const containerId of allContainersAt(await this.stays(lot), utc)) {
      const container = await this.lot(containerId);
      if (container && custodianAt(await this.chain(container), utc) === mspId) return true;
    }
    return false;
  }
}
