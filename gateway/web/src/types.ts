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
// The constants-only subpath: no fabric-contract-api or EPC libraries in the page's bundle.
import { LINKS } from '@acetrace/chaincode/domain';

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
export const LINK_NAMES: readonly string[] = LINKS.map((l) => l.name);
