/** `node gateway/dist/main.js`: the gateway alone, against ACETRACE_CONNECTION_PROFILE. */
import { ConfigError, loadConfig } from './config';
import { startGateway } from './server';

async function main(): Promise<void> {
  const gateway = await startGateway(loadConfig());
  process.stderr.write(
    `acetrace gateway on ${gateway.url} for ${gateway.orgMsp ?? 'every organisation of the profile'}; API keys in ${gateway.credentialsFile ?? '(none created)'}\n`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: draining and stopping\n`);
    gateway.stop().then(
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

main().catch((err: unknown) => {
  const why = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
  process.stderr.write(`acetrace gateway failed to start: ${why}\n`);
  process.exit(1);
});
