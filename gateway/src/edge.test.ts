/**
 * The hardened edge over stub ports (real HTTP, real Express app): the per-address limit before
 * authentication, /readyz's cached ping with no ledger text, and /v1/stream's caps, backpressure
 * and stall timeout. The same behaviour over the embedded network: test/src/gateway/edge.test.ts
 * and sse-backpressure.test.ts.
 */
import * as http from 'node:http';
import { createApp } from './app';
import { PrincipalStore, hashApiKey } from './auth/principals';
import { expect } from './chai.test';
import { loadConfig } from './config';
import type { SseRegistry } from './http/routes/stream.routes';
import type { ReadingsService } from './services/readings.service';
import { createLogger } from './logger';
import { listenOn } from './server';
import { type Metrics, createMetrics } from './metrics';
import type { EventQueue } from './ports/event-queue';
import type { LedgerEvent, LedgerEventStream, LedgerPort } from './ports/ledger';

const KEYS = { auditor: 'ak_auditor', auditor2: 'ak_auditor2', admin: 'ak_admin' };
const principals = new PrincipalStore([
  { name: 'auditor', identity: 'org3-auditor', role: 'auditor', mspId: 'Org3MSP', apiKeyHashes: [hashApiKey(KEYS.auditor)] },
  { name: 'auditor2', identity: 'org2-auditor', role: 'auditor', mspId: 'Org2MSP', apiKeyHashes: [hashApiKey(KEYS.auditor2)] },
  { name: 'admin', identity: 'org1-admin', role: 'admin', mspId: 'Org1MSP', apiKeyHashes: [hashApiKey(KEYS.admin)] },
]);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A ledger stub: `ping` as given; `streamEvents` an endless stream of ~`eventBytes` events, counting pulls. */
class StubLedger {
  pings = 0;
  pulled = 0;
  openStreams = 0;
  constructor(
    public ping: () => Promise<void> = () => Promise.resolve(),
    readonly eventBytes = 512,
    readonly total = 100_000,
  ) {}
  identities(): [] {
    return [];
  }
  streamEvents(): Promise<LedgerEventStream> {
    return Promise.resolve(endlessStream(this));
  }
  async close(): Promise<void> {
    // nothing held open
  }
}

/** The stub's stream: `total` events of ~`eventBytes` each, then silence until closed; counts pulls. */
function endlessStream(stub: StubLedger): LedgerEventStream {
  stub.openStreams += 1;
  let closed = false;
  const padding = 'x'.repeat(stub.eventBytes);
  return {
    close: (): void => {
      if (!closed) stub.openStreams -= 1;
      closed = true;
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<LedgerEvent> {
      for (let i = 0; i < stub.total && !closed; i++) {
        stub.pulled += 1;
        yield { blockNumber: i, txId: `tx${String(i)}`, name: 'EventsRecorded', payload: { padding } };
        if (i % 100 === 0) await sleep(0);
      }
      while (!closed) await sleep(20);
    },
  };
}

interface Served {
  url: string;
  metrics: Metrics;
  sse: SseRegistry;
  close(): Promise<void>;
}

async function serve(ledger: StubLedger, env: Record<string, string>): Promise<Served> {
  const config = loadConfig({ ACETRACE_RATE_LIMIT_MAX: '100000', ...env });
  const metrics = createMetrics();
  const sse: SseRegistry = new Set();
  const app = createApp({
    config,
    ledger: ledger as unknown as LedgerPort,
    queue: {} as EventQueue,
    principals,
    logger: createLogger('silent'),
    metrics,
    sse,
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- never called: these tests post no readings
    readings: {} as ReadingsService,
  });
  const server = http.createServer(app);
  const { port } = await listenOn(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${String(port)}`,
    metrics,
    sse,
    close: async () => {
      for (const s of [...sse]) s.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

/** Opens GET /v1/stream and never reads the body: the socket is paused as soon as headers arrive. */
function stalledStream(url: string, key: string): Promise<{ status: number; req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/v1/stream?fromBlock=0`, { headers: { 'x-api-key': key, accept: 'text/event-stream' } }, (res) => {
      res.pause();
      resolve({ status: res.statusCode ?? 0, req, res });
    });
    req.on('error', reject);
  });
}

