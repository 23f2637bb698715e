import { Registry } from 'prom-client';
import {
  LedgerAccessDeniedError,
  LedgerCommitError,
  LedgerConflictError,
  LedgerInvalidArgumentError,
  LedgerUnavailableError,
} from '../errors';
import { EventConflictError, rejectionText } from '../ports/event-queue';
import type { LedgerPort } from '../ports/ledger';
import { expect } from '../chai.test';
import { createEventQueue, isPermanentRejection, rejectionOf, type EventLedger } from './index';
import { Outbox } from './outbox';
import { BROKER_POSTER as B, CARRIER_POSTER as A, FakeLedger, chaincodeRefusal, makeEvent, silentLogger, sleep, testQueues, tmpDb, testKeyring } from './testutils.test';

describe('ingestion/queue (outbox + submitter)', function () {
  this.timeout(20_000);
  const queue = testQueues();

  it('packs events into transactions of one identity each, at most batchMaxEvents long', async () => {
    const ledger = new FakeLedger();
    const q = queue({ ledger, batchMaxEvents: 100, concurrency: 4 });
    const ids: string[] = [];
    for (let round = 0; round < 6; round++) {
      for (const [poster, tag] of [[A, 'a'], [B, 'b']] as const) {
        const events = Array.from({ length: 50 }, (_, i) => makeEvent(`${tag}-${String(round)}-${String(i)}`, { deviceId: `${tag}-dev-${String(i % 7)}` }));
        await q.enqueue(poster, events);
        ids.push(...events.map((e) => e.eventId));
      }
    }
    q.start();
    const done = await q.waitFor(ids, 10_000);
    expect(done.every((e) => e.status === 'committed')).to.equal(true);
    expect(done).to.have.length(600);
    for (const call of ledger.calls) {
      expect(call.eventIds.length).to.be.at.most(100);
      const identities = new Set(call.eventIds.map((id) => (id.startsWith('a-') ? A.identity : B.identity)));
      expect([...identities]).to.deep.equal([call.identity]);
    }
    expect(ledger.calls.length).to.be.at.most(600 / 50);
    for (const e of done) {
      const rec = ledger.records.get(e.eventId);
      expect(e.txId).to.equal(rec?.txId);
      expect(e.blockNumber).to.equal(rec?.blockNumber);
      expect(rec?.identity).to.equal(e.identity);
    }
    expect(q.depth()).to.deep.equal({ queued: 0, oldestAgeMs: 0 });
  });

  it('keeps each device in order and never has one device in two transactions at once, with batches in parallel', async () => {
    const ledger = new FakeLedger();
    ledger.delay = () => Math.floor(Math.random() * 6);
    const q = queue({ ledger, batchMaxEvents: 17, concurrency: 4, batchMaxWaitMs: 1 });
    q.start();
    const ids: string[] = [];
    const byDevice = new Map<string, string[]>();
    // 20 devices, 2 identities, posted in many small interleaved calls while the submitter runs;
    // device dev-3 posts under both identities (its order must hold across them too)
    for (let k = 0; k < 60; k++) {
      const poster = k % 2 === 0 ? A : B;
      const events = Array.from({ length: 10 }, (_, i) => {
        const device = `dev-${String((k * 7 + i) % 20)}`;
        const id = `ev-${String(k)}-${String(i)}`;
        const list = byDevice.get(device) ?? [];
        list.push(id);
        byDevice.set(device, list);
        return makeEvent(id, { deviceId: device });
      });
      await q.enqueue(poster, events);
      ids.push(...events.map((e) => e.eventId));
      if (k % 10 === 0) await sleep(3);
    }
    const done = await q.waitFor(ids, 20_000);
    expect(done.filter((e) => e.status !== 'committed')).to.deep.equal([]);
    expect(ledger.deviceOverlap, 'a device had two transactions in flight').to.equal(false);
    expect(ledger.maxInFlight, 'batches ran in parallel').to.be.greaterThan(1);
    expect(ledger.maxInFlight).to.be.at.most(4);
    for (const [device, list] of byDevice) {
      const order = list.map((id) => ledger.records.get(id)?.order ?? -1);
      expect(order, `order of ${device}`).to.deep.equal([...order].sort((x, y) => x - y));
    }
  });

  it('commits the calls of one event-loop turn together, each answered as if alone', async () => {
    const q = queue({ ledger: new FakeLedger() });
    await q.enqueue(A, [makeEvent('t-0')]);
    const calls = [
      q.enqueue(A, [makeEvent('t-1')]),
      q.enqueue(A, [makeEvent('t-2'), { ...makeEvent('t-0'), link: 8 }]),
      q.enqueue(B, [makeEvent('t-3'), makeEvent('t-1')]),
      q.enqueue(A, [makeEvent('t-1')]),
    ];
    const [one, conflict, other, repeat] = await Promise.allSettled(calls);
    expect(one).to.deep.equal({ status: 'fulfilled', value: [{ eventId: 't-1', status: 'queued' }] });
    expect(conflict?.status).to.equal('rejected');
    expect((conflict as PromiseRejectedResult).reason).to.be.instanceOf(EventConflictError);
    // t-1 was stored by the first call of the group: another identity's t-1 conflicts, the same one repeats
    expect((other as PromiseRejectedResult).reason).to.be.instanceOf(EventConflictError);
    expect(repeat).to.deep.equal({ status: 'fulfilled', value: [{ eventId: 't-1', status: 'queued' }] });
    expect((await q.get('t-2')) ?? 'absent', 'nothing of a refused call is stored').to.equal('absent');
    expect(q.depth().queued).to.equal(2);
  });

  it('does not let a backlogged device hold up the others', async () => {
    const ledger = new FakeLedger();
    ledger.delay = () => 10;
    const q = queue({ ledger, batchMaxEvents: 50, concurrency: 2 });
    await q.enqueue(A, Array.from({ length: 1000 }, (_, i) => makeEvent(`x-${String(i)}`, { deviceId: 'chatty' })));
    await q.enqueue(A, [makeEvent('y-0', { deviceId: 'quiet' })]);
    q.start();
    const [y] = await q.waitFor(['y-0'], 5_000);
    expect(y?.status).to.equal('committed');
    expect(q.depth().queued, 'the chatty device still has a backlog').to.be.greaterThan(500);
  });

  it('drains 20,000 events posted 500 at a time', async () => {
    const ledger = new FakeLedger();
    const q = queue({ ledger, batchMaxEvents: 500 });
    q.start();
    const t0 = Date.now();
    const ids: string[] = [];
    for (let k = 0; k < 40; k++) {
      const events = Array.from({ length: 500 }, (_, i) => makeEvent(`t-${String(k)}-${String(i)}`, { deviceId: `dev-${String(i % 50)}` }));
      await q.enqueue(k % 2 ? A : B, events);
      ids.push(...events.map((e) => e.eventId));
    }
    const done = await q.waitFor(ids, 30_000);
    expect(done.filter((e) => e.status !== 'committed')).to.have.length(0);
    expect(ledger.records.size).to.equal(20_000);
    expect(Date.now() - t0).to.be.below(15_000);
  });

  it('retries a failing ledger with backoff until it recovers: nothing lost, nothing recorded twice', async () => {
    const ledger = new FakeLedger();
    ledger.failNext = 7;
    const registry = new Registry();
    const q = queue({ ledger, registry, batchMaxEvents: 40 });
    const events = Array.from({ length: 120 }, (_, i) => makeEvent(`r-${String(i)}`, { deviceId: `d-${String(i % 5)}` }));
    await q.enqueue(A, events);
    q.start();
    const done = await q.waitFor(events.map((e) => e.eventId), 10_000);
    expect(done.map((e) => e.status)).to.deep.equal(events.map(() => 'committed'));
    expect(ledger.records.size).to.equal(120);
    expect(ledger.failNext).to.equal(0);
    const text = await registry.metrics();
    expect(text).to.match(/acetrace_submit_retries_total 7\b/);
    expect(text).to.match(/acetrace_events_committed_total 120\b/);
    expect(text).to.match(/acetrace_queue_depth 0\b/);
  });

  it('bisects a rejected batch: the bad events become rejected with the chaincode reason, the rest commit', async () => {
    const ledger = new FakeLedger();
    ledger.bad.add('b-5').add('b-11');
    const registry = new Registry();
    const q = queue({ ledger, registry, batchMaxEvents: 16 });
    const events = Array.from({ length: 16 }, (_, i) => makeEvent(`b-${String(i)}`, { deviceId: 'gate-1' }));
    await q.enqueue(A, events);
    q.start();
    const done = await q.waitFor(events.map((e) => e.eventId), 10_000);
    const rejected = done.filter((e) => e.status === 'rejected');
    expect(rejected.map((e) => e.eventId)).to.deep.equal(['b-5', 'b-11']);
    for (const r of rejected) {
      expect(r.rejection).to.deep.equal({ code: 'INVALID_ARGUMENT', message: 'events[0].location.lat: must be -90..90' });
      expect(rejectionText(r.rejection ?? { message: '' })).to.match(/^INVALID_ARGUMENT: events\[0\]\.location\.lat: must be -90\.\.90$/);
    }
    expect(done.filter((e) => e.status === 'committed')).to.have.length(14);
    // order of the device holds through the bisection
    const order = events.filter((e) => !ledger.bad.has(e.eventId)).map((e) => ledger.records.get(e.eventId)?.order ?? -1);
    expect(order).to.deep.equal([...order].sort((x, y) => x - y));
    expect(await registry.metrics()).to.match(/acetrace_events_rejected_total 2\b/);
    expect(ledger.calls.length, 'the named index splits the batch directly').to.be.at.most(7);
  });

  it('bisects in halves when the rejection names no event, and when it names the wrong one', async () => {
    const ledger = new FakeLedger();
    ledger.bad.add('h-3').add('h-12');
    ledger.message = (index) => (index % 2 === 0 ? 'ACCESS_DENIED: not allowed' : `INVALID_ARGUMENT: events[${String((index + 5) % 16)}].link: wrong`);
    const q = queue({ ledger, batchMaxEvents: 16 });
    const events = Array.from({ length: 16 }, (_, i) => makeEvent(`h-${String(i)}`, { deviceId: 'gate-2' }));
    await q.enqueue(A, events);
    q.start();
    const done = await q.waitFor(events.map((e) => e.eventId), 10_000);
    expect(done.filter((e) => e.status === 'rejected').map((e) => e.eventId)).to.deep.equal(['h-3', 'h-12']);
    expect(done.filter((e) => e.status === 'committed')).to.have.length(14);
  });

  it('resubmits events left `submitted` by a crash; the ledger idempotency makes it exactly once', async () => {
    const dbPath = tmpDb();
    const before = Outbox.open(dbPath, { keyring: testKeyring });
    const events = Array.from({ length: 20 }, (_, i) => makeEvent(`c-${String(i)}`, { deviceId: 'truck-1' }));
    before.enqueue(A, events);
    const rows = before.scanPending(100, new Set());
    before.markSubmitted(rows.slice(0, 10).map((r) => r.seq));
    before.close(); // the process died with 10 events in a transaction

    const ledger = new FakeLedger();
    ledger.preRecord(events.slice(0, 10).map((e) => e.eventId), 'tx-before-crash', A.identity);
    const q = queue({ ledger, dbPath });
    expect((await q.get('c-0'))?.status).to.equal('submitted');
    q.start();
    const done = await q.waitFor(events.map((e) => e.eventId), 10_000);
    expect(done.map((e) => e.status)).to.deep.equal(events.map(() => 'committed'));
    expect(done.slice(0, 10).map((e) => e.txId)).to.deep.equal(events.slice(0, 10).map(() => 'tx-before-crash'));
    expect(done.slice(10).every((e) => e.txId !== 'tx-before-crash')).to.equal(true);
    expect(ledger.records.size).to.equal(20);
    const resubmitted = ledger.calls.flatMap((c) => c.eventIds).filter((id) => Number(id.slice(2)) < 10);
    expect(resubmitted.length, 'submitted rows went to the ledger again').to.be.greaterThan(0);
  });

  it('waitFor resolves as soon as the events commit, and at the timeout with their current state', async () => {
    const ledger = new FakeLedger();
    ledger.delay = () => 30;
    const q = queue({ ledger, batchMaxWaitMs: 1, attemptTimeoutMs: 200 });
    q.start();
    await q.enqueue(A, [makeEvent('w-1'), makeEvent('w-2')]);
    const t0 = Date.now();
    const done = await q.waitFor(['w-1', 'w-2', 'unknown-id'], 5_000);
    expect(Date.now() - t0).to.be.below(2_000);
    expect(done.map((e) => [e.eventId, e.status])).to.deep.equal([
      ['w-1', 'committed'],
      ['w-2', 'committed'],
    ]);

    ledger.hang = true;
    await q.enqueue(A, [makeEvent('w-3')]);
    const t1 = Date.now();
    const pending = await q.waitFor(['w-3'], 150);
    expect(Date.now() - t1).to.be.within(140, 1_500);
    expect(pending).to.have.length(1);
    expect(pending[0]?.status).to.be.oneOf(['queued', 'submitted']);
    expect(q.depth().queued).to.equal(1);
  });

  it('stop() returns while the ledger hangs (attempts are bounded) and the events survive for the next start', async () => {
    const dbPath = tmpDb();
    const ledger = new FakeLedger();
    ledger.hang = true;
    const q = createEventQueue({ keyring: testKeyring, dbPath, ledger, logger: silentLogger, attemptTimeoutMs: 100, batchMaxWaitMs: 1 });
    q.start();
    await q.enqueue(A, [makeEvent('s-1')]);
    await sleep(30);
    const waiting = q.waitFor(['s-1'], 60_000);
    await q.stop();
    expect((await waiting)[0]?.status).to.equal('submitted');

    const healthy = new FakeLedger();
    const again = queue({ ledger: healthy, dbPath });
    again.start();
    const [e] = await again.waitFor(['s-1'], 5_000);
    expect(e?.status).to.equal('committed');
  });
});

