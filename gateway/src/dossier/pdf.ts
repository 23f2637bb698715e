/**
 * The dossier as PDF (dossier.md, in its order), drawn with pdfkit: text with the standard
 * Helvetica fonts (nothing embedded) and the supply-chain map as vector shapes. Deterministic:
 * the document info (and so the file ID pdfkit derives from it) uses the model's `generatedAt`.
 */
import PDFDocument from 'pdfkit';
import type { DossierModel, DossierStep, Exhibit } from './model';

const MARGIN = 50;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const MONO = 'Courier';
const GREY = '#666666';
const RED = '#b00020';

/** Sections in order (the table of contents). */
const SECTIONS = [
  'Executive summary', 'Parties', 'Supply-chain map', 'Steps and exhibits', 'Quantity reconciliation', 'Anomalies', 'Screening', 'Ledger appendix',
] as const;
type Section = (typeof SECTIONS)[number];

/** Text cursor over pages: writes lines and starts a new page when one does not fit. */
class Writer {
  readonly doc: PDFKit.PDFDocument;
  constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
  }
  get bottom(): number {
    return this.doc.page.height - MARGIN - 20;
  }
  /** Space for `h` points, else a new page. */
  need(h: number): void {
    if (this.doc.y + h > this.bottom) this.doc.addPage();
  }
  heading(text: string, size = 16): void {
    this.need(size * 3);
    this.doc.moveDown(0.6).font(BOLD).fontSize(size).fillColor('black').text(text, MARGIN);
    this.doc.moveDown(0.3);
  }
  para(text: string, options: { size?: number; color?: string; font?: string; indent?: number } = {}): void {
    const size = options.size ?? 10;
    this.doc.font(options.font ?? FONT).fontSize(size);
    const width = this.doc.page.width - 2 * MARGIN - (options.indent ?? 0);
    this.need(this.doc.heightOfString(text, { width }));
    this.doc.fillColor(options.color ?? 'black').text(text, MARGIN + (options.indent ?? 0), this.doc.y, { width });
  }
  /** One table row of fixed columns, single lines (cut to fit), for long listings. */
  row(cells: readonly string[], widths: readonly number[], options: { font?: string; size?: number; color?: string } = {}): void {
    const size = options.size ?? 7.5;
    this.need(size + 4);
    const y = this.doc.y;
    let x = MARGIN;
    this.doc.font(options.font ?? FONT).fontSize(size).fillColor(options.color ?? 'black');
    cells.forEach((cell, i) => {
      const w = widths[i] ?? 60;
      this.doc.text(cell, x, y, { width: w - 4, height: size + 2, lineBreak: false, ellipsis: true });
      x += w;
    });
    this.doc.x = MARGIN;
    this.doc.y = y + size + 4;
  }
}

/** Renders the model as PDF bytes. */
export function renderPdf(model: DossierModel): Promise<Buffer> {
  const created = new Date(model.generatedAt);
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, bufferPages: true, autoFirstPage: true, compress: true,
    info: {
      Title: `CBP review dossier: lot ${model.lot.lotId}`, Author: 'acetrace', Subject: `Supply-chain tracing documentation, policy ${model.policy}`,
      Creator: 'acetrace gateway', Producer: 'acetrace (pdfkit)', CreationDate: created, ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => { chunks.push(c); });
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => { resolve(Buffer.concat(chunks)); });
    doc.on('error', reject);
  });
  const w = new Writer(doc);
  const pages = new Map<Section, number>();
  const start = (s: Section, landscape = false): void => {
    doc.addPage(landscape ? { layout: 'landscape', margin: MARGIN } : { margin: MARGIN });
    pages.set(s, doc.bufferedPageRange().count);
    w.heading(`${String(SECTIONS.indexOf(s) + 1)}. ${s}`);
  };

  cover(w, model);
  start('Executive summary');
  for (const s of model.summary.sentences) {
    w.para(s, { size: 11 });
    doc.moveDown(0.4);
  }
  keyFigures(w, model);
  doc.addPage();
  const tocPage = doc.bufferedPageRange().count;
  start('Parties');
  parties(w, model);
  start('Supply-chain map', true);
  drawMap(doc, model);
  start('Steps and exhibits');
  steps(w, model);
  start('Quantity reconciliation');
  reconciliation(w, model);
  start('Anomalies');
  anomalies(w, model);
  start('Screening');
  screening(w, model);
  start('Ledger appendix');
  ledgerAppendix(w, model);

  // Table of contents and footers once every page exists.
  doc.switchToPage(tocPage - 1);
  doc.y = MARGIN;
  w.heading('Table of contents');
  SECTIONS.forEach((s, i) => {
    doc.font(FONT).fontSize(11).fillColor('black').text(`${String(i + 1)}. ${s}`, MARGIN, doc.y, { continued: false, width: 380 });
    doc.moveUp().text(`page ${String(pages.get(s) ?? '-')}`, MARGIN + 400, doc.y, { width: 95, align: 'right' });
  });
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(i);
    const { width, height } = doc.page;
    doc.font(FONT).fontSize(7).fillColor(GREY)
      .text(`acetrace CBP review dossier · lot ${model.lot.lotId} · ledger height ${String(model.ledger.height ?? 'n/a')} · page ${String(i + 1)} of ${String(range.count)}`,
        MARGIN, height - MARGIN + 10, { width: width - 2 * MARGIN, align: 'center', lineBreak: false });
  }
  doc.end();
  return done;
}

