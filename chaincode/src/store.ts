/**
 * Ledger access for the contract: typed reads and writes over the keys of keys.ts.
 * Holds no rules; the contract decides, this only fetches and stores.
 */
import type { ChaincodeStub, Iterators } from 'fabric-shim-api';
import {
  childKey, coverageKey, deviceKey, epcKey, eventIdKey, eventKey, htsKey, KEY_TYPES, lotKey, marshal,
  organisationKey, originKey, ownerKey, splitKey, unmarshal, type EventPointer,
} from './keys';
import { epcMatchKey } from './epc';
import { LINKS } from './links';
import { timestampToIso } from './time';
import type { DeviceRecord, EventRecord, HistoryEntry, LotRecord, OrganisationRecord } from './types';

/** Deepest parent chain followed; deeper chains are cut (registration cannot make cycles). */
export const MAX_CHAIN_DEPTH = 16;
/** Most descendant lots visited for the family EPC set. */
export const MAX_DESCENDANTS = 2_000;
const EMPTY = marshal({});

export class Store {
  constructor(private readonly stub: ChaincodeStub) {}

  private async get<T>(key: string): Promise<T | undefined> {
    const bytes = await this.stub.getState(key);
    return bytes.length > 0 ? (unmarshal(bytes) as T) : undefined;
  }

  private async exists(key: string): Promise<boolean> {
    const bytes = await this.stub.getState(key);
    return bytes.length > 0;
  }

  private async put(key: string, value: unknown): Promise<void> {
    await this.stub.putState(key, marshal(value));
  }

