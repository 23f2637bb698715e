/**
 * createApp: the Express 5 application over its ports. No I/O at construction; `server.ts`
 * builds the real dependencies, tests may pass their own.
 */
import * as fs from 'node:fs';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { MemoryStore, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { addressRateLimit } from './auth/address-limit';
import { OPERATOR_ROLES, authMiddleware, principalOf, requireRole } from './auth/authenticate';
import type { JwtVerifier } from './auth/jwt';
import type { PrincipalStore } from './auth/principals';
import { type Keyring, loadOrCreateKeyring } from './at-rest/keyring';
import { type Config, defaultKeyFile } from './config';
import { type CaptureJobStore, captureStoreFile, createEpcisRouter, epcisBodyParser, openCaptureJobStore } from './epcis';
import { NotFoundError, TooManyRequestsError } from './errors';
import { errorMiddleware, problem, sendProblem } from './http/problem';
import { countEachRead } from './http/rate-weight';
import { requestIdMiddleware } from './http/request-id';
import { DossierService } from './dossier/dossier.service';
import { epcisPart, proofPart } from './dossier/parts';
import { EpcisService } from './epcis/service';
import type { DossierPart } from './dossier/zip';
import { devicesRouter } from './http/routes/devices.routes';
import { dossierRouter, screeningRouter } from './http/routes/dossier.routes';
import { eventsRouter } from './http/routes/events.routes';
import { facilitiesRouter } from './http/routes/facilities.routes';
import { lotsRouter } from './http/routes/lots.routes';
import { organisationsRouter } from './http/routes/organisations.routes';
import { provenanceRouter } from './http/routes/provenance.routes';
import { provenanceViewsRouter } from './http/routes/provenance-views.routes';
import { readingsRouter } from './http/routes/readings.routes';
import { type SseRegistry, streamRouter } from './http/routes/stream.routes';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import type { EventQueue } from './ports/event-queue';
import type { LedgerPort } from './ports/ledger';
import type { LedgerBlocksPort } from './ports/ledger-blocks';
import { CachedLedgerBlocks } from './proofs/cached-blocks';
import { ProofService } from './proofs/proof.service';
import { proofsRouter } from './http/routes/proofs.routes';
import { DevicesService } from './services/devices.service';
import { EventsService } from './services/events.service';
import { FacilitiesService } from './services/facilities.service';
import { LotsService } from './services/lots.service';
import { OrganisationsService } from './services/organisations.service';
import { ProvenanceService } from './services/provenance.service';
import { ProvenanceViewsService } from './services/provenance-views.service';
import { type ReadingsService, createReadingsService } from './services/readings.service';
import { StreamService } from './services/stream.service';
import { ScreeningService } from './screening/screening.service';
import { ScreeningListStore } from './screening/store';

export interface AppDeps {
  config: Pick<Config, 'http' | 'rateLimit' | 'metricsPublic' | 'ingestion'> & Partial<Pick<Config, 'readings' | 'readiness' | 'stream' | 'screening' | 'atRest'>>;
  ledger: LedgerPort;
  /** The ledger's blocks (qscc): block numbers in answers, the proof routes, the dossier's ledger height. Without it none is served. */
  blocks?: LedgerBlocksPort;
  /** The screening lists; built from `config.screening` (else in memory) when absent. */
  screening?: ScreeningService;
  /** Files other modules add to the dossier ZIP (besides the built-in epcis.jsonld and proof.json). */
  dossierParts?: DossierPart[];
  queue: EventQueue;
  principals: PrincipalStore;
  verifyJwt?: JwtVerifier;
  logger: Logger;
  metrics: Metrics;
  /** Open SSE connections (so shutdown can end them); created when absent. */
  sse?: SseRegistry;
  /** Folder of the built auditor page, served at `/` when it exists. */
  webDir?: string;
  /**
   * The process's readings service (POST /v1/readings); built from `config.readings` when absent.
   * Without either, the route is not served.
   */
  readings?: ReadingsService;
  /** Capture jobs of POST /epcis/capture; opened beside the outbox when absent, sealed with `keyring`. */
  captures?: CaptureJobStore;
  /** Seals the capture jobs opened here; the key file of `config.atRest` (default beside the outbox) when absent. */
  keyring?: Keyring;
  /** How long /readyz waits for the ledger, ms. Default 3000. */
  readyTimeoutMs?: number;
}

/** Observes request latency by route template and status, and writes one access-log line. */
function observe(metrics: Metrics, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = res.locals.requestId as string | undefined;
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? routePath : res.statusCode === 404 ? 'unmatched' : req.path.startsWith('/v1') ? 'v1-unrouted' : req.path;
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const principal = (res.locals.principal as { name?: string } | undefined)?.name;
      logger.info(
        { requestId, principal, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1e5) / 100 },
        'request',
      );
    });
    next();
  };
}