function cover(w: Writer, m: DossierModel): void {
  const doc = w.doc;
  doc.font(BOLD).fontSize(24).fillColor('black').text('Supply-chain tracing documentation', MARGIN, 140);
  doc.font(FONT).fontSize(13).fillColor(GREY).text('CBP review dossier (UFLPA applicability review)');
  doc.moveDown(2);
  const line = (k: string, v: string): void => {
    doc.font(BOLD).fontSize(11).fillColor('black').text(`${k}: `, { continued: true }).font(FONT).text(v);
    doc.moveDown(0.2);
  };
  line('Lot', m.lot.lotId);
  line('Product', `${m.lot.product} (${String(m.lot.quantity)} ${m.lot.unit})`);
  line('HTS code', m.lot.htsCode);
  line('Country of origin', m.lot.originCountry);
  line('Owner', partyName(m, m.lot.ownerMsp));
  line('Importer of record', m.importerOfRecord ? partyName(m, m.importerOfRecord) : 'not named on the ledger');
  line('Generated', m.generatedAt);
  line('Ledger height at generation', m.ledger.height === null ? 'not available from this gateway' : String(m.ledger.height));
  line('Last block hash', m.ledger.blockHash ?? 'not available from this gateway');
  line('Evidence policy', m.policy);
  doc.moveDown(2);
  doc.font(FONT).fontSize(9).fillColor(GREY).text(
    'Every statement in this dossier is computed from the Hyperledger Fabric ledger at the height above: events, documents (by SHA-256) and parties as recorded, each traceable to its transaction in the ledger appendix.',
    { width: 495 },
  );
}

function keyFigures(w: Writer, m: DossierModel): void {
  const s = m.summary;
  w.heading('Key figures', 12);
  const rows: Array<[string, string]> = [
    ['Link completeness', `${String(s.linksCovered)}/${String(s.linksRequired)}`],
    ['Evidence completeness', `${String(s.evidencePresent)}/${String(s.evidenceRequired)} required documents`],
    ['Timeliness compliance', s.timelinessComplianceRate === null ? 'n/a' : `${String(Math.round(s.timelinessComplianceRate * 1000) / 10)}%`],
    ['Anomalies', String(s.anomalies)],
    ['Screening', `${String(s.exactMatches)} exact, ${String(s.nearMatches)} near matches; ${String(s.highRiskFacilities)} high-risk facilities`],
    ['High-priority sector', s.sectors.length > 0 ? s.sectors.join(', ') : 'none'],
    ['Quantity reconciliation', `${String(s.transformations - s.transformationsFlagged)}/${String(s.transformations)} transformations reconcile`],
    ['Origins of raw materials', s.origins.join(', ')],
  ];
  for (const [k, v] of rows) w.row([k, v], [170, 325], { size: 10 });
}

const partyName = (m: DossierModel, mspId: string): string => {
  const p = m.parties.find((x) => x.mspId === mspId);
  return p?.legalName ? `${p.legalName} (${mspId})` : mspId;
};

function parties(w: Writer, m: DossierModel): void {
  for (const p of m.parties) {
    w.need(70);
    w.para(p.legalName ? `${p.legalName} (${p.mspId})` : `${p.mspId} (no registered profile)`, { font: BOLD, size: 11 });
    w.para(`Country: ${p.country ?? 'not registered'}. Address: ${p.address ?? 'not registered'}.`, { indent: 12 });
    w.para(`Roles: ${p.roles.length > 0 ? p.roles.join(', ') : 'none declared'}. Part taken: ${p.involvement.join(', ')}.`, { indent: 12 });
    w.para(`Steps: ${p.steps.length > 0 ? [...new Set(p.steps)].join(', ') : 'none recorded'}.`, { indent: 12 });
    for (const f of p.facilities) {
      w.para(`Facility ${f.name}, GLN ${f.gln}, ${f.type}, ${f.country}${f.subdivision ? ` (${f.subdivision})` : ''}`, { indent: 12, size: 9 });
    }
    w.doc.moveDown(0.5);
  }
}

