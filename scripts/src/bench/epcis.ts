/**
 * EPCIS capture throughput against POST /v1/events, in one run (standalone; not part of `npm run bench`).
 *
 * Starts the embedded network and the gateway as child processes on a fresh data folder, registers
 * one lot, then alternates, `--runs` times each:
 *  - POST /epcis/capture of an EPCISDocument of `--events` ObjectEvents (EPCs resolved to the lot by
 *    GetLotByEpc, hashed, checked, queued on the outbox), timed until the capture job reports every
 *    event on the ledger;
 *  - POST /v1/events?wait=commit of the same number of native events, timed until the 201.
 * Prints events/s committed (the median over the runs) and the 202 latency of the capture.
 *
 *   node scripts/dist/bench/epcis.js [--events 500] [--runs 3] [--batch-timeout-ms 100] [--keep]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { epc, lotInput } from './lib/data';
import { httpOk } from './lib/http';
import { freePort, startGateway, startNetwork, type Child } from './lib/procs';
import { sleep } from './lib/stats';

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { acetrace: 'https://ns.acetrace.dev/epcis/' }];
const EPCS_PER_LOT = 50;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** `n` capture events on link 4 (inspecting), each naming one EPC of the lot; distinct times make distinct hashes. */
function epcisEvents(lotNo: number, run: number, n: number): unknown[] {
  const base = Date.parse('2026-10-01T00:00:00Z') + run * 86_400_000;
  return Array.from({ length: n }, (_, i) => ({
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: new Date(base + i * 1000).toISOString(),
    eventTimeZoneOffset: '+00:00',
    epcList: [epc(lotNo, (i % EPCS_PER_LOT) + 1)],
    bizStep: 'inspecting',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
  }));
}

/** The same events in acetrace's own shape. */
function nativeEvents(lotId: string, lotNo: number, run: number, n: number): unknown[] {
  const base = Date.parse('2026-11-01T00:00:00Z') + run * 86_400_000;
  return Array.from({ length: n }, (_, i) => ({
    eventId: `BENCH-V1-${String(run)}-${String(i)}`,
    lotId,
    link: 4,
    kind: 'rfid',
    eventTime: new Date(base + i * 1000).toISOString(),
    epcs: [epc(lotNo, (i % EPCS_PER_LOT) + 1)],
    location: { gln: '0614141000012' },
  }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '500' },
      runs: { type: 'string', default: '3' },
      'batch-timeout-ms': { type: 'string', default: '100' },
      keep: { type: 'boolean', default: false },
    },
  });
  const n = Number(values.events);
  const runs = Number(values.runs);
  const dataDir = mkdtempSync(join(tmpdir(), 'acetrace-bench-epcis-'));
  const children: Child[] = [];
  const log = (m: string): void => {
    console.log(`[bench:epcis] ${m}`);
  };
  try {
    const net = await startNetwork({ dataDir, port: await freePort(), batchTimeoutMs: Number(values['batch-timeout-ms']), maxBatchSize: 500 });
    children.push(net);
    const gw = await startGateway(dataDir, net.connectionProfilePath, await freePort());
    children.push(gw);
    const principals = (JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { principals: Array<{ role: string; mspId: string; apiKey: string }> }).principals;
    const supplier = principals.find((p) => p.role === 'supplier' && p.mspId === 'Org1MSP')?.apiKey ?? '';
    const lotNo = 7;
    const lotId = 'BENCH-EPCIS-LOT';
    await httpOk('POST', `${gw.url}/v1/lots`, supplier, lotInput(lotId, lotNo, EPCS_PER_LOT), [201, 200]);
    log(`network + gateway up (${gw.url}); lot ${lotId} with ${String(EPCS_PER_LOT)} EPCs; ${String(runs)} run(s) of ${String(n)} events each`);

    const capture: number[] = [];
    const accept: number[] = [];
    const native: number[] = [];
    for (let run = 0; run < runs; run++) {
      // POST /v1/events?wait=commit: 201 once every event is on the ledger
      const t0 = performance.now();
      await httpOk('POST', `${gw.url}/v1/events?wait=commit`, supplier, { events: nativeEvents(lotId, lotNo, run, n) }, [201]);
      const v1s = (performance.now() - t0) / 1000;
      native.push(n / v1s);

      // POST /epcis/capture, then the job until it is done
      const doc = { '@context': CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: new Date().toISOString(), epcisBody: { eventList: epcisEvents(lotNo, run, n) } };
      const t1 = performance.now();
      const res = await httpOk('POST', `${gw.url}/epcis/capture`, supplier, doc, [202]);
      const accepted = (performance.now() - t1) / 1000;
      const id = (JSON.parse(res.body) as { captureID: string }).captureID;
      let job: { running: boolean; success: boolean; events: Array<{ state: string }> };
      for (;;) {
        job = JSON.parse((await httpOk('GET', `${gw.url}/epcis/capture/${id}`, supplier, undefined, [200])).body) as typeof job;
        if (!job.running) break;
        await sleep(20);
      }
      const cs = (performance.now() - t1) / 1000;
      const captured = job.events.filter((e) => e.state === 'captured').length;
      if (!job.success || captured !== n) throw new Error(`capture ${id}: ${String(captured)} of ${String(n)} captured`);
      capture.push(n / cs);
      accept.push(accepted * 1000);
      log(`run ${String(run + 1)}: /v1/events ${String(round(n / v1s))} events/s; /epcis/capture ${String(round(n / cs))} events/s (202 after ${String(round(accepted * 1000))} ms)`);
    }
    const table = [
      `| path (${String(n)} events per request, ${String(runs)} run(s), median) | events/s committed |`,
      '| --- | --- |',
      `| POST /v1/events?wait=commit | ${String(round(median(native)))} |`,
      `| POST /epcis/capture → capture job done | ${String(round(median(capture)))} |`,
      `| (POST /epcis/capture 202 latency, ms) | ${String(round(median(accept)))} |`,
    ];
    console.log(table.join('\n'));
  } finally {
    for (const c of children.reverse()) await c.stop();
    if (values.keep) log(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
