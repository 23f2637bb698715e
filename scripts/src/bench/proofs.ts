/**
 * Proof bundle benchmark (standalone; not a phase of index.ts):
 *
 *   node scripts/dist/bench/proofs.js [--sizes 12,120,1200] [--chunk 100] [--interleave 1] [--samples 5] [--out FILE]
 *
 * Starts the embedded network and the gateway as child processes on a fresh folder (as `npm run
 * bench`), commits lots of 12, 120 and 1,200 events through POST /v1/events in chunks of
 * `--chunk` events with `--interleave` other lots' 500-event transactions between the chunks (so
 * a lot's events are spread over blocks as under load), then per lot measures over HTTP as the
 * auditor:
 *  - GET /v1/lots/{id}/provenance: the first call (block numbers of the lot's transactions looked
 *    up on the ledger, CommitStatus per tx) and the warm p50 (cached by tx id);
 *  - GET /v1/lots/{id}/proof: bundle bytes, blocks, headers, the first call (blocks read through
 *    qscc) and the warm p50 (blocks cached by number);
 *  - verifyBundle on the bundle in this process (what `acetrace-verify` costs the auditor).
 * Prints a table and writes JSON to `--out` (default bench/results/proofs.json).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ProofBundle, verifyBundle } from '@acetrace/verify';
import { event, lotInput, roleForLink } from './lib/data';
import { httpOk } from './lib/http';
import { freePort, startGateway, startNetwork, type Child } from './lib/procs';
import { machine, round, summarise } from './lib/stats';

interface Principal {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

export interface ProofRow {
  lotEvents: number;
  transactions: number;
  blocks: number;
  headers: number;
  bundleBytes: number;
  provenanceFirstMs: number;
  provenanceWarmP50Ms: number;
  proofFirstMs: number;
  proofWarmP50Ms: number;
  verifyMs: number;
  verified: boolean;
}

function log(msg: string): void {
  process.stderr.write(`[bench:proofs] ${msg}\n`);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: round(performance.now() - t0), value };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '12,120,1200' },
      chunk: { type: 'string', default: '100' },
      interleave: { type: 'string', default: '1' },
      samples: { type: 'string', default: '5' },
      out: { type: 'string', default: 'bench/results/proofs.json' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const chunk = Number(values.chunk);
  const interleave = Number(values.interleave);
  const samples = Number(values.samples);
  const loadAtStart = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), 'acetrace-bench-proofs-'));
  const children: Child[] = [];
  try {
    const net = await startNetwork({ dataDir, port: await freePort(), batchTimeoutMs: 100, maxBatchSize: 500 });
    children.push(net);
    const gw = await startGateway(dataDir, net.connectionProfilePath, await freePort());
    children.push(gw);
    const principals = (JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { principals: Principal[] }).principals;
    const key = (role: string): string => {
      const p = principals.find((x) => x.role === role && x.mspId === 'Org1MSP');
      if (!p) throw new Error(`no ${role} principal of Org1MSP`);
      return p.apiKey;
    };
    let bgLots = 0;
    /** Another lot's 500 supplier events in one transaction: traffic between the measured lot's chunks. */
    const background = async (): Promise<void> => {
      const n = bgLots++;
      const lotId = `BG-PROOF-${String(n)}`;
      await httpOk('POST', `${gw.url}/v1/lots`, key('supplier'), lotInput(lotId, 700_000 + n, 1), [200, 201]);
      const events = Array.from({ length: 500 }, (_, i) => event(`BGP${String(n)}`, lotId, 700_000 + n, i, 500, { supplierOnly: true }));
      await httpOk('POST', `${gw.url}/v1/events?wait=commit`, key('supplier'), { events }, [201, 202]);
    };

    const rows: ProofRow[] = [];
    for (const [n, size] of sizes.entries()) {
      const lotId = `P-LOT-${String(size)}`;
      const lotNo = 800_000 + n;
      await httpOk('POST', `${gw.url}/v1/lots`, key('supplier'), lotInput(lotId, lotNo, 3), [200, 201]);
      const events = Array.from({ length: size }, (_, i) => event(`P${String(size)}`, lotId, lotNo, i, size));
      for (let i = 0; i < events.length; i += chunk) {
        const part = events.slice(i, i + chunk);
        for (const role of ['supplier', 'logistics', 'broker'] as const) {
          const mine = part.filter((e) => roleForLink(e.link as number) === role);
          if (mine.length > 0) await httpOk('POST', `${gw.url}/v1/events?wait=commit`, key(role), { events: mine }, [201]);
        }
        for (let b = 0; b < interleave; b++) await background();
      }
      log(`lot ${lotId}: ${String(size)} events committed`);
      const audit = key('auditor');
      const provFirst = await timed(() => httpOk('GET', `${gw.url}/v1/lots/${lotId}/provenance`, audit, undefined, [200]));
      const provWarm: number[] = [];
      for (let i = 0; i < samples; i++) provWarm.push((await timed(() => httpOk('GET', `${gw.url}/v1/lots/${lotId}/provenance`, audit, undefined, [200]))).ms);
      const proofFirst = await timed(() => httpOk('GET', `${gw.url}/v1/lots/${lotId}/proof`, audit, undefined, [200]));
      const proofWarm: number[] = [];
      for (let i = 0; i < samples; i++) proofWarm.push((await timed(() => httpOk('GET', `${gw.url}/v1/lots/${lotId}/proof`, audit, undefined, [200]))).ms);
      const bundle = JSON.parse(proofFirst.value.body) as ProofBundle;
      const t0 = performance.now();
      const report = verifyBundle(bundle);
      const verifyMs = round(performance.now() - t0);
      rows.push({
        lotEvents: size,
        transactions: new Set(bundle.events.map((e) => e.txId)).size,
        blocks: bundle.blocks.length,
        headers: bundle.headers.length,
        bundleBytes: Buffer.byteLength(proofFirst.value.body),
        provenanceFirstMs: provFirst.ms,
        provenanceWarmP50Ms: summarise(provWarm).p50Ms,
        proofFirstMs: proofFirst.ms,
        proofWarmP50Ms: summarise(proofWarm).p50Ms,
        verifyMs,
        verified: report.ok,
      });
      log(`lot ${lotId}: ${JSON.stringify(rows[rows.length - 1])}`);
    }
    const result = { when: new Date().toISOString(), machine: machine(loadAtStart), options: { sizes, chunk, interleave, samples }, rows };
    const out = resolve(values.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log('| lot events | txs | blocks | headers | bundle KiB | provenance 1st / warm p50 ms | proof 1st / warm p50 ms | verify ms | ok |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|:-:|');
    for (const r of rows) {
      console.log(
        `| ${String(r.lotEvents)} | ${String(r.transactions)} | ${String(r.blocks)} | ${String(r.headers)} | ${String(round(r.bundleBytes / 1024, 1))} | ` +
          `${String(r.provenanceFirstMs)} / ${String(r.provenanceWarmP50Ms)} | ${String(r.proofFirstMs)} / ${String(r.proofWarmP50Ms)} | ${String(r.verifyMs)} | ${r.verified ? '✓' : '✗'} |`,
      );
    }
    log(`wrote ${out}`);
  } finally {
    for (const c of children.reverse()) await c.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