async function metricValue(m: Metrics, name: string): Promise<number> {
  const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

describe('edge: address limit before authentication', () => {
  it('counts unauthenticated requests per address (429 + Retry-After beyond the budget), not authenticated ones', async () => {
    const s = await serve(new StubLedger(), { ACETRACE_RATE_LIMIT_ADDRESS_MAX: '3', ACETRACE_METRICS_PUBLIC: 'false' });
    try {
      for (let i = 0; i < 10; i++) {
        expect((await fetch(`${s.url}/metrics`, { headers: { 'x-api-key': KEYS.admin } })).status, 'authenticated').to.equal(200);
      }
      const statuses: number[] = [];
      let refused: Response | undefined;
      const attempts: Array<Record<string, string>> = [{}, { 'x-api-key': 'ak_wrong' }, { authorization: 'Bearer x.y.z' }, {}, { 'x-api-key': 'ak_wrong' }];
      for (const headers of attempts) {
        const res = await fetch(`${s.url}/v1/lots`, { headers });
        statuses.push(res.status);
        if (res.status === 429) refused = res;
        else await res.arrayBuffer();
      }
      expect(statuses).to.deep.equal([401, 401, 401, 429, 429]);
      expect(refused?.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(Number(refused?.headers.get('retry-after'))).to.be.within(1, 60);
      expect(((await refused?.json()) as { code: string }).code).to.equal('RATE_LIMITED');
      // the check runs before authentication: over its budget, the address is refused everything
      expect((await fetch(`${s.url}/healthz`)).status).to.equal(429);
      expect((await fetch(`${s.url}/metrics`, { headers: { 'x-api-key': KEYS.admin } })).status).to.equal(429);
    } finally {
      await s.close();
    }
  });
});

describe('edge: /readyz', () => {
  it('answers many probes from one ledger ping per cache period', async () => {
    const ledger = new StubLedger();
    ledger.ping = async () => {
      ledger.pings += 1;
      await sleep(50);
    };
    // a period long enough that 40 local probes fit in it on a loaded 2-core machine
    const s = await serve(ledger, { ACETRACE_READY_CACHE_MS: '4000' });
    try {
      const first = await Promise.all(Array.from({ length: 20 }, () => fetch(`${s.url}/readyz`)));
      expect(first.map((r) => r.status)).to.deep.equal(Array(20).fill(200));
      for (let i = 0; i < 20; i++) expect((await fetch(`${s.url}/readyz`)).status).to.equal(200);
      expect(ledger.pings, '40 probes within the cache period').to.equal(1);
      await sleep(4100);
      expect((await fetch(`${s.url}/readyz`)).status).to.equal(200);
      expect(ledger.pings, 'after the period').to.equal(2);
    } finally {
      await s.close();
    }
  });

  it('says not ready without the ledger error text', async () => {
    const secret = '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.9.8.7:7051';
    const s = await serve(new StubLedger(() => Promise.reject(new Error(secret))), { ACETRACE_READY_CACHE_MS: '0' });
    try {
      const res = await fetch(`${s.url}/readyz`);
      const text = await res.text();
      expect(res.status).to.equal(503);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(JSON.parse(text)).to.include({ status: 503, detail: 'not ready: the ledger does not answer' });
      for (const leak of ['14 UNAVAILABLE', 'No connection', 'ECONNREFUSED', '10.9.8.7', '7051']) expect(text).to.not.include(leak);
    } finally {
      await s.close();
    }
  });
});

describe('edge: /v1/stream caps and backpressure', function () {
  this.timeout(30_000);

  it('caps open streams per principal and in total with 429 problem + Retry-After', async () => {
    const ledger = new StubLedger(undefined, 16, 10);
    const s = await serve(ledger, { ACETRACE_SSE_MAX_PER_PRINCIPAL: '2', ACETRACE_SSE_MAX_TOTAL: '3' });
    const open: Array<{ req: http.ClientRequest }> = [];
    try {
      for (let i = 0; i < 2; i++) {
        const st = await stalledStream(s.url, KEYS.auditor);
        open.push(st);
        expect(st.status).to.equal(200);
      }
      const third = await fetch(`${s.url}/v1/stream`, { headers: { 'x-api-key': KEYS.auditor } });
      expect(third.status, 'third stream of one principal').to.equal(429);
      expect(third.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(Number(third.headers.get('retry-after'))).to.be.greaterThan(0);
      expect(((await third.json()) as { detail: string }).detail).to.match(/at most 2 open streams per principal/);
      const other = await stalledStream(s.url, KEYS.auditor2);
      open.push(other);
      expect(other.status, 'another principal has its own share').to.equal(200);
      const overTotal = await fetch(`${s.url}/v1/stream`, { headers: { 'x-api-key': KEYS.admin } });
      expect(overTotal.status, 'fourth stream in total').to.equal(429);
      await overTotal.arrayBuffer();
      expect(await metricValue(s.metrics, 'acetrace_sse_refused_total')).to.equal(2);
      // a reader that leaves frees its slot
      open.shift()?.req.destroy();
      for (let i = 0; i < 50 && s.sse.size > 2; i++) await sleep(20);
      const again = await stalledStream(s.url, KEYS.auditor);
      open.push(again);
      expect(again.status).to.equal(200);
    } finally {
      for (const o of open) o.req.destroy();
      await s.close();
    }
  });

  it('stops pulling ledger events while the reader takes nothing, and ends the stream after the stall timeout', async () => {
    const ledger = new StubLedger(undefined, 512, 100_000);
    const s = await serve(ledger, { ACETRACE_SSE_STALL_TIMEOUT_MS: '3000' });
    try {
      const st = await stalledStream(s.url, KEYS.auditor);
      expect(st.status).to.equal(200);
      // wait until the writer waits for drain, then check the pulls stand still
      for (let i = 0; i < 500 && (await metricValue(s.metrics, 'acetrace_sse_waiting_for_drain')) === 0; i++) await sleep(20);
      expect(await metricValue(s.metrics, 'acetrace_sse_waiting_for_drain')).to.equal(1);
      const pulledAtStall = ledger.pulled;
      await sleep(500);
      expect(ledger.pulled, 'no pull while waiting for drain').to.equal(pulledAtStall);
      // what fits in the socket buffers, far from the 100,000 events (51 MB) on offer
      expect(pulledAtStall).to.be.below(40_000);
      expect(await metricValue(s.metrics, 'acetrace_sse_events_sent_total')).to.equal(pulledAtStall);
      for (let i = 0; i < 500 && (await metricValue(s.metrics, 'acetrace_sse_stalled_closed_total')) === 0; i++) await sleep(20);
      expect(await metricValue(s.metrics, 'acetrace_sse_stalled_closed_total')).to.equal(1);
      // the reader, once it reads again, finds the connection ended
      const ended = new Promise<void>((resolve) => {
        st.res.once('close', () => {
          resolve();
        });
      });
      st.res.on('error', () => undefined);
      st.res.resume();
      await ended;
      expect(s.sse.size).to.equal(0);
      expect(ledger.openStreams, 'the ledger stream is closed with the connection').to.equal(0);
    } finally {
      await s.close();
    }
  });

  it('a slow reader that does read gets every event in order (drain resumes the pull)', async () => {
    const ledger = new StubLedger(undefined, 2048, 3000);
    const s = await serve(ledger, {});
    try {
      const st = await stalledStream(s.url, KEYS.auditor);
      await sleep(300); // let the buffers fill and the writer wait
      const chunks: string[] = [];
      st.res.setEncoding('utf8');
      const done = new Promise<void>((resolve) => {
        st.res.on('data', (chunk: string) => {
          chunks.push(chunk);
          if (chunk.includes('"txId":"tx2999"')) resolve();
        });
      });
      st.res.resume();
      await done;
      const ids = [...chunks.join('').matchAll(/^id: (\d+):/gm)].map((m) => Number(m[1]));
      expect(ids).to.deep.equal(Array.from({ length: 3000 }, (_, i) => i));
      st.req.destroy();
    } finally {
      await s.close();
    }
  });
});
