/**
 * Prometheus metrics (prom-client), one registry per gateway instance (several may run in one
 * process, e.g. tests). Served at GET /metrics.
 */
import * as prom from 'prom-client';

export interface Metrics {
  registry: prom.Registry;
  httpDuration: prom.Histogram<'method' | 'route' | 'status'>;
  ledgerDuration: prom.Histogram<'transaction' | 'outcome'>;
  ledgerRetries: prom.Counter<'transaction' | 'reason'>;
  /** Cached read transactions by outcome: hit (kept answer), miss (evaluated, kept) or bypass (height unknown, or a fresh answer asked for). */
  evaluationCache: prom.Counter<'transaction' | 'outcome'>;
  errors: prom.Counter<'type'>;
  eventsAccepted: prom.Counter;
  sseClients: prom.Gauge;
  /** SSE events written to readers (all streams). */
  sseEventsSent: prom.Counter;
  /** Streams waiting for their reader to take what was written (`res.write` said false). */
  sseWaitingForDrain: prom.Gauge;
  /** Streams ended because their reader took nothing for ACETRACE_SSE_STALL_TIMEOUT_MS. */
  sseStalledClosed: prom.Counter;
  /** Stream requests refused by the connection caps, by `scope` (principal or total). */
  sseRefused: prom.Counter<'scope'>;
}

/**
 * Creates the registry and the gateway's metrics. Queue depth, commits and rejections are
 * registered on the same registry by the outbox (ingestion/metrics.ts).
 */
export function createMetrics(): Metrics {
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry, prefix: 'acetrace_gateway_' });
  return {
    registry,
    httpDuration: new prom.Histogram({
      name: 'acetrace_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    ledgerDuration: new prom.Histogram({
      name: 'acetrace_ledger_call_duration_seconds',
      help: 'Ledger call latency by chaincode transaction and outcome (ok or error code)',
      labelNames: ['transaction', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    ledgerRetries: new prom.Counter({
      name: 'acetrace_ledger_retries_total',
      help: 'Ledger calls repeated after a transient failure',
      labelNames: ['transaction', 'reason'],
      registers: [registry],
    }),
    evaluationCache: new prom.Counter({
      name: 'acetrace_evaluation_cache_total',
      help: 'Cached read transactions by outcome: hit, miss or bypass',
      labelNames: ['transaction', 'outcome'],
      registers: [registry],
    }),
    errors: new prom.Counter({
      name: 'acetrace_errors_total',
      help: 'Errors answered, by error code',
      labelNames: ['type'],
      registers: [registry],
    }),
    eventsAccepted: new prom.Counter({ name: 'acetrace_events_accepted_total', help: 'Events accepted by POST /v1/events', registers: [registry] }),
    sseClients: new prom.Gauge({ name: 'acetrace_sse_clients', help: 'Open /v1/stream connections', registers: [registry] }),
    sseEventsSent: new prom.Counter({ name: 'acetrace_sse_events_sent_total', help: 'Events written to /v1/stream readers', registers: [registry] }),
    sseWaitingForDrain: new prom.Gauge({
      name: 'acetrace_sse_waiting_for_drain',
      help: '/v1/stream connections paused until their reader takes what was written (backpressure)',
      registers: [registry],
    }),
    sseStalledClosed: new prom.Counter({
      name: 'acetrace_sse_stalled_closed_total',
      help: '/v1/stream connections closed because the reader took nothing for the stall timeout',
      registers: [registry],
    }),
    sseRefused: new prom.Counter({
      name: 'acetrace_sse_refused_total',
      help: '/v1/stream requests refused by the connection caps (429), by scope: principal or total',
      labelNames: ['scope'],
      registers: [registry],
    }),
  };
}
