/** Test helpers: a fake ledger with the chaincode's event-id idempotency, and event builders. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { mapFabricError } from '../adapters/fabric/error-mapping';
import { Keyring } from '../at-rest/keyring';
import { LedgerInternalError, LedgerUnavailableError } from '../errors';
import type { EventRecord } from '../ports/ledger';
import type { EventInput } from './event-input';
import type { EventQueue } from '../ports/event-queue';
import { createEventQueue, type EventQueueOptions } from './index';
import type { EventLedger, RecordedEventResult } from './ledger';

export const silentLogger = pino({ level: 'silent' });

/** One in-memory data key for the whole run, so an outbox reopened in the same process opens its payloads. */
export const testKeyring = Keyring.ephemeral();

/** The events table as schema 1 of the outbox made it (payload JSON in clear), for migration tests. */
export const SCHEMA_1_EVENTS = `CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, lot_id TEXT NOT NULL, principal TEXT NOT NULL,
  identity TEXT NOT NULL, device_key TEXT NOT NULL, content_hash TEXT NOT NULL, payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued','submitted','committed','rejected')), tx_id TEXT, block_number INTEGER,
  rejection_code TEXT, rejection_message TEXT, attempts INTEGER NOT NULL DEFAULT 0, queued_at TEXT NOT NULL,
  queued_at_ms INTEGER NOT NULL, updated_at TEXT NOT NULL)`;

/** Temporary folders made by {@link tmpDb}, removed after the whole run (root hook below) or at exit. */
const tmpDirs = new Set<string>();

/** Removes every folder {@link tmpDb} made so far (files still open are unlinked all the same on POSIX). */
export function removeTmpDirs(): void {
  for (const dir of tmpDirs) {
    fs.rmSync(dir, { recursive: true, force: true });
    tmpDirs.delete(dir);
  }
}

// mocha loads this file as a test file: a root-level `after` runs once every suite has finished
// (queues closed in their afterEach). The exit handler covers a run that is interrupted.
if (typeof after === 'function') after(removeTmpDirs);
process.once('exit', removeTmpDirs);

/** A fresh outbox path `<tmp>/acetrace-ingestion-XXXX/sub/<name>` (the `sub` folder is not made); the folder is removed after the run. */
export function tmpDb(name = 'outbox.sqlite'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-ingestion-'));
  tmpDirs.add(dir);
  return path.join(dir, 'sub', name);
}

export function makeEvent(eventId: string, extra: Partial<EventInput> = {}): EventInput {
  return {
    eventId,
    lotId: 'LOT-1',
    link: 7,
    kind: 'gps',
    eventTime: '2026-11-20T08:15:00+08:00',
    location: { lat: 22.5, lon: 114.05 },
    ...extra,
  };
}

/** The two posters (API key and the Fabric identity it submits as) the queue tests enqueue for. */
export const CARRIER_POSTER = { principal: 'carrier-key', identity: 'org1-logistics' };
export const BROKER_POSTER = { principal: 'broker-key', identity: 'org2-broker' };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Stored {
  txId: string;
  blockNumber: number;
  identity: string;
  writes: number;
  /** global commit order */
  order: number;
}

/** The chaincode's record of an input (what the fake does not compute is a plausible constant). */
export function recordOf(e: EventInput, txId: string): EventRecord {
  return {
    eventId: e.eventId,
    lotId: e.lotId,
    link: e.link,
    kind: e.kind,
    eventTime: e.eventTime,
    eventTimeUtc: e.eventTime,
    deviceId: e.deviceId ?? null,
    location: e.location ?? null,
    epcs: e.epcs ?? [],
    evidence: e.evidence ?? [],
    correctionOf: e.correctionOf ?? null,
    reason: e.reason ?? null,
    recordedBy: 'Org1MSP',
    recordedByRole: 'logistics',
    recordedAt: '2026-11-20T00:00:00.000Z',
    txId,
    contentHash: '',
  };
}

/**
 * A chaincode refusal as the Fabric client raises it (an EndorseError whose detail carries the chaincode's
 * `CODE: sentence`), classified by the adapter's own mapper: the submitter sees what production sees.
 */
export function chaincodeRefusal(message: string): Error {
  const endorseError = Object.assign(new Error('10 ABORTED: failed to endorse transaction, see attached details for more info'), {
    name: 'EndorseError',
    code: 10,
    details: [{ address: 'peer0.org1:7051', mspId: 'Org1MSP', message: `chaincode response 500, ${message}` }],
    transactionId: 'tx-refused',
  });
  return mapFabricError(endorseError, 'RecordEvents', 'tx-refused');
}

