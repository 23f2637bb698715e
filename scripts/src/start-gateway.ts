/**
 * `npm run start:gateway`: the HTTP gateway alone, against the Fabric network named by
 * ACETRACE_CONNECTION_PROFILE (a real network, e.g. fabric-samples' test-network). Production
 * settings: ACETRACE_ORG_MSP (one organisation per gateway), ACETRACE_TLS_CERT_FILE/KEY_FILE
 * (HTTPS; `node scripts/dist/local-tls.js` makes a local CA for trying it out).
 */
import './fabric-log-level';
import { loadConfig, startGateway } from '@acetrace/gateway';

async function main(): Promise<void> {
  const config = loadConfig();
  const gateway = await startGateway(config);
  process.stderr.write(
    `acetrace gateway listening on ${gateway.url}; serving ${gateway.orgMsp ?? 'every organisation of the profile (set ACETRACE_ORG_MSP to serve one)'}; ` +
      `data key ${config.atRest.keyFile}\n`,
  );
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`received ${signal}, draining requests\n`);
    await gateway.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`acetrace gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
