/** What a benchmark run measures: the quick, smoke and full plans and the fixed lot sizes. */
import { MAX_BATCH } from '@acetrace/chaincode';

/** Events of the measured lots, recorded through the gateway across all 12 links. */
export const MEASURED_SIZES = [12, 120, 1200] as const;
/** Events per background lot: one full RecordEvents transaction each. */
export const BG_LOT_EVENTS = MAX_BATCH;

export interface Plan {
  mode: 'quick' | 'full';
  ledgerSizes: number[];
  samples: { small: number; large: number; naive: number; maxSeconds: number };
  ingestion: Array<[clients: number, batch: number]>;
  ingestionSeconds: number;
  ingestionEventCap: number;
  directSeconds: number;
  directInFlight: number[];
  /** Clients posting single events with ?wait=commit at once (issue #19: p50 ≤ 150 ms with 64). */
  waitCommitClients: number[];
}

const QUICK: Plan = {
  mode: 'quick',
  ledgerSizes: [10_000, 50_000],
  samples: { small: 60, large: 20, naive: 5, maxSeconds: 6 },
  ingestion: [
    [1, 1],
    [32, 1],
    [8, 50],
    [8, 500],
  ],
  ingestionSeconds: 4,
  ingestionEventCap: 12_000,
  directSeconds: 5,
  directInFlight: [32, 128],
  waitCommitClients: [64],
};

/** `--smoke`: seconds-long check that every part runs (development only, figures meaningless). */
const SMOKE: Plan = {
  ...QUICK,
  ledgerSizes: [2_000, 3_000],
  samples: { small: 5, large: 3, naive: 2, maxSeconds: 2 },
  ingestion: [
    [2, 1],
    [2, 50],
  ],
  ingestionSeconds: 1,
  ingestionEventCap: 500,
  directSeconds: 1,
  directInFlight: [8],
  waitCommitClients: [4],
};

const FULL: Plan = {
  mode: 'full',
  ledgerSizes: [10_000, 100_000, 1_000_000],
  samples: { small: 300, large: 100, naive: 5, maxSeconds: 30 },
  ingestion: [1, 8, 32].flatMap((c) => [1, 50, 500].map((b): [number, number] => [c, b])),
  ingestionSeconds: 10,
  ingestionEventCap: 60_000,
  directSeconds: 10,
  directInFlight: [32, 128],
  waitCommitClients: [64],
};

/** The plan the command-line flags select; `sizes` ("10000,50000") replaces its ledger sizes. */
export function planFor(flags: { smoke: boolean; quick: boolean; sizes: string | undefined }): Plan {
  const base = flags.smoke ? SMOKE : flags.quick ? QUICK : FULL;
  return flags.sizes === undefined ? base : { ...base, ledgerSizes: flags.sizes.split(',').map(Number) };
}
