/** Percentiles, rounding and the machine description shared by the benchmark's parts. */
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface Latency {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Latency percentiles in ms, to 0.01 ms (0.001 ms below 1 ms, so ratios of sub-millisecond rows stay meaningful). */
export function summarise(latencies: readonly number[]): Latency {
  const s = [...latencies].sort((a, b) => a - b);
  const ms = (x: number): number => round(x, Math.abs(x) < 1 ? 3 : 2);
  return {
    samples: s.length,
    p50Ms: ms(percentile(s, 50)),
    p95Ms: ms(percentile(s, 95)),
    p99Ms: ms(percentile(s, 99)),
    maxMs: ms(s[s.length - 1] ?? 0),
  };
}

/**
 * Calls `op` sequentially (one client) `count` times after `warmup` untimed calls, stopping early
 * after `maxSeconds`; returns the latencies in ms.
 */
export async function sample(op: () => Promise<void>, count: number, maxSeconds: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await op();
  const out: number[] = [];
  const stopAt = performance.now() + maxSeconds * 1000;
  while (out.length < count && (out.length < 5 || performance.now() < stopAt)) {
    const t0 = performance.now();
    await op();
    out.push(performance.now() - t0);
  }
  return out;
}

/** The value of `fn` and how long it took, in ms (unrounded). */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  totalMemoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  platform: string;
  /** 1/5/15-minute load averages; the machine is shared, so read the figures against them. */
  loadAverage: { start: number[]; end: number[] };
}

export function machine(loadAtStart: number[]): Machine {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    totalMemoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    loadAverage: { start: loadAtStart.map((l) => round(l)), end: loadavg().map((l) => round(l)) },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
