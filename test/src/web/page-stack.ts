/**
 * The setup shared by the browser suites: a stack (real gateway over an embedded network, seeded)
 * started once per suite with Chromium, and a fresh watched page per test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { EmbeddedNetwork, type RunningNetwork } from '@acetrace/network';
import { loadConfig, startGateway } from '@acetrace/gateway';
import { type DemoLots, demoLots } from '@acetrace/scripts/dist/demo/journey';
import { seedDemo } from '@acetrace/scripts/dist/demo/seed';
import { type Stack, startTarget } from '../scenarios/target';
import { type Browser, chromiumOrSkip, closePage, launch, launched, openPage, type watch } from './browser';
import { expect } from './chai.test';
import { search, signIn, text } from './page-checks';
import { principal, readCredentials, seed, type CredentialEntry, type SeededLot } from './seed';

/** What a test of a page suite reads: the suite's stack and the current test's page. */
export interface OpenPage<S> {
  stack: S;
  page: Page;
  seen: ReturnType<typeof watch>;
}

/**
 * Registers a browser suite's mocha hooks (call inside `describe`): skips without Chromium, starts
 * `start()` and the browser once, opens a page per test (screenshot `<shots>-failed-…` on failure),
 * and stops both after. `current()` is what the running test sees.
 */
export function pageSuite<S extends { stop(): Promise<void> }>(shots: string, start: () => Promise<S>): { current(): OpenPage<S> } {
  let stack: S | undefined;
  let browser: Browser | undefined;
  let opened: { page: Page; seen: ReturnType<typeof watch> } | undefined;
  before(async function () {
    const exe = chromiumOrSkip(this);
    stack = await start();
    browser = await launch(exe);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop(); // unset when before() skipped or failed
  });
  beforeEach(async () => {
    opened = await openPage(launched(browser));
  });
  afterEach(async function () {
    if (opened) await closePage(this, opened.page, shots);
    opened = undefined;
  });
  return {
    current() {
      if (!stack || !opened) throw new Error('no page: the suite\'s hooks did not run');
      return { stack, ...opened };
    },
  };
}

/** The demo journey (scripts/src/demo) seeded through the real gateway on an embedded network. */
export interface DemoStack {
  s: Stack;
  lots: DemoLots;
  orgs: { producer: string; carrier: string; importer: string };
  stop(): Promise<void>;
}

/** Starts an embedded stack and seeds the demo journey with lots named after `tag` and the time. */
export async function startDemoStack(tag: string): Promise<DemoStack> {
  const lots = demoLots(`${tag}${Date.now().toString(36).toUpperCase()}`);
  const prefix = lots.shirts.split('-SHIRTS-')[0] ?? '';
  const s = await startTarget({ target: 'embedded' });
  const [producer, carrier, importer] = s.orgs.all as [string, string, string];
  const orgs = { producer, carrier, importer };
  await seedDemo({ url: s.gateway.url, keyOf: (role, msp) => s.key(role, msp), orgs, prefix });
  return { s, lots, orgs, stop: () => s.stop() };
}

/** Signs in as the importer's auditor on the demo stack's page and opens the shirts lot. */
export async function openDemoShirts(page: Page, { s, lots, orgs }: DemoStack): Promise<void> {
  await signIn(page, `${s.gateway.url}/`, s.key('auditor', orgs.importer));
  await search(page, lots.shirts);
  expect(await text(page, '#lot-id')).to.equal(lots.shirts);
}

/** A real gateway over its own EmbeddedNetwork, serving the page, in a fresh temp directory. */
export interface WebStack {
  dataDir: string;
  network: RunningNetwork;
  gateway: Awaited<ReturnType<typeof startGateway>>;
  /** The gateway's base URL without a trailing slash, and the page's (`/`, where it serves gateway/web/dist). */
  apiUrl: string;
  pageUrl: string;
  creds: CredentialEntry[];
  /** Stops the gateway and the network and removes the data directory. */
  stop(): Promise<void>;
}

/**
 * Starts the network and the gateway (settings `env` added) on loopback in a fresh temp directory
 * named `<dirPrefix>…`; on a failed start stops what did start and removes the directory.
 */
export async function startWebStack(dirPrefix: string, env: Record<string, string> = {}): Promise<WebStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  let network: RunningNetwork | undefined;
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  const stop = async (): Promise<void> => {
    await gateway?.stop();
    await network?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    network = await EmbeddedNetwork.start({ dataDir, port: 0, logger: pino({ level: 'silent' }) });
    gateway = await startGateway(
      loadConfig({
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        ACETRACE_DATA_DIR: dataDir,
        ACETRACE_CONNECTION_PROFILE: network.connectionProfilePath,
        ACETRACE_LOG_LEVEL: 'silent',
        ACETRACE_BATCH_MAX_WAIT_MS: '10',
        ...env,
      }),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const apiUrl = gateway.url.replace(/\/$/, '');
  return { dataDir, network, gateway, apiUrl, pageUrl: `${apiUrl}/`, creds: readCredentials(dataDir), stop };
}

/** A web stack with the 12-link lot of ./seed posted through HTTP. */
export interface SeededStack extends WebStack {
  auditorKey: string;
  seeded: SeededLot;
}

/** Starts a web stack in a fresh temp directory named `<dirPrefix>…` and seeds the lot. */
export async function startSeededStack(dirPrefix: string): Promise<SeededStack> {
  const stack = await startWebStack(dirPrefix);
  try {
    const seeded = await seed(stack.apiUrl, stack.creds);
    return { ...stack, auditorKey: principal(stack.creds, 'auditor').apiKey, seeded };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
