/**
 * `npm start`: the embedded Fabric-compatible network with the chaincode deployed, then the
 * HTTP gateway on top of it, in one process. Both keep their data under ACETRACE_DATA_DIR, so
 * a second start reuses the ledger, the identities and the API keys.
 *
 * The gateway listens on loopback over plain HTTP; `npm start -- --tls` (or ACETRACE_START_TLS=1)
 * creates a local CA under `<dataDir>/gateway/tls/` and serves HTTPS (TLS 1.3) instead. It serves
 * every organisation's identities, a development convenience: production runs one gateway per
 * organisation (ACETRACE_ORG_MSP), each holding only its own keys.
 */
import './fabric-log-level';
import path from 'node:path';
import { EmbeddedNetwork, type RunningNetwork } from '@acetrace/network';
import { loadConfig, startGateway } from '@acetrace/gateway';
import { ensureLocalTls, localTlsDir } from './local-tls';

/**
 * With `--tls` (or ACETRACE_START_TLS) and no certificate configured, a local CA's certificate for
 * the gateway, set in its env; returns the CA file to trust, undefined otherwise.
 */
async function localTlsIfAsked(dataDir: string): Promise<string | undefined> {
  const wantTls = process.argv.includes('--tls') || ['1', 'true', 'yes', 'on'].includes((process.env.ACETRACE_START_TLS ?? '').toLowerCase());
  if (!wantTls || process.env.ACETRACE_TLS_CERT_FILE !== undefined) return undefined;
  const tls = await ensureLocalTls(localTlsDir(dataDir));
  process.env.ACETRACE_TLS_CERT_FILE = tls.certFile;
  process.env.ACETRACE_TLS_KEY_FILE = tls.keyFile;
  return tls.caFile;
}

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.ACETRACE_DATA_DIR ?? '.acetrace');
  process.env.ACETRACE_DATA_DIR = dataDir;
  const caFile = await localTlsIfAsked(dataDir);
  const network = await startNetwork(dataDir);
  process.env.ACETRACE_CONNECTION_PROFILE ??= network.connectionProfilePath;
  const config = loadConfig();
  // the gateway creates its data key (config.atRest.keyFile, 0600) on a fresh data folder
  const gateway = await startGateway(config);

  const credentials = path.join(dataDir, 'credentials.json');
  const https = gateway.url.startsWith('https:');
  process.stderr.write(
    [
      '',
      'acetrace is running',
      `  ${https ? 'HTTPS API' : 'HTTP API '}       ${gateway.url}  (auditor page at /, API description at /openapi.json)`,
      ...(caFile !== undefined ? [`  TLS             TLS 1.3, local CA ${caFile}  (curl --cacert ${caFile} ${gateway.url}/healthz)`] : []),
      ...(https ? [] : ['  TLS             none (loopback only); `npm start -- --tls` serves HTTPS with a local CA']),
      `  Fabric network  ${network.endpoint}  (embedded, TLS; profile ${network.connectionProfilePath})`,
      `  data            ${dataDir}`,
      `  API keys        ${credentials}  (one principal per role in each organisation)`,
      `  data key        ${config.atRest.keyFile}  (seals the outbox at rest; back it up apart from the data folder)`,
      gateway.orgMsp === undefined
        ? '  organisations   all of them in this one gateway (development convenience; production runs one gateway per organisation: ACETRACE_ORG_MSP)'
        : `  organisation    ${gateway.orgMsp} only (ACETRACE_ORG_MSP)`,
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
