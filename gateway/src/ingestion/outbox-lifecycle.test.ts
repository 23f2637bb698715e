/** The outbox's later life: dead letters, corrections, pruning with idempotency records, file modes, schema 1 → 2. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Registry } from 'prom-client';
import { expect } from '../chai.test';
import { EventConflictError } from '../ports/event-queue';
import { OUTBOX_SCHEMA_VERSION, Outbox } from './outbox';
import { CARRIER_POSTER as A, FakeLedger, makeEvent, testQueues, tmpDb, testKeyring, SCHEMA_1_EVENTS } from './testutils.test';

describe('ingestion/outbox lifecycle', function () {
  this.timeout(20_000);
  const queue = testQueues();

  it('gives a poison event up as `dead` after maxFailures (its batch split first); batch-mates commit; counted', async () => {
    const ledger = new FakeLedger();
    ledger.poison.add('p-5');
    const registry = new Registry();
    const q = queue({ ledger, registry, maxFailures: 3, batchMaxEvents: 8 });
    const events = Array.from({ length: 8 }, (_, i) => makeEvent(`p-${String(i)}`, { deviceId: 'gate-p' }));
    await q.enqueue(A, events);
    q.start();
    const done = await q.waitFor(events.map((e) => e.eventId), 10_000);
    expect(done.filter((e) => e.status === 'dead').map((e) => e.eventId)).to.deep.equal(['p-5']);
    expect(done.filter((e) => e.status === 'committed')).to.have.length(7);
    const dead = await q.get('p-5');
    expect(dead?.failure).to.deep.equal({ code: 'LEDGER_ERROR', message: 'chaincode failed without a code' });
    expect(dead).to.not.have.property('rejection');
    expect(await registry.metrics()).to.match(/acetrace_events_dead_total 1\b/);
    // bounded: each split level had at most maxFailures attempts
    const withPoison = ledger.calls.filter((c) => c.eventIds.includes('p-5')).length;
    expect(withPoison).to.be.at.most(3 * 4);
  });

  it('never gives up while the ledger is unreachable: acknowledged events outlive the outage', async () => {
    const ledger = new FakeLedger();
    ledger.failNext = 12;
    const q = queue({ ledger, maxFailures: 2 });
    await q.enqueue(A, [makeEvent('u-1')]);
    q.start();
    const [done] = await q.waitFor(['u-1'], 10_000);
    expect(done?.status).to.equal('committed');
  });

  it('sends a correction alone to RecordCorrection, after the event it corrects', async () => {
    const ledger = new FakeLedger();
    ledger.delay = () => 30;
    const q = queue({ ledger, batchMaxEvents: 50 });
    const original = makeEvent('c-orig', { deviceId: 'truck-1' });
    const correction = makeEvent('c-fix', { correctionOf: 'c-orig', reason: 'wrong fix' });
    const others = [makeEvent('c-a'), makeEvent('c-b')];
    await q.enqueue(A, [original]);
    await q.enqueue(A, [correction, ...others]);
    q.start();
    const done = await q.waitFor(['c-orig', 'c-fix', 'c-a', 'c-b'], 10_000);
    expect(done.map((e) => e.status)).to.deep.equal(['committed', 'committed', 'committed', 'committed']);
    expect(ledger.corrections).to.deep.equal(['c-fix']);
    expect(ledger.calls.find((c) => c.eventIds.includes('c-fix'))?.eventIds).to.deep.equal(['c-fix']);
    expect(ledger.records.get('c-orig')?.order ?? 99).to.be.below(ledger.records.get('c-fix')?.order ?? -1);
  });

  it('prunes committed rows after the retention, keeping what idempotency and block numbers need; unfinished rows stay', () => {
    let now = Date.parse('2026-11-20T00:00:00Z');
    const db = tmpDb();
    const outbox = Outbox.open(db, { keyring: testKeyring, now: () => now });
    outbox.enqueue(A, [makeEvent('r-1'), makeEvent('r-2'), makeEvent('r-3'), makeEvent('r-4')]);
    const rows = outbox.scanPending(10, new Set());
    const seq = (id: string): number => rows.find((r) => r.eventId === id)?.seq ?? -1;
    outbox.markCommitted([{ seq: seq('r-1'), txId: 'tx-1', blockNumber: 7 }]);
    outbox.markRejected(seq('r-2'), { code: 'NOT_FOUND', message: 'lot LOT-1 is not registered' });
    outbox.markDead(seq('r-3'), { code: 'LEDGER_ERROR', message: 'x' });
    now += 3600_000;
    expect(outbox.prune(7200_000)).to.equal(0);
    now += 7200_000;
    expect(outbox.prune(7200_000)).to.equal(1);
    expect(outbox.get('r-1')).to.equal(undefined);
    expect(outbox.get('r-2')?.status).to.equal('rejected');
    expect(outbox.get('r-3')?.status).to.equal('dead');
    expect(outbox.get('r-4')?.status).to.equal('queued');
    expect(outbox.pendingCount).to.equal(1);
    // a repeat of the pruned event is still answered, and other content still refused, before any 202
    expect(outbox.enqueue(A, [makeEvent('r-1')])).to.deep.equal([{ eventId: 'r-1', status: 'committed' }]);
    expect(() => outbox.enqueue(A, [makeEvent('r-1', { link: 8 })])).to.throw(EventConflictError);
    expect(() => outbox.enqueue({ ...A, identity: 'org2-logistics' }, [makeEvent('r-1')])).to.throw(EventConflictError);
    expect([...outbox.blockNumbers(['r-1', 'r-4'])]).to.deep.equal([['r-1', 7]]);
    outbox.close();
  });

  it('keeps the outbox folder 0700 and its files 0600, correcting wider modes left by an earlier version', () => {
    const db = tmpDb();
    fs.mkdirSync(path.dirname(db), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.dirname(db), 0o755);
    fs.writeFileSync(db, '');
    fs.chmodSync(db, 0o644);
    const outbox = Outbox.open(db, { keyring: testKeyring });
    outbox.enqueue(A, [makeEvent('m-1')]);
    expect(fs.statSync(path.dirname(db)).mode & 0o777).to.equal(0o700);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(fs.statSync(f).mode & 0o777, f).to.equal(0o600);
    outbox.close();
    const fresh = tmpDb();
    Outbox.open(fresh, { keyring: testKeyring }).close();
    expect(fs.statSync(path.dirname(fresh)).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(fresh).mode & 0o777).to.equal(0o600);
  });

  it('migrates a schema-1 file: rows keep their state, corrections are recognised, `dead` can be stored', () => {
    const file = tmpDb();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    old.exec(`${SCHEMA_1_EVENTS};
      CREATE INDEX events_pending ON events(seq, device_key, identity, event_id, status) WHERE status IN ('queued','submitted');
      CREATE INDEX events_device ON events(device_key, seq);
      PRAGMA user_version = 1;`);
    const insert = old.prepare(
      `INSERT INTO events (event_id, lot_id, principal, identity, device_key, content_hash, payload, status, tx_id, block_number,
       rejection_code, rejection_message, queued_at, queued_at_ms, updated_at)
       VALUES (?, 'LOT-1', 'p', 'org1-logistics', 'p:p', 'h', ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', 0, '2026-01-01T00:00:00.000Z')`,
    );
    insert.run('C-1', JSON.stringify(makeEvent('C-1')), 'committed', 'tx-9', 9, null, null);
    insert.run('R-1', JSON.stringify(makeEvent('R-1')), 'rejected', null, null, 'NOT_FOUND', 'lot LOT-9 is not registered');
    insert.run('Q-1', JSON.stringify(makeEvent('Q-1')), 'queued', null, null, null, null);
    insert.run('F-1', JSON.stringify(makeEvent('F-1', { correctionOf: 'C-1', reason: 'r' })), 'queued', null, null, null, null);
    old.close();

    const outbox = Outbox.open(file, { keyring: testKeyring });
    expect(outbox.get('C-1')).to.include({ status: 'committed', txId: 'tx-9', blockNumber: 9 });
    expect(outbox.get('R-1')?.rejection).to.deep.equal({ code: 'NOT_FOUND', message: 'lot LOT-9 is not registered' });
    expect(outbox.pendingCount).to.equal(2);
    const pending = outbox.scanPending(10, new Set());
    expect(pending.map((r) => [r.eventId, r.correctionOf])).to.deep.equal([['Q-1', null], ['F-1', 'C-1']]);
    outbox.markDead(pending[0]?.seq ?? -1, { code: 'LEDGER_ERROR', message: 'gave up' });
    outbox.enqueue(A, [makeEvent('N-1')]);
    outbox.close();
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).to.equal(OUTBOX_SCHEMA_VERSION);
    check.close();
    const again = Outbox.open(file, { keyring: testKeyring });
    expect(again.get('Q-1')?.status).to.equal('dead');
    expect(again.get('N-1')?.status).to.equal('queued');
    again.close();
  });
});
