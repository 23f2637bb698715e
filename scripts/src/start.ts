/**
 * `npm start`: the embedded Fabric-compatible network with the chaincode deployed, then the
 * HTTP gateway on top of it, in one process. Both keep their data under ACETRACE_DATA_DIR, so
 * a second start reuses the ledger, the identities and the API keys.
 */
import './fabric-log-level';
import path from 'node:path';
import { EmbeddedNetwork, type RunningNetwork } from '@acetrace/network';
import { loadConfig, startGateway } from '@acetrace/gateway';

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.ACETRACE_DATA_DIR ?? '.acetrace');
  process.env.ACETRACE_DATA_DIR = dataDir;
  const network = await startNetwork(dataDir);
  process.env.ACETRACE_CONNECTION_PROFILE ??= network.connectionProfilePath;
  const gateway = await startGateway(loadConfig());

  const credentials = path.join(dataDir, 'credentials.json');
  process.stderr.write(
    [
      '',
      'acetrace is running',
      `  HTTP API        ${gateway.url}  (auditor page at /, API description at /openapi.json)`,
      `  Fabric network  ${network.endpoint}  (embedded, TLS; profile ${network.connectionProfilePath})`,
      `  data            ${dataDir}`,
      `  API keys        ${credentials}  (one principal per role in each organisation)`,
      '  stop with Ctrl-C',
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`received ${signal}, stopping: gateway first (drains requests), then the network\n`);
    await gateway.stop();
    await network.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * The embedded network on ACETRACE_NETWORK_PORT if set; otherwise on Fabric's usual peer port
 * 7051, or on a free port when 7051 is taken (a test-network peer often is there). The gateway
 * finds the port in the connection profile the network writes, so nothing else needs to know.
 */
async function startNetwork(dataDir: string): Promise<RunningNetwork> {
  const configured = process.env.ACETRACE_NETWORK_PORT;
  if (configured !== undefined && configured !== '') return EmbeddedNetwork.start({ dataDir, port: Number(configured) });
  try {
    return await EmbeddedNetwork.start({ dataDir, port: 7051 });
  } catch (err) {
    if (!String(err instanceof Error ? err.message : err).includes('EADDRINUSE')) throw err;
    process.stderr.write('port 7051 is taken: the embedded network listens on a free port instead\n');
    return EmbeddedNetwork.start({ dataDir, port: 0 });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`acetrace failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
