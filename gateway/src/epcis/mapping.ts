/**
 * acetrace ↔ GS1 EPCIS 2.0 / CBV 2.0, both directions, in one place (the table of epcis.md).
 *
 * | acetrace | EPCIS 2.0 |
 * | --- | --- |
 * | rfid / document / handover / gps event | `ObjectEvent` `OBSERVE` |
 * | lot registration | `ObjectEvent` `ADD` (lot EPCs; lot facts in `ilmd`), or `TransformationEvent` when it has `inputs` |
 * | aggregation pack / unpack | `AggregationEvent` `ADD` / `DELETE`, `parentID`, `childEPCs` |
 * | link | `bizStep` (the link table's CBV term) and `acetrace:link` naming the link |
 * | location GLN | `readPoint` `urn:epc:id:sgln:...` (`bizLocation` when a geo read point carries the fix) |
 * | location lat/lon (gps) | `readPoint` `geo:lat,lon[;u=accuracy]` (RFC 5870) |
 * | handover `handoverTo` / `handoverToGln` | `destinationList` `possessing_party` / `location` |
 * | evidence | `bizTransactionList`: `ni:///sha-256;<hex>` of the document; CBV type where one fits, else an acetrace type URI; `other` has no type |
 * | correction | `errorDeclaration` on the corrected event, `correctiveEventIDs` naming the correction |
 * | eventId, lotId, kind, deviceId, recordedBy, txId, blockNumber, ... | extension fields in the acetrace namespace |
 *
 * Capture is lossless or refused: an event whose content acetrace cannot keep (a disposition, a
 * sensor report, a source list, another party vocabulary...) is refused with the JSON path of the
 * part and why, so what acetrace exports hashes exactly like what was captured (the acetrace fields
 * are annotations outside the hash, event-hash.ts).
 */
import {
  EVIDENCE_TYPES,
  LINKS,
  normaliseEpc,
  type EventRecord,
  type LotInput,
  type LotInputItem,
  type LotRecord,
  type EvidenceType,
  type LinkInfo,
} from '@acetrace/chaincode';
import { ACETRACE_NS, ACETRACE_PREFIX, acetraceEventId, contextPrefixes, epcisEventId, eventHashId } from './event-hash';
import { canonicalIdentifier, companyPrefixes, glnToSgln, isValidGln, sglnToGln } from './identifiers';

// ---------------------------------------------------------------- vocabulary

/** The standard context, plus the acetrace namespace. */
export const EPCIS_CONTEXT: readonly unknown[] = Object.freeze([
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  Object.freeze({ [ACETRACE_PREFIX]: ACETRACE_NS }),
]);

/** CBV 2.0 business steps (bare JSON spelling). */
const CBV_BIZSTEPS = new Set([
  'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning', 'creating_class_instance', 'cycle_counting',
  'decommissioning', 'departing', 'destroying', 'disassembling', 'dispensing', 'encoding', 'entering_exiting', 'holding',
  'inspecting', 'installing', 'killing', 'loading', 'other', 'packing', 'picking', 'receiving', 'removing', 'repackaging',
  'repairing', 'replacing', 'reserving', 'retail_selling', 'shipping', 'staging_outbound', 'stock_taking', 'stocking', 'storing',
  'transporting', 'unloading', 'unpacking', 'void_shipping', 'sensor_reporting', 'sampling',
]);

/** A link's bizStep as EPCIS writes it: the CBV term, or an acetrace URI for a term CBV 2.0 lacks (`transforming`). */
export function linkBizStep(link: LinkInfo): string {
  return CBV_BIZSTEPS.has(link.bizStep) ? link.bizStep : `${ACETRACE_NS}bizstep-${link.bizStep}`;
}

/** acetrace evidence types with a CBV 2.0 business transaction type. */
const EVIDENCE_TO_BTT: Partial<Record<string, string>> = {
  po: 'po',
  invoice: 'inv',
  'bill-of-lading': 'bol',
  'certificate-of-origin': 'cert',
  'lab-report': 'testres',
};
const BTT_TO_EVIDENCE = new Map(Object.entries(EVIDENCE_TO_BTT).map(([e, b]) => [b as string, e]));
const EVIDENCE_TYPE_NS = `${ACETRACE_NS}evidence-`;

/** The acetrace party URI of an MSP (source/destination lists). */
export const MSP_NS = `${ACETRACE_NS}msp/`;
/** The acetrace URI of a lot (as an EPC class, where a lot has no EPCs to name it). */
export const LOT_NS = `${ACETRACE_NS}lot/`;

/** An `acetrace:<name>` key. */
const A = (name: string): string => `${ACETRACE_PREFIX}:${name}`;

// ---------------------------------------------------------------- shapes

/** An EPCIS event as JSON. */
export type EpcisEvent = Record<string, unknown> & { type: string };

/** Fields the custody work adds to events (optional: they compile against a chaincode without them). */
export interface CustodyEventFields {
  handoverTo?: string | null;
  handoverToGln?: string | null;
  action?: 'pack' | 'unpack' | null;
  parentLotId?: string | null;
  childLotIds?: string[] | null;
}

/** An acetrace event as an export reads it: the ledger's record, plus what a provenance answer adds. */
export type ExportableEvent = Omit<EventRecord, 'kind'> &
  CustodyEventFields & {
    kind: string;
    correctedBy?: string | null;
    viaLotId?: string | null;
    blockNumber?: number;
  };

/** A lot as an export reads it: a LotRecord's facts, its registration details when known. */
export type ExportableLot = Pick<LotRecord, 'lotId' | 'product' | 'htsCode' | 'originCountry' | 'quantity' | 'unit' | 'epcs'> &
  Partial<Pick<LotRecord, 'parentLotId' | 'importerMsp' | 'packedAt' | 'ownerMsp' | 'registeredAt' | 'txId'>> &
  Pick<LotInput, 'inputs'>;

/** What an export needs besides the record: other lots' EPCs (aggregation, transformation). */
export interface ExportContext {
  /** EPCs of a lot other than the event's, when known. */
  epcsOfLot?: (lotId: string) => readonly string[] | undefined;
}

// ---------------------------------------------------------------- acetrace → EPCIS

/** `+08:00` of an ISO time with offset (`Z` → `+00:00`). */
export function offsetOf(time: string): string {
  const m = /(Z|[+-]\d{2}:\d{2})$/i.exec(time.trim());
  const zone = m?.[1] ?? 'Z';
  return zone.toUpperCase() === 'Z' ? '+00:00' : zone;
}

/** `geo:lat,lon[;u=accuracy]` (RFC 5870). */
function geoUri(lat: number, lon: number, accuracyM: number | null | undefined): string {
  return `geo:${String(lat)},${String(lon)}${accuracyM != null ? `;u=${String(accuracyM)}` : ''}`;
}

