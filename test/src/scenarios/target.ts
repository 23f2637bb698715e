/**
 * The network the scenarios run against, chosen by configuration, behind one object (`Stack`):
 *
 * - default (no `ACETRACE_TARGET_CONNECTION_PROFILE`): an EmbeddedNetwork on port 0 in a temp dir
 *   (real chaincode, TLS gRPC), then the gateway on port 0 over it (real @hyperledger/fabric-gateway
 *   client);
 * - `ACETRACE_TARGET_CONNECTION_PROFILE=<connection.json>` (set by `npm run test:fabric`): only the
 *   gateway, on port 0, connected to the network that profile describes (a real Fabric network),
 *   with a temp `ACETRACE_DATA_DIR` for its principals, API keys and outbox.
 *
 * Either way requests go through real HTTP (supertest or fetch against `gateway.url`), and the
 * organisations are the ones the profile's identities name: `orgs` maps the journey's three
 * organisations onto them (on a two-organisation network the broker is the second organisation's
 * broker identity, as network/README-fabric.md describes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROLES } from '@acetrace/chaincode/domain';
import type { RunningNetwork } from '@acetrace/network';
import { loadConfig, startGateway, type GatewayHandle } from '@acetrace/gateway';
import { loadConnectionProfile } from '@acetrace/gateway/dist/adapters/fabric/connection-profile';
import type { Reachable } from '../network/helpers';
import pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { expect } from './chai.test';
import { lotInput } from './helpers';

/** The environment variable naming the connection profile of the network to test. */
export const TARGET_PROFILE_ENV = 'ACETRACE_TARGET_CONNECTION_PROFILE';

export interface Credential {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

/**
 * The target's organisations (MSP ids), from the identities of its connection profile.
 * `supplier`, `logistics`, `broker` are the journey's three organisations: the first, second and
 * third organisation, the broker falling back to the second when there are only two.
 */
export interface TargetOrgs {
  /** Every organisation with at least one identity, sorted. */
  all: string[];
  supplier: string;
  logistics: string;
  broker: string;
}

export interface Stack {
  /** `embedded`: a network started for this stack; `fabric`: an external network from a profile. */
  kind: 'embedded' | 'fabric';
  /** The gateway's data directory (temp; removed by `stop()`). */
  dir: string;
  /** The embedded network, only for `kind: 'embedded'`. */
  network: RunningNetwork | undefined;
  /** The target's connection profile (peers, identities), to reach it with fabric-gateway directly. */
  connection: Reachable['connection'];
  gateway: GatewayHandle;
  credentials: Credential[];
  orgs: TargetOrgs;
  /** API key of the principal with this role in this organisation (default: `orgs.supplier`). */
  key(role: string, mspId?: string): string;
  http(): TestAgent;
  stop(): Promise<void>;
}

export interface TargetOptions {
  /** Gateway settings that override the defaults (e.g. rate limits, body limit, JWT secret). */
  env?: Record<string, string>;
  /**
   * `embedded` forces an embedded network whatever the environment says (for suites that test the
   * gateway itself: metrics, limits, fuzzing). Default `auto`: the configured target.
   */
  target?: 'auto' | 'embedded';
}

/** The configured connection profile (absolute path), or undefined for the embedded network. */
export function configuredProfile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env[TARGET_PROFILE_ENV]?.trim();
  return configured ? path.resolve(configured) : undefined;
}

/** Which kind of target `startTarget()` starts by default, for suite titles. */
export function targetKind(): 'embedded' | 'fabric' {
  return configuredProfile() === undefined ? 'embedded' : 'fabric';
}

/** Maps the identities' organisations onto the journey's three organisations. */
export function targetOrgs(identities: ReadonlyArray<{ mspId: string }>): TargetOrgs {
  const all = [...new Set(identities.map((i) => i.mspId))].sort();
  const [supplier, logistics, third] = all;
  if (supplier === undefined || logistics === undefined) {
    throw new Error(`the scenarios need identities of at least two organisations; the target has ${all.join(', ') || 'none'}`);
  }
  return { all, supplier, logistics, broker: third ?? logistics };
}

/** The embedded network in `dir` when there is no profile; with one, nothing to start (the profile must exist). */
async function startNetwork(profile: string | undefined, dir: string): Promise<RunningNetwork | undefined> {
  if (profile === undefined) {
    // loaded only here: against an external network the test process runs no chaincode itself
    const { EmbeddedNetwork } = await import('@acetrace/network');
    return EmbeddedNetwork.start({ dataDir: dir, port: 0, logger: pino({ level: 'warn' }), batchTimeoutMs: 20 });
  }
  if (!fs.existsSync(profile)) throw new Error(`${TARGET_PROFILE_ENV}: ${profile} does not exist`);
  return undefined;
}

