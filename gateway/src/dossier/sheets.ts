/**
 * The exhibits sheet, the one a reviewer sorts and filters: one row per event and per document,
 * as CSV (csv-stringify) and XLSX (exceljs). The XLSX's zip entries are re-dated to the
 * generation time (JSZip), so the same model gives the same bytes.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { DossierModel, Exhibit } from './model';

/** Sheet columns: header and the exhibit's value. */
const COLUMNS: ReadonlyArray<[string, (x: Exhibit, m: DossierModel) => string | number | null]> = [
  ['exhibit', (x) => x.number],
  ['step', (x) => x.step],
  ['kind', (x) => x.kind],
  ['lotId', (x) => x.lotId],
  ['link', (x) => x.link],
  ['linkName', (x) => x.linkName],
  ['eventId', (x) => x.eventId],
  ['eventKind', (x) => x.eventKind],
  ['type', (x) => x.type],
  ['eventTime', (x) => x.eventTime],
  ['recordedBy', (x) => x.recordedBy],
  ['recordedByName', (x, m) => m.parties.find((p) => p.mspId === x.recordedBy)?.legalName ?? null],
  ['recordedAt', (x) => x.recordedAt],
  ['facility', (x) => x.facility],
  ['sha256', (x) => x.sha256],
  ['uri', (x) => x.uri],
  ['txId', (x) => x.txId],
  ['blockNumber', (x) => x.blockNumber],
];

/** The exhibits as rows of values, header first. */
export function exhibitRows(model: DossierModel): Array<Array<string | number | null>> {
  return [COLUMNS.map(([h]) => h), ...model.exhibits.map((x) => COLUMNS.map(([, f]) => f(x, model)))];
}

/** exhibits.csv (RFC 4180, UTF-8, CRLF line ends). */
export function renderCsv(model: DossierModel): Buffer {
  return Buffer.from(stringify(exhibitRows(model).map((r) => r.map((v) => v ?? '')), { record_delimiter: 'windows' }), 'utf8');
}

/** exhibits.xlsx: one sheet, header frozen and filterable, one row per exhibit. */
export async function renderXlsx(model: DossierModel): Promise<Buffer> {
  const created = new Date(model.generatedAt);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'acetrace';
  wb.lastModifiedBy = 'acetrace';
  wb.created = created;
  wb.modified = created;
  const ws = wb.addWorksheet('Exhibits', { views: [{ state: 'frozen', ySplit: 1 }] });
  const rows = exhibitRows(model);
  ws.columns = COLUMNS.map(([h]) => ({ header: h, key: h, width: h === 'sha256' ? 66 : h === 'txId' ? 66 : 18 }));
  for (const r of rows.slice(1)) ws.addRow(r);
  ws.getRow(1).font = { bold: true };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  const raw = Buffer.from(await wb.xlsx.writeBuffer());
  // exceljs dates each zip entry with the clock: re-date them so the bytes depend on the model only.
  const zip = await JSZip.loadAsync(raw);
  for (const file of Object.values(zip.files)) file.date = created;
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
