/**
 * The live stream of committed ledger events (SSE): ids are `<block>:<txId>`, and a client that
 * reconnects with Last-Event-ID resumes exactly after that event, without gaps or repeats.
 */
import { expect } from './chai.test';
import { lotInput, uid } from './helpers';
import { readSse } from './sse';
import { postEvents, targetKind, targetSuite } from './target';

describe(`scenario: live stream, SSE resume (${targetKind()} network)`, function () {
  this.timeout(180_000);
  const s = targetSuite();
  let lotId: string;
  before(async () => {
    lotId = uid('LOT-S');
    expect((await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(lotId))).status).to.equal(201);
    const ev = await postEvents(s, s.key('supplier'), { eventId: uid('EVT-S'), lotId, link: 1, kind: 'document', eventTime: '2026-10-01T08:00:00Z' });
    expect(ev.status).to.equal(201);
  });

  it('SSE: ids are <block>:<txId>; Last-Event-ID resumes exactly after, without gaps or repeats', async () => {
    const key = s.key('auditor');
    // make a few more transactions
    for (let i = 0; i < 3; i++) {
      const r = await postEvents(s, s.key('supplier'), { eventId: uid('EVT-SSE'), lotId, link: 3, kind: 'document', eventTime: '2026-10-03T08:00:00Z' });
      expect(r.status).to.equal(201);
    }
    const all = await readSse(`${s.gateway.url}/v1/stream?fromBlock=0`, { 'x-api-key': key }, (evs) => evs.length >= 5);
    expect(all.status).to.equal(200);
    expect(all.events.length).to.be.at.least(5);
    for (const ev of all.events) expect(ev.id).to.match(/^\d+:[0-9a-f]{64}$/);
    const ids = all.events.map((e) => e.id as string);
    expect(new Set(ids).size).to.equal(ids.length);
    const resumeAt = ids[1] as string;
    const rest = await readSse(`${s.gateway.url}/v1/stream`, { 'x-api-key': key, 'last-event-id': resumeAt }, (evs) => evs.length >= ids.length - 2);
    expect(rest.events.map((e) => e.id)).to.deep.equal(ids.slice(2, 2 + rest.events.length));
    expect(rest.events.length).to.equal(ids.length - 2);
    const payload = JSON.parse(all.events[0]?.data ?? '{}') as { name: string; payload: { type: string } };
    expect(payload.name).to.be.a('string');
    const bad = await s.http().get('/v1/stream').set('X-API-Key', key).set('Last-Event-ID', 'not-an-id');
    expect(bad.status).to.equal(400);
  });
});
