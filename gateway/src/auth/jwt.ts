/**
 * OAuth 2.0 bearer tokens (JWT) checked with jose against a JWKS URL or a shared secret;
 * the configured claim (default `sub`) names the principal.
 *
 * Every token must carry `exp`, the configured `iss` and `aud`, and be signed with an algorithm of
 * the path's allow-list (JWKS: asymmetric only; secret: HMAC only), so a token can never choose
 * which key type checks it (`alg: none` and HS-with-a-public-key confusion are refused up front).
 */
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
import type { JWTVerifyGetKey, JWTPayload, JWTVerifyOptions } from 'jose' with { 'resolution-mode': 'import' };

export interface JwtSettings {
  jwksUrl?: string;
  secret?: string;
  /** Required `iss` (config.ts makes it mandatory whenever tokens are on). */
  issuer?: string;
  /** Required `aud` (config.ts makes it mandatory whenever tokens are on). */
  audience?: string;
  principalClaim: string;
  /** Allowed `alg` of JWKS-verified tokens. Default `ES256, RS256, EdDSA`. */
  algorithms?: readonly string[];
  /** Allowed `alg` of secret-verified tokens. Default `HS256`. */
  secretAlgorithms?: readonly string[];
  /** Clock skew tolerated on time claims, seconds. Default 30. */
  clockToleranceS?: number;
}

/** Verifies a token and returns the principal name from its claim; throws {@link JwtRefusedError} on any failure. */
export type JwtVerifier = (token: string) => Promise<string>;

/** A token refused; `reason` is for the log only (it may carry library text), never for the client. */
export class JwtRefusedError extends Error {
  readonly reason: string;
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'JwtRefusedError';
    this.reason = reason;
  }
}

type Jose = typeof JoseModule;

let josePromise: Promise<Jose> | undefined;
// jose 6 is an ES module; load it once through dynamic import from this CommonJS module.
const loadJose = (): Promise<Jose> => (josePromise ??= import('jose'));

/** Creates a verifier, or undefined when neither a JWKS URL nor a secret is configured. */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier | undefined {
  const { jwksUrl, secret } = settings;
  if (jwksUrl === undefined && secret === undefined) return undefined;
  const jwksAlgorithms = [...(settings.algorithms ?? ['ES256', 'RS256', 'EdDSA'])];
  const secretAlgorithms = [...(settings.secretAlgorithms ?? ['HS256'])];
  let remote: JWTVerifyGetKey | undefined;
  const secretKey = secret === undefined ? undefined : new TextEncoder().encode(secret);
  const common: JWTVerifyOptions = {
    requiredClaims: ['exp'],
    clockTolerance: settings.clockToleranceS ?? 30,
    ...(settings.issuer !== undefined ? { issuer: settings.issuer } : {}),
    ...(settings.audience !== undefined ? { audience: settings.audience } : {}),
  };
  return async (token: string): Promise<string> => {
    const jose = await loadJose();
    const alg = headerAlgorithm(jose, token);
    let payload: JWTPayload;
    try {
      if (secretKey !== undefined && typeof alg === 'string' && secretAlgorithms.includes(alg)) {
        ({ payload } = await jose.jwtVerify(token, secretKey, { ...common, algorithms: secretAlgorithms }));
      } else if (jwksUrl !== undefined && typeof alg === 'string' && jwksAlgorithms.includes(alg)) {
        remote ??= jose.createRemoteJWKSet(new URL(jwksUrl));
        ({ payload } = await jose.jwtVerify(token, remote, { ...common, algorithms: jwksAlgorithms }));
      } else {
        throw new JwtRefusedError(`token algorithm ${String(alg)} is not allowed`);
      }
    } catch (err) {
      throw asRefusal(err);
    }
    return principalIn(payload, settings.principalClaim);
  };
}

/** The `alg` of a token's protected header; refuses an unreadable header. */
function headerAlgorithm(jose: Jose, token: string): unknown {
  try {
    return jose.decodeProtectedHeader(token).alg;
  } catch (err) {
    throw new JwtRefusedError(`unreadable token header: ${(err as Error).message}`, { cause: err });
  }
}

/** A verification failure as a refusal, the library's error code (if any) leading the reason. */
function asRefusal(err: unknown): JwtRefusedError {
  if (err instanceof JwtRefusedError) return err;
  const code = (err as { code?: unknown }).code;
  return new JwtRefusedError(`${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}`, { cause: err });
}

/** The principal name in a verified token's claim; refuses a token without it. */
function principalIn(payload: JWTPayload, principalClaim: string): string {
  const claim = payload[principalClaim];
  if (typeof claim !== 'string' || claim.length === 0) throw new JwtRefusedError(`token has no ${principalClaim} claim`);
  return claim;
}
