/**
 * `node scripts/dist/bench/profile-top.js FILE.cpuprofile [--top 40] [--focus NAME]`: a text
 * summary of a V8 CPU profile (as `--cpu-prof` writes it): the functions with the most self time,
 * the most inclusive time, and self time by package, so a profile can be kept beside the
 * benchmark's results as a few kilobytes of text. With `--focus`, only the samples under the
 * first function whose name contains NAME count (e.g. `--focus evaluate`).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** `function (file:line)` with the path shortened to the package or workspace it is in. */
function frameName(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  return `${functionName || '(anonymous)'} ${shortUrl(url)}:${String(lineNumber + 1)}`;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const ws = /\/(chaincode|network|gateway|scripts|verifier)\/dist\/(.*)$/.exec(url);
  return ws ? `${ws[1] ?? ''}/${ws[2] ?? ''}` : url.replace(/^file:\/\//, '');
}

/** The package (node_modules name), workspace or `node:` built-in a frame belongs to. */
function packageOf(url: string): string {
  if (url === '') return '(native/V8)';
  if (url.startsWith('node:')) return 'node: built-ins';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf('node_modules/')));
  if (nm) return nm[1] ?? url;
  const ws = /\/(chaincode|network|gateway|scripts|verifier)\/dist\//.exec(url);
  return ws ? `workspace ${ws[1] ?? ''}` : url;
}

/** Milliseconds of self time per node id. */
function selfTimes(p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  return self;
}

function top(m: Map<string, number>, n: number, total: number): string[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`);
}

/** The nodes under (and including) the first node whose function name contains `focus`, or all. */
function scope(p: CpuProfile, byId: Map<number, ProfileNode>, focus: string | undefined): Set<number> {
  const all = new Set(p.nodes.map((n) => n.id));
  if (focus === undefined) return all;
  const out = new Set<number>();
  const visit = (id: number): void => {
    if (out.has(id)) return;
    out.add(id);
    for (const c of byId.get(id)?.children ?? []) visit(c);
  };
  for (const n of p.nodes) if (n.callFrame.functionName.includes(focus)) visit(n.id);
  return out;
}

interface Tallies {
  total: number;
  selfByFn: Map<string, number>;
  selfByPkg: Map<string, number>;
  inclusive: Map<string, number>;
}

function add(m: Map<string, number>, k: string, ms: number): void {
  m.set(k, (m.get(k) ?? 0) + ms);
}

/** Adds `ms` to each distinct frame on the stack of node `id` (within scope) once. */
function addInclusive(t: Tallies, id: number, ms: number, byId: Map<number, ProfileNode>, parent: Map<number, number>, inScope: Set<number>): void {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined && inScope.has(cur); cur = parent.get(cur)) {
    const c = byId.get(cur);
    if (c === undefined) break;
    const f = frameName(c);
    if (!seen.has(f)) add(t.inclusive, f, ms);
    seen.add(f);
  }
}

function tally(p: CpuProfile, focus: string | undefined): Tallies & { idle: number } {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const inScope = scope(p, byId, focus);
  const t: Tallies & { idle: number } = { total: 0, idle: 0, selfByFn: new Map(), selfByPkg: new Map(), inclusive: new Map() };
  for (const [id, ms] of selfTimes(p)) {
    const node = byId.get(id);
    if (node?.callFrame.functionName === '(idle)') t.idle += ms;
    if (node === undefined || !inScope.has(id) || node.callFrame.functionName === '(idle)') continue;
    t.total += ms;
    add(t.selfByFn, frameName(node), ms);
    add(t.selfByPkg, packageOf(node.callFrame.url), ms);
    addInclusive(t, id, ms, byId, parent, inScope);
  }
  return t;
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' }, focus: { type: 'string' } } });
  const file = positionals[0];
  if (file === undefined) throw new Error('usage: profile-top FILE.cpuprofile [--top N] [--focus NAME]');
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const n = Number(values.top);
  const t = tally(p, values.focus);
  const out = [
    `# ${file}${values.focus === undefined ? '' : ` (focus: ${values.focus})`}`,
    `wall ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s, sampled ${(t.total / 1000).toFixed(1)} s busy (idle ${(t.idle / 1000).toFixed(1)} s)`,
    '',
    '## self time by package',
    ...top(t.selfByPkg, 20, t.total),
    '',
    '## self time by function',
    ...top(t.selfByFn, n, t.total),
    '',
    '## inclusive time by function',
    ...top(t.inclusive, n, t.total),
  ];
  console.log(out.join('\n'));
}

main();
