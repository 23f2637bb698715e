/**
 * Fault-test harness: an EmbeddedNetwork in this process (stoppable and restartable on the same
 * data dir and port), the gateway as a CHILD process (`node gateway/dist/main.js`, killable with
 * SIGKILL and restartable on the same data dir), HTTP clients over fetch, and ledger-side checks
 * through the auditor's provenance.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedNetwork, type RunningNetwork } from '@acetrace/network';
import pino from 'pino';
import { freshEpc, lotInput } from '../scenarios/helpers';

const REPO = path.resolve(__dirname, '..', '..', '..');
const GATEWAY_MAIN = path.join(REPO, 'gateway', 'dist', 'main.js');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function tmpDir(prefix = 'acetrace-ingestion-it-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A spawned child that has neither exited nor been killed by a signal. */
function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child?.exitCode === null && child.signalCode === null;
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

/** The embedded network in this process; `stop()`/`start()` keep the data dir and the port. */
export class NetworkUnderTest {
  running: RunningNetwork | undefined;
  port = 0;
  constructor(readonly dataDir: string) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = await EmbeddedNetwork.start({
      dataDir: this.dataDir,
      port: this.port,
      logger: pino({ level: 'warn' }),
      batchTimeoutMs: 20,
    });
    this.port = this.running.port;
  }

  async stop(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    await r?.stop();
  }

  get connectionProfile(): string {
    return path.join(this.dataDir, 'network', 'connection.json');
  }
}

export interface Credential {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

/** The gateway as a child process on a fixed port and data dir. */
export class GatewayChild {
  child: ChildProcess | undefined;
  output = '';
  readonly url: string;
  #exited: Promise<void> | undefined;

  constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly connectionProfile: string,
    readonly env: Record<string, string> = {},
  ) {
    this.url = `http://127.0.0.1:${String(port)}`;
  }

  /** Spawns `node gateway/dist/main.js` and waits for /healthz. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (isRunning(this.child)) return;
    const child = spawn(process.execPath, [GATEWAY_MAIN], { cwd: REPO, env: this.#childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const append = (b: Buffer): void => {
      this.output += b.toString('utf8');
      if (this.output.length > 2_000_000) this.output = this.output.slice(-1_000_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    await this.#waitHealthy(child, timeoutMs);
  }

  /** The gateway child's environment: this test's data, profile and limits over the parent's. */
  #childEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      ACETRACE_DATA_DIR: this.dataDir,
      ACETRACE_CONNECTION_PROFILE: this.connectionProfile,
      ACETRACE_LOG_LEVEL: process.env.ACETRACE_TEST_LOG_LEVEL ?? 'warn',
      ACETRACE_RATE_LIMIT_MAX: '1000000',
      ACETRACE_BATCH_MAX_WAIT_MS: '10',
      // the chaincode-logging variables mocha-setup sets are the gateway's to choose
      CORE_CHAINCODE_LOGGING_LEVEL: '',
      CORE_CHAINCODE_LOGGING_SHIM: '',
      ...this.env,
    };
  }

  /** Polls /healthz until it answers; throws if the child exits or the time runs out. */
  async #waitHealthy(child: ChildProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`gateway child exited (${String(child.exitCode ?? child.signalCode)}):\n${this.output.slice(-4000)}`);
      }
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`gateway child not healthy after ${String(timeoutMs)} ms:\n${this.output.slice(-4000)}`);
      await sleep(100);
    }
  }

  /** SIGKILL: no drain, no close, nothing flushed beyond what the outbox already fsync'ed. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!isRunning(c)) return;
    c.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM (graceful stop), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const c = this.child;
    if (!isRunning(c)) return;
    c.kill('SIGTERM');
    const t = setTimeout(() => {
      c.kill('SIGKILL');
    }, graceMs);
    await this.#exited;
    clearTimeout(t);
  }

  credentials(): Credential[] {
    return (JSON.parse(fs.readFileSync(path.join(this.dataDir, 'credentials.json'), 'utf8')) as { principals: Credential[] }).principals;
  }

  key(role: string, mspId: string): string {
    const c = this.credentials().find((x) => x.role === role && x.mspId === mspId);
    if (!c) throw new Error(`no credential for ${role} of ${mspId}`);
    return c.apiKey;
  }
}

/** The carrier's organisation: each lot is handed to it before it posts (the write scope of custody). */
export const CARRIER_MSP = 'Org2MSP';

