/** `node gateway/dist/main.js`: the gateway alone, against ACETRACE_CONNECTION_PROFILE. */
import { ConfigError, loadConfig } from './config';
import { startGateway } from './server';

async function main(): Promise<void> {
  const gateway = await startGateway(loadConfig());
  process.stderr.write(
    `acetrace gateway on ${gateway.url} for ${gateway.orgMsp ?? 'every organisation of the profile'}; API keys in ${gateway.credentialsFile ?? '(none created)'}\n`,
  );
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return; // a second signal while draining changes nothing
    stopping = true;
    process.stderr.write(`${signal}: draining and stopping\n`);
    try {
      await gateway.stop();
    } catch (err) {
      process.stderr.write(`stop failed: ${String(err)}\n`);
      process.exit(1);
    }
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, (s) => void stop(s));
}

main().catch((err: unknown) => {
  const why = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
  process.stderr.write(`acetrace gateway failed to start: ${why}\n`);
  process.exit(1);
});
