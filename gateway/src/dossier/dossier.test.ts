import ExcelJS from 'exceljs';
import * as crypto from 'node:crypto';
import { PDFParse } from 'pdf-parse';
import type { Principal } from '../auth/principals';
import { expect } from '../chai.test';
import { ScreeningService } from '../screening/screening.service';
import { ScreeningListStore } from '../screening/store';
import { buildDossierModel, facilitiesIn, reconcile, type DossierModel } from './model';
import { renderPdf } from './pdf';
import { renderCsv, renderXlsx } from './sheets';
import { syntheticProvenance } from './synthetic';
import { renderZip, type DossierManifest } from './zip';
import { unzip } from './zip-entries.test';

const compliance: Principal = { name: 'org2-compliance', role: 'compliance', identity: 'org2-compliance', mspId: 'Org2MSP' };
const LIST = 'name,aliases,country,address\n"Xinjiang Huafu Textile Co., Ltd.",Huafu Fashion,CN,Aksu\n';

function model(generatedAt = '2026-12-01T12:00:00.000Z'): DossierModel {
  const provenance = syntheticProvenance({ depth: 2, fanOut: 2 });
  const screening = new ScreeningService(new ScreeningListStore(':memory:'), { now: () => new Date('2026-11-30T00:00:00Z') });
  screening.upload(compliance, 'uflpa-entity-list', 'csv', Buffer.from(LIST));
  return buildDossierModel({
    provenance, screening: screening.screen(provenance.parties, provenance.lot.htsCode, facilitiesIn(provenance)), generatedAt,
    ledger: { height: 42, blockHash: 'ab'.repeat(32), blockHashes: new Map([[11, 'cd'.repeat(32)]]) },
    addresses: new Map([['Org1MSP', '1 Industrial Road, Shenzhen']]),
  });
}

