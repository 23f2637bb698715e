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
    expect(c.evaluationCacheBytes).to.equal(64 * 1024 * 1024);
    expect(loadConfig({ ACETRACE_EVALUATION_CACHE_MIB: '0' }).evaluationCacheBytes).to.equal(0);
    expect(() => loadConfig({ ACETRACE_EVALUATION_CACHE_MIB: '-1' })).to.throw(ConfigError, /ACETRACE_EVALUATION_CACHE_MIB/);
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
      ACETRACE_JWT_AUDIENCE: 'acetrace',
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

  it('listens on loopback by default; beyond loopback only with TLS or the declared TLS proxy', () => {
    const c = loadConfig({});
    expect(c.http.host).to.equal('127.0.0.1');
    expect(c.http.tls).to.equal(undefined);
    expect(c.http.plaintextBehindTlsProxy).to.equal(false);
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'gateway.example.com']) {
      try {
        loadConfig({ HOST: host });
        expect.fail(`HOST=${host} without TLS should be refused`);
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).issues.map((i) => i.key)).to.deep.equal(['HOST']);
        expect((err as Error).message).to.include(`refusing to listen on ${host} (beyond loopback) without TLS`);
        expect((err as Error).message).to.include('ACETRACE_TLS_CERT_FILE');
      }
    }
    for (const host of ['127.0.0.1', '127.0.0.53', '::1', 'localhost']) expect(loadConfig({ HOST: host }).http.host).to.equal(host);
    const tls = loadConfig({ HOST: '0.0.0.0', ACETRACE_TLS_CERT_FILE: '/etc/acetrace/cert.pem', ACETRACE_TLS_KEY_FILE: '/etc/acetrace/key.pem' });
    expect(tls.http.tls).to.deep.equal({ certFile: '/etc/acetrace/cert.pem', keyFile: '/etc/acetrace/key.pem' });
    expect(loadConfig({ HOST: '0.0.0.0', ACETRACE_PLAINTEXT_BEHIND_TLS_PROXY: 'true' }).http.plaintextBehindTlsProxy).to.equal(true);
    expect(() => loadConfig({ ACETRACE_TLS_CERT_FILE: '/x/cert.pem' })).to.throw(ConfigError, /ACETRACE_TLS_KEY_FILE: required with ACETRACE_TLS_CERT_FILE/);
    expect(() => loadConfig({ ACETRACE_TLS_KEY_FILE: '/x/key.pem' })).to.throw(ConfigError, /ACETRACE_TLS_CERT_FILE: required/);
  });

  it('bearer tokens: issuer and audience required, algorithm allow-lists, bounded clock tolerance, JWKS over https', () => {
    const c = loadConfig({});
    expect(c.auth.jwt).to.deep.include({ algorithms: ['ES256', 'RS256', 'EdDSA'], secretAlgorithms: ['HS256'], clockToleranceS: 30 });
    const secret = { ACETRACE_JWT_SECRET: 's'.repeat(32) };
    for (const [env, keys] of [
      [secret, ['ACETRACE_JWT_AUDIENCE', 'ACETRACE_JWT_ISSUER']],
      [{ ...secret, ACETRACE_JWT_ISSUER: 'https://idp' }, ['ACETRACE_JWT_AUDIENCE']],
      [{ ACETRACE_JWT_JWKS_URL: 'https://idp/jwks', ACETRACE_JWT_AUDIENCE: 'a' }, ['ACETRACE_JWT_ISSUER']],
      [{ ACETRACE_JWT_JWKS_URL: 'http://idp.example/jwks', ACETRACE_JWT_ISSUER: 'i', ACETRACE_JWT_AUDIENCE: 'a' }, ['ACETRACE_JWT_JWKS_URL']],
    ] as const) {
      try {
        loadConfig(env);
        expect.fail(`should refuse ${JSON.stringify(env)}`);
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).issues.map((i) => i.key).sort()).to.deep.equal(keys);
      }
    }
    const ok = loadConfig({
      ACETRACE_JWT_JWKS_URL: 'http://127.0.0.1:9999/jwks',
      ACETRACE_JWT_ISSUER: 'i',
      ACETRACE_JWT_AUDIENCE: 'a',
      ACETRACE_JWT_ALGORITHMS: 'ES384, PS256',
      ACETRACE_JWT_SECRET_ALGORITHMS: 'HS512',
      ACETRACE_JWT_CLOCK_TOLERANCE_S: '300',
    });
    expect(ok.auth.jwt).to.deep.include({ algorithms: ['ES384', 'PS256'], secretAlgorithms: ['HS512'], clockToleranceS: 300 });
    expect(() => loadConfig({ ACETRACE_JWT_ALGORITHMS: 'none' })).to.throw(ConfigError, /ACETRACE_JWT_ALGORITHMS/);
    expect(() => loadConfig({ ACETRACE_JWT_ALGORITHMS: 'HS256' }), 'no HMAC on the JWKS path').to.throw(ConfigError, /ACETRACE_JWT_ALGORITHMS/);
    expect(() => loadConfig({ ACETRACE_JWT_SECRET_ALGORITHMS: 'RS256' })).to.throw(ConfigError, /ACETRACE_JWT_SECRET_ALGORITHMS/);
    expect(() => loadConfig({ ACETRACE_JWT_ALGORITHMS: 'ES256,ES256' })).to.throw(ConfigError, /ACETRACE_JWT_ALGORITHMS/);
    expect(() => loadConfig({ ACETRACE_JWT_CLOCK_TOLERANCE_S: '301' })).to.throw(ConfigError, /ACETRACE_JWT_CLOCK_TOLERANCE_S/);
  });

  it('rate limits, readiness cache, stream caps and the organisation: defaults and overrides', () => {
    const c = loadConfig({});
    expect(c.rateLimit).to.deep.equal({ windowMs: 60_000, max: 1200, addressMax: 600 });
    expect(c.readiness).to.deep.equal({ cacheMs: 1000 });
    expect(c.stream).to.deep.equal({ maxPerPrincipal: 4, maxTotal: 256, stallTimeoutMs: 60_000 });
    expect(c.orgMsp).to.equal(undefined);
    const o = loadConfig({
      ACETRACE_RATE_LIMIT_ADDRESS_MAX: '10',
      ACETRACE_READY_CACHE_MS: '0',
      ACETRACE_SSE_MAX_PER_PRINCIPAL: '1',
      ACETRACE_SSE_MAX_TOTAL: '2',
      ACETRACE_SSE_STALL_TIMEOUT_MS: '500',
      ACETRACE_ORG_MSP: 'Org1MSP',
    });
    expect(o.rateLimit.addressMax).to.equal(10);
    expect(o.readiness.cacheMs).to.equal(0);
    expect(o.stream).to.deep.equal({ maxPerPrincipal: 1, maxTotal: 2, stallTimeoutMs: 500 });
    expect(o.orgMsp).to.equal('Org1MSP');
    expect(() => loadConfig({ ACETRACE_SSE_MAX_PER_PRINCIPAL: '0' })).to.throw(ConfigError, /ACETRACE_SSE_MAX_PER_PRINCIPAL/);
    expect(() => loadConfig({ ACETRACE_READY_CACHE_MS: '-1' })).to.throw(ConfigError, /ACETRACE_READY_CACHE_MS/);
  });
});
