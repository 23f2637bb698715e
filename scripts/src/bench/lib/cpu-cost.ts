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

/** CPU ms per committed event of one row, and the rate that CPU cost allows on all the machine's cores. */
export interface CpuPerEvent {
  /** The embedded network child (undefined on a real Fabric network: its peers are not sampled). */
  networkMs: number | undefined;
  /** The gateway child (process CPU from its /metrics, so its own scrapes are included). */
  gatewayMs: number;
  /** This process: HTTP / fabric-gateway client, event generation, /metrics polling. */
  clientMs: number;
  totalMs: number;
  /** Cores × 1000 / totalMs: the committed events/s the machine could reach if these processes had every core to themselves. */
  ceilingPerSecond: number;
  /** Cores of the machine. */
  cores: number;
  /** CPU the three processes used ÷ (cores × wall time) over the window, 0–1: near 1, the cores were saturated. */
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
    const perEvent = (ms: number): number => round(ms / committed, 3);
    return {
      networkMs: network === undefined ? undefined : perEvent(network),
      gatewayMs: perEvent(gateway),
      clientMs: perEvent(client),
      totalMs: perEvent(total),
      ceilingPerSecond: round((cores * 1000 * committed) / Math.max(total, 0.001), 0),
      cores,
      utilisation: round(total / (cores * Math.max(after.at - before.at, 1)), 2),
      machineBusy: after.machine === undefined || before.machine === undefined ? undefined : round((after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total), 2),
      windowUs: [before.monotonicUs, after.monotonicUs],
    };
  };
}

/** "CPU 2.6 ms/event (network 1.9, gateway 0.5, client 0.2) → 2-core ceiling ≈ 770/s, cores 60% busy with these processes, 98% in all" for a #19 MISS line. */
export function describeCpu(cpu: CpuPerEvent | undefined, unit = 'event'): string {
  if (cpu === undefined) return '';
  const parts = [...(cpu.networkMs === undefined ? [] : [`network ${String(cpu.networkMs)}`]), `gateway ${String(cpu.gatewayMs)}`, `client ${String(cpu.clientMs)}`];
  return `; CPU ${String(cpu.totalMs)} ms/${unit} (${parts.join(', ')}) → ${String(cpu.cores)}-core ceiling ≈ ${String(cpu.ceilingPerSecond)}/s, cores ${String(Math.round(cpu.utilisation * 100))}% busy with these processes${cpu.machineBusy === undefined ? '' : `, ${String(Math.round(cpu.machineBusy * 100))}% in all`}`;
}
