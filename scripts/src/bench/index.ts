/**
 * `npm run bench [-- --quick]`: the acetrace benchmark of issue #7 (not a test).
 *
 * Runs the embedded network (`node network/dist/cli.js`) and the gateway
 * (`node scripts/dist/start-gateway.js`) as two child processes on a fresh data folder
 * (lib/stack.ts), then one phase after another (phases/):
 *  1. measured-lots: lots of 12, 120 and 1,200 events, registered and recorded through the gateway;
 *  2. seed: background events, RecordEvents of 500 events per transaction straight through
 *     fabric-gateway, until the ledger reaches each of the plan's sizes; after each size,
 *  3. provenance: by lot id and by EPC over HTTP and through fabric-gateway (no HTTP); and, on one
 *     raw-SQLite stack in this process, a naive full scan of the event key space against the lot's
 *     own EVT key range (the key design's ratio, same stack);
 *     3b. paging: a 10,000-event lot's summary view and per-link pages, when the gateway has those routes;
 *  4. ingestion: POST /v1/events, single and batched: acknowledged (202) and committed events/s;
 *     4b. wait=commit: many clients posting single events with ?wait=commit (commit latency);
 *  5. concurrency: many clients submitting distinct single-event transactions to one lot (MVCC
 *     conflicts as CommitError code 11, transactions/s); the gateway's outbox retries come from 4.;
 *  6. targets, then report; peak RSS (VmHWM) of each child process is sampled throughout.
 * Writes bench/results/latest.json, latest.md and provenance.svg.
 * With `--network fabric --profile <connection.json>` the same phases run against a real Fabric
 * network (network/README-fabric.md): only the gateway is started, in front of it; the raw-SQLite
 * rows are left out (the peers' state is not SQLite). Use a fresh network: the lot ids are fixed.
 *
 *   node scripts/dist/bench/index.js [--quick] [--out-dir bench/results] [--keep] [--sizes 10000,50000]
 *     [--network embedded|fabric] [--profile PATH (with --network fabric)]
 *     [--batch-timeout-ms 100] [--cpu-prof DIR (network.cpuprofile, gateway.cpuprofile)] [--smoke (seconds-long self-check, write it elsewhere with --out-dir)]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { log } from './lib/log';
import { profileChildrenInto } from './lib/procs';
import type { PagingResult, ProvenanceRow, Results, SeedRow } from './lib/report';
import { BenchStack, type Stack } from './lib/stack';
import { recordMeasuredLots, type MeasuredLot } from './phases/measured-lots';
import { measureConcurrency } from './phases/concurrency';
import { measureIngestion } from './phases/ingestion';
import { measurePaging, PAGED_LOT_EVENTS } from './phases/paging';
import { measureProvenance } from './phases/provenance';
import { report } from './phases/report';
import { seedLedger } from './phases/seed';
import { judgeIssue19, judgeTargets } from './phases/targets';
import { measureWaitCommit } from './phases/wait-commit';
import { MEASURED_SIZES, planFor, type Plan } from './plan';

interface Options {
  plan: Plan;
  outDir: string;
  keep: boolean;
  batchTimeoutMs: number;
  cpuProf: string | undefined;
  /** A real Fabric network's connection profile; undefined: the embedded network. */
  fabricProfile: string | undefined;
}

/** The connection profile `--network fabric --profile P` names, or undefined for `--network embedded`. */
function fabricProfileOf(network: string, profile: string | undefined): string | undefined {
  if (network === 'embedded') {
    if (profile !== undefined) throw new Error('--profile needs --network fabric');
    return undefined;
  }
  if (network !== 'fabric') throw new Error(`--network must be embedded or fabric, got ${network}`);
  if (profile === undefined) throw new Error('--network fabric needs --profile <connection.json> (network/README-fabric.md)');
  if (!existsSync(profile)) throw new Error(`no connection profile at ${profile}`);
  return resolve(profile);
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      'out-dir': { type: 'string', default: 'bench/results' },
      keep: { type: 'boolean', default: false },
      'batch-timeout-ms': { type: 'string', default: '100' },
      sizes: { type: 'string' },
      'cpu-prof': { type: 'string' },
      network: { type: 'string', default: 'embedded' },
      profile: { type: 'string' },
    },
  });
  return {
    plan: planFor({ smoke: values.smoke, quick: values.quick, sizes: values.sizes }),
    outDir: resolve(values['out-dir']),
    keep: values.keep,
    batchTimeoutMs: Number(values['batch-timeout-ms']),
    cpuProf: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    fabricProfile: fabricProfileOf(values.network, values.profile),
  };
}

