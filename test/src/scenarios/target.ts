/**
 * One real stack per test file: EmbeddedNetwork on port 0 in a temp dir (real chaincode, TLS gRPC),
 * then the gateway on port 0 over it (real @hyperledger/fabric-gateway client). Requests go through
 * real HTTP with supertest.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedNetwork, type RunningNetwork } from '@acetrace/network';
import { loadConfig, startGateway, type GatewayHandle } from '@acetrace/gateway';
import pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';

export interface Credential {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

export interface Stack {
  dir: string;
  network: RunningNetwork;
  gateway: GatewayHandle;
  credentials: Credential[];
  /** API key of the principal with this role in this organisation. */
  key(role: string, mspId?: string): string;
  http(): TestAgent;
  stop(): Promise<void>;
}

/** Starts network + gateway; `env` overrides gateway settings (e.g. rate limits). */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-gw-test-'));
  const network = await EmbeddedNetwork.start({ dataDir: dir, port: 0, logger: pino({ level: 'warn' }), batchTimeoutMs: 20 });
  const gateway = await startGateway(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      ACETRACE_DATA_DIR: dir,
      ACETRACE_LOG_LEVEL: process.env.ACETRACE_TEST_LOG_LEVEL ?? 'silent',
      ACETRACE_RATE_LIMIT_MAX: '100000',
      ACETRACE_BATCH_MAX_WAIT_MS: '10',
      ...env,
    }),
  );
  const credentials = (JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf8')) as { principals: Credential[] }).principals;
  const agent = http.globalAgent;
  return {
    dir,
    network,
    gateway,
    credentials,
    key(role: string, mspId = 'Org1MSP'): string {
      const c = credentials.find((x) => x.role === role && x.mspId === mspId);
      if (!c) throw new Error(`no credential for ${role} of ${mspId}`);
      return c.apiKey;
    },
    http: () => request(gateway.url),
    async stop(): Promise<void> {
      await gateway.stop();
      await network.stop();
      void agent;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A unique id with a readable prefix. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

let serial = Math.floor(Math.random() * 1e9);
/** A fresh EPC (an SGTIN serial not used before in this process). */
export function freshEpc(): string {
  serial += 1;
  return `urn:epc:id:sgtin:0614141.112345.${serial}`;
}

/** A lot input with sensible defaults and fresh EPCs. */
export function lotInput(lotId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    lotId,
    product: 'Smart plug, 16A',
    htsCode: '8536.50.9065',
    originCountry: 'CN',
    quantity: 1200,
    unit: 'EA',
    epcs: [freshEpc(), freshEpc()],
    parentLotId: null,
    ...over,
  };
}

export const SHA = (n: number): string => n.toString(16).padStart(64, 'a');