function evidenceToEpcis(evidence: ExportableEvent['evidence']): { list: unknown[]; uris: unknown[] } {
  const list = evidence.map((e) => {
    const btt = EVIDENCE_TO_BTT[e.type];
    const type = btt ?? (e.type === 'other' ? undefined : `${EVIDENCE_TYPE_NS}${e.type}`);
    return { ...(type !== undefined && { type }), bizTransaction: `ni:///sha-256;${e.sha256.toLowerCase()}` };
  });
  const uris = evidence.filter((e) => e.uri != null && e.uri !== '').map((e) => ({ [A('sha256')]: e.sha256, [A('uri')]: e.uri }));
  return { list, uris };
}

/** Readpoint (and business location) of an acetrace location. */
function locationToEpcis(location: ExportableEvent['location'], prefixes: readonly string[]): Record<string, unknown> {
  if (location == null) return {};
  const hasFix = typeof location.lat === 'number' && typeof location.lon === 'number';
  const gln = location.gln != null && isValidGln(location.gln) ? glnToSgln(location.gln, prefixes) : undefined;
  if (hasFix) {
    return {
      readPoint: { id: geoUri(location.lat as number, location.lon as number, location.accuracyM) },
      ...(gln !== undefined && { bizLocation: { id: gln } }),
    };
  }
  return gln !== undefined ? { readPoint: { id: gln } } : {};
}

/**
 * An event's private data as exported: its salted hash and collection (and purge time) for everyone; the
 * private fields and salt only when the provenance carried them (entitled readers). Evidence URIs travel
 * on `acetrace:evidence` as before. Outside the event hash, like every acetrace annotation.
 */
function privateAnnotation(p: NonNullable<ExportableEvent['private']>): Record<string, unknown> {
  const shown = p as Partial<Record<'hash' | 'collection' | 'purgedAt' | 'value' | 'salt', unknown>>;
  const value = shown.value as Record<string, unknown> | null | undefined;
  const fields = value ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'evidenceUris')) : undefined;
  return {
    hash: shown.hash,
    collection: shown.collection,
    ...(typeof shown.purgedAt === 'string' && { purgedAt: shown.purgedAt }),
    ...(fields && Object.keys(fields).length > 0 && { value: fields, salt: shown.salt }),
  };
}

/** The repository's annotations of a recorded event (outside the hash). */
function annotations(ev: ExportableEvent): Record<string, unknown> {
  return {
    ...(ev.private && { [A('private')]: privateAnnotation(ev.private) }),
    [A('eventId')]: ev.eventId,
    [A('lotId')]: ev.lotId,
    [A('link')]: LINKS[ev.link - 1]?.name ?? String(ev.link),
    [A('kind')]: ev.kind,
    ...(ev.deviceId != null && { [A('deviceId')]: ev.deviceId }),
    ...(ev.correctionOf != null && { [A('correctionOf')]: ev.correctionOf }),
    ...(ev.reason != null && { [A('reason')]: ev.reason }),
    ...(ev.viaLotId != null && { [A('viaLotId')]: ev.viaLotId }),
    [A('recordedBy')]: ev.recordedBy,
    [A('recordedByRole')]: ev.recordedByRole,
    [A('recordedAt')]: ev.recordedAt,
    [A('txId')]: ev.txId,
    ...(ev.blockNumber !== undefined && { [A('blockNumber')]: ev.blockNumber }),
  };
}

/**
 * One recorded acetrace event → its EPCIS event (without `eventID`: {@link assignEventIds} gives it
 * once every event of the document is mapped, so corrections can name each other).
 */
export function eventToEpcis(ev: ExportableEvent, ctx: ExportContext = {}): EpcisEvent {
  const link = LINKS[ev.link - 1];
  const epcs = ev.epcs;
  const prefixes = companyPrefixes([...epcs, ...(ctx.epcsOfLot?.(ev.lotId) ?? [])]);
  const { list: bizTransactionList, uris } = evidenceToEpcis(ev.evidence);
  const common = {
    eventTime: ev.eventTime,
    eventTimeZoneOffset: offsetOf(ev.eventTime),
    recordTime: ev.recordedAt,
  };
  const tail = {
    ...(link !== undefined && { bizStep: linkBizStep(link) }),
    ...locationToEpcis(ev.location, prefixes),
    ...(bizTransactionList.length > 0 && { bizTransactionList }),
  };
  const evidence = uris.length > 0 ? { [A('evidence')]: uris } : {};
  if (ev.kind === 'aggregation') return aggregationToEpcis(ev, ctx, common, tail, evidence);
  const destinationList = destinationsOf(ev, prefixes);
  return {
    type: 'ObjectEvent',
    ...common,
    epcList: [...epcs],
    action: 'OBSERVE',
    ...tail,
    ...(destinationList.length > 0 && { destinationList }),
    ...annotations(ev),
    ...evidence,
  };
}

/** An aggregation → its AggregationEvent: the container's SSCC (or first EPC) as parentID, the children's EPCs or lot URIs. */
function aggregationToEpcis(
  ev: ExportableEvent,
  ctx: ExportContext,
  common: Record<string, unknown>,
  tail: Record<string, unknown>,
  evidence: Record<string, unknown>,
): EpcisEvent {
  const parentLotId = ev.parentLotId ?? ev.lotId;
  const childLotIds = ev.childLotIds ?? [];
  const parentEpcs = ctx.epcsOfLot?.(parentLotId) ?? [];
  const parentID = parentEpcs.find((e) => e.startsWith('urn:epc:id:sscc:')) ?? parentEpcs[0];
  const childEPCs = [...new Set(childLotIds.flatMap((id) => [...(ctx.epcsOfLot?.(id) ?? [])]))];
  return {
    type: 'AggregationEvent',
    ...common,
    ...(parentID !== undefined && { parentID }),
    ...(childEPCs.length > 0 ? { childEPCs } : { childQuantityList: childLotIds.map((id) => ({ epcClass: LOT_NS + id })) }),
    action: ev.action === 'unpack' ? 'DELETE' : 'ADD',
    ...tail,
    ...annotations(ev),
    [A('parentLotId')]: parentLotId,
    [A('childLotIds')]: childLotIds,
    ...evidence,
  };
}

/** A handover's destinations: the receiving organisation (possessing_party) and facility (location). */
function destinationsOf(ev: ExportableEvent, prefixes: readonly string[]): unknown[] {
  const destinationList: unknown[] = [];
  if (ev.kind !== 'handover') return destinationList;
  if (ev.handoverTo != null) destinationList.push({ type: 'possessing_party', destination: MSP_NS + ev.handoverTo });
  if (ev.handoverToGln != null && isValidGln(ev.handoverToGln)) {
    destinationList.push({ type: 'location', destination: glnToSgln(ev.handoverToGln, prefixes) });
  }
  return destinationList;
}

/** A UN/CEFACT unit code EPCIS accepts as `uom` (a count, `EA`, has none). */
function uomOf(unit: string): string | undefined {
  return unit !== 'EA' && /^[A-Z0-9]{2,3}$/.test(unit) ? unit : undefined;
}

