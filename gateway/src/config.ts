/**
 * Gateway configuration: read from the environment once at start, validated with zod, typed.
 *
 * Every key is documented below and in gateway/README.md. `loadConfig()` throws a
 * {@link ConfigError} naming every bad key; nothing else in the gateway reads `process.env`.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { MAX_BATCH, SUBDIVISION_PATTERN } from '@acetrace/chaincode/domain';
import { z } from 'zod';

const intFromEnv = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER): z.ZodType<number> =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? def : typeof v === 'string' ? Number(v) : v),
    z.number().int().min(min).max(max),
  );

const boolFromEnv = (def: boolean): z.ZodType<boolean> =>
  z.preprocess((v) => {
    if (v === undefined || v === '') return def;
    if (typeof v === 'boolean') return v;
    if (typeof v !== 'string') return v;
    const s = v.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(s)) return true;
    if (['0', 'false', 'no', 'off'].includes(s)) return false;
    return v;
  }, z.boolean());

const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

/** Algorithms a JWKS (asymmetric) key may sign bearer tokens with. */
export const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
/** Algorithms a shared secret may sign bearer tokens with. */
export const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

/** A comma-separated allow-list drawn from `allowed`, at least one entry, no duplicates. */
const algorithmList = <T extends string>(allowed: readonly [T, ...T[]], def: string): z.ZodType<T[]> =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? def : v),
    z
      .string()
      .transform((s) => s.split(',').map((a) => a.trim()).filter((a) => a !== ''))
      .pipe(z.array(z.enum(allowed)).min(1).refine((a) => new Set(a).size === a.length, 'lists an algorithm twice')),
  );

/** True for the loopback interface: `localhost`, 127.0.0.0/8, `::1` (and its IPv4-mapped form). */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const h = host.replace(/^\[|\]$/g, '');
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./i.test(h);
  return false;
}

