/**
 * Phase 4: ingestion through POST /v1/events, single events and batches, from several clients
 * posting distinct events, the clients of each organisation to that organisation's one lot: acknowledged (202) and committed events/s, read against the
 * gateway's own metrics.
 */
import { event, lotInput } from '../lib/data';
import { cpuWindow, type WithCpu } from '../lib/cpu-cost';
import { http, httpOk, metricValue } from '../lib/http';
import { log } from '../lib/log';
import type { IngestionRow } from '../lib/report';
import type { Stack } from '../lib/stack';
import { round, sleep, summarise } from '../lib/stats';
import type { Plan } from '../plan';

/** The organisations whose suppliers post; each posts to its own lot (custody rules: only the lot's owner, importer or custodians write to it). */
const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'] as const;
const LOTS = ORGS.map((_, i) => ({ lotId: `ING-LOT-${String(i + 1)}`, lotNo: 950_000 + i }));

/** The gateway counters one cell reads before and after (differences are the cell's). */
const COUNTERS = {
  committed: 'acetrace_events_committed_total',
  transactions: 'acetrace_submit_batch_size_count',
  submitRetries: 'acetrace_submit_retries_total',
  ledgerRetries: 'acetrace_ledger_retries_total',
  rejected: 'acetrace_events_rejected_total',
  submitSeconds: 'acetrace_submit_duration_seconds_sum',
  submitAttempts: 'acetrace_submit_duration_seconds_count',
} as const;

/** The gateway's counters at one instant. */
export type Counters = Record<keyof typeof COUNTERS, number>;

/** The outbox's RecordEvents submissions in a window: mean time of one attempt (endorse + order + commit) and, by Little's law, the mean number in flight. */
export interface OutboxTiming {
  attempts: number;
  attemptMeanMs: number;
  meanInFlight: number;
}

/** Reads the counters of {@link COUNTERS} from the gateway's Prometheus text. */
export function counters(metrics: string): Counters {
  const out = {} as Counters;
  for (const [k, name] of Object.entries(COUNTERS)) out[k as keyof Counters] = metricValue(metrics, name);
  return out;
}

/** The outbox's submissions between two readings `seconds` apart. */
export function outboxTiming(before: Counters, after: Counters, seconds: number): OutboxTiming {
  const attempts = after.submitAttempts - before.submitAttempts;
  const busySeconds = after.submitSeconds - before.submitSeconds;
  return { attempts, attemptMeanMs: round((1000 * busySeconds) / Math.max(1, attempts), 1), meanInFlight: round(busySeconds / Math.max(seconds, 0.001), 2) };
}

interface Posted {
  sent: number;
  errors: number;
  /** Acknowledgement latencies, ms. */
  ack: number[];
}

/** `clients` clients (client c a supplier of organisation c mod 3, posting to that organisation's lot) post batches of `batch` events until `stopAt` or the plan's event cap. */
async function post(stack: Stack, plan: Plan, cell: number, clients: number, batch: number, supplierKeys: readonly string[], stopAt: number): Promise<Posted> {
  const posted: Posted = { sent: 0, errors: 0, ack: [] };
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const apiKey = supplierKeys[c % supplierKeys.length] as string;
      const { lotId, lotNo } = LOTS[c % supplierKeys.length] as (typeof LOTS)[number];
      for (let r = 0; performance.now() < stopAt && posted.sent + batch <= plan.ingestionEventCap; r++) {
        posted.sent += batch;
        const events = Array.from({ length: batch }, (_, i) =>
          event(`I${String(cell)}-${String(c)}-${String(r)}`, lotId, lotNo, i, batch, { supplierOnly: true, deviceId: `reader-${String(cell)}-${String(c)}` }),
        );
        const t = performance.now();
        const res = await http('POST', `${stack.gatewayUrl}/v1/events`, apiKey, batch === 1 ? events[0] : { events });
        posted.ack.push(performance.now() - t);
        if (res.status !== 202) {
          posted.errors++;
          if (posted.errors <= 3) log(`  POST /v1/events → ${String(res.status)} ${res.body.slice(0, 200)}`);
        }
      }
    }),
  );
  return posted;
}

