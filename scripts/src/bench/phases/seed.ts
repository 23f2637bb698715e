/** Phase 2: background seeding, straight through fabric-gateway, until the ledger holds a target number of events. */
import { event, lotInput } from '../lib/data';
import type { Connection } from '../lib/fabric';
import { log } from '../lib/log';
import type { SeedRow } from '../lib/report';
import type { Stack } from '../lib/stack';
import { round } from '../lib/stats';
import { BG_LOT_EVENTS } from '../plan';

/** Runs `fn` over `items` with at most `concurrency` calls in flight. */
async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

function bgLotId(n: number): string {
  return `BG-LOT-${String(n).padStart(7, '0')}`;
}

/**
 * Adds background lots numbered from `firstLot` (RegisterLot, 16 in flight, then one RecordEvents of
 * 500 events each, 8 in flight) until the ledger, now at `ledgerEvents`, holds at least `target`.
 */
export async function seedLedger(stack: Stack, target: number, ledgerEvents: number, firstLot: number): Promise<SeedRow> {
  const lotsNeeded = Math.max(0, Math.ceil((target - ledgerEvents) / BG_LOT_EVENTS));
  const supplierOf = (n: number): Connection => stack.suppliers[n % stack.suppliers.length] as Connection;
  const t0 = performance.now();
  const lots = Array.from({ length: lotsNeeded }, (_, i) => firstLot + i);
  await pool(lots, 16, async (n) => {
    await supplierOf(n).contract.submitTransaction('RegisterLot', JSON.stringify(lotInput(bgLotId(n), n, 1)));
  });
  const tLots = performance.now();
  let done = 0;
  await pool(lots, 8, async (n) => {
    const events = Array.from({ length: BG_LOT_EVENTS }, (_, i) => event(`BG${String(n)}`, bgLotId(n), n, i, BG_LOT_EVENTS, { supplierOnly: true, deviceId: `erp-${String(n % 50)}` }));
    await supplierOf(n).contract.submitTransaction('RecordEvents', JSON.stringify(events));
    done++;
    if (done % 100 === 0) log(`  seeded ${String(done)}/${String(lotsNeeded)} transactions of 500 events`);
  });
  const seconds = (performance.now() - t0) / 1000;
  const added = lotsNeeded * BG_LOT_EVENTS;
  stack.sampleMemory();
  const row: SeedRow = {
    ledgerEvents: ledgerEvents + added,
    addedEvents: added,
    lots: lotsNeeded,
    transactions: lotsNeeded * 2,
    seconds: round(seconds, 1),
    registerLotsSeconds: round((tLots - t0) / 1000, 1),
    eventsPerSecond: round(added / Math.max(0.001, (performance.now() - tLots) / 1000), 0),
  };
  log(`ledger at ${String(row.ledgerEvents)} events (seeded ${String(added)} in ${seconds.toFixed(1)} s)`);
  return row;
}
