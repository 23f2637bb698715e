/** The benchmark's result shape and its three renderings: JSON, Markdown and an SVG chart. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Latency, Machine } from './stats';

export interface SeedRow {
  ledgerEvents: number;
  addedEvents: number;
  lots: number;
  transactions: number;
  seconds: number;
  registerLotsSeconds: number;
  eventsPerSecond: number;
}

export interface ProvenanceRow extends Latency {
  ledgerEvents: number;
  lotEvents: number;
  path: 'gateway-lot' | 'gateway-lot-fresh' | 'gateway-epc' | 'fabric-lot' | 'fabric-epc' | 'naive-scan' | 'key-range';
}

export interface IngestionRow {
  clients: number;
  batch: number;
  events: number;
  requests: number;
  httpErrors: number;
  ackedPerSecond: number;
  committedPerSecond: number;
  ackP50Ms: number;
  ackP95Ms: number;
  ackP99Ms: number;
  secondsUntilAllCommitted: number;
  transactions: number;
  submitRetries: number;
  ledgerRetries: number;
  rejected: number;
}

export interface DirectRow {
  inFlight: number;
  committedTxs: number;
  seconds: number;
  txPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  mvccConflicts: number;
  commitErrorsByCode: Record<string, number>;
  otherErrors: number;
}

/** POST /v1/events?wait=commit, one event per request, `clients` at once. */
export interface WaitCommitRow extends Latency {
  clients: number;
  committed: number;
  eventsPerSecond: number;
  errors: number;
}

/** The 10,000-event lot's summary view and per-link pages; `skipped` says why when the gateway has no such routes. */
export interface PagingResult {
  ledgerEvents: number;
  lotEvents: number;
  skipped?: string;
  summary?: Latency;
  page?: Latency;
  pageSize?: number;
  eventsSeen?: number;
  walkMs?: number;
  gatewayRssMiB?: { before: number; after: number };
}

export interface Target {
  target: string;
  measured: string;
  pass: boolean;
}

export interface Results {
  benchmark: string;
  date: string;
  mode: 'quick' | 'full';
  setup: Record<string, string>;
  machine: Machine;
  totalSeconds: number;
  ledgerEventsAtEnd: number;
  seeding: SeedRow[];
  provenance: ProvenanceRow[];
  ingestion: IngestionRow[];
  direct: DirectRow[];
  memory: Record<string, { peakMiB: number; rssMiB: number }>;
  targets: Target[];
  /** Issue #19's targets (absent in results written before it). */
  targets19?: Target[];
  waitCommit?: WaitCommitRow[];
  paging?: PagingResult[];
  /**
   * Load average (1/5/15 min) when each phase ended: the machine is shared, read each figure against it;
   * and each child's memory then (MiB: VmHWM so far, VmRSS now, the largest VmRSS sampled during the phase), to see which phase sets the peak.
   */
  loadByPhase?: Array<{ phase: string; loadAverage: number[]; memory?: Record<string, { peakMiB: number; rssMiB: number; phaseMaxRssMiB: number }> }>;
}

const PATH_LABEL: Record<ProvenanceRow['path'], string> = {
  'gateway-lot': 'HTTP gateway, by lot id',
  'gateway-lot-fresh': 'HTTP gateway, by lot id, Cache-Control: no-cache (evaluated every time)',
  'gateway-epc': 'HTTP gateway, by EPC',
  'fabric-lot': 'fabric-gateway evaluate GetProvenance',
  'fabric-epc': 'fabric-gateway evaluate GetProvenanceByEpc',
  'naive-scan': 'naive: scan all events, filter by lot',
  'key-range': "key design: the lot's EVT range on the same SQLite",
};

/** The rows read straight from the network's SQLite in the benchmark process (no chaincode, no gRPC, no HTTP). */
const RAW_SQLITE: ReadonlySet<ProvenanceRow['path']> = new Set(['naive-scan', 'key-range']);

const n = (x: number): string => x.toLocaleString('en-US');

