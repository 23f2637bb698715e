/**
 * Phase 3: provenance latency of each measured lot on the ledger as it now is — over HTTP and
 * through fabric-gateway, by lot id and by EPC — and, on one raw-SQLite stack in this process, a
 * naive full scan of the event key space against the lot's own EVT key range.
 */
import { Ledger } from '@acetrace/network';
import { httpOk } from '../lib/http';
import { log } from '../lib/log';
import type { ProvenanceRow } from '../lib/report';
import type { Stack } from '../lib/stack';
import { sample, summarise } from '../lib/stats';
import { MEASURED_SIZES, type Plan } from '../plan';
import type { MeasuredLot } from './measured-lots';

const NS = 'acetrace';

type Path = ProvenanceRow['path'];

/** Events of `lotId` among the EVT keys in [start, end): each value parsed, as the chaincode does. */
function countLotEvents(ledger: Ledger, start: string, end: string, lotId: string): number {
  let found = 0;
  for (const r of ledger.range(NS, start, end, 1000)) {
    const e = JSON.parse(r.value.toString('utf8')) as { lotId?: string };
    if (e.lotId === lotId) found++;
  }
  return found;
}

/**
 * The real read paths, each timed `count` times: HTTP and fabric-gateway, by lot id and by EPC. Nothing
 * commits during the phase, so the HTTP rows after the first read are the gateway's kept answers
 * (evaluation cache); the `no-cache` row makes the gateway evaluate (and fetch private data) every time.
 */
async function timeRealPaths(stack: Stack, plan: Plan, m: MeasuredLot, count: number): Promise<Array<[Path, number[]]>> {
  const audKey = stack.key('auditor');
  const ops: Array<[Path, () => Promise<unknown>]> = [
    ['gateway-lot', () => httpOk('GET', `${stack.gatewayUrl}/v1/lots/${m.lotId}/provenance`, audKey, undefined, [200])],
    ['gateway-lot-fresh', () => httpOk('GET', `${stack.gatewayUrl}/v1/lots/${m.lotId}/provenance`, audKey, undefined, [200], { 'cache-control': 'no-cache' })],
    ['gateway-epc', () => httpOk('GET', `${stack.gatewayUrl}/v1/epcs/${encodeURIComponent(m.epc)}/provenance`, audKey, undefined, [200])],
    ['fabric-lot', () => stack.auditor.contract.evaluateTransaction('GetProvenance', m.lotId)],
    ['fabric-epc', () => stack.auditor.contract.evaluateTransaction('GetProvenanceByEpc', m.epc)],
  ];
  const out: Array<[Path, number[]]> = [];
  for (const [path, op] of ops) {
    out.push([
      path,
      await sample(async () => {
        await op();
      }, count, plan.samples.maxSeconds),
    ]);
  }
  return out;
}

/**
 * The naive design (scan every event of the ledger, keep the lot's: no index by lot) and the key
 * design on the same stack: only the lot's own EVT[lotId, ...] range (the partial composite key the
 * chaincode's GetProvenance ranges over), same connection, same page size, same JSON parse per event.
 */
async function timeRawScans(ledger: Ledger, plan: Plan, m: MeasuredLot, size: number, count: number): Promise<Array<[Path, number[]]>> {
  let found = 0;
  const naive = await sample(
    () => {
      found = countLotEvents(ledger, '\u0000EVT\u0000', '\u0000EVT\u0001', m.lotId);
      return Promise.resolve();
    },
    plan.samples.naive,
    plan.samples.maxSeconds,
    1,
  );
  if (found !== size) log(`  warning: naive scan found ${String(found)} events of ${m.lotId}, expected ${String(size)}`);
  const lotStart = `\u0000EVT\u0000${m.lotId}\u0000`;
  let inRange = 0;
  const keyRange = await sample(
    () => {
      inRange = countLotEvents(ledger, lotStart, `${lotStart}\u{10ffff}`, m.lotId);
      return Promise.resolve();
    },
    count,
    plan.samples.maxSeconds,
  );
  if (inRange !== size) log(`  warning: the EVT range of ${m.lotId} held ${String(inRange)} events, expected ${String(size)}`);
  return [
    ['naive-scan', naive],
    ['key-range', keyRange],
  ];
}

/** A row's p50/p99 for the progress log. */
function figures(rows: readonly ProvenanceRow[], path: Path): string {
  const row = rows.find((p) => p.path === path);
  return `${path} p50 ${String(row?.p50Ms)} p99 ${String(row?.p99Ms)} ms`;
}

/** One row per measured lot and path on a ledger of `ledgerEvents` events, in the report's order. */
export async function measureProvenance(stack: Stack, plan: Plan, measured: ReadonlyMap<number, MeasuredLot>, ledgerEvents: number): Promise<ProvenanceRow[]> {
  const rows: ProvenanceRow[] = [];
  // A real Fabric network's state is in the peers' LevelDB: no raw-SQLite rows there.
  const ledger = stack.ledgerPath === undefined ? undefined : Ledger.open(stack.ledgerPath);
  try {
    for (const size of MEASURED_SIZES) {
      const m = measured.get(size);
      if (!m) continue;
      const count = size >= 1200 ? plan.samples.large : plan.samples.small;
      const timed = [...(await timeRealPaths(stack, plan, m, count)), ...(ledger ? await timeRawScans(ledger, plan, m, size, count) : [])];
      const lotRows = timed.map(([path, lat]): ProvenanceRow => ({ ledgerEvents, lotEvents: size, path, ...summarise(lat) }));
      rows.push(...lotRows);
      log(`  provenance ${String(size)}-event lot: ${(['gateway-lot', 'gateway-lot-fresh'] as const).map((path) => figures(lotRows, path)).join('; ')}`);
    }
  } finally {
    ledger?.close();
  }
  return rows;
}