describe('ingestion/ledger seam', () => {
  it('the gateway ledger port satisfies the submitter ledger verb (compile-time)', () => {
    const accepts = (ledger: EventLedger): EventLedger => ledger;
    const fromPort = (port: LedgerPort): EventLedger => accepts(port);
    expect(fromPort).to.be.a('function');
  });

  it('classifies chaincode rejections as permanent and everything else as transient', () => {
    expect(isPermanentRejection(new LedgerInvalidArgumentError('INVALID_ARGUMENT: x', []))).to.equal(true);
    expect(isPermanentRejection(new LedgerAccessDeniedError('ACCESS_DENIED: no'))).to.equal(true);
    expect(isPermanentRejection(new LedgerConflictError('CONFLICT: other content'))).to.equal(true);
    expect(isPermanentRejection(chaincodeRefusal('NOT_FOUND: lot LOT-9'))).to.equal(true);
    // only the adapter reads error texts: an unclassified error is never taken for a refusal
    expect(isPermanentRejection(new Error('NOT_FOUND: lot LOT-9'))).to.equal(false);
    expect(isPermanentRejection(new LedgerUnavailableError('peer down', { transient: true }))).to.equal(false);
    expect(isPermanentRejection(new LedgerCommitError('MVCC_READ_CONFLICT', { transient: true, grpcCode: 11 }))).to.equal(false);
    expect(isPermanentRejection(new Error('14 UNAVAILABLE: connection refused'))).to.equal(false);
    const refusal = rejectionOf(chaincodeRefusal('INVALID_ARGUMENT: events[0].link: 1..12'));
    expect(refusal).to.deep.equal({ code: 'INVALID_ARGUMENT', message: 'events[0].link: 1..12' });
    expect(rejectionText(refusal ?? { message: '' })).to.equal('INVALID_ARGUMENT: events[0].link: 1..12');
    expect(rejectionOf(new LedgerUnavailableError('peer down', { transient: true }))).to.equal(undefined);
  });
});
