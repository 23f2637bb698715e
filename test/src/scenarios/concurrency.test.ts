/**
 * 50 clients post 20 events each to the same lot at once: all 1,000 are committed exactly once,
 * and no client sees a conflict or server error.
 */
import { expect } from './chai.test';
import { lotInput, uid } from './helpers';
import { type SseEvent, readSse } from './sse';
import { type Stack, postEvents, targetKind, targetSuite } from './target';

/**
 * Polls the events (50 at a time, as the auditor) until each is committed or the deadline passes;
 * fails on any answer but 200 and on any rejection.
 */
async function waitCommitted(
  s: Stack,
  ids: string[],
  auditor: string,
  deadline: number,
): Promise<{ pending: string[]; committed: Map<string, { txId: string; blockNumber: number }> }> {
  let pending = [...ids];
  const committed = new Map<string, { txId: string; blockNumber: number }>();
  while (pending.length > 0 && Date.now() < deadline) {
    const next: string[] = [];
    for (let i = 0; i < pending.length; i += 50) {
      const chunk = pending.slice(i, i + 50);
      const answers = await Promise.all(
        chunk.map(async (id) => {
          const r = await fetch(`${s.gateway.url}/v1/events/${id}`, { headers: { 'x-api-key': auditor } });
          return { id, status: r.status, body: (await r.json()) as { status: string; txId: string; blockNumber: number; reason?: string } };
        }),
      );
      for (const a of answers) {
        expect(a.status, JSON.stringify(a.body)).to.equal(200);
        expect(a.body.status, `${a.id}: ${a.body.reason ?? ''}`).to.not.equal('rejected');
        if (a.body.status === 'committed') committed.set(a.id, { txId: a.body.txId, blockNumber: a.body.blockNumber });
        else next.push(a.id);
      }
    }
    pending = next;
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 250));
  }
  return { pending, committed };
}

/** How many times each wanted event id was recorded, by the `EventsRecorded` events of a stream. */
function recordings(events: SseEvent[], wanted: Set<string>): Map<string, number> {
  const recorded = new Map<string, number>();
  for (const ev of events) {
    if (ev.event !== 'EventsRecorded') continue;
    const payload = (JSON.parse(ev.data) as { payload: { eventIds: string[] } }).payload;
    for (const id of payload.eventIds) if (wanted.has(id)) recorded.set(id, (recorded.get(id) ?? 0) + 1);
  }
  return recorded;
}

describe(`scenario: concurrency (${targetKind()} network)`, function () {
  this.timeout(300_000);
  const s = targetSuite();

  it('50 clients × 20 events on one lot: 1,000 committed exactly once, no conflicts', async () => {
    const lotId = uid('LOT-C');
    expect((await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(lotId))).status).to.equal(201);
    // write scope: the lot passes from the supplier organisation to the logistics one, then to the broker one, so all three may post
    const handover = (key: string, link: number, to: string, day: number) =>
      postEvents(s, key, { eventId: `${lotId}-h${String(link)}`, lotId, link, kind: 'handover', handoverTo: to, eventTime: new Date(Date.UTC(2026, 8, day)).toISOString() });
    const h1 = await handover(s.key('supplier', s.orgs.supplier), 5, s.orgs.logistics, 1);
    expect(h1.status, JSON.stringify(h1.body)).to.equal(201);
    const h2 = await handover(s.key('logistics', s.orgs.logistics), 6, s.orgs.broker, 2);
    expect(h2.status, JSON.stringify(h2.body)).to.equal(201);
    const clients = 50;
    const perClient = 20;
    const keys = [s.key('logistics', s.orgs.supplier), s.key('logistics', s.orgs.logistics), s.key('logistics', s.orgs.broker)];
    const statuses = new Map<number, number>();
    const ids: string[] = [];

    const client = async (c: number): Promise<void> => {
      const key = keys[c % keys.length] as string;
      for (let i = 0; i < perClient; i++) {
        const eventId = `${lotId}-c${String(c)}-e${String(i)}`;
        ids.push(eventId);
        const res = await fetch(`${s.gateway.url}/v1/events`, {
          method: 'POST',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          body: JSON.stringify({
            eventId,
            lotId,
            link: 7,
            kind: 'gps',
            eventTime: new Date(Date.UTC(2026, 9, 1, 0, c, i)).toISOString(),
            deviceId: `truck-${String(c)}`,
            location: { lat: 22.5 + c * 1e-4, lon: 114.0 + i * 1e-4, accuracyM: 5 },
          }),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await res.arrayBuffer();
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
    expect(Object.fromEntries(statuses)).to.deep.equal({ 202: clients * perClient });

    // wait until every event is committed (the outbox submits in batches)
    const auditor = s.key('auditor');
    const { pending, committed } = await waitCommitted(s, ids, auditor, Date.now() + 180_000);
    expect(pending, 'events still pending').to.deep.equal([]);
    expect(committed.size).to.equal(clients * perClient);

    // exactly once on the ledger, seen on the committed-event stream: each id recorded in one
    // transaction. A marker transaction committed after all of them bounds the read: the stream
    // is read from block 0 up to the marker, so every transaction committed before it is counted.
    const markerLot = uid('LOT-C-MARK');
    expect((await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(markerLot))).status).to.equal(201);
    const marker = await s
      .http()
      .post('/v1/events?wait=commit')
      .set('X-API-Key', s.key('supplier'))
      .send({ eventId: uid('EVT-C-MARK'), lotId: markerLot, link: 1, kind: 'document', eventTime: '2026-10-01T00:00:00Z' });
    expect(marker.status, JSON.stringify(marker.body)).to.equal(201);
    const markerItem = (marker.body as { accepted: Array<{ txId: string; blockNumber: number }> }).accepted[0];
    const markerId = `${String(markerItem?.blockNumber)}:${String(markerItem?.txId)}`;
    const stream = await readSse(
      `${s.gateway.url}/v1/stream?fromBlock=0`,
      { 'x-api-key': auditor },
      (events) => events.at(-1)?.id === markerId,
      120_000,
    );
    const recorded = recordings(stream.events, new Set(ids));
    expect(stream.status).to.equal(200);
    expect(stream.events.at(-1)?.id, 'the stream reached the marker transaction').to.equal(markerId);
    expect(recorded.size).to.equal(clients * perClient);
    expect([...recorded.values()].every((n) => n === 1)).to.equal(true);

    // and the provenance lists each id once, on link 7
    const prov = await s.http().get(`/v1/lots/${lotId}/provenance`).set('X-API-Key', auditor);
    expect(prov.status).to.equal(200);
    const link7 = (prov.body as { links: Array<{ link: number; events: Array<{ eventId: string; txId: string }> }> }).links.find((l) => l.link === 7);
    const onLedger = link7?.events.map((e) => e.eventId) ?? [];
    expect(onLedger).to.have.length(clients * perClient);
    expect(new Set(onLedger).size).to.equal(clients * perClient);
    for (const e of link7?.events ?? []) expect(e.txId).to.equal(committed.get(e.eventId)?.txId);
    console.log(`      1,000 events accepted and committed in ${String(Date.now() - started)} ms`);
  });
});
