// The shell library the nano and test-network routes share (network/scripts-lib), run without
// Fabric: its port checks against a real listener, wait_for_port against real processes, and the
// deploy steps of the test-network route against a stub `peer` that records its calls.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const libDir = path.join(repoRoot, 'network', 'scripts-lib');

function onPath(command: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
const canSeeListeners = onPath('ss') || onPath('lsof');

/** Runs SCRIPT in bash after sourcing the library, with PID_DIR and LOG_DIR in DIR. */
function runLib(dir: string, script: string, env: Record<string, string> = {}): SpawnSyncReturns<string> & { ms: number } {
  const started = Date.now();
  const result = spawnSync('bash', ['-c', `set -euo pipefail\nsource "${libDir}/common.sh"\n${script}`], {
    env: { ...process.env, PID_DIR: path.join(dir, 'pids'), LOG_DIR: path.join(dir, 'logs'), ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return Object.assign(result, { ms: Date.now() - started });
}

/** A node process listening on 127.0.0.1 (an ephemeral port), standing for a foreign holder such as `npm start`. */
async function holdPort(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['-e', 'const s = require("node:net").createServer(() => {}); s.listen(0, "127.0.0.1", () => console.log(s.address().port));'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (data: Buffer) => { resolve(Number(data.toString().trim())); });
  });
  return { child, port };
}

/** A port nothing listens on (taken from the kernel, then released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise((resolve) => server.close(resolve));
  return address.port;
}

describe('network/scripts-lib (no Fabric needed)', function () {
  this.timeout(120_000);
  let dir: string;
  let holder: { child: ChildProcess; port: number };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-scripts-lib-'));
    holder = await holdPort();
  });

  afterEach(() => {
    holder.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('require_free_ports', () => {
    it('fails naming the busy port, the process that needs it and the process holding it', () => {
      const result = runLib(dir, `require_free_ports "peer0-org1:${String(holder.port)}"`);
      expect(result.status, result.stderr).to.equal(1);
      expect(result.stderr).to.contain(`port ${String(holder.port)} (needed by peer0-org1) is in use by`);
      expect(result.stderr).to.contain('1 port(s) needed are in use');
      if (canSeeListeners) expect(result.stderr).to.contain(`(pid ${String(holder.child.pid)})`);
    });

    it('passes when every port is free, and reports only the busy ones otherwise', async () => {
      const free = await freePort();
      const ok = runLib(dir, `require_free_ports "orderer:${String(free)}"; echo passed`);
      expect(ok.status, ok.stderr).to.equal(0);
      expect(ok.stdout).to.equal('passed\n');
      const mixed = runLib(dir, `require_free_ports "orderer:${String(free)}" "ca-org1:${String(holder.port)}"`);
      expect(mixed.status).to.equal(1);
      expect(mixed.stderr).to.contain(`port ${String(holder.port)} (needed by ca-org1)`);
      expect(mixed.stderr).to.not.contain(`port ${String(free)} `);
    });
  });

  describe('wait_for_port NAME PORT PID', () => {
    it('fails fast, naming the log, when the started process exits (port free)', async () => {
      const port = await freePort();
      const result = runLib(dir, `
start_process peer0-org1 sh -- sh -c 'echo "listen tcp 127.0.0.1:${String(port)}: bind: address already in use"; exit 1'
wait_for_port peer0-org1 ${String(port)} "$(recorded_pid peer0-org1)"`);
      expect(result.status).to.equal(1);
      expect(result.ms).to.be.below(10_000);
      expect(result.stderr).to.contain(`exited before listening on port ${String(port)}; see ${dir}/logs/peer0-org1.log`);
      expect(result.stderr).to.contain('bind: address already in use'); // the end of that log
    });

    it('fails fast, naming the log, when the started process exits while someone else answers on the port', () => {
      // The reported failure: 7051 held by `npm start`, peer0.org1 died on bind, and the old
      // wait_for_port succeeded because the other process answered.
      const result = runLib(dir, `
start_process peer0-org1 sh -- sh -c 'sleep 0.3; echo "bind: address already in use"; exit 1'
wait_for_port peer0-org1 ${String(holder.port)} "$(recorded_pid peer0-org1)"
echo "wait_for_port succeeded"`);
      expect(result.status).to.equal(1);
      expect(result.stdout).to.not.contain('wait_for_port succeeded');
      expect(result.ms).to.be.below(10_000);
      expect(result.stderr).to.contain(`see ${dir}/logs/peer0-org1.log`);
    });

    it('fails fast when another process holds the port while the started one still runs', function () {
      if (!canSeeListeners) this.skip(); // without ss or lsof the holder cannot be told apart
      const result = runLib(dir, `
start_process peer0-org1 sleep -- sleep 30
trap 'stop_process peer0-org1' EXIT
wait_for_port peer0-org1 ${String(holder.port)} "$(recorded_pid peer0-org1)"`);
      expect(result.status).to.equal(1);
      expect(result.ms).to.be.below(20_000);
      expect(result.stderr).to.contain(
        `port ${String(holder.port)} is held by node (pid ${String(holder.child.pid)}), not by peer0-org1`,
      );
      expect(result.stderr).to.contain(`see ${dir}/logs/peer0-org1.log`);
    });

    it('succeeds when the process it started is the one listening', async () => {
      const port = await freePort();
      const listener = `require("node:net").createServer(() => {}).listen(${String(port)}, "127.0.0.1")`;
      const result = runLib(dir, `
start_process chaincode-org1 node -- node -e '${listener}'
trap 'stop_process chaincode-org1' EXIT
wait_until_listening chaincode-org1 ${String(port)}
echo listening`);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.equal('listening\n');
    });
  });

  describe('deploy_chaincode on the test-network route (stub peer)', () => {
    it('builds, packages once, installs, approves for each organisation and commits on both peers', function () {
      if (!fs.existsSync(path.join(repoRoot, 'chaincode', 'dist', 'index.js'))) this.skip(); // needs npm run build
      const samples = path.join(dir, 'fabric-samples');
      const bin = path.join(samples, 'bin');
      const calls = path.join(dir, 'peer-calls.log');
      fs.mkdirSync(bin, { recursive: true });
      fs.mkdirSync(path.join(samples, 'test-network'), { recursive: true });
      fs.writeFileSync(path.join(samples, 'test-network', 'network.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      // The stub answers what the lifecycle asks: nothing installed, nothing committed until the commit.
      fs.writeFileSync(
        path.join(bin, 'peer'),
        `#!/usr/bin/env bash
printf '%s|%s\\n' "$CORE_PEER_LOCALMSPID" "$*" >>"${calls}"
case "$3" in
  querycommitted) [[ -f "${calls}.committed" ]] || exit 1; echo "Version: 1.0, Sequence: 1, Endorsement Plugin: escc" ;;
  calculatepackageid) echo "acetrace_1.0:$(basename "$4")" ;;
  commit) touch "${calls}.committed" ;;
esac
exit 0
`,
        { mode: 0o755 },
      );
      // npm stands in for the build (chaincode/dist is already built); package.js runs for real.
      fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "npm $*"\n', { mode: 0o755 });
      const result = spawnSync(path.join(repoRoot, 'network', 'test-network', 'deploy.sh'), [], {
        env: { ...process.env, FABRIC_SAMPLES_DIR: samples, ACETRACE_FABRIC_DATA_DIR: path.join(dir, 'data') },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stderr).to.contain(
        "deploying acetrace version 1.0 sequence 1 on 'acetrace' (committed: 0), policy OR('Org1MSP.peer','Org2MSP.peer')",
      );
      expect(result.stderr).to.contain('Next: network/test-network/connection.sh');
      const pkg = path.join(dir, 'data', 'chaincode', 'acetrace_1.0.tar.gz');
      expect(fs.existsSync(pkg), 'node package written').to.equal(true);
      const steps = fs
        .readFileSync(calls, 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const [msp = '', args = ''] = line.split('|');
          return `${msp} ${args.split(' ').slice(0, 3).join(' ')}`;
        });
      expect(steps).to.deep.equal([
        'Org1MSP lifecycle chaincode querycommitted',
        'Org1MSP lifecycle chaincode calculatepackageid',
        'Org1MSP lifecycle chaincode queryinstalled',
        'Org1MSP lifecycle chaincode install',
        'Org1MSP lifecycle chaincode approveformyorg',
        'Org2MSP lifecycle chaincode calculatepackageid',
        'Org2MSP lifecycle chaincode queryinstalled',
        'Org2MSP lifecycle chaincode install',
        'Org2MSP lifecycle chaincode approveformyorg',
        'Org1MSP lifecycle chaincode checkcommitreadiness',
        'Org1MSP lifecycle chaincode commit',
        'Org1MSP lifecycle chaincode querycommitted',
      ]);
      const log = fs.readFileSync(calls, 'utf8');
      expect(log).to.contain(`install ${pkg}`);
      const commit = log.split('\n').find((line) => line.includes('chaincode commit')) ?? '';
      expect(commit).to.contain('--peerAddresses localhost:7051');
      expect(commit).to.contain('--peerAddresses localhost:9051');
      expect(commit).to.contain('--sequence 1');
      expect(commit).to.contain('--ordererTLSHostnameOverride orderer.example.com');
    });
  });
});
