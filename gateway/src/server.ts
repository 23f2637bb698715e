/**
 * startGateway: builds the real dependencies (Fabric ledger, durable outbox, principals),
 * listens, and returns a handle whose `stop()` drains in-flight requests before closing.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createFabricLedger } from './adapters/fabric';
import { createApp } from './app';
import { createJwtVerifier } from './auth/jwt';
import { ensureCredentials } from './bootstrap/credentials';
import { type Config, loadConfig } from './config';
import type { SseRegistry } from './http/routes/stream.routes';
import { captureStoreFile, openCaptureJobStore } from './epcis';
import { createEventQueue } from './ingestion';
import { createReadingsService } from './services/readings.service';
import { type Logger, createLogger } from './logger';
import { createMetrics } from './metrics';
import type { LedgerPort } from './ports/ledger';

export interface GatewayHandle {
  /** `http://host:port` the gateway listens on (127.0.0.1 when bound to all interfaces). */
  url: string;
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
}

/**
 * Starts the gateway.
 * @param config - default `loadConfig()` (environment).
 * @throws ConfigError, ConnectionProfileError, or a listen error.
 * @example `const gw = await startGateway(loadConfig({ ...process.env, PORT: '0' })); ...; await gw.stop();`
 */
export async function startGateway(config: Config = loadConfig(), options: StartOptions = {}): Promise<GatewayHandle> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const ledger =
    options.ledger ??
    createFabricLedger({ profile: config.connectionProfile, deadlines: config.deadlines, retry: config.retry, logger, metrics });
  const { store, credentialsFile } = ensureCredentials({
    identities: ledger.identities(),
    principalsFile: config.auth.principalsFile,
    credentialsFile: config.auth.credentialsFile,
    logger,
  });
  const queue = createEventQueue({
    dbPath: config.ingestion.dbPath,
    ledger,
    logger,
    registry: metrics.registry,
    maxDepth: config.ingestion.maxDepth,
    batchMaxEvents: config.ingestion.batchMaxEvents,
    batchMaxWaitMs: config.ingestion.batchMaxWaitMs,
    concurrency: config.ingestion.submitConcurrency,
    // above the adapter's worst case for one RecordEvents (config.ts derives it from the deadlines and retry budget)
    attemptTimeoutMs: config.ingestion.attemptTimeoutMs,
  });
  queue.start();
  // one per process: its suppression memory and EPC → lot cache are shared by all requests
  const readings = createReadingsService({
    ledger,
    queue,
    readersFile: config.readings.readersFile,
    windowMs: config.readings.windowMs,
  });
  const sse: SseRegistry = new Set();
  const captures = openCaptureJobStore(captureStoreFile(config.ingestion.dbPath));
  const app = createApp({
    captures,
    config,
    ledger,
    queue,
    principals: store,
    verifyJwt: createJwtVerifier(config.auth.jwt),
    logger,
    metrics,
    sse,
    readings,
    webDir: path.resolve(__dirname, '..', 'web', 'dist'),
  });

  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  logger.info({ url, connectionProfile: config.connectionProfile, credentialsFile }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('gateway stopping: draining in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of [...sse]) s.close();
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), config.http.shutdownGraceMs);
      await closed;
      clearTimeout(grace);
      await queue.stop();
      captures.close();
      await ledger.close();
      logger.info('gateway stopped');
    })());

  return { url, port: address.port, credentialsFile, stop };
}
