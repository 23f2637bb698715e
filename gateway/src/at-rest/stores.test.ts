/** What the gateway writes to disk holds no private field in clear: the outbox and the EPCIS capture store. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from '../chai.test';
import { ConfigError, loadConfig } from '../config';
import { captureStoreFile, openCaptureJobStore } from '../epcis';
import type { CaptureJob } from '../epcis/capture-store';
import { OUTBOX_SCHEMA_VERSION, Outbox } from '../ingestion/outbox';
import { SCHEMA_1_EVENTS, makeEvent, tmpDb } from '../ingestion/testutils.test';
import { QueueStorageError } from '../ports/event-queue';
import { Keyring, SealedRecordError, addKey, loadOrCreateKeyring, sealedKeyId } from './keyring';
import { retireDataKey, rotateDataKey } from './rotation';

const poster = { principal: 'carrier-key-1', identity: 'org1-logistics' };
const marker = (): string => `MARKER-${String(process.hrtime.bigint())}`;

/** Every byte the SQLite file and its WAL and shared-memory files hold, as latin1 text to search. */
function fileBytes(dbPath: string): string {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('\n');
}

/** An event carrying `m` in a private field and in its evidence URI (the fields another branch adds are plain JSON here). */
function privateEvent(eventId: string, m: string): ReturnType<typeof makeEvent> {
  return {
    ...makeEvent(eventId),
    evidence: [{ sha256: 'a'.repeat(64), type: 'invoice', uri: `s3://docs/${m}.pdf` }],
    ...({ private: { consigneeName: `Jane ${m}`, unitPrice: 12.5 } } as object),
  };
}

function captureJob(captureID: string, m: string): CaptureJob {
  return {
    captureID,
    principal: 'p',
    identity: 'org1-logistics',
    captureErrorBehaviour: 'proceed',
    createdAt: new Date().toISOString(),
    running: false,
    success: false,
    events: [{ path: 'epcisBody.eventList[0]', state: 'refused', status: 400, code: 'INVALID_ARGUMENT', reason: `uri ${m}` }],
  };
}

