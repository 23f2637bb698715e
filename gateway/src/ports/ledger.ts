/**
 * The ledger port: the domain verbs the gateway's use cases need, independent of Fabric.
 * Implemented by adapters/fabric/fabric-ledger.ts. Every verb acts as a named Fabric identity
 * (from the connection profile); the chaincode decides what that identity may do.
 * Values are the chaincode's exported domain types; failures are the typed `LedgerError`s of
 * ../errors.ts (a refusal by the chaincode is a `LedgerRejectionError`).
 */
import type * as domain from '@acetrace/chaincode';

// The domain values the ledger verbs take and return: the chaincode's own types.
export type {
  DeviceInput,
  DeviceRecord,
  EventInput,
  EventRecord,
  FacilityFilter,
  FacilityInput,
  FacilityPage,
  FacilityRecord,
  HistoryEntry,
  LinkEventsPage,
  LinkEventsQuery,
  LotFilter,
  LotInput,
  LotPage,
  LotRecord,
  LotView,
  OrganisationProfileInput,
  OrganisationView,
  Provenance,
  ProvenanceEvent,
  ProvenanceLink,
  PrivateDataView,
  PrivateFields,
  PrivateMarker,
  PrivateRecordView,
  PrivateValue,
  ProvenanceSummary,
  PurgeResult,
  RecordedEvent,
} from '@acetrace/chaincode';

/**
 * A lot as the gateway submits it: the chaincode's input plus its private fields (api.md `private`), which the
 * adapter sends in the transient map, never in the arguments.
 */
export type LotSubmission = domain.LotInput & { private?: domain.PrivateFields | null };

/** An event as the gateway queues and submits it: private fields and evidence URIs go in the transient map. */
export type EventSubmission = domain.EventInput & { private?: domain.PrivateFields | null };

/** How an answer shows a record's private data: the chaincode's marker, plus the cleartext for entitled readers. */
export interface PrivateAnswer extends domain.PrivateMarker {
  /** `present`: value and salt below; `purged`; `unavailable`: the recording organisation's peer did not give it. */
  state?: domain.PrivateRecordView['state'];
  value?: domain.PrivateRecordView['value'];
  salt?: string | null;
}

/** Outcome of an admin registration: the record, whether this call created it, and its transaction. */
export interface Registered<T> {
  record: T;
  /** false for an identical repeat or an update of the organisation's own record. */
  created: boolean;
  txId: string;
  blockNumber: number;
}

/** Outcome of RegisterLot: `created` false for an identical repeat; the transaction that committed it. */
export interface RegisterLotResult {
  lot: domain.LotRecord;
  created: boolean;
  txId: string;
  blockNumber?: number;
}

/** Outcome of one RecordEvents/RecordCorrection transaction, results in input order. */
export interface RecordEventsResult {
  results: domain.RecordedEvent[];
  txId: string;
  blockNumber: number;
}

/** A provenance event as the gateway answers it: plus the block that recorded it, when the outbox knows it. */
export interface ProvenanceEventAnswer extends Omit<domain.ProvenanceEvent, 'private'> {
  blockNumber?: number;
  private?: PrivateAnswer;
}

/** A provenance link whose events carry block numbers. */
export interface ProvenanceLinkAnswer extends Omit<domain.ProvenanceLink, 'events'> {
  events: ProvenanceEventAnswer[];
}

/** The gateway's provenance answer: the chaincode's, with block numbers and the time the query took. */
export interface ProvenanceAnswer extends Omit<domain.Provenance, 'links' | 'lot'> {
  lot: Omit<domain.Provenance['lot'], 'private'> & { private?: PrivateAnswer };
  links: ProvenanceLinkAnswer[];
  /** Milliseconds the answer took (ledger query and outbox lookup). */
  queryMs: number;
}

/** A committed chaincode event, with its position on the ledger. */
export interface LedgerEvent {
  blockNumber: number;
  txId: string;
  name: string;
  payload: unknown;
}

/** Where a stream resumes: after the transaction `txId` in block `blockNumber`, or from a block. */
export interface StreamPosition {
  blockNumber: number;
  txId?: string;
}

