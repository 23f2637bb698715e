import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from '../chai.test';
import { EventConflictError, QueueFullError, QueueStorageError } from '../ports/event-queue';
import { Outbox } from './outbox';
import { makeEvent, tmpDb } from './testutils.test';

const poster = { principal: 'carrier-key-1', identity: 'org1-logistics' };

describe('ingestion/outbox', function () {
  this.timeout(10_000);
  it('keeps every acknowledged event across close and reopen', () => {
    const db = tmpDb();
    const outbox = Outbox.open(db);
    const events = Array.from({ length: 50 }, (_, i) => makeEvent(`E-${i}`, { deviceId: `dev-${i % 3}` }));
    const answer = outbox.enqueue(poster, events);
    expect(answer.map((a) => a.status)).to.deep.equal(events.map(() => 'queued'));
    outbox.close();

    const reopened = Outbox.open(db);
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
    fs.mkdirSync(path.dirname(db), { recursive: true });
    fs.writeFileSync(
      script,
      `const { Outbox } = require(${JSON.stringify(path.join(__dirname, 'outbox.js'))});
       const o = Outbox.open(${JSON.stringify(db)});
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
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? undefined : reject(new Error(`writer exited ${code}`))));
    });
    await new Promise((r) => child.once('exit', r));
    const reopened = Outbox.open(db);
    expect(reopened.pendingCount).to.equal(acked);
    expect(reopened.get('K-19-24')?.status).to.equal('queued');
    reopened.close();
  });

  it('stores nothing of a call whose insert fails part-way, and says QueueStorageError', () => {
    const db = tmpDb();
    const outbox = Outbox.open(db);
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
    const reopened = Outbox.open(db);
    expect(reopened.pendingCount).to.equal(1);
    reopened.close();
  });

  it('answers a repeat with the stored status and refuses the same id with other content or identity', () => {
    const outbox = Outbox.open(tmpDb());
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
    const outbox = Outbox.open(tmpDb(), { maxDepth: 10, retryAfterSeconds: () => 7 });
    outbox.enqueue(poster, Array.from({ length: 8 }, (_, i) => makeEvent(`A-${i}`)));
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
    const outbox = Outbox.open(tmpDb());
    outbox.enqueue(poster, Array.from({ length: 600 }, (_, i) => makeEvent(`BN-${i}`)));
    const pending = outbox.scanPending(1000, new Set());
    outbox.markCommitted(pending.slice(0, 500).map((r, i) => ({ seq: r.seq, txId: `tx-${Math.floor(i / 100)}`, blockNumber: 10 + Math.floor(i / 100) })));
    outbox.markCommitted(pending.slice(500, 510).map((r) => ({ seq: r.seq, txId: 'tx-noblock' })));
    const ids = [...Array.from({ length: 600 }, (_, i) => `BN-${i}`), 'unknown', "it's \"quoted\""];
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
    expect(() => Outbox.open(path.join(dir, 'is-a-directory'))).to.throw(QueueStorageError);
  });
});
