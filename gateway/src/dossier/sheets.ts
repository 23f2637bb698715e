/**
 * The exhibits sheet, the one a reviewer sorts and filters: one row per event and per document,
 * as CSV (csv-stringify) and XLSX (exceljs). The XLSX's zip entries are re-dated to the
 * generation time (JSZip), so the same model gives the same bytes.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { DossierModel, Exhibit } from './model';

type Cell = string | number | null;
type Column = [string, (x: Exhibit, m: DossierModel) => Cell];

/** The exhibit's fields whose values are cells. */
type CellField = { [K in keyof Exhibit]-?: Exhibit[K] extends Cell ? K : never }[keyof Exhibit];

/** A column of the exhibit's field of that name. */
const field = (name: CellField): Column => [name, (x) => x[name]];

/** Sheet columns: header and the exhibit's value. */
const COLUMNS: readonly Column[] = [
  ['exhibit', (x) => x.number],
  ...(['step', 'kind', 'lotId', 'link', 'linkName', 'eventId', 'eventKind', 'type', 'eventTime', 'recordedBy'] as const).map(field),
  ['recordedByName', (x, m) => m.parties.find((p) => p.mspId === x.recordedBy)?.legalName ?? null],
  ...(['recordedAt', 'facility', 'sha256', 'uri', 'txId', 'blockNumber'] as const).map(field),
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
