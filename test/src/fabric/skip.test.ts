// `npm run test:fabric` without a real Fabric network: one skip line and success; with a profile
// path that does not exist: a clear failure, not a silent skip.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const script = path.resolve(__dirname, '..', '..', '..', 'scripts', 'dist', 'test-fabric.js');
const SKIP_LINE =
  'skipped: no Fabric network configured (set ACETRACE_FABRIC_CONNECTION_PROFILE to a connection.json ' +
  'written by network/test-network/connection.sh or network/nano/connection.sh)';

function run(profile: string | undefined): SpawnSyncReturns<string> {
  const env = { ...process.env };
  delete env.ACETRACE_FABRIC_CONNECTION_PROFILE;
  if (profile !== undefined) env.ACETRACE_FABRIC_CONNECTION_PROFILE = profile;
  return spawnSync(process.execPath, [script], { env, encoding: 'utf8', timeout: 30_000 });
}

describe('npm run test:fabric', () => {
  it('prints exactly one skip line and exits 0 when no network is configured', () => {
    const result = run(undefined);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.equal(`${SKIP_LINE}\n`);
  });

  it('treats an empty ACETRACE_FABRIC_CONNECTION_PROFILE as not configured', () => {
    const result = run('');
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.equal(`${SKIP_LINE}\n`);
  });

  it('fails with a clear message when the connection profile does not exist', () => {
    const missing = path.join(os.tmpdir(), `acetrace-no-such-profile-${String(process.pid)}`, 'connection.json');
    const result = run(missing);
    expect(result.status).to.not.equal(0);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.contain('ACETRACE_FABRIC_CONNECTION_PROFILE');
    expect(result.stderr).to.contain(`${missing} does not exist`);
  });

  it('fails with a clear message when the file is not a connection profile', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-profile-'));
    try {
      const file = path.join(dir, 'connection.json');
      fs.writeFileSync(file, JSON.stringify({ channel: 'acetrace', peers: [] }));
      const result = run(file);
      expect(result.status).to.not.equal(0);
      expect(result.stderr).to.contain('is not a connection profile');
      expect(result.stderr).to.contain('chaincode, peers, identities');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