/** The lot facts a registration carries in `ilmd` (what RegisterLot needs). */
function lotIlmd(lot: ExportableLot): Record<string, unknown> {
  return {
    [A('lotId')]: lot.lotId,
    [A('product')]: lot.product,
    [A('htsCode')]: lot.htsCode,
    [A('originCountry')]: lot.originCountry,
    [A('quantity')]: lot.quantity,
    [A('unit')]: lot.unit,
    ...(lot.parentLotId != null && { [A('parentLotId')]: lot.parentLotId }),
    ...(lot.importerMsp != null && { [A('importerMsp')]: lot.importerMsp }),
    ...(lot.packedAt != null && { [A('packedAt')]: lot.packedAt }),
    ...(lot.inputs != null &&
      lot.inputs.length > 0 && { [A('inputs')]: lot.inputs.map((i) => ({ [A('lotId')]: i.lotId, [A('quantity')]: i.quantity, [A('unit')]: i.unit })) }),
  };
}

/**
 * A lot's registration → `ObjectEvent` `ADD` of its EPCs (commissioning), or a `TransformationEvent`
 * from its input lots when it has `inputs`. The event time is the ledger's registration time.
 */
export function lotRegistrationToEpcis(lot: ExportableLot, ctx: ExportContext = {}): EpcisEvent {
  const time = lot.registeredAt ?? new Date(0).toISOString();
  const common = { eventTime: time, eventTimeZoneOffset: offsetOf(time), ...(lot.registeredAt !== undefined && { recordTime: lot.registeredAt }) };
  const notes = {
    [A('lotId')]: lot.lotId,
    [A('registration')]: true,
    ...(lot.ownerMsp !== undefined && { [A('recordedBy')]: lot.ownerMsp }),
    ...(lot.txId !== undefined && { [A('txId')]: lot.txId }),
  };
  if (lot.inputs != null && lot.inputs.length > 0) {
    const inputEPCList = [...new Set(lot.inputs.flatMap((i) => [...(ctx.epcsOfLot?.(i.lotId) ?? [])]))];
    const quantity = (lotId: string, q: number, unit: string): Record<string, unknown> => {
      const uom = uomOf(unit);
      return { epcClass: LOT_NS + lotId, quantity: q, ...(uom !== undefined && { uom }) };
    };
    return {
      type: 'TransformationEvent',
      ...common,
      ...(inputEPCList.length > 0 && { inputEPCList }),
      inputQuantityList: lot.inputs.map((i) => quantity(i.lotId, i.quantity, i.unit)),
      ...(lot.epcs.length > 0 && { outputEPCList: [...lot.epcs] }),
      outputQuantityList: [quantity(lot.lotId, lot.quantity, lot.unit)],
      bizStep: 'commissioning',
      ilmd: lotIlmd(lot),
      ...notes,
    };
  }
  return {
    type: 'ObjectEvent',
    ...common,
    epcList: [...lot.epcs],
    action: 'ADD',
    bizStep: 'commissioning',
    ilmd: lotIlmd(lot),
    ...notes,
  };
}

/**
 * Gives every event its `eventID` (an acetrace id that came from an EPCIS eventID goes back as it
 * was; any other is the event's CBV 2.0 hash) and puts an `errorDeclaration` on each corrected
 * event naming its correction. `correctedBy` maps acetrace ids to the correcting event's id and time.
 */
export function assignEventIds(
  events: EpcisEvent[],
  corrections: ReadonlyMap<string, { by: string; at: string }> = new Map(),
): EpcisEvent[] {
  const idOf = new Map<string, string>();
  const withIds = events.map((e): EpcisEvent => {
    const acetraceId = typeof e[A('eventId')] === 'string' ? (e[A('eventId')] as string) : undefined;
    const eventID = (acetraceId !== undefined ? epcisEventId(acetraceId) : undefined) ?? eventHashId(e, { context: EPCIS_CONTEXT });
    if (acetraceId !== undefined) idOf.set(acetraceId, eventID);
    return { ...e, eventID };
  });
  return withIds.map((e) => {
    const acetraceId = e[A('eventId')] as string | undefined;
    const c = acetraceId === undefined ? undefined : corrections.get(acetraceId);
    if (c === undefined) return e;
    return {
      ...e,
      errorDeclaration: {
        declarationTime: c.at,
        reason: 'incorrect_data',
        correctiveEventIDs: [idOf.get(c.by) ?? epcisEventId(c.by) ?? `${ACETRACE_NS}event/${c.by}`],
      },
    };
  });
}

/** An `EPCISDocument` of `events`. */
export function epcisDocument(events: EpcisEvent[], now: Date = new Date()): Record<string, unknown> {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: now.toISOString(),
    epcisBody: { eventList: events },
  };
}

/** An `EPCISQueryDocument` (the answer of a query) of `events`. */
export function epcisQueryDocument(events: EpcisEvent[], queryName = 'SimpleEventQuery', now: Date = new Date()): Record<string, unknown> {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: now.toISOString(),
    epcisBody: { queryResults: { queryName, resultsBody: { eventList: events } } },
  };
}

// ---------------------------------------------------------------- EPCIS → acetrace

/** Why one captured event cannot be recorded: the JSON path of the part, and a sentence. */
export interface Refusal {
  path: string;
  reason: string;
}

/** An event input for RecordEvents, with the custody fields the custody chaincode adds. */
export interface CapturedEventInput extends CustodyEventFields {
  eventId: string;
  lotId: string;
  link: number;
  kind: string;
  eventTime: string;
  deviceId?: string | null;
  location?: { lat?: number | null; lon?: number | null; accuracyM?: number | null; gln?: string | null } | null;
  epcs?: string[];
  evidence?: Array<{ sha256: string; uri?: string | null; type: EvidenceType }>;
  correctionOf?: string | null;
  reason?: string | null;
}

/** A lot registration read from an `ADD` ObjectEvent or a TransformationEvent: a LotInput whose inputs, when given, are a list. */
export type CapturedLotInput = Omit<LotInput, 'inputs'> & { inputs?: LotInputItem[] };

/** What one captured EPCIS event becomes. */
export type Captured =
  | { op: 'event'; hashId: string; input: CapturedEventInput }
  | { op: 'correction'; hashId: string; input: CapturedEventInput & { correctionOf: string; reason: string } }
  | { op: 'registration'; hashId: string; lot: CapturedLotInput }
  | { op: 'refused'; hashId?: string; refusal: Refusal };

/** Looks up the lot holding an EPC (pure-identity URN); undefined when none does. */
export type LotOfEpc = (epc: string) => Promise<string | undefined>;

class Refused extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
  }
}
const refuse = (path: string, reason: string): never => {
  throw new Refused(path, reason);
};

