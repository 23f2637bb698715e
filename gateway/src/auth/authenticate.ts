/**
 * Authentication: `X-API-Key: <key>` or `Authorization: Bearer <JWT>`. Unknown or missing
 * credentials are 401. The principal found decides the Fabric identity the gateway signs with.
 */
import type { NextFunction, Request, Response } from 'express';
import { AccessDeniedError, UnauthenticatedError } from '../errors';
import { type Logger, requestContext } from '../logger';
import type { JwtVerifier } from './jwt';
import type { Principal, PrincipalStore } from './principals';

export type { Principal } from './principals';

/** Roles treated as operators (GET /metrics, GET /v1/stream). */
export const OPERATOR_ROLES: ReadonlySet<string> = new Set(['compliance', 'admin']);

/** The one sentence every refused bearer token gets; why it was refused goes to the log only. */
export const INVALID_BEARER_TOKEN = 'the bearer token is not valid for this gateway';

/**
 * Finds the principal of a request, or throws UnauthenticatedError. A refused token's reason (which
 * may be a JWT library's text) is the error's `cause`, never its message.
 */
export async function authenticate(req: Request, store: PrincipalStore, verifyJwt: JwtVerifier | undefined): Promise<Principal> {
  const apiKey = req.get('x-api-key');
  if (apiKey !== undefined) {
    const p = store.byApiKey(apiKey.trim());
    if (!p) throw new UnauthenticatedError('unknown API key');
    return p;
  }
  const authz = req.get('authorization');
  if (authz !== undefined) {
    const m = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(authz.trim());
    if (!m) throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
    const token = m[1] as string;
    if (!verifyJwt) throw new UnauthenticatedError('bearer tokens are not configured on this gateway');
    let name: string;
    try {
      name = await verifyJwt(token);
    } catch (err) {
      throw new UnauthenticatedError(INVALID_BEARER_TOKEN, { cause: err });
    }
    const p = store.byName(name);
    if (!p) throw new UnauthenticatedError(INVALID_BEARER_TOKEN, { cause: new Error(`the token names ${name}, no principal of this gateway`) });
    return p;
  }
  throw new UnauthenticatedError('credentials required: X-API-Key or Authorization: Bearer');
}

/**
 * Express middleware: authenticates and stores the principal in `res.locals.principal`.
 * A refusal's reason (the `cause`) is logged here, since the answer carries only a generic sentence.
 */
export function authMiddleware(store: PrincipalStore, verifyJwt: JwtVerifier | undefined, logger?: Logger) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    let principal: Principal;
    try {
      principal = await authenticate(req, store, verifyJwt);
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (cause !== undefined) logger?.info({ reason: cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : 'unknown' }, 'credentials refused');
      throw err;
    }
    res.locals.principal = principal;
    const ctx = requestContext.getStore();
    if (ctx) ctx.principal = principal.name;
    next();
  };
}

/** The authenticated principal of this request (set by authMiddleware). */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new UnauthenticatedError('credentials required');
  return p;
}

/** Gateway-side role gate: throws 403 unless the principal has one of `roles`. */
export function requireRole(principal: Principal, roles: ReadonlySet<string>, what: string): void {
  if (!roles.has(principal.role)) {
    throw new AccessDeniedError(`role ${principal.role} may not ${what}`);
  }
}
