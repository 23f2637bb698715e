/**
 * A stalled SSE reader over a replay of ≥ 50,000 committed events must not make the gateway buffer
 * the replay. The embedded network runs in this process; the events are really committed through a
 * gateway (POST /v1/events?wait=commit, 500 per request); then a fresh gateway runs as a CHILD
 * process (`node gateway/dist/main.js`), so its resident memory (/proc/<pid>/status VmRSS) is its own.
 *
 * Figures printed: the replay's size, what the stalled readers were sent, the gateway's RSS and heap
 * before and at the peak while they stall. The bound asserted is justified next to it (BOUND_MB).
 *
 * Knobs: ACETRACE_SSE_TEST_EVENTS (default 50,000), ACETRACE_SSE_TEST_READERS (default 8).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { loadConfig, startGateway } from '@acetrace/gateway';
import { expect } from '../scenarios/chai.test';
import { lotInput } from '../scenarios/helpers';
import { GatewayChild, NetworkUnderTest, freePort, removeDir, sleep, tmpDir } from '../ingestion/harness';

const EVENTS = Number(process.env.ACETRACE_SSE_TEST_EVENTS ?? 50_000);
const READERS = Number(process.env.ACETRACE_SSE_TEST_READERS ?? 8);
const PER_REQUEST = 500;
/** Events per RecordEvents transaction while seeding: 1,000 transactions → 1,000 SSE messages of ~7 KB. */
const PER_TRANSACTION = 50;
/**
 * The bound on RSS growth while READERS readers stall on the whole replay. Without backpressure each
 * reader's replay (~7 MB, 128-character event ids) goes into the gateway's socket write queues as far
 * as the kernel does not take it (~4 MB per socket on loopback), i.e. ≥ 2.5 MB per reader held in the
 * process as strings (≥ 20 MB for 8 readers, more with the parsed events behind them). With
 * backpressure each reader holds at most one SSE message (~7 KB) in the write queue, what grpc-js has
 * read ahead (≤ 16 ChaincodeEventsResponse messages ≈ 110 KB) and one HTTP/2 window (64 KB): under
 * 0.2 MB per reader; what the growth shows beyond that is garbage of the ~600 messages each reader was
 * sent before its socket filled, not yet collected. Measured on 2 loaded cores: 8.9 MB with
 * backpressure; 26.6 MB with the drain wait disabled (every reader sent all 1,001 messages, heap peak
 * 68 MB against 45 MB). 16 MB sits between the two; the test also asserts what does not depend on
 * memory noise: every writer waits for drain, and nothing more is sent while the readers stall.
 */
const BOUND_MB = 16;

/** VmRSS of a process, bytes (Linux). */
function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${String(pid)}`);
  return Number(m[1]) * 1024;
}

/** Sums the samples of one Prometheus metric in a text exposition. */
function metric(text: string, name: string): number {
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
}

const MB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A 128-character event id (the longest the chaincode accepts), unique per index. */
const eventId = (run: string, i: number): string => `${run}-${String(i).padStart(7, '0')}-`.padEnd(128, 'x');

interface Replay {
  eventIds: string[];
  bytes: number;
  messages: number;
}

/** Reads /v1/stream from block 0 until `expected` event ids arrived; returns them in order. */
function readReplay(url: string, key: string, expected: number, res?: http.IncomingMessage): Promise<Replay> {
  return new Promise((resolve, reject) => {
    const consume = (r: http.IncomingMessage): void => {
      const out: Replay = { eventIds: [], bytes: 0, messages: 0 };
      let buffer = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => {
        out.bytes += Buffer.byteLength(chunk);
        buffer += chunk;
        let idx: number;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data === undefined) continue;
          const ev = JSON.parse(data.slice(6)) as { name: string; payload: { eventIds?: string[] } };
          out.messages += 1;
          if (ev.name === 'EventsRecorded') out.eventIds.push(...(ev.payload.eventIds ?? []));
        }
        if (out.eventIds.length >= expected) {
          r.destroy();
          resolve(out);
        }
      });
      r.on('error', reject);
      r.on('close', () => {
        if (out.eventIds.length < expected) reject(new Error(`stream ended after ${String(out.eventIds.length)} of ${String(expected)} events`));
      });
      r.resume();
    };
    if (res) consume(res);
    else http.get(`${url}/v1/stream?fromBlock=0`, { headers: { 'x-api-key': key } }, consume).on('error', reject);
  });
}

/** Opens /v1/stream from block 0 and reads nothing: the socket is paused as the headers arrive. */
function stalledReader(url: string, key: string): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/v1/stream?fromBlock=0`, { headers: { 'x-api-key': key } }, (res) => {
      res.pause();
      if (res.statusCode !== 200) reject(new Error(`stream answered ${String(res.statusCode)}`));
      else resolve({ req, res });
    });
    req.on('error', reject);
  });
}