/** Reads acetrace extension fields whatever prefix the document bound to the acetrace namespace. */
class Fields {
  readonly #event: Record<string, unknown>;
  readonly #prefixes: Record<string, string>;
  constructor(event: Record<string, unknown>, prefixes: Record<string, string>) {
    this.#event = event;
    this.#prefixes = prefixes;
  }
  /** Full IRI of a key (`acetrace:link` → `https://ns.acetrace.dev/epcis/link`). */
  iri(key: string): string {
    const m = /^([A-Za-z][\w.-]*):(.+)$/.exec(key);
    if (!m) return key;
    const ns = this.#prefixes[m[1] ?? ''];
    return ns === undefined ? key : ns + (m[2] ?? '');
  }
  isAcetrace(key: string): boolean {
    return this.iri(key).startsWith(ACETRACE_NS);
  }
  /** The acetrace field `name` of `o` (the event by default). */
  get(name: string, o: Record<string, unknown> = this.#event): { key: string; value: unknown } | undefined {
    for (const [k, v] of Object.entries(o)) if (this.iri(k) === ACETRACE_NS + name) return { key: k, value: v };
    return undefined;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A CBV term in any spelling → its bare name, or undefined when it is not of that vocabulary. */
function bareTerm(value: unknown, kind: 'BizStep' | 'BTT' | 'SDT', prefixes: Record<string, string>): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (/^[A-Za-z0-9_]+$/.test(v)) return v;
  const urnKind = { BizStep: 'bizstep', BTT: 'btt', SDT: 'sdt' }[kind];
  const urn = new RegExp(`^urn:epcglobal:cbv:${urnKind}:([A-Za-z0-9_]+)$`, 'i').exec(v);
  if (urn) return urn[1];
  const web = new RegExp(`^https://ref\\.gs1\\.org/cbv/${kind}-([A-Za-z0-9_]+)$`).exec(expandedCurie(v, prefixes));
  return web?.[1];
}

/** A CURIE whose prefix the document binds → its full IRI; anything else (a URL, an unbound prefix) as it is. */
function expandedCurie(v: string, prefixes: Record<string, string>): string {
  const m = /^([A-Za-z][\w.-]*):(.*)$/.exec(v);
  const rest = m?.[2] ?? '';
  const ns = m === null ? undefined : prefixes[m[1] ?? ''];
  return ns !== undefined && !rest.startsWith('//') ? ns + rest : v;
}

/** The instant of `eventTime`, written in `offset` (acetrace keeps one time with its offset). */
function eventTimeIn(eventTime: string, offset: string, path: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})$/i.exec(eventTime.trim());
  if (!m) return refuse(`${path}.eventTime`, 'must be an xsd:dateTimeStamp with an offset');
  const zone = (m[2] ?? '').toUpperCase() === 'Z' ? '+00:00' : (m[2] ?? '');
  if (zone === offset) return eventTime.trim();
  const ms = Date.parse(eventTime);
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = new Date(ms + minutes * 60_000).toISOString().slice(0, 23);
  return `${local}${offset === '+00:00' ? 'Z' : offset}`;
}

/** A GLN from an SGLN URN or a Digital Link `/414/` URI without extension; refuses anything else. */
function glnOf(id: unknown, path: string): string {
  if (typeof id !== 'string') return refuse(path, 'must be a URI');
  const sgln = sglnToGln(id);
  if (sgln) {
    if (sgln.extension !== '0') return refuse(path, `SGLN extension ${sgln.extension}: acetrace keeps a 13-digit GLN, without an extension`);
    return sgln.gln;
  }
  const dl = /^https:\/\/id\.gs1\.org\/414\/(\d{13})$/.exec(canonicalIdentifier(id));
  if (dl?.[1] !== undefined) return dl[1];
  return refuse(path, 'must be an SGLN (urn:epc:id:sgln:...) or a GS1 Digital Link of a GLN (/414/): acetrace records locations by GLN');
}

/** `geo:lat,lon[;u=accuracy]` → coordinates, or undefined when not a geo URI. */
function geoOf(id: unknown, path: string): { lat: number; lon: number; accuracyM: number | null } | undefined {
  if (typeof id !== 'string' || !id.toLowerCase().startsWith('geo:')) return undefined;
  const m = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:;u=(\d+(?:\.\d+)?))?$/i.exec(id.trim());
  if (!m) return refuse(path, 'geo URI must be geo:<lat>,<lon> with an optional ;u=<metres> (no altitude, no other parameters)');
  return { lat: Number(m[1]), lon: Number(m[2]), accuracyM: m[3] !== undefined ? Number(m[3]) : null };
}

function normaliseEpcAt(value: unknown, path: string): string {
  if (typeof value !== 'string') return refuse(path, 'must be an EPC URI');
  try {
    return normaliseEpc(value);
  } catch (err) {
    return refuse(path, `not an EPC acetrace reads: ${(err as Error).message}`);
  }
}

/** Fields each captured event type may carry (everything else is refused by name). */
const OBJECT_FIELDS = new Set([
  '@context', 'type', 'eventTime', 'eventTimeZoneOffset', 'recordTime', 'eventID', 'errorDeclaration',
  'epcList', 'action', 'bizStep', 'readPoint', 'bizLocation', 'bizTransactionList', 'destinationList', 'ilmd', 'quantityList',
]);
const AGGREGATION_FIELDS = new Set([
  '@context', 'type', 'eventTime', 'eventTimeZoneOffset', 'recordTime', 'eventID', 'errorDeclaration',
  'parentID', 'childEPCs', 'childQuantityList', 'action', 'bizStep', 'readPoint', 'bizLocation', 'bizTransactionList',
]);
const TRANSFORMATION_FIELDS = new Set([
  '@context', 'type', 'eventTime', 'eventTimeZoneOffset', 'recordTime', 'eventID', 'errorDeclaration',
  'inputEPCList', 'inputQuantityList', 'outputEPCList', 'outputQuantityList', 'bizStep', 'ilmd',
]);
/** Standard fields acetrace has no place for, with the reason given. */
const UNSUPPORTED: Record<string, string> = {
  disposition: 'acetrace records no disposition (business state)',
  persistentDisposition: 'acetrace records no disposition (business state)',
  sourceList: 'acetrace takes the source party from the signer of the capture, not from the document',
  sensorElementList: 'acetrace records sensor data only as a GPS fix in a geo read point (readPoint geo:lat,lon)',
  certificationInfo: 'acetrace records certificates as evidence (bizTransactionList, type cert, ni:///sha-256 of the document)',
  quantityList: 'acetrace records identified objects (epcList); quantities belong to lot registrations',
  transformationID: 'acetrace links a transformation to its lot, not to a transformation id',
};

/** Options of {@link captureEvent}. */
export interface CaptureOptions {
  /** The document's `@context`. */
  context?: unknown;
  /** The document's `ignoreFields` (repository annotations outside the hash). */
  ignoreFields?: readonly string[];
  /** The lot holding an EPC. */
  lotOfEpc: LotOfEpc;
  /** acetrace id and reason of the event an errorDeclaration in this document says this one corrects. */
  correctionOf?: { eventId: string; reason: string };
}

