/** Phase 6: the issue's targets, judged against the measured rows. */
import { describeCpu, type WithCpu } from '../lib/cpu-cost';
import type { DirectRow, IngestionRow, PagingResult, ProvenanceRow, Target, WaitCommitRow } from '../lib/report';
import { round } from '../lib/stats';
import type { OutboxTiming } from './ingestion';

/** The 120-event lot's row on the ledger seeded to `ledger` events (the measured lots add up to 2,000). */
function rowAt(provenance: readonly ProvenanceRow[], ledger: number, path: ProvenanceRow['path']): ProvenanceRow | undefined {
  return provenance.find((r) => r.ledgerEvents >= ledger && r.ledgerEvents < ledger + 2000 && r.lotEvents === 120 && r.path === path);
}

/** `a / b` to two decimals, as the report writes ratios (a missing row counts as 0). */
function ratio(a: number | undefined, b: number | undefined): string {
  return String(round((a ?? 0) / Math.max(0.001, b ?? 0)));
}

/** p50 and p99 of a row, both undefined when the row is missing. */
function latencyOf(row: ProvenanceRow | undefined): { p50: number | undefined; p99: number | undefined } {
  return row === undefined ? { p50: undefined, p99: undefined } : { p50: row.p50Ms, p99: row.p99Ms };
}

function provenanceTargets(provenance: readonly ProvenanceRow[], ledgerSizes: readonly number[]): Target[] {
  const largest = Math.max(...ledgerSizes);
  const big = latencyOf(rowAt(provenance, largest, 'gateway-lot'));
  const small = latencyOf(rowAt(provenance, Math.min(...ledgerSizes), 'gateway-lot'));
  return [
    { target: `provenance p99 < 50 ms, 120-event lot, largest ledger (${String(largest)} events), gateway by lot id`, measured: `${String(big.p99)} ms`, pass: (big.p99 ?? Infinity) < 50 },
    {
      target: 'provenance flat in ledger size: p99 largest / smallest ≤ 2 (120-event lot, gateway)',
      measured: `${String(small.p99)} → ${String(big.p99)} ms (×${ratio(big.p99, small.p99)}); p50 ×${ratio(big.p50, small.p50)}`,
      pass: (big.p99 ?? Infinity) <= 2 * (small.p99 ?? 0),
    },
  ];
}

function throughputTargets(ingestion: readonly IngestionRow[], direct: readonly DirectRow[]): Target[] {
  const bestBatched = Math.max(0, ...ingestion.filter((r) => r.batch > 1).map((r) => r.committedPerSecond));
  const bestSingleHttp = Math.max(0, ...ingestion.filter((r) => r.batch === 1).map((r) => r.committedPerSecond));
  const bestSingleTx = Math.max(0, ...direct.map((r) => r.txPerSecond));
  const mvcc = direct.reduce((n, r) => n + r.mvccConflicts, 0);
  const mvccGateway = ingestion.reduce((n, r) => n + r.submitRetries, 0);
  return [
    { target: '≥ 2,000 events/s committed with batching (gateway)', measured: `${String(bestBatched)} events/s`, pass: bestBatched >= 2000 },
    { target: '≥ 300 single-event transactions/s committed (fabric-gateway, RecordEvents of 1 event)', measured: `${String(bestSingleTx)} tx/s (gateway, 1-event requests: ${String(bestSingleHttp)} events/s)`, pass: bestSingleTx >= 300 },
    { target: 'zero MVCC conflicts from distinct events on one lot', measured: `${String(mvcc)} CommitError code 11 (direct); ${String(mvccGateway)} outbox retries (gateway)`, pass: mvcc === 0 && mvccGateway === 0 },
  ];
}

/** The five targets in the report's order: latency, flatness, batched throughput, single-event throughput, MVCC. */
export function judgeTargets(ledgerSizes: readonly number[], provenance: readonly ProvenanceRow[], ingestion: readonly IngestionRow[], direct: readonly DirectRow[]): Target[] {
  return [...provenanceTargets(provenance, ledgerSizes), ...throughputTargets(ingestion, direct)];
}

/** The gateway-by-lot-id row (`path`) of a lot size on the ledger seeded to `ledger` events. */
function lotRowAt(provenance: readonly ProvenanceRow[], ledger: number, lotEvents: number, path: ProvenanceRow['path'] = 'gateway-lot'): ProvenanceRow | undefined {
  return provenance.find((r) => r.ledgerEvents >= ledger && r.ledgerEvents < ledger + 2000 && r.lotEvents === lotEvents && r.path === path);
}

/**
 * Each latency target twice: as readers get it when no block committed since the same read (the gateway's kept
 * answer), and evaluated every time (`Cache-Control: no-cache`: GetProvenance and GetPrivateData on the peers).
 */
const READS: ReadonlyArray<[ProvenanceRow['path'], string]> = [
  ['gateway-lot', 'kept answer (no block since the same read)'],
  ['gateway-lot-fresh', 'evaluated every time (Cache-Control: no-cache)'],
];

