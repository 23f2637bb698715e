import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

import type { ProofBundle } from './bundle';
import type { Report } from './report';
import { makeFixture, must } from './testing/fixture';

// The launcher npm links as node_modules/.bin/acetrace-verify.
const CLI = join(__dirname, '..', 'bin', 'acetrace-verify.js');

describe('verifier: acetrace-verify command', function () {
  this.timeout(60_000);
  let dir: string;
  let good: string;
  let tampered: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'acetrace-verify-'));
    const { bundle } = await makeFixture();
    good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(bundle));
    const bad = JSON.parse(JSON.stringify(bundle)) as ProofBundle;
    const value = Buffer.from(must(bad.events[1], 'bad.events[1]').value, 'base64');
    value[value.indexOf('harvest')] = 'H'.charCodeAt(0);
    must(bad.events[1], 'bad.events[1]').value = value.toString('base64');
    tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(bad));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

  it('exits 0 and prints the report for a good bundle', () => {
    const r = run(good);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('VERIFIED: 3 event(s)');
    expect(r.stdout).to.contain('✓ orderer-signature');
  });

  it('exits 1 naming the failed check and the event', () => {
    const r = run(tampered);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/FAILED write-set for event E2 \(tx [0-9a-f]{64}\)/);
    expect(r.stdout).to.contain('✗ write-set');
    expect(r.stdout).to.contain('NOT VERIFIED');
  });

  it('--json prints a parsable report', () => {
    const r = run(tampered, '--json');
    expect(r.status).to.equal(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.ok).to.equal(false);
    expect(report.failures.map((f) => [f.check, f.eventId])).to.deep.equal([['write-set', 'E2']]);
    const ok = JSON.parse(run(good, '--json').stdout) as Report;
    expect(ok.ok).to.equal(true);
  });

  it('exits 2 for a file that is not a bundle, and for no file', () => {
    const notBundle = join(dir, 'not.json');
    writeFileSync(notBundle, '{"format":"acetrace-proof/0"}');
    const r = run(notBundle);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/not an acetrace-proof\/1 bundle: \$\.format/);
    expect(run().status).to.equal(2);
    expect(run(join(dir, 'missing.json')).status).to.equal(2);
  });
});
