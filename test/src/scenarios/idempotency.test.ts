/**
 * Idempotency through the whole stack: a lot or event posted again with the same content is a
 * no-op answering the first result; the same id with different content is a 409.
 */
import { expect } from './chai.test';
import { lotInput, uid } from './helpers';
import { postEvents, targetKind, targetSuite } from './target';

describe(`scenario: idempotent lots and events (${targetKind()} network)`, function () {
  this.timeout(120_000);
  const s = targetSuite();

  it('lots: 201 new, 200 identical repeat, 409 different content', async () => {
    const lotId = uid('LOT-I');
    const key = s.key('supplier', s.orgs.supplier);
    const input = lotInput(lotId);
    const first = await s.http().post('/v1/lots').set('X-API-Key', key).send(input);
    expect(first.status).to.equal(201);
    expect(first.body).to.deep.include({ created: true });
    const again = await s.http().post('/v1/lots').set('X-API-Key', key).send(input);
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.include({ created: false });
    expect((again.body as { lot: { txId: string } }).lot.txId).to.equal((first.body as { lot: { txId: string } }).lot.txId);
    // the same lot in another spelling of its HTS code is still identical
    const spelled = await s.http().post('/v1/lots').set('X-API-Key', key).send({ ...input, htsCode: '8536509065' });
    expect(spelled.status).to.equal(200);
    const different = await s.http().post('/v1/lots').set('X-API-Key', key).send({ ...input, quantity: 1 });
    expect(different.status).to.equal(409);
    expect(different.type).to.equal('application/problem+json');
    expect(different.body).to.include({ status: 409, code: 'CONFLICT' });
  });

  it('events: a repeat is a no-op returning the first result; different content is 409', async () => {
    const lotId = uid('LOT-E');
    const key = s.key('supplier', s.orgs.supplier);
    expect((await s.http().post('/v1/lots').set('X-API-Key', key).send(lotInput(lotId))).status).to.equal(201);
    const event = { eventId: uid('EVT'), lotId, link: 3, kind: 'document', eventTime: '2026-11-20T08:15:00+08:00' };
    const first = await postEvents(s, key, event);
    expect(first.status).to.equal(201);
    const firstItem = (first.body.accepted as Array<{ txId: string }>)[0];
    const again = await postEvents(s, key, event);
    expect(again.status).to.equal(201);
    expect((again.body.accepted as Array<{ txId: string; status: string }>)[0]).to.deep.include({ status: 'committed', txId: firstItem?.txId });
    const queuedAgain = await postEvents(s, key, event, false);
    expect(queuedAgain.status).to.equal(202);
    const changed = await postEvents(s, key, { ...event, eventTime: '2026-11-21T08:15:00+08:00' });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(409);
    // the ledger holds one record
    const got = await s.http().get(`/v1/events/${event.eventId}`).set('X-API-Key', s.key('auditor'));
    expect(got.status).to.equal(200);
    expect(got.body).to.deep.include({ eventId: event.eventId, status: 'committed', txId: firstItem?.txId });
  });
});