async function pdfText(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

describe('dossier model', () => {
  it('numbers steps from the deepest input lot to link 12, and exhibits per event and document', () => {
    const m = model();
    expect(m.steps.filter((s) => s.kind === 'input-lot')).to.have.length(6);
    expect(m.steps.filter((s) => s.kind === 'link').map((s) => s.link)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(m.steps.map((s) => s.number)).to.deep.equal(m.steps.map((_, i) => i + 1));
    expect(m.exhibits.map((x) => x.number)).to.deep.equal(m.exhibits.map((_, i) => i + 1));
    const bl = m.missing.find((x) => x.lotId === m.lot.lotId && x.type === 'bill-of-lading');
    expect(bl).to.deep.include({ link: 9, expectedFrom: ['Org2MSP'] });
    expect(m.summary.evidenceRequired).to.be.greaterThan(m.summary.evidencePresent);
    expect(m.ledgerAppendix.find((e) => e.blockNumber === 11)?.blockHash).to.equal('cd'.repeat(32));
  });

  it('reconciles every transformation and flags an over-consumed input lot', () => {
    const t = reconcile(syntheticProvenance({ depth: 2, fanOut: 2 }));
    expect(t).to.have.length(3); // the lot, and each of its two inputs made from two inputs
    expect(t[0]?.status).to.equal('over-consumed');
    expect(t[0]?.explanation).to.match(/registered 500 KGM but 600 KGM are consumed/);
    expect(t.slice(1).every((x) => x.status === 'balanced')).to.equal(true);
    expect(t[1]?.yieldRatio).to.equal(0.833);
  });

  it('reports late entry data among the anomalies', () => {
    const m = model();
    expect(m.timeliness?.lateEntryData).to.equal(true);
    expect(m.anomalies.map((a) => a.type)).to.include('late-entry-data');
    expect(m.anomalies.map((a) => a.type)).to.include('over-consumption');
  });
});

describe('dossier renderers', function () {
  this.timeout(30_000);

  it('PDF: the summary figures, every party, every missing document with its party, the anomalies and the screening result', async () => {
    const m = model();
    const text = await pdfText(await renderPdf(m));
    for (const title of ['Executive summary', 'Table of contents', 'Parties', 'Supply-chain map', 'Quantity reconciliation', 'Anomalies', 'Screening', 'Ledger appendix']) {
      expect(text).to.include(title);
    }
    expect(text).to.include(`${String(m.summary.linksCovered)}/12`);
    expect(text).to.include(`${String(m.summary.evidencePresent)}/${String(m.summary.evidenceRequired)} required documents`);
    expect(text).to.include(`${String(Math.round((m.summary.timelinessComplianceRate ?? 0) * 1000) / 10)}%`);
    for (const p of m.parties) expect(text).to.include(p.legalName ? `${p.legalName} (${p.mspId})` : p.mspId);
    expect(m.missing.length).to.be.greaterThan(0);
    for (const miss of m.missing) {
      const who = miss.expectedFrom.map((o) => { const p = m.parties.find((x) => x.mspId === o); return p?.legalName ? `${p.legalName} (${o})` : o; }).join(', ');
      expect(text).to.include(`Missing: ${miss.type} — expected from ${who}`);
    }
    for (const a of m.anomalies) expect(text).to.include(a.type);
    expect(text).to.include('Xinjiang Huafo Textiles (Org3MSP) ~ Xinjiang Huafu Textile Co., Ltd. on uflpa-entity-list');
    expect(text).to.include('Aksu cotton mill (GLN 6901234000008) of Org3MSP is in CN-XJ');
    expect(text).to.include('Ledger height at generation: 42');
  });

  it('is deterministic: the same model gives the same PDF, XLSX and ZIP bytes', async () => {
    const a = model();
    const b = model();
    expect((await renderPdf(a)).equals(await renderPdf(b))).to.equal(true);
    expect((await renderXlsx(a)).equals(await renderXlsx(b))).to.equal(true);
    const files = async (m: DossierModel) => [{ name: 'dossier.pdf', bytes: await renderPdf(m) }, { name: 'exhibits.csv', bytes: renderCsv(m) }];
    expect((await renderZip(a, await files(a))).equals(await renderZip(b, await files(b)))).to.equal(true);
    // another generation time changes the PDF, but not the CSV
    const c = model('2026-12-02T00:00:00.000Z');
    expect((await renderPdf(c)).equals(await renderPdf(a))).to.equal(false);
    expect(renderCsv(c).equals(renderCsv(a))).to.equal(true);
  });

  it('ZIP: the manifest names each file with its SHA-256; XLSX: one row per exhibit', async () => {
    const m = model();
    const files = [
      { name: 'dossier.pdf', bytes: await renderPdf(m) },
      { name: 'exhibits.csv', bytes: renderCsv(m) },
      { name: 'exhibits.xlsx', bytes: await renderXlsx(m) },
    ];
    const entries: Map<string, Buffer> = await unzip(await renderZip(m, files, [{ name: 'proof.json', reason: 'no proof module' }]));
    const manifest = JSON.parse((entries.get('manifest.json') as Buffer).toString('utf8')) as DossierManifest;
    expect(manifest.files.map((f) => f.name)).to.deep.equal(['dossier.pdf', 'exhibits.csv', 'exhibits.xlsx']);
    for (const f of manifest.files) {
      const bytes = entries.get(f.name) as Buffer;
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).to.equal(f.sha256);
      expect(bytes.length).to.equal(f.bytes);
    }
    expect(manifest.absent).to.deep.equal([{ name: 'proof.json', reason: 'no proof module' }]);
    const wb = new ExcelJS.Workbook();
    // exceljs types an older Buffer: hand it the ArrayBuffer-backed copy it expects
    await wb.xlsx.load(new Uint8Array(entries.get('exhibits.xlsx') ?? []).buffer);
    const ws = wb.getWorksheet('Exhibits');
    expect(ws?.rowCount).to.equal(m.exhibits.length + 1);
    expect(ws?.getRow(1).getCell(1).value).to.equal('exhibit');
    const csvLines = (entries.get('exhibits.csv') as Buffer).toString('utf8').trim().split('\r\n');
    expect(csvLines).to.have.length(m.exhibits.length + 1);
  });
});