/** The embedded network's own profile, or the configured file read as the gateway reads it. */
function targetConnection(profile: string | undefined, network: RunningNetwork | undefined): Reachable['connection'] {
  const connection = profile === undefined ? network?.connection : loadConnectionProfile(profile);
  if (connection === undefined) throw new Error('the target has no connection profile');
  return connection;
}

/** Stops what was started (the gateway first) and removes the data folder. */
async function tearDown(dir: string, gateway: GatewayHandle | undefined, network: RunningNetwork | undefined): Promise<void> {
  await gateway?.stop();
  await network?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Starts the configured target (see the file comment) and a gateway over it. */
export async function startTarget(options: TargetOptions = {}): Promise<Stack> {
  const profile = options.target === 'embedded' ? undefined : configuredProfile();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), profile === undefined ? 'acetrace-gw-test-' : 'acetrace-gw-fabric-'));
  let network: RunningNetwork | undefined;
  let gateway: GatewayHandle | undefined;
  try {
    network = await startNetwork(profile, dir);
    gateway = await startGateway(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        ACETRACE_DATA_DIR: dir,
        ...(profile === undefined ? {} : { ACETRACE_CONNECTION_PROFILE: profile }),
        ACETRACE_LOG_LEVEL: process.env.ACETRACE_TEST_LOG_LEVEL ?? 'silent',
        ACETRACE_RATE_LIMIT_MAX: '100000',
        ACETRACE_BATCH_MAX_WAIT_MS: '10',
        ...options.env,
      }),
    );
  } catch (err) {
    await tearDown(dir, gateway, network);
    throw err;
  }
  const credentials = (JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf8')) as { principals: Credential[] }).principals;
  const orgs = targetOrgs(credentials);
  const missing = orgs.all.flatMap((msp) => ROLES.filter((r) => !credentials.some((c) => c.role === r && c.mspId === msp)).map((r) => `${r}@${msp}`));
  if (missing.length > 0) {
    await tearDown(dir, gateway, network);
    throw new Error(`the target's profile lacks identities the scenarios use: ${missing.join(', ')}`);
  }
  const connection = targetConnection(profile, network);
  const gw = gateway;
  return {
    kind: profile === undefined ? 'embedded' : 'fabric',
    dir,
    network,
    connection,
    gateway: gw,
    credentials,
    orgs,
    key(role: string, mspId = orgs.supplier): string {
      const c = credentials.find((x) => x.role === role && x.mspId === mspId);
      if (!c) throw new Error(`no credential for ${role} of ${mspId}`);
      return c.apiKey;
    },
    http: () => request(gw.url),
    async stop(): Promise<void> {
      await gw.stop();
      await network?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers a suite's hooks (call inside `describe`): a stack started before its tests and
 * stopped after. The returned Stack forwards to the started one (it throws if used before).
 */
export function targetSuite(options: TargetOptions = {}): Stack {
  let started: Stack | undefined;
  before(async () => {
    started = await startTarget(options);
  });
  after(async () => {
    await started?.stop(); // unset when before() failed
  });
  return new Proxy({} as Stack, {
    get(_target, prop) {
      if (!started) throw new Error('no stack: the suite\'s before() hook did not run');
      const value: unknown = Reflect.get(started, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started) : value;
    },
  });
}

/** `POST /v1/events` as `key`, with `?wait=commit` unless `wait` is false: the answer's status and body. */
export async function postEvents(s: Stack, key: string, body: unknown, wait = true): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await s
    .http()
    .post(`/v1/events${wait ? '?wait=commit' : ''}`)
    .set('X-API-Key', key)
    .send(body as object);
  return { status: res.status, body: res.body as Record<string, unknown> };
}

/**
 * Registers `lotId` (holding `epc`) as a supplier and commits one link-1 document event `eventId`
 * on it: the fixture the permission matrix and the API-surface suite both read against.
 */
export async function seedLotWithEvent(s: Stack, lotId: string, epc: string, eventId: string): Promise<void> {
  const reg = await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(lotId, { epcs: [epc] }));
  expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
  const ev = await postEvents(s, s.key('supplier'), { eventId, lotId, link: 1, kind: 'document', eventTime: '2026-10-01T08:00:00Z' });
  expect(ev.status, JSON.stringify(ev.body)).to.equal(201);
}
