/**
 * Authentication: `X-API-Key: <key>` or `Authorization: Bearer <JWT>`. Unknown or missing
 * credentials are 401. The principal found decides the Fabric identity the gateway signs with.
 */
import type { NextFunction, Request, Response } from 'express';
import { AccessDeniedError, UnauthenticatedError } from '../errors';
import { requestContext } from '../logger';
import type { JwtVerifier } from './jwt';
import type { Principal, PrincipalStore } from './principals';

export type { Principal } from './principals';

/** Roles treated as operators (GET /metrics, GET /v1/stream). */
export const OPERATOR_ROLES: ReadonlySet<string> = new Set(['compliance', 'admin']);

/** Finds the principal of a request, or throws UnauthenticatedError. */
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
      throw new UnauthenticatedError(`invalid bearer token: ${(err as Error).message}`, { cause: err });
    }
    const p = store.byName(name);
    if (!p) throw new UnauthenticatedError(`the token's principal ${name} is not known to this gateway`);
    return p;
  }
  throw new UnauthenticatedError('credentials required: X-API-Key or Authorization: Bearer');
}

/** Express middleware: authenticates and stores the principal in `res.locals.principal`. */
export function authMiddleware(store: PrincipalStore, verifyJwt: JwtVerifier | undefined) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const principal = await authenticate(req, store, verifyJwt);
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
