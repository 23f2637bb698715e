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
  AnomalyEventPlace,
  AnomalyGroup,
  LinkSummary,
  TrackPoint,
  Provenance as LedgerProvenance,
  ProvenanceSummary as LedgerProvenanceSummary,
  LinkEventsPage as LedgerLinkEventsPage,
  ProvenanceEvent as LedgerProvenanceEvent,
  ProvenanceLink as LedgerProvenanceLink,
} from '@acetrace/chaincode';
// The constants-only subpath: no fabric-contract-api or EPC libraries in the page's bundle.
import { LINKS } from '@acetrace/chaincode/domain';

export type { Anomaly, AnomalyEventPlace, AnomalyGroup, ContainmentEntry, CustodyEntry, FacilityRef, LinkSummary, Party, TrackPoint, UpstreamNode };

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

/** GET .../provenance?view=summary: each link summarised, no events (issue 20). */
export interface ProvenanceSummary extends LedgerProvenanceSummary {
  queryMs?: number;
}

/** GET .../links/{link}/events: one page of a link's events. */
export interface LinkEventsPage extends Omit<LedgerLinkEventsPage, 'events'> {
  events: ProvenanceEvent[];
}

/** True for a summary answer (an older gateway answers the full provenance to `?view=summary`). */
export function isSummary(p: Provenance | ProvenanceSummary): p is ProvenanceSummary {
  return (p as { view?: unknown }).view === 'summary';
}

/** The 12 links of domain.md, used when an answer omits a name. */
export const LINK_NAMES: readonly string[] = LINKS.map((l) => l.name);
