/**
 * The gateway's evaluation cache (issue 19): provenance answers are kept only while the channel's
 * committed height stays the same. Real HTTP → gateway → fabric-gateway gRPC → network + chaincode:
 * - a repeated read is served from the cache (its metric says hit) and equals the evaluated answer;
 * - a commit made through this gateway (`?wait=commit`) is in the very next read;
 * - a commit made elsewhere (straight through fabric-gateway, not this gateway) reaches readers once its
 *   block is delivered, and at once to a reader asking `Cache-Control: no-cache`;
 * - `Cache-Control: no-cache` evaluates again (bypass).
 */
import { randomBytes } from 'node:crypto';
import { expect } from '../scenarios/chai.test';
import { lotInput } from '../scenarios/helpers';
import { postEvents, targetSuite } from '../scenarios/target';
import { connectAs } from '../network/helpers';

const LOT = `LOT-EVC-${randomBytes(3).toString('hex')}`;

interface Prov { queryMs: number; links: Array<{ events: Array<{ eventId: string }> }> }

const eventIds = (p: Prov): string[] => p.links.flatMap((l) => l.events.map((e) => e.eventId)).sort();

describe('evaluation cache: provenance kept until the next block', function () {
  this.timeout(120_000);
  const s = targetSuite({ env: { ACETRACE_METRICS_PUBLIC: 'true' } });

  const read = async (headers: Record<string, string> = {}): Promise<Prov> => {
    let req = s.http().get(`/v1/lots/${LOT}/provenance`).set('X-API-Key', s.key('auditor'));
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    const res = await req;
    expect(res.status, res.text).to.equal(200);
    return res.body as Prov;
  };
  /** The cache counter of GetProvenance for `outcome`. */
  const counted = async (outcome: string): Promise<number> => {
    const text = (await s.http().get('/metrics')).text;
    const line = text.split('\n').find((l) => l.startsWith(`acetrace_evaluation_cache_total{transaction="GetProvenance",outcome="${outcome}"}`));
    return line === undefined ? 0 : Number(line.split(' ').pop());
  };
  const event = (eventId: string, link: number): Record<string, unknown> => ({
    eventId, lotId: LOT, link, kind: 'document', eventTime: `2026-10-0${String(link)}T08:00:00Z`,
  });

  before(async () => {
    const reg = await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(LOT));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    const posted = await postEvents(s, s.key('supplier'), event(`${LOT}-e1`, 1));
    expect(posted.status, JSON.stringify(posted.body)).to.equal(201);
  });

  it('answers a repeated read from the cache, with the evaluated answer', async () => {
    await read(); // kept from now on (the gateway knows the height since it started)
    const first = await read();
    const hitsBefore = await counted('hit');
    const second = await read();
    expect(await counted('hit')).to.equal(hitsBefore + 1);
    expect({ ...second, queryMs: 0 }).to.deep.equal({ ...first, queryMs: 0 });
    expect(eventIds(second)).to.deep.equal([`${LOT}-e1`]);
  });

  it('shows a commit made through this gateway in the next read', async () => {
    await read(); // kept
    const hits = await counted('hit');
    await read();
    expect(await counted('hit')).to.equal(hits + 1);
    const posted = await postEvents(s, s.key('supplier'), event(`${LOT}-e2`, 2));
    expect(posted.status, JSON.stringify(posted.body)).to.equal(201);
    expect(eventIds(await read())).to.deep.equal([`${LOT}-e1`, `${LOT}-e2`]);
  });

  it('evaluates again for Cache-Control: no-cache', async () => {
    await read();
    await read();
    const bypassed = await counted('bypass');
    const hits = await counted('hit');
    await read({ 'Cache-Control': 'no-cache' });
    expect(await counted('bypass')).to.equal(bypassed + 1);
    expect(await counted('hit')).to.equal(hits);
    await read();
    expect(await counted('hit'), 'a plain read after it is kept again').to.equal(hits + 1);
  });

  it('drops kept answers when a block committed elsewhere is delivered', async () => {
    await read(); // kept at the current height
    const hits = await counted('hit');
    await read();
    expect(await counted('hit')).to.equal(hits + 1);
    const supplier = s.credentials.find((c) => c.role === 'supplier' && c.mspId === s.orgs.supplier);
    if (!supplier) throw new Error('no supplier identity');
    // straight to the network, not through this gateway: only the block events tell the gateway
    const direct = connectAs(s, supplier.name);
    try {
      await direct.contract.submitTransaction('RecordEvents', JSON.stringify([event(`${LOT}-e3`, 3)]));
    } finally {
      direct.close();
    }
    const expected = [`${LOT}-e1`, `${LOT}-e2`, `${LOT}-e3`];
    expect(eventIds(await read({ 'Cache-Control': 'no-cache' }))).to.deep.equal(expected);
    let seen: string[] = [];
    for (let i = 0; i < 100; i++) {
      seen = eventIds(await read());
      if (seen.length === expected.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).to.deep.equal(expected);
  });
});
