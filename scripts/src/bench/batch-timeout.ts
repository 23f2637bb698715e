/**
 * `node scripts/dist/bench/batch-timeout.js [--timeouts 100,20] [--rounds 2] [--seconds 5] [--clients 64]`:
 * how much of the ?wait=commit latency is the orderer's BatchTimeout. One stack (network + gateway
 * children, this checkout) per timeout, all started first, then the wait=commit measurement of
 * the benchmark run on each in turn, round after round (100, 20, 100, 20, ...), so a shared
 * machine's load falls on every timeout alike. Prints a Markdown table; the benchmark's own
 * default (100 ms, the embedded network's) is not changed by it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log } from './lib/log';
import { BenchStack, type Stack } from './lib/stack';
import { round } from './lib/stats';
import { measureWaitCommit } from './phases/wait-commit';
import { planFor } from './plan';

type Row = Awaited<ReturnType<typeof measureWaitCommit>>;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { timeouts: { type: 'string', default: '100,20' }, rounds: { type: 'string', default: '2' }, seconds: { type: 'string', default: '5' }, clients: { type: 'string', default: '64' } },
  });
  const timeouts = values.timeouts.split(',').map(Number);
  const plan = { ...planFor({ smoke: false, quick: true, sizes: undefined }), ingestionSeconds: Number(values.seconds) };
  const clients = Number(values.clients);
  const stacks: Array<{ timeout: number; bench: BenchStack; stack: Stack; rows: Row[] }> = [];
  try {
    for (const timeout of timeouts) {
      const dataDir = mkdtempSync(join(tmpdir(), 'acetrace-timeout-'));
      const bench = new BenchStack(dataDir);
      const stack = await bench.start(timeout).catch(async (err: unknown) => {
        await closeStack(bench, dataDir);
        throw err;
      });
      stacks.push({ timeout, bench, stack, rows: [] });
    }
    for (let r = 0; r < Number(values.rounds); r++) {
      for (const s of stacks) {
        log(`BatchTimeout ${String(s.timeout)} ms, round ${String(r + 1)}`);
        s.rows.push(await measureWaitCommit(s.stack, plan, clients, r));
      }
    }
    const out = [
      `| BatchTimeout ms | round | p50 / p95 ms | events/s | outbox RecordEvents mean ms (in flight) | CPU ms/event (network, gateway, client) | machine busy |`,
      '| ---: | ---: | --- | ---: | --- | --- | ---: |',
    ];
    for (const s of stacks) {
      s.rows.forEach((w, i) => {
        const c = w.cpu;
        out.push(
          `| ${String(s.timeout)} | ${String(i + 1)} | ${String(w.p50Ms)} / ${String(w.p95Ms)} | ${String(w.eventsPerSecond)} | ${String(w.outbox.attemptMeanMs)} (${String(w.outbox.meanInFlight)}) | ` +
            `${c === undefined ? '' : `${String(c.totalMs)} (${String(c.networkMs)}, ${String(c.gatewayMs)}, ${String(c.clientMs)})`} | ${c?.machineBusy === undefined ? '' : `${String(round(c.machineBusy * 100, 0))}%`} |`,
        );
      });
    }
    console.log(out.join('\n'));
  } finally {
    await Promise.all(stacks.map((s) => closeStack(s.bench, s.stack.dataDir)));
  }
}

/** Stops one stack's children and removes its data folder. */
async function closeStack(bench: BenchStack, dataDir: string): Promise<void> {
  await bench.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
