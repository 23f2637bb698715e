/**
 * Transformation (domain.md "Containment and transformation over time"), as pure rules: the
 * upstream tree of a lot's registered inputs, and the `over-consumption` anomaly from the
 * consumption records (one per input and consuming lot, summed on read: no counter key).
 */
import { MAX_UPSTREAM_DEPTH, MAX_UPSTREAM_LOTS } from './limits';
import type { Anomaly, Completeness, ConsumptionRecord, EventRecord, LotRecord, ProvenanceLink, UpstreamNode } from './types';

/** What the store loaded for an upstream walk. */
export interface UpstreamData {
  readonly lots: ReadonlyMap<string, LotRecord>;
  readonly eventsByLot: ReadonlyMap<string, readonly EventRecord[]>;
  /** USE records of each loaded lot as an input (who consumed how much of it). */
  readonly consumptionOf: ReadonlyMap<string, readonly ConsumptionRecord[]>;
}

/** How a node shows a lot's events: its links (all 12) and completeness, given whether the reader sees events. */
export type LinksOf = (lot: LotRecord, events: readonly EventRecord[], full: boolean) => { links: ProvenanceLink[]; completeness: Completeness };

/** Relative slack for summing decimal quantities (0.1 + 0.2 is not over 0.3). */
const EPSILON = 1e-9;

/** Sum of what was consumed from one input lot. */
export function totalConsumed(records: readonly ConsumptionRecord[]): number {
  return records.reduce((sum, r) => sum + r.quantity, 0);
}

/** True when more was consumed than the lot's registered quantity. */
export function isOverConsumed(lot: Pick<LotRecord, 'quantity'>, records: readonly ConsumptionRecord[]): boolean {
  return totalConsumed(records) > lot.quantity * (1 + EPSILON);
}

/**
 * The upstream tree: one node per registered input (recursively), in registration order. `detailOf`
 * decides what the reader sees of each input lot, knowing whether it sees the lot that consumed it
 * (a reader entitled to a lot sees its inputs' events). A lot on its
 * own path is not expanded again (registration makes cycles impossible; this only guards). Nodes
 * past MAX_UPSTREAM_DEPTH or MAX_UPSTREAM_LOTS, or whose lot was not loaded, end the branch with
 * `truncated: true` on their parent.
 */
export function upstreamTree(
  root: LotRecord,
  data: UpstreamData,
  detailOf: (lot: LotRecord, consumerFull: boolean) => 'full' | 'summary',
  linksOf: LinksOf,
  rootFull: boolean,
): { upstream: UpstreamNode[]; truncated: boolean } {
  let emitted = 0;
  let cut = false;
  const build = (lot: LotRecord, depth: number, path: ReadonlySet<string>, full: boolean): { nodes: UpstreamNode[]; truncated: boolean } => {
    const nodes: UpstreamNode[] = [];
    let truncated = false;
    for (const input of lot.inputs ?? []) {
      const inputLot = data.lots.get(input.lotId);
      if (!inputLot || beyondCaps(depth, emitted, path, input.lotId)) {
        truncated = true;
        continue;
      }
      emitted += 1;
      const detail = detailOf(inputLot, full);
      const events = data.eventsByLot.get(inputLot.lotId) ?? [];
      const { links, completeness } = linksOf(inputLot, events, detail === 'full');
      const below = build(inputLot, depth + 1, new Set([...path, inputLot.lotId]), detail === 'full');
      nodes.push({
        lot: {
          lotId: inputLot.lotId, product: inputLot.product, htsCode: inputLot.htsCode, originCountry: inputLot.originCountry,
          quantity: inputLot.quantity, unit: inputLot.unit, ownerMsp: inputLot.ownerMsp,
        },
        quantityConsumed: input.quantity,
        unit: input.unit,
        totalConsumed: totalConsumed(data.consumptionOf.get(inputLot.lotId) ?? []),
        completeness,
        detail,
        ...(detail === 'full' ? { links } : {}),
        upstream: below.nodes,
        truncated: below.truncated,
      });
    }
    if (truncated) cut = true;
    return { nodes, truncated };
  };
  const { nodes } = build(root, 1, new Set([root.lotId]), rootFull);
  return { upstream: nodes, truncated: cut };
}

/** Whether an input lot at `depth` ends its branch: too deep, too many lots already, or a cycle. */
function beyondCaps(depth: number, emitted: number, path: ReadonlySet<string>, lotId: string): boolean {
  return depth > MAX_UPSTREAM_DEPTH || emitted >= MAX_UPSTREAM_LOTS || path.has(lotId);
}

/** Lot ids in an upstream tree, depth first. */
export function upstreamLotIds(nodes: readonly UpstreamNode[]): string[] {
  return nodes.flatMap((n) => [n.lot.lotId, ...upstreamLotIds(n.upstream)]);
}

/**
 * `over-consumption` for every given lot whose consumers together used more than its registered
 * quantity, naming the lot and each consumer.
 */
export function overConsumption(lots: readonly LotRecord[], consumptionOf: ReadonlyMap<string, readonly ConsumptionRecord[]>): Anomaly[] {
  const out: Anomaly[] = [];
  const seen = new Set<string>();
  for (const lot of lots) {
    if (seen.has(lot.lotId)) continue;
    seen.add(lot.lotId);
    const records = consumptionOf.get(lot.lotId) ?? [];
    if (!isOverConsumed(lot, records)) continue;
    const consumers = [...records].sort((a, b) => (a.consumerLotId < b.consumerLotId ? -1 : a.consumerLotId > b.consumerLotId ? 1 : 0));
    out.push({
      type: 'over-consumption',
      eventIds: [],
      lotIds: [lot.lotId, ...consumers.map((r) => r.consumerLotId)],
      detail: `lot ${lot.lotId} (${String(lot.quantity)} ${lot.unit}) is consumed ${String(totalConsumed(records))} ${lot.unit} by ${consumers.map((r) => `${r.consumerLotId} (${String(r.quantity)})`).join(', ')}`,
    });
  }
  return out;
}