function headerSection(r: Results): string[] {
  const m = r.machine;
  return [
    `# acetrace benchmark — ${r.mode} run, ${r.date}`,
    '',
    `Machine: ${String(m.cpus)} × ${m.cpuModel}, ${String(m.totalMemoryGiB)} GiB (${String(m.freeMemoryGiB)} free), Node ${m.node}, ${m.platform}. ` +
      `Load average (1/5/15 min) ${m.loadAverage.start.join('/')} at start, ${m.loadAverage.end.join('/')} at end — ` +
      'the machine is shared; the client, the gateway and the network all run on it. ' +
      `Run took ${String(r.totalSeconds)} s; ${n(r.ledgerEventsAtEnd)} events on the ledger at the end.`,
    '',
  ];
}

function targetRows(targets: readonly Target[]): string[] {
  return ['| target | measured | |', '| --- | --- | --- |', ...targets.map((t) => `| ${t.target} | ${t.measured} | **${t.pass ? 'PASS' : 'MISS'}** |`)];
}

function targetsSection(r: Results): string[] {
  const issue19 = r.targets19 === undefined ? [] : ['## Targets of issue #19 (performance to the limit)', '', ...targetRows(r.targets19), ''];
  return [...issue19, '## Targets of issue #7', '', ...targetRows(r.targets)];
}

/** The row of `path` on the same ledger and lot as `p`. */
function sibling(r: Results, p: ProvenanceRow, path: ProvenanceRow['path']): ProvenanceRow | undefined {
  return r.provenance.find((q) => q.ledgerEvents === p.ledgerEvents && q.lotEvents === p.lotEvents && q.path === path);
}

function provenanceRow(r: Results, p: ProvenanceRow): string {
  const base = sibling(r, p, 'gateway-lot');
  const x = base && base.p50Ms > 0 ? p.p50Ms / base.p50Ms : undefined;
  const ratio = x === undefined ? '' : `×${x < 0.1 ? x.toPrecision(2) : x.toFixed(2)}`;
  return `| ${n(p.ledgerEvents)} | ${n(p.lotEvents)} | ${PATH_LABEL[p.path]}${RAW_SQLITE.has(p.path) ? ' †' : ''} | ${String(p.samples)} | ${String(p.p50Ms)} | ${String(p.p95Ms)} | ${String(p.p99Ms)} | ${String(p.maxMs)} | ${ratio} |`;
}

function provenanceSection(r: Results): string[] {
  return [
    '',
    '## Provenance latency (one client, sequential; ms)',
    '',
    '| ledger events | lot events | path | samples | p50 | p95 | p99 | max | p50 vs gateway-lot |',
    '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.provenance.map((p) => provenanceRow(r, p)),
    '',
    'Two ratios, two questions. *p50 vs gateway-lot* compares each row with the HTTP path on the same ledger and lot; for the two ' +
      'raw-SQLite rows (†) it compares different stacks – a loop over the network\'s SQLite file in the benchmark process against ' +
      'chaincode + gRPC + HTTP – so it is not the worth of the key design (at small ledgers the raw full scan can even beat the ' +
      'real path of a large lot). The key design\'s ratio is the next table: the naive full scan against the lot\'s own `EVT` key ' +
      'range, both on that one raw-SQLite stack.',
    '',
  ];
}

function keyDesignSection(r: Results): string[] {
  const keyRows = r.provenance.filter((p) => p.path === 'key-range');
  if (keyRows.length === 0) return [];
  const out = [
    '### Key design on one stack (raw SQLite in the benchmark process; ms)',
    '',
    "| ledger events | lot events | naive full scan p50 | lot's EVT range p50 | naive ÷ key range (p50) | naive p99 | key range p99 |",
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const k of keyRows) {
    const naive = sibling(r, k, 'naive-scan');
    if (!naive) continue;
    const ratio = k.p50Ms > 0 ? `×${(naive.p50Ms / k.p50Ms).toFixed(1)}` : '';
    out.push(`| ${n(k.ledgerEvents)} | ${n(k.lotEvents)} | ${String(naive.p50Ms)} | ${String(k.p50Ms)} | ${ratio} | ${String(naive.p99Ms)} | ${String(k.p99Ms)} |`);
  }
  out.push('');
  return out;
}

