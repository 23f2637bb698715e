/**
 * Shared shapes (ARCHITECTURE.md §4). Field names follow api.md verbatim.
 */
import type { Phase } from './links';

/** The Fabric CA attribute in enrolment certificates that names the signer's role. */
export const ROLE_ATTRIBUTE = 'acetrace.role';
export const ROLES = ['viewer', 'supplier', 'logistics', 'broker', 'auditor', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const EVENT_KINDS = ['rfid', 'gps', 'document', 'handover', 'aggregation'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** What an `aggregation` event does: puts child lots into its parent lot, or takes them out. */
export const AGGREGATION_ACTIONS = ['pack', 'unpack'] as const;
export type AggregationAction = (typeof AGGREGATION_ACTIONS)[number];

/** Supply-chain roles an organisation profile declares (domain.md "Parties and facilities"). */
export const SUPPLY_CHAIN_ROLES = [
  'grower', 'miner', 'ginner', 'spinner', 'weaver', 'knitter', 'dyer', 'processor', 'smelter', 'manufacturer',
  'assembler', 'packer', 'exporter', 'carrier', 'forwarder', 'warehouse', 'distributor', 'importer-of-record',
  'customs-broker', 'retailer',
] as const;
export type SupplyChainRole = (typeof SUPPLY_CHAIN_ROLES)[number];

/** Facility types (domain.md "Parties and facilities"). */
export const FACILITY_TYPES = ['farm', 'mine', 'mill', 'factory', 'warehouse', 'port', 'airport', 'distribution-centre'] as const;
export type FacilityType = (typeof FACILITY_TYPES)[number];

export const EVIDENCE_TYPES = [
  'po',
  'invoice',
  'packing-list',
  'bill-of-lading',
  'certificate-of-origin',
  'export-declaration',
  'entry',
  'proof-of-payment',
  'production-record',
  'transport-record',
  'contract',
  'lab-report',
  'photo',
  'other',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export const ANOMALY_TYPES = [
  'out-of-order', 'impossible-travel', 'foreign-epc', 'after-delivery', 'outside-custody', 'double-containment', 'over-consumption',
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/** A lot as submitted: the normalised fields before validation, the optional ones omittable. */
export interface LotInput extends Pick<NormalisedLot, 'lotId' | 'product' | 'htsCode' | 'originCountry' | 'quantity' | 'unit' | 'epcs' | 'parentLotId'> {
  importerMsp?: string | null;
  packedAt?: string | null;
  /** What the lot was made from (transformation). */
  inputs?: LotInputItem[] | null;
}

/** One input of a transformation: how much of which lot, in that lot's unit. */
export interface LotInputItem {
  lotId: string;
  quantity: number;
  unit: string;
}

/** LotInput fields after validation: HTS `NNNN.NN.NNNN`, EPCs as pure-identity URNs. */
export interface NormalisedLot {
  lotId: string;
  product: string;
  /** `NNNN.NN.NNNN` */
  htsCode: string;
  originCountry: string;
  quantity: number;
  unit: string;
  /** Pure-identity URNs. */
  epcs: string[];
  parentLotId: string | null;
  importerMsp: string | null;
  packedAt: string | null;
  /** Present only when the lot was made from other lots, so lots without inputs hash as before. */
  inputs?: LotInputItem[];
}

/**
 * Lots registered since custody, containment records and consumption records exist carry 2; lots
 * written before have none and keep their parent behaviour (chaincode/README.md "Domain rules").
 */
export const LOT_SCHEMA_VERSION = 2;

/** A registered lot: the normalised input plus who registered it, when, and in which transaction. */
export interface LotRecord extends NormalisedLot {
  ownerMsp: string;
  registeredAt: string;
  txId: string;
  /** SHA-256 of the normalised input, for idempotent repeats. */
  contentHash: string;
  /** LOT_SCHEMA_VERSION for lots registered under custody rules; absent on older lots. */
  schemaVersion?: number;
  /** The salted hash of the lot's private data and where it is kept; absent when it has none. */
  private?: PrivateRef;
}

// ---- private data (domain.md "Private data") ----------------------------------------------

/** A lot's or an event's private fields (api.md `private`), all optional; never on the shared ledger in clear. */
export interface PrivateFields {
  consignee?: { name?: string; address?: string };
  unitPrice?: number;
  currency?: string;
  invoiceValue?: number;
  contractRef?: string;
}

/** An event's private value: its private fields plus its evidence URIs by evidence index (null: none). */
export interface PrivateValue extends PrivateFields {
  evidenceUris?: Array<string | null>;
}

/** One record's private part as it travels in the transient map: the value and its random salt (hex). */
export interface PrivateEnvelope {
  value: PrivateValue;
  salt: string;
}

/** The transient map's `acetrace.private` entry: the lot's envelope (RegisterLot) or envelopes by event id. */
export interface TransientPrivate {
  lot?: PrivateEnvelope;
  events?: Record<string, PrivateEnvelope>;
}

/** What the shared record keeps of private data: SHA-256(salt ‖ canonical JSON of the value) and the collection. */
export interface PrivateRef {
  hash: string;
  collection: string;
}

/** How a provenance shows private data: that it exists, its hash, where, and when it was purged (null: not purged). */
export interface PrivateMarker extends PrivateRef {
  present: true;
  purgedAt: string | null;
}

/** A purge of an organisation's private data of a lot (PRG key), written by PurgePrivateData. */
export interface PurgeRecord {
  lotId: string;
  mspId: string;
  collection: string;
  purgedAt: string;
  purgedAtUtc: string;
  txId: string;
  /** How many private records this purge removed. */
  records: number;
}

/** One private record as GetPrivateData answers it: cleartext for entitled readers, or why not. */
export interface PrivateRecordView {
  /** `lot` for the lot's own private data, else the event's id. */
  scope: 'lot' | 'event';
  eventId: string | null;
  hash: string;
  collection: string;
  state: 'present' | 'purged' | 'unavailable';
  value: PrivateValue | null;
  salt: string | null;
  purgedAt: string | null;
}

/** GetPrivateData's answer: one organisation's private records of a lot, read on that organisation's peer. */
export interface PrivateDataView {
  lotId: string;
  mspId: string;
  collection: string;
  records: PrivateRecordView[];
}

/** PurgePrivateData's answer. */
export interface PurgeResult {
  lotId: string;
  mspId: string;
  /** null: the organisation had no private data on the lot (nothing purged, nothing written). */
  purgedAt: string | null;
  txId: string;
  records: number;
  /** True when an earlier purge already removed everything (nothing written now). */
  alreadyPurged: boolean;
}

export interface Location {
  lat?: number | null;
  lon?: number | null;
  accuracyM?: number | null;
  gln?: string | null;
}

export interface Evidence {
  sha256: string;
  uri?: string | null;
  type: EvidenceType;
}

export interface EventInput {
  eventId: string;
  lotId: string;
  link: number;
  kind: EventKind;
  eventTime: string;
  deviceId?: string | null;
  location?: Location | null;
  epcs?: string[];
  evidence?: Evidence[];
  correctionOf?: string | null;
  reason?: string | null;
  /** `handover`: the MSP that takes custody from the event time (no custody change without it). */
  handoverTo?: string | null;
  /** `handover`: the receiving facility. */
  handoverToGln?: string | null;
  /** `aggregation`: pack or unpack. */
  action?: AggregationAction | null;
  /** `aggregation`: the container lot; equals `lotId` (the event is recorded on the container). */
  parentLotId?: string | null;
  /** `aggregation`: the lots packed into or taken out of the container. */
  childLotIds?: string[] | null;
}

export interface CorrectionInput extends EventInput {
  correctionOf: string;
  reason: string;
}

/** An EventInput after validation: every optional field present (null or empty). */
export interface NormalisedEvent {
  eventId: string;
  lotId: string;
  link: number;
  kind: EventKind;
  /** As given, with its offset. */
  eventTime: string;
  /** UTC, fixed width, sortable: `2026-11-20T00:15:00.000000000Z`. */
  eventTimeUtc: string;
  deviceId: string | null;
  location: Location | null;
  epcs: string[];
  evidence: Evidence[];
  correctionOf: string | null;
  reason: string | null;
  /** Only on a `handover` that names one (absent otherwise, so older events hash as before). */
  handoverTo?: string;
  handoverToGln?: string | null;
  /** Only on an `aggregation` event. */
  action?: AggregationAction;
  parentLotId?: string;
  childLotIds?: string[];
}

export interface EventRecord extends NormalisedEvent {
  recordedBy: string;
  recordedByRole: Role;
  recordedAt: string;
  txId: string;
  contentHash: string;
  /** The salted hash of the event's private data (fields and evidence URIs) and where it is kept; absent when none. */
  private?: PrivateRef | PrivateMarker;
}

export interface RecordedEvent {
  eventId: string;
  status: 'recorded' | 'duplicate';
  event: EventRecord;
}

export interface Completeness {
  covered: number;
  required: 12;
  missing: string[];
}

export interface LotView {
  lot: LotRecord;
  /** Link numbers with at least one event. */
  linksCovered: number[];
  completeness: Completeness;
}

export interface ProvenanceEvent extends EventRecord {
  /** Id of the latest correction of this event, null if none. */
  correctedBy: string | null;
  /** The ancestor lot the event was recorded on, null for the lot's own events. */
  viaLotId: string | null;
  /** The registered facility named by `location.gln`, null if none is registered. */
  facility: FacilityRef | null;
  /** That private data exists (hash, collection, purge time); never its content. */
  private?: PrivateMarker;
}

export interface ProvenanceLink {
  link: number;
  name: string;
  phase: Phase;
  bizStep: string;
  covered: boolean;
  events: ProvenanceEvent[];
  organisations: string[];
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface Anomaly {
  type: AnomalyType;
  eventIds: string[];
  detail: string;
  /** The lots concerned, for anomalies about lots rather than events (containment, consumption). */
  lotIds?: string[];
}

/** One custodian's period: from its handover's event time (null: since the beginning) until the next (null: now). */
export interface CustodyEntry {
  mspId: string;
  from: string | null;
  until: string | null;
  /** The handover that passed custody; null for the owner's initial custody. */
  eventId: string | null;
  /** The receiving facility named by the handover, if any. */
  gln: string | null;
}

/** A period during which `lotId` was inside `parentLotId` (from null: since the beginning; until null: still inside). */
export interface ContainmentEntry {
  lotId: string;
  parentLotId: string;
  from: string | null;
  until: string | null;
  /** The packing event (null for a pack at registration), and the unpacking one. */
  packEventId: string | null;
  unpackEventId: string | null;
  /** Whether the reader sees the parent's events in this interval. */
  detail: 'full' | 'summary';
}

/** An input lot in the provenance's upstream tree. */
export interface UpstreamNode {
  lot: { lotId: string; product: string; htsCode: string; originCountry: string; quantity: number; unit: string; ownerMsp: string };
  /** What the consuming lot registered it used, in `unit`. */
  quantityConsumed: number;
  unit: string;
  /** Sum consumed from this lot by every lot made from it. */
  totalConsumed: number;
  completeness: Completeness;
  detail: 'full' | 'summary';
  /** Only for readers entitled to this lot's events. */
  links?: ProvenanceLink[];
  upstream: UpstreamNode[];
  /** True when the depth or size cap (limits.ts) cut the tree below this lot. */
  truncated: boolean;
  /** The lot's own evidence completeness under the policy (only with `links`). */
  evidence?: EvidenceCompleteness;
}

/** A registered facility as events and parties show it. */
export interface FacilityRef {
  gln: string;
  name: string;
  type: FacilityType;
  country: string;
  subdivision: string | null;
  lat: number | null;
  lon: number | null;
  mspId: string;
}

/** An organisation involved in a provenance, with what its profile says. */
export interface Party {
  mspId: string;
  legalName: string | null;
  country: string | null;
  roles: SupplyChainRole[];
  /** Its facilities named in this provenance. */
  facilities: FacilityRef[];
}

export interface Provenance {
  /** The lot's registered fields (no parent or inputs: `parentChain` names the ancestry). */
  lot: Pick<NormalisedLot, 'lotId' | 'product' | 'htsCode' | 'originCountry' | 'quantity' | 'unit' | 'epcs' | 'importerMsp' | 'packedAt'> & {
    ownerMsp: string;
    parentChain: string[];
    /** That the lot has private data (hash, collection, purge time); never its content. */
    private?: PrivateMarker;
  };
  completeness: Completeness;
  links: ProvenanceLink[];
  anomalies: Anomaly[];
  detail: 'full' | 'summary';
  /** The lot's custody chain (full detail only). */
  custody: CustodyEntry[];
  /** Containment intervals of the lot and, nested, of its containers. */
  containment: ContainmentEntry[];
  /** The input lots, recursively. */
  upstream: UpstreamNode[];
  /** True when the upstream tree was cut at the depth or size cap. */
  upstreamTruncated: boolean;
  /** Every organisation involved (full detail only). */
  parties: Party[];
  /** The lot's documents against the evidence policy (full detail only, else null). */
  evidence: EvidenceCompleteness | null;
  /** How soon events reached the ledger (full detail only, else null). */
  timeliness: Timeliness | null;
}

/** A document type a link needs and no live event on it carries, and who should supply it. */
export interface MissingEvidence {
  lotId: string;
  link: number;
  type: EvidenceType;
  /** The link's recorders, else the custodian when the link would have happened. */
  expectedFrom: string[];
}

/** One link's documents against the policy. */
export interface LinkEvidence {
  link: number;
  name: string;
  required: EvidenceType[];
  present: EvidenceType[];
  missing: EvidenceType[];
}

/** Evidence completeness of one lot under a versioned policy (evidence-policy.ts). */
export interface EvidenceCompleteness {
  policy: string;
  /** Required (link, type) pairs, and how many of them are present. */
  required: number;
  present: number;
  missing: MissingEvidence[];
  links: LinkEvidence[];
}

/** One event's recording delay: transaction time minus event time. */
export interface RecordingDelay {
  eventId: string;
  recordedBy: string;
  link: number;
  kind: EventKind;
  delaySeconds: number;
  windowSeconds: number;
  withinWindow: boolean;
}

/** One organisation's share of events recorded within the window, with its delay percentiles. */
export interface OrganisationTimeliness {
  mspId: string;
  events: number;
  withinWindow: number;
  share: number;
  p50DelaySeconds: number;
  p95DelaySeconds: number;
}

/** Timeliness of a lot's live events (dossier.md "Timeliness"). */
export interface Timeliness {
  policy: string;
  events: number;
  withinWindow: number;
  /** Share of live events recorded within their window (null: no events). */
  complianceRate: number | null;
  byOrganisation: OrganisationTimeliness[];
  /** Hours between the last entry/clearance document reaching the ledger and the arrival event (null: no arrival or no document). */
  entryLeadHours: number | null;
  /** Arrival recorded and entry data on the ledger less than the policy's lead before it (or not at all). */
  lateEntryData: boolean;
  delays: RecordingDelay[];
}

export interface HistoryEntry {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: LotRecord | null;
}

export interface LotFilter {
  ownerMsp?: string;
  htsCode?: string;
  originCountry?: string;
  link?: number;
  pageSize?: number;
  bookmark?: string;
}

export interface LotPage {
  lots: LotView[];
  bookmark: string;
}

export interface DeviceInput {
  deviceId: string;
  mspId?: string | null;
  link?: number | null;
  location?: Location | null;
}

export interface DeviceRecord {
  deviceId: string;
  mspId: string;
  link: number | null;
  location: Location | null;
  registeredBy: string;
  registeredAt: string;
  txId: string;
}

export interface OrganisationInput {
  mspId: string;
  roles: Role[];
}

export interface OrganisationRecord {
  mspId: string;
  roles: Role[];
  registeredBy: string;
  registeredAt: string;
  txId: string;
}

/** An organisation's profile (PUT /v1/organisations/{mspId}), registered by its own admin. */
export interface OrganisationProfileInput {
  mspId: string;
  legalName: string;
  country: string;
  address: string | null;
  roles: SupplyChainRole[];
}

export interface OrganisationProfile extends OrganisationProfileInput {
  registeredBy: string;
  registeredAt: string;
  txId: string;
}

/** GetOrganisation's answer: the profile (nulls when none) and the acetrace roles its admin registered. */
export interface OrganisationView {
  mspId: string;
  legalName: string | null;
  country: string | null;
  address: string | null;
  roles: SupplyChainRole[];
  /** Roles its compliance officers act as (RegisterOrganisation); null when none registered. */
  acetraceRoles: Role[] | null;
  registeredAt: string | null;
  txId: string | null;
}

/** A facility (POST /v1/facilities), operated by the registering admin's organisation. */
export interface FacilityInput {
  gln: string;
  name: string;
  address: string | null;
  country: string;
  subdivision: string | null;
  lat: number | null;
  lon: number | null;
  type: FacilityType;
}

export interface FacilityRecord extends FacilityInput {
  mspId: string;
  registeredBy: string;
  registeredAt: string;
  txId: string;
}

export interface FacilityPage {
  facilities: FacilityRecord[];
  bookmark: string;
}

export interface FacilityFilter {
  mspId?: string;
  country?: string;
  pageSize?: number;
  bookmark?: string;
}

/** A custody change: `CUS[lotId, fromUtc, recordedBy, eventId]`, written by the handover. */
export interface CustodyRecord {
  lotId: string;
  /** The new custodian. */
  mspId: string;
  gln: string | null;
  /** The handover's event time, as given and as UTC key. */
  from: string;
  fromUtc: string;
  eventId: string;
  recordedBy: string;
  txId: string;
}

/** A pack or unpack of one child: `CON[childLotId, atUtc, recordedBy, eventId]`. */
export interface ContainmentRecord {
  childLotId: string;
  parentLotId: string;
  action: AggregationAction;
  at: string;
  atUtc: string;
  /** The aggregation event; null for the pack of a registration with parentLotId. */
  eventId: string | null;
  recordedBy: string;
  txId: string;
}

/** What one lot consumed of an input: `USE[inputLotId, consumerLotId]`, written by the consumer's registration. */
export interface ConsumptionRecord {
  inputLotId: string;
  consumerLotId: string;
  quantity: number;
  unit: string;
  txId: string;
}

/** The signer: MSP id from the certificate's MSP, role from the `acetrace.role` attribute. */
export interface Caller {
  mspId: string;
  role: Role;
}

/** What a provenance summary says of one link instead of listing its events. */
export interface LinkSummary {
  eventCount: number;
  /** Events per kind (rfid, gps, document, handover, aggregation). */
  kinds: Partial<Record<EventKind, number>>;
  organisations: string[];
  firstSeen: string | null;
  lastSeen: string | null;
  /** The link's documents against the evidence policy (full detail only, else null). */
  evidence: { required: EvidenceType[]; present: EvidenceType[]; missing: EvidenceType[] } | null;
  /** Located GPS fixes and RFID reads, thinned for drawing (first, last and anomaly points kept), oldest first. */
  track: TrackPoint[];
}

/** A map point of a link's track. */
export interface TrackPoint {
  eventId: string;
  recordedBy: string;
  kind: EventKind;
  eventTime: string;
  lat: number;
  lon: number;
}

/** A link of a provenance summary: no events (`eventsOmitted`), a summary instead. */
export interface SummaryLink extends ProvenanceLink {
  eventsOmitted: true;
  summary: LinkSummary;
}

/** Anomalies of one type: how many, and whether the summary's list holds them all. */
export interface AnomalyGroup {
  type: AnomalyType;
  count: number;
  /** How many of them `anomalies` lists (at most MAX_SUMMARY_ANOMALIES_PER_TYPE). */
  listed: number;
}

/** GetProvenanceSummary: the provenance's shape without events, anomalies grouped and bounded. */
export interface ProvenanceSummary extends Omit<Provenance, 'links'> {
  view: 'summary';
  links: SummaryLink[];
  anomalyGroups: AnomalyGroup[];
  /** Where each event the listed anomalies name sits: its link and its place in the link's time order (from 0). */
  anomalyEvents: AnomalyEventPlace[];
}

/** An anomaly's event in the timeline, so a reader can page straight to it. */
export interface AnomalyEventPlace {
  eventId: string;
  link: number;
  index: number;
}

/** GetLinkEvents arguments. */
export interface LinkEventsQuery {
  link: number;
  pageSize?: number;
  bookmark?: string;
}

/** One page of a link's events in time order; bookmark '' on the last page. */
export interface LinkEventsPage {
  lotId: string;
  link: number;
  /** Events of the link the caller sees, all pages together. */
  total: number;
  events: ProvenanceEvent[];
  bookmark: string;
}
