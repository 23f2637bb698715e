/**
 * The embedded network and the gateway as two child processes, so each one's peak memory
 * (VmHWM of /proc/<pid>/status) is its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { sleep } from './stats';

/** This checkout's root; {@link NetworkOptions.root} runs another built checkout's children instead (A/B runs). */
const ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  /** Peak resident set (VmHWM) and current resident set (VmRSS), MiB; undefined once exited. */
  memory(): { peakMiB: number; rssMiB: number } | undefined;
  /** CPU time (user + system) the process used so far, ms (clock-tick resolution); undefined once exited. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** utime + stime of /proc/<pid>/stat in ms (USER_HZ is 100 on Linux). */
function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => { res(port); });
    });
  });
}

function statusKb(pid: number, field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** `--cpu-prof` for the children when set (profiles are written when they exit). */
let cpuProfDir: string | undefined;
export function profileChildrenInto(dir: string | undefined): void {
  cpuProfDir = dir;
}

function child(name: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, ready: RegExp, timeoutMs = 120_000): Promise<Child> {
  const prof = cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-name', `${name}.cpuprofile`];
  const proc = spawn(process.execPath, [...prof, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  proc.stdout.pipe(log);
  let stderr = '';
  const pid = proc.pid ?? -1;
  // a function, not a narrowed field: the exit happens while stop() awaits
  const running = (): boolean => proc.exitCode === null && proc.signalCode === null;
  const c: Child = {
    name,
    proc,
    memory() {
      const peak = statusKb(pid, 'VmHWM');
      const rss = statusKb(pid, 'VmRSS');
      return peak === undefined || rss === undefined ? undefined : { peakMiB: Math.round(peak / 1024), rssMiB: Math.round(rss / 1024) };
    },
    cpuMs: () => cpuMsOf(pid),
    async stop() {
      if (!running()) return;
      const exited = new Promise<void>((r) => {
        proc.once('exit', () => {
          r();
        });
      });
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(20_000)]);
      if (running()) proc.kill('SIGKILL');
    },
  };
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      rej(new Error(`${name} not ready after ${String(timeoutMs)} ms:\n${stderr}`));
    }, timeoutMs);
    proc.stderr.on('data', (d: Buffer) => {
      log.write(d);
      if (stderr.length < 100_000) stderr += d.toString();
      if (ready.test(stderr)) {
        clearTimeout(timer);
        res(c);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${name} exited with ${String(code)} before it was ready:\n${stderr}`));
    });
  });
}

export interface NetworkOptions {
  dataDir: string;
  port: number;
  batchTimeoutMs: number;
  maxBatchSize: number;
  /** The checkout whose `network/dist` and `scripts/dist` run (default: this one). */
  root?: string;
}

/** `node network/dist/cli.js --data-dir D --port P` (TLS on, MAJORITY endorsement, as `npm start`). */
export async function startNetwork(o: NetworkOptions): Promise<Child & { connectionProfilePath: string }> {
  const c = await child(
    'network',
    [join(o.root ?? ROOT, 'network/dist/cli.js'), '--data-dir', o.dataDir, '--port', String(o.port)],
    {
      ACETRACE_LOG_LEVEL: 'warn',
      ACETRACE_NETWORK_BATCH_TIMEOUT_MS: String(o.batchTimeoutMs),
      ACETRACE_NETWORK_MAX_BATCH_SIZE: String(o.maxBatchSize),
    },
    join(o.dataDir, 'network.log'),
    /stop with Ctrl-C/,
  );
  const connectionProfilePath = join(o.dataDir, 'network', 'connection.json');
  if (!existsSync(connectionProfilePath)) throw new Error(`no ${connectionProfilePath}`);
  return Object.assign(c, { connectionProfilePath });
}

/** `node scripts/dist/start-gateway.js` with its env; credentials land in `<dataDir>/credentials.json`. */
export async function startGateway(dataDir: string, connectionProfile: string, port: number, root = ROOT): Promise<Child & { url: string }> {
  const c = await child(
    'gateway',
    [join(root, 'scripts/dist/start-gateway.js')],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      ACETRACE_DATA_DIR: dataDir,
      ACETRACE_CONNECTION_PROFILE: connectionProfile,
      ACETRACE_LOG_LEVEL: 'warn',
      ACETRACE_METRICS_PUBLIC: 'true',
      // the benchmark is one client hammering; the per-principal limit would turn it into a 429 test
      ACETRACE_RATE_LIMIT_MAX: '100000000',
      ACETRACE_BODY_LIMIT: '10mb',
    },
    join(dataDir, 'gateway.log'),
    /listening on/,
  );
  return Object.assign(c, { url: `http://127.0.0.1:${String(port)}` });
}