describe(`SSE backpressure: ${String(READERS)} stalled readers over a replay of ${EVENTS.toLocaleString('en')} events`, function () {
  this.timeout(1_800_000);
  let dir: string;
  let network: NetworkUnderTest;
  let gateway: GatewayChild;
  const run = `sse${Date.now().toString(36)}`;
  const seeded: string[] = [];

  before(async () => {
    dir = tmpDir('acetrace-sse-bp-');
    network = new NetworkUnderTest(path.join(dir, 'net'));
    await network.start();

    // seed through a gateway in this process: real commits, 500 events per request
    const seedDir = path.join(dir, 'seed');
    const seeder = await startGateway(
      loadConfig({
        PORT: '0',
        ACETRACE_DATA_DIR: seedDir,
        ACETRACE_CONNECTION_PROFILE: network.connectionProfile,
        ACETRACE_LOG_LEVEL: 'warn',
        ACETRACE_RATE_LIMIT_MAX: '1000000',
        ACETRACE_BATCH_MAX_EVENTS: String(PER_TRANSACTION),
        ACETRACE_BATCH_MAX_WAIT_MS: '5',
        ACETRACE_WAIT_COMMIT_TIMEOUT_MS: '600000',
      }),
    );
    try {
      const creds = (JSON.parse(fs.readFileSync(path.join(seedDir, 'credentials.json'), 'utf8')) as {
        principals: Array<{ role: string; mspId: string; apiKey: string }>;
      }).principals;
      const supplier = creds.find((c) => c.role === 'supplier' && c.mspId === 'Org1MSP')?.apiKey ?? '';
      const lotId = `LOT-${run}`;
      const lot = await fetch(`${seeder.url}/v1/lots`, {
        method: 'POST',
        headers: { 'x-api-key': supplier, 'content-type': 'application/json' },
        body: JSON.stringify(lotInput(lotId)),
      });
      expect(lot.status).to.equal(201);
      const started = Date.now();
      const requests = Math.ceil(EVENTS / PER_REQUEST);
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let r = next++; r < requests; r = next++) {
          const events = Array.from({ length: PER_REQUEST }, (_, j) => {
            const i = r * PER_REQUEST + j;
            // ten devices per request, so its ten transactions go out side by side
            return { eventId: eventId(run, i), lotId, link: 1, kind: 'document', eventTime: '2026-10-01T08:00:00Z', deviceId: `${run}-r${String(r)}-d${String(j % 10)}` };
          });
          const res = await fetch(`${seeder.url}/v1/events?wait=commit`, {
            method: 'POST',
            headers: { 'x-api-key': supplier, 'content-type': 'application/json' },
            body: JSON.stringify({ events }),
          });
          const body = (await res.json()) as { accepted?: Array<{ eventId: string; status: string }> };
          expect(res.status, JSON.stringify(body).slice(0, 500)).to.equal(201);
          expect(body.accepted?.every((a) => a.status === 'committed')).to.equal(true);
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      for (let i = 0; i < requests * PER_REQUEST; i++) seeded.push(eventId(run, i));
      process.stdout.write(`      seeded ${seeded.length.toLocaleString('en')} committed events in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    } finally {
      await seeder.stop();
    }

    gateway = new GatewayChild(path.join(dir, 'gw'), await freePort(), network.connectionProfile, {
      ACETRACE_SSE_MAX_PER_PRINCIPAL: String(READERS + 1),
      ACETRACE_SSE_STALL_TIMEOUT_MS: '1800000',
      ACETRACE_METRICS_PUBLIC: 'true',
      ACETRACE_LOG_LEVEL: 'warn',
    });
    await gateway.start();
  });

  after(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await gateway?.stop();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await network?.stop();
    if (dir) removeDir(dir);
  });

  /** Every seeded id exactly once (in ledger order, which concurrent commits make differ from ours). */
  function expectAllOnce(got: string[], want: string[], what: string): void {
    const ours = got.filter((id) => id.startsWith(run));
    expect(ours.length, `${what}: count`).to.equal(want.length);
    const seen = new Set(ours);
    expect(seen.size, `${what}: no duplicates`).to.equal(want.length);
    const missing = want.filter((id) => !seen.has(id));
    expect(missing.length, `${what}: missing ${missing.slice(0, 3).join(', ')}`).to.equal(0);
  }

  it('keeps the gateway RSS growth under the bound while the readers stall; a resumed reader gets the whole replay (in order)', async () => {
    const pid = gateway.child?.pid ?? 0;
    const auditor = gateway.key('auditor', 'Org3MSP');
    const metrics = async (): Promise<string> => (await fetch(`${gateway.url}/metrics`)).text();

    // a full read first: checks the replay and warms the same code paths before the baseline
    const full = await readReplay(gateway.url, auditor, seeded.length);
    expectAllOnce(full.eventIds, seeded, 'the full read');
    await sleep(2000);
    const baselineRss = rssOf(pid);
    const baselineHeap = metric(await metrics(), 'acetrace_gateway_nodejs_heap_size_used_bytes');
    const sentBefore = metric(await metrics(), 'acetrace_sse_events_sent_total');

    const readers = await Promise.all(Array.from({ length: READERS }, () => stalledReader(gateway.url, auditor)));
    let peakRss = baselineRss;
    let peakHeap = baselineHeap;
    let waiting = 0;
    const sample = async (): Promise<void> => {
      const text = await metrics();
      peakRss = Math.max(peakRss, rssOf(pid));
      peakHeap = Math.max(peakHeap, metric(text, 'acetrace_gateway_nodejs_heap_size_used_bytes'));
      waiting = metric(text, 'acetrace_sse_waiting_for_drain');
    };
    // until every writer waits for drain, or (were there no backpressure) the sending stops
    let sent = -1;
    let stableSince = Date.now();
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline) {
      await sample();
      const now = metric(await metrics(), 'acetrace_sse_events_sent_total') - sentBefore;
      if (now !== sent) {
        sent = now;
        stableSince = Date.now();
      }
      if (waiting === READERS || Date.now() - stableSince > 5000) break;
      await sleep(200);
    }
    const sentAtStall = sent;
    // stalled: keep sampling a while; nothing more may be pulled for them
    for (let i = 0; i < 25; i++) {
      await sample();
      await sleep(200);
    }
    const sentLater = metric(await metrics(), 'acetrace_sse_events_sent_total') - sentBefore;
    const growth = peakRss - baselineRss;
    process.stdout.write(
      [
        `      replay from block 0: ${full.messages.toLocaleString('en')} SSE messages, ${MB(full.bytes)}, ${full.eventIds.length.toLocaleString('en')} event ids`,
        `      ${String(READERS)} stalled readers were sent ${(sentAtStall / READERS).toFixed(0)} of ${String(full.messages)} messages each; writers waiting for drain: ${String(waiting)}`,
        `      gateway RSS ${MB(baselineRss)} → peak ${MB(peakRss)}: growth ${MB(growth)} (bound ${String(BOUND_MB)} MB); heap used ${MB(baselineHeap)} → peak ${MB(peakHeap)}`,
        '',
      ].join('\n'),
    );
    expect(waiting, 'every stalled reader has its writer waiting for drain').to.equal(READERS);
    expect(sentLater, 'nothing written to a reader that takes nothing').to.equal(sentAtStall);
    expect(sentAtStall / READERS, 'the replay did not all go out').to.be.below(full.messages);
    expect(growth, `RSS growth ${MB(growth)}`).to.be.below(BOUND_MB * 1024 * 1024);

    // the first reader resumes: it gets the whole replay, in order
    const [first, ...rest] = readers;
    const resumed = await readReplay(gateway.url, auditor, seeded.length, first?.res);
    expectAllOnce(resumed.eventIds, seeded, 'the resumed reader');
    expect(resumed.eventIds, 'in the same (ledger) order as the full read').to.deep.equal(full.eventIds);
    for (const r of rest) r.req.destroy();
  });
});
