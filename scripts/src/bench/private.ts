/**
 * Private data ingestion benchmark (standalone; not a phase of index.ts):
 *
 *   node scripts/dist/bench/private.js [--events 200] [--batch 50] [--rounds 2] [--out FILE]
 *
 * One embedded network and gateway (child processes, fresh folder), two lots of the supplier. Each round
 * commits `--events` document events on each lot through POST /v1/events?wait=commit in bodies of
 * `--batch`: first without anything private (evidence without URI), then the same events with private fields
 * (consignee, prices, contract) and an evidence URI, which the gateway sends in the transient map and the
 * chaincode writes to the supplier's implicit collection. Rounds alternate the two, so both see the same
 * machine load; the table gives events/s per variant and the ratio. Small by default: the machine is shared.
 * Needs the network's private data.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { event, lotInput } from './lib/data';
import { httpOk } from './lib/http';
import { BenchStack, type Stack } from './lib/stack';
import { machine, round } from './lib/stats';

type Variant = 'plain' | 'private';

/** One variant's events of a round: evidence URIs only in the private one, with private fields. */
function roundEvents(variant: Variant, lotId: string, lotNo: number, roundNo: number, count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => {
    const e = event(`PV${variant === 'plain' ? 'N' : 'P'}${String(roundNo)}`, lotId, lotNo, i, count, { supplierOnly: true });
    const evidence = (e.evidence as Array<Record<string, unknown>>).map(({ uri, ...kept }) => (variant === 'private' ? { ...kept, uri } : kept));
    if (variant === 'plain') return { ...e, evidence };
    const priv = { consignee: { name: `Consignee ${String(i)}`, address: `${String(i)} Harbour Rd` }, unitPrice: 3.25, currency: 'USD', invoiceValue: 325 * (i + 1), contractRef: `K-${String(i)}` };
    return { ...e, evidence, private: priv };
  });
}

/** Commits events in bodies of `batch`, each waiting for its commit; the wall time in ms. */
async function commitAll(url: string, apiKey: string, events: ReadonlyArray<Record<string, unknown>>, batch: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += batch) {
    await httpOk('POST', `${url}/v1/events?wait=commit`, apiKey, { events: events.slice(i, i + batch) }, [201]);
  }
  return performance.now() - t0;
}

/** Option defaults; every option is a string flag (`--events 400`). */
const DEFAULTS = { events: '200', batch: '50', rounds: '2', out: 'bench/results/private.json' };

/** Commits `rounds` rounds of both variants, alternating which goes first; events/s per variant. */
async function measure(stack: Stack, count: number, batch: number, rounds: number): Promise<Record<Variant, { ms: number; events: number }>> {
  const supplier = stack.key('supplier');
  const totals: Record<Variant, { ms: number; events: number }> = { plain: { ms: 0, events: 0 }, private: { ms: 0, events: 0 } };
  for (let r = 0; r < rounds; r++) {
    // alternate which variant goes first, so neither always meets a warmer or a busier machine
    const order: Variant[] = r % 2 === 0 ? ['plain', 'private'] : ['private', 'plain'];
    for (const variant of order) {
      const lotNo = 900_000 + r * 2 + (variant === 'private' ? 1 : 0);
      const lotId = `PV-${variant}-${String(r)}`;
      const lot = { ...lotInput(lotId, lotNo, 1), ...(variant === 'private' && { private: { unitPrice: 3.25, currency: 'USD', contractRef: `K-LOT-${String(r)}` } }) };
      await httpOk('POST', `${stack.gatewayUrl}/v1/lots`, supplier, lot, [200, 201]);
      const ms = await commitAll(stack.gatewayUrl, supplier, roundEvents(variant, lotId, lotNo, r, count), batch);
      totals[variant].ms += ms;
      totals[variant].events += count;
      process.stderr.write(`[bench:private] round ${String(r)} ${variant}: ${String(count)} events in ${String(round(ms))} ms\n`);
    }
  }
  return totals;
}

async function main(): Promise<void> {
  const options = Object.fromEntries(Object.entries(DEFAULTS).map(([k, v]) => [k, { type: 'string' as const, default: v }]));
  const values = parseArgs({ options }).values as Record<keyof typeof DEFAULTS, string>;
  const [count, batch, rounds] = [Number(values.events), Number(values.batch), Number(values.rounds)];
  const loadAtStart = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), 'acetrace-bench-private-'));
  const bench = new BenchStack(dataDir);
  let totals: Awaited<ReturnType<typeof measure>>;
  try {
    totals = await measure(await bench.start(100), count, batch, rounds);
  } catch (err) {
    bench.logTails();
    throw err;
  } finally {
    await bench.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const rate = (v: Variant): number => round((totals[v].events * 1000) / totals[v].ms, 1);
  const rows = (['plain', 'private'] as const).map((v) => ({ variant: v, events: totals[v].events, ms: round(totals[v].ms), eventsPerSecond: rate(v) }));
  const result = { when: new Date().toISOString(), machine: machine(loadAtStart), options: { events: count, batch, rounds }, rows, privateOverPlain: round(rate('private') / rate('plain'), 3) };
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log('| variant | events | ms | events/s |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) console.log(`| ${row.variant} | ${String(row.events)} | ${String(row.ms)} | ${String(row.eventsPerSecond)} |`);
  console.log(`private / plain throughput: ${String(result.privateOverPlain)}`);
}

void main().then(undefined, (err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
