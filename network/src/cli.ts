/**
 * Runs the embedded network on its own: `node network/dist/cli.js [--data-dir DIR] [--port N]
 * [--host H] [--no-tls]`. Env knobs: ACETRACE_DATA_DIR, ACETRACE_NETWORK_PORT, ACETRACE_NETWORK_TLS,
 * ACETRACE_NETWORK_BATCH_TIMEOUT_MS, ACETRACE_NETWORK_MAX_BATCH_SIZE,
 * ACETRACE_NETWORK_ENDORSEMENT_POLICY, ACETRACE_LOG_LEVEL. Stops cleanly on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { EmbeddedNetwork, type RunningNetwork } from './embedded-network';

/**
 * After each full collection V8 lets the old generation grow to up to 4× what survived before the
 * next one. Under load the network's heap is mostly short-lived garbage that outlives a scavenge (a
 * 500-event transaction's endorsements, a 10,000-event lot read for its summary) over a live set of
 * 60–100 MiB, so it peaked at 250 MiB of heap (#19). Growing by 50% collects it sooner (30% saved
 * little more and cost more CPU per event); the live set and its limit are unchanged. Read at every
 * full collection, so setting it here takes effect; `node --heap-growing-percent=N network/dist/cli.js`
 * overrides it (network/README.md, Memory).
 */
const HEAP_GROWING_PERCENT = 50;

if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) {
  setFlagsFromString(`--heap-growing-percent=${String(HEAP_GROWING_PERCENT)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'no-tls': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stderr.write('usage: node network/dist/cli.js [--data-dir DIR] [--port N] [--host H] [--no-tls]\n');
    return;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env.ACETRACE_DATA_DIR ?? '.acetrace');
  const network = await EmbeddedNetwork.start({
    dataDir,
    ...(values.port !== undefined ? { port: Number(values.port) } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values['no-tls'] === true ? { tls: false } : {}),
  });
  process.stderr.write(banner(network));
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stderr.write(`received ${signal}: committing the pending block and closing the ledger\n`);
    network.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

/** What the running network tells the operator: endpoint, channel, peers, identities and files. */
function banner(network: RunningNetwork): string {
  const { connection } = network;
  const byOrg = new Map<string, string[]>();
  for (const id of connection.identities) {
    byOrg.set(id.mspId, [...(byOrg.get(id.mspId) ?? []), id.name]);
  }
  return (
    [
      '',
      'acetrace embedded Fabric network',
      `  endpoint     ${network.endpoint} (${network.tls ? `TLS, CA ${connection.peers[0]?.tlsCaCertPath ?? ''}` : 'plaintext'})`,
      `  channel      ${connection.channel}, chaincode ${connection.chaincode}, ledger height ${String(network.height())}`,
      `  peers        ${connection.peers.map((p) => `${p.mspId} as ${p.hostAlias}`).join(', ')}`,
      ...[...byOrg].map(([msp, names]) => `  ${msp.padEnd(12)} ${names.join(', ')}`),
      `  data         ${network.networkDir}`,
      `  profile      ${network.connectionProfilePath}`,
      '  stop with Ctrl-C',
      '',
    ].join('\n') + '\n'
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`embedded network failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
