/**
 * CPU time per committed event of one measured window, by process (embedded network, gateway,
 * this benchmark client), and the throughput that much CPU allows on the machine's cores: the
 * argument of issue #19 for "cannot go lower on this machine" (when the measured rate is close to
 * that ceiling, the cores are saturated by the three processes the benchmark runs).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { metricValue } from './http';
import type { Stack } from './stack';
import { round } from './stats';

/** CPU ms per committed event of one row, and the rates that CPU cost allows on this machine. */
export interface CpuPerEvent {
  /** The embedded network child (undefined on a real Fabric network: its peers are not sampled). */
  networkMs: number | undefined;
  /** The gateway child (process CPU from its /metrics, so its own scrapes are included). */
  gatewayMs: number;
  /** This process: HTTP / fabric-gateway client, event generation, /metrics polling. */
  clientMs: number;
  totalMs: number;
  /** Cores × 1000 / totalMs: the committed events/s if the three processes shared every core perfectly. */
  coresCeilingPerSecond: number;
  /** 1000 / the largest per-process ms: a Node process runs its JavaScript (and better-sqlite3) on one thread, so one core. */
  processCeilingPerSecond: number;
  /** The process whose ms per event sets `processCeilingPerSecond`. */
  busiest: 'network' | 'gateway' | 'client';
  /** The lower of the two ceilings. */
  ceilingPerSecond: number;
  /** Cores of the machine. */
  cores: number;
  /** Each process's CPU over the window ÷ its wall time: 1 is one core busy the whole window. */
  coreShare: { network: number | undefined; gateway: number; client: number };
  /** CPU the three processes used ÷ (cores × wall time) over the window, 0–1. */
  utilisation: number;
  /** Busy share of all the machine's cores over the window (every process, /proc/stat), 0–1; undefined off Linux. */
  machineBusy: number | undefined;
  /** The window on the monotonic clock, µs: the clock of `--cpu-prof` profiles (profile-slice.js cuts a profile to it). */
  windowUs: [number, number];
}

/** A row with its CPU cost attached (written to latest.json and shown on the #19 MISS lines). */
export type WithCpu<T> = T & { cpu?: CpuPerEvent };

/** The gateway's process CPU, ms (prom-client's default process metrics, microsecond resolution). */
function gatewayCpuMs(metrics: string): number {
  return metricValue(metrics, 'acetrace_gateway_process_cpu_seconds_total') * 1000;
}

function clientCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Busy and total jiffies of all cores (first line of /proc/stat; idle and iowait count as not busy). */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

interface Reading {
  children: number;
  gateway: number;
  client: number;
  machine: { busy: number; total: number } | undefined;
  at: number;
  monotonicUs: number;
}

async function read(stack: Stack): Promise<Reading> {
  const gateway = gatewayCpuMs(await stack.metrics());
  return { children: stack.cpuMs(), gateway, client: clientCpuMs(), machine: machineJiffies(), at: performance.now(), monotonicUs: Number(process.hrtime.bigint() / 1000n) };
}

/** Starts a window now; the returned function ends it and divides its CPU by the events committed in it. */
export async function cpuWindow(stack: Stack): Promise<(committedEvents: number) => Promise<CpuPerEvent | undefined>> {
  const before = await read(stack);
  return async (committed) => {
    const after = await read(stack);
    if (committed <= 0) return undefined;
    const gateway = after.gateway - before.gateway;
    // stack.cpuMs() is network + gateway (/proc, 10 ms ticks); on a real Fabric network only the gateway
    const network = stack.ledgerPath === undefined ? undefined : Math.max(0, after.children - before.children - gateway);
    const client = after.client - before.client;
    const total = (network ?? 0) + gateway + client;
    const cores = cpus().length;
    const wall = Math.max(after.at - before.at, 1);
    const perEvent = (ms: number): number => round(ms / committed, 3);
    const byProcess = { network: network ?? 0, gateway, client };
    const busiest = (Object.keys(byProcess) as Array<keyof typeof byProcess>).reduce((a, b) => (byProcess[b] > byProcess[a] ? b : a));
    const coresCeiling = (cores * 1000 * committed) / Math.max(total, 0.001);
    const processCeiling = (1000 * committed) / Math.max(byProcess[busiest], 0.001);
    return {
      networkMs: network === undefined ? undefined : perEvent(network),
      gatewayMs: perEvent(gateway),
      clientMs: perEvent(client),
      totalMs: perEvent(total),
      coresCeilingPerSecond: round(coresCeiling, 0),
      processCeilingPerSecond: round(processCeiling, 0),
      busiest,
      ceilingPerSecond: round(Math.min(coresCeiling, processCeiling), 0),
      cores,
      coreShare: { network: network === undefined ? undefined : round(network / wall, 2), gateway: round(gateway / wall, 2), client: round(client / wall, 2) },
      utilisation: round(total / (cores * wall), 2),
      machineBusy: after.machine === undefined || before.machine === undefined ? undefined : round((after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total), 2),
      windowUs: [before.monotonicUs, after.monotonicUs],
    };
  };
}

const pct = (x: number | undefined): string => `${String(Math.round((x ?? 0) * 100))}%`;

/** "CPU 1.22 ms/event (network 0.80, gateway 0.37, client 0.06) → ceiling ≈ 1258/s (network process, one core; 2 cores: 1641/s); …" for a #19 MISS line. */
export function describeCpu(cpu: CpuPerEvent | undefined, unit = 'event'): string {
  if (cpu === undefined) return '';
  const parts = [...(cpu.networkMs === undefined ? [] : [`network ${String(cpu.networkMs)}`]), `gateway ${String(cpu.gatewayMs)}`, `client ${String(cpu.clientMs)}`];
  const share = cpu.coreShare;
  const busy = [...(share.network === undefined ? [] : [`network ${pct(share.network)}`]), `gateway ${pct(share.gateway)}`, `client ${pct(share.client)}`].join(', ');
  return (
    `; CPU ${String(cpu.totalMs)} ms/${unit} (${parts.join(', ')}) → ceiling ≈ ${String(cpu.ceilingPerSecond)}/s ` +
    `(${cpu.busiest} process on its one core: ${String(cpu.processCeilingPerSecond)}/s; ${String(cpu.cores)} cores: ${String(cpu.coresCeilingPerSecond)}/s); ` +
    `of a core: ${busy}; machine ${cpu.machineBusy === undefined ? '?' : pct(cpu.machineBusy)} busy`
  );
}
