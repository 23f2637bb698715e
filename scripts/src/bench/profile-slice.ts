/**
 * `node scripts/dist/bench/profile-slice.js IN.cpuprofile OUT.cpuprofile --from-us A --to-us B`:
 * the samples of a V8 CPU profile (as `--cpu-prof` writes it) taken between two instants of the
 * monotonic clock, µs, written as a profile of its own. The benchmark records each measured row's
 * window on that clock (`cpu.windowUs` in latest.json), so a whole run's profile can be cut down to
 * the load of one row (e.g. 8 clients × 500 events) before `profile-top.js` summarises it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CpuProfile {
  nodes: unknown[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The profile's samples in [fromUs, toUs], the first delta counted from `fromUs`. */
export function sliceProfile(p: CpuProfile, fromUs: number, toUs: number): CpuProfile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let t = p.startTime;
  let last = fromUs;
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) return;
    samples.push(id);
    timeDeltas.push(t - last);
    last = t;
  });
  return { ...p, samples, timeDeltas, startTime: fromUs, endTime: toUs };
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'from-us': { type: 'string' }, 'to-us': { type: 'string' } } });
  const [input, output] = positionals;
  const from = Number(values['from-us']);
  const to = Number(values['to-us']);
  if (input === undefined || output === undefined || !Number.isFinite(from) || !Number.isFinite(to)) {
    throw new Error('usage: profile-slice IN.cpuprofile OUT.cpuprofile --from-us A --to-us B');
  }
  const sliced = sliceProfile(JSON.parse(readFileSync(input, 'utf8')) as CpuProfile, from, to);
  writeFileSync(output, JSON.stringify(sliced));
  console.log(`${output}: ${String(sliced.samples.length)} samples in ${((to - from) / 1e6).toFixed(1)} s`);
}

main();