/** Seeds the ledger to each of the plan's sizes in turn and times provenance on each. */
async function provenanceByLedgerSize(
  stack: Stack,
  plan: Plan,
  measured: ReadonlyMap<number, MeasuredLot>,
  ledgerEvents: number,
  phaseEnded: (phase: string) => void,
): Promise<{ seeding: SeedRow[]; provenance: ProvenanceRow[]; paging: PagingResult[]; ledgerEvents: number }> {
  const seeding: SeedRow[] = [];
  const provenance: ProvenanceRow[] = [];
  const paging: PagingResult[] = [];
  const pagedLot = { done: false };
  let events = ledgerEvents;
  let bgLots = 0;
  for (const target of plan.ledgerSizes) {
    const row = await seedLedger(stack, target, events, bgLots);
    seeding.push(row);
    bgLots += row.lots;
    events = row.ledgerEvents;
    phaseEnded(`seeding to ${String(target)} events`);
    provenance.push(...(await measureProvenance(stack, plan, measured, events)));
    phaseEnded(`provenance at ${String(events)} events`);
    const probe = measured.get(12)?.lotId;
    const recordedBefore = pagedLot.done;
    if (probe !== undefined) {
      paging.push(await measurePaging(stack, plan, probe, events, pagedLot));
      phaseEnded(`paging at ${String(events)} events`);
    }
    // the paged lot's events are on the ledger from now on: the next seeding step counts them
    if (!recordedBefore && pagedLot.done) events += PAGED_LOT_EVENTS;
  }
  return { seeding, provenance, paging, ledgerEvents: events };
}

async function main(): Promise<void> {
  const o = options();
  const { plan } = o;
  profileChildrenInto(o.cpuProf);
  const loadAtStart = loadavg();
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'acetrace-bench-'));
  log(`mode ${plan.mode}, data ${dataDir}, network ${o.fabricProfile ?? 'embedded'}, load ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  const loadByPhase: NonNullable<Results['loadByPhase']> = [];
  const bench = new BenchStack(dataDir);
  const phaseEnded = (phase: string): void => {
    const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
    const memory = bench.phaseMemory();
    loadByPhase.push({ phase, loadAverage, memory });
    const mem = Object.entries(memory).map(([name, m]) => `${name} VmHWM ${String(m.peakMiB)} MiB, VmRSS ${String(m.rssMiB)} MiB`);
    log(`${phase}: done, load ${loadAverage.join(' ')}; ${mem.join('; ')}`);
  };
  try {
    const stack = await bench.start(o.batchTimeoutMs, o.fabricProfile === undefined ? {} : { fabricProfile: o.fabricProfile });
    const measured = await recordMeasuredLots(stack);
    phaseEnded('measured lots');
    const grown = await provenanceByLedgerSize(stack, plan, measured, MEASURED_SIZES.reduce((n, size) => n + size, 0), phaseEnded);
    const ingestion = await measureIngestion(stack, plan);
    phaseEnded('ingestion');
    const waitCommit = [];
    for (const clients of plan.waitCommitClients) waitCommit.push(await measureWaitCommit(stack, plan, clients));
    phaseEnded('wait=commit');
    const direct = await measureConcurrency(stack, plan);
    phaseEnded('single-event transactions');
    stack.sampleMemory();
    const ledgerEventsAtEnd =
      grown.ledgerEvents + ingestion.reduce((n, r) => n + r.events, 0) + waitCommit.reduce((n, r) => n + r.committed, 0) + direct.reduce((n, r) => n + r.committedTxs, 0);
    report(
      plan,
      { batchTimeoutMs: o.batchTimeoutMs, fabricProfile: o.fabricProfile, loadAtStart, started, outDir: o.outDir },
      {
        ledgerEventsAtEnd,
        seeding: grown.seeding,
        provenance: grown.provenance,
        ingestion,
        direct,
        waitCommit,
        paging: grown.paging,
        memory: bench.memory,
        targets: judgeTargets(plan.ledgerSizes, grown.provenance, ingestion, direct),
        targets19: judgeIssue19({ ledgerSizes: plan.ledgerSizes, provenance: grown.provenance, ingestion, direct, waitCommit, paging: grown.paging, memory: bench.memory }),
        loadByPhase,
      },
    );
  } catch (err) {
    bench.logTails();
    throw err;
  } finally {
    await bench.close();
    if (o.keep) log(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