/** The acetrace id of a captured event: `acetrace:eventId`, else from `eventID`, else from the hash. */
function captureId(event: Record<string, unknown>, f: Fields, hashId: string, path: string): string {
  const own = f.get('eventId');
  if (own !== undefined) {
    if (typeof own.value !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(own.value)) {
      return refuse(`${path}.${own.key}`, 'must be 1-128 characters of A-Za-z0-9._:-');
    }
    return own.value;
  }
  if (event.eventID !== undefined) {
    const id = typeof event.eventID === 'string' ? acetraceEventId(event.eventID.trim()) : undefined;
    if (id === undefined) {
      return refuse(
        `${path}.eventID`,
        'acetrace keeps an eventID only as a CBV hash ID (ni:///sha-256;<hex>?ver=CBV2.0) or a URI of 1-128 characters of A-Za-z0-9._:-; leave it out to use the event hash',
      );
    }
    return id;
  }
  return acetraceEventId(hashId) as string;
}

/** The lot of an event: `acetrace:lotId`, else the one lot its EPCs belong to. */
async function lotOf(f: Fields, epcs: Array<{ epc: string; path: string }>, lookup: LotOfEpc, path: string): Promise<string> {
  const own = f.get('lotId');
  if (own !== undefined) {
    if (typeof own.value !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(own.value)) return refuse(`${path}.${own.key}`, 'must be a lot id');
    return own.value;
  }
  const found = await lotsOfEpcs(epcs, lookup);
  if (found.size === 1) return [...found.keys()][0] as string;
  return refuseLots(found, epcs, path);
}

/** The lots holding the EPCs, each with the path of the first EPC naming it. */
async function lotsOfEpcs(epcs: Array<{ epc: string; path: string }>, lookup: LotOfEpc): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const { epc, path: p } of epcs) {
    const lot = await lookup(epc);
    if (lot !== undefined && !found.has(lot)) found.set(lot, p);
  }
  return found;
}

/** Refuses an event whose EPCs name two lots, or none. */
function refuseLots(found: Map<string, string>, epcs: Array<{ epc: string; path: string }>, path: string): never {
  if (found.size > 1) {
    const [a, b] = [...found.entries()];
    return refuse(b?.[1] ?? path, `names EPCs of lots ${String(a?.[0])} and ${String(b?.[0])}: capture one event per lot, or name the lot with ${A('lotId')}`);
  }
  return refuse(epcs[0]?.path ?? path, `no registered lot holds ${epcs.length > 0 ? 'these EPCs' : 'the event'}: register the lot first, or name it with ${A('lotId')}`);
}

/** bizStep (+ `acetrace:link`) → the link number. */
function linkOf(event: Record<string, unknown>, f: Fields, prefixes: Record<string, string>, path: string): number {
  const named = f.get('link');
  const bizStep = event.bizStep === undefined ? undefined : bareTerm(event.bizStep, 'BizStep', prefixes) ?? (typeof event.bizStep === 'string' ? event.bizStep : undefined);
  if (named !== undefined) return namedLink(named, bizStep, path);
  return linkOfBizStep(bizStep, path);
}

/** The link `acetrace:link` names (number or name), which the bizStep, when given, must agree with. */
function namedLink(named: { key: string; value: unknown }, bizStep: string | undefined, path: string): number {
  const link = LINKS.find((l) => l.name === named.value || l.number === named.value || String(l.number) === named.value);
  if (link === undefined) return refuse(`${path}.${named.key}`, 'must name one of the 12 links (number or name)');
  if (bizStep !== undefined && bizStep !== linkBizStep(link) && bizStep !== link.bizStep) {
    return refuse(`${path}.bizStep`, `${bizStep} is not the bizStep of link ${link.name} (${linkBizStep(link)})`);
  }
  return link.number;
}

/** The one link a bizStep serves. */
function linkOfBizStep(bizStep: string | undefined, path: string): number {
  if (bizStep === undefined) return refuse(`${path}.bizStep`, `required: acetrace files every event under one of its 12 links by bizStep (or ${A('link')})`);
  const candidates = LINKS.filter((l) => linkBizStep(l) === bizStep || l.bizStep === bizStep);
  if (candidates.length === 1) return (candidates[0] as LinkInfo).number;
  if (candidates.length > 1) {
    return refuse(`${path}.bizStep`, `${bizStep} serves links ${candidates.map((l) => `${String(l.number)} (${l.name})`).join(' and ')}: name the link with ${A('link')}`);
  }
  return refuse(
    `${path}.bizStep`,
    `${bizStep} is not one of acetrace's link bizSteps (${[...new Set(LINKS.map(linkBizStep))].join(', ')})`,
  );
}

/** bizTransactionList → evidence; `acetrace:evidence` adds the document URIs. */
function evidenceOf(event: Record<string, unknown>, f: Fields, prefixes: Record<string, string>, path: string): CapturedEventInput['evidence'] {
  const list = event.bizTransactionList;
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) return refuse(`${path}.bizTransactionList`, 'must be an array');
  const uris = documentUris(f);
  return list.map((bt, i) => {
    const p = `${path}.bizTransactionList[${String(i)}]`;
    if (!isObj(bt)) return refuse(p, 'must be an object');
    const value = typeof bt.bizTransaction === 'string' ? bt.bizTransaction.trim() : '';
    const m = /^ni:\/\/\/sha-256;([0-9a-fA-F]{64})$/.exec(value);
    if (!m) return refuse(`${p}.bizTransaction`, 'acetrace records a business document by its SHA-256: ni:///sha-256;<64 hex>');
    const sha256 = (m[1] ?? '').toLowerCase();
    const type = bt.type === undefined ? 'other' : evidenceTypeOf(bt.type, prefixes, p);
    const uri = uris.get(sha256);
    return { sha256, type, ...(uri !== undefined && { uri }) };
  });
}

/** `acetrace:evidence`: document URI by SHA-256 (lower case). */
function documentUris(f: Fields): Map<string, string> {
  const uris = new Map<string, string>();
  const extra = f.get('evidence');
  if (extra === undefined || !Array.isArray(extra.value)) return uris;
  for (const e of extra.value) {
    const sha = isObj(e) ? f.get('sha256', e)?.value : undefined;
    const uri = isObj(e) ? f.get('uri', e)?.value : undefined;
    if (typeof sha === 'string' && typeof uri === 'string') uris.set(sha.toLowerCase(), uri);
  }
  return uris;
}