function seedingSection(r: Results): string[] {
  return [
    '![provenance latency of the 120-event lot against ledger size](provenance.svg)',
    '',
    '![provenance latency of the 1,200-event lot against ledger size](provenance-1200.svg)',
    '',
    '![provenance latency of the 12-event lot against ledger size](provenance-12.svg)',
    '',
    '## Seeding (background ledger, RecordEvents of 500 events per transaction via fabric-gateway)',
    '',
    '| ledger events after | events added | lots | transactions | seconds | of which RegisterLot | RecordEvents events/s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.seeding.map((s) => `| ${n(s.ledgerEvents)} | ${n(s.addedEvents)} | ${n(s.lots)} | ${n(s.transactions)} | ${String(s.seconds)} | ${String(s.registerLotsSeconds)} | ${n(s.eventsPerSecond)} |`),
  ];
}

function ingestionSection(r: Results): string[] {
  return [
    '',
    '## Ingestion through POST /v1/events (all clients post distinct events to one lot)',
    '',
    '| clients | events/request | events | acked (202) events/s | committed events/s | ack p50 / p95 / p99 ms | s until all committed | RecordEvents txs | outbox retries | ledger retries | rejected | HTTP errors |',
    '| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.ingestion.map(
      (i) =>
        `| ${String(i.clients)} | ${String(i.batch)} | ${n(i.events)} | ${n(i.ackedPerSecond)} | ${n(i.committedPerSecond)} | ${String(i.ackP50Ms)} / ${String(i.ackP95Ms)} / ${String(i.ackP99Ms)} | ${String(i.secondsUntilAllCommitted)} | ${n(i.transactions)} | ${String(i.submitRetries)} | ${String(i.ledgerRetries)} | ${String(i.rejected)} | ${String(i.httpErrors)} |`,
    ),
  ];
}

function directRow(d: DirectRow): string {
  const other = Object.entries(d.commitErrorsByCode)
    .filter(([c]) => c !== '11')
    .map(([c, k]) => `${c}: ${String(k)}`)
    .join(', ');
  return `| ${String(d.inFlight)} | ${n(d.committedTxs)} | ${String(d.seconds)} | ${String(d.txPerSecond)} | ${String(d.p50Ms)} / ${String(d.p95Ms)} / ${String(d.p99Ms)} | ${String(d.mvccConflicts)} | ${other || '0'} | ${String(d.otherErrors)} |`;
}

function directSection(r: Results): string[] {
  return [
    '',
    '## Single-event transactions straight through fabric-gateway, all to one lot',
    '',
    '| in flight | committed txs | seconds | tx/s | submit→commit p50 / p95 / p99 ms | MVCC conflicts (code 11) | other CommitErrors | other errors |',
    '| ---: | ---: | ---: | ---: | --- | ---: | --- | ---: |',
    ...r.direct.map(directRow),
  ];
}

/** A section that is left out when its rows are absent (results of runs before it existed). */
function optionalTable<T>(rows: readonly T[] | undefined, title: string, header: readonly [string, string], render: (row: T) => string): string[] {
  if (rows === undefined || rows.length === 0) return [];
  return ['', `## ${title}`, '', ...header, ...rows.map(render)];
}

function waitCommitSection(r: Results): string[] {
  return optionalTable(
    r.waitCommit,
    'POST /v1/events?wait=commit, one event per request, all clients at once',
    ['| clients | committed events | events/s | p50 / p95 / p99 ms | max ms | non-201 answers |', '| ---: | ---: | ---: | --- | ---: | ---: |'],
    (w) => `| ${String(w.clients)} | ${n(w.committed)} | ${String(w.eventsPerSecond)} | ${String(w.p50Ms)} / ${String(w.p95Ms)} / ${String(w.p99Ms)} | ${String(w.maxMs)} | ${String(w.errors)} |`,
  );
}

function pagingRow(p: PagingResult): string {
  if (p.skipped !== undefined) return `| ${n(p.ledgerEvents)} | ${n(p.lotEvents)} | skipped: ${p.skipped} | | | | |`;
  const lat = (l: Latency | undefined): string => (l === undefined ? '' : `${String(l.p50Ms)} / ${String(l.p99Ms)}`);
  const rss = p.gatewayRssMiB === undefined ? '' : `${String(p.gatewayRssMiB.before)} → ${String(p.gatewayRssMiB.after)}`;
  return `| ${n(p.ledgerEvents)} | ${n(p.lotEvents)} | ${lat(p.summary)} | ${lat(p.page)} (${String(p.pageSize)} per page) | ${n(p.eventsSeen ?? 0)} | ${String(p.walkMs)} | ${rss} |`;
}

