/** The stack the end-to-end page tests drive: a real EmbeddedNetwork and the real gateway serving the page. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { EmbeddedNetwork, type RunningNetwork } from '@acetrace/network';
import { loadConfig, startGateway } from '@acetrace/gateway';
import { readCredentials, type CredentialEntry } from './seed';

export interface WebStack {
  dataDir: string;
  network: RunningNetwork;
  gateway: Awaited<ReturnType<typeof startGateway>>;
  /** The gateway's base URL without a trailing slash, and the page's (`/`). */
  apiUrl: string;
  pageUrl: string;
  creds: CredentialEntry[];
  /** Stops the gateway and the network and removes the data directory. */
  stop(): Promise<void>;
}

/** Starts the network and the gateway (settings `env` added) on loopback in a fresh temp directory named `acetrace-<prefix>-…`. */
export async function startWebStack(prefix: string, env: Record<string, string> = {}): Promise<WebStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `acetrace-${prefix}-`));
  const network = await EmbeddedNetwork.start({ dataDir, port: 0, logger: pino({ level: 'silent' }) });
  const gateway = await startGateway(
    loadConfig({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ACETRACE_DATA_DIR: dataDir,
      ACETRACE_CONNECTION_PROFILE: network.connectionProfilePath,
      ACETRACE_LOG_LEVEL: 'silent',
      ACETRACE_BATCH_MAX_WAIT_MS: '10',
      ...env,
    }),
  );
  const apiUrl = gateway.url.replace(/\/$/, '');
  return {
    dataDir,
    network,
    gateway,
    apiUrl,
    pageUrl: `${apiUrl}/`,
    creds: readCredentials(dataDir),
    stop: async () => {
      await gateway.stop();
      await network.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
