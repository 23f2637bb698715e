// The provenance answer as the gateway returns it (shared/spec/api.md, "Provenance").
// Only the fields the page reads are typed; the server may send more.

export interface GeoLocation {
  lat?: number | null;
  lon?: number | null;
  accuracyM?: number | null;
  gln?: string | null;
}

export interface Evidence {
  sha256: string;
  uri?: string | null;
  type?: string;
}

export interface ProvenanceEvent {
  eventId: string;
  kind: 'rfid' | 'gps' | 'document' | 'handover' | string;
  eventTime: string;
  recordedBy?: string;
  recordedAt?: string;
  location?: GeoLocation | null;
  evidence?: Evidence[];
  epcs?: string[];
  txId?: string;
  blockNumber?: number | string | null;
  deviceId?: string | null;
  correctionOf?: string | null;
  correctedBy?: string | null;
  viaLotId?: string | null;
}

export interface ProvenanceLink {
  link: number;
  name: string;
  phase?: string;
  bizStep?: string;
  events: ProvenanceEvent[];
  organisations?: string[];
  firstSeen?: string | null;
  lastSeen?: string | null;
}

export interface Anomaly {
  type: 'out-of-order' | 'impossible-travel' | 'foreign-epc' | 'after-delivery' | string;
  eventIds: string[];
  detail: string;
}

export interface Provenance {
  lot: {
    lotId: string;
    product: string;
    htsCode: string;
    originCountry: string;
    ownerMsp: string;
    importerMsp?: string | null;
    parentChain: string[];
    quantity?: number;
    unit?: string;
  };
  completeness: { covered: number; required: number; missing: string[] };
  links: ProvenanceLink[];
  anomalies: Anomaly[];
  detail?: 'full' | 'summary';
  queryMs?: number;
}

/** The 12 links of domain.md, used when an answer omits a name. */
export const LINK_NAMES: readonly string[] = [
  'raw-material-sourcing',
  'component-processing',
  'manufacturing',
  'quality-inspection',
  'packaging',
  'origin-warehousing',
  'inland-transport',
  'export-clearance',
  'port-of-loading',
  'international-transit',
  'us-port-of-entry',
  'us-distribution',
];
