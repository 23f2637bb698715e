/**
 * The hardened edge through real HTTP(S) over one embedded network (real chaincode, real
 * fabric-gateway client): TLS 1.3 minimum and loopback-only plain HTTP, JWT checked against a local
 * JWKS server, the per-address limit before authentication, the stream cap, one gateway per
 * organisation, and /readyz (one ledger call per cache period, no ledger text when not ready).
 * Several gateways, each with its own settings, share the one network.
 */
import { spawn } from 'node:child_process';
import type { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { CertificateAuthority, EmbeddedNetwork, type RunningNetwork } from '@acetrace/network';
import { ConfigError, type GatewayHandle, loadConfig, startGateway } from '@acetrace/gateway';
import pino from 'pino';
import { expect } from '../scenarios/chai.test';

const REPO = path.resolve(__dirname, '..', '..', '..');
const GENERIC_401 = 'the bearer token is not valid for this gateway';

interface Credential {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

interface Gw {
  handle: GatewayHandle;
  dir: string;
  key(role: string, mspId: string): string;
  stop(): Promise<void>;
}

describe('gateway edge: TLS, JWT, limits, one organisation, readiness', function () {
  this.timeout(180_000);
  let root: string;
  let network: RunningNetwork;
  let networkStopped = false;
  const running: Gw[] = [];

  const baseEnv = (dir: string): Record<string, string> => ({
    PORT: '0',
    ACETRACE_DATA_DIR: dir,
    ACETRACE_CONNECTION_PROFILE: network.connectionProfilePath,
    ACETRACE_LOG_LEVEL: process.env.ACETRACE_TEST_LOG_LEVEL ?? 'silent',
    ACETRACE_BATCH_MAX_WAIT_MS: '10',
  });

  /** A gateway over the shared network with its own data dir (or `dir`) and settings. */
  async function startGw(env: Record<string, string>, dir = fs.mkdtempSync(path.join(root, 'gw-'))): Promise<Gw> {
    const handle = await startGateway(loadConfig({ ...baseEnv(dir), ...env }));
    const gw: Gw = {
      handle,
      dir,
      key(role: string, mspId: string): string {
        const creds = (JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf8')) as { principals: Credential[] }).principals;
        const c = creds.find((x) => x.role === role && x.mspId === mspId);
        if (!c) throw new Error(`no credential for ${role} of ${mspId}`);
        return c.apiKey;
      },
      stop: async () => {
        running.splice(running.indexOf(gw), 1);
        await handle.stop();
      },
    };
    running.push(gw);
    return gw;
  }

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-edge-'));
    network = await EmbeddedNetwork.start({ dataDir: path.join(root, 'net'), port: 0, logger: pino({ level: 'warn' }), batchTimeoutMs: 20 });
  });
  after(async () => {
    for (const gw of [...running]) await gw.stop();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    if (!networkStopped) await network?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('transport', () => {
    let ca: CertificateAuthority;
    let certFile: string;
    let keyFile: string;
    let gw: Gw;
    before(async () => {
      ca = await CertificateAuthority.create('edge-test', { commonName: 'edge test CA' });
      const server = await ca.issueTlsServer({ commonName: 'localhost' });
      certFile = path.join(root, 'server-cert.pem');
      keyFile = path.join(root, 'server-key.pem');
      fs.writeFileSync(certFile, server.certPem);
      fs.writeFileSync(keyFile, server.keyPem, { mode: 0o600 });
      gw = await startGw({ ACETRACE_TLS_CERT_FILE: certFile, ACETRACE_TLS_KEY_FILE: keyFile });
    });

    it('serves HTTPS with a certificate and key: a TLS 1.3 client works, an API call answers', async () => {
      expect(gw.handle.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
      const protocol = await new Promise<string | null>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: gw.handle.port, ca: ca.certPem, servername: 'localhost', minVersion: 'TLSv1.3' }, () => {
          resolve(socket.getProtocol());
          socket.end();
        });
        socket.once('error', reject);
      });
      expect(protocol).to.equal('TLSv1.3');
      const res = await httpsGet(`${gw.handle.url}/v1/lots?pageSize=1`, ca.certPem, { 'x-api-key': gw.key('viewer', 'Org1MSP') });
      expect(res.status).to.equal(200);
      expect(JSON.parse(res.body)).to.have.property('lots');
    });

    it('refuses a TLS 1.2-only client, and plain HTTP on the TLS port gets no answer', async () => {
      const err = await new Promise<Error | undefined>((resolve) => {
        const socket = tls.connect({ host: '127.0.0.1', port: gw.handle.port, ca: ca.certPem, servername: 'localhost', maxVersion: 'TLSv1.2' }, () => {
          socket.end();
          resolve(undefined);
        });
        socket.once('error', resolve);
      });
      expect(err, 'the handshake must fail').to.be.instanceOf(Error);
      expect(`${String((err as NodeJS.ErrnoException).code)} ${String(err?.message)}`).to.match(/protocol version|unsupported protocol|ALERT_PROTOCOL_VERSION/i);
      const plain = await new Promise<number | string>((resolve) => {
        http
          .get(`http://127.0.0.1:${String(gw.handle.port)}/healthz`, (res) => { resolve(res.statusCode ?? 0); })
          .on('error', (e) => { resolve((e as NodeJS.ErrnoException).code ?? e.message); });
      });
      expect(plain, 'no 200 over plain HTTP').to.not.equal(200);
    });

    it('binds 0.0.0.0 with TLS; refuses 0.0.0.0 without TLS at start with a clear message', async () => {
      const all = await startGw({ HOST: '0.0.0.0', ACETRACE_TLS_CERT_FILE: certFile, ACETRACE_TLS_KEY_FILE: keyFile });
      expect((await httpsGet(`${all.handle.url}/healthz`, ca.certPem)).status).to.equal(200);
      await all.stop();

      const message = /refusing to listen on 0\.0\.0\.0 \(beyond loopback\) without TLS/;
      const dir = fs.mkdtempSync(path.join(root, 'gw-'));
      expect(() => loadConfig({ ...baseEnv(dir), HOST: '0.0.0.0' })).to.throw(ConfigError, message);
      // a configuration built by hand is checked again at start
      const handBuilt = loadConfig(baseEnv(dir));
      handBuilt.http.host = '0.0.0.0';
      const refused = await startGateway(handBuilt).then(
        async (g) => {
          await g.stop();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(refused).to.be.instanceOf(ConfigError);
      expect((refused as Error).message).to.match(message);
      // the real entry point: exits 1 and says why
      const child = spawn(process.execPath, [path.join(REPO, 'gateway', 'dist', 'main.js')], {
        cwd: REPO,
        env: { ...process.env, ...baseEnv(dir), HOST: '0.0.0.0', ACETRACE_TLS_CERT_FILE: '', ACETRACE_TLS_KEY_FILE: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).to.equal(1);
      expect(stderr).to.match(/acetrace gateway failed to start: invalid gateway configuration: HOST: refusing to listen on 0\.0\.0\.0/);
      expect(stderr).to.include('ACETRACE_PLAINTEXT_BEHIND_TLS_PROXY');
      // the declared TLS proxy opt-out starts
      const proxied = await startGw({ HOST: '0.0.0.0', ACETRACE_PLAINTEXT_BEHIND_TLS_PROXY: 'true' });
      expect((await fetch(`${proxied.handle.url}/healthz`)).status).to.equal(200);
      await proxied.stop();
    });
  });

  describe('bearer tokens against a local JWKS server', () => {
    const ISSUER = 'https://idp.edge.test';
    const AUDIENCE = 'acetrace-edge';
    let jwks: http.Server;
    let gw: Gw;
    let es256: webcrypto.CryptoKey;
    let es384: webcrypto.CryptoKey;
    let jwksHits = 0;
    before(async () => {
      const jose = await import('jose');
      const a = await jose.generateKeyPair('ES256', { extractable: true });
      const b = await jose.generateKeyPair('ES384', { extractable: true });
      es256 = a.privateKey;
      es384 = b.privateKey;
      const keys = [
        { ...(await jose.exportJWK(a.publicKey)), kid: 'k-es256', alg: 'ES256', use: 'sig' },
        { ...(await jose.exportJWK(b.publicKey)), kid: 'k-es384', alg: 'ES384', use: 'sig' },
      ];
      jwks = http.createServer((_req, res) => {
        jwksHits += 1;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys }));
      });
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      const { port } = jwks.address() as import('node:net').AddressInfo;
      gw = await startGw({ ACETRACE_JWT_JWKS_URL: `http://127.0.0.1:${String(port)}/.well-known/jwks.json`, ACETRACE_JWT_ISSUER: ISSUER, ACETRACE_JWT_AUDIENCE: AUDIENCE });
    });
    after(async () => {
      await new Promise<void>((resolve) => {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
        jwks?.close(() => { resolve(); });
      });
    });

    async function token(o: { alg?: string; key?: webcrypto.CryptoKey; kid?: string; iss?: string; aud?: string; exp?: string | number | null }): Promise<string> {
      const jose = await import('jose');
      const t = new jose.SignJWT({ sub: 'org3-auditor' })
        .setProtectedHeader({ alg: o.alg ?? 'ES256', kid: o.kid ?? 'k-es256' })
        .setIssuedAt()
        .setIssuer(o.iss ?? ISSUER)
        .setAudience(o.aud ?? AUDIENCE);
      if (o.exp !== null) t.setExpirationTime(o.exp ?? '5m');
      return t.sign(o.key ?? es256);
    }

    it('accepts a valid ES256 token from the JWKS, mapped to its principal', async () => {
      const res = await fetch(`${gw.handle.url}/v1/lots?pageSize=1`, { headers: { authorization: `Bearer ${await token({})}` } });
      expect(res.status, await res.clone().text()).to.equal(200);
      expect(jwksHits).to.be.greaterThan(0);
    });

    it('refuses missing exp, wrong iss, wrong aud, an algorithm off the list, expired, alg none, HS256 — 401 with no library text', async () => {
      const jose = await import('jose');
      const past = Math.floor(Date.now() / 1000) - 3600;
      const cases: Record<string, string> = {
        'missing exp': await token({ exp: null }),
        'wrong iss': await token({ iss: 'https://evil.test' }),
        'wrong aud': await token({ aud: 'someone-else' }),
        'ES384 (in the JWKS, not allowed)': await token({ alg: 'ES384', key: es384, kid: 'k-es384' }),
        expired: await token({ exp: past }),
        'alg none': new jose.UnsecuredJWT({ sub: 'org3-auditor' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').encode(),
        'HS256 (no secret configured)': await new jose.SignJWT({ sub: 'org3-auditor' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('x'.repeat(32))),
        'unknown principal': await new jose.SignJWT({ sub: 'nobody-of-this-gateway' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k-es256' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(es256),
      };
      for (const [what, t] of Object.entries(cases)) {
        const res = await fetch(`${gw.handle.url}/v1/lots?pageSize=1`, { headers: { authorization: `Bearer ${t}` } });
        const text = await res.text();
        expect(res.status, what).to.equal(401);
        expect(res.headers.get('content-type'), what).to.match(/^application\/problem\+json/);
        expect((JSON.parse(text) as { detail: string }).detail, what).to.equal(GENERIC_401);
        expect(text, what).to.not.match(/claim|JWS|JWT|signature|timestamp|ERR_|alg|nobody-of-this-gateway/i);
      }
    });
  });

  describe('limits', () => {
    it('limits unauthenticated requests per address before authentication (429 problem + Retry-After); authenticated ones do not count', async () => {
      const gw = await startGw({ ACETRACE_RATE_LIMIT_ADDRESS_MAX: '5', ACETRACE_RATE_LIMIT_MAX: '1000' });
      try {
        const viewer = gw.key('viewer', 'Org1MSP');
        for (let i = 0; i < 12; i++) {
          expect((await fetch(`${gw.handle.url}/v1/lots?pageSize=1`, { headers: { 'x-api-key': viewer } })).status).to.equal(200);
        }
        const statuses: number[] = [];
        let last: Response | undefined;
        for (let i = 0; i < 7; i++) {
          last = await fetch(`${gw.handle.url}/v1/lots?pageSize=1`, { headers: i % 2 === 0 ? { 'x-api-key': 'ak_guess' } : {} });
          statuses.push(last.status);
          await last.arrayBuffer();
        }
        expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429, 429]);
        expect(last?.headers.get('content-type')).to.match(/^application\/problem\+json/);
        expect(Number(last?.headers.get('retry-after'))).to.be.within(1, 60);
      } finally {
        await gw.stop();
      }
    });

    it('caps open streams per principal (429 problem)', async () => {
      const gw = await startGw({ ACETRACE_SSE_MAX_PER_PRINCIPAL: '2' });
      const controllers: AbortController[] = [];
      try {
        const auditor = gw.key('auditor', 'Org3MSP');
        for (let i = 0; i < 2; i++) {
          const c = new AbortController();
          controllers.push(c);
          const res = await fetch(`${gw.handle.url}/v1/stream`, { headers: { 'x-api-key': auditor }, signal: c.signal });
          expect(res.status).to.equal(200);
        }
        const third = await fetch(`${gw.handle.url}/v1/stream`, { headers: { 'x-api-key': auditor } });
        expect(third.status).to.equal(429);
        expect(third.headers.get('content-type')).to.match(/^application\/problem\+json/);
        expect(Number(third.headers.get('retry-after'))).to.be.greaterThan(0);
        const other = new AbortController();
        controllers.push(other);
        const res = await fetch(`${gw.handle.url}/v1/stream`, { headers: { 'x-api-key': gw.key('auditor', 'Org1MSP') }, signal: other.signal });
        expect(res.status, 'another principal').to.equal(200);
      } finally {
        for (const c of controllers) c.abort();
        await gw.stop();
      }
    });
  });

  describe('one gateway per organisation', () => {
    it('a gateway started for Org1MSP refuses Org2 and Org3 principals (401) and serves Org1', async () => {
      // the all-organisations start (npm start's convenience) writes keys for everyone...
      const all = await startGw({});
      const dir = all.dir;
      const org2 = all.key('logistics', 'Org2MSP');
      const org3 = all.key('auditor', 'Org3MSP');
      const org1 = all.key('viewer', 'Org1MSP');
      expect((await fetch(`${all.handle.url}/v1/lots?pageSize=1`, { headers: { 'x-api-key': org2 } })).status).to.equal(200);
      expect(all.handle.orgMsp).to.equal(undefined);
      await all.stop();
      // ...then the same data dir served for Org1 only
      const one = await startGw({ ACETRACE_ORG_MSP: 'Org1MSP' }, dir);
      try {
        expect(one.handle.orgMsp).to.equal('Org1MSP');
        for (const key of [org2, org3]) {
          const res = await fetch(`${one.handle.url}/v1/lots?pageSize=1`, { headers: { 'x-api-key': key } });
          expect(res.status).to.equal(401);
          await res.arrayBuffer();
        }
        expect((await fetch(`${one.handle.url}/v1/stream`, { headers: { 'x-api-key': org3 } })).status).to.equal(401);
        expect((await fetch(`${one.handle.url}/v1/lots?pageSize=1`, { headers: { 'x-api-key': org1 } })).status).to.equal(200);
        expect((await fetch(`${one.handle.url}/readyz`)).status, 'pings as an Org1 identity').to.equal(200);
      } finally {
        await one.stop();
      }
      const fresh = fs.mkdtempSync(path.join(root, 'gw-'));
      const only = await startGw({ ACETRACE_ORG_MSP: 'Org2MSP' }, fresh);
      const written = (JSON.parse(fs.readFileSync(path.join(fresh, 'credentials.json'), 'utf8')) as { principals: Credential[] }).principals;
      expect(new Set(written.map((c) => c.mspId)), 'a fresh one-organisation start writes keys for its organisation only').to.deep.equal(new Set(['Org2MSP']));
      await only.stop();
      const nowhere = await startGw({ ACETRACE_ORG_MSP: 'Org9MSP' }).then(
        async (g) => {
          await g.stop();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(nowhere).to.be.instanceOf(ConfigError);
      expect((nowhere as Error).message).to.match(/ACETRACE_ORG_MSP: the connection profile has no identity of Org9MSP/);
    });
  });

  describe('readiness (last: stops the network)', () => {
    it('runs one ledger call per cache period however many probes; not ready says nothing of the ledger error', async () => {
      const gw = await startGw({ ACETRACE_READY_CACHE_MS: '1000', ACETRACE_METRICS_PUBLIC: 'true' });
      const pings = async (): Promise<number> => {
        const text = await (await fetch(`${gw.handle.url}/metrics`)).text();
        return [...text.matchAll(/^acetrace_ledger_call_duration_seconds_count\{transaction="ListLots",outcome="[^"]+"\} (\d+)/gm)].reduce(
          (n, m) => n + Number(m[1]),
          0,
        );
      };
      expect((await fetch(`${gw.handle.url}/readyz`)).status).to.equal(200);
      const before = await pings();
      const started = Date.now();
      const burst = await Promise.all(Array.from({ length: 50 }, () => fetch(`${gw.handle.url}/readyz`)));
      expect(burst.map((r) => r.status)).to.deep.equal(Array(50).fill(200));
      const elapsed = Date.now() - started;
      const calls = (await pings()) - before;
      expect(calls, `${String(calls)} ledger calls for 50 probes in ${String(elapsed)} ms`).to.be.at.most(Math.ceil(elapsed / 1000) + 1);

      networkStopped = true;
      await network.stop();
      await new Promise((r) => setTimeout(r, 1200));
      const res = await fetch(`${gw.handle.url}/readyz`, { signal: AbortSignal.timeout(20_000) });
      const text = await res.text();
      expect(res.status).to.equal(503);
      expect(JSON.parse(text)).to.include({ detail: 'not ready: the ledger does not answer' });
      expect(text).to.not.match(/UNAVAILABLE:|ECONNREFUSED|No connection|grpc|deadline|\d+\.\d+\.\d+\.\d+:\d+|localhost:\d+/i);
    });
  });
});

function httpsGet(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers, servername: 'localhost' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }); });
      })
      .on('error', reject);
  });
}
