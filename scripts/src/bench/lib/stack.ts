/**
 * The system under test: the embedded network and the gateway as child processes on one data
 * folder (or, with a connection profile, the gateway alone in front of a real Fabric network),
 * the credentials the gateway wrote, fabric-gateway connections, and the children's peak memory
 * sampled every second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionProfile } from '@acetrace/network';
import { connectAs, loadProfile, type Connection } from './fabric';
import { httpOk } from './http';
import { log } from './log';
import { freePort, startGateway, startNetwork, type Child } from './procs';
import type { Results } from './report';

interface Principal {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

const SUPPLIERS = ['org1-supplier', 'org2-supplier', 'org3-supplier'];

/** A started network + gateway; every phase of the benchmark runs against one. */
export interface Stack {
  readonly dataDir: string;
  /** The embedded network's SQLite ledger; undefined on a real Fabric network (no raw scans there). */
  readonly ledgerPath: string | undefined;
  /** The gateway's base URL, `http://127.0.0.1:<port>`. */
  readonly gatewayUrl: string;
  /** One fabric-gateway connection per supplier organisation of the profile (Org1, Org2[, Org3]). */
  readonly suppliers: readonly Connection[];
  readonly auditor: Connection;
  /** The API key of `role` in `mspId`. */
  key(role: string, mspId?: string): string;
  /** The supplier API key of each organisation in `suppliers`, in that order. */
  supplierKeys(): string[];
  /** A new fabric-gateway connection as identity `name` of the connection profile, closed with the stack. */
  connect(name: string): Connection;
  /** The gateway's Prometheus text. */
  metrics(): Promise<string>;
  /** Reads each child's peak and current resident set now (also done every second). */
  sampleMemory(): void;
  /** The resident set of child `name` ('network' or 'gateway') now, MiB (0 once it exited). */
  memoryOf(name: string): number;
  /** CPU time both children used so far, ms: on a shared machine, a cost that other processes' load does not inflate. */
  cpuMs(): number;
}

/** Each child's memory when a phase ended, MiB: peak so far (VmHWM), now (VmRSS) and the most the 1 s samples saw during the phase. */
export type PhaseMemory = Record<string, { peakMiB: number; rssMiB: number; phaseMaxRssMiB: number }>;

/** Owns the children and connections of one run; {@link BenchStack.close} releases them all. */
export class BenchStack {
  readonly memory: Results['memory'] = {};
  /** The largest VmRSS sampled per child since the last {@link BenchStack.phaseMemory}. */
  private phaseMaxRss: Record<string, number> = {};
  private readonly children: Child[] = [];
  private readonly conns: Connection[] = [];
  private readonly memTimer: NodeJS.Timeout;

  constructor(private readonly dataDir: string) {
    this.memTimer = setInterval(() => {
      this.sampleMemory();
    }, 1000);
  }

  /**
   * Starts the network (orderer BatchTimeout `batchTimeoutMs`, 500 per block), then the gateway, both
   * from `where.root` when given (A/B runs); with `where.fabricProfile` (a real network's
   * connection.json) only the gateway, in front of it.
   */
  async start(batchTimeoutMs: number, where: { root?: string; fabricProfile?: string } = {}): Promise<Stack> {
    const { root, fabricProfile } = where;
    let profilePath = fabricProfile;
    let ledgerPath: string | undefined;
    if (profilePath === undefined) {
      const net = await startNetwork({ dataDir: this.dataDir, port: await freePort(), batchTimeoutMs, maxBatchSize: 500, ...(root === undefined ? {} : { root }) });
      this.children.push(net);
      log(`network pid ${String(net.proc.pid)}`);
      profilePath = net.connectionProfilePath;
      ledgerPath = join(this.dataDir, 'network', 'ledger.sqlite');
    }
    const gw = await startGateway(this.dataDir, profilePath, await freePort(), root);
    this.children.push(gw);
    log(`gateway pid ${String(gw.proc.pid)} at ${gw.url} on ${profilePath}`);
    const profile = loadProfile(profilePath);
    const principals = (JSON.parse(readFileSync(join(this.dataDir, 'credentials.json'), 'utf8')) as { principals: Principal[] }).principals;
    const connect = (name: string): Connection => this.connect(profile, name);
    const supplierIds = profile.identities.filter((i) => SUPPLIERS.includes(i.name));
    if (supplierIds.length === 0) throw new Error(`${profilePath} holds none of the identities ${SUPPLIERS.join(', ')}`);
    const suppliers = supplierIds.map((i) => connect(i.name));
    const auditor = connect('org1-auditor');
    const key = (role: string, mspId = 'Org1MSP'): string => {
      const p = principals.find((x) => x.role === role && x.mspId === mspId);
      if (!p) throw new Error(`no ${role} principal of ${mspId}`);
      return p.apiKey;
    };
    return {
      dataDir: this.dataDir,
      ledgerPath,
      gatewayUrl: gw.url,
      suppliers,
      auditor,
      key,
      supplierKeys: () => supplierIds.map((i) => key('supplier', i.mspId)),
      connect,
      metrics: async () => (await httpOk('GET', `${gw.url}/metrics`, undefined, undefined, [200])).body,
      sampleMemory: () => {
        this.sampleMemory();
      },
      memoryOf: (name) => this.children.find((c) => c.name === name)?.memory()?.rssMiB ?? 0,
      cpuMs: () => this.children.reduce((ms, c) => ms + (c.cpuMs() ?? 0), 0),
    };
  }

  /** Samples each child now and returns its memory for the phase that just ended; the next phase's maximum starts afresh. */
  phaseMemory(): PhaseMemory {
    this.sampleMemory();
    const out: PhaseMemory = {};
    for (const [name, m] of Object.entries(this.memory)) out[name] = { ...m, phaseMaxRssMiB: this.phaseMaxRss[name] ?? m.rssMiB };
    this.phaseMaxRss = {};
    return out;
  }

  /** Logs the last lines of each child's log (after a failure). */
  logTails(): void {
    for (const name of ['gateway.log', 'network.log']) {
      try {
        log(`tail of ${name}:\n${readFileSync(join(this.dataDir, name), 'utf8').split('\n').slice(-15).join('\n')}`);
      } catch {
        // no log
      }
    }
  }

  /** Stops sampling, closes the connections and stops the children, gateway first. */
  async close(): Promise<void> {
    clearInterval(this.memTimer);
    for (const c of this.conns) c.close();
    for (const c of [...this.children].reverse()) await c.stop();
  }

  private connect(profile: ConnectionProfile, name: string): Connection {
    const c = connectAs(profile, name);
    this.conns.push(c);
    return c;
  }

  private sampleMemory(): void {
    for (const c of this.children) {
      const m = c.memory();
      if (!m) continue;
      this.memory[c.name] = { peakMiB: Math.max(m.peakMiB, this.memory[c.name]?.peakMiB ?? 0), rssMiB: m.rssMiB };
      this.phaseMaxRss[c.name] = Math.max(m.rssMiB, this.phaseMaxRss[c.name] ?? 0);
    }
  }
}

/** The supplier identities a connection profile may hold, by organisation. */
export const SUPPLIER_IDENTITIES: readonly string[] = SUPPLIERS;
