/**
 * Every world-state key and the one deterministic marshal.
 *
 * Composite keys use Fabric's layout (`\u0000TYPE\u0000attr1\u0000attr2\u0000`), built here
 * without a stub so the layout is testable; ChaincodeStub.createCompositeKey gives the same bytes.
 * See README.md "Key layout" for why no per-event key is shared between events of one lot.
 */
import { createHash } from 'node:crypto';

export const KEY_TYPES = {
  /** LOT[lotId] → LotRecord (written once). */
  lot: 'LOT',
  /**
   * EVT[lotId, link(2 digits), eventTimeUtc, eventId, recordedBy] → EventRecord. Events recorded
   * before event ids were scoped by organisation have no recordedBy attribute; one range over
   * EVT[lotId] reads both.
   */
  event: 'EVT',
  /**
   * EID[eventId, recordedBy] → EventPointer (read to detect repeats: ids are scoped by the recording
   * organisation, so no organisation can take or probe another's ids). Older pointers are EID[eventId].
   */
  eventId: 'EID',
  /** EPC[epcMatchKey] → { lotId, epc }. */
  epc: 'EPC',
  /** CHILD[parentLotId, childLotId] → {}. */
  child: 'CHILD',
  /** OWN[ownerMsp, lotId] → {} (list index). */
  owner: 'OWN',
  /** HTS[htsCode, lotId] → {} (list index). */
  hts: 'HTS',
  /** ORG[originCountry, lotId] → {} (list index). */
  origin: 'ORG',
  /** COV[link(2 digits), lotId] → {} written blindly by every event of that link. */
  coverage: 'COV',
  /** DEV[deviceId] → DeviceRecord. */
  device: 'DEV',
  /** MSP[mspId] → OrganisationRecord (roles the organisation holds). */
  organisation: 'MSP',
  /** PTY[mspId] → OrganisationProfile (legal name, country, supply-chain roles). */
  profile: 'PTY',
  /** FAC[gln] → FacilityRecord. */
  facility: 'FAC',
  /** FACM[mspId, gln] → {} (facilities of an organisation). */
  facilityByMsp: 'FACM',
  /** FACC[country, gln] → {} (facilities of a country). */
  facilityByCountry: 'FACC',
  /** CUS[lotId, fromUtc, recordedBy, eventId] → CustodyRecord, one per handover that names `handoverTo`. */
  custody: 'CUS',
  /** CON[childLotId, atUtc, recordedBy, eventId] → ContainmentRecord, one per child per pack/unpack. */
  containment: 'CON',
  /** PKD[lotId] → {} written blindly by every pack of the lot: ReadLot's one point read to know it was ever inside a container. */
  packed: 'PKD',
  /** USE[inputLotId, consumerLotId] → ConsumptionRecord, written by the consumer's registration. */
  consumption: 'USE',
  /** PRG[lotId, mspId, purgedAtUtc] → PurgeRecord, one per purge of an organisation's private data of a lot. */
  purge: 'PRG',
  /** PVL[lotId] → { value, salt, hash } in the owner's implicit collection (private data, never world state). */
  privateLot: 'PVL',
  /** PVE[lotId, eventId, recordedBy] → { value, salt, hash } in the recorder's implicit collection. */
  privateEvent: 'PVE',
} as const;

/** CON key's event attribute for the pack a registration with parentLotId makes (no event id contains `@`). */
export const REGISTRATION_PACK = '@registration';

const NS = '\u0000';

/** Fabric's composite key: `\u0000type\u0000a\u0000b\u0000`. */
export function compositeKey(type: string, attributes: readonly string[]): string {
  for (const a of [type, ...attributes]) {
    if (a.includes(NS) || a.includes('\u{10ffff}')) throw new RangeError('key attribute holds a reserved character');
  }
  return NS + type + NS + attributes.map((a) => a + NS).join('');
}

/** The attributes of a composite key (inverse of compositeKey). */
export function splitKey(key: string): { type: string; attributes: string[] } {
  const parts = key.split(NS);
  return { type: parts[1] ?? '', attributes: parts.slice(2, -1) };
}

export const linkAttr = (link: number): string => String(link).padStart(2, '0');

export const lotKey = (lotId: string): string => compositeKey(KEY_TYPES.lot, [lotId]);
/** EVT key; `recordedBy` undefined gives the layout of events recorded before ids were scoped. */
export const eventKey = (lotId: string, link: number, eventTimeUtc: string, eventId: string, recordedBy?: string): string =>
  compositeKey(KEY_TYPES.event, [lotId, linkAttr(link), eventTimeUtc, eventId, ...(recordedBy === undefined ? [] : [recordedBy])]);
