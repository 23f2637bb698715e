import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Request } from 'express';
import { expect } from '../chai.test';
import { UnauthenticatedError } from '../errors';
import { createLogger } from '../logger';
import { ensureCredentials } from '../bootstrap/credentials';
import { INVALID_BEARER_TOKEN, authenticate } from './authenticate';
import { JwtRefusedError, createJwtVerifier } from './jwt';
import { PrincipalStore, hashApiKey, newApiKey } from './principals';

const SECRET = 'unit-test-secret-of-at-least-32-characters!';

function req(headers: Record<string, string>): Request {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name: string) => lower[name.toLowerCase()] } as unknown as Request;
}

/** An HS256 token of `claims` for idp.test, issued now, expiring at `expiresIn` (a span such as '5m', or epoch seconds). */
async function hs256(claims: Record<string, unknown>, secret = SECRET, expiresIn: string | number = '5m'): Promise<string> {
  const jose = await import('jose');
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer('https://idp.test')
    .setAudience('acetrace')
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

describe('auth', () => {
  const key = newApiKey();
  const store = new PrincipalStore([
    { name: 'org1-supplier', identity: 'org1-supplier', role: 'supplier', mspId: 'Org1MSP', apiKeyHashes: [hashApiKey(key)] },
    { name: 'auditor', identity: 'org3-auditor', role: 'auditor', mspId: 'Org3MSP', apiKeyHashes: [] },
  ]);
  const verify = createJwtVerifier({ secret: SECRET, issuer: 'https://idp.test', audience: 'acetrace', principalClaim: 'sub' });

  it('hashes API keys with SHA-256 and never stores them', () => {
    expect(hashApiKey('abc')).to.equal('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(key).to.match(/^ak_[A-Za-z0-9_-]{43}$/);
    expect(newApiKey()).to.not.equal(key);
  });

  it('finds the principal of an API key', async () => {
    const p = await authenticate(req({ 'X-API-Key': key }), store, verify);
    expect(p).to.deep.equal({ name: 'org1-supplier', identity: 'org1-supplier', role: 'supplier', mspId: 'Org1MSP' });
  });

  it('refuses unknown keys and missing credentials with 401', async () => {
    const cases: Array<Record<string, string>> = [{ 'X-API-Key': 'ak_wrong' }, {}, { Authorization: 'Basic abc' }];
    for (const headers of cases) {
      try {
        await authenticate(req(headers), store, verify);
        expect.fail('should refuse');
      } catch (err) {
        expect(err).to.be.instanceOf(UnauthenticatedError);
        expect((err as UnauthenticatedError).status).to.equal(401);
      }
    }
  });

  it('accepts a JWT signed with the shared secret and maps its claim to a principal', async () => {
    const token = await hs256({ sub: 'auditor' });
    const p = await authenticate(req({ Authorization: `Bearer ${token}` }), store, verify);
    expect(p.identity).to.equal('org3-auditor');
    expect(p.role).to.equal('auditor');
  });

  it('refuses tokens with a wrong secret, issuer, expiry or unknown principal', async () => {
    const jose = await import('jose');
    const bad = [
      await hs256({ sub: 'auditor' }, 'another-secret-that-is-32-chars-long!!'),
      await hs256({ sub: 'nobody' }),
      await new jose.SignJWT({ sub: 'auditor' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('https://evil.test')
        .setAudience('acetrace')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(SECRET)),
      await new jose.SignJWT({ sub: 'auditor' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('https://idp.test')
        .setAudience('acetrace')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(SECRET)),
      'not.a.jwt',
    ];
    for (const token of bad) {
      try {
        await authenticate(req({ Authorization: `Bearer ${token}` }), store, verify);
        expect.fail(`should refuse ${token}`);
      } catch (err) {
        expect(err).to.be.instanceOf(UnauthenticatedError);
      }
    }
  });

  it('secret path: refuses a token without exp, with an algorithm off the allow-list, or alg none; 401 says nothing of why', async () => {
    const jose = await import('jose');
    const key = new TextEncoder().encode(SECRET);
    const claims = { sub: 'auditor' };
    const noExp = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://idp.test').setAudience('acetrace').sign(key);
    const hs384 = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'HS384' })
      .setIssuer('https://idp.test')
      .setAudience('acetrace')
      .setExpirationTime('5m')
      .sign(key);
    const unsigned = new jose.UnsecuredJWT(claims).setIssuer('https://idp.test').setAudience('acetrace').setExpirationTime('5m').encode();
    const expected: Array<[string, RegExp]> = [
      [noExp, /"exp" claim/],
      [hs384, /algorithm HS384 is not allowed/],
      [unsigned, /algorithm none is not allowed/],
    ];
    for (const [token, reason] of expected) {
      try {
        await authenticate(req({ Authorization: `Bearer ${token}` }), store, verify);
        expect.fail('should refuse');
      } catch (err) {
        expect(err).to.be.instanceOf(UnauthenticatedError);
        expect((err as Error).message).to.equal(INVALID_BEARER_TOKEN);
        const cause = (err as Error).cause;
        expect(cause).to.be.instanceOf(JwtRefusedError);
        expect((cause as JwtRefusedError).reason).to.match(reason);
      }
    }
    // HS384 is accepted once allowed, so the refusal above was the allow-list's
    const wider = createJwtVerifier({ secret: SECRET, issuer: 'https://idp.test', audience: 'acetrace', principalClaim: 'sub', secretAlgorithms: ['HS256', 'HS384'] });
    expect((await authenticate(req({ Authorization: `Bearer ${hs384}` }), store, wider)).name).to.equal('auditor');
  });

  it('tolerates clock skew only up to the configured tolerance', async () => {
    const token = await hs256({ sub: 'auditor' }, SECRET, Math.floor(Date.now() / 1000) - 20);
    expect((await authenticate(req({ Authorization: `Bearer ${token}` }), store, verify)).name, '20 s late, 30 s tolerance').to.equal('auditor');
    const strict = createJwtVerifier({ secret: SECRET, issuer: 'https://idp.test', audience: 'acetrace', principalClaim: 'sub', clockToleranceS: 5 });
    try {
      await authenticate(req({ Authorization: `Bearer ${token}` }), store, strict);
      expect.fail('should refuse with 5 s tolerance');
    } catch (err) {
      expect((err as Error).message).to.equal(INVALID_BEARER_TOKEN);
      expect(((err as Error).cause as JwtRefusedError).reason).to.match(/"exp" claim timestamp check failed/);
    }
  });

  it('refuses bearer tokens when no JWT settings are configured', async () => {
    const token = await hs256({ sub: 'auditor' });
    try {
      await authenticate(req({ Authorization: `Bearer ${token}` }), store, undefined);
      expect.fail('should refuse');
    } catch (err) {
      expect(err).to.be.instanceOf(UnauthenticatedError);
    }
  });

  it('bootstraps one principal per identity, writes credentials 0600, and reuses them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-auth-'));
    try {
      const opts = {
        identities: [
          { name: 'org1-supplier', mspId: 'Org1MSP', role: 'supplier' },
          { name: 'org2-logistics', mspId: 'Org2MSP', role: 'logistics' },
        ],
        principalsFile: path.join(dir, 'gateway', 'principals.json'),
        credentialsFile: path.join(dir, 'credentials.json'),
        logger: createLogger('silent'),
      };
      const first = ensureCredentials(opts);
      const creds = JSON.parse(fs.readFileSync(opts.credentialsFile, 'utf8')) as { principals: Array<{ name: string; apiKey: string }> };
      expect(creds.principals.map((p) => p.name)).to.deep.equal(['org1-supplier', 'org2-logistics']);
      expect(fs.statSync(opts.credentialsFile).mode & 0o777).to.equal(0o600);
      const stored = fs.readFileSync(opts.principalsFile, 'utf8');
      for (const c of creds.principals) {
        expect(stored).to.not.include(c.apiKey);
        expect(first.store.byApiKey(c.apiKey)?.name).to.equal(c.name);
      }
      const second = ensureCredentials(opts);
      expect(fs.readFileSync(opts.credentialsFile, 'utf8')).to.equal(JSON.stringify(creds, null, 2) + '\n');
      expect(second.store.byApiKey(creds.principals[0]?.apiKey ?? '')?.name).to.equal('org1-supplier');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