function pagingSection(r: Results): string[] {
  return optionalTable(
    r.paging,
    'A 10,000-event lot, paged (summary view, then every link page by page; HTTP gateway, auditor)',
    ['| ledger events | lot events | summary p50 / p99 ms | page p50 / p99 ms | events seen | all pages ms | gateway RSS MiB before → after |', '| ---: | ---: | --- | --- | ---: | ---: | --- |'],
    pagingRow,
  );
}

function loadSection(r: Results): string[] {
  if (!r.loadByPhase?.length) return [];
  const children = Object.keys(r.memory);
  const mem = (m: { peakMiB: number; rssMiB: number; phaseMaxRssMiB: number } | undefined): string =>
    m === undefined ? '' : `${String(m.peakMiB)} / ${String(m.phaseMaxRssMiB)} / ${String(m.rssMiB)}`;
  return [
    '',
    '## Load average and memory when each phase ended',
    '',
    'Memory in MiB per child: VmHWM so far / largest VmRSS sampled (every second) during the phase / VmRSS at its end; the phase where VmHWM jumps sets the peak.',
    '',
    `| phase | load average (1/5/15 min) |${children.map((c) => ` ${c} MiB |`).join('')}`,
    `| --- | --- |${children.map(() => ' ---: |').join('')}`,
    ...r.loadByPhase.map((l) => `| ${l.phase} | ${l.loadAverage.join(' / ')} |${children.map((c) => ` ${mem(l.memory?.[c])} |`).join('')}`),
  ];
}

function memoryAndSetupSection(r: Results): string[] {
  return [
    '',
    '## Peak memory (VmHWM of each child process)',
    '',
    '| process | peak RSS MiB | RSS at end MiB |',
    '| --- | ---: | ---: |',
    ...Object.entries(r.memory).map(([name, mem]) => `| ${name} | ${String(mem.peakMiB)} | ${String(mem.rssMiB)} |`),
    '',
    '## Setup',
    '',
    ...Object.entries(r.setup).map(([k, v]) => `- ${k}: ${v}`),
    '',
  ];
}

/** The Markdown report: targets first, then each phase's table, the memory and the setup. */
export function markdown(r: Results): string {
  return [
    ...headerSection(r),
    ...targetsSection(r),
    ...provenanceSection(r),
    ...keyDesignSection(r),
    ...seedingSection(r),
    ...pagingSection(r),
    ...ingestionSection(r),
    ...waitCommitSection(r),
    ...directSection(r),
    ...loadSection(r),
    ...memoryAndSetupSection(r),
  ].join('\n');
}

/** One path's p50 (solid) and p99 (dashed) lines with a titled dot per ledger size. */
function series(path: ProvenanceRow['path'], pts: readonly ProvenanceRow[], c: string, px: (x: number) => number, py: (y: number) => number): string[] {
  const out: string[] = [];
  for (const [key, dash] of [
    ['p50Ms', ''],
    ['p99Ms', ' stroke-dasharray="6,4"'],
  ] as const) {
    const d = pts.map((p) => `${px(p.ledgerEvents).toFixed(1)},${py(p[key]).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${d}" fill="none" stroke="${c}" stroke-width="2"${dash}/>`);
    for (const p of pts) {
      out.push(`<circle cx="${px(p.ledgerEvents).toFixed(1)}" cy="${py(p[key]).toFixed(1)}" r="3" fill="${c}"><title>${PATH_LABEL[path]} ${key === 'p50Ms' ? 'p50' : 'p99'} ${String(p[key])} ms at ${n(p.ledgerEvents)} events</title></circle>`);
    }
  }
  return out;
}

/** The p99 target line of a lot size's chart: issue #19's (120 events 20 ms, 1,200 events 100 ms), else #7's 50 ms. */
const TARGET_P99_MS: Readonly<Record<number, number>> = { 120: 20, 1200: 100 };

