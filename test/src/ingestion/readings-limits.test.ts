/**
 * POST /v1/readings through real HTTP: each read counts toward the principal's rate limit (not only the
 * request), so one large POST cannot outrun the limit the per-request count would allow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from '../scenarios/chai.test';
import { freshEpc } from '../scenarios/helpers';
import { type Stack, startTarget } from '../scenarios/target';

describe('readings: each read counts toward the rate limit', function () {
  this.timeout(120_000);
  let s: Stack;
  before(async () => {
    s = await startTarget({ target: 'embedded', env: { ACETRACE_RATE_LIMIT_MAX: '50' } });
    fs.writeFileSync(path.join(s.dir, 'gateway', 'readers.json'), JSON.stringify([{ readerId: 'gate-1', link: 9 }]));
  });
  after(async () => {
    await s?.stop();
  });

  const post = (n: number) =>
    fetch(`${s.gateway.url}/v1/readings`, {
      method: 'POST',
      headers: { 'x-api-key': s.key('logistics'), 'content-type': 'application/json' },
      body: JSON.stringify({ reads: Array.from({ length: n }, () => ({ readerId: 'gate-1', epc: freshEpc(), readTime: '2026-11-20T08:00:00Z' })) }),
    });

  it('answers 202 within the budget and 429 (problem+json, Retry-After) once the reads pass it', async () => {
    const first = await post(30);
    expect(first.status, await first.clone().text()).to.equal(202);
    const second = await post(30);
    expect(second.status).to.equal(429);
    expect(second.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(Number(second.headers.get('retry-after'))).to.be.at.least(1);
    // another principal has its own budget
    const other = await fetch(`${s.gateway.url}/v1/readings`, {
      method: 'POST',
      headers: { 'x-api-key': s.key('supplier'), 'content-type': 'application/json' },
      body: JSON.stringify({ reads: [] }),
    });
    expect(other.status).to.not.equal(429);
  });
});