/** A bizTransaction type → acetrace's evidence type: a CBV type it maps, or one in acetrace's evidence-type namespace. */
function evidenceTypeOf(btType: unknown, prefixes: Record<string, string>, p: string): EvidenceType {
  const term = bareTerm(btType, 'BTT', prefixes);
  const raw = typeof btType === 'string' ? btType.trim() : '';
  const own = raw.startsWith(EVIDENCE_TYPE_NS) ? raw.slice(EVIDENCE_TYPE_NS.length) : undefined;
  const mapped = own ?? (term !== undefined ? BTT_TO_EVIDENCE.get(term) : undefined);
  if (mapped === undefined || !(EVIDENCE_TYPES as readonly string[]).includes(mapped) || mapped === 'other') {
    return refuse(
      `${p}.type`,
      `${raw}: acetrace's evidence types with a CBV type are ${[...BTT_TO_EVIDENCE.keys()].join(', ')}; others are ${EVIDENCE_TYPE_NS}<type>, and other has no type`,
    );
  }
  return mapped as EvidenceType;
}

/** readPoint / bizLocation → location. */
function locationOf(event: Record<string, unknown>, path: string): CapturedEventInput['location'] {
  const rp = event.readPoint;
  const bl = event.bizLocation;
  if (rp === undefined && bl === undefined) return undefined;
  if (rp === undefined) return refuse(`${path}.bizLocation`, 'acetrace records the location as the readPoint; a bizLocation only names the facility of a geo read point');
  const rpId = onlyId(rp, `${path}.readPoint`);
  const geo = geoOf(rpId, `${path}.readPoint.id`);
  if (geo !== undefined) {
    const gln = bl === undefined ? undefined : glnOf(onlyId(bl, `${path}.bizLocation`), `${path}.bizLocation.id`);
    return { lat: geo.lat, lon: geo.lon, ...(geo.accuracyM !== null && { accuracyM: geo.accuracyM }), ...(gln !== undefined && { gln }) };
  }
  if (bl !== undefined) return refuse(`${path}.bizLocation`, 'acetrace keeps one GLN per event: with an SGLN read point, leave bizLocation out');
  return { gln: glnOf(rpId, `${path}.readPoint.id`) };
}

/** The `id` of a readPoint or bizLocation, which may hold nothing else. */
function onlyId(place: unknown, path: string): unknown {
  if (!isObj(place)) return refuse(path, 'must be an object');
  const name = path.slice(path.lastIndexOf('.') + 1);
  for (const k of Object.keys(place)) if (k !== 'id') refuse(`${path}.${k}`, `acetrace records only the ${name} id`);
  return place.id;
}

/** destinationList → handover target (`possessing_party` MSP URI, `location` GLN). */
function handoverOf(event: Record<string, unknown>, prefixes: Record<string, string>, path: string): CustodyEventFields | undefined {
  const list = event.destinationList;
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) return refuse(`${path}.destinationList`, 'must be an array');
  const out: CustodyEventFields = {};
  list.forEach((d, i) => {
    const p = `${path}.destinationList[${String(i)}]`;
    if (!isObj(d)) return refuse(p, 'must be an object');
    const type = bareTerm(d.type, 'SDT', prefixes);
    const value = typeof d.destination === 'string' ? d.destination.trim() : '';
    if (type === 'possessing_party' && value.startsWith(MSP_NS) && out.handoverTo === undefined) {
      out.handoverTo = value.slice(MSP_NS.length);
      return undefined;
    }
    if (type === 'location' && out.handoverToGln === undefined) {
      out.handoverToGln = glnOf(value, `${p}.destination`);
      return undefined;
    }
    return refuse(
      p,
      `acetrace records a handover as one possessing_party (${MSP_NS}<mspId>) and at most one location (SGLN); owning parties and other party identifiers have no acetrace organisation`,
    );
  });
  return out;
}

/** Unknown fields: a standard field acetrace has no place for, or a foreign extension. */
function refuseUnknown(event: Record<string, unknown>, allowed: ReadonlySet<string>, f: Fields, ignore: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(event)) {
    if (allowed.has(key) || f.isAcetrace(key) || ignore.has(key)) continue;
    const why = UNSUPPORTED[key];
    if (why !== undefined) {
      if (Array.isArray(event[key]) && (event[key] as unknown[]).length === 0) continue;
      refuse(`${path}.${key}`, why);
    }
    if (/^[A-Za-z][\w.-]*:/.test(key) || key.includes('/')) refuse(`${path}.${key}`, 'extension field acetrace does not record (only the acetrace namespace is kept)');
    refuse(`${path}.${key}`, `${String(event.type)} field acetrace does not record`);
  }
}

function stringField(o: Record<string, unknown>, f: Fields, name: string, path: string): string {
  const v = f.get(name, o);
  if (v === undefined || typeof v.value !== 'string' || v.value.trim() === '') return refuse(`${path}.${A(name)}`, 'required (a string)');
  return v.value;
}

/** `acetrace:inputs` of an ilmd: the lots a transformation consumed; undefined when not given. */
function lotInputsOf(ilmd: Record<string, unknown>, f: Fields, p: string): CapturedLotInput['inputs'] {
  const inputsField = f.get('inputs', ilmd);
  if (inputsField === undefined) return undefined;
  if (!Array.isArray(inputsField.value)) return refuse(`${p}.${inputsField.key}`, `must be an array of { ${A('lotId')}, ${A('quantity')}, ${A('unit')} }`);
  return inputsField.value.map((i, n) => {
    const lotId = isObj(i) ? f.get('lotId', i)?.value : undefined;
    const q = isObj(i) ? f.get('quantity', i)?.value : undefined;
    const unit = isObj(i) ? f.get('unit', i)?.value : undefined;
    if (typeof lotId !== 'string' || typeof q !== 'number' || typeof unit !== 'string') {
      return refuse(`${p}.${inputsField.key}[${String(n)}]`, `must be { ${A('lotId')}, ${A('quantity')}, ${A('unit')} }`);
    }
    return { lotId, quantity: q, unit };
  });
}

/** ilmd → the lot a registration records. */
function lotFromIlmd(event: Record<string, unknown>, f: Fields, epcs: string[], path: string): CapturedLotInput {
  const ilmd = event.ilmd;
  const p = `${path}.ilmd`;
  if (!isObj(ilmd)) return refuse(p, `a lot registration carries the lot in ilmd: ${['lotId', 'product', 'htsCode', 'originCountry', 'quantity', 'unit'].map(A).join(', ')}`);
  for (const key of Object.keys(ilmd)) if (!f.isAcetrace(key)) refuse(`${p}.${key}`, 'ilmd field acetrace does not record');
  const quantity = f.get('quantity', ilmd);
  if (quantity === undefined || typeof quantity.value !== 'number') return refuse(`${p}.${A('quantity')}`, 'required (a number)');
  const opt = (name: string): string | null => {
    const v = f.get(name, ilmd);
    return v !== undefined && typeof v.value === 'string' ? v.value : null;
  };
  const inputs = lotInputsOf(ilmd, f, p);
  return {
    lotId: stringField(ilmd, f, 'lotId', p),
    product: stringField(ilmd, f, 'product', p),
    htsCode: stringField(ilmd, f, 'htsCode', p),
    originCountry: stringField(ilmd, f, 'originCountry', p),
    quantity: quantity.value,
    unit: stringField(ilmd, f, 'unit', p),
    epcs,
    parentLotId: opt('parentLotId'),
    ...(opt('importerMsp') !== null && { importerMsp: opt('importerMsp') }),
    ...(opt('packedAt') !== null && { packedAt: opt('packedAt') }),
    ...(inputs !== undefined && { inputs }),
  };
}

