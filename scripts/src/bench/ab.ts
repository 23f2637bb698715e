/**
 * `node scripts/dist/bench/ab.js --base DIR [--parts provenance,ingestion,single,wait] [--rounds 60] [--seconds 4]`:
 * the same-run A/B of issue #19. Starts two stacks (network + gateway children, each its own data
 * folder) — A from another built checkout `DIR` (the baseline), B from this one — and measures both
 * in the same minutes: provenance of the 120- and 1,200-event lots over HTTP with the requests
 * interleaved (A, B, B, A, ...), as they come and again with `Cache-Control: no-cache` (evaluated every
 * time when the gateway keeps answers), then ingestion (8 clients × 500 events), single-event transactions
 * (128 in flight) and ?wait=commit (64 clients), A then B. On a shared machine only such
 * side-by-side figures say whether a change helped. Writes a Markdown table on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { httpOk } from './lib/http';
import { log } from './lib/log';
import type { IngestionRow } from './lib/report';
import { BenchStack, type Stack } from './lib/stack';
import { sleep, summarise, type Latency } from './lib/stats';
import { measureConcurrency } from './phases/concurrency';
import { measureIngestion } from './phases/ingestion';
import { recordMeasuredLots } from './phases/measured-lots';
import { measureWaitCommit } from './phases/wait-commit';
import { planFor, type Plan } from './plan';

interface Side {
  name: string;
  bench: BenchStack;
  stack: Stack;
  lots: Map<number, string>;
}

function row(what: string, a: string, b: string, ratio: string): string {
  return `| ${what} | ${a} | ${b} | ${ratio} |`;
}

function lat(l: Latency): string {
  return `${String(l.p50Ms)} / ${String(l.p95Ms)} / ${String(l.p99Ms)}`;
}

/** `rounds` interleaved provenance requests of one lot size per side (A, B, B, A, ...): latencies and CPU ms per request. */
async function interleaved(sides: readonly [Side, Side], size: number, rounds: number, headers: Record<string, string>): Promise<{ times: [number[], number[]]; cpu: [number, number] }> {
  const times: [number[], number[]] = [[], []];
  const cpu: [number, number] = [0, 0];
  for (let r = -3; r < rounds; r++) {
    if (r === 0) for (const i of [0, 1] as const) cpu[i] = -sides[i].stack.cpuMs();
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const s = sides[i as 0 | 1];
      const t = performance.now();
      await httpOk('GET', `${s.stack.gatewayUrl}/v1/lots/${s.lots.get(size) ?? ''}/provenance`, s.stack.key('auditor'), undefined, [200], headers);
      if (r >= 0) times[i as 0 | 1].push(performance.now() - t);
    }
  }
  for (const i of [0, 1] as const) cpu[i] = (cpu[i] + sides[i].stack.cpuMs()) / rounds;
  return { times, cpu };
}

/**
 * Provenance of the 120- and 1,200-event lots, interleaved; `fresh` sends `Cache-Control: no-cache`, so a
 * gateway with the evaluation cache evaluates every request (one without it ignores the header).
 */
async function provenance(sides: readonly [Side, Side], rounds: number, fresh: boolean): Promise<string[]> {
  const how = fresh ? ', Cache-Control: no-cache' : '';
  const out: string[] = [];
  for (const size of [120, 1200]) {
    const { times, cpu } = await interleaved(sides, size, rounds, fresh ? { 'cache-control': 'no-cache' } : {});
    const [a, b] = [summarise(times[0]), summarise(times[1])];
    out.push(row(`provenance ${String(size)}-event lot, HTTP${how}, p50 / p95 / p99 ms (${String(rounds)} each)`, lat(a), lat(b), `p50 ×${(b.p50Ms / a.p50Ms).toFixed(2)}, p99 ×${(b.p99Ms / a.p99Ms).toFixed(2)}`));
    out.push(row(`provenance ${String(size)}-event lot${how}, CPU ms of network + gateway per request`, cpu[0].toFixed(1), cpu[1].toFixed(1), `×${(cpu[1] / cpu[0]).toFixed(2)}`));
  }
  return out;
}

/** Runs `measure` on A, then B, with the CPU ms both children of each side used per unit `count` counts. */
async function bothWithCpu<T>(sides: readonly [Side, Side], measure: (s: Stack) => Promise<T>, count: (t: T) => number): Promise<Array<{ r: T; cpuPerUnit: number }>> {
  const out: Array<{ r: T; cpuPerUnit: number }> = [];
  for (const s of sides) {
    const before = s.stack.cpuMs();
    const r = await measure(s.stack);
    await sleep(1000); // the commit of the last block
    out.push({ r, cpuPerUnit: (s.stack.cpuMs() - before) / Math.max(1, count(r)) });
  }
  return out;
}