/** Polls /metrics until `sent` events are committed or rejected since `before` (five minutes at most). */
async function awaitOutcomes(stack: Stack, before: Counters, sent: number): Promise<Counters> {
  const since = performance.now();
  for (;;) {
    const after = counters(await stack.metrics());
    if (after.committed - before.committed + (after.rejected - before.rejected) >= sent || performance.now() - since > 300_000) return after;
    await sleep(100);
  }
}

/** An ingestion row with the CPU it cost and the outbox's submission timing (both in latest.json). */
export type IngestionFigures = WithCpu<IngestionRow> & { outbox: OutboxTiming };

/** One cell of the grid: `clients` × `batch`, with the CPU each process spent per committed event from the first request until the last commit. */
async function ingestionCell(stack: Stack, plan: Plan, cell: number, clients: number, batch: number, supplierKeys: readonly string[]): Promise<IngestionFigures> {
  const cpu = await cpuWindow(stack);
  const before = counters(await stack.metrics());
  const t0 = performance.now();
  const { sent, errors, ack } = await post(stack, plan, cell, clients, batch, supplierKeys, t0 + plan.ingestionSeconds * 1000);
  const tAck = performance.now();
  const after = await awaitOutcomes(stack, before, sent);
  const tCommit = performance.now();
  const cpuPerEvent = await cpu(after.committed - before.committed);
  stack.sampleMemory();
  const lat = summarise(ack);
  return {
    clients,
    batch,
    events: sent,
    requests: ack.length,
    httpErrors: errors,
    ackedPerSecond: round(sent / ((tAck - t0) / 1000), 0),
    committedPerSecond: round((after.committed - before.committed) / ((tCommit - t0) / 1000), 0),
    ackP50Ms: lat.p50Ms,
    ackP95Ms: lat.p95Ms,
    ackP99Ms: lat.p99Ms,
    secondsUntilAllCommitted: round((tCommit - t0) / 1000, 1),
    transactions: after.transactions - before.transactions,
    submitRetries: after.submitRetries - before.submitRetries,
    ledgerRetries: after.ledgerRetries - before.ledgerRetries,
    rejected: after.rejected - before.rejected,
    outbox: outboxTiming(before, after, (tCommit - t0) / 1000),
    ...(cpuPerEvent === undefined ? {} : { cpu: cpuPerEvent }),
  };
}

/** Registers each organisation's ingestion lot, then runs every cell of the plan's clients × batch grid in order. */
export async function measureIngestion(stack: Stack, plan: Plan): Promise<IngestionFigures[]> {
  // a real network may have fewer organisations than the embedded one's three
  const supplierKeys = stack.supplierKeys();
  for (const [i, { lotId, lotNo }] of LOTS.slice(0, supplierKeys.length).entries()) {
    await httpOk('POST', `${stack.gatewayUrl}/v1/lots`, supplierKeys[i], lotInput(lotId, lotNo, 3), [200, 201]);
  }
  const rows: IngestionFigures[] = [];
  for (const [cell, [clients, batch]] of plan.ingestion.entries()) {
    const row = await ingestionCell(stack, plan, cell, clients, batch, supplierKeys);
    rows.push(row);
    log(`  ingestion ${String(clients)} clients × ${String(batch)}: acked ${String(row.ackedPerSecond)}/s, committed ${String(row.committedPerSecond)}/s, ${String(row.transactions)} txs, retries ${String(row.submitRetries)}, CPU ${String(row.cpu?.totalMs)} ms/event, txs of ${String(row.outbox.attemptMeanMs)} ms, ${String(row.outbox.meanInFlight)} in flight`);
  }
  return rows;
}