/** The API keys a fault suite posts and reads with. */
export interface RoleKeys {
  /** supplier of Org1MSP: registers the lots */
  supplier: string;
  /** logistics of Org2MSP: posts the events */
  carrier: string;
  /** auditor of Org3MSP: reads full provenance */
  auditor: string;
  /** compliance of Org1MSP: reads /metrics */
  operator: string;
}

/**
 * One suite's stack in one temp dir: the network in this process and the gateway child over it.
 * `start()` in `before`, `stop()` in `after`.
 */
export class SuiteStack {
  #dir: string | undefined;
  #network: NetworkUnderTest | undefined;
  #gateway: GatewayChild | undefined;

  /** Starts the network, runs `prepare(dir)` (e.g. to write gateway files), then the gateway child. */
  async start(prepare?: (dir: string) => void): Promise<void> {
    const dir = tmpDir();
    this.#dir = dir;
    const network = new NetworkUnderTest(dir);
    this.#network = network;
    await network.start();
    prepare?.(dir);
    this.#gateway = new GatewayChild(dir, await freePort(), network.connectionProfile);
    await this.#gateway.start();
  }

  /** Kills the gateway, stops the network and removes the dir (whatever of them was started). */
  async stop(): Promise<void> {
    await this.#gateway?.kill();
    await this.#network?.stop();
    removeDir(this.#dir);
  }

  get network(): NetworkUnderTest {
    if (!this.#network) throw new Error('stack not started');
    return this.#network;
  }

  get gateway(): GatewayChild {
    if (!this.#gateway) throw new Error('stack not started');
    return this.#gateway;
  }

  /** The keys of {@link RoleKeys} from the gateway's credentials. */
  keys(): RoleKeys {
    const gw = this.gateway;
    return {
      supplier: gw.key('supplier', 'Org1MSP'),
      carrier: gw.key('logistics', CARRIER_MSP),
      auditor: gw.key('auditor', 'Org3MSP'),
      operator: gw.key('compliance', 'Org1MSP'),
    };
  }

  /** A fault run's start: the gateway, the keys, a run id `<name>-<time>` and `lotCount` lots registered for it. */
  async newRun(name: string, lotCount: number): Promise<RoleKeys & { gw: GatewayChild; run: string; lots: string[] }> {
    const gw = this.gateway;
    const keys = this.keys();
    const run = `${name}-${Date.now().toString(36)}`;
    return { gw, ...keys, run, lots: await registerLots(gw.url, keys.supplier, run, lotCount) };
  }
}

/** Registers a fault suite's hooks (call inside `describe`): its SuiteStack started before the tests, stopped after. */
export function faultSuite(): SuiteStack {
  const stack = new SuiteStack();
  before(() => stack.start());
  after(() => stack.stop());
  return stack;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** One JSON request; network failures (refused, reset, aborted) throw. */
export async function call(
  base: string,
  method: string,
  url: string,
  apiKey: string,
  body?: unknown,
  timeoutMs = 60_000,
): Promise<HttpAnswer> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'X-API-Key': apiKey, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/**
 * Registers a lot as the supplier and hands it to the carrier (a committed `handover` on link 5,
 * before any event of the loads), so the carrier is within the lot's write scope; returns its id.
 */
export async function registerLot(base: string, supplierKey: string, lotId: string, epcs: string[] = [freshEpc(), freshEpc()]): Promise<string> {
  const res = await call(base, 'POST', '/v1/lots', supplierKey, lotInput(lotId, { epcs }));
  if (res.status !== 201 && res.status !== 200) throw new Error(`register ${lotId}: ${String(res.status)} ${JSON.stringify(res.body)}`);
  const handover = { eventId: `${lotId}-HANDOVER`, lotId, link: 5, kind: 'handover', eventTime: '2026-11-19T00:00:00+00:00', handoverTo: CARRIER_MSP };
  const given = await call(base, 'POST', '/v1/events?wait=commit', supplierKey, handover);
  if (given.status !== 201) throw new Error(`hand ${lotId} to ${CARRIER_MSP}: ${String(given.status)} ${JSON.stringify(given.body)}`);
  return lotId;
}

/** Registers `count` lots `LOT-<run>-<c>` (c = 0..count-1) at once; returns their ids in that order. */
export function registerLots(base: string, supplierKey: string, run: string, count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, c) => registerLot(base, supplierKey, `LOT-${run}-${String(c)}`)));
}

/** A GPS fix in transit (link 7), as a carrier posts it. */
export function gpsEvent(eventId: string, lotId: string, deviceId: string, n: number): Record<string, unknown> {
  const t = Date.parse('2026-11-20T00:00:00Z') + n * 60_000;
  return {
    eventId,
    lotId,
    link: 7,
    kind: 'gps',
    eventTime: new Date(t).toISOString().replace('Z', '+00:00'),
    deviceId,
    location: { lat: 22.5 + (n % 100) / 1000, lon: 114.05 },
  };
}

/** Client `c`'s `n`th GPS fix of a load run: event `<run>-c<c>-e<n>` from truck `truck-<run>-<c>`. */
export function clientGpsEvent(run: string, c: number, lotId: string, n: number): Record<string, unknown> {
  return gpsEvent(`${run}-c${String(c)}-e${String(n)}`, lotId, `truck-${run}-${String(c)}`, n);
}

/** Event ids on the ledger per lot, read as the auditor (full provenance), with their multiplicity. */
export async function ledgerEventIds(base: string, auditorKey: string, lotIds: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const lotId of lotIds) {
    const res = await call(base, 'GET', `/v1/lots/${encodeURIComponent(lotId)}/provenance`, auditorKey, undefined, 120_000);
    if (res.status !== 200) throw new Error(`provenance ${lotId}: ${String(res.status)} ${JSON.stringify(res.body)}`);
    const links = (res.body as { links: Array<{ events: Array<{ eventId: string }> }> }).links;
    for (const l of links) for (const e of l.events) counts.set(e.eventId, (counts.get(e.eventId) ?? 0) + 1);
  }
  return counts;
}