/** The flow chart: upstream input lots in rows by depth above, the 12 links in two rows of six. */
function drawMap(doc: PDFKit.PDFDocument, m: DossierModel): void {
  const top = doc.y + 5;
  const width = doc.page.width - 2 * MARGIN;
  const inputs = m.steps.filter((s) => s.kind === 'input-lot');
  const links = m.steps.filter((s) => s.kind === 'link');
  const depthOf = new Map<number, number>();
  const depth = (s: DossierStep): number => {
    const known = depthOf.get(s.number);
    if (known !== undefined) return known;
    const target = m.steps.find((x) => x.number === s.feeds[0]);
    const d = !target || target.kind === 'link' ? 1 : depth(target) + 1;
    depthOf.set(s.number, d);
    return d;
  };
  inputs.forEach(depth);
  const maxDepth = Math.max(0, ...depthOf.values());
  const rows: DossierStep[][] = [];
  for (let d = maxDepth; d >= 1; d--) rows.push(inputs.filter((s) => depthOf.get(s.number) === d));
  rows.push(links.slice(0, 6), links.slice(6));
  const available = doc.page.height - MARGIN - 30 - top;
  const rowH = Math.min(78, available / rows.length);
  const boxH = rowH - 22;
  const at = new Map<number, { x: number; y: number; w: number; h: number }>();
  rows.forEach((row, r) => {
    const slot = width / Math.max(row.length, 6);
    const boxW = Math.min(118, slot - 10);
    row.forEach((s, i) => {
      const box = { x: MARGIN + i * slot + (slot - boxW) / 2, y: top + r * rowH, w: boxW, h: boxH };
      at.set(s.number, box);
      drawStepBox(doc, m, s, box);
    });
  });
  doc.lineWidth(0.7).strokeColor('#444444').fillColor('#444444');
  for (const s of m.steps) {
    const from = at.get(s.number);
    for (const t of s.feeds) {
      const to = at.get(t);
      if (!from || !to) continue;
      const sameRow = Math.abs(from.y - to.y) < 1;
      const [x1, y1, x2, y2] = sameRow
        ? [from.x + from.w, from.y + from.h / 2, to.x, to.y + to.h / 2]
        : [from.x + from.w / 2, from.y + from.h, to.x + to.w / 2, to.y];
      doc.moveTo(x1, y1).lineTo(x2, y2).stroke();
      const a = Math.atan2(y2 - y1, x2 - x1);
      doc.moveTo(x2, y2).lineTo(x2 - 5 * Math.cos(a - 0.4), y2 - 5 * Math.sin(a - 0.4)).lineTo(x2 - 5 * Math.cos(a + 0.4), y2 - 5 * Math.sin(a + 0.4)).closePath().fill();
    }
  }
  const containers = [...new Set(m.steps.flatMap((s) => s.containers))];
  doc.font(FONT).fontSize(7).fillColor(GREY).text(
    `Solid boxes: links with recorded events; dashed: no event recorded. Blue: input lots (raw materials and components) feeding the step below them.${containers.length > 0 ? ` Containers the lot travelled in: ${containers.join(', ')}.` : ''}`,
    MARGIN, top + rows.length * rowH + 2, { width },
  );
}

/** One step's box of the flow chart: solid when covered, dashed when not; its parties and (if room) its first facility. */
function drawStepBox(doc: PDFKit.PDFDocument, m: DossierModel, s: DossierStep, box: { x: number; y: number; w: number; h: number }): void {
  const { x, y, w: boxW, h: boxH } = box;
  doc.save().lineWidth(s.covered ? 1 : 0.8);
  if (!s.covered) doc.dash(3, { space: 2 });
  doc.roundedRect(x, y, boxW, boxH, 4).fillAndStroke(stepFill(s), s.covered ? '#333333' : '#999999');
  doc.undash().restore();
  writeStepBoxText(doc, m, s, box);
}

