/**
 * Phase 5: single-event RecordEvents transactions to one lot straight through fabric-gateway,
 * many in flight: committed transactions/s and MVCC conflicts (CommitError code 11).
 */
import { peer } from '@hyperledger/fabric-protos';
import { cpuWindow, type WithCpu } from '../lib/cpu-cost';
import { event, lotInput } from '../lib/data';
import { commitCode, type Connection } from '../lib/fabric';
import { log } from '../lib/log';
import type { DirectRow } from '../lib/report';
import { SUPPLIER_IDENTITIES, type Stack } from '../lib/stack';
import { round, summarise } from '../lib/stats';
import type { Plan } from '../plan';

/** One contended lot per supplier organisation, writer w signing as SUPPLIER_IDENTITIES[w mod 3] (custody rules: only the lot's owner, importer or custodians write to it). */
const LOTS = SUPPLIER_IDENTITIES.map((_, i) => ({ lotId: `MVCC-LOT-${String(i + 1)}`, lotNo: 960_000 + i }));
const MVCC_READ_CONFLICT = String(peer.TxValidationCode.MVCC_READ_CONFLICT);

interface Outcomes {
  ok: number;
  other: number;
  /** Commit latencies of the committed transactions, ms. */
  lat: number[];
  /** Failed commits by validation code. */
  codes: Map<string, number>;
}

/** Counts a failed submit: by its validation code, or as another failure (the first three logged). */
function countFailure(out: Outcomes, err: unknown): void {
  const code = commitCode(err);
  if (code !== undefined) {
    out.codes.set(String(code), (out.codes.get(String(code)) ?? 0) + 1);
    return;
  }
  out.other++;
  if (out.other <= 3) log(`  direct submit failed: ${err instanceof Error ? err.message : String(err)}`);
}

/** `inFlight` writers, spread over `writers`, each submitting one event per transaction until `stopAt`. */
async function submitUntil(writers: readonly Connection[], orgs: number, inFlight: number, stopAt: number): Promise<Outcomes> {
  const out: Outcomes = { ok: 0, other: 0, lat: [], codes: new Map() };
  await Promise.all(
    Array.from({ length: inFlight }, async (_, w) => {
      const c = writers[w % writers.length] as Connection;
      const { lotId, lotNo } = LOTS[(w % writers.length) % orgs] as (typeof LOTS)[number];
      for (let i = 0; performance.now() < stopAt; i++) {
        const e = event(`D${String(inFlight)}-${String(w)}-${String(i)}`, lotId, lotNo, i % 5, 5, { supplierOnly: true, deviceId: `dev-${String(w)}` });
        const t = performance.now();
        try {
          await c.contract.submitTransaction('RecordEvents', JSON.stringify([e]));
          out.ok++;
          out.lat.push(performance.now() - t);
        } catch (err) {
          countFailure(out, err);
        }
      }
    }),
  );
  return out;
}

/** Registers each organisation's contended lot (once per stack), then runs each of the plan's in-flight levels for its seconds. */
export async function measureConcurrency(stack: Stack, plan: Plan): Promise<Array<WithCpu<DirectRow>>> {
  const orgs = stack.suppliers.length; // a real network may have fewer organisations than three
  for (const [i, { lotId, lotNo }] of LOTS.slice(0, orgs).entries()) {
    await (stack.suppliers[i] as Connection).contract.submitTransaction('RegisterLot', JSON.stringify(lotInput(lotId, lotNo, 1)));
  }
  const writers = Array.from({ length: 8 }, (_, i) => stack.connect(SUPPLIER_IDENTITIES[i % orgs] as string));
  const rows: Array<WithCpu<DirectRow>> = [];
  for (const inFlight of plan.directInFlight) {
    const cpuWindowEnd = await cpuWindow(stack);
    const t0 = performance.now();
    const { ok, other, lat, codes } = await submitUntil(writers, orgs, inFlight, t0 + plan.directSeconds * 1000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = await cpuWindowEnd(ok);
    const l = summarise(lat);
    const mvccConflicts = codes.get(MVCC_READ_CONFLICT) ?? 0;
    rows.push({
      inFlight,
      committedTxs: ok,
      seconds: round(seconds, 1),
      txPerSecond: round(ok / seconds, 1),
      p50Ms: l.p50Ms,
      p95Ms: l.p95Ms,
      p99Ms: l.p99Ms,
      mvccConflicts,
      commitErrorsByCode: Object.fromEntries(codes),
      otherErrors: other,
      ...(cpu === undefined ? {} : { cpu }),
    });
    log(`  direct single-event txs, ${String(inFlight)} in flight: ${String(round(ok / seconds, 1))} tx/s, MVCC ${String(mvccConflicts)}, CPU ${String(cpu?.totalMs)} ms/tx`);
  }
  return rows;
}
