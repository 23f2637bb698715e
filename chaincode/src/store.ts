/**
 * Ledger access for the contract: typed reads and writes over the keys of keys.ts.
 * Holds no rules; the contract decides, this only fetches and stores.
 */
import type { ChaincodeStub, Iterators } from 'fabric-shim-api';
import {
  childKey, consumptionKey, containmentKey, coverageKey, custodyKey, deviceKey, epcKey, eventIdKey, eventKey,
  facilityByCountryKey, facilityByMspKey, facilityKey, htsKey, KEY_TYPES, legacyEventIdKey, lotKey, marshal, packedKey,
  organisationKey, originKey, ownerKey, profileKey, purgeKey, REGISTRATION_PACK, splitKey, unmarshal, type EventPointer,
} from './keys';
import { epcMatchKey } from './epc';
import { LINKS } from './links';
import { timestampToIso } from './time';
import type {
  ConsumptionRecord, ContainmentRecord, CustodyRecord, DeviceRecord, EventRecord, FacilityRecord, HistoryEntry, LotRecord,
  OrganisationProfile, OrganisationRecord, PurgeRecord,
} from './types';

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

  /** The pointer of an event id an organisation recorded. */
  getPointer(eventId: string, recordedBy: string): Promise<EventPointer | undefined> {
    return this.get<EventPointer>(eventIdKey(eventId, recordedBy));
  }

  /** The pointer of an event id recorded before ids were scoped by organisation. */
  getLegacyPointer(eventId: string): Promise<EventPointer | undefined> {
    return this.get<EventPointer>(legacyEventIdKey(eventId));
  }

  /** Every pointer of an event id: the older unscoped one (if any) and one per recording organisation. */
  async pointersOf(eventId: string): Promise<EventPointer[]> {
    return (await this.scan(KEY_TYPES.eventId, [eventId])).map((kv) => kv.value as EventPointer);
  }

  getEventAt(p: EventPointer): Promise<EventRecord | undefined> {
    return this.get<EventRecord>(eventKey(p.lotId, p.link, p.eventTimeUtc, p.eventId, p.recordedBy));
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

  /** Writes an event, its organisation-scoped id pointer and (blindly) its link coverage marker. */
  async putEvent(event: EventRecord): Promise<void> {
    const pointer: EventPointer = {
      eventId: event.eventId,
      lotId: event.lotId,
      link: event.link,
      eventTimeUtc: event.eventTimeUtc,
      contentHash: event.contentHash,
      recordedBy: event.recordedBy,
    };
    await this.put(eventKey(event.lotId, event.link, event.eventTimeUtc, event.eventId, event.recordedBy), event);
    await this.put(eventIdKey(event.eventId, event.recordedBy), pointer);
    await this.stub.putState(coverageKey(event.link, event.lotId), EMPTY);
  }

  /** Writes a custody change (one key per handover, never rewritten). */
  putCustody(record: CustodyRecord): Promise<void> {
    return this.put(custodyKey(record.lotId, record.fromUtc, record.recordedBy, record.eventId), record);
  }

  /** The custody changes of a lot: one range over CUS[lotId]. */
  async custodyOf(lotId: string): Promise<CustodyRecord[]> {
    return (await this.scan(KEY_TYPES.custody, [lotId])).map((kv) => kv.value as CustodyRecord);
  }

  /** Writes a pack or unpack of one child; a pack also lists the child under its parent (CHILD) and marks it packed (PKD), blindly. */
  async putContainment(record: ContainmentRecord): Promise<void> {
    await this.put(containmentKey(record.childLotId, record.atUtc, record.recordedBy, record.eventId ?? REGISTRATION_PACK), record);
    if (record.action === 'pack') {
      await this.stub.putState(childKey(record.parentLotId, record.childLotId), EMPTY);
      await this.stub.putState(packedKey(record.childLotId), EMPTY);
    }
  }

  /** Whether the lot was ever packed into a container (one point read). */
  wasPacked(lotId: string): Promise<boolean> {
    return this.exists(packedKey(lotId));
  }

  /** The packs and unpacks of a lot: one range over CON[lotId]. */
  async containmentOf(lotId: string): Promise<ContainmentRecord[]> {
    return (await this.scan(KEY_TYPES.containment, [lotId])).map((kv) => kv.value as ContainmentRecord);
  }

  /** Writes what a new lot consumed of one input (its own key: no counter shared between consumers). */
  putConsumption(record: ConsumptionRecord): Promise<void> {
    return this.put(consumptionKey(record.inputLotId, record.consumerLotId), record);
  }

  /** Who consumed how much of a lot: one range over USE[inputLotId]. */
  async consumptionOf(inputLotId: string): Promise<ConsumptionRecord[]> {
    return (await this.scan(KEY_TYPES.consumption, [inputLotId])).map((kv) => kv.value as ConsumptionRecord);
  }

  /** Writes a purge of an organisation's private data of a lot (one key per purge, never rewritten). */
  putPurge(record: PurgeRecord): Promise<void> {
    return this.put(purgeKey(record.lotId, record.mspId, record.purgedAtUtc), record);
  }

  /** The purges of a lot's private data, every organisation: one range over PRG[lotId]. */
  async purgesOf(lotId: string): Promise<PurgeRecord[]> {
    return (await this.scan(KEY_TYPES.purge, [lotId])).map((kv) => kv.value as PurgeRecord);
  }

  getProfile(mspId: string): Promise<OrganisationProfile | undefined> {
    return this.get<OrganisationProfile>(profileKey(mspId));
  }

  putProfile(profile: OrganisationProfile): Promise<void> {
    return this.put(profileKey(profile.mspId), profile);
  }

  /** Every organisation profile, by MSP id. */
  async profiles(): Promise<OrganisationProfile[]> {
    return (await this.scan(KEY_TYPES.profile, [])).map((kv) => kv.value as OrganisationProfile);
  }

  /** Every organisation's acetrace roles record, by MSP id. */
  async organisations(): Promise<OrganisationRecord[]> {
    return (await this.scan(KEY_TYPES.organisation, [])).map((kv) => kv.value as OrganisationRecord);
  }

  getFacility(gln: string): Promise<FacilityRecord | undefined> {
    return this.get<FacilityRecord>(facilityKey(gln));
  }

  /** Writes a facility and its list entries (the old country entry goes when the country changed). */
  async putFacility(facility: FacilityRecord, previous: FacilityRecord | undefined): Promise<void> {
    await this.put(facilityKey(facility.gln), facility);
    await this.stub.putState(facilityByMspKey(facility.mspId, facility.gln), EMPTY);
    if (previous && previous.country !== facility.country) await this.stub.deleteState(facilityByCountryKey(previous.country, facility.gln));
    await this.stub.putState(facilityByCountryKey(facility.country, facility.gln), EMPTY);
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

  /** One page of ids under a list index: the last attribute of each key (lot ids under OWN/HTS/ORG/COV/LOT, GLNs under FAC/FACM/FACC). */
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

