/**
 * Dossier benchmark (standalone; not a phase of index.ts):
 *
 *   node scripts/dist/bench/dossier.js [--sizes 12,120,1200] [--depth 3] [--fanout 2] [--samples 3] [--out FILE]
 *
 * For lots of 12, 120 and 1,200 events on their 12 links with an upstream tree `--depth` levels deep
 * (`--fanout` inputs per lot), the provenance answer is assembled by the chaincode's own
 * assembleProvenance (evidence and timeliness included; the ledger read itself is what
 * bench/upstream.ts and bench/proofs.ts measure), screened against a 1,000-entry list, and the
 * dossier is built and rendered: model, PDF, XLSX, ZIP. Prints per size the median times (ms) and
 * the bytes of each file; target: the PDF of the largest under 2 s. Writes JSON to `--out`
 * (default bench/results/dossier.json).
 */
// before the chaincode loads: its loggers are loud
import '@acetrace/gateway/dist/quiet-chaincode';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { buildDossierModel, facilitiesIn } from '@acetrace/gateway/dist/dossier/model';
import { renderPdf } from '@acetrace/gateway/dist/dossier/pdf';
import { renderCsv, renderXlsx } from '@acetrace/gateway/dist/dossier/sheets';
import { syntheticProvenance } from '@acetrace/gateway/dist/dossier/synthetic';
import { renderZip } from '@acetrace/gateway/dist/dossier/zip';
import { ScreeningService } from '@acetrace/gateway/dist/screening/screening.service';
import { ScreeningListStore } from '@acetrace/gateway/dist/screening/store';
import { cliOptions } from './lib/cli';
import { machine, round, timed } from './lib/stats';

interface Row {
  rootEvents: number;
  exhibits: number;
  upstreamLots: number;
  modelMs: number;
  pdfMs: number;
  xlsxMs: number;
  zipMs: number;
  pdfBytes: number;
  pdfPages: number;
  xlsxBytes: number;
  zipBytes: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const values = cliOptions({ sizes: '12,120,1200', depth: '3', fanout: '2', samples: '3', out: 'bench/results/dossier.json' });
  const load = loadavg();
  const screening = new ScreeningService(new ScreeningListStore(':memory:'));
  const csv = ['name,aliases,country,address', ...Array.from({ length: 1000 }, (_, i) => `Listed Entity ${String(i)} Co. Ltd,Alias ${String(i)},CN,`)].join('\n');
  screening.upload({ name: 'bench', role: 'compliance', identity: 'bench', mspId: 'Org1MSP' }, 'bench-list', 'csv', Buffer.from(csv));
  const rows: Row[] = [];
  for (const size of values.sizes.split(',').map(Number)) {
    const provenance = syntheticProvenance({ lotId: `BENCH-${String(size)}`, eventsPerLink: Math.max(1, Math.round(size / 12)), depth: Number(values.depth), fanOut: Number(values.fanout) });
    const samples: Array<Omit<Row, 'rootEvents' | 'exhibits' | 'upstreamLots'>> = [];
    let exhibits = 0;
    for (let i = 0; i < Number(values.samples); i++) {
      const model = await timed(() => buildDossierModel({
        provenance, screening: screening.screen(provenance.parties, provenance.lot.htsCode, facilitiesIn(provenance)),
        ledger: { height: 1000, blockHash: 'ab'.repeat(32), blockHashes: new Map() }, generatedAt: '2026-12-01T00:00:00.000Z',
      }));
      exhibits = model.value.exhibits.length;
      const pdf = await timed(() => renderPdf(model.value));
      const xlsx = await timed(() => renderXlsx(model.value));
      const zip = await timed(() => renderZip(model.value, [
        { name: 'dossier.pdf', bytes: pdf.value }, { name: 'provenance.json', bytes: Buffer.from(JSON.stringify(provenance)) },
        { name: 'exhibits.csv', bytes: renderCsv(model.value) }, { name: 'exhibits.xlsx', bytes: xlsx.value },
      ]));
      samples.push({
        modelMs: model.ms, pdfMs: pdf.ms, xlsxMs: xlsx.ms, zipMs: zip.ms, pdfBytes: pdf.value.length,
        pdfPages: (pdf.value.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length, xlsxBytes: xlsx.value.length, zipBytes: zip.value.length,
      });
    }
    const pick = (k: keyof (typeof samples)[number]): number => round(median(samples.map((s) => s[k])), 1);
    const countUp = (nodes: typeof provenance.upstream): number => nodes.reduce((n, x) => n + 1 + countUp(x.upstream), 0);
    const row: Row = {
      rootEvents: provenance.links.reduce((n, l) => n + l.events.length, 0), exhibits, upstreamLots: countUp(provenance.upstream),
      modelMs: pick('modelMs'), pdfMs: pick('pdfMs'), xlsxMs: pick('xlsxMs'), zipMs: pick('zipMs'),
      pdfBytes: pick('pdfBytes'), pdfPages: pick('pdfPages'), xlsxBytes: pick('xlsxBytes'), zipBytes: pick('zipBytes'),
    };
    rows.push(row);
    process.stdout.write(`${JSON.stringify(row)}\n`);
  }
  process.stdout.write('\n| events | exhibits | upstream lots | model ms | PDF ms | PDF KB | pages | XLSX ms | XLSX KB | ZIP ms | ZIP KB |\n|---|---|---|---|---|---|---|---|---|---|---|\n');
  for (const r of rows) {
    process.stdout.write(`| ${String(r.rootEvents)} | ${String(r.exhibits)} | ${String(r.upstreamLots)} | ${String(r.modelMs)} | ${String(r.pdfMs)} | ${String(round(r.pdfBytes / 1024, 1))} | ${String(r.pdfPages)} | ${String(r.xlsxMs)} | ${String(round(r.xlsxBytes / 1024, 1))} | ${String(r.zipMs)} | ${String(round(r.zipBytes / 1024, 1))} |\n`);
  }
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ machine: machine(load), rows }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
