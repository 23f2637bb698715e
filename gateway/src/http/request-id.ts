/**
 * Request id: taken from a well-formed incoming X-Request-Id or generated; echoed on every response.
 * The request context also records `Cache-Control: no-cache` (a browser's hard reload sends it): the
 * ledger's kept answers are then not used for this request.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '../logger';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.get('x-request-id');
  const requestId = incoming !== undefined && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = requestId;
  res.setHeader('X-Request-Id', requestId);
  const fresh = /(^|,)\s*no-cache\s*(,|$)/i.test(req.get('cache-control') ?? '');
  requestContext.run(fresh ? { requestId, fresh } : { requestId }, () => {
    next();
  });
}
