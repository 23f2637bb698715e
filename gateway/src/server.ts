/**
 * startGateway: builds the real dependencies (Fabric ledger, durable outbox, principals),
 * listens, and returns a handle whose `stop()` drains in-flight requests before closing.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { loadOrCreateKeyring } from './at-rest/keyring';
import { createFabricBlocks, createFabricLedger, fabricConnections } from './adapters/fabric';
import { createApp } from './app';
import { createJwtVerifier } from './auth/jwt';
import { scopeLedgerToOrganisation } from './auth/org-scope';
import type { PrincipalStore } from './auth/principals';
import { ensureCredentials } from './bootstrap/credentials';
import { type Config, ConfigError, loadConfig, transportIssue } from './config';
import type { SseRegistry } from './http/routes/stream.routes';
import { captureStoreFile, openCaptureJobStore } from './epcis';
import { createEventQueue } from './ingestion';
import { createReadingsService } from './services/readings.service';
import { type Logger, createLogger } from './logger';
import { createMetrics } from './metrics';
import type { LedgerPort } from './ports/ledger';
import type { LedgerBlocksPort } from './ports/ledger-blocks';

export interface GatewayHandle {
  /** `http(s)://host:port` the gateway listens on (127.0.0.1 when bound to all interfaces). */
  url: string;
  /** The organisation this gateway serves alone (ACETRACE_ORG_MSP), or undefined for all of the profile's. */
  orgMsp: string | undefined;
  port: number;
  /** Where the first start wrote the API keys, if present. */
  credentialsFile: string | undefined;
  /** Stops accepting, drains in-flight requests (up to the grace period), closes streams, queue and ledger. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Use this logger (default: pino JSON to stdout at config.logLevel). */
  logger?: Logger;
  /** Use this ledger instead of the Fabric adapter (tests). */
  ledger?: LedgerPort;
  /** With `ledger`: the block source to use (default: none, so no proof routes and no block numbers). */
  blocks?: LedgerBlocksPort;
}

/**
 * Starts the gateway.
 * @param config - default `loadConfig()` (environment).
 * @throws ConfigError, ConnectionProfileError, or a listen error.
 * @example `const gw = await startGateway(loadConfig({ ...process.env, PORT: '0' })); ...; await gw.stop();`
 */
