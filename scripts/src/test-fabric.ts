/**
 * `npm run test:fabric`: the shared scenario suite (test/dist/scenarios) and the private-data suite
 * (test/dist/private) against a real Hyperledger Fabric network, or one `skipped: ...` line and exit 0
 * when none is configured.
 *
 * The network is the one whose connection profile ACETRACE_FABRIC_CONNECTION_PROFILE names (see
 * network/README-fabric.md); the suite receives it as ACETRACE_TARGET_CONNECTION_PROFILE.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fabricTarget, FabricTargetError, type FabricTarget } from './fabric-target';

const repoRoot = path.resolve(__dirname, '..', '..');
/** The suites that run against whichever network `startTarget()` is given (test/src/scenarios/target.ts). */
const specs = ['test/dist/scenarios/**/*.test.js', 'test/dist/private/**/*.test.js'];

function main(): void {
  let target: FabricTarget;
  try {
    target = fabricTarget();
  } catch (err) {
    if (!(err instanceof FabricTargetError)) throw err;
    console.error(`test:fabric: ${err.message}`);
    process.exit(2);
  }
  if (target.kind === 'skip') {
    console.log(`skipped: ${target.reason}`);
    return;
  }

  console.error(`test:fabric: running ${specs.join(' ')} against ${target.connectionProfile}`);
  const mocha = require.resolve('mocha/bin/mocha.js');
  const child = spawn(
    process.execPath,
    [mocha, '--no-config', '--no-package', '--require', 'test/mocha-setup.cjs', '--timeout', '120000', '--exit', ...specs],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, ACETRACE_TARGET_CONNECTION_PROFILE: target.connectionProfile },
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    console.error(`test:fabric: could not start mocha: ${err.message}`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (signal) console.error(`test:fabric: mocha stopped by ${signal}`);
    process.exit(code ?? 1);
  });
}

main();