/** The text inside a step's box: its number (and missing documents), title, parties and, if room, first facility. */
function writeStepBoxText(doc: PDFKit.PDFDocument, m: DossierModel, s: DossierStep, box: { x: number; y: number; w: number; h: number }): void {
  const { x, y, w: boxW, h: boxH } = box;
  const fs = boxH < 40 ? 5.5 : 6.5;
  const missing = s.missing.length > 0 ? ` (${String(s.missing.length)} doc. missing)` : '';
  doc.font(BOLD).fontSize(fs + 0.5).fillColor(s.covered ? 'black' : GREY)
    .text(`Step ${String(s.number)}${missing}`, x + 3, y + 2, { width: boxW - 6, lineBreak: false, ellipsis: true });
  doc.font(FONT).fontSize(fs).text(s.kind === 'link' ? s.title : `Input ${s.lotId}`, x + 3, y + 3 + fs * 1.3, { width: boxW - 6, height: fs * 1.3, lineBreak: false, ellipsis: true });
  doc.text(s.organisations.length > 0 ? s.organisations.map((o) => partyName(m, o)).join(', ') : 'no party recorded', x + 3, y + 3 + fs * 2.6,
    { width: boxW - 6, height: fs * 2.6, ellipsis: true });
  if (s.facilities[0] && boxH >= 40) {
    doc.fillColor(GREY).text(s.facilities[0], x + 3, y + 3 + fs * 5.2, { width: boxW - 6, height: fs * 1.3, lineBreak: false, ellipsis: true });
  }
}

/** A box's fill: blue for input lots, green for covered links, grey for uncovered ones. */
function stepFill(s: DossierStep): string {
  if (s.kind === 'input-lot') return '#eef4fb';
  return s.covered ? '#eef8ee' : '#f4f4f4';
}

function steps(w: Writer, m: DossierModel): void {
  const byNumber = new Map(m.exhibits.map((x) => [x.number, x]));
  const widths = [38, 95, 62, 95, 78, 127];
  for (const s of m.steps) {
    w.need(80);
    w.para(`Step ${String(s.number)}. ${s.title}`, { font: BOLD, size: 12 });
    w.para(`Lot ${s.lotId}. ${stepEvents(s)} Parties: ${s.organisations.length > 0 ? s.organisations.map((o) => partyName(m, o)).join(', ') : 'none'}.`, { size: 9 });
    if (s.facilities.length > 0) w.para(`Facilities: ${s.facilities.join('; ')}.`, { size: 9 });
    if (s.containers.length > 0) w.para(`Inside container(s): ${s.containers.join(', ')}.`, { size: 9 });
    if (s.exhibits.length > 0) {
      w.doc.moveDown(0.2);
      w.row(['Exhibit', 'Event / document', 'Type', 'Time', 'Recorded by', 'SHA-256 / reference'], widths, { font: BOLD });
      for (const n of s.exhibits) {
        const x = byNumber.get(n);
        if (x) exhibitRows(w, x, widths);
      }
    }
    for (const miss of s.missing) {
      w.para(`Missing: ${miss.type} — expected from ${miss.expectedFrom.map((o) => partyName(m, o)).join(', ')}`, { size: 9, color: RED });
    }
    w.doc.moveDown(0.6);
  }
}

/** How many events a step has and over what time, or that it has none. */
function stepEvents(s: DossierStep): string {
  if (!s.covered) return 'No event recorded.';
  return `${String(s.events)} event${s.events === 1 ? '' : 's'}, ${s.firstSeen ?? ''} to ${s.lastSeen ?? ''}`;
}

/** An exhibit's table rows: one for an event, two (reference, then hash) for a document. */
function exhibitRows(w: Writer, x: Exhibit, widths: readonly number[]): void {
  if (x.kind === 'event') {
    w.row([String(x.number), x.eventId, x.type, x.eventTime, x.recordedBy, `tx ${x.txId}`], widths);
    return;
  }
  w.row([String(x.number), `  document of ${x.eventId}`, x.type, '', '', x.uri ?? ''], widths, { color: '#1a3d6d' });
  w.row(['', '', '', `SHA-256 ${x.sha256 ?? ''}`, '', ''], [38, 95, 62, 300], { font: MONO, size: 6.5, color: '#1a3d6d' });
}

function reconciliation(w: Writer, m: DossierModel): void {
  if (m.reconciliation.length === 0) {
    w.para('The lot was registered without input lots: there is no transformation to reconcile.');
    return;
  }
  const widths = [110, 120, 70, 70, 70, 55];
  for (const t of m.reconciliation) {
    w.need(60);
    w.para(`${t.output.lotId}: ${t.output.product}, ${String(t.output.quantity)} ${t.output.unit} — ${t.status}`, { font: BOLD, size: 10, color: t.status === 'balanced' ? 'black' : RED });
    w.row(['Input lot', 'Product', 'Consumed here', 'Lot quantity', 'Consumed by all', 'Remaining'], widths, { font: BOLD });
    for (const i of t.inputs) {
      w.row([i.lotId, i.product, `${String(i.quantityConsumed)} ${i.unit}`, `${String(i.lotQuantity)} ${i.unit}`, `${String(i.totalConsumed)} ${i.unit}`, String(i.remaining)], widths, { color: i.overConsumed ? RED : 'black' });
    }
    w.para(t.explanation, { size: 9 });
    w.doc.moveDown(0.4);
  }
}