  /** Every value under a partial composite key, in key order. */
  private async scan(type: string, attributes: string[]): Promise<Array<{ key: string; value: unknown }>> {
    const out: Array<{ key: string; value: unknown }> = [];
    const iterator = await this.stub.getStateByPartialCompositeKey(type, attributes);
    try {
      for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
        out.push({ key: res.value.key, value: unmarshal(res.value.value) });
      }
    } finally {
      await iterator.close();
    }
    return out;
  }

  getLot(lotId: string): Promise<LotRecord | undefined> {
    return this.get<LotRecord>(lotKey(lotId));
  }

  getPointer(eventId: string): Promise<EventPointer | undefined> {
    return this.get<EventPointer>(eventIdKey(eventId));
  }

  getEventAt(p: EventPointer): Promise<EventRecord | undefined> {
    return this.get<EventRecord>(eventKey(p.lotId, p.link, p.eventTimeUtc, p.eventId));
  }

  async getEvent(eventId: string): Promise<EventRecord | undefined> {
    const pointer = await this.getPointer(eventId);
    return pointer ? this.getEventAt(pointer) : undefined;
  }

  getEpcOwner(urn: string): Promise<{ lotId: string; epc: string } | undefined> {
    return this.get(epcKey(epcMatchKey(urn)));
  }

  getDevice(deviceId: string): Promise<DeviceRecord | undefined> {
    return this.get<DeviceRecord>(deviceKey(deviceId));
  }

  getOrganisation(mspId: string): Promise<OrganisationRecord | undefined> {
    return this.get<OrganisationRecord>(organisationKey(mspId));
  }

  /** Writes a new lot and its index entries (EPCs, parent's child list, owner/HTS/origin lists). */
  async putLot(lot: LotRecord): Promise<Uint8Array> {
    const bytes = marshal(lot);
    await this.stub.putState(lotKey(lot.lotId), bytes);
    for (const epc of lot.epcs) await this.put(epcKey(epcMatchKey(epc)), { lotId: lot.lotId, epc });
    if (lot.parentLotId) await this.stub.putState(childKey(lot.parentLotId, lot.lotId), EMPTY);
    await this.stub.putState(ownerKey(lot.ownerMsp, lot.lotId), EMPTY);
    await this.stub.putState(htsKey(lot.htsCode, lot.lotId), EMPTY);
    await this.stub.putState(originKey(lot.originCountry, lot.lotId), EMPTY);
    return bytes;
  }

  /** Writes an event, its id pointer and (blindly) its link coverage marker. */
  async putEvent(event: EventRecord): Promise<void> {
    const pointer: EventPointer = {
      eventId: event.eventId,
      lotId: event.lotId,
      link: event.link,
      eventTimeUtc: event.eventTimeUtc,
      contentHash: event.contentHash,
    };
    await this.put(eventKey(event.lotId, event.link, event.eventTimeUtc, event.eventId), event);
    await this.put(eventIdKey(event.eventId), pointer);
    await this.stub.putState(coverageKey(event.link, event.lotId), EMPTY);
  }

  putDevice(device: DeviceRecord): Promise<void> {
    return this.put(deviceKey(device.deviceId), device);
  }

  putOrganisation(org: OrganisationRecord): Promise<void> {
    return this.put(organisationKey(org.mspId), org);
  }

  /** All events of one lot: one range over EVT[lotId], ordered by link, time, id. */
  async eventsOfLot(lotId: string): Promise<EventRecord[]> {
    return (await this.scan(KEY_TYPES.event, [lotId])).map((kv) => kv.value as EventRecord);
  }

  /** Ancestors of a lot, nearest first. */
  async ancestorsOf(lot: LotRecord): Promise<LotRecord[]> {
    const out: LotRecord[] = [];
    const seen = new Set([lot.lotId]);
    let parentId = lot.parentLotId;
    while (parentId && !seen.has(parentId) && out.length < MAX_CHAIN_DEPTH) {
      const parent = await this.getLot(parentId);
      if (!parent) break;
      out.push(parent);
      seen.add(parentId);
      parentId = parent.parentLotId;
    }
    return out;
  }

  /** Descendant lots (children, grandchildren, …), breadth first. */
  async descendantsOf(lotId: string): Promise<LotRecord[]> {
    const out: LotRecord[] = [];
    const queue = [lotId];
    const seen = new Set([lotId]);
    while (queue.length > 0 && out.length < MAX_DESCENDANTS) {
      const current = queue.shift() as string;
      for (const { key } of await this.scan(KEY_TYPES.child, [current])) {
        const childId = splitKey(key).attributes[1];
        if (!childId || seen.has(childId)) continue;
        seen.add(childId);
        const child = await this.getLot(childId);
        if (child) {
          out.push(child);
          queue.push(childId);
        }
      }
    }
    return out;
  }

  /** Link numbers with a coverage marker for this lot (its own events only). */
  async coveredLinksOf(lotId: string): Promise<number[]> {
    const out: number[] = [];
    for (const l of LINKS) if (await this.exists(coverageKey(l.number, lotId))) out.push(l.number);
    return out;
  }

  hasCoverage(lotId: string, link: number): Promise<boolean> {
    return this.exists(coverageKey(link, lotId));
  }

  /** One page of lot ids under a list index (OWN/HTS/ORG/COV with one attribute, or LOT). */
  async lotIdPage(
    type: string,
    attributes: string[],
    pageSize: number,
    bookmark: string,
  ): Promise<{ lotIds: string[]; bookmark: string; fetched: number }> {
    const { iterator, metadata } = await this.stub.getStateByPartialCompositeKeyWithPagination(type, attributes, pageSize, bookmark);
    const lotIds: string[] = [];
    try {
      for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
        const kv: Iterators.KV = res.value;
        const attrs = splitKey(kv.key).attributes;
        const lotId = attrs[attrs.length - 1];
        if (lotId) lotIds.push(lotId);
      }
    } finally {
      await iterator.close();
    }
    return { lotIds, bookmark: metadata.bookmark, fetched: metadata.fetchedRecordsCount };
  }

  /** GetHistoryForKey on the lot key, newest first. */
  async lotHistory(lotId: string): Promise<HistoryEntry[]> {
    const out: HistoryEntry[] = [];
    const iterator = await this.stub.getHistoryForKey(lotKey(lotId));
    try {
      for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
        const m: Iterators.KeyModification = res.value;
        out.push({
          txId: m.txId,
          timestamp: timestampToIso(m.timestamp),
          isDelete: m.isDelete,
          value: m.value.length > 0 ? (unmarshal(m.value) as LotRecord) : null,
        });
      }
    } finally {
      await iterator.close();
    }
    // Fabric gives newest first; a store that gives oldest first is turned round.
    const first = out[0];
    const last = out[out.length - 1];
    return first && last && first.timestamp < last.timestamp ? out.reverse() : out;
  }
}

