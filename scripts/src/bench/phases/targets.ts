/** Phase 6: the targets, judged against the measured rows. */
import type { DirectRow, IngestionRow, ProvenanceRow, Target } from '../lib/report';
import { round } from '../lib/stats';

/** The 120-event lot's row on the ledger seeded to `ledger` events (the measured lots add up to 2,000). */
function rowAt(provenance: readonly ProvenanceRow[], ledger: number, path: ProvenanceRow['path']): ProvenanceRow | undefined {
  return provenance.find((r) => r.ledgerEvents >= ledger && r.ledgerEvents < ledger + 2000 && r.lotEvents === 120 && r.path === path);
}

/** `a / b` to two decimals, as the report writes ratios (a missing row counts as 0). */
function ratio(a: number | undefined, b: number | undefined): string {
  return String(round((a ?? 0) / Math.max(0.001, b ?? 0)));
}

/** p50 and p99 of a row, both undefined when the row is missing. */
function latencyOf(row: ProvenanceRow | undefined): { p50: number | undefined; p99: number | undefined } {
  return row === undefined ? { p50: undefined, p99: undefined } : { p50: row.p50Ms, p99: row.p99Ms };
}

function provenanceTargets(provenance: readonly ProvenanceRow[], ledgerSizes: readonly number[]): Target[] {
  const largest = Math.max(...ledgerSizes);
  const big = latencyOf(rowAt(provenance, largest, 'gateway-lot'));
  const small = latencyOf(rowAt(provenance, Math.min(...ledgerSizes), 'gateway-lot'));
  return [
    { target: `provenance p99 < 50 ms, 120-event lot, largest ledger (${String(largest)} events), gateway by lot id`, measured: `${String(big.p99)} ms`, pass: (big.p99 ?? Infinity) < 50 },
    {
      target: 'provenance flat in ledger size: p99 largest / smallest ≤ 2 (120-event lot, gateway)',
      measured: `${String(small.p99)} → ${String(big.p99)} ms (×${ratio(big.p99, small.p99)}); p50 ×${ratio(big.p50, small.p50)}`,
      pass: (big.p99 ?? Infinity) <= 2 * (small.p99 ?? 0),
    },
  ];
}

function throughputTargets(ingestion: readonly IngestionRow[], direct: readonly DirectRow[]): Target[] {
  const bestBatched = Math.max(0, ...ingestion.filter((r) => r.batch > 1).map((r) => r.committedPerSecond));
  const bestSingleHttp = Math.max(0, ...ingestion.filter((r) => r.batch === 1).map((r) => r.committedPerSecond));
  const bestSingleTx = Math.max(0, ...direct.map((r) => r.txPerSecond));
  const mvcc = direct.reduce((n, r) => n + r.mvccConflicts, 0);
  const mvccGateway = ingestion.reduce((n, r) => n + r.submitRetries, 0);
  return [
    { target: '≥ 2,000 events/s committed with batching (gateway)', measured: `${String(bestBatched)} events/s`, pass: bestBatched >= 2000 },
    { target: '≥ 300 single-event transactions/s committed (fabric-gateway, RecordEvents of 1 event)', measured: `${String(bestSingleTx)} tx/s (gateway, 1-event requests: ${String(bestSingleHttp)} events/s)`, pass: bestSingleTx >= 300 },
    { target: 'zero MVCC conflicts from distinct events on one lot', measured: `${String(mvcc)} CommitError code 11 (direct); ${String(mvccGateway)} outbox retries (gateway)`, pass: mvcc === 0 && mvccGateway === 0 },
  ];
}

/** The five targets in the report's order: latency, flatness, batched throughput, single-event throughput, MVCC. */
export function judgeTargets(ledgerSizes: readonly number[], provenance: readonly ProvenanceRow[], ingestion: readonly IngestionRow[], direct: readonly DirectRow[]): Target[] {
  return [...provenanceTargets(provenance, ledgerSizes), ...throughputTargets(ingestion, direct)];
}