/** The environment keys the gateway reads, each with its meaning and default. */
const EnvSchema = z.object({
  /** HTTP port to listen on. `0` picks a free port (tests). Default 8080. */
  PORT: intFromEnv(8080, 0, 65535),
  /** Interface to bind. Default `127.0.0.1` (loopback); anything beyond loopback needs TLS (or the proxy opt-out). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** PEM certificate (chain) of the HTTPS listener; with the key, the gateway serves HTTPS, TLS 1.3 minimum. */
  ACETRACE_TLS_CERT_FILE: optionalString,
  /** PEM private key of the HTTPS listener. */
  ACETRACE_TLS_KEY_FILE: optionalString,
  /**
   * Listen on plain HTTP beyond loopback because a TLS-terminating proxy in front does TLS. Default false:
   * without TLS the gateway refuses to bind anything but loopback.
   */
  ACETRACE_PLAINTEXT_BEHIND_TLS_PROXY: boolFromEnv(false),
  /** Serve only this organisation's identities and principals (how production runs one gateway per organisation). */
  ACETRACE_ORG_MSP: optionalString,
  /** Directory for the gateway's state (principals, credentials, outbox). Default `./.acetrace`. */
  ACETRACE_DATA_DIR: z.string().min(1).default('./.acetrace'),
  /**
   * Path of the connection profile (JSON: channel, chaincode, peers with endpoint, TLS CA path,
   * host alias, MSP id; identities with cert and key paths). Default `<dataDir>/network/connection.json`,
   * which the embedded network writes; write the same file by hand for a real Fabric network.
   */
  ACETRACE_CONNECTION_PROFILE: optionalString,
  /**
   * The AES-256-GCM data keys sealing what the gateway writes to disk (outbox payloads, EPCIS capture jobs);
   * created with one key on first start (0600, folder 0700). Default `<dataDir>/gateway/data-key.json`.
   */
  ACETRACE_DATA_KEY_FILE: optionalString,
  /** JWKS URL for OAuth 2.0 bearer tokens (RS256/ES256...). Mutually usable with the secret. */
  ACETRACE_JWT_JWKS_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  /** Shared secret for HS256 bearer tokens (at least 32 characters). */
  ACETRACE_JWT_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32).optional()),
  /** Required `iss` of bearer tokens; required whenever bearer tokens are on. */
  ACETRACE_JWT_ISSUER: optionalString,
  /** Required `aud` of bearer tokens; required whenever bearer tokens are on. */
  ACETRACE_JWT_AUDIENCE: optionalString,
  /** Algorithms accepted from JWKS keys, comma-separated. Default `ES256,RS256,EdDSA`. */
  ACETRACE_JWT_ALGORITHMS: algorithmList(JWKS_ALGORITHMS, 'ES256,RS256,EdDSA'),
  /** Algorithms accepted with the shared secret, comma-separated. Default `HS256`. */
  ACETRACE_JWT_SECRET_ALGORITHMS: algorithmList(SECRET_ALGORITHMS, 'HS256'),
  /** Clock skew tolerated on `exp`/`nbf`/`iat`, seconds, 0..300. Default 30. */
  ACETRACE_JWT_CLOCK_TOLERANCE_S: intFromEnv(30, 0, 300),
  /** Token claim whose value names the principal (see principals.json). Default `sub`. */
  ACETRACE_JWT_PRINCIPAL_CLAIM: z.string().min(1).default('sub'),
  /** Largest accepted request body (bytes, or `100kb`/`1mb` style). Default `1mb`. */
  ACETRACE_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)?$/i, 'a size such as 1048576, 512kb or 1mb').default('1mb'),
  /** Rate-limit window in milliseconds. Default 60000. */
  ACETRACE_RATE_LIMIT_WINDOW_MS: intFromEnv(60_000, 1000),
  /** Requests allowed per principal per window. Default 1200. */
  ACETRACE_RATE_LIMIT_MAX: intFromEnv(1200, 1),
  /**
   * Unauthenticated requests (public endpoints, no or unknown credentials) allowed per client address per
   * window; checked before authentication. Default 600.
   */
  ACETRACE_RATE_LIMIT_ADDRESS_MAX: intFromEnv(600, 1),
  /** How long GET /readyz reuses one ledger ping's answer, ms (0 = every request pings). Default 1000. */
  ACETRACE_READY_CACHE_MS: intFromEnv(1000, 0, 60_000),
  /** GET /v1/stream: open connections per principal. Default 4. */
  ACETRACE_SSE_MAX_PER_PRINCIPAL: intFromEnv(4, 1, 10_000),
  /** GET /v1/stream: open connections in total. Default 256. */
  ACETRACE_SSE_MAX_TOTAL: intFromEnv(256, 1, 100_000),
  /** GET /v1/stream: a reader that takes nothing for this long while the gateway waits to write is disconnected, ms. Default 60000. */
  ACETRACE_SSE_STALL_TIMEOUT_MS: intFromEnv(60_000, 100, 3_600_000),
  /** Deadline of an evaluate (read) call, ms. Default 5000. */
  ACETRACE_DEADLINE_EVALUATE_MS: intFromEnv(5_000, 1),
  /** Deadline of an endorse call, ms. Default 15000. */
  ACETRACE_DEADLINE_ENDORSE_MS: intFromEnv(15_000, 1),
  /** Deadline of a submit (to ordering) call, ms. Default 5000. */
  ACETRACE_DEADLINE_SUBMIT_MS: intFromEnv(5_000, 1),
  /** Deadline of waiting for the commit status, ms. Default 60000. */
  ACETRACE_DEADLINE_COMMIT_STATUS_MS: intFromEnv(60_000, 1),
  /** Most attempts of one ledger call on transient failures (1 = no retry). Default 6. */
  ACETRACE_RETRY_MAX_ATTEMPTS: intFromEnv(6, 1, 100),
  /** Time budget across attempts, ms. Default 30000. */
  ACETRACE_RETRY_MAX_ELAPSED_MS: intFromEnv(30_000, 0),
  /** First back-off delay, ms (doubles per attempt, full jitter). Default 50. */
  ACETRACE_RETRY_BASE_DELAY_MS: intFromEnv(50, 0),
  /** Largest back-off delay, ms. Default 2000. */
  ACETRACE_RETRY_MAX_DELAY_MS: intFromEnv(2_000, 0),
  /** Longest a `POST /v1/events?wait=commit` waits before answering 202 with current states, ms. Default 30000. */
  ACETRACE_WAIT_COMMIT_TIMEOUT_MS: intFromEnv(30_000, 0),
  /** MiB of provenance and private-data answers kept until the next block commits; 0 keeps none. */
  ACETRACE_EVALUATION_CACHE_MIB: intFromEnv(64, 0, 4096),
  /** Outbox: most queued events before 429. Default 100000. */
  ACETRACE_QUEUE_MAX_DEPTH: intFromEnv(100_000, 1),
  /** Outbox: most events per RecordEvents transaction. Default and upper bound: the chaincode's MAX_BATCH (500). */
  ACETRACE_BATCH_MAX_EVENTS: intFromEnv(MAX_BATCH, 1, MAX_BATCH),
  /** Outbox: longest an event waits for its batch to fill, ms. Default 50. */
  ACETRACE_BATCH_MAX_WAIT_MS: intFromEnv(50, 0, 60_000),
  /**
   * Outbox: RecordEvents transactions in flight at once (of different devices/identities), 1..64. Default 8:
   * each batch waits for the orderer to cut its block and for the commit, so more in flight keeps the ledger busy.
   */
  ACETRACE_SUBMIT_CONCURRENCY: intFromEnv(8, 1, 64),
  /**
   * Outbox: failed attempts of a transaction while the ledger answers (neither committed nor refused: a chaincode
   * failure without a code, an unexpected commit code) before its events are split and a lone one given up as
   * `dead` (GET /v1/events/{id} says why). An unreachable ledger never counts. Default 10.
   */
  ACETRACE_OUTBOX_MAX_FAILURES: intFromEnv(10, 1, 1000),
  /** Outbox: how long a committed event is kept whole, ms; then only its idempotency record (id, hash, tx, block) stays. Default 7 days. */
  ACETRACE_OUTBOX_RETENTION_MS: intFromEnv(7 * 24 * 3600_000, 1000),
  /** POST /v1/readings: EPC → lot lookups on the ledger in flight at once (per process). Default 16. */
  ACETRACE_READINGS_LOOKUP_CONCURRENCY: intFromEnv(16, 1, 256),
  /** POST /v1/readings: repeats of one EPC at one reader inside this window (aligned to the epoch, by readTime) are suppressed, ms. Default 60000. */
  ACETRACE_READINGS_WINDOW_MS: intFromEnv(60_000, 1, 24 * 3600_000),
  /** POST /v1/readings: the reader table (JSON array of `{ readerId, link, location?, identity? }`, read again only when the file changes). Default `<dataDir>/gateway/readers.json`. */
  ACETRACE_READERS_FILE: optionalString,
  /** POST /v1/readings: largest body (up to 10,000 reads ≈ 1.5 MB). Default `4mb`. */
  ACETRACE_READINGS_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)?$/i, 'a size such as 4194304, 512kb or 4mb').default('4mb'),
  /** Screening: ISO 3166-2 subdivisions whose facilities are high risk, comma-separated. Default `CN-XJ`. */
  ACETRACE_HIGH_RISK_SUBDIVISIONS: z
    .string()
    .default('CN-XJ')
    .transform((s) => s.split(',').map((x) => x.trim().toUpperCase()).filter((x) => x !== ''))
    .refine((list) => list.every((x) => SUBDIVISION_PATTERN.test(x)), 'a comma-separated list of ISO 3166-2 codes such as CN-XJ'),
  /** PUT /v1/screening/lists/{name}: largest list body. Default `20mb`. */
  ACETRACE_SCREENING_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)?$/i, 'a size such as 20mb').default('20mb'),
  /** Serve GET /metrics without credentials (for a Prometheus scraper on a private network). Default false. */
  ACETRACE_METRICS_PUBLIC: boolFromEnv(false),
  /** How long `stop()` waits for in-flight requests before closing connections, ms. Default 10000. */
  ACETRACE_SHUTDOWN_GRACE_MS: intFromEnv(10_000, 0),
  /** pino log level. Default `info`. */
  ACETRACE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Express `trust proxy` (hops to trust), for rate limiting by client IP behind a proxy. Default 0. */
  ACETRACE_TRUST_PROXY: intFromEnv(0, 0, 10),
});