function epcArray(event: Record<string, unknown>, key: string, path: string): Array<{ epc: string; path: string }> {
  const list = event[key];
  if (list === undefined) return [];
  if (!Array.isArray(list)) return refuse(`${path}.${key}`, 'must be an array');
  return list.map((e, i) => ({ epc: normaliseEpcAt(e, `${path}.${key}[${String(i)}]`), path: `${path}.${key}[${String(i)}]` }));
}

/** Lot ids named by lot URIs of a quantity list (the form acetrace exports for lots without EPCs). */
function lotsOfQuantityList(event: Record<string, unknown>, key: string, path: string): string[] {
  const list = event[key];
  if (list === undefined) return [];
  if (!Array.isArray(list)) return refuse(`${path}.${key}`, 'must be an array');
  return list.map((q, i) => {
    const cls = isObj(q) && typeof q.epcClass === 'string' ? q.epcClass : '';
    if (!cls.startsWith(LOT_NS)) return refuse(`${path}.${key}[${String(i)}].epcClass`, `acetrace packs lots: name each as ${LOT_NS}<lotId>, or list the children's EPCs`);
    return cls.slice(LOT_NS.length);
  });
}

/** What every step of one event's capture reads: its path, the document's prefixes, the options and ignored keys. */
interface CaptureStep {
  path: string;
  prefixes: Record<string, string>;
  options: CaptureOptions;
  ignore: ReadonlySet<string>;
}

/** The fields every event input has: id, link, time, device, location, evidence. */
type BaseInput = Pick<CapturedEventInput, 'eventId' | 'link' | 'eventTime' | 'deviceId' | 'location' | 'evidence'>;

/**
 * One captured EPCIS event → what acetrace records for it, or why not (lossless or refused).
 * @param path - JSON path of the event in the document (`epcisBody.eventList[3]`).
 */
export async function captureEvent(raw: unknown, path: string, options: CaptureOptions): Promise<Captured> {
  const context = isObj(raw) && raw['@context'] !== undefined ? [options.context, raw['@context']].flat() : options.context;
  const prefixes = { [ACETRACE_PREFIX]: ACETRACE_NS, ...contextPrefixes(context) };
  let hashId: string | undefined;
  try {
    if (!isObj(raw)) return refuse(path, 'must be an EPCIS event object');
    const f = new Fields(raw, prefixes);
    const ignoreFields = options.ignoreFields ?? [];
    hashId = eventHashId(raw, { context: [context, { [ACETRACE_PREFIX]: ACETRACE_NS }].flat(), ignore: (k) => f.isAcetrace(k), ignoreFields });
    return await captureObject(raw, f, hashId, { path, prefixes, options, ignore: new Set(ignoreFields) });
  } catch (err) {
    if (err instanceof Refused) return { op: 'refused', ...(hashId !== undefined && { hashId }), refusal: { path: err.path, reason: err.reason } };
    throw err;
  }
}

/** An EPCIS event object → a lot registration, an event or a correction (refusals are thrown). */
async function captureObject(event: Record<string, unknown>, f: Fields, hashId: string, step: CaptureStep): Promise<Captured> {
  const { path } = step;
  if (typeof event.eventTime !== 'string') return refuse(`${path}.eventTime`, 'required');
  if (typeof event.eventTimeZoneOffset !== 'string') return refuse(`${path}.eventTimeZoneOffset`, 'required');
  const eventTime = eventTimeIn(event.eventTime, event.eventTimeZoneOffset, path);
  const lot = registrationOf(event, f, step);
  if (lot !== undefined) return { op: 'registration', hashId, lot };
  const base = baseInputOf(event, f, hashId, eventTime, step);
  const input = await eventInputOf(event, f, base, step);
  return withCorrection(input, f, hashId, step);
}

/** The lot an `ADD` ObjectEvent or a TransformationEvent registers; undefined for any other event. */
function registrationOf(event: Record<string, unknown>, f: Fields, { path, ignore }: CaptureStep): CapturedLotInput | undefined {
  if (event.type === 'ObjectEvent' && event.action === 'ADD') {
    refuseUnknown(event, OBJECT_FIELDS, f, ignore, path);
    refuseQuantityList(event, path);
    const epcs = epcArray(event, 'epcList', path).map((e) => e.epc);
    return lotFromIlmd(event, f, epcs, path);
  }
  if (event.type !== 'TransformationEvent') return undefined;
  refuseUnknown(event, TRANSFORMATION_FIELDS, f, ignore, path);
  const epcs = epcArray(event, 'outputEPCList', path).map((e) => e.epc);
  const lot = lotFromIlmd(event, f, epcs, path);
  if (lot.inputs === undefined || lot.inputs.length === 0) {
    return refuse(`${path}.ilmd`, `a transformation registers a lot made from others: ${A('inputs')} lists them`);
  }
  return lot;
}

/** quantityList: acetrace records identified objects. */
function refuseQuantityList(event: Record<string, unknown>, path: string): void {
  if (Array.isArray(event.quantityList) && event.quantityList.length > 0) refuse(`${path}.quantityList`, UNSUPPORTED.quantityList ?? '');
}

/** The id, link, evidence, location and device of an event (read in that order: the first refusal is reported). */
function baseInputOf(event: Record<string, unknown>, f: Fields, hashId: string, eventTime: string, { path, prefixes }: CaptureStep): BaseInput {
  const id = captureId(event, f, hashId, path);
  const link = linkOf(event, f, prefixes, path);
  const evidence = evidenceOf(event, f, prefixes, path);
  const location = locationOf(event, path);
  const deviceField = f.get('deviceId');
  const deviceId = deviceField !== undefined && typeof deviceField.value === 'string' ? deviceField.value : undefined;
  return {
    eventId: id,
    link,
    eventTime,
    ...(deviceId !== undefined && { deviceId }),
    ...(location !== undefined && { location }),
    ...(evidence !== undefined && evidence.length > 0 && { evidence }),
  };
}

/** The event input of an ObjectEvent or AggregationEvent; any other type is refused. */
async function eventInputOf(event: Record<string, unknown>, f: Fields, base: BaseInput, step: CaptureStep): Promise<CapturedEventInput> {
  if (event.type === 'ObjectEvent') return objectEventInput(event, f, base, step);
  if (event.type === 'AggregationEvent') return aggregationInput(event, f, base, step);
  return refuse(`${step.path}.type`, `${String(event.type)}: acetrace records ObjectEvent, AggregationEvent and TransformationEvent (lot registrations)`);
}

