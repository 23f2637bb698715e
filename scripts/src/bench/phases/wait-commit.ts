/**
 * Phase 4b: POST /v1/events?wait=commit from many clients at once, one event per request: the
 * latency a caller waits for its event to be committed (issue #19: p50 ≤ 150 ms with 64 clients).
 */
import { cpuWindow, type WithCpu } from '../lib/cpu-cost';
import { event, lotInput } from '../lib/data';
import { http, httpOk } from '../lib/http';
import { log } from '../lib/log';
import type { WaitCommitRow } from '../lib/report';
import type { Stack } from '../lib/stack';
import { round, summarise } from '../lib/stats';
import type { Plan } from '../plan';
import { counters, outboxTiming, type OutboxTiming } from './ingestion';

/** One lot per supplier organisation (custody rules: only its owner, importer or custodians write to a lot). */
const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'] as const;
const LOTS = ORGS.map((_, i) => ({ lotId: `WAIT-LOT-${String(i + 1)}`, lotNo: 970_000 + i }));

/** `clients` clients each post one event per request with ?wait=commit until the plan's seconds are up. */
export async function measureWaitCommit(stack: Stack, plan: Plan, clients: number, run = 0): Promise<WithCpu<WaitCommitRow> & { outbox: OutboxTiming }> {
  const keys = stack.supplierKeys();
  for (const [i, { lotId, lotNo }] of LOTS.slice(0, keys.length).entries()) await httpOk('POST', `${stack.gatewayUrl}/v1/lots`, keys[i], lotInput(lotId, lotNo, 1), [200, 201]);
  const lat: number[] = [];
  let errors = 0;
  const cpuWindowEnd = await cpuWindow(stack);
  const before = counters(await stack.metrics());
  const t0 = performance.now();
  const stopAt = t0 + plan.ingestionSeconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const { lotId, lotNo } = LOTS[c % keys.length] as (typeof LOTS)[number];
      for (let i = 0; performance.now() < stopAt; i++) {
        const e = event(`W${String(run)}-${String(clients)}-${String(c)}-${String(i)}`, lotId, lotNo, i % 5, 5, { supplierOnly: true, deviceId: `waiter-${String(c)}` });
        const t = performance.now();
        const res = await http('POST', `${stack.gatewayUrl}/v1/events?wait=commit`, keys[c % keys.length], e);
        if (res.status === 201 || res.status === 200) lat.push(performance.now() - t);
        else if (++errors <= 3) log(`  POST /v1/events?wait=commit → ${String(res.status)} ${res.body.slice(0, 200)}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const outbox = outboxTiming(before, counters(await stack.metrics()), seconds);
  const cpu = await cpuWindowEnd(lat.length);
  const l = summarise(lat);
  log(`  wait=commit, ${String(clients)} clients: p50 ${String(l.p50Ms)} ms, ${String(round(lat.length / seconds, 1))} events/s, CPU ${String(cpu?.totalMs)} ms/event, txs of ${String(outbox.attemptMeanMs)} ms, ${String(outbox.meanInFlight)} in flight`);
  return { clients, committed: lat.length, eventsPerSecond: round(lat.length / seconds, 1), errors, ...l, outbox, ...(cpu === undefined ? {} : { cpu }) };
}
