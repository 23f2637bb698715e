/**
 * The one ledger verb the submitter needs, and how it tells a refusal (permanent: the event is wrong
 * or not allowed) from everything else (peer down, deadline, MVCC conflict: try again). The Fabric
 * adapter classified the failure already; this reads only its type.
 */
import { LedgerRejectionError, type Rejection } from '../errors';
import type { LedgerPort } from '../ports/ledger';

export type { RecordedEvent as RecordedEventResult } from '../ports/ledger';

/**
 * The part of the ledger port the submitter calls: one RecordEvents (or, for a correction, RecordCorrection)
 * transaction signed by `identity`, one attempt (the submitter owns retries). Failures are the adapter's typed errors.
 */
export type EventLedger = Pick<LedgerPort, 'recordEvents' | 'recordCorrection'>;

/**
 * True when the ledger refused the transaction for what it contains (repeating it cannot help);
 * false for anything that may pass on another attempt.
 */
export function isPermanentRejection(err: unknown): boolean {
  return err instanceof LedgerRejectionError;
}

/** The refusal `{code, message}` to store for a rejected event, or undefined when `err` is no refusal. */
export function rejectionOf(err: unknown): Rejection | undefined {
  return err instanceof LedgerRejectionError ? err.rejection : undefined;
}