/** The kind of an observed event: `acetrace:kind`, else handover, gps, rfid or document by what it names. */
function observedKind(kindField: { value: unknown } | undefined, handover: CustodyEventFields | undefined, location: BaseInput['location'], epcCount: number): string {
  if (typeof kindField?.value === 'string') return kindField.value;
  if (handover !== undefined) return 'handover';
  if (location?.lat != null) return 'gps';
  return epcCount > 0 ? 'rfid' : 'document';
}

/** An OBSERVE ObjectEvent → an event of the lot its EPCs (or `acetrace:lotId`) name. */
async function objectEventInput(event: Record<string, unknown>, f: Fields, base: BaseInput, step: CaptureStep): Promise<CapturedEventInput> {
  const { path, prefixes } = step;
  refuseUnknown(event, OBJECT_FIELDS, f, step.ignore, path);
  if (event.action !== 'OBSERVE') return refuse(`${path}.action`, `${String(event.action)}: acetrace records OBSERVE events (and ADD lot registrations)`);
  if (event.ilmd !== undefined) return refuse(`${path}.ilmd`, 'only a lot registration (action ADD) carries ilmd');
  refuseQuantityList(event, path);
  const epcs = epcArray(event, 'epcList', path);
  const handover = handoverOf(event, prefixes, path);
  const kind = observedKind(f.get('kind'), handover, base.location, epcs.length);
  if (handover !== undefined && kind !== 'handover') refuse(`${path}.destinationList`, 'only a handover event names a destination');
  const lotId = await lotOf(f, epcs, step.options.lotOfEpc, path);
  return { ...base, lotId, kind, epcs: epcs.map((e) => e.epc), ...(handover ?? {}) };
}

/** The container of an aggregation: `acetrace:parentLotId`, else the lot of its parentID. */
async function parentLotOf(event: Record<string, unknown>, f: Fields, { path, options }: CaptureStep): Promise<string> {
  const parentField = f.get('parentLotId');
  if (parentField !== undefined && typeof parentField.value === 'string') return parentField.value;
  if (typeof event.parentID !== 'string') return refuse(`${path}.parentID`, `required: the container (or ${A('parentLotId')})`);
  const epc = normaliseEpcAt(event.parentID, `${path}.parentID`);
  return (await options.lotOfEpc(epc)) ?? refuse(`${path}.parentID`, 'no registered lot holds this EPC: register the container lot first');
}

/** The lots an aggregation packs or unpacks: `acetrace:childLotIds`, else those of its child quantities and EPCs. */
async function childLotsOf(event: Record<string, unknown>, f: Fields, { path, options }: CaptureStep): Promise<string[]> {
  const childField = f.get('childLotIds');
  if (childField !== undefined && Array.isArray(childField.value) && childField.value.every((c) => typeof c === 'string')) {
    return childField.value;
  }
  const children = new Set<string>(lotsOfQuantityList(event, 'childQuantityList', path));
  for (const { epc, path: p } of epcArray(event, 'childEPCs', path)) {
    children.add((await options.lotOfEpc(epc)) ?? refuse(p, 'no registered lot holds this EPC: register the child lot first'));
  }
  return [...children];
}

/** An AggregationEvent → a pack (ADD) or unpack (DELETE) of lots into a container lot. */
async function aggregationInput(event: Record<string, unknown>, f: Fields, base: BaseInput, step: CaptureStep): Promise<CapturedEventInput> {
  const { path } = step;
  refuseUnknown(event, AGGREGATION_FIELDS, f, step.ignore, path);
  const action = event.action === 'ADD' ? 'pack' : event.action === 'DELETE' ? 'unpack' : refuse(`${path}.action`, 'acetrace records packing (ADD) and unpacking (DELETE)');
  const parentLotId = await parentLotOf(event, f, step);
  const childLotIds = await childLotsOf(event, f, step);
  if (childLotIds.length === 0) return refuse(`${path}.childEPCs`, 'an aggregation packs or unpacks at least one lot');
  return { ...base, lotId: parentLotId, kind: 'aggregation', action, parentLotId, childLotIds };
}

/** The event, or a correction when it (or the document's errorDeclaration) names the event it corrects. */
function withCorrection(input: CapturedEventInput, f: Fields, hashId: string, { path, options }: CaptureStep): Captured {
  const correctionField = f.get('correctionOf');
  const reasonField = f.get('reason');
  const correctionOf = typeof correctionField?.value === 'string' ? correctionField.value : options.correctionOf?.eventId;
  if (correctionOf === undefined) return { op: 'event', hashId, input };
  const reason = typeof reasonField?.value === 'string' ? reasonField.value : options.correctionOf?.reason;
  if (reason === undefined) return refuse(`${path}.${A('reason')}`, 'a correction carries a reason');
  return { op: 'correction', hashId, input: { ...input, correctionOf, reason } };
}

/** The acetrace id of an event that declares an error: `acetrace:eventId`, else from its eventID, else from its hash. */
function declaringEventId(e: Record<string, unknown>, f: Fields, context: unknown): string | undefined {
  const own = f.get('eventId');
  if (typeof own?.value === 'string') return own.value;
  if (typeof e.eventID === 'string') return acetraceEventId(e.eventID);
  return acetraceEventId(eventHashId(e, { context: [context, { [ACETRACE_PREFIX]: ACETRACE_NS }].flat(), ignore: (k) => f.isAcetrace(k) }));
}

/** The reason of an errorDeclaration: `acetrace:reason`, else its CBV reason, else a generic one. */
function declarationReason(decl: Record<string, unknown>, f: Fields): string {
  const reasonText = f.get('reason', decl);
  if (typeof reasonText?.value === 'string') return reasonText.value;
  return typeof decl.reason === 'string' ? `EPCIS error declaration: ${decl.reason}` : 'EPCIS error declaration';
}

/**
 * The corrections an EPCIS document declares: each event named in an `errorDeclaration`'s
 * `correctiveEventIDs` corrects the declaring event. Keys are eventIDs as the document writes
 * them; values the corrected event's acetrace id (from its eventID or hash) and the reason.
 */
export function declaredCorrections(events: readonly unknown[], context: unknown): Map<string, { eventId: string; reason: string }> {
  const out = new Map<string, { eventId: string; reason: string }>();
  for (const e of events) {
    if (!isObj(e) || !isObj(e.errorDeclaration)) continue;
    const decl = e.errorDeclaration;
    const ids = Array.isArray(decl.correctiveEventIDs) ? decl.correctiveEventIDs.filter((x): x is string => typeof x === 'string') : [];
    const prefixes = { [ACETRACE_PREFIX]: ACETRACE_NS, ...contextPrefixes(context) };
    const f = new Fields(e, prefixes);
    const target = declaringEventId(e, f, context);
    if (target === undefined) continue;
    const reason = declarationReason(decl, f);
    for (const id of ids) out.set(id, { eventId: target, reason });
  }
  return out;
}