/** The validated, typed gateway configuration. */
export interface Config {
  http: {
    port: number;
    host: string;
    bodyLimit: string;
    trustProxy: number;
    shutdownGraceMs: number;
    /** PEM files of the HTTPS listener; absent = plain HTTP (loopback, or behind a TLS proxy). */
    tls?: { certFile: string; keyFile: string };
    /** Plain HTTP beyond loopback was explicitly allowed (a TLS-terminating proxy in front). */
    plaintextBehindTlsProxy: boolean;
  };
  dataDir: string;
  connectionProfile: string;
  /** Data at rest: the key file of the keyring that seals the outbox and the capture store. */
  atRest: { keyFile: string };
  /** Serve only this organisation's identities and principals; absent = every organisation of the profile. */
  orgMsp?: string;
  auth: {
    principalsFile: string;
    credentialsFile: string;
    jwt: {
      jwksUrl?: string;
      secret?: string;
      issuer?: string;
      audience?: string;
      principalClaim: string;
      /** Allowed `alg` of JWKS-verified tokens. */
      algorithms: string[];
      /** Allowed `alg` of secret-verified tokens. */
      secretAlgorithms: string[];
      clockToleranceS: number;
    };
  };
  /** `max` per principal; `addressMax` unauthenticated requests per client address; same window. */
  rateLimit: { windowMs: number; max: number; addressMax: number };
  readiness: { cacheMs: number };
  stream: { maxPerPrincipal: number; maxTotal: number; stallTimeoutMs: number };
  deadlines: { evaluateMs: number; endorseMs: number; submitMs: number; commitStatusMs: number };
  /** Bytes of read answers kept while the committed height stays the same (0: none). */
  evaluationCacheBytes: number;
  retry: { maxAttempts: number; maxElapsedMs: number; baseDelayMs: number; maxDelayMs: number };
  ingestion: {
    dbPath: string;
    maxDepth: number;
    batchMaxEvents: number;
    batchMaxWaitMs: number;
    /** RecordEvents transactions in flight at once. */
    submitConcurrency: number;
    waitCommitTimeoutMs: number;
    /** Failed attempts (ledger answering) before a lone event becomes `dead`. */
    maxFailures: number;
    /** How long committed rows are kept whole, ms. */
    retentionMs: number;
    /**
     * Bound of one outbox submission attempt, ms (derived, not a key): the Fabric adapter's worst case for
     * one RecordEvents – retries go on while under `retry.maxElapsedMs`, and the last attempt may then run
     * its endorse + submit + commit-status deadlines in full – plus 10 s of slack.
     */
    attemptTimeoutMs: number;
  };
  readings: { windowMs: number; readersFile: string; bodyLimit: string; lookupConcurrency: number };
  /** Screening lists (SQLite) and the high-risk subdivisions. */
  screening: { dbPath: string; highRiskSubdivisions: string[]; bodyLimit: string };
  metricsPublic: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** The default data key file: `data-key.json` beside the outbox (`<dataDir>/gateway/`). */
export function defaultKeyFile(outboxFile: string): string {
  return path.join(path.dirname(outboxFile), 'data-key.json');
}

/** Thrown by {@link loadConfig} when a key is invalid; `issues` names each key. */
export class ConfigError extends Error {
  readonly issues: Array<{ key: string; message: string }>;
  constructor(issues: Array<{ key: string; message: string }>) {
    super(`invalid gateway configuration: ${issues.map((i) => `${i.key}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Parses and validates the configuration.
 * @param env - the environment to read (default `process.env`).
 * @returns the typed configuration, paths resolved to absolute.
 * @throws {@link ConfigError} naming every invalid key.
 * @example `const config = loadConfig({ ...process.env, PORT: '0' });`
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ key: i.path.join('.'), message: i.message })));
  }
  const e = parsed.data;
  const crossIssues = crossKeyIssues(e);
  if (crossIssues.length > 0) throw new ConfigError(crossIssues);
  const dataDir = path.resolve(e.ACETRACE_DATA_DIR);
  const outboxFile = path.join(dataDir, 'gateway', 'outbox.sqlite');
  return {
    http: {
      port: e.PORT,
      host: e.HOST,
      bodyLimit: e.ACETRACE_BODY_LIMIT,
      trustProxy: e.ACETRACE_TRUST_PROXY,
      shutdownGraceMs: e.ACETRACE_SHUTDOWN_GRACE_MS,
      ...(e.ACETRACE_TLS_CERT_FILE !== undefined && e.ACETRACE_TLS_KEY_FILE !== undefined
        ? { tls: { certFile: path.resolve(e.ACETRACE_TLS_CERT_FILE), keyFile: path.resolve(e.ACETRACE_TLS_KEY_FILE) } }
        : {}),
      plaintextBehindTlsProxy: e.ACETRACE_PLAINTEXT_BEHIND_TLS_PROXY,
    },
    dataDir,
    connectionProfile: path.resolve(e.ACETRACE_CONNECTION_PROFILE ?? path.join(dataDir, 'network', 'connection.json')),
    ...(e.ACETRACE_ORG_MSP !== undefined ? { orgMsp: e.ACETRACE_ORG_MSP } : {}),
    atRest: { keyFile: path.resolve(e.ACETRACE_DATA_KEY_FILE ?? defaultKeyFile(outboxFile)) },
    auth: {
      principalsFile: path.join(dataDir, 'gateway', 'principals.json'),
      credentialsFile: path.join(dataDir, 'credentials.json'),
      jwt: {
        jwksUrl: e.ACETRACE_JWT_JWKS_URL,
        secret: e.ACETRACE_JWT_SECRET,
        issuer: e.ACETRACE_JWT_ISSUER,
        audience: e.ACETRACE_JWT_AUDIENCE,
        principalClaim: e.ACETRACE_JWT_PRINCIPAL_CLAIM,
        algorithms: e.ACETRACE_JWT_ALGORITHMS,
        secretAlgorithms: e.ACETRACE_JWT_SECRET_ALGORITHMS,
        clockToleranceS: e.ACETRACE_JWT_CLOCK_TOLERANCE_S,
      },
    },
    rateLimit: { windowMs: e.ACETRACE_RATE_LIMIT_WINDOW_MS, max: e.ACETRACE_RATE_LIMIT_MAX, addressMax: e.ACETRACE_RATE_LIMIT_ADDRESS_MAX },
    readiness: { cacheMs: e.ACETRACE_READY_CACHE_MS },
    stream: {
      maxPerPrincipal: e.ACETRACE_SSE_MAX_PER_PRINCIPAL,
      maxTotal: e.ACETRACE_SSE_MAX_TOTAL,
      stallTimeoutMs: e.ACETRACE_SSE_STALL_TIMEOUT_MS,
    },
    deadlines: {
      evaluateMs: e.ACETRACE_DEADLINE_EVALUATE_MS,
      endorseMs: e.ACETRACE_DEADLINE_ENDORSE_MS,
      submitMs: e.ACETRACE_DEADLINE_SUBMIT_MS,
      commitStatusMs: e.ACETRACE_DEADLINE_COMMIT_STATUS_MS,
    },
    evaluationCacheBytes: e.ACETRACE_EVALUATION_CACHE_MIB * 1024 * 1024,
    retry: {
      maxAttempts: e.ACETRACE_RETRY_MAX_ATTEMPTS,
      maxElapsedMs: e.ACETRACE_RETRY_MAX_ELAPSED_MS,
      baseDelayMs: e.ACETRACE_RETRY_BASE_DELAY_MS,
      maxDelayMs: e.ACETRACE_RETRY_MAX_DELAY_MS,
    },
    ingestion: {
      dbPath: outboxFile,
      maxDepth: e.ACETRACE_QUEUE_MAX_DEPTH,
      batchMaxEvents: e.ACETRACE_BATCH_MAX_EVENTS,
      batchMaxWaitMs: e.ACETRACE_BATCH_MAX_WAIT_MS,
      submitConcurrency: e.ACETRACE_SUBMIT_CONCURRENCY,
      waitCommitTimeoutMs: e.ACETRACE_WAIT_COMMIT_TIMEOUT_MS,
      maxFailures: e.ACETRACE_OUTBOX_MAX_FAILURES,
      retentionMs: e.ACETRACE_OUTBOX_RETENTION_MS,
      attemptTimeoutMs:
        e.ACETRACE_RETRY_MAX_ELAPSED_MS +
        e.ACETRACE_RETRY_MAX_DELAY_MS +
        e.ACETRACE_DEADLINE_ENDORSE_MS +
        e.ACETRACE_DEADLINE_SUBMIT_MS +
        e.ACETRACE_DEADLINE_COMMIT_STATUS_MS +
        10_000,
    },
    readings: {
      windowMs: e.ACETRACE_READINGS_WINDOW_MS,
      readersFile: path.resolve(e.ACETRACE_READERS_FILE ?? path.join(dataDir, 'gateway', 'readers.json')),
      bodyLimit: e.ACETRACE_READINGS_BODY_LIMIT,
      lookupConcurrency: e.ACETRACE_READINGS_LOOKUP_CONCURRENCY,
    },
    screening: {
      dbPath: path.join(dataDir, 'gateway', 'screening.sqlite'),
      highRiskSubdivisions: e.ACETRACE_HIGH_RISK_SUBDIVISIONS,
      bodyLimit: e.ACETRACE_SCREENING_BODY_LIMIT,
    },
    metricsPublic: e.ACETRACE_METRICS_PUBLIC,
    logLevel: e.ACETRACE_LOG_LEVEL,
  };
}

