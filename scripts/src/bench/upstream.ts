/**
 * `node scripts/dist/bench/upstream.js`: the custody/transformation benchmark of issue #13 (not a test).
 *
 * Runs the embedded network and the gateway as child processes on a fresh data folder (lib/procs), then:
 *  1. provenance of a lot whose upstream tree is `--depth` levels deep with `--fanout` inputs per lot,
 *     every lot holding `--events` events (default 3 × 2 × 120: 15 lots, 1,800 events in the answer),
 *     over HTTP (auditor) and straight through fabric-gateway, against the same root lot's size without
 *     inputs (one 120-event lot) — what walking the tree costs;
 *  2. ingestion with custody checks: `--clients` clients post `--batch`-event batches with `?wait=commit`
 *     for `--seconds` each, first as the lots' owner (write scope decided by the lot record alone), then as
 *     a custodian the owner handed the lots over to (write scope read from the custody records), committed
 *     events per second and p50/p95 batch latency.
 * Prints a Markdown table; `--out-dir DIR` also writes upstream.json and upstream.md there.
 *
 *   node scripts/dist/bench/upstream.js [--depth 3] [--fanout 2] [--events 120] [--samples 30]
 *     [--clients 4] [--batch 50] [--seconds 5] [--out-dir DIR] [--keep]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startChildStack } from './lib/child-stack';
import { cliOptions } from './lib/cli';
import { event, lotInput } from './lib/data';
import { connectAs, loadProfile, type Connection } from './lib/fabric';
import { httpOk } from './lib/http';
import { machine, round, sample, summarise, type Latency } from './lib/stats';

interface Options {
  depth: number;
  fanout: number;
  events: number;
  samples: number;
  clients: number;
  batch: number;
  seconds: number;
}

interface ProvenanceResult {
  what: string;
  lots: number;
  events: number;
  http: Latency;
  direct: Latency;
}

interface IngestionResult {
  poster: string;
  writeScope: string;
  clients: number;
  batch: number;
  committedEvents: number;
  seconds: number;
  eventsPerSecond: number;
  batchLatency: Latency;
}

const log = (line: string): void => {
  process.stderr.write(`[bench:upstream] ${line}\n`);
};

function options(): Options & { outDir: string | undefined; keep: boolean } {
  const values = cliOptions({ depth: '3', fanout: '2', events: '120', samples: '30', clients: '4', batch: '50', seconds: '5', 'out-dir': '' }, ['keep']);
  const n = (name: 'depth' | 'fanout' | 'events' | 'samples' | 'clients' | 'batch' | 'seconds'): number => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number`);
    return v;
  };
  return {
    depth: n('depth'), fanout: n('fanout'), events: n('events'), samples: n('samples'), clients: n('clients'), batch: n('batch'),
    seconds: n('seconds'), outDir: values['out-dir'] || undefined, keep: values.keep,
  };
}

/** The lots of the tree, leaves first (each registered after its inputs), with their inputs. */
function treeLots(depth: number, fanout: number): Array<{ lotId: string; lotNo: number; inputs: string[] }> {
  const out: Array<{ lotId: string; lotNo: number; inputs: string[] }> = [];
  let lotNo = 1;
  const build = (level: number, path: string): string => {
    const inputs = level < depth ? Array.from({ length: fanout }, (_, i) => build(level + 1, `${path}.${String(i)}`)) : [];
    const lotId = `U-LOT${path}`;
    out.push({ lotId, lotNo: lotNo++, inputs });
    return lotId;
  };
  build(0, '');
  return out;
}

