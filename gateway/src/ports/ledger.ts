/**
 * The ledger port: the domain verbs the gateway's use cases need, independent of Fabric.
 * Implemented by adapters/fabric/fabric-ledger.ts. Every verb acts as a named Fabric identity
 * (from the connection profile); the chaincode decides what that identity may do.
 * Failures are the typed `LedgerError`s of ../errors.ts.
 */
import type { LotInput } from '../schemas';
import type { EventInput } from './event-queue';

/** Outcome of RegisterLot. */
export interface RegisterLotResult {
  lot: LotRecordLike;
  created: boolean;
  txId: string;
  blockNumber?: number;
}

/** A lot record as the chaincode returns it (api.md field names; more fields pass through). */
export type LotRecordLike = Record<string, unknown> & { lotId: string };

/** One recorded event, in input order. */
export interface RecordedEvent {
  eventId: string;
  status: 'recorded' | 'duplicate';
  event: Record<string, unknown>;
}

/** Outcome of one RecordEvents/RecordCorrection transaction. */
export interface RecordEventsResult {
  results: RecordedEvent[];
  txId: string;
  blockNumber: number;
}

/** Filter of ListLots. */
export interface LotFilter {
  ownerMsp?: string;
  htsCode?: string;
  originCountry?: string;
  link?: number;
  pageSize?: number;
  bookmark?: string;
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
  registerLot(identity: string, lot: LotInput): Promise<RegisterLotResult>;
  recordEvents(identity: string, events: EventInput[]): Promise<RecordEventsResult>;
  recordCorrection(identity: string, correction: EventInput): Promise<RecordEventsResult>;
  readLot(identity: string, lotId: string): Promise<Record<string, unknown>>;
  getEvent(identity: string, eventId: string): Promise<Record<string, unknown>>;
  provenance(identity: string, lotId: string): Promise<Record<string, unknown>>;
  provenanceByEpc(identity: string, epc: string): Promise<Record<string, unknown>>;
  /** The lot view (as readLot) of the lot an EPC in any spelling belongs to: GetLotByEpc, no provenance assembled. */
  lotByEpc(identity: string, epc: string): Promise<Record<string, unknown>>;
  lotHistory(identity: string, lotId: string): Promise<unknown[]>;
  listLots(identity: string, filter: LotFilter): Promise<{ lots: Array<Record<string, unknown>>; bookmark: string }>;
  /** Committed chaincode events after `from` (or from the next commit). */
  streamEvents(identity: string, from?: StreamPosition): Promise<LedgerEventStream>;
  /** Resolves when a peer answers; throws LedgerUnavailableError otherwise. */
  ping(identity?: string): Promise<void>;
  close(): Promise<void>;
}
