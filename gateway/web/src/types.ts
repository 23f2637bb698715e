// The provenance answer as the gateway returns it (shared/spec/api.md, "Provenance"): the
// chaincode's Provenance (type-only import, erased from the bundle) plus what the gateway adds,
// `blockNumber` on events where it knows it and `queryMs`.
import type {
  Anomaly,
  ContainmentEntry,
  CustodyEntry,
  FacilityRef,
  Party,
  UpstreamNode,
  Provenance as LedgerProvenance,
  ProvenanceEvent as LedgerProvenanceEvent,
  ProvenanceLink as LedgerProvenanceLink,
} from '@acetrace/chaincode';

export type { Anomaly, ContainmentEntry, CustodyEntry, FacilityRef, Party, UpstreamNode };

export interface ProvenanceEvent extends LedgerProvenanceEvent {
  blockNumber?: number | string | null;
}

export interface ProvenanceLink extends Omit<LedgerProvenanceLink, 'events'> {
  events: ProvenanceEvent[];
}

export interface Provenance extends Omit<LedgerProvenance, 'links'> {
  links: ProvenanceLink[];
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
