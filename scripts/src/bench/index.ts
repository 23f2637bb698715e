/**
 * `npm run bench [-- --quick]`: the acetrace benchmark of issue #7 (not a test).
 *
 * Runs the embedded network (`node network/dist/cli.js`) and the gateway
 * (`node scripts/dist/start-gateway.js`) as two child processes on a fresh data folder, then:
 *  1. provenance by lot id and by EPC over HTTP for lots of 12, 120 and 1,200 events, on ledgers of
 *     growing size (background events seeded with RecordEvents of 500 events per transaction,
 *     straight through fabric-gateway; the measured lots go through the gateway);
 *  2. the same through fabric-gateway (no HTTP); and, on one raw-SQLite stack in this process, a naive full
 *     scan of the event key space against the lot's own EVT key range (the key design's ratio, same stack);
 *  3. ingestion through POST /v1/events: acknowledged (202) and committed events/s;
 *  4. MVCC conflicts when many clients post distinct events to one lot (gateway metrics and
 *     direct submits counting CommitError code 11), and single-event transactions/s;
 *  5. peak RSS (VmHWM) of each child process.
 * Writes bench/results/latest.json, latest.md and provenance.svg.
 *
 *   node scripts/dist/bench/index.js [--quick] [--out-dir bench/results] [--keep] [--sizes 10000,50000]
 *     [--batch-timeout-ms 100] [--cpu-prof DIR (network.cpuprofile, gateway.cpuprofile)] [--smoke (seconds-long self-check, write it elsewhere with --out-dir)]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_BATCH } from '@acetrace/chaincode';
import { Ledger } from '@acetrace/network';
import { event, lotInput, epc as epcOf, roleForLink } from './lib/data';
import { commitCode, connectAs, loadProfile, type Connection } from './lib/fabric';
import { http, httpOk, metricValue } from './lib/http';
import { freePort, profileChildrenInto, startGateway, startNetwork, type Child } from './lib/procs';
import { writeReports, type Results, type ProvenanceRow, type IngestionRow, type SeedRow, type Target } from './lib/report';
import { machine, round, sample, sleep, summarise } from './lib/stats';

const NS = 'acetrace';
/** Background events per lot: one full RecordEvents transaction each. */
const BG_LOT_EVENTS = MAX_BATCH;
const MEASURED_SIZES = [12, 120, 1200] as const;

interface Plan {
  mode: 'quick' | 'full';
  ledgerSizes: number[];
  samples: { small: number; large: number; naive: number; maxSeconds: number };
  ingestion: Array<[clients: number, batch: number]>;
  ingestionSeconds: number;
  ingestionEventCap: number;
  directSeconds: number;
  directInFlight: number[];
}

const QUICK: Plan = {
  mode: 'quick',
  ledgerSizes: [10_000, 50_000],
  samples: { small: 60, large: 20, naive: 5, maxSeconds: 6 },
  ingestion: [
    [1, 1],
    [32, 1],
    [8, 50],
    [8, 500],
  ],
  ingestionSeconds: 4,
  ingestionEventCap: 12_000,
  directSeconds: 5,
  directInFlight: [32, 128],
};

/** `--smoke`: seconds-long check that every part runs (development only, figures meaningless). */
const SMOKE: Plan = {
  mode: 'quick',
  ledgerSizes: [2_000, 3_000],
  samples: { small: 5, large: 3, naive: 2, maxSeconds: 2 },
  ingestion: [
    [2, 1],
    [2, 50],
  ],
  ingestionSeconds: 1,
  ingestionEventCap: 500,
  directSeconds: 1,
  directInFlight: [8],
};

const FULL: Plan = {
  mode: 'full',
  ledgerSizes: [10_000, 100_000, 1_000_000],
  samples: { small: 300, large: 100, naive: 5, maxSeconds: 30 },
  ingestion: [1, 8, 32].flatMap((c) => [1, 50, 500].map((b): [number, number] => [c, b])),
  ingestionSeconds: 10,
  ingestionEventCap: 60_000,
  directSeconds: 10,
  directInFlight: [32, 128],
};

