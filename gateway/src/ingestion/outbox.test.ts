import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from '../chai.test';
import { EventConflictError, QueueFullError, QueueStorageError, rejectionText } from '../ports/event-queue';
import { loadOrCreateKeyring } from '../at-rest/keyring';
import { OUTBOX_SCHEMA_VERSION, Outbox } from './outbox';
import { makeEvent, tmpDb, testKeyring } from './testutils.test';

const poster = { principal: 'carrier-key-1', identity: 'org1-logistics' };

/** A file as the outbox's first schema wrote it: rejections as one `reason` text, user_version 0; `reasons` rejected, C-1 committed, Q-1 queued. */
function writeFirstSchemaFile(file: string, reasons: Record<string, string>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const old = new Database(file);
  old.exec(`CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, lot_id TEXT NOT NULL, principal TEXT NOT NULL,
    identity TEXT NOT NULL, device_key TEXT NOT NULL, content_hash TEXT NOT NULL, payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued','submitted','committed','rejected')), tx_id TEXT, block_number INTEGER,
    reason TEXT, attempts INTEGER NOT NULL DEFAULT 0, queued_at TEXT NOT NULL, queued_at_ms INTEGER NOT NULL, updated_at TEXT NOT NULL);
    CREATE INDEX events_pending ON events(seq, device_key, identity, event_id, status) WHERE status IN ('queued','submitted');
    CREATE INDEX events_device ON events(device_key, seq);`);
  const insert = old.prepare(
    `INSERT INTO events (event_id, lot_id, principal, identity, device_key, content_hash, payload, status, tx_id, block_number, reason,
     queued_at, queued_at_ms, updated_at) VALUES (?, 'LOT-1', 'p', 'org1-logistics', 'p:p', 'h', ?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', 0, '2026-01-01T00:00:00.000Z')`,
  );
  for (const [id, reason] of Object.entries(reasons)) insert.run(id, JSON.stringify(makeEvent(id)), 'rejected', null, null, reason);
  insert.run('C-1', JSON.stringify(makeEvent('C-1')), 'committed', 'tx-9', 9, null);
  insert.run('Q-1', JSON.stringify(makeEvent('Q-1')), 'queued', null, null, null);
  old.close();
}

/** Each event rejected under the first schema is still rejected, its reason reading back as the text it was. */
function expectReasonsKept(outbox: Outbox, reasons: Record<string, string>): void {
  for (const [id, reason] of Object.entries(reasons)) {
    const stored = outbox.get(id);
    expect(stored?.status).to.equal('rejected');
    expect(rejectionText(stored?.rejection ?? { message: '' }), id).to.equal(reason);
  }
}