function cpuRow(what: string, pair: ReadonlyArray<{ cpuPerUnit: number }>): string {
  const [a, b] = [pair[0]?.cpuPerUnit ?? 0, pair[1]?.cpuPerUnit ?? 0];
  return row(what, a.toFixed(2), b.toFixed(2), `×${(b / Math.max(1e-9, a)).toFixed(2)}`);
}

async function ingestionRows(sides: readonly [Side, Side], plan: Plan): Promise<string[]> {
  const [a, b] = await bothWithCpu(sides, async (s) => (await measureIngestion(s, plan))[0], (r) => r?.events ?? 0);
  if (!a?.r || !b?.r) return [];
  const fig = (r: IngestionRow): string => `${String(r.committedPerSecond)} (${String(r.transactions)}, ${String(r.submitRetries)})`;
  return [
    row('8 clients × 500 events, committed events/s (txs, retries)', fig(a.r), fig(b.r), `×${(b.r.committedPerSecond / a.r.committedPerSecond).toFixed(2)}`),
    cpuRow('8 clients × 500 events, CPU ms of network + gateway per event', [a, b]),
  ];
}

async function singleRows(sides: readonly [Side, Side], plan: Plan): Promise<string[]> {
  const [a, b] = await bothWithCpu(sides, async (s) => (await measureConcurrency(s, plan))[0], (r) => r?.committedTxs ?? 0);
  if (!a?.r || !b?.r) return [];
  return [
    row('single-event tx/s, 128 in flight (p50 ms)', `${String(a.r.txPerSecond)} (${String(a.r.p50Ms)})`, `${String(b.r.txPerSecond)} (${String(b.r.p50Ms)})`, `×${(b.r.txPerSecond / a.r.txPerSecond).toFixed(2)}`),
    cpuRow('single-event transactions, CPU ms of network + gateway per committed tx', [a, b]),
  ];
}

async function waitRows(sides: readonly [Side, Side], plan: Plan): Promise<string[]> {
  const [a, b] = await bothWithCpu(sides, (s) => measureWaitCommit(s, plan, 64), (r) => r.committed);
  if (!a || !b) return [];
  return [
    row('?wait=commit, 64 clients, p50 / p95 / p99 ms (events/s)', `${lat(a.r)} (${String(a.r.eventsPerSecond)})`, `${lat(b.r)} (${String(b.r.eventsPerSecond)})`, `p50 ×${(b.r.p50Ms / a.r.p50Ms).toFixed(2)}`),
    cpuRow('?wait=commit, CPU ms of network + gateway per committed event', [a, b]),
  ];
}

async function throughput(sides: readonly [Side, Side], plan: Plan, parts: ReadonlySet<string>): Promise<string[]> {
  return [
    ...(parts.has('ingestion') ? await ingestionRows(sides, plan) : []),
    ...(parts.has('single') ? await singleRows(sides, plan) : []),
    ...(parts.has('wait') ? await waitRows(sides, plan) : []),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { base: { type: 'string' }, parts: { type: 'string', default: 'provenance,ingestion,single,wait' }, rounds: { type: 'string', default: '60' }, seconds: { type: 'string', default: '4' } },
  });
  if (values.base === undefined) throw new Error('--base DIR (a built checkout to compare with) is required');
  const parts = new Set(values.parts.split(','));
  const quick = planFor({ smoke: false, quick: true, sizes: undefined });
  const plan: Plan = { ...quick, ingestion: [[8, 500]], ingestionSeconds: Number(values.seconds), directSeconds: Number(values.seconds), directInFlight: [128] };
  const sides: Side[] = [];
  try {
    for (const [name, root] of [
      ['A (base)', resolve(values.base)],
      ['B (this checkout)', undefined],
    ] as const) {
      const bench = new BenchStack(mkdtempSync(join(tmpdir(), 'acetrace-ab-')));
      const side: Side = { name, bench, stack: await bench.start(100, { root }), lots: new Map() };
      sides.push(side);
      if (parts.has('provenance')) for (const [size, m] of await recordMeasuredLots(side.stack)) side.lots.set(size, m.lotId);
      log(`${name} ready`);
    }
    const pair = sides as [Side, Side];
    const rounds = Number(values.rounds);
    const reads = parts.has('provenance') ? [...(await provenance(pair, rounds, false)), ...(await provenance(pair, rounds, true))] : [];
    const rows = [...reads, ...(await throughput(pair, plan, parts))];
    for (const s of sides) s.stack.sampleMemory();
    rows.push(row('peak RSS MiB network / gateway', ...(pair.map((s) => `${String(s.bench.memory.network?.peakMiB)} / ${String(s.bench.memory.gateway?.peakMiB)}`) as [string, string]), ''));
    console.log(['| measure | A (base) | B (this checkout) | B vs A |', '| --- | --- | --- | --- |', ...rows].join('\n'));
  } finally {
    for (const s of sides) {
      await s.bench.close();
      rmSync(s.stack.dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
