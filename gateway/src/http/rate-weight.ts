/**
 * POST /v1/readings carries up to 10,000 reads; each counts toward the principal's rate limit, not just
 * the request (api.md: rate-limited per principal). The limiter counted the request once; this adds the
 * other reads to the same store and key, and refuses with 429 once the window's budget is spent.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Store } from 'express-rate-limit';
import { TooManyRequestsError } from '../errors';

/**
 * Middleware counting `reads.length - 1` more hits against `key(req, res)` in `store` (after the body is parsed).
 * @param limit - the limiter's budget per window.
 */
export function countEachRead(store: Store, limit: number, key: (req: Request, res: Response) => string) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const reads = (req.body as { reads?: unknown } | undefined)?.reads;
    const extra = Array.isArray(reads) ? Math.max(0, reads.length - 1) : 0;
    if (extra === 0) {
      next();
      return;
    }
    const k = key(req, res);
    let last: { totalHits: number; resetTime: Date | undefined } | undefined;
    // stop counting once over budget: the request is refused anyway
    for (let i = 0; i < extra && (last === undefined || last.totalHits <= limit); i++) last = await store.increment(k);
    if (last !== undefined && last.totalHits > limit) {
      next(new TooManyRequestsError(`rate limit exceeded for this principal: each of the ${String(reads instanceof Array ? reads.length : 0)} reads counts`, retryAfterSeconds(last.resetTime)));
      return;
    }
    next();
  };
}

/** Whole seconds until the window resets (at least 1; 1 when the store does not say). */
function retryAfterSeconds(reset: Date | undefined): number {
  return reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 1;
}