function anomalies(w: Writer, m: DossierModel): void {
  if (m.anomalies.length === 0) {
    w.para('No anomalies were detected.');
    return;
  }
  m.anomalies.forEach((a, i) => {
    w.para(`${String(i + 1)}. ${a.type}`, { font: BOLD, size: 10 });
    w.para(a.detail, { indent: 12, size: 9 });
    w.para(a.explanation, { indent: 12, size: 9, color: GREY });
    if (a.eventIds.length > 0 || a.lotIds.length > 0) w.para(`Concerns: ${[...a.eventIds, ...a.lotIds].join(', ')}`, { indent: 12, size: 8 });
    w.doc.moveDown(0.3);
  });
}

function screening(w: Writer, m: DossierModel): void {
  const s = m.screening;
  w.para('Lists used', { font: BOLD, size: 11 });
  if (s.lists.length === 0) w.para('No entity list has been uploaded to this gateway: parties were not screened against a list.', { color: RED });
  for (const l of s.lists) w.para(`${l.name}: ${String(l.entries)} entries, uploaded ${l.uploadedAt} by ${l.uploadedBy}, SHA-256 ${l.sha256}`, { size: 9 });
  w.para(`Parties screened: ${s.screened.map((p) => `${p.name} (${p.mspId})`).join(', ') || 'none'}. Near-match threshold ${String(s.threshold)}.`, { size: 9 });
  w.doc.moveDown(0.4);
  matchList(w, 'Exact matches', '=', s.exactMatches);
  matchList(w, 'Near matches', '~', s.nearMatches);
  w.para(`High-risk regions (${s.highRiskSubdivisions.join(', ')})`, { font: BOLD, size: 11 });
  for (const f of s.highRiskFacilities) w.para(`${f.name} (GLN ${f.gln}) of ${f.mspId} is in ${f.subdivision}`, { size: 9, color: RED });
  if (s.highRiskFacilities.length === 0) w.para('No facility of the chain is registered in a high-risk region.', { size: 9 });
  w.para('High-priority sector', { font: BOLD, size: 11 });
  w.para(s.sectors.length > 0
    ? `HTS ${s.htsCode} falls under ${s.sectors.map((x) => `${x.sector} (${x.covers})`).join('; ')}.`
    : `HTS ${s.htsCode} is in none of the DHS high-priority sectors.`, { size: 9 });
}

/** A list of screening matches under its heading ('None.' when empty); `sign` is = for exact, ~ for near. */
function matchList(w: Writer, title: string, sign: string, matches: DossierModel['screening']['exactMatches']): void {
  w.para(`${title} (${String(matches.length)})`, { font: BOLD, size: 11 });
  for (const x of matches) w.para(`${x.partyName} (${x.mspId}) ${sign} ${x.listedName} on ${x.list} (${x.via}: ${x.matchedOn}), score ${String(x.score)}`, { size: 9, color: RED });
  if (matches.length === 0) w.para('None.', { size: 9 });
}

function ledgerAppendix(w: Writer, m: DossierModel): void {
  w.para(`Ledger height at generation: ${String(m.ledger.height ?? 'n/a')}; last block hash: ${m.ledger.blockHash ?? 'n/a'}.`, { size: 9 });
  w.para('To verify offline: download the proof bundle of the lot (GET /v1/lots/{lotId}/proof, acetrace-proof/1) and run `acetrace-verify bundle.json`; it checks each event’s write set, its transaction in the block, the block hash chain, the endorsements and the orderer signatures against the channel’s certificates.', { size: 9 });
  w.doc.moveDown(0.4);
  const widths = [95, 55, 28, 150, 40, 127];
  w.row(['Event', 'Lot', 'Link', 'Transaction id', 'Block', 'Block hash'], widths, { font: BOLD });
  for (const e of m.ledgerAppendix) {
    w.row([e.eventId, e.lotId, String(e.link), e.txId, e.blockNumber === null ? '-' : String(e.blockNumber), e.blockHash ?? '-'], widths, { size: 6.5 });
  }
}