/** p50 (solid) and p99 (dashed) of each path for a lot size (default the 120-event lot) against ledger size, log-log. */
export function svg(r: Results, lotEvents = 120): string {
  const W = 760;
  const H = 440;
  const L = 70;
  const R = 250;
  const T = 40;
  const B = 60;
  const rows = r.provenance.filter((p) => p.lotEvents === lotEvents);
  const xs = [...new Set(rows.map((p) => p.ledgerEvents))].sort((a, b) => a - b);
  const ys = rows.flatMap((p) => [p.p50Ms, p.p99Ms]).filter((v) => v > 0);
  const xMin = Math.log10(Math.min(...xs) / 2);
  const xMax = Math.log10(Math.max(...xs) * 2);
  const yMin = Math.floor(Math.log10(Math.max(0.1, Math.min(...ys))));
  const yMax = Math.ceil(Math.log10(Math.max(...ys, 1)));
  const px = (x: number): number => L + ((Math.log10(x) - xMin) / Math.max(1e-9, xMax - xMin)) * (W - L - R);
  const py = (y: number): number => H - B - ((Math.log10(Math.max(y, 0.1)) - yMin) / Math.max(1e-9, yMax - yMin)) * (H - T - B);
  const colours: Record<ProvenanceRow['path'], string> = {
    'gateway-lot': '#1f77b4',
    'gateway-lot-fresh': '#9467bd',
    'gateway-epc': '#17becf',
    'fabric-lot': '#2ca02c',
    'fabric-epc': '#98df8a',
    'naive-scan': '#d62728',
    'key-range': '#ff7f0e',
  };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${String(W)}" height="${String(H)}" viewBox="0 0 ${String(W)} ${String(H)}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${String(L)}" y="22" font-size="14" font-weight="bold">Provenance of a ${String(lotEvents)}-event lot vs ledger size (log-log; solid p50, dashed p99)</text>`);
  for (let e = yMin; e <= yMax; e++) {
    const y = py(10 ** e);
    parts.push(`<line x1="${String(L)}" x2="${String(W - R)}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${String(L - 8)}" y="${(y + 4).toFixed(1)}" text-anchor="end">${n(10 ** e)} ms</text>`);
  }
  const target = TARGET_P99_MS[lotEvents] ?? 50;
  if (target >= 10 ** yMin && target <= 10 ** yMax) {
    const y = py(target);
    parts.push(`<line x1="${String(L)}" x2="${String(W - R)}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#888" stroke-dasharray="2,3"/>`);
    parts.push(`<text x="${String(W - R - 4)}" y="${(y - 4).toFixed(1)}" text-anchor="end" fill="#555">target p99 ${String(target)} ms</text>`);
  }
  for (const x of xs) {
    const X = px(x);
    parts.push(`<line x1="${X.toFixed(1)}" x2="${X.toFixed(1)}" y1="${String(T)}" y2="${String(H - B)}" stroke="#eee"/>`);
    parts.push(`<text x="${X.toFixed(1)}" y="${String(H - B + 18)}" text-anchor="middle">${n(x)}</text>`);
  }
  parts.push(`<text x="${String((L + W - R) / 2)}" y="${String(H - 18)}" text-anchor="middle">events on the ledger</text>`);
  parts.push(`<line x1="${String(L)}" x2="${String(L)}" y1="${String(T)}" y2="${String(H - B)}" stroke="#333"/>`);
  parts.push(`<line x1="${String(L)}" x2="${String(W - R)}" y1="${String(H - B)}" y2="${String(H - B)}" stroke="#333"/>`);
  let legendY = T + 10;
  for (const path of Object.keys(colours) as Array<ProvenanceRow['path']>) {
    const pts = rows.filter((p) => p.path === path).sort((a, b) => a.ledgerEvents - b.ledgerEvents);
    if (pts.length === 0) continue;
    parts.push(...series(path, pts, colours[path], px, py));
    parts.push(`<line x1="${String(W - R + 15)}" x2="${String(W - R + 40)}" y1="${String(legendY)}" y2="${String(legendY)}" stroke="${colours[path]}" stroke-width="3"/>`);
    parts.push(`<text x="${String(W - R + 46)}" y="${String(legendY + 4)}">${PATH_LABEL[path]}</text>`);
    legendY += 20;
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export function writeReports(r: Results, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(r, null, 2) + '\n');
  writeFileSync(join(outDir, 'latest.md'), markdown(r));
  // one chart per measured lot size (the 120-event lot's keeps its old name)
  writeFileSync(join(outDir, 'provenance.svg'), svg(r));
  for (const lotEvents of [12, 1200]) writeFileSync(join(outDir, `provenance-${String(lotEvents)}.svg`), svg(r, lotEvents));
}
