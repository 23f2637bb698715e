/** Last phase: the run's results, written as latest.json, latest.md and provenance.svg and printed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../lib/log';
import { writeReports, type Results } from '../lib/report';
import { machine, round } from '../lib/stats';
import { BG_LOT_EVENTS, type Plan } from '../plan';

/** What the phases measured, plus the run's bounds. */
export type Measured = Pick<
  Results,
  'ledgerEventsAtEnd' | 'seeding' | 'provenance' | 'ingestion' | 'direct' | 'memory' | 'targets' | 'targets19' | 'waitCommit' | 'paging' | 'loadByPhase'
>;

/** How the run was set up, in the report's words; `fabricProfile` names a real network's connection profile. */
function setup(batchTimeoutMs: number, fabricProfile: string | undefined): Results['setup'] {
  return {
    network:
      fabricProfile === undefined
        ? `node network/dist/cli.js (child process; TLS, MAJORITY endorsement, batchTimeout ${String(batchTimeoutMs)} ms, maxBatchSize 500)`
        : `a real Hyperledger Fabric network, connection profile ${fabricProfile} (its own processes, orderer batch settings and endorsement policy; not sampled for memory)`,
    gateway: 'node scripts/dist/start-gateway.js (child process; outbox defaults, rate limit lifted, log level warn)',
    client: 'this process: node:http keep-alive client, @hyperledger/fabric-gateway 1.11 over gRPC+TLS',
    backgroundSeeding: `RegisterLot + RecordEvents of ${String(BG_LOT_EVENTS)} events per tx, 8 in flight, straight through fabric-gateway`,
    measuredLots: 'registered and recorded through POST /v1/lots and POST /v1/events?wait=commit; events across all 12 links',
  };
}

/** Writes the three reports into `outDir` and prints the Markdown one on stdout. */
export function report(
  plan: Plan,
  run: { batchTimeoutMs: number; fabricProfile: string | undefined; loadAtStart: number[]; started: number; outDir: string },
  measured: Measured,
): void {
  const results: Results = {
    benchmark: 'acetrace issues #7 and #19: provenance, paging, ingestion, MVCC and memory through the gateway and fabric-gateway',
    date: new Date().toISOString(),
    mode: plan.mode,
    setup: setup(run.batchTimeoutMs, run.fabricProfile),
    machine: machine(run.loadAtStart),
    totalSeconds: round((performance.now() - run.started) / 1000, 1),
    ledgerEventsAtEnd: measured.ledgerEventsAtEnd,
    seeding: measured.seeding,
    provenance: measured.provenance,
    ingestion: measured.ingestion,
    direct: measured.direct,
    memory: measured.memory,
    targets: measured.targets,
    ...(measured.targets19 === undefined ? {} : { targets19: measured.targets19 }),
    ...(measured.waitCommit === undefined ? {} : { waitCommit: measured.waitCommit }),
    ...(measured.paging === undefined ? {} : { paging: measured.paging }),
    loadByPhase: measured.loadByPhase,
  };
  writeReports(results, run.outDir);
  console.log(readFileSync(join(run.outDir, 'latest.md'), 'utf8'));
  log(`written ${join(run.outDir, 'latest.json')}, latest.md, provenance.svg`);
}
