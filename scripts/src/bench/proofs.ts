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
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { type ProofBundle, verifyBundle } from '@acetrace/verify';
import { startChildStack } from './lib/child-stack';
import { cliOptions } from './lib/cli';
import { event, lotInput } from './lib/data';
import { httpOk } from './lib/http';
import { machine, round, summarise, timed } from './lib/stats';

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

async function main(): Promise<void> {
  const values = cliOptions({ sizes: '12,120,1200', chunk: '100', interleave: '1', samples: '5', out: 'bench/results/proofs.json' });
  const sizes = values.sizes.split(',').map(Number);
  const chunk = Number(values.chunk);
  const interleave = Number(values.interleave);
  const samples = Number(values.samples);
  const loadAtStart = loadavg();
  const gw = await startChildStack('proofs');
  const { key } = gw;
  try {
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
        await gw.postByRole(events.slice(i, i + chunk));
        for (let b = 0; b < interleave; b++) await background();
      }
      log(`lot ${lotId}: ${String(size)} events committed`);
      const audit = key('auditor');
      const provFirst = await timed(() => httpOk('GET', `${gw.url}/v1/lots/${lotId}/provenance`, audit, undefined, [200]));
      const provWarm: number[] = [];
      for (let i = 0; i < samples; i++) provWarm.push(round((await timed(() => httpOk('GET', `${gw.url}/v1/lots/${lotId}/provenance`, audit, undefined, [200]))).ms));
      const proofFirst = await timed(() => httpOk('GET', `${gw.url}/v1/lots/${lotId}/proof`, audit, undefined, [200]));
      const proofWarm: number[] = [];
      for (let i = 0; i < samples; i++) proofWarm.push(round((await timed(() => httpOk('GET', `${gw.url}/v1/lots/${lotId}/proof`, audit, undefined, [200]))).ms));
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
        provenanceFirstMs: round(provFirst.ms),
        provenanceWarmP50Ms: summarise(provWarm).p50Ms,
        proofFirstMs: round(proofFirst.ms),
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
    await gw.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
