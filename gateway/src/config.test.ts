import * as path from 'node:path';
import { expect } from './chai.test';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const c = loadConfig({});
    expect(c.http.port).to.equal(8080);
    expect(c.dataDir).to.equal(path.resolve('./.acetrace'));
    expect(c.connectionProfile).to.equal(path.join(c.dataDir, 'network', 'connection.json'));
    expect(c.deadlines).to.deep.equal({ evaluateMs: 5000, endorseMs: 15000, submitMs: 5000, commitStatusMs: 60000 });
    expect(c.auth.jwt.principalClaim).to.equal('sub');
    expect(c.auth.principalsFile).to.equal(path.join(c.dataDir, 'gateway', 'principals.json'));
    expect(c.auth.credentialsFile).to.equal(path.join(c.dataDir, 'credentials.json'));
    expect(c.metricsPublic).to.equal(false);
  });

  it('readings: window and reader table defaults, overrides; attempt bound above the adapter worst case', () => {
    const c = loadConfig({ ACETRACE_DATA_DIR: '/tmp/x' });
    expect(c.readings).to.deep.equal({ windowMs: 60_000, readersFile: '/tmp/x/gateway/readers.json', bodyLimit: '4mb', lookupConcurrency: 16 });
    const worst = c.retry.maxElapsedMs + c.retry.maxDelayMs + c.deadlines.endorseMs + c.deadlines.submitMs + c.deadlines.commitStatusMs;
    expect(c.ingestion.attemptTimeoutMs).to.be.greaterThan(worst);
    const o = loadConfig({ ACETRACE_READINGS_WINDOW_MS: '5000', ACETRACE_READERS_FILE: '/etc/acetrace/readers.json', ACETRACE_DEADLINE_COMMIT_STATUS_MS: '300000' });
    expect(o.readings.windowMs).to.equal(5000);
    expect(o.readings.readersFile).to.equal('/etc/acetrace/readers.json');
    expect(o.ingestion.attemptTimeoutMs).to.be.greaterThan(300_000 + o.retry.maxElapsedMs);
    expect(() => loadConfig({ ACETRACE_READINGS_WINDOW_MS: '0' })).to.throw(ConfigError, /ACETRACE_READINGS_WINDOW_MS/);
  });

  it('outbox: submit concurrency (default 8), batch size and wait, validated', () => {
    const c = loadConfig({});
    expect(c.ingestion).to.include({ submitConcurrency: 8, batchMaxEvents: 500, batchMaxWaitMs: 50, maxDepth: 100_000 });
    const o = loadConfig({ ACETRACE_SUBMIT_CONCURRENCY: '16', ACETRACE_BATCH_MAX_EVENTS: '200', ACETRACE_BATCH_MAX_WAIT_MS: '0' });
    expect(o.ingestion).to.include({ submitConcurrency: 16, batchMaxEvents: 200, batchMaxWaitMs: 0 });
    expect(loadConfig({ ACETRACE_SUBMIT_CONCURRENCY: '' }).ingestion.submitConcurrency, 'empty = default').to.equal(8);
    for (const bad of ['0', '65', '2.5', 'many', '-1']) {
      expect(() => loadConfig({ ACETRACE_SUBMIT_CONCURRENCY: bad }), bad).to.throw(ConfigError, /ACETRACE_SUBMIT_CONCURRENCY/);
    }
    expect(() => loadConfig({ ACETRACE_BATCH_MAX_EVENTS: '0' })).to.throw(ConfigError, /ACETRACE_BATCH_MAX_EVENTS/);
    expect(() => loadConfig({ ACETRACE_BATCH_MAX_WAIT_MS: '-5' })).to.throw(ConfigError, /ACETRACE_BATCH_MAX_WAIT_MS/);
    expect(() => loadConfig({ ACETRACE_BATCH_MAX_WAIT_MS: '60001' })).to.throw(ConfigError, /ACETRACE_BATCH_MAX_WAIT_MS/);
  });

  it('reads and converts keys', () => {
    const c = loadConfig({
      PORT: '0',
      ACETRACE_DATA_DIR: '/tmp/x',
      ACETRACE_CONNECTION_PROFILE: '/etc/acetrace/profile.json',
      ACETRACE_JWT_SECRET: 'a'.repeat(32),
      ACETRACE_JWT_ISSUER: 'https://idp.example',
      ACETRACE_RATE_LIMIT_MAX: '5',
      ACETRACE_METRICS_PUBLIC: 'true',
      ACETRACE_BODY_LIMIT: '512kb',
    });
    expect(c.http.port).to.equal(0);
    expect(c.connectionProfile).to.equal('/etc/acetrace/profile.json');
    expect(c.auth.jwt.secret).to.have.length(32);
    expect(c.auth.jwt.issuer).to.equal('https://idp.example');
    expect(c.rateLimit.max).to.equal(5);
    expect(c.metricsPublic).to.equal(true);
    expect(c.http.bodyLimit).to.equal('512kb');
  });

  it('names every invalid key', () => {
    try {
      loadConfig({ PORT: 'eighty', ACETRACE_JWT_SECRET: 'short', ACETRACE_JWT_JWKS_URL: 'not a url', ACETRACE_LOG_LEVEL: 'loud' });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const keys = (err as ConfigError).issues.map((i) => i.key).sort();
      expect(keys).to.deep.equal(['ACETRACE_JWT_JWKS_URL', 'ACETRACE_JWT_SECRET', 'ACETRACE_LOG_LEVEL', 'PORT']);
    }
  });

  it('rejects out-of-range numbers', () => {
    expect(() => loadConfig({ PORT: '70000' })).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ ACETRACE_BATCH_MAX_EVENTS: '501' })).to.throw(ConfigError, /ACETRACE_BATCH_MAX_EVENTS/);
    expect(() => loadConfig({ ACETRACE_METRICS_PUBLIC: 'maybe' })).to.throw(ConfigError, /ACETRACE_METRICS_PUBLIC/);
  });
});
