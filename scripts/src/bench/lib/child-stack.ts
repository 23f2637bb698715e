/** The standalone benchmarks' stack: network and gateway as child processes, as `npm run bench` starts them. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { roleForLink } from './data';
import { httpOk } from './http';
import { freePort, startGateway, startNetwork, type Child } from './procs';

/** A running network and gateway on a fresh folder, with the API keys the gateway wrote there. */
export interface ChildStack {
  dataDir: string;
  /** The gateway's base URL. */
  url: string;
  connectionProfilePath: string;
  /** API key of the principal with `role` in `mspId`. */
  key: (role: string, mspId?: string) => string;
  /** Posts each posting role's share of `events` (by link) as that role of Org1MSP, `perRequest` events a request, waiting for the commit. */
  postByRole: (events: ReadonlyArray<Record<string, unknown>>, perRequest?: number) => Promise<void>;
  /** Stops the children (last started first) and removes the folder unless `keep`. */
  stop: (keep?: boolean) => Promise<void>;
}

/** Starts the network (100 ms / 500-transaction blocks) and the gateway in a new temp folder `acetrace-bench-<name>-…`. */
export async function startChildStack(name: string): Promise<ChildStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `acetrace-bench-${name}-`));
  const children: Child[] = [];
  const stop = async (keep = false): Promise<void> => {
    for (const c of children.reverse()) await c.stop();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const net = await startNetwork({ dataDir, port: await freePort(), batchTimeoutMs: 100, maxBatchSize: 500 });
    children.push(net);
    const gw = await startGateway(dataDir, net.connectionProfilePath, await freePort());
    children.push(gw);
    const { principals } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { principals: Array<{ role: string; mspId: string; apiKey: string }> };
    const key = (role: string, mspId = 'Org1MSP'): string => {
      const p = principals.find((x) => x.role === role && x.mspId === mspId);
      if (!p) throw new Error(`no ${role} principal of ${mspId}`);
      return p.apiKey;
    };
    const postByRole = async (events: ReadonlyArray<Record<string, unknown>>, perRequest = Infinity): Promise<void> => {
      for (const role of ['supplier', 'logistics', 'broker'] as const) {
        const mine = events.filter((e) => roleForLink(e.link as number) === role);
        for (let i = 0; i < mine.length; i += perRequest) {
          await httpOk('POST', `${gw.url}/v1/events?wait=commit`, key(role), { events: mine.slice(i, i + perRequest) }, [201]);
        }
      }
    };
    return { dataDir, url: gw.url, connectionProfilePath: net.connectionProfilePath, key, postByRole, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