/**
 * The transport rule (api.md "Conventions"): plain HTTP only on loopback, unless a TLS-terminating
 * proxy is declared. Checked by {@link loadConfig} and again by startGateway (a config built by hand).
 * @returns the issue naming HOST, or undefined when the listener is acceptable.
 */
export function transportIssue(http: { host: string; tls: boolean; plaintextBehindTlsProxy: boolean }): { key: string; message: string } | undefined {
  if (http.tls || http.plaintextBehindTlsProxy || isLoopbackHost(http.host)) return undefined;
  return {
    key: 'HOST',
    message:
      `refusing to listen on ${http.host} (beyond loopback) without TLS: set ACETRACE_TLS_CERT_FILE and ACETRACE_TLS_KEY_FILE, ` +
      'bind 127.0.0.1, or set ACETRACE_PLAINTEXT_BEHIND_TLS_PROXY=true if a TLS-terminating proxy fronts the gateway',
  };
}

/**
 * Rules between keys, checked once each key is valid on its own: TLS files come in pairs; nothing but
 * loopback without TLS (unless a TLS proxy is declared); bearer tokens only with issuer and audience,
 * and their JWKS over HTTPS (plain HTTP only on loopback).
 */
function crossKeyIssues(e: z.infer<typeof EnvSchema>): Array<{ key: string; message: string }> {
  const issues: Array<{ key: string; message: string }> = [];
  const cert = e.ACETRACE_TLS_CERT_FILE;
  const key = e.ACETRACE_TLS_KEY_FILE;
  if (cert !== undefined && key === undefined) issues.push({ key: 'ACETRACE_TLS_KEY_FILE', message: 'required with ACETRACE_TLS_CERT_FILE' });
  if (key !== undefined && cert === undefined) issues.push({ key: 'ACETRACE_TLS_CERT_FILE', message: 'required with ACETRACE_TLS_KEY_FILE' });
  const transport = transportIssue({
    host: e.HOST,
    tls: cert !== undefined || key !== undefined,
    plaintextBehindTlsProxy: e.ACETRACE_PLAINTEXT_BEHIND_TLS_PROXY,
  });
  if (transport) issues.push(transport);
  issues.push(...bearerTokenIssues(e));
  return issues;
}

/** Bearer tokens need an issuer and an audience, and their JWKS over HTTPS (plain HTTP only on loopback). */
function bearerTokenIssues(e: z.infer<typeof EnvSchema>): Array<{ key: string; message: string }> {
  const issues: Array<{ key: string; message: string }> = [];
  if (e.ACETRACE_JWT_JWKS_URL !== undefined || e.ACETRACE_JWT_SECRET !== undefined) {
    if (e.ACETRACE_JWT_ISSUER === undefined) issues.push({ key: 'ACETRACE_JWT_ISSUER', message: 'required when bearer tokens are on (JWKS URL or secret set)' });
    if (e.ACETRACE_JWT_AUDIENCE === undefined) issues.push({ key: 'ACETRACE_JWT_AUDIENCE', message: 'required when bearer tokens are on (JWKS URL or secret set)' });
  }
  if (e.ACETRACE_JWT_JWKS_URL !== undefined) {
    const url = new URL(e.ACETRACE_JWT_JWKS_URL);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      issues.push({ key: 'ACETRACE_JWT_JWKS_URL', message: 'must be https (plain http only on loopback)' });
    }
  }
  return issues;
}