function provenance19(provenance: readonly ProvenanceRow[], ledgerSizes: readonly number[]): Target[] {
  const largest = Math.max(...ledgerSizes);
  const smallest = Math.min(...ledgerSizes);
  const out: Target[] = [];
  for (const [path, how] of READS) {
    for (const [lot, limit] of [
      [120, 20],
      [1200, 100],
    ] as const) {
      const p99 = lotRowAt(provenance, largest, lot, path)?.p99Ms;
      out.push({ target: `provenance p99 ≤ ${String(limit)} ms, ${String(lot)}-event lot, ${String(largest)}-event ledger, HTTP gateway by lot id, ${how}`, measured: `${String(p99)} ms`, pass: (p99 ?? Infinity) <= limit });
    }
  }
  for (const [path, how] of READS) {
    const ratioOf = (lot: number): number => (lotRowAt(provenance, largest, lot, path)?.p99Ms ?? Infinity) / Math.max(0.001, lotRowAt(provenance, smallest, lot, path)?.p99Ms ?? 0);
    out.push({
      target: `provenance flat: p99 on ${String(largest)} ÷ p99 on ${String(smallest)} events ≤ 1.5 (120- and 1,200-event lots), ${how}`,
      measured: [120, 1200].map((lot) => `${String(lot)}: ×${ratio(lotRowAt(provenance, largest, lot, path)?.p99Ms, lotRowAt(provenance, smallest, lot, path)?.p99Ms)}`).join(', '),
      pass: Math.max(ratioOf(120), ratioOf(1200)) <= 1.5,
    });
  }
  return out;
}

function paging19(paging: readonly PagingResult[]): Target {
  const last = paging[paging.length - 1];
  const target = '10,000-event lot answered paged (summary view + every link page), not held whole';
  if (last === undefined || last.skipped !== undefined) return { target, measured: `not measured (${last?.skipped ?? 'no run'})`, pass: false };
  return {
    target,
    measured: `summary p99 ${String(last.summary?.p99Ms)} ms, page p99 ${String(last.page?.p99Ms)} ms, ${String(last.eventsSeen)} events in ${String(last.walkMs)} ms; gateway RSS ${String(last.gatewayRssMiB?.before)} → ${String(last.gatewayRssMiB?.after)} MiB`,
    pass: last.eventsSeen === last.lotEvents,
  };
}

/** A row with what explains a MISS: its CPU per event and, through the gateway, the outbox's transactions. */
type Explained<T> = WithCpu<T> & { outbox?: OutboxTiming };

/** For a MISS: the row's CPU per event and ceilings, and how long the outbox's transactions took and how many were in flight. */
function explainMiss(pass: boolean, row: Explained<object> | undefined, unit?: string): string {
  if (pass || row === undefined) return '';
  const o = row.outbox;
  return describeCpu(row.cpu, unit) + (o === undefined ? '' : `; outbox: ${String(o.attempts)} RecordEvents of ${String(o.attemptMeanMs)} ms mean, ${String(o.meanInFlight)} in flight`);
}

/** The measured figures issue #19's targets are judged on. */
export interface Issue19Inputs {
  ledgerSizes: readonly number[];
  provenance: readonly ProvenanceRow[];
  ingestion: ReadonlyArray<Explained<IngestionRow>>;
  direct: ReadonlyArray<WithCpu<DirectRow>>;
  waitCommit: ReadonlyArray<Explained<WaitCommitRow>>;
  paging: readonly PagingResult[];
  memory: Readonly<Record<string, { peakMiB: number }>>;
}

/** The throughput and commit-latency targets; a MISS line also says what CPU each committed event cost and the rate that allows on the machine's cores. */
function ingestion19(i: Issue19Inputs): Target[] {
  const batchedRow = i.ingestion.find((r) => r.clients === 8 && r.batch === 500);
  const batched = batchedRow?.committedPerSecond ?? 0;
  const singleRow = i.direct.find((r) => r.inFlight === 128);
  const single = singleRow?.txPerSecond ?? 0;
  const wait = i.waitCommit.find((r) => r.clients === 64);
  const waitPass = (wait?.p50Ms ?? Infinity) <= 150;
  return [
    { target: '≥ 5,000 committed events/s batched through POST /v1/events (8 clients × 500 events)', measured: `${String(batched)} events/s${explainMiss(batched >= 5000, batchedRow)}`, pass: batched >= 5000 },
    { target: '≥ 500 single-event transactions/s committed, 128 in flight', measured: `${String(single)} tx/s${explainMiss(single >= 500, singleRow, 'tx')}`, pass: single >= 500 },
    {
      target: 'POST /v1/events?wait=commit p50 ≤ 150 ms with 64 clients',
      measured: wait === undefined ? 'not measured' : `${String(wait.p50Ms)} ms (p99 ${String(wait.p99Ms)} ms, ${String(wait.eventsPerSecond)} events/s)${explainMiss(waitPass, wait)}`,
      pass: waitPass,
    },
  ];
}

/** Issue #19's targets, each PASS or MISS with its figure. */
export function judgeIssue19(i: Issue19Inputs): Target[] {
  const peak = Math.max(0, ...Object.values(i.memory).map((m) => m.peakMiB));
  return [
    ...provenance19(i.provenance, i.ledgerSizes),
    paging19(i.paging),
    ...ingestion19(i),
    { target: 'peak RSS ≤ 400 MiB per process', measured: Object.entries(i.memory).map(([k, m]) => `${k} ${String(m.peakMiB)} MiB`).join(', '), pass: peak > 0 && peak <= 400 },
  ];
}
