/**
 * Retry policy for transient ledger failures: bounded in attempts and elapsed time,
 * exponential back-off with full jitter. Only errors marked `transient` are repeated;
 * contract errors (400/403/404/409) never are.
 *
 * Why repeating is safe: every write verb is idempotent in the chaincode (event ids and lot ids
 * are idempotency keys), and a repeat is a new proposal with a new transaction id.
 */
import type { LedgerError } from '../../errors';

export interface RetryPolicy {
  maxAttempts: number;
  maxElapsedMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Delay before attempt `attempt + 1` (attempt counts from 1): uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 20));
  return Math.floor(random() * cap);
}

/**
 * Runs `fn` until it succeeds, fails with a non-transient error, or the policy is spent.
 * @param onRetry - called before each repeat (for logs and metrics).
 * @returns fn's result.
 * @throws the last error (already mapped by `fn`).
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  onRetry?: (err: LedgerError, attempt: number, delayMs: number) => void,
): Promise<T> {
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
