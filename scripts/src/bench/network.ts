/**
 * Benchmark of the embedded network through @hyperledger/fabric-gateway (not a test):
 * evaluate latency p50/p99 and submit→commit throughput with 1, 8 and 32 concurrent clients.
 * Prints a table and writes bench/results/network.json.
 *
 *   node scripts/dist/bench/network.js [--seconds 5] [--out bench/results/network.json]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedNetwork } from '@acetrace/network';
import pino from 'pino';
import { connectAs, type Connection } from './lib/fabric';
import { lotInput } from './lib/data';
import { percentile, round } from './lib/stats';

interface Row {
  readonly scenario: string;
  readonly concurrency: number;
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly blocks?: number;
}

/** A lot with no EPCs, as RegisterLot's argument (the benchmark's lot builder; its content does not matter here). */
function lot(lotId: string): string {
  return JSON.stringify(lotInput(lotId, 0, 0));
}

/** Runs `op` from `concurrency` workers (each with its own gateway connection) for `seconds`. */
async function load(
  connections: readonly Connection[],
  seconds: number,
  op: (c: Connection, worker: number, i: number) => Promise<void>,
): Promise<{ latencies: number[]; elapsed: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  await Promise.all(
    connections.map(async (c, worker) => {
      for (let i = 0; performance.now() < stopAt; i++) {
        const t0 = performance.now();
        await op(c, worker, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), elapsed: (performance.now() - started) / 1000 };
}

function row(scenario: string, concurrency: number, r: { latencies: number[]; elapsed: number }, blocks?: number): Row {
  return {
    scenario,
    concurrency,
    operations: r.latencies.length,
    seconds: round(r.elapsed),
    perSecond: round(r.latencies.length / r.elapsed, 1),
    p50Ms: round(percentile(r.latencies, 50)),
    p99Ms: round(percentile(r.latencies, 99)),
    ...(blocks !== undefined ? { blocks } : {}),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '5' }, out: { type: 'string', default: 'bench/results/network.json' } },
  });
  const seconds = Number(values.seconds);
  const dataDir = mkdtempSync(join(tmpdir(), 'acetrace-bench-'));
  const batchTimeoutMs = Number(process.env.ACETRACE_NETWORK_BATCH_TIMEOUT_MS ?? 100);
  const net = await EmbeddedNetwork.start({ dataDir, port: 0, logger: pino({ level: 'warn' }), batchTimeoutMs });
  const rows: Row[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  try {
    const seed = connectAs(net.connection, 'org1-supplier');
    await seed.contract.submitTransaction('RegisterLot', lot('BENCH-SEED'));
    seed.close();

    for (const concurrency of [1, 8, 32]) {
      const connections = Array.from({ length: concurrency }, (_, i) => connectAs(net.connection, i % 2 === 0 ? 'org1-viewer' : 'org2-viewer'));
      // warm-up
      await load(connections, 0.5, async (c) => {
        await c.contract.evaluateTransaction('ReadLot', 'BENCH-SEED');
      });
      const r = await load(connections, seconds, async (c) => {
        await c.contract.evaluateTransaction('ReadLot', 'BENCH-SEED');
      });
      rows.push(row('evaluate ReadLot', concurrency, r));
      connections.forEach((c) => {
        c.close();
      });
    }

    for (const concurrency of [1, 8, 32]) {
      const connections = Array.from({ length: concurrency }, (_, i) =>
        connectAs(net.connection, ['org1-supplier', 'org2-supplier', 'org3-supplier'][i % 3] ?? 'org1-supplier'),
      );
      const heightBefore = net.height();
      const r = await load(connections, seconds, async (c, worker, i) => {
        await c.contract.submitTransaction('RegisterLot', lot(`BENCH-${String(concurrency)}-${String(worker)}-${String(i)}`));
      });
      rows.push(row('submit→commit RegisterLot', concurrency, r, net.height() - heightBefore));
      connections.forEach((c) => {
        c.close();
      });
    }
  } finally {
    await net.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const cpu = cpus();
  const machine = {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    totalMemoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    // other processes share the machine: the 1-minute load average before and after the run
    loadAverage1m: { before: round(loadBefore), after: round(loadavg()[0] ?? 0) },
    platform: `${process.platform}/${process.arch}`,
  };
  const result = {
    benchmark: 'embedded network via @hyperledger/fabric-gateway 1.11 (TLS on)',
    date: new Date().toISOString(),
    secondsPerScenario: seconds,
    orderer: { batchTimeoutMs, maxMessageCount: 500 },
    endorsementPolicy: 'MAJORITY (2 of 3 orgs sign each transaction)',
    machine,
    rows,
  };
  console.log(
    `\nembedded network benchmark — ${String(machine.cpus)} × ${machine.cpuModel}, ${String(machine.totalMemoryGiB)} GiB, Node ${machine.node}, load ${String(machine.loadAverage1m.before)}→${String(machine.loadAverage1m.after)}`,
  );
  console.table(rows.map((r) => ({ ...r, blocks: r.blocks ?? '' })));
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`written ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
