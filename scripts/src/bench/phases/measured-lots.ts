/** Phase 1: the measured lots (12, 120 and 1,200 events over all 12 links), written through the gateway. */
import { MAX_BATCH } from '@acetrace/chaincode';
import { event, epc, lotInput, roleForLink } from '../lib/data';
import { httpOk } from '../lib/http';
import { log } from '../lib/log';
import type { Stack } from '../lib/stack';
import { sleep } from '../lib/stats';
import { MEASURED_SIZES } from '../plan';

/** A lot whose provenance the benchmark times, and one of its EPCs. */
export interface MeasuredLot {
  lotId: string;
  epc: string;
}

/** Events in a provenance response. */
function eventCount(provenanceJson: string): number {
  const p = JSON.parse(provenanceJson) as { links?: Array<{ events?: unknown[] }> };
  return (p.links ?? []).reduce((n, l) => n + (l.events?.length ?? 0), 0);
}

/** Posts the lot's events MAX_BATCH (500) per request, each role its own links, waiting for each commit. */
export async function postEvents(stack: Stack, events: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  for (const role of ['supplier', 'logistics', 'broker'] as const) {
    const mine = events.filter((e) => roleForLink(e.link as number) === role);
    for (let i = 0; i < mine.length; i += MAX_BATCH) {
      await httpOk('POST', `${stack.gatewayUrl}/v1/events?wait=commit`, stack.key(role), { events: mine.slice(i, i + MAX_BATCH) }, [201, 202]);
    }
  }
}

/** Polls the lot's provenance until it shows all `size` events (two minutes at most). */
async function awaitProvenance(stack: Stack, lotId: string, size: number): Promise<void> {
  for (let t = 0; ; t++) {
    const r = await httpOk('GET', `${stack.gatewayUrl}/v1/lots/${lotId}/provenance`, stack.key('auditor'), undefined, [200]);
    if (eventCount(r.body) === size) return;
    if (t > 600) throw new Error(`${lotId}: provenance never showed ${String(size)} events`);
    await sleep(200);
  }
}

/** Registers and records the measured lots through POST /v1/lots and POST /v1/events?wait=commit; keyed by event count. */
export async function recordMeasuredLots(stack: Stack): Promise<Map<number, MeasuredLot>> {
  const measured = new Map<number, MeasuredLot>();
  for (const [n, size] of MEASURED_SIZES.entries()) {
    const lotId = `M-LOT-${String(size)}`;
    const lotNo = 900_000 + n;
    await httpOk('POST', `${stack.gatewayUrl}/v1/lots`, stack.key('supplier'), lotInput(lotId, lotNo, 3), [200, 201]);
    await postEvents(stack, Array.from({ length: size }, (_, i) => event(`M${String(size)}`, lotId, lotNo, i, size)));
    await awaitProvenance(stack, lotId, size);
    measured.set(size, { lotId, epc: epc(lotNo, 2) });
    log(`measured lot ${lotId} (${String(size)} events) committed through the gateway`);
  }
  return measured;
}
