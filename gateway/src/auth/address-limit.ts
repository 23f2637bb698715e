/**
 * Rate limit per client address, checked before authentication: unauthenticated requests (public
 * endpoints, the page, unknown routes, no or unknown credentials) count against their address, so a
 * flood of them is refused with 429 before any credential is looked at. Authenticated requests never
 * count here (they have their principal's budget), but an address over its budget is refused
 * everything until its window resets, since the check cannot know yet who is asking.
 */
import type { NextFunction, Request, Response } from 'express';
import { MemoryStore, type Options, ipKeyGenerator } from 'express-rate-limit';
import { TooManyRequestsError } from '../errors';

export interface AddressLimitOptions {
  windowMs: number;
  /** Unauthenticated requests allowed per address per window. */
  max: number;
}

/**
 * Creates the address limiter middleware (express-rate-limit's MemoryStore keeps the fixed windows;
 * its clean-up timer is unref'd, so nothing needs stopping).
 */
export function addressRateLimit(options: AddressLimitOptions): (req: Request, res: Response, next: NextFunction) => Promise<void> {
  const store = new MemoryStore();
  store.init({ windowMs: options.windowMs } as Options);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // an IPv6 client is keyed by its /56, as express-rate-limit advises, so it cannot rotate addresses
    const key = ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    const seen = await store.get(key);
    if (seen !== undefined && seen.totalHits >= options.max) {
      const resetAt = seen.resetTime?.getTime() ?? Date.now() + options.windowMs;
      const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      throw new TooManyRequestsError('too many unauthenticated requests from this address', retryAfter);
    }
    // counted once answered (or abandoned), when it is known whether it authenticated
    let counted = false;
    const count = (): void => {
      if (counted) return;
      counted = true;
      if (res.locals.principal === undefined) void store.increment(key);
    };
    res.once('finish', count);
    res.once('close', count);
    next();
  };
}
