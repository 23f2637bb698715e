/**
 * Shared shapes (ARCHITECTURE.md §4). Field names follow api.md verbatim.
 */
import type { Phase } from './links';

/** The Fabric CA attribute in enrolment certificates that names the signer's role. */
export const ROLE_ATTRIBUTE = 'acetrace.role';
export const ROLES = ['viewer', 'supplier', 'logistics', 'broker', 'auditor', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const EVENT_KINDS = ['rfid', 'gps', 'document', 'handover'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVIDENCE_TYPES = [
  'po',
  'invoice',
  'packing-list',
  'bill-of-lading',
  'certificate-of-origin',
  'export-declaration',
  'entry',
  'lab-report',
  'photo',
  'other',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export const ANOMALY_TYPES = ['out-of-order', 'impossible-travel', 'foreign-epc', 'after-delivery'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export interface LotInput {
  lotId: string;
  product: string;
  htsCode: string;
  originCountry: string;
  quantity: number;
  unit: string;
  epcs: string[];
  parentLotId: string | null;
  importerMsp?: string | null;
  packedAt?: string | null;
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
}

/** A registered lot: the normalised input plus who registered it, when, and in which transaction. */
export interface LotRecord extends NormalisedLot {
  ownerMsp: string;
  registeredAt: string;
  txId: string;
  /** SHA-256 of the normalised input, for idempotent repeats. */
  contentHash: string;
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
}

export interface EventRecord extends NormalisedEvent {
  recordedBy: string;
  recordedByRole: Role;
  recordedAt: string;
  txId: string;
  contentHash: string;
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
}

export interface Provenance {
  lot: {
    lotId: string;
    product: string;
    htsCode: string;
    originCountry: string;
    quantity: number;
    unit: string;
    epcs: string[];
    ownerMsp: string;
    importerMsp: string | null;
    packedAt: string | null;
    parentChain: string[];
  };
  completeness: Completeness;
  links: ProvenanceLink[];
  anomalies: Anomaly[];
  detail: 'full' | 'summary';
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

/** The signer: MSP id from the certificate's MSP, role from the `acetrace.role` attribute. */
export interface Caller {
  mspId: string;
  role: Role;
}
