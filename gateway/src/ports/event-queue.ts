/**
 * Port of the durable ingestion queue: POST /v1/events hands events to it and answers 202
 * only once they are on disk; the submitter behind it brings them to the ledger exactly
 * once in effect (the event id is the idempotency key end to end).
 *
 * Implemented by `ingestion/` (SQLite outbox + background submitter).
 */
import type { ErrorCode, EventInput } from '@acetrace/chaincode';
import { type AppErrorOptions, ConflictError, fixedAppError, RetryLaterError } from '../errors';

export type { EventInput } from '@acetrace/chaincode';

/**
 * Where an event is: on disk, in a transaction on its way, on the ledger, refused by the chaincode, or given
 * up (`dead`: its transaction kept failing while the ledger answered, a bounded number of times).
 */
export type EventStatus = 'queued' | 'submitted' | 'committed' | 'rejected' | 'dead';

/**
 * A refusal as the queue stores it: the chaincode's code and sentence (errors.ts `Rejection`). `code` is
 * absent only for a refusal stored, before codes were stored apart, as a text that carried none.
 */
export interface StoredRejection {
  code?: ErrorCode;
  message: string;
}

/** The refusal as one text, `CODE: sentence` (the `reason` of GET /v1/events/{id}). */
export function rejectionText(rejection: StoredRejection): string {
  return rejection.code === undefined ? rejection.message : `${rejection.code}: ${rejection.message}`;
}

/** One event as the queue knows it. */
export interface QueuedEvent {
  eventId: string;
  lotId: string;
  /** Who posted it (API key / token subject). */
  principal: string;
  /** Fabric identity that signs its transaction (the recording organisation). */
  identity: string;
  status: EventStatus;
  /** Transaction that recorded it (for a repeat already on the ledger: the first record's). */
  txId?: string;
  blockNumber?: number;
  /** Why the chaincode refused it, when `rejected`. */
  rejection?: StoredRejection;
  /** Why the queue gave up on it, when `dead`: the last failure's error code and text. */
  failure?: { code: string; message: string };
  event: EventInput;
  /** ISO 8601, when the queue stored it. */
  queuedAt: string;
  /** ISO 8601, last status change. */
  updatedAt: string;
}

/** One EPC read at one reader in one suppression window (its start, ms since the epoch). */
export interface ReadingKey {
  readerId: string;
  epc: string;
  windowMs: number;
}

/** The durable ingestion queue. */
export interface EventQueue {
  /**
   * Durably stores the events (fsync) and answers only then. All-or-nothing per call.
   * Same id + same content (and identity) → returns the existing status (idempotent).
   * @throws {@link QueueFullError} (→ 429) when the queue is at its depth limit.
   * @throws {@link QueueStorageError} (→ 503) when the disk write fails; nothing is stored.
   * @throws {@link EventConflictError} (→ 409) when an id is already queued with different content.
   */
  enqueue(
    poster: { principal: string; identity: string },
    events: EventInput[],
  ): Promise<Array<{ eventId: string; status: EventStatus }>>;
  /** The event and its status, or undefined for an unknown id. */
  get(eventId: string): Promise<QueuedEvent | undefined>;
  /**
   * Block numbers of those of `eventIds` the queue saw committed, in one lookup (ids it does not know, or
   * that are not committed, are absent). For provenance answers, which name hundreds of events at once.
   */
  blockNumbers(eventIds: readonly string[]): Promise<Map<string, number>>;
  /** Resolves when every id is committed, rejected or dead, or at the timeout with their current state (unknown ids are left out). */
  waitFor(eventIds: string[], timeoutMs: number): Promise<QueuedEvent[]>;
  /** Events not yet committed or rejected, and the age of the oldest of them. */
  depth(): { queued: number; oldestAgeMs: number };
  /**
   * POST /v1/readings' suppression memory, kept with the events so it survives a restart: for each key, the
   * event that recorded that EPC at that reader in that window (keys seen before only, by index).
   */
  seenReadings(keys: readonly ReadingKey[]): Promise<Map<number, string>>;
  /** Remembers which event recorded each (reader, EPC, window) read. */
  rememberReadings(entries: ReadonlyArray<ReadingKey & { eventId: string }>): Promise<void>;
  /** Starts the background submitter. */
  start(): void;
  /** Stops submitting (in-flight attempts settle; unfinished events stay on disk for the next start) and closes the store. */
  stop(): Promise<void>;
}

/** 429: the queue holds `maxDepth` unfinished events; repeat after `retryAfterSeconds`. */
export class QueueFullError extends RetryLaterError {
  readonly code = 'QUEUE_FULL';
  readonly status = 429;
}

/** 503: the outbox could not store (or read) events; nothing of the call was stored. */
export class QueueStorageError extends fixedAppError('QUEUE_UNAVAILABLE', 503) {}

/** 409: the event id is already queued with different content (or by another identity). */
export class EventConflictError extends ConflictError {
  readonly eventId: string;
  constructor(eventId: string, message?: string, options?: AppErrorOptions) {
    super(message ?? `event ${eventId} was already posted with different content`, {
      ...options,
      metadata: { ...options?.metadata, eventId },
    });
    this.eventId = eventId;
  }
}
