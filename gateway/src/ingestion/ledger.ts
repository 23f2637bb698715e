/**
 * The one ledger verb the submitter needs, and how it tells a chaincode rejection (permanent:
 * the event is wrong or not allowed) from a transient failure (peer down, deadline, MVCC
 * conflict: try again).
 */
import { LedgerError } from '../errors';
import type { EventInput } from './event-input';

/** Result of one event of a RecordEvents transaction. */
export interface RecordedEventResult {
  eventId: string;
  /** `duplicate`: the id was already on the ledger; `event.txId` names the first record's transaction. */
  status: 'recorded' | 'duplicate';
  event: Record<string, unknown>;
}

/** The part of the ledger port the submitter calls. */
export interface EventLedger {
  /**
   * Submits one RecordEvents transaction signed by `identity` and waits for its commit.
   * @throws a chaincode rejection (message/code INVALID_ARGUMENT, ACCESS_DENIED, NOT_FOUND, CONFLICT) or a transient error.
   */
  recordEvents(
    identity: string,
    events: EventInput[],
  ): Promise<{ results: RecordedEventResult[]; txId: string; blockNumber?: number | bigint }>;
}

const PERMANENT_CODES: ReadonlySet<string> = new Set(['INVALID_ARGUMENT', 'ACCESS_DENIED', 'NOT_FOUND', 'CONFLICT']);
const CODE_PREFIX = /^(INVALID_ARGUMENT|ACCESS_DENIED|NOT_FOUND|CONFLICT): /;

/**
 * True when the chaincode refused the transaction for what it contains (repeating it cannot help);
 * false for anything that may pass on another attempt.
 */
export function isPermanentRejection(err: unknown): boolean {
  if (err instanceof LedgerError) return !err.transient && PERMANENT_CODES.has(err.code);
  if (err !== null && typeof err === 'object') {
    const e = err as { code?: unknown; transient?: unknown; message?: unknown };
    if (e.transient === true) return false;
    if (typeof e.code === 'string' && PERMANENT_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && CODE_PREFIX.test(e.message)) return true;
  }
  return false;
}

/** The chaincode's sentence for a rejection (code prefix included), for the event's `reason`. */
export function rejectionReason(err: unknown): string {
  if (err instanceof LedgerError) {
    if (err.chaincodeMessage) return err.chaincodeMessage;
    return CODE_PREFIX.test(err.message) ? err.message : `${err.code}: ${err.message}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