/** EID key of an organisation's event id. */
export const eventIdKey = (eventId: string, recordedBy: string): string => compositeKey(KEY_TYPES.eventId, [eventId, recordedBy]);
/** EID key written before event ids were scoped by organisation (read only). */
export const legacyEventIdKey = (eventId: string): string => compositeKey(KEY_TYPES.eventId, [eventId]);
export const epcKey = (matchKey: string): string => compositeKey(KEY_TYPES.epc, [matchKey]);
export const childKey = (parentLotId: string, childLotId: string): string => compositeKey(KEY_TYPES.child, [parentLotId, childLotId]);
export const ownerKey = (mspId: string, lotId: string): string => compositeKey(KEY_TYPES.owner, [mspId, lotId]);
export const htsKey = (hts: string, lotId: string): string => compositeKey(KEY_TYPES.hts, [hts, lotId]);
export const originKey = (country: string, lotId: string): string => compositeKey(KEY_TYPES.origin, [country, lotId]);
export const coverageKey = (link: number, lotId: string): string => compositeKey(KEY_TYPES.coverage, [linkAttr(link), lotId]);
export const deviceKey = (deviceId: string): string => compositeKey(KEY_TYPES.device, [deviceId]);
export const organisationKey = (mspId: string): string => compositeKey(KEY_TYPES.organisation, [mspId]);
export const profileKey = (mspId: string): string => compositeKey(KEY_TYPES.profile, [mspId]);
export const facilityKey = (gln: string): string => compositeKey(KEY_TYPES.facility, [gln]);
export const facilityByMspKey = (mspId: string, gln: string): string => compositeKey(KEY_TYPES.facilityByMsp, [mspId, gln]);
export const facilityByCountryKey = (country: string, gln: string): string => compositeKey(KEY_TYPES.facilityByCountry, [country, gln]);
export const custodyKey = (lotId: string, fromUtc: string, recordedBy: string, eventId: string): string =>
  compositeKey(KEY_TYPES.custody, [lotId, fromUtc, recordedBy, eventId]);
export const containmentKey = (childLotId: string, atUtc: string, recordedBy: string, eventId: string): string =>
  compositeKey(KEY_TYPES.containment, [childLotId, atUtc, recordedBy, eventId]);
export const packedKey = (lotId: string): string => compositeKey(KEY_TYPES.packed, [lotId]);
export const purgeKey = (lotId: string, mspId: string, purgedAtUtc: string): string => compositeKey(KEY_TYPES.purge, [lotId, mspId, purgedAtUtc]);
export const privateLotKey = (lotId: string): string => compositeKey(KEY_TYPES.privateLot, [lotId]);
export const privateEventKey = (lotId: string, eventId: string, recordedBy: string): string =>
  compositeKey(KEY_TYPES.privateEvent, [lotId, eventId, recordedBy]);
export const consumptionKey = (inputLotId: string, consumerLotId: string): string => compositeKey(KEY_TYPES.consumption, [inputLotId, consumerLotId]);

/** What EID holds: where the event is and what it hashed to (`recordedBy` absent on older pointers). */
export interface EventPointer {
  eventId: string;
  lotId: string;
  link: number;
  eventTimeUtc: string;
  contentHash: string;
  recordedBy?: string;
}

/**
 * JSON with recursively sorted keys and no whitespace: the only way values are written. The same
 * bytes as json-stringify-deterministic's defaults (keys.test.ts compares them), in one pass:
 * that library first runs JSON.stringify over the whole value only to detect cycles, which values
 * parsed from JSON cannot have; it was 5% of the network's CPU in the #19 profile (RecordEvents).
 */
export function canonicalJson(value: unknown): string {
  // undefined for undefined, as the library answered
  return canonical(value) as string;
}

/** One node: undefined for what JSON leaves out (undefined, functions, symbols). */
function canonical(value: unknown): string | undefined {
  const node = hasToJson(value) ? value.toJSON() : value;
  if (node === undefined || typeof node === 'function' || typeof node === 'symbol') return undefined;
  if (node === null || typeof node !== 'object') return JSON.stringify(node);
  if (Array.isArray(node)) return `[${node.map((item: unknown) => canonical(item) ?? 'null').join(',')}]`;
  const record = node as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = canonical(record[key]);
    if (member !== undefined) parts.push(`${JSON.stringify(key)}:${member}`);
  }
  return `{${parts.join(',')}}`;
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

export function marshal(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

export function unmarshal(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
}

/** SHA-256 hex of the canonical JSON of a value. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