/** The keyring of the configured key file, or of the default one beside the outbox (a hand-built config). */
function appKeyring(config: AppDeps['config']): Keyring {
  return loadOrCreateKeyring(config.atRest?.keyFile ?? defaultKeyFile(config.ingestion.dbPath)).keyring;
}

/** A screening list upload: its body is CSV or JSON lines, not JSON. */
const isListUpload = (req: Request): boolean => req.method === 'PUT' && req.path.startsWith('/screening/lists/');

/** 415 unless a body-carrying request is JSON. */
function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (isListUpload(req)) {
    next();
    return;
  }
  if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
    if (!req.is(['application/json', 'application/*+json'])) {
      sendProblem(
        res,
        problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', {
          errors: [{ path: 'headers.content-type', message: 'must be application/json' }],
        }),
      );
      return;
    }
  }
  next();
}

/**
 * /readyz's ledger check: one ping answers every caller for `cacheMs` (callers during a ping share
 * it), so a flood of probes costs at most one signed ledger call per period. A failure's reason is
 * logged once per ping, never answered.
 */
function readinessProbe(ping: () => Promise<void>, cacheMs: number, logger: Logger): () => Promise<boolean> {
  let last: { ready: boolean; at: number } | undefined;
  let inFlight: Promise<boolean> | undefined;
  return () => {
    if (last !== undefined && Date.now() - last.at < cacheMs) return Promise.resolve(last.ready);
    inFlight ??= ping().then(
      () => true,
      (err: unknown) => {
        logger.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'not ready: the ledger does not answer');
        return false;
      },
    ).then((ready) => {
      last = { ready, at: Date.now() };
      inFlight = undefined;
      return ready;
    });
    return inFlight;
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${String(ms)} ms`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** GET /metrics: public, or for operators only behind authentication and the rate limit. */
function mountMetrics(app: Express, isPublic: boolean, metrics: Metrics, guards: RequestHandler[]): void {
  if (isPublic) {
    app.get('/metrics', async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  } else {
    app.get('/metrics', ...guards, async (_req, res) => {
      requireRole(principalOf(res), OPERATOR_ROLES, 'read the metrics');
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
}

/** The ledger's blocks behind the cache (once: a cached source is used as it is). */
function cachedBlocks(blocks: LedgerBlocksPort | undefined): CachedLedgerBlocks | undefined {
  return blocks === undefined || blocks instanceof CachedLedgerBlocks ? blocks : new CachedLedgerBlocks(blocks);
}

/** The readings service when the configuration enables raw reads. */
function configuredReadings(config: AppDeps['config'], ledger: LedgerPort, queue: EventQueue): ReadingsService | undefined {
  return config.readings
    ? createReadingsService({
        ledger,
        queue,
        readersFile: config.readings.readersFile,
        windowMs: config.readings.windowMs,
        lookupConcurrency: config.readings.lookupConcurrency,
      })
    : undefined;
}

/** GET /readyz: ready while the ledger answers a ping (the answer cached briefly). */
function mountReadiness(app: Express, deps: AppDeps): void {
  const ready = readinessProbe(() => withTimeout(deps.ledger.ping(), deps.readyTimeoutMs ?? 3000), deps.config.readiness?.cacheMs ?? 1000, deps.logger);
  app.get('/readyz', async (_req, res) => {
    if (await ready()) res.json({ status: 'ready' });
    else {
      res.setHeader('Retry-After', '2');
      sendProblem(res, problem(503, 'LEDGER_UNAVAILABLE', 'not ready: the ledger does not answer'));
    }
  });
}

/** The body parser of /v1: raw bytes for a screening list upload, a larger JSON limit for raw reads, JSON otherwise. */
function v1BodyParser(config: AppDeps['config']): RequestHandler {
  const jsonBody = express.json({ limit: config.http.bodyLimit, strict: true });
  // up to 10,000 raw reads: a larger body than the other routes
  const readingsBody = express.json({ limit: config.readings?.bodyLimit ?? config.http.bodyLimit, strict: true });
  const listBody = express.raw({ type: () => true, limit: config.screening?.bodyLimit ?? '20mb' });
  return (req, res, next) => {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Express's request is node's IncomingMessage
    if (isListUpload(req)) listBody(req, res, next);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Express's request is node's IncomingMessage
    else if (req.method === 'POST' && req.path === '/readings') readingsBody(req, res, next);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Express's request is node's IncomingMessage
    else jsonBody(req, res, next);
  };
}

/** The screening service over the configured list store (in memory unless a database file is named). */
function configuredScreening(config: AppDeps['config']): ScreeningService {
  return new ScreeningService(new ScreeningListStore(config.screening?.dbPath ?? ':memory:'), { highRiskSubdivisions: config.screening?.highRiskSubdivisions });
}

/** The dossier's optional parts: EPCIS, proof bundles when blocks are readable, and any the caller adds. */
function dossierPartsOf(deps: AppDeps, captures: CaptureJobStore, blocks: CachedLedgerBlocks | undefined): DossierPart[] {
  const { ledger, queue, config } = deps;
  return [
    epcisPart(new EpcisService(ledger, queue, captures, config.ingestion.waitCommitTimeoutMs, blocks)),
    ...(blocks ? [proofPart(new ProofService(ledger, blocks))] : []),
    ...(deps.dossierParts ?? []),
  ];
}

/** The auditor page (built separately into gateway/web/dist), when it was built. */
function serveWebPage(app: Express, webDir: string | undefined): void {
  if (webDir !== undefined && fs.existsSync(webDir)) {
    app.use(express.static(webDir, { index: 'index.html', fallthrough: true }));
  }
}

/**
 * Builds the Express application.
 * @example `const app = createApp({ config, ledger, queue, principals, logger, metrics });`
 */
export function createApp(deps: AppDeps): Express {
  const { config, ledger, queue, principals, logger, metrics } = deps;
  const sse = deps.sse ?? new Set();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.set('query parser', 'simple');

  app.use(requestIdMiddleware);
  app.use(observe(metrics, logger));
  app.use(helmet());
  // before everything else: unauthenticated requests are limited per client address
  app.use(addressRateLimit({ windowMs: config.rateLimit.windowMs, max: config.rateLimit.addressMax }));

  // ---- public
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  mountReadiness(app, deps);
  const openapi = buildOpenApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  // ---- authenticated
  const authenticate = authMiddleware(principals, deps.verifyJwt, logger);
  const limitStore = new MemoryStore();
  const limiterKey = (_req: Request, res: Response): string => `principal:${principalOf(res).name}`;
  const limiter = rateLimit({
    store: limitStore,
    windowMs: config.rateLimit.windowMs,
    limit: config.rateLimit.max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: limiterKey,
    handler: (req, _res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 1;
      next(new TooManyRequestsError('rate limit exceeded for this principal', retryAfter));
    },
  });

  mountMetrics(app, config.metricsPublic, metrics, [authenticate, limiter]);

  const v1 = express.Router();
  v1.use('/v1', authenticate, limiter, requireJson, v1BodyParser(config));
  v1.use(lotsRouter(new LotsService(ledger)));
  const blocks = cachedBlocks(deps.blocks);
  v1.use(provenanceViewsRouter(new ProvenanceViewsService(ledger, blocks)));
  v1.use(provenanceRouter(new ProvenanceService(ledger, blocks)));
  v1.use(eventsRouter(new EventsService(ledger, queue, config.ingestion.waitCommitTimeoutMs, blocks)));
  if (blocks) v1.use(proofsRouter(new ProofService(ledger, blocks)));
  const readings = deps.readings ?? configuredReadings(config, ledger, queue);
  if (readings) {
    // each read counts toward the rate limit, not only the request
    v1.post('/v1/readings', countEachRead(limitStore, config.rateLimit.max, limiterKey));
    v1.use(readingsRouter(readings));
  }
  v1.use(organisationsRouter(new OrganisationsService(ledger)));
  v1.use(facilitiesRouter(new FacilitiesService(ledger)));
  v1.use(devicesRouter(new DevicesService(ledger)));
  const screening = deps.screening ?? configuredScreening(config);
  v1.use(screeningRouter(screening));
  const captures = deps.captures ?? openCaptureJobStore(captureStoreFile(config.ingestion.dbPath), deps.keyring ?? appKeyring(config));
  const dossierParts = dossierPartsOf(deps, captures, blocks);
  v1.use(dossierRouter(new DossierService(new ProvenanceService(ledger, blocks), ledger, screening, { blocks, parts: dossierParts })));
  v1.use(streamRouter(new StreamService(ledger), { logger, metrics, registry: sse, ...config.stream }));
  // GS1 EPCIS 2.0 (epcis/): JSON-LD bodies up to the capture file size limit
  v1.use('/epcis', authenticate, limiter, requireJson, epcisBodyParser);
  v1.use(createEpcisRouter({ ledger, queue, captures, waitCommitTimeoutMs: config.ingestion.waitCommitTimeoutMs, blocks }));
  app.use(v1);

  // ---- the auditor page (built separately into gateway/web/dist)
  serveWebPage(app, deps.webDir);

  app.use((req, _res, next) => {
    next(new NotFoundError(`no route ${req.method} ${req.path}`));
  });
  app.use(errorMiddleware(logger, metrics));
  return app;
}