interface Principal {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

function eventCount(provenanceJson: string): number {
  const p = JSON.parse(provenanceJson) as { links?: Array<{ events?: unknown[] }> };
  return (p.links ?? []).reduce((n, l) => n + (l.events?.length ?? 0), 0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      'out-dir': { type: 'string', default: 'bench/results' },
      keep: { type: 'boolean', default: false },
      'batch-timeout-ms': { type: 'string', default: '100' },
      sizes: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const plan = values.smoke === true ? SMOKE : values.quick === true ? QUICK : FULL;
  if (values.sizes !== undefined) plan.ledgerSizes = values.sizes.split(',').map(Number);
  const batchTimeoutMs = Number(values['batch-timeout-ms']);
  profileChildrenInto(values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']));
  const loadAtStart = loadavg();
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'acetrace-bench-'));
  log(`mode ${plan.mode}, data ${dataDir}, load ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);

  const children: Child[] = [];
  const conns: Connection[] = [];
  const memory: Results['memory'] = {};
  const sampleMemory = (): void => {
    for (const c of children) {
      const m = c.memory();
      if (m) memory[c.name] = { peakMiB: Math.max(m.peakMiB, memory[c.name]?.peakMiB ?? 0), rssMiB: m.rssMiB };
    }
  };
  const memTimer = setInterval(sampleMemory, 1000);
  try {
    const net = await startNetwork({ dataDir, port: await freePort(), batchTimeoutMs, maxBatchSize: 500 });
    children.push(net);
    const gw = await startGateway(dataDir, net.connectionProfilePath, await freePort());
    children.push(gw);
    log(`network pid ${String(net.proc.pid)}, gateway pid ${String(gw.proc.pid)} at ${gw.url}`);
    const profile = loadProfile(net.connectionProfilePath);
    const principals = (JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { principals: Principal[] }).principals;
    const key = (role: string, mspId = 'Org1MSP'): string => {
      const p = principals.find((x) => x.role === role && x.mspId === mspId);
      if (!p) throw new Error(`no ${role} principal of ${mspId}`);
      return p.apiKey;
    };
    const connect = (name: string): Connection => {
      const c = connectAs(profile, name);
      conns.push(c);
      return c;
    };
    const suppliers = ['org1-supplier', 'org2-supplier', 'org3-supplier'].map(connect);
    const auditor = connect('org1-auditor');
    const metrics = async (): Promise<string> => (await httpOk('GET', `${gw.url}/metrics`, undefined, undefined, [200])).body;

    // ---- measured lots, through the gateway --------------------------------------------------
    let ledgerEvents = 0;
    const measured = new Map<number, { lotId: string; epc: string }>();
    for (const [n, size] of MEASURED_SIZES.entries()) {
      const lotId = `M-LOT-${String(size)}`;
      const lotNo = 900_000 + n;
      await httpOk('POST', `${gw.url}/v1/lots`, key('supplier'), lotInput(lotId, lotNo, 3), [200, 201]);
      const events = Array.from({ length: size }, (_, i) => event(`M${String(size)}`, lotId, lotNo, i, size));
      for (const role of ['supplier', 'logistics', 'broker'] as const) {
        const mine = events.filter((e) => roleForLink(e.link as number) === role);
        for (let i = 0; i < mine.length; i += MAX_BATCH) {
          await httpOk('POST', `${gw.url}/v1/events?wait=commit`, key(role), { events: mine.slice(i, i + MAX_BATCH) }, [201, 202]);
        }
      }
      for (let t = 0; ; t++) {
        const r = await httpOk('GET', `${gw.url}/v1/lots/${lotId}/provenance`, key('auditor'), undefined, [200]);
        if (eventCount(r.body) === size) break;
        if (t > 600) throw new Error(`${lotId}: provenance never showed ${String(size)} events`);
        await sleep(200);
      }
      measured.set(size, { lotId, epc: epcOf(lotNo, 2) });
      ledgerEvents += size;
      log(`measured lot ${lotId} (${String(size)} events) committed through the gateway`);
    }

    // ---- background seeding + provenance per ledger size --------------------------------------
    const seeding: SeedRow[] = [];
    const provenance: ProvenanceRow[] = [];
    let bgLots = 0;
    for (const target of plan.ledgerSizes) {
      const lotsNeeded = Math.max(0, Math.ceil((target - ledgerEvents) / BG_LOT_EVENTS));
      const t0 = performance.now();
      const lots = Array.from({ length: lotsNeeded }, (_, i) => bgLots + i);
      await pool(lots, 16, async (n) => {
        const c = suppliers[n % suppliers.length] as Connection;
        await c.contract.submitTransaction('RegisterLot', JSON.stringify(lotInput(`BG-LOT-${String(n).padStart(7, '0')}`, n, 1)));
      });
      const tLots = performance.now();
      let done = 0;
      await pool(lots, 8, async (n) => {
        const c = suppliers[n % suppliers.length] as Connection;
        const lotId = `BG-LOT-${String(n).padStart(7, '0')}`;
        const events = Array.from({ length: BG_LOT_EVENTS }, (_, i) => event(`BG${String(n)}`, lotId, n, i, BG_LOT_EVENTS, { supplierOnly: true, deviceId: `erp-${String(n % 50)}` }));
        await c.contract.submitTransaction('RecordEvents', JSON.stringify(events));
        done++;
        if (done % 100 === 0) log(`  seeded ${String(done)}/${String(lotsNeeded)} transactions of 500 events`);
      });
      const seconds = (performance.now() - t0) / 1000;
      bgLots += lotsNeeded;
      ledgerEvents += lotsNeeded * BG_LOT_EVENTS;
      sampleMemory();
      seeding.push({
        ledgerEvents,
        addedEvents: lotsNeeded * BG_LOT_EVENTS,
        lots: lotsNeeded,
        transactions: lotsNeeded * 2,
        seconds: round(seconds, 1),
        registerLotsSeconds: round((tLots - t0) / 1000, 1),
        eventsPerSecond: round((lotsNeeded * BG_LOT_EVENTS) / Math.max(0.001, (performance.now() - tLots) / 1000), 0),
      });
      log(`ledger at ${String(ledgerEvents)} events (seeded ${String(lotsNeeded * BG_LOT_EVENTS)} in ${seconds.toFixed(1)} s)`);

      const naiveLedger = Ledger.open(join(dataDir, 'network', 'ledger.sqlite'));
      try {
        for (const size of MEASURED_SIZES) {
          const m = measured.get(size);
          if (!m) continue;
          const count = size >= 1200 ? plan.samples.large : plan.samples.small;
          const add = (path: ProvenanceRow['path'], lat: number[]): void => {
            provenance.push({ ledgerEvents, lotEvents: size, path, ...summarise(lat) });
          };
          const audKey = key('auditor');
          add(
            'gateway-lot',
            await sample(async () => {
              await httpOk('GET', `${gw.url}/v1/lots/${m.lotId}/provenance`, audKey, undefined, [200]);
            }, count, plan.samples.maxSeconds),
          );
          add(
            'gateway-epc',
            await sample(async () => {
              await httpOk('GET', `${gw.url}/v1/epcs/${encodeURIComponent(m.epc)}/provenance`, audKey, undefined, [200]);
            }, count, plan.samples.maxSeconds),
          );
          add(
            'fabric-lot',
            await sample(async () => {
              await auditor.contract.evaluateTransaction('GetProvenance', m.lotId);
            }, count, plan.samples.maxSeconds),
          );
          add(
            'fabric-epc',
            await sample(async () => {
              await auditor.contract.evaluateTransaction('GetProvenanceByEpc', m.epc);
            }, count, plan.samples.maxSeconds),
          );
          // naive design: scan every event of the ledger and keep the lot's (no index by lot)
          let found = 0;
          add(
            'naive-scan',
            await sample(
              () => {
                found = 0;
                for (const r of naiveLedger.range(NS, '\u0000EVT\u0000', '\u0000EVT\u0001', 1000)) {
                  const e = JSON.parse(r.value.toString('utf8')) as { lotId?: string };
                  if (e.lotId === m.lotId) found++;
                }
                return Promise.resolve();
              },
              plan.samples.naive,
              plan.samples.maxSeconds,
              1,
            ),
          );
          if (found !== size) log(`  warning: naive scan found ${String(found)} events of ${m.lotId}, expected ${String(size)}`);
          // key design on the same stack: only the lot's own EVT[lotId, ...] range (the partial composite key the
          // chaincode's GetProvenance ranges over), same connection, same page size, same JSON parse per event
          const lotStart = `\u0000EVT\u0000${m.lotId}\u0000`;
          let inRange = 0;
          add(
            'key-range',
            await sample(
              () => {
                inRange = 0;
                for (const r of naiveLedger.range(NS, lotStart, `${lotStart}\u{10ffff}`, 1000)) {
                  const e = JSON.parse(r.value.toString('utf8')) as { lotId?: string };
                  if (e.lotId === m.lotId) inRange++;
                }
                return Promise.resolve();
              },
              count,
              plan.samples.maxSeconds,
            ),
          );
          if (inRange !== size) log(`  warning: the EVT range of ${m.lotId} held ${String(inRange)} events, expected ${String(size)}`);
          const gl = provenance.find((p) => p.ledgerEvents === ledgerEvents && p.lotEvents === size && p.path === 'gateway-lot');
          log(`  provenance ${String(size)}-event lot: gateway p50 ${String(gl?.p50Ms)} p99 ${String(gl?.p99Ms)} ms`);
        }
      } finally {
        naiveLedger.close();
      }
    }

    // ---- ingestion through the gateway -------------------------------------------------------
    const ingestion: IngestionRow[] = [];
    const ingLot = 'ING-LOT-1';
    await httpOk('POST', `${gw.url}/v1/lots`, key('supplier'), lotInput(ingLot, 950_000, 3), [200, 201]);
    const supplierKeys = ['Org1MSP', 'Org2MSP', 'Org3MSP'].map((m) => key('supplier', m));
    for (const [cell, [clients, batch]] of plan.ingestion.entries()) {
      const before = await metrics();
      const committed0 = metricValue(before, 'acetrace_events_committed_total');
      const txs0 = metricValue(before, 'acetrace_submit_batch_size_count');
      const retries0 = metricValue(before, 'acetrace_submit_retries_total');
      const ledgerRetries0 = metricValue(before, 'acetrace_ledger_retries_total');
      const rejected0 = metricValue(before, 'acetrace_events_rejected_total');
      const ack: number[] = [];
      let sent = 0;
      let errors = 0;
      const t0 = performance.now();
      const stopAt = t0 + plan.ingestionSeconds * 1000;
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          const apiKey = supplierKeys[c % supplierKeys.length] as string;
          for (let r = 0; performance.now() < stopAt && sent + batch <= plan.ingestionEventCap; r++) {
            sent += batch;
            const events = Array.from({ length: batch }, (_, i) =>
              event(`I${String(cell)}-${String(c)}-${String(r)}`, ingLot, 950_000, i, batch, { supplierOnly: true, deviceId: `reader-${String(cell)}-${String(c)}` }),
            );
            const t = performance.now();
            const res = await http('POST', `${gw.url}/v1/events`, apiKey, batch === 1 ? events[0] : { events });
            ack.push(performance.now() - t);
            if (res.status !== 202) {
              errors++;
              if (errors <= 3) log(`  POST /v1/events → ${String(res.status)} ${res.body.slice(0, 200)}`);
            }
          }
        }),
      );
      const tAck = performance.now();
      let after = before;
      for (;;) {
        after = await metrics();
        const c = metricValue(after, 'acetrace_events_committed_total') - committed0;
        const rj = metricValue(after, 'acetrace_events_rejected_total') - rejected0;
        if (c + rj >= sent || performance.now() - tAck > 300_000) break;
        await sleep(100);
      }
      const tCommit = performance.now();
      sampleMemory();
      const lat = summarise(ack);
      const row: IngestionRow = {
        clients,
        batch,
        events: sent,
        requests: ack.length,
        httpErrors: errors,
        ackedPerSecond: round(sent / ((tAck - t0) / 1000), 0),
        committedPerSecond: round((metricValue(after, 'acetrace_events_committed_total') - committed0) / ((tCommit - t0) / 1000), 0),
        ackP50Ms: lat.p50Ms,
        ackP95Ms: lat.p95Ms,
        ackP99Ms: lat.p99Ms,
        secondsUntilAllCommitted: round((tCommit - t0) / 1000, 1),
        transactions: metricValue(after, 'acetrace_submit_batch_size_count') - txs0,
        submitRetries: metricValue(after, 'acetrace_submit_retries_total') - retries0,
        ledgerRetries: metricValue(after, 'acetrace_ledger_retries_total') - ledgerRetries0,
        rejected: metricValue(after, 'acetrace_events_rejected_total') - rejected0,
      };
      ingestion.push(row);
      ledgerEvents += sent;
      log(`  ingestion ${String(clients)} clients × ${String(batch)}: acked ${String(row.ackedPerSecond)}/s, committed ${String(row.committedPerSecond)}/s, ${String(row.transactions)} txs, retries ${String(row.submitRetries)}`);
    }

    // ---- direct single-event transactions to one lot: tx/s and MVCC conflicts ------------------
    const direct: Results['direct'] = [];
    const dirLot = 'MVCC-LOT-1';
    await (suppliers[0] as Connection).contract.submitTransaction('RegisterLot', JSON.stringify(lotInput(dirLot, 960_000, 1)));
    const writers = Array.from({ length: 8 }, (_, i) => connect(['org1-supplier', 'org2-supplier', 'org3-supplier'][i % 3] as string));
    for (const inFlight of plan.directInFlight) {
      const codes = new Map<string, number>();
      let ok = 0;
      let other = 0;
      const lat: number[] = [];
      const t0 = performance.now();
      const stopAt = t0 + plan.directSeconds * 1000;
      await Promise.all(
        Array.from({ length: inFlight }, async (_, w) => {
          const c = writers[w % writers.length] as Connection;
          for (let i = 0; performance.now() < stopAt; i++) {
            const e = event(`D${String(inFlight)}-${String(w)}-${String(i)}`, dirLot, 960_000, i % 5, 5, { supplierOnly: true, deviceId: `dev-${String(w)}` });
            const t = performance.now();
            try {
              await c.contract.submitTransaction('RecordEvents', JSON.stringify([e]));
              ok++;
              lat.push(performance.now() - t);
            } catch (err) {
              const code = commitCode(err);
              if (code !== undefined) codes.set(String(code), (codes.get(String(code)) ?? 0) + 1);
              else {
                other++;
                if (other <= 3) log(`  direct submit failed: ${err instanceof Error ? err.message : String(err)}`);
              }
            }
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const l = summarise(lat);
      direct.push({
        inFlight,
        committedTxs: ok,
        seconds: round(seconds, 1),
        txPerSecond: round(ok / seconds, 1),
        p50Ms: l.p50Ms,
        p95Ms: l.p95Ms,
        p99Ms: l.p99Ms,
        mvccConflicts: codes.get('11') ?? 0,
        commitErrorsByCode: Object.fromEntries(codes),
        otherErrors: other,
      });
      ledgerEvents += ok;
      log(`  direct single-event txs, ${String(inFlight)} in flight: ${String(round(ok / seconds, 1))} tx/s, MVCC ${String(codes.get('11') ?? 0)}`);
    }
    sampleMemory();

    // ---- targets ---------------------------------------------------------------------------
    const largest = Math.max(...plan.ledgerSizes);
    const smallest = Math.min(...plan.ledgerSizes);
    const p = (ledger: number, lotEvents: number, path: ProvenanceRow['path']): ProvenanceRow | undefined =>
      provenance.find((r) => r.ledgerEvents >= ledger && r.ledgerEvents < ledger + 2000 && r.lotEvents === lotEvents && r.path === path);
    const big = p(largest, 120, 'gateway-lot');
    const small = p(smallest, 120, 'gateway-lot');
    const bestBatched = Math.max(0, ...ingestion.filter((r) => r.batch > 1).map((r) => r.committedPerSecond));
    const bestSingleHttp = Math.max(0, ...ingestion.filter((r) => r.batch === 1).map((r) => r.committedPerSecond));
    const bestSingleTx = Math.max(0, ...direct.map((r) => r.txPerSecond));
    const mvcc = direct.reduce((n, r) => n + r.mvccConflicts, 0);
    const mvccGateway = ingestion.reduce((n, r) => n + r.submitRetries, 0);
    const targets: Target[] = [
      { target: `provenance p99 < 50 ms, 120-event lot, largest ledger (${String(largest)} events), gateway by lot id`, measured: `${String(big?.p99Ms)} ms`, pass: (big?.p99Ms ?? Infinity) < 50 },
      {
        target: 'provenance flat in ledger size: p99 largest / smallest ≤ 2 (120-event lot, gateway)',
        measured: `${String(small?.p99Ms)} → ${String(big?.p99Ms)} ms (×${String(round((big?.p99Ms ?? 0) / Math.max(0.001, small?.p99Ms ?? 0)))}); p50 ×${String(round((big?.p50Ms ?? 0) / Math.max(0.001, small?.p50Ms ?? 0)))}`,
        pass: (big?.p99Ms ?? Infinity) <= 2 * (small?.p99Ms ?? 0),
      },
      { target: '≥ 2,000 events/s committed with batching (gateway)', measured: `${String(bestBatched)} events/s`, pass: bestBatched >= 2000 },
      { target: '≥ 300 single-event transactions/s committed (fabric-gateway, RecordEvents of 1 event)', measured: `${String(bestSingleTx)} tx/s (gateway, 1-event requests: ${String(bestSingleHttp)} events/s)`, pass: bestSingleTx >= 300 },
      { target: 'zero MVCC conflicts from distinct events on one lot', measured: `${String(mvcc)} CommitError code 11 (direct); ${String(mvccGateway)} outbox retries (gateway)`, pass: mvcc === 0 && mvccGateway === 0 },
    ];

    const results: Results = {
      benchmark: 'acetrace issue #7: provenance, ingestion, MVCC and memory through the gateway and fabric-gateway',
      date: new Date().toISOString(),
      mode: plan.mode,
      setup: {
        network: `node network/dist/cli.js (child process; TLS, MAJORITY endorsement, batchTimeout ${String(batchTimeoutMs)} ms, maxBatchSize 500)`,
        gateway: 'node scripts/dist/start-gateway.js (child process; outbox defaults, rate limit lifted, log level warn)',
        client: 'this process: node:http keep-alive client, @hyperledger/fabric-gateway 1.11 over gRPC+TLS',
        backgroundSeeding: `RegisterLot + RecordEvents of ${String(BG_LOT_EVENTS)} events per tx, 8 in flight, straight through fabric-gateway`,
        measuredLots: 'registered and recorded through POST /v1/lots and POST /v1/events?wait=commit; events across all 12 links',
      },
      machine: machine(loadAtStart),
      totalSeconds: round((performance.now() - started) / 1000, 1),
      ledgerEventsAtEnd: ledgerEvents,
      seeding,
      provenance,
      ingestion,
      direct,
      memory,
      targets,
    };
    const outDir = resolve(values['out-dir']);
    writeReports(results, outDir);
    console.log(readFileSync(join(outDir, 'latest.md'), 'utf8'));
    log(`written ${join(outDir, 'latest.json')}, latest.md, provenance.svg`);
  } catch (err) {
    for (const name of ['gateway.log', 'network.log']) {
      try {
        log(`tail of ${name}:\n${readFileSync(join(dataDir, name), 'utf8').split('\n').slice(-15).join('\n')}`);
      } catch {
        // no log
      }
    }
    throw err;
  } finally {
    clearInterval(memTimer);
    for (const c of conns) c.close();
    for (const c of [...children].reverse()) await c.stop();
    if (values.keep === true) log(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