/** A stream of committed events that can be closed. */
export interface LedgerEventStream extends AsyncIterable<LedgerEvent> {
  close(): void;
}

/** A Fabric identity the gateway may act as, from the connection profile. */
export interface LedgerIdentity {
  name: string;
  mspId: string;
  role: string;
}

export interface LedgerPort {
  /** The identities available to act as. */
  identities(): LedgerIdentity[];
  /** RegisterLot; retried by the adapter's rule (a lost commit status still answers `created: true`). */
  registerLot(identity: string, lot: LotSubmission): Promise<RegisterLotResult>;
  /** One RecordEvents transaction, one attempt: the caller (the outbox) owns retries. */
  recordEvents(identity: string, events: EventSubmission[]): Promise<RecordEventsResult>;
  recordCorrection(identity: string, correction: EventSubmission): Promise<RecordEventsResult>;
  /**
   * GetPrivateData: `mspId`'s private records of a lot, evaluated on `mspId`'s peer (only a member of its
   * implicit collection holds the values); the chaincode checks the caller may read them.
   */
  privateData(identity: string, lotId: string, mspId: string): Promise<domain.PrivateDataView>;
  /** PurgePrivateData: the signer's organisation (compliance of the owner) purges its private data of the lot. */
  purgePrivateData(identity: string, lotId: string): Promise<domain.PurgeResult & { blockNumber: number }>;
  readLot(identity: string, lotId: string): Promise<domain.LotView>;
  getEvent(identity: string, eventId: string): Promise<domain.EventRecord>;
  provenance(identity: string, lotId: string): Promise<domain.Provenance>;
  provenanceByEpc(identity: string, epc: string): Promise<domain.Provenance>;
  /** GetProvenanceSummary: the provenance without events, each link summarised (issue 20). */
  provenanceSummary(identity: string, lotId: string): Promise<domain.ProvenanceSummary>;
  /** GetProvenanceSummaryByEpc: the summary of the lot holding an EPC. */
  provenanceSummaryByEpc(identity: string, epc: string): Promise<domain.ProvenanceSummary>;
  /** GetLinkEvents: one page of one link's provenance events. */
  linkEvents(identity: string, lotId: string, query: domain.LinkEventsQuery): Promise<domain.LinkEventsPage>;
  /** The lot view (as readLot) of the lot an EPC in any spelling belongs to: GetLotByEpc, no provenance assembled. */
  lotByEpc(identity: string, epc: string): Promise<domain.LotView>;
  lotHistory(identity: string, lotId: string): Promise<domain.HistoryEntry[]>;
  listLots(identity: string, filter: domain.LotFilter): Promise<domain.LotPage>;
  /** PutOrganisationProfile: the signer's own organisation only (the chaincode refuses another). */
  putOrganisationProfile(identity: string, profile: domain.OrganisationProfileInput): Promise<Registered<domain.OrganisationView>>;
  getOrganisation(identity: string, mspId: string): Promise<domain.OrganisationView>;
  listOrganisations(identity: string): Promise<domain.OrganisationView[]>;
  /** RegisterFacility: operated by the signer's organisation; a GLN of another organisation is a conflict. */
  registerFacility(identity: string, facility: domain.FacilityInput): Promise<Registered<domain.FacilityRecord>>;
  getFacility(identity: string, gln: string): Promise<domain.FacilityRecord>;
  listFacilities(identity: string, filter: domain.FacilityFilter): Promise<domain.FacilityPage>;
  /** RegisterDevice: a device of the signer's organisation; a device id of another organisation is a conflict. */
  registerDevice(identity: string, device: domain.DeviceInput): Promise<Registered<domain.DeviceRecord>>;
  /** Committed chaincode events after `from` (or from the next commit). */
  streamEvents(identity: string, from?: StreamPosition): Promise<LedgerEventStream>;
  /** Resolves when a peer answers; throws LedgerUnavailableError otherwise. */
  ping(identity?: string): Promise<void>;
  close(): Promise<void>;
}