export async function startGateway(config: Config = loadConfig(), options: StartOptions = {}): Promise<GatewayHandle> {
  const transport = transportIssue({ host: config.http.host, tls: config.http.tls !== undefined, plaintextBehindTlsProxy: config.http.plaintextBehindTlsProxy });
  if (transport) throw new ConfigError([transport]);
  const tlsOptions = config.http.tls ? readTls(config.http.tls) : undefined;
  const logger = options.logger ?? createLogger(config.logLevel);
  // before any connection is made: a bad key file stops the start with a ConfigError
  const { keyring, created } = loadOrCreateKeyring(config.atRest.keyFile);
  if (created) {
    logger.warn(
      { keyFile: config.atRest.keyFile, keyId: keyring.currentKeyId },
      'data key created (mode 0600): it seals the outbox and capture jobs at rest; back it up apart from the data folder, without it they cannot be read',
    );
  }
  const metrics = createMetrics();
  const fullLedger =
    options.ledger ??
    createFabricLedger({
      profile: config.connectionProfile,
      deadlines: config.deadlines,
      retry: config.retry,
      evaluationCacheBytes: config.evaluationCacheBytes,
      logger,
      metrics,
    });
  const ledger = await scopedLedger(fullLedger, config.orgMsp);
  const blocks =
    options.ledger === undefined
      ? createFabricBlocks({ connectionOf: fabricConnections(fullLedger), retry: config.retry, logger, metrics })
      : options.blocks;
  const ensured = ensureCredentials({
    identities: ledger.identities(),
    principalsFile: config.auth.principalsFile,
    credentialsFile: config.auth.credentialsFile,
    logger,
  });
  const { credentialsFile } = ensured;
  const store = scopedPrincipals(ensured.store, config.orgMsp, logger);
  const queue = createEventQueue({
    dbPath: config.ingestion.dbPath,
    keyring,
    ledger,
    logger,
    registry: metrics.registry,
    maxDepth: config.ingestion.maxDepth,
    batchMaxEvents: config.ingestion.batchMaxEvents,
    batchMaxWaitMs: config.ingestion.batchMaxWaitMs,
    concurrency: config.ingestion.submitConcurrency,
    // above the adapter's worst case for one RecordEvents (config.ts derives it from the deadlines and retry budget)
    attemptTimeoutMs: config.ingestion.attemptTimeoutMs,
    maxFailures: config.ingestion.maxFailures,
    retentionMs: config.ingestion.retentionMs,
  });
  queue.start();
  // one per process: its suppression memory and EPC → lot cache are shared by all requests
  const readings = createReadingsService({
    ledger,
    queue,
    readersFile: config.readings.readersFile,
    windowMs: config.readings.windowMs,
    lookupConcurrency: config.readings.lookupConcurrency,
  });
  const sse: SseRegistry = new Set();
  const captures = openCaptureJobStore(captureStoreFile(config.ingestion.dbPath), keyring);
  const app = createApp({
    captures,
    config,
    ledger,
    blocks,
    queue,
    principals: store,
    verifyJwt: createJwtVerifier(config.auth.jwt),
    logger,
    metrics,
    sse,
    readings,
    webDir: path.resolve(__dirname, '..', 'web', 'dist'),
  });

  // TLS 1.3 minimum (api.md "Conventions"); plain HTTP only where transportIssue allowed it
  const server = tlsOptions ? https.createServer({ ...tlsOptions, minVersion: 'TLSv1.3' }, app) : http.createServer(app);
  server.keepAliveTimeout = 5_000;
  const address = await listenOn(server, config.http.port, config.http.host);
  const url = listeningUrl(config.http.host, address.port, tlsOptions !== undefined);
  logger.info({ url, tls: tlsOptions !== undefined, orgMsp: config.orgMsp, connectionProfile: config.connectionProfile, credentialsFile }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('gateway stopping: draining in-flight requests');
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      for (const s of [...sse]) s.close();
      server.closeIdleConnections();
      const grace = setTimeout(() => {
        server.closeAllConnections();
      }, config.http.shutdownGraceMs);
      await closed;
      clearTimeout(grace);
      await queue.stop();
      captures.close();
      await ledger.close();
      logger.info('gateway stopped');
    })());

  return { url, port: address.port, orgMsp: config.orgMsp, credentialsFile, stop };
}

/** The ledger as the gateway uses it: all of it, or one organisation's (the full ledger closed if scoping fails). */
async function scopedLedger(fullLedger: LedgerPort, orgMsp: string | undefined): Promise<LedgerPort> {
  try {
    return orgMsp === undefined ? fullLedger : scopeLedgerToOrganisation(fullLedger, orgMsp);
  } catch (err) {
    await fullLedger.close();
    throw err;
  }
}

/** The principals the gateway serves: all, or those of its one organisation (the others logged as ignored). */
function scopedPrincipals(all: PrincipalStore, orgMsp: string | undefined, logger: Logger): PrincipalStore {
  if (orgMsp === undefined) return all;
  const scoped = all.ofOrganisation(orgMsp);
  if (scoped.ignored.length > 0) {
    logger.warn({ orgMsp, ignored: scoped.ignored }, 'principals of other organisations ignored: this gateway serves one organisation');
  }
  logger.info({ orgMsp, principals: scoped.store.all().length }, 'serving one organisation');
  return scoped.store;
}

/** The URL a client reaches the listener at (a wildcard bind as loopback, an IPv6 host in brackets). */
function listeningUrl(bindHost: string, port: number, tls: boolean): string {
  const host = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${String(port)}`;
}

/** Reads the HTTPS listener's PEM files; an unreadable one is a ConfigError naming its key. */
function readTls(files: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (key: string, file: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new ConfigError([{ key, message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
    }
  };
  return { cert: read('ACETRACE_TLS_CERT_FILE', files.certFile), key: read('ACETRACE_TLS_KEY_FILE', files.keyFile) };
}

/** Starts `server` listening on `host:port` (0: a free port); rejects on a listen error such as EADDRINUSE. */
export async function listenOn(server: net.Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