async function main(): Promise<void> {
  const o = options();
  const loadAtStart = loadavg();
  const gw = await startChildStack('upstream');
  const { key } = gw;
  const conns: Connection[] = [];
  try {
    const post = async (role: string, mspId: string, events: Array<Record<string, unknown>>): Promise<void> => {
      await httpOk('POST', `${gw.url}/v1/events?wait=commit`, key(role, mspId), { events }, [201]);
    };
    const profile = loadProfile(gw.connectionProfilePath);
    const auditor = connectAs(profile, 'org1-auditor');
    conns.push(auditor);

    // ---- 1. the upstream tree ------------------------------------------------------------------
    const lots = treeLots(o.depth, o.fanout);
    log(`seeding ${String(lots.length)} lots of ${String(o.events)} events (depth ${String(o.depth)}, fanout ${String(o.fanout)})`);
    const seedLot = async (lotId: string, lotNo: number, inputs: string[]): Promise<void> => {
      const body = { ...lotInput(lotId, lotNo, 3), ...(inputs.length > 0 && { inputs: inputs.map((id) => ({ lotId: id, quantity: 100, unit: 'EA' })) }) };
      await httpOk('POST', `${gw.url}/v1/lots`, key('supplier', 'Org1MSP'), body, [200, 201]);
      const events = Array.from({ length: o.events }, (_, i) => event(`${lotId}-E`, lotId, lotNo, i, o.events));
      await gw.postByRole(events, 500);
    };
    for (const l of lots) await seedLot(l.lotId, l.lotNo, l.inputs);
    const root = lots[lots.length - 1]?.lotId ?? '';
    await seedLot('U-FLAT', 99_999, []);

    const measure = async (what: string, lotId: string, lotCount: number): Promise<ProvenanceResult> => {
      const url = `${gw.url}/v1/lots/${lotId}/provenance`;
      const http = await sample(async () => {
        await httpOk('GET', url, key('auditor', 'Org1MSP'), undefined, [200]);
      }, o.samples, 30);
      const direct = await sample(async () => {
        await auditor.contract.evaluateTransaction('GetProvenance', lotId);
      }, o.samples, 30);
      return { what, lots: lotCount, events: lotCount * o.events, http: summarise(http), direct: summarise(direct) };
    };
    const provenance = [
      await measure(`one ${String(o.events)}-event lot, no inputs`, 'U-FLAT', 1),
      await measure(`root of a ${String(o.depth)}-level upstream tree (fanout ${String(o.fanout)})`, root, lots.length),
    ];
    const answer = JSON.parse((await httpOk('GET', `${gw.url}/v1/lots/${root}/provenance`, key('auditor', 'Org1MSP'), undefined, [200])).body) as {
      upstream: unknown[];
    };
    log(`root answer: ${String(answer.upstream.length)} direct inputs`);

    // ---- 2. ingestion: owner vs custodian --------------------------------------------------------
    const ingestLots = Array.from({ length: o.clients }, (_, c) => `U-INGEST-${String(c)}`);
    for (const [c, lotId] of ingestLots.entries()) {
      await httpOk('POST', `${gw.url}/v1/lots`, key('supplier', 'Org1MSP'), lotInput(lotId, 50_000 + c, 3), [200, 201]);
    }
    const ingest = async (poster: string, writeScope: string, mspId: string, tag: string): Promise<IngestionResult> => {
      let committed = 0;
      const latencies: number[] = [];
      const started = performance.now();
      const stopAt = started + o.seconds * 1000;
      await Promise.all(
        ingestLots.map(async (lotId, c) => {
          for (let n = 0; performance.now() < stopAt; n++) {
            const events = Array.from({ length: o.batch }, (_, i) => ({
              eventId: `${lotId}-${tag}-${String(n)}-${String(i)}`, lotId, link: 7, kind: 'gps',
              eventTime: new Date(Date.parse('2026-11-01T00:00:00Z') + n * 60_000 + i * 1000).toISOString(),
              location: { lat: 22.5 + c * 0.01, lon: 114.0, accuracyM: 10 },
            }));
            const t0 = performance.now();
            await post('logistics', mspId, events);
            latencies.push(performance.now() - t0);
            committed += events.length;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      return {
        poster, writeScope, clients: o.clients, batch: o.batch, committedEvents: committed, seconds: round(seconds),
        eventsPerSecond: round(committed / seconds, 1), batchLatency: summarise(latencies),
      };
    };
    log('ingestion as the owner');
    const owner = await ingest('Org1MSP logistics', 'owner (lot record)', 'Org1MSP', 'OWN');
    for (const lotId of ingestLots) {
      await post('logistics', 'Org1MSP', [{ eventId: `${lotId}-HO`, lotId, link: 7, kind: 'handover', eventTime: '2026-10-31T00:00:00Z', handoverTo: 'Org2MSP' }]);
    }
    log('ingestion as the custodian');
    const custodian = await ingest('Org2MSP logistics', 'custodian (custody records read)', 'Org2MSP', 'CUS');

    const results = { when: new Date().toISOString(), options: o, machine: machine(loadAtStart), provenance, ingestion: [owner, custodian] };
    const md = markdown(results);
    process.stdout.write(md);
    if (o.outDir !== undefined) {
      mkdirSync(o.outDir, { recursive: true });
      writeFileSync(join(o.outDir, 'upstream.json'), `${JSON.stringify(results, null, 2)}\n`);
      writeFileSync(join(o.outDir, 'upstream.md'), md);
    }
  } finally {
    for (const c of conns) c.close();
    await gw.stop(o.keep);
    if (o.keep) log(`kept ${gw.dataDir}`);
  }
}

function markdown(r: { when: string; options: Options; provenance: ProvenanceResult[]; ingestion: IngestionResult[]; machine: ReturnType<typeof machine> }): string {
  const ms = (l: Latency): string => `${String(l.p50Ms)} / ${String(l.p95Ms)} / ${String(l.p99Ms)}`;
  return [
    `# Upstream and custody benchmark (${r.when})`,
    '',
    `${String(r.machine.cpus)} CPUs, load ${r.machine.loadAverage.start.map((x) => x.toFixed(2)).join(' ')} at start; options ${JSON.stringify(r.options)}`,
    '',
    '| provenance of | lots | events | HTTP p50 / p95 / p99 ms | fabric-gateway p50 / p95 / p99 ms |',
    '| --- | ---: | ---: | --- | --- |',
    ...r.provenance.map((p) => `| ${p.what} | ${String(p.lots)} | ${String(p.events)} | ${ms(p.http)} | ${ms(p.direct)} |`),
    '',
    '| ingestion (POST /v1/events?wait=commit) | write scope from | clients × batch | committed events | events/s | batch p50 / p95 ms |',
    '| --- | --- | --- | ---: | ---: | --- |',
    ...r.ingestion.map(
      (i) => `| ${i.poster} | ${i.writeScope} | ${String(i.clients)} × ${String(i.batch)} | ${String(i.committedEvents)} | ${String(i.eventsPerSecond)} | ${String(i.batchLatency.p50Ms)} / ${String(i.batchLatency.p95Ms)} |`,
    ),
    '',
  ].join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:upstream failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