/** The outbox's depth from /metrics (operator key). */
export async function queueDepth(base: string, operatorKey: string): Promise<number> {
  const res = await call(base, 'GET', '/metrics', operatorKey);
  const m = /^acetrace_queue_depth(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/m.exec(String(res.body));
  return m ? Number(m[1]) : NaN;
}

/**
 * Waits until every id of `expected` is on the ledger and the outbox is empty; returns the final
 * ledger multiplicities.
 */
export async function waitForLedger(
  base: string,
  keys: { auditor: string; operator: string },
  lotIds: readonly string[],
  expected: ReadonlySet<string>,
  timeoutMs = 240_000,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let last = new Map<string, number>();
  for (;;) {
    try {
      const depth = await queueDepth(base, keys.operator);
      last = await ledgerEventIds(base, keys.auditor, lotIds);
      const missing = [...expected].filter((id) => !last.has(id)).length;
      if (missing === 0 && depth === 0) return last;
      if (Date.now() > deadline) throw new Error(`after ${String(timeoutMs)} ms: ${String(missing)} acknowledged events not on the ledger, outbox depth ${String(depth)}`);
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(2000);
  }
}

/** Counts of a client load: what the gateway acknowledged and what it refused or never answered. */
export interface LoadTally {
  requests: number;
  acknowledged: Set<string>;
  /** Ids of requests that got no answer (connection refused/reset, timeout): possibly stored. */
  unanswered: Set<string>;
  statuses: Map<number | string, number>;
}

export function newTally(): LoadTally {
  return { requests: 0, acknowledged: new Set(), unanswered: new Set(), statuses: new Map() };
}

/**
 * One client: posts `{ events }` batches until `until()` says stop. A 202 acknowledges the batch;
 * 429/503 and no answer do not (the batch is posted again later with the same ids, as a client
 * that heeds Retry-After would).
 */
export async function runClient(
  base: string,
  apiKey: string,
  nextBatch: () => Array<Record<string, unknown>> | undefined,
  tally: LoadTally,
  pauseMs: number,
  until: () => boolean,
): Promise<void> {
  let retry: Array<Record<string, unknown>> | undefined;
  while (!until()) {
    const batch = retry ?? nextBatch();
    if (!batch) return;
    tally.requests += 1;
    retry = (await postBatch(base, apiKey, batch, tally)) ? batch : undefined;
    await sleep(pauseMs);
  }
}

/** Posts one batch and tallies the answer; true when the batch must be posted again. */
async function postBatch(base: string, apiKey: string, batch: Array<Record<string, unknown>>, tally: LoadTally): Promise<boolean> {
  const ids = batch.map((e) => String(e.eventId));
  try {
    const res = await call(base, 'POST', '/v1/events', apiKey, { events: batch }, 30_000);
    countStatus(tally, res.status);
    if (res.status === 202) {
      for (const id of ids) {
        tally.acknowledged.add(id);
        tally.unanswered.delete(id);
      }
      return false;
    }
    if (res.status === 429 || res.status === 503) return true;
    throw new Error(`unexpected ${String(res.status)}: ${JSON.stringify(res.body)}`);
  } catch (err) {
    if ((err as Error).message.startsWith('unexpected')) throw err;
    recordNoAnswer(tally, err, ids);
    return true;
  }
}

/** A batch without an answer: its error code counted, its unacknowledged events left unanswered. */
function recordNoAnswer(tally: LoadTally, err: unknown, ids: readonly string[]): void {
  countStatus(tally, (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name);
  for (const id of ids) if (!tally.acknowledged.has(id)) tally.unanswered.add(id);
}

/** One more answer (an HTTP status, or the error code when there was none) in the tally. */
function countStatus(tally: LoadTally, kind: number | string): void {
  tally.statuses.set(kind, (tally.statuses.get(kind) ?? 0) + 1);
}

/** A running load: its tally, and `stop()`, which ends the clients and waits for them. */
/** The load both fault tests (gateway SIGKILL, network outage) drive: 20 clients, one lot each, 4 events a request. */
export const FAULT_LOAD = { clients: 20, eventsPerRequest: 4 } as const;

export interface GpsLoad {
  tally: LoadTally;
  stop(): Promise<void>;
}

/**
 * One client per lot (client `c` on `lots[c]`), each posting batches of `perRequest` fresh
 * {@link clientGpsEvent}s with {@link runClient}, `pauseMs` apart, until `stop()`.
 */
export function startGpsLoad(base: string, carrierKey: string, run: string, lots: readonly string[], perRequest: number, pauseMs: number): GpsLoad {
  const tally = newTally();
  let stopped = false;
  const clients = lots.map((lotId, c) => {
    let n = 0;
    const next = (): Array<Record<string, unknown>> =>
      Array.from({ length: perRequest }, () => {
        n += 1;
        return clientGpsEvent(run, c, lotId, n);
      });
    return runClient(base, carrierKey, next, tally, pauseMs, () => stopped);
  });
  return {
    tally,
    stop: async () => {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

/** How many of `ids` are on the ledger exactly once. */
export function committedOnce(ledger: ReadonlyMap<string, number>, ids: Iterable<string>): number {
  return [...ids].filter((id) => ledger.get(id) === 1).length;
}

/** What a run left on the ledger: ids recorded more than once, and every id of the run (`<run>-…`). */
export function ledgerOutcome(ledger: ReadonlyMap<string, number>, run: string): { duplicates: Array<[string, number]>; ours: string[] } {
  return {
    duplicates: [...ledger.entries()].filter(([, n]) => n > 1),
    ours: [...ledger.keys()].filter((id) => id.startsWith(run)),
  };
}

/** Removes a temp dir, quietly. */
export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