/** An in-memory ledger answering RecordEvents like the chaincode: known id → `duplicate` with the first record. */
export class FakeLedger implements EventLedger {
  readonly records = new Map<string, Stored>();
  readonly calls: Array<{ identity: string; eventIds: string[]; devices: string[] }> = [];
  /** Calls to fail with a transient error before answering normally. */
  failNext = 0;
  /** Event ids whose transaction fails while the ledger answers (a chaincode failure without a code): poison. */
  readonly poison = new Set<string>();
  /** Event ids the chaincode refuses (INVALID_ARGUMENT naming their index). */
  readonly bad = new Set<string>();
  /** The rejection message for a batch whose first bad event is at `index` (default: names it). */
  message: ((index: number) => string) | undefined;
  /** Per-call delay, ms (function for randomness). */
  delay: () => number = () => 0;
  /** When true, calls never answer. */
  hang = false;
  inFlight = 0;
  maxInFlight = 0;
  /** Devices of events in calls currently in flight; a device twice at once is an ordering bug. */
  readonly busyDevices = new Set<string>();
  deviceOverlap = false;
  #block = 0;
  #tx = 0;
  #order = 0;

  /** Marks events as already on the ledger (as if committed before a crash). */
  preRecord(eventIds: string[], txId: string, identity = 'org1-logistics'): void {
    const blockNumber = ++this.#block;
    for (const id of eventIds) this.records.set(id, { txId, blockNumber, identity, writes: 1, order: ++this.#order });
  }

  async recordEvents(identity: string, events: EventInput[]): Promise<{ results: RecordedEventResult[]; txId: string; blockNumber: number }> {
    const devices = [...new Set(events.map((e) => e.deviceId ?? ''))].filter((d) => d !== '');
    this.calls.push({ identity, eventIds: events.map((e) => e.eventId), devices });
    for (const d of devices) {
      if (this.busyDevices.has(d)) this.deviceOverlap = true;
      this.busyDevices.add(d);
    }
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hang) await new Promise<never>(() => undefined);
      const ms = this.delay();
      if (ms > 0) await sleep(ms);
      const failure = this.#injectedFailure(events);
      if (failure) throw failure;
      const txId = `tx-${String(++this.#tx)}`;
      const blockNumber = ++this.#block;
      const results: RecordedEventResult[] = events.map((e) => {
        const known = this.records.get(e.eventId);
        if (known) return { eventId: e.eventId, status: 'duplicate', event: recordOf(e, known.txId) };
        this.records.set(e.eventId, { txId, blockNumber, identity, writes: 1, order: ++this.#order });
        return { eventId: e.eventId, status: 'recorded', event: recordOf(e, txId) };
      });
      return { results, txId, blockNumber };
    } finally {
      this.inFlight -= 1;
      for (const d of devices) this.busyDevices.delete(d);
    }
  }

  /** The failure this fake was set up to give for these events, if any (one of `failNext` is used up). */
  #injectedFailure(events: EventInput[]): Error | undefined {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return new LedgerUnavailableError('peer unreachable', { transient: true, transaction: 'RecordEvents' });
    }
    if (events.some((e) => this.poison.has(e.eventId))) {
      return new LedgerInternalError('chaincode failed without a code', { transaction: 'RecordEvents' });
    }
    if (events.length > 500) return chaincodeRefusal('INVALID_ARGUMENT: events: at most 500 events per call');
    const badIndex = events.findIndex((e) => this.bad.has(e.eventId));
    if (badIndex >= 0) {
      return chaincodeRefusal(this.message?.(badIndex) ?? `INVALID_ARGUMENT: events[${String(badIndex)}].location.lat: must be -90..90`);
    }
    return undefined;
  }

  /** Ids sent to RecordCorrection, in call order. */
  readonly corrections: string[] = [];

  /** RecordCorrection: one event in its own transaction, judged like RecordEvents. */
  async recordCorrection(identity: string, correction: EventInput): Promise<{ results: RecordedEventResult[]; txId: string; blockNumber: number }> {
    this.corrections.push(correction.eventId);
    return this.recordEvents(identity, [correction]);
  }
}

/**
 * Registers an afterEach (call inside `describe`) that stops every queue the returned factory made:
 * queues over a temp outbox with fast retries and short batch waits, `options` on top.
 */
export function testQueues(): (options: Partial<EventQueueOptions> & { ledger: FakeLedger }) => EventQueue {
  const open: EventQueue[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.stop()));
  });
  return (options) => {
    const q = createEventQueue({ keyring: testKeyring, dbPath: tmpDb(), logger: silentLogger, retryBaseMs: 2, retryMaxMs: 20, batchMaxWaitMs: 5, ...options });
    open.push(q);
    return q;
  };
}
