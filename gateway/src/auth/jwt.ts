/**
 * OAuth 2.0 bearer tokens (JWT) checked with jose against a JWKS URL or a shared secret;
 * the configured claim (default `sub`) names the principal.
 */
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
import type { JWTVerifyGetKey, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };

export interface JwtSettings {
  jwksUrl?: string;
  secret?: string;
  issuer?: string;
  audience?: string;
  principalClaim: string;
}

/** Verifies a token and returns the principal name from its claim; throws on any failure. */
export type JwtVerifier = (token: string) => Promise<string>;

type Jose = typeof JoseModule;

let josePromise: Promise<Jose> | undefined;
// jose 6 is an ES module; load it once through dynamic import from this CommonJS module.
const loadJose = (): Promise<Jose> => (josePromise ??= import('jose'));

/** Creates a verifier, or undefined when neither a JWKS URL nor a secret is configured. */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier | undefined {
  const { jwksUrl, secret } = settings;
  if (jwksUrl === undefined && secret === undefined) return undefined;
  let remote: JWTVerifyGetKey | undefined;
  const secretKey = secret === undefined ? undefined : new TextEncoder().encode(secret);
  return async (token: string): Promise<string> => {
    const jose = await loadJose();
    const options = {
      ...(settings.issuer ? { issuer: settings.issuer } : {}),
      ...(settings.audience ? { audience: settings.audience } : {}),
    };
    let payload: JWTPayload;
    const header = jose.decodeProtectedHeader(token);
    if (secretKey !== undefined && typeof header.alg === 'string' && header.alg.startsWith('HS')) {
      ({ payload } = await jose.jwtVerify(token, secretKey, { ...options, algorithms: ['HS256', 'HS384', 'HS512'] }));
    } else if (jwksUrl !== undefined) {
      remote ??= jose.createRemoteJWKSet(new URL(jwksUrl));
      ({ payload } = await jose.jwtVerify(token, remote, options));
    } else {
      throw new Error(`unsupported token algorithm ${String(header.alg)}`);
    }
    const claim = payload[settings.principalClaim];
    if (typeof claim !== 'string' || claim.length === 0) throw new Error(`token has no ${settings.principalClaim} claim`);
    return claim;
  };
}
