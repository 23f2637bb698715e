import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the ingestion queue. */
export interface IngestionMetrics {
  batchSize: Histogram;
  submitSeconds: Histogram;
  retries: Counter;
  rejected: Counter;
  /** Events given up after repeated failures (`dead`). */
  dead: Counter;
  committed: Counter;
}

/**
 * Registers the queue's metrics in `registry`: depth and oldest age are read at scrape time.
 * @param depth - reports the queue's current depth.
 */
export function newIngestionMetrics(
  registry: Registry,
  depth: () => { queued: number; oldestAgeMs: number },
): IngestionMetrics {
  const registers = [registry];
  new Gauge({
    name: 'acetrace_queue_depth',
    help: 'Events acknowledged but not yet committed or rejected',
    registers,
    collect() {
      this.set(depth().queued);
    },
  });
  new Gauge({
    name: 'acetrace_queue_oldest_age_seconds',
    help: 'Age of the oldest event not yet committed or rejected',
    registers,
    collect() {
      this.set(depth().oldestAgeMs / 1000);
    },
  });
  return {
    batchSize: new Histogram({
      name: 'acetrace_submit_batch_size',
      help: 'Events per RecordEvents transaction submitted by the queue',
      buckets: [1, 5, 10, 25, 50, 100, 200, 300, 400, 500],
      registers,
    }),
    submitSeconds: new Histogram({
      name: 'acetrace_submit_duration_seconds',
      help: 'Duration of one RecordEvents submission attempt',
      labelNames: ['outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    retries: new Counter({
      name: 'acetrace_submit_retries_total',
      help: 'RecordEvents submissions repeated after a transient failure',
      registers,
    }),
    rejected: new Counter({
      name: 'acetrace_events_rejected_total',
      help: 'Events the chaincode rejected',
      registers,
    }),
    dead: new Counter({
      name: 'acetrace_events_dead_total',
      help: 'Events the queue gave up on after repeated failures while the ledger answered (dead letters)',
      registers,
    }),
    committed: new Counter({
      name: 'acetrace_events_committed_total',
      help: 'Events committed to the ledger (new records and repeats of recorded ids)',
      registers,
    }),
  };
}
