/**
 * Retries of synchronous ledger calls: the adapter is their one owner. Bounded in attempts and
 * elapsed time, exponential back-off with full jitter; only errors the mapper marked `transient`
 * are repeated.
 *
 * The rule for a submit (RegisterLot), by where it failed:
 * - Endorse unavailable / past its deadline: endorse the same proposal again (same transaction id;
 *   nothing was ordered yet).
 * - Submit or CommitStatus unavailable / past its deadline: the transaction may have reached the
 *   orderer, so never endorse a new one; submit the same signed transaction again (the ledger keeps
 *   the first copy of a transaction id) and ask for the commit status of that same id. A commit whose
 *   status was lost is thus recognised as our own: its result (e.g. `created: true`) is the answer.
 * - CommitError MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT: the transaction is final and invalid;
 *   only now a new proposal, with a new transaction id and a fresh read set.
 * - A chaincode (endorsement) rejection, or any other final error: no retry.
 *
 * Evaluations (reads) are repeated as they are. RecordEvents and RecordCorrection are not retried here at
 * all: the outbox's submitter owns their retries (the event ids make a resubmission a no-op), so no path retries twice.
 */
import { CommitError } from '@hyperledger/fabric-gateway';
import { LedgerCommitError, type LedgerError } from '../../errors';
import { mapFabricError } from './error-mapping';

export interface RetryPolicy {
  maxAttempts: number;
  maxElapsedMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Called before each repeat (for logs and metrics). */
export type OnRetry = (err: LedgerError, attempt: number, delayMs: number) => void;

/** Delay before attempt `attempt + 1` (attempt counts from 1): uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 20));
  return Math.floor(random() * cap);
}

/**
 * Runs `fn` until it succeeds, fails with a non-transient error, or the policy is spent.
 * @param fn - one attempt; throws mapped `LedgerError`s.
 * @returns fn's result.
 * @throws the last error (already mapped by `fn`).
 */
export async function withRetry<T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>, onRetry?: OnRetry): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const e = err as LedgerError;
      if (!e.transient || attempt >= policy.maxAttempts) throw err;
      const delay = backoffDelay(policy, attempt);
      if (Date.now() - started + delay > policy.maxElapsedMs) throw err;
      onRetry?.(e, attempt, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** The commit status fabric-gateway reports (`Status`). */
export interface CommitStatusLike {
  successful: boolean;
  code: number;
  blockNumber: bigint;
}

/** The part of fabric-gateway's `Contract` (proposal → transaction → submitted) the submit rule drives. */
/** What a proposal carries besides its arguments: private data (transient map) and the organisations to endorse it. */
export interface ProposalExtras {
  transientData?: Record<string, Uint8Array>;
  endorsingOrganizations?: string[];
}

export interface SubmitContract {
  newProposal(transaction: string, options: { arguments: string[] } & ProposalExtras): {
    getTransactionId(): string;
    endorse(): Promise<{
      submit(): Promise<{ getResult(): Uint8Array; getStatus(): Promise<CommitStatusLike> }>;
    }>;
  };
}

/** A committed transaction: the chaincode's result bytes, its id and block. */
export interface Committed {
  result: Uint8Array;
  txId: string;
  blockNumber: number;
}

/**
 * Endorses, submits and awaits the commit of one transaction, retrying by the rule above.
 * `policy.maxAttempts = 1` makes exactly one attempt (RecordEvents: the outbox retries).
 * @throws the mapped `LedgerError` of the last failure.
 */
export async function submitTransaction(
  contract: SubmitContract,
  transaction: string,
  args: string[],
  policy: RetryPolicy,
  onRetry?: OnRetry,
  extras: ProposalExtras = {},
): Promise<Committed> {
  type Proposal = ReturnType<SubmitContract['newProposal']>;
  type Endorsed = Awaited<ReturnType<Proposal['endorse']>>;
  type Submitted = Awaited<ReturnType<Endorsed['submit']>>;
  let proposal: Proposal | undefined;
  let endorsed: Endorsed | undefined;
  let submitted: Submitted | undefined;
  return withRetry(
    policy,
    async () => {
      // one proposal (one salt per private record, one transaction id) until a commit conflict needs a new one
      proposal ??= contract.newProposal(transaction, { arguments: args, ...extras });
      const txId = proposal.getTransactionId();
      try {
        endorsed ??= await proposal.endorse();
        submitted ??= await endorsed.submit();
        const status = await submitted.getStatus();
        if (!status.successful) {
          throw new CommitError({
            code: status.code as CommitError['code'],
            transactionId: txId,
            message: `Transaction ${txId} failed to commit with status code ${String(status.code)}`,
          });
        }
        return { result: submitted.getResult(), txId, blockNumber: Number(status.blockNumber) };
      } catch (err) {
        const mapped = mapFabricError(err, transaction, txId);
        // a committed-invalid transaction is final: only a new one (new id, new read set) may pass
        if (mapped instanceof LedgerCommitError && mapped.transient) proposal = endorsed = submitted = undefined;
        throw mapped;
      }
    },
    onRetry,
  );
}