describe('ingestion/outbox', function () {
  this.timeout(10_000);
  it('keeps every acknowledged event across close and reopen', () => {
    const db = tmpDb();
    const outbox = Outbox.open(db, { keyring: testKeyring });
    const events = Array.from({ length: 50 }, (_, i) => makeEvent(`E-${String(i)}`, { deviceId: `dev-${String(i % 3)}` }));
    const answer = outbox.enqueue(poster, events);
    expect(answer.map((a) => a.status)).to.deep.equal(events.map(() => 'queued'));
    outbox.close();

    const reopened = Outbox.open(db, { keyring: testKeyring });
    expect(reopened.pendingCount).to.equal(50);
    for (const e of events) {
      const got = reopened.get(e.eventId);
      expect(got?.status).to.equal('queued');
      expect(got?.event).to.deep.equal(e);
      expect(got?.principal).to.equal(poster.principal);
      expect(got?.identity).to.equal(poster.identity);
    }
    expect(reopened.scanPending(1000, new Set()).map((r) => r.eventId)).to.deep.equal(events.map((e) => e.eventId));
    reopened.close();
  });

  it('keeps acknowledged events when the process is killed with SIGKILL right after the answer', async function () {
    this.timeout(15_000);
    const db = tmpDb();
    const script = path.join(path.dirname(db), 'writer.js');
    const keyFile = path.join(path.dirname(db), 'data-key.json');
    fs.mkdirSync(path.dirname(db), { recursive: true });
    fs.writeFileSync(
      script,
      `const { Outbox } = require(${JSON.stringify(path.join(__dirname, 'outbox.js'))});
       const { loadOrCreateKeyring } = require(${JSON.stringify(path.join(__dirname, '..', 'at-rest', 'keyring.js'))});
       const o = Outbox.open(${JSON.stringify(db)}, { keyring: loadOrCreateKeyring(${JSON.stringify(keyFile)}).keyring });
       let n = 0;
       for (let b = 0; b < 20; b++) {
         const events = Array.from({ length: 25 }, (_, i) => ({ eventId: 'K-' + b + '-' + i, lotId: 'LOT-1', link: 7, kind: 'gps',
           eventTime: '2026-11-20T08:15:00+08:00', location: { lat: 1, lon: 2 } }));
         o.enqueue({ principal: 'p', identity: 'org1-logistics' }, events);
         n += events.length;
         process.stdout.write('acked ' + n + '\\n');
       }
       setInterval(() => {}, 1000);`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = [...out.matchAll(/acked (\d+)/g)].pop();
        if (m && Number(m[1]) >= 500) {
          child.kill('SIGKILL');
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited ${String(code)}`));
      });
    });
    await new Promise((r) => child.once('exit', r));
    const reopened = Outbox.open(db, { keyring: loadOrCreateKeyring(keyFile).keyring });
    expect(reopened.pendingCount).to.equal(acked);
    expect(reopened.get('K-19-24')?.status).to.equal('queued');
    reopened.close();
  });

  it('stores nothing of a call whose insert fails part-way, and says QueueStorageError', () => {
    const db = tmpDb();
    const outbox = Outbox.open(db, { keyring: testKeyring });
    outbox.enqueue(poster, [makeEvent('before')]);
    const saboteur = new Database(db);
    saboteur.exec(
      `CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.event_id = 'E-boom' BEGIN SELECT RAISE(ABORT, 'disk says no'); END;`,
    );
    saboteur.close();
    let caught: unknown;
    try {
      outbox.enqueue(poster, [makeEvent('E-1'), makeEvent('E-2'), makeEvent('E-boom'), makeEvent('E-3')]);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(QueueStorageError);
    expect((caught as QueueStorageError).code).to.equal('QUEUE_UNAVAILABLE');
    expect((caught as QueueStorageError).status).to.equal(503);
    expect(String((caught as Error).cause)).to.contain('disk says no');
    for (const id of ['E-1', 'E-2', 'E-boom', 'E-3']) expect(outbox.get(id)).to.equal(undefined);
    expect(outbox.pendingCount).to.equal(1);
    outbox.close();
    const reopened = Outbox.open(db, { keyring: testKeyring });
    expect(reopened.pendingCount).to.equal(1);
    reopened.close();
  });

  it('stores several calls in one group commit, each all or nothing: a refused call leaves nothing and spares the others', () => {
    const outbox = Outbox.open(tmpDb(), { keyring: testKeyring, maxDepth: 5 });
    outbox.enqueue(poster, [makeEvent('G-0')]);
    const outcomes = outbox.enqueueAll([
      { poster, events: [makeEvent('G-1'), makeEvent('G-2')] },
      { poster, events: [makeEvent('G-3'), { ...makeEvent('G-0'), link: 8 }] },
      { poster: { principal: 'x', identity: 'org2-logistics' }, events: [makeEvent('G-4')] },
      { poster, events: [makeEvent('G-5'), makeEvent('G-6')] },
    ]);
    expect(outcomes[0]).to.deep.equal({ answer: [{ eventId: 'G-1', status: 'queued' }, { eventId: 'G-2', status: 'queued' }] });
    expect((outcomes[1] as { error: Error }).error).to.be.instanceOf(EventConflictError).with.property('eventId', 'G-0');
    expect(outbox.get('G-3'), 'nothing of the refused call is stored').to.equal(undefined);
    expect(outcomes[2]).to.deep.equal({ answer: [{ eventId: 'G-4', status: 'queued' }] });
    // 0, 1, 2 and 4 are waiting: two more pass maxDepth 5, counted across the calls of the group
    expect((outcomes[3] as { error: Error }).error).to.be.instanceOf(QueueFullError);
    expect(outbox.get('G-5')).to.equal(undefined);
    expect(outbox.pendingCount).to.equal(4);
    expect(['G-0', 'G-1', 'G-2', 'G-4'].map((id) => outbox.get(id)?.status)).to.deep.equal(['queued', 'queued', 'queued', 'queued']);
    outbox.close();
  });

  it('answers a repeat with the stored status and refuses the same id with other content or identity', () => {
    const outbox = Outbox.open(tmpDb(), { keyring: testKeyring });
    const e = makeEvent('E-1', { deviceId: 'truck-1' });
    outbox.enqueue(poster, [e]);
    // same content, keys in another order, another principal of the same identity
    const reordered = { location: e.location, eventTime: e.eventTime, kind: e.kind, link: e.link, lotId: e.lotId, deviceId: 'truck-1', eventId: 'E-1' };
    expect(outbox.enqueue({ ...poster, principal: 'other-key' }, [reordered])).to.deep.equal([{ eventId: 'E-1', status: 'queued' }]);
    expect(outbox.pendingCount).to.equal(1);

    outbox.markCommitted([{ seq: outbox.scanPending(10, new Set())[0]?.seq ?? -1, txId: 'tx-9', blockNumber: 4 }]);
    expect(outbox.enqueue(poster, [e])).to.deep.equal([{ eventId: 'E-1', status: 'committed' }]);
    expect(outbox.get('E-1')).to.include({ status: 'committed', txId: 'tx-9', blockNumber: 4 });

    const attempt = (): unknown => outbox.enqueue(poster, [makeEvent('E-new'), { ...e, link: 8 }]);
    expect(attempt).to.throw(EventConflictError).with.property('eventId', 'E-1');
    expect(outbox.get('E-new'), 'nothing of a refused call is stored').to.equal(undefined);
    expect(() => outbox.enqueue({ principal: 'x', identity: 'org2-logistics' }, [e])).to.throw(EventConflictError);
    const err = (() => {
      try {
        outbox.enqueue(poster, [{ ...e, link: 8 }]);
      } catch (x) {
        return x as EventConflictError;
      }
      return undefined;
    })();
    expect(err?.status).to.equal(409);
    expect(err?.code).to.equal('CONFLICT');
    outbox.close();
  });

  it('refuses with QueueFullError (429, retryAfterSeconds) beyond maxDepth, storing nothing of that call', () => {
    const outbox = Outbox.open(tmpDb(), { keyring: testKeyring, maxDepth: 10, retryAfterSeconds: () => 7 });
    outbox.enqueue(poster, Array.from({ length: 8 }, (_, i) => makeEvent(`A-${String(i)}`)));
    let caught: unknown;
    try {
      outbox.enqueue(poster, [makeEvent('B-0'), makeEvent('B-1'), makeEvent('B-2')]);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(QueueFullError);
    expect(caught).to.include({ status: 429, code: 'QUEUE_FULL', retryAfterSeconds: 7 });
    expect(outbox.get('B-0')).to.equal(undefined);
    expect(outbox.pendingCount).to.equal(8);
    // repeats of stored ids still answer when full
    outbox.enqueue(poster, [makeEvent('B-0'), makeEvent('B-1')]);
    expect(() => outbox.enqueue(poster, [makeEvent('C-0')])).to.throw(QueueFullError);
    expect(outbox.enqueue(poster, [makeEvent('A-0'), makeEvent('B-1')]).map((a) => a.status)).to.deep.equal(['queued', 'queued']);
    // finishing events makes room
    outbox.markRejected(outbox.scanPending(1, new Set())[0]?.seq ?? -1, { code: 'INVALID_ARGUMENT', message: 'x' });
    expect(outbox.pendingCount).to.equal(9);
    outbox.enqueue(poster, [makeEvent('C-0')]);
    outbox.close();
  });

  it('answers the block numbers of many events in one statement, committed ones only', () => {
    const outbox = Outbox.open(tmpDb(), { keyring: testKeyring });
    outbox.enqueue(poster, Array.from({ length: 600 }, (_, i) => makeEvent(`BN-${String(i)}`)));
    const pending = outbox.scanPending(1000, new Set());
    outbox.markCommitted(pending.slice(0, 500).map((r, i) => ({ seq: r.seq, txId: `tx-${String(Math.floor(i / 100))}`, blockNumber: 10 + Math.floor(i / 100) })));
    outbox.markCommitted(pending.slice(500, 510).map((r) => ({ seq: r.seq, txId: 'tx-noblock' })));
    const ids = [...Array.from({ length: 600 }, (_, i) => `BN-${String(i)}`), 'unknown', "it's \"quoted\""];
    const blocks = outbox.blockNumbers(ids);
    expect(blocks.size, 'committed with a block only').to.equal(500);
    expect(blocks.get('BN-0')).to.equal(10);
    expect(blocks.get('BN-499')).to.equal(14);
    expect(blocks.has('BN-505'), 'committed without a block number').to.equal(false);
    expect(blocks.has('BN-599'), 'still queued').to.equal(false);
    expect(blocks.has('unknown')).to.equal(false);
    expect(outbox.blockNumbers([]).size).to.equal(0);
    outbox.close();
    expect(() => outbox.blockNumbers(['BN-0'])).to.throw(QueueStorageError);
  });

  it('answers QueueStorageError when the file cannot be opened', () => {
    const dir = path.dirname(tmpDb());
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(path.join(dir, 'is-a-directory'));
    expect(() => Outbox.open(path.join(dir, 'is-a-directory'), { keyring: testKeyring })).to.throw(QueueStorageError);
  });

  it('migrates a file of the first schema: a stored reason text reads back as it was, as {code, message}', () => {
    const file = tmpDb();
    const reasons = {
      'R-1': 'INVALID_ARGUMENT: events[0].location.lat: must be -90..90',
      'R-2': 'NOT_FOUND: lot LOT-9 is not registered',
      'R-3': 'a text without a code: kept whole',
    };
    writeFirstSchemaFile(file, reasons);

    const outbox = Outbox.open(file, { keyring: testKeyring });
    expect(outbox.get('R-1')?.rejection).to.deep.equal({ code: 'INVALID_ARGUMENT', message: 'events[0].location.lat: must be -90..90' });
    expect(outbox.get('R-2')?.rejection).to.deep.equal({ code: 'NOT_FOUND', message: 'lot LOT-9 is not registered' });
    expect(outbox.get('R-3')?.rejection).to.deep.equal({ message: 'a text without a code: kept whole' });
    expectReasonsKept(outbox, reasons);
    const committed = outbox.get('C-1');
    expect(committed).to.include({ status: 'committed', txId: 'tx-9', blockNumber: 9 });
    expect(committed).to.not.have.property('rejection');
    expect(outbox.pendingCount).to.equal(1);
    const [pending] = outbox.scanPending(10, new Set());
    outbox.markRejected(pending?.seq ?? -1, { code: 'CONFLICT', message: 'other content' });
    outbox.close();

    // migrated once: the version is set, the old column gone, and a reopen changes nothing
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).to.equal(OUTBOX_SCHEMA_VERSION);
    const columns = (check.pragma('table_info(events)') as Array<{ name: string }>).map((c) => c.name);
    expect(columns).to.include.members(['rejection_code', 'rejection_message']);
    expect(columns).to.not.include('reason');
    check.close();
    const again = Outbox.open(file, { keyring: testKeyring });
    expect(again.get('R-1')?.rejection).to.deep.equal({ code: 'INVALID_ARGUMENT', message: 'events[0].location.lat: must be -90..90' });
    expect(again.get('Q-1')?.rejection).to.deep.equal({ code: 'CONFLICT', message: 'other content' });
    expect(again.pendingCount).to.equal(0);
    again.close();
  });

  it('creates a new file at the current schema version', () => {
    const file = tmpDb();
    Outbox.open(file, { keyring: testKeyring }).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).to.equal(OUTBOX_SCHEMA_VERSION);
    db.close();
  });
});