describe('at-rest: the outbox and the capture store seal what they write', function () {
  this.timeout(20_000);

  it('an enqueued private marker is nowhere in the outbox file, its WAL or shm, and reads back whole', () => {
    const db = tmpDb();
    const keyring = Keyring.ephemeral();
    const outbox = Outbox.open(db, { keyring });
    const m = marker();
    outbox.enqueue(poster, [privateEvent('P-1', m), privateEvent('P-2', m)]);
    expect(fs.existsSync(`${db}-wal`), 'the WAL holds the commit').to.equal(true);
    expect(fileBytes(db)).to.not.contain(m);
    expect(fileBytes(db)).to.contain('P-1'); // the scan sees what is stored in clear
    expect(JSON.stringify(outbox.get('P-1')?.event)).to.contain(`Jane ${m}`);
    expect(JSON.stringify(outbox.scanPending(10, new Set()).map((r) => r.event))).to.contain(`s3://docs/${m}.pdf`);
    outbox.close();
    expect(fileBytes(db)).to.not.contain(m);
  });

  it('seals in place the payloads an older version stored in clear, in the file and the WAL', () => {
    const file = tmpDb();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(`${SCHEMA_1_EVENTS};
      PRAGMA user_version = 1;`);
    const m = marker();
    const insert = old.prepare(
      `INSERT INTO events (event_id, lot_id, principal, identity, device_key, content_hash, payload, status, queued_at, queued_at_ms, updated_at)
       VALUES (?, 'LOT-1', 'p', 'org1-logistics', 'p:p', 'h', ?, ?, '2026-01-01T00:00:00.000Z', 0, '2026-01-01T00:00:00.000Z')`,
    );
    insert.run('C-1', JSON.stringify(privateEvent('C-1', m)), 'committed');
    insert.run('Q-1', JSON.stringify(privateEvent('Q-1', m)), 'queued');
    expect(fileBytes(file), 'the old file holds the marker in clear').to.contain(m);

    const keyring = Keyring.ephemeral();
    const outbox = Outbox.open(file, { keyring });
    old.close();
    expect(fileBytes(file)).to.not.contain(m);
    expect(JSON.stringify(outbox.get('C-1')?.event)).to.contain(m);
    expect(outbox.scanPending(10, new Set()).map((r) => r.eventId)).to.deep.equal(['Q-1']);
    outbox.close();
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).to.equal(OUTBOX_SCHEMA_VERSION);
    const kinds = check.prepare<[], { k: string }>(`SELECT typeof(payload) AS k FROM events`).all();
    expect(kinds.map((r) => r.k)).to.deep.equal(['blob', 'blob']);
    check.close();
    expect(fileBytes(file)).to.not.contain(m);
  });

  it('another key file stops the open with a ConfigError naming ACETRACE_DATA_KEY_FILE', () => {
    const db = tmpDb();
    const right = loadOrCreateKeyring(path.join(path.dirname(db), 'right.json')).keyring;
    Outbox.open(db, { keyring: right }).enqueue(poster, [makeEvent('W-1')]);
    const wrong = loadOrCreateKeyring(path.join(path.dirname(db), 'wrong.json')).keyring;
    expect(() => Outbox.open(db, { keyring: wrong })).to.throw(ConfigError, /ACETRACE_DATA_KEY_FILE: .*wrong\.json cannot open outbox\.sqlite.*restore the key file/);
    const reopened = Outbox.open(db, { keyring: right });
    expect(reopened.get('W-1')?.status).to.equal('queued');
    reopened.close();
  });

  it('a flipped byte or payloads swapped between rows are detected, never read as another event', () => {
    const db = tmpDb();
    const keyring = Keyring.ephemeral();
    const outbox = Outbox.open(db, { keyring });
    outbox.enqueue(poster, [makeEvent('T-1'), makeEvent('T-2'), makeEvent('T-3')]);
    const raw = new Database(db);
    const payloadOf = (id: string): Buffer => raw.prepare<[string], { payload: Buffer }>('SELECT payload FROM events WHERE event_id = ?').get(id)?.payload ?? Buffer.alloc(0);
    const flipped = Buffer.from(payloadOf('T-1'));
    flipped[flipped.length - 20] = (flipped[flipped.length - 20] ?? 0) ^ 0x80;
    raw.prepare('UPDATE events SET payload = ? WHERE event_id = ?').run(flipped, 'T-1');
    raw.prepare('UPDATE events SET payload = ? WHERE event_id = ?').run(payloadOf('T-3'), 'T-2');
    raw.close();
    for (const id of ['T-1', 'T-2']) {
      const err = (() => {
        try {
          return outbox.get(id)?.event;
        } catch (e) {
          return e;
        }
      })();
      expect(err, id).to.be.instanceOf(QueueStorageError);
      expect((err as Error).cause, id).to.be.instanceOf(SealedRecordError);
    }
    expect(outbox.get('T-3')?.event.eventId).to.equal('T-3');
    outbox.close();
  });

  it('the capture store seals its jobs (and older clear ones on open), files 0600 in a 0700 folder', () => {
    const file = captureStoreFile(tmpDb());
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    const m = marker();
    const old = new Database(file);
    old.exec(`CREATE TABLE captures (capture_id TEXT PRIMARY KEY, principal TEXT NOT NULL, created_at TEXT NOT NULL, job TEXT NOT NULL);`);
    old.prepare('INSERT INTO captures VALUES (?, ?, ?, ?)').run('old-1', 'p', '2026-01-01T00:00:00Z', JSON.stringify(captureJob('old-1', m)));
    old.close();
    expect(fileBytes(file)).to.contain(m);

    const keyring = Keyring.ephemeral();
    const store = openCaptureJobStore(file, keyring);
    store.put(captureJob('new-1', m));
    expect(fileBytes(file)).to.not.contain(m);
    expect(store.get('old-1')?.events[0]?.reason).to.equal(`uri ${m}`);
    expect(store.get('new-1')?.events[0]?.reason).to.equal(`uri ${m}`);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
    for (const f of [file, `${file}-wal`]) expect(fs.statSync(f).mode & 0o777, f).to.equal(0o600);
    store.close();
    expect(() => openCaptureJobStore(file, Keyring.ephemeral())).to.throw(ConfigError, /cannot open epcis-captures\.sqlite/);
  });

  it('rotate-key re-seals every record under a new key, old ones readable meanwhile; an old key retires only when unused', () => {
    const dataDir = path.dirname(path.dirname(tmpDb()));
    const config = loadConfig({ ACETRACE_DATA_DIR: dataDir });
    expect(() => rotateDataKey(config)).to.throw(ConfigError, /does not exist/);
    const { keyring: first } = loadOrCreateKeyring(config.atRest.keyFile);
    const oldKey = first.currentKeyId;
    const m = marker();
    const outbox = Outbox.open(config.ingestion.dbPath, { keyring: first });
    outbox.enqueue(poster, [privateEvent('R-1', m), privateEvent('R-2', m), privateEvent('R-3', m)]);
    const [c] = outbox.scanPending(1, new Set());
    outbox.markCommitted([{ seq: c?.seq ?? -1, txId: 'tx-1', blockNumber: 4 }]);
    outbox.close();
    const captures = openCaptureJobStore(captureStoreFile(config.ingestion.dbPath), first);
    captures.put(captureJob('cap-1', m));
    captures.close();

    // a key added without re-sealing: new rows under it, old rows still open, the old key cannot retire yet
    const second = addKey(config.atRest.keyFile);
    const mixed = Outbox.open(config.ingestion.dbPath, { keyring: second });
    mixed.enqueue(poster, [privateEvent('R-4', m)]);
    expect(mixed.sealedUnder(oldKey)).to.equal(3);
    expect(mixed.sealedUnder(second.currentKeyId)).to.equal(1);
    expect(mixed.get('R-1')?.event.eventId).to.equal('R-1');
    mixed.close();
    expect(() => retireDataKey(config, oldKey)).to.throw(ConfigError, /4 records are still sealed under key/);

    const report = rotateDataKey(config);
    expect(report.resealed).to.deep.equal({ outbox: 4, captures: 1 });
    expect(report.olderKeys).to.deep.equal([
      { keyId: oldKey, records: 0 },
      { keyId: second.currentKeyId, records: 0 },
    ]);
    const raw = new Database(config.ingestion.dbPath, { readonly: true });
    const ids = raw.prepare<[], { payload: Buffer }>('SELECT payload FROM events').all().map((r) => sealedKeyId(r.payload));
    raw.close();
    expect(new Set(ids)).to.deep.equal(new Set([report.keyId]));

    expect(retireDataKey(config, oldKey).keyIds).to.deep.equal([second.currentKeyId, report.keyId]);
    const { keyring: now } = loadOrCreateKeyring(config.atRest.keyFile);
    const reopened = Outbox.open(config.ingestion.dbPath, { keyring: now });
    expect(reopened.get('R-1')).to.include({ status: 'committed', txId: 'tx-1', blockNumber: 4 });
    expect(JSON.stringify(reopened.get('R-4')?.event)).to.contain(m);
    reopened.close();
    const store = openCaptureJobStore(captureStoreFile(config.ingestion.dbPath), now);
    expect(store.get('cap-1')?.events[0]?.reason).to.equal(`uri ${m}`);
    store.close();
    expect(fileBytes(config.ingestion.dbPath)).to.not.contain(m);
    expect(fs.statSync(config.atRest.keyFile).mode & 0o777).to.equal(0o600);
  });
});
