/**
 * POST /v1/readings: raw RFID readings → rfid events on the durable queue.
 *
 * A reader's middleware posts what its antennas saw. Repeats of one EPC at one reader inside one
 * window (default 60 s, aligned to the epoch, by readTime) are suppressed; what remains is grouped
 * per reader, window and lot into `rfid` events whose id is derived from reader + window start +
 * EPC set, so a client repeating a request gets the same ids and the queue stores nothing twice.
 * Unknown readers, unknown EPCs and unreadable reads are reported in the answer, never dropped silently.
 * One {@link ReadingsService} per process, over the queue, the reader table file and an EPC → lot
 * lookup on the ledger (GetLotByEpc).
 */
import { createHash } from 'node:crypto';
// Before the package index: it also loads the contract (fabric-contract-api), whose winston loggers
// would otherwise write info lines to stdout among the gateway's JSON logs.
import '../quiet-chaincode';
import { ROLES, checkPost, normaliseEpc as chaincodeNormaliseEpc, type Caller, type Role } from '@acetrace/chaincode';
import pLimit from 'p-limit';
import type { Principal } from '../auth/principals';
import { AccessDeniedError, LedgerNotFoundError, LedgerUnknownTransactionError } from '../errors';
import { EventConflictError, type EventInput, type EventQueue, type EventStatus, type ReadingKey } from '../ports/event-queue';
import type { LedgerPort } from '../ports/ledger';
import { EVENT_POSTER_ROLES } from './events.service';
import { ReaderTable, type ReaderInfo } from './reader-table';

export type { ReaderInfo } from './reader-table';

/** Roles that may post readings: the event posters (the chaincode checks each reader's link again). */
export const READINGS_POSTER_ROLES: ReadonlySet<string> = EVENT_POSTER_ROLES;

/** One read as a reader reports it. */
export interface RawRead {
  readerId: string;
  antenna?: number;
  /** Any accepted spelling: pure-identity URN, tag URI, GS1 Digital Link, SGTIN-96/SSCC-96 hex. */
  epc: string;
  rssi?: number;
  /** ISO 8601 with offset. */
  readTime: string;
}

/** One event the readings became (new or already known). */
export interface AcceptedReading {
  eventId: string;
  status: EventStatus;
  lotId: string;
  readerId: string;
  link: number;
  eventTime: string;
  epcCount: number;
}

/** Answer of {@link ReadingsService.record}. Every read is in exactly one of these. */
export interface ReadingsResult {
  accepted: AcceptedReading[];
  /** Reads dropped as repeats of an EPC already read at that reader in that window. */
  suppressed: number;
  /** EPCs (pure-identity URNs) that belong to no known lot; their reads were not recorded. */
  unknownEpcs: string[];
  /** Reader ids not in the reader table; their reads were not recorded. */
  unknownReaders: string[];
  /** Readers registered to another Fabric identity than the poster's; their reads were not recorded. */
  forbiddenReaders: string[];
  /** Reads that could not be understood (bad EPC, bad time), with the reason. */
  invalidReads: Array<{ index: number; message: string }>;
}

/**
 * The suppression memory: which event recorded a (reader, EPC, window) read. The process's service keeps it in
 * the outbox (EventQueue.seenReadings/rememberReadings), so a restart forgets nothing; default: process memory.
 */
export interface RecentReads {
  seen(keys: readonly ReadingKey[]): Promise<Map<number, string>>;
  remember(entries: ReadonlyArray<ReadingKey & { eventId: string }>): Promise<void>;
}

/** A bounded in-process {@link RecentReads} (tests, or a queue without the memory). */
export function memoryRecentReads(max = 100_000): RecentReads {
  const map = new BoundedMap<string, string>(max);
  const key = (k: ReadingKey): string => `${k.readerId}\u0000${k.epc}\u0000${String(k.windowMs)}`;
  return {
    seen: (keys) => {
      const out = new Map<number, string>();
      keys.forEach((k, i) => {
        const id = map.get(key(k));
        if (id !== undefined) out.set(i, id);
      });
      return Promise.resolve(out);
    },
    remember: (entries) => {
      for (const e of entries) map.set(key(e), e.eventId);
      return Promise.resolve();
    },
  };
}

export interface ReadingsServiceOptions {
  queue: Pick<EventQueue, 'enqueue' | 'get'>;
  /** The suppression memory. Default: {@link memoryRecentReads} of `cacheMax` entries. */
  recentReads?: RecentReads;
  /** EPC → lot lookups in flight at once, across requests (a 10,000-read POST never starts 10,000). Default 16. */
  lookupConcurrency?: number;
  /** The reader table, or a function returning it (asked on each call; see {@link ReaderTable}). */
  readers: readonly ReaderInfo[] | (() => readonly ReaderInfo[]);
  /** The lot an EPC (pure-identity URN) belongs to, undefined when none (backed by the ledger). */
  lotForEpc: (epc: string) => Promise<string | undefined>;
  /** Suppression window, ms. Default 60000. */
  windowMs?: number;
  /** EPC spelling → pure-identity URN; throws for unreadable input. Default: the chaincode's. */
  normaliseEpc?: (epc: string) => string;
  /** How long a found lot is remembered, ms. Default 600000. */
  lotCacheTtlMs?: number;
  /** How long "no lot" is remembered, ms. Default 30000. */
  unknownEpcCacheTtlMs?: number;
  /** Most EPCs in the lot cache and the recent-reads memory. Default 100000. */
  cacheMax?: number;
  /** Most EPCs per event; larger groups are split. Default 1000. */
  maxEpcsPerEvent?: number;
  now?: () => number;
}

const OFFSET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

interface Candidate {
  reader: ReaderInfo;
  epc: string;
  window: number;
  timeMs: number;
  time: string;
}

/** A bounded map that forgets its oldest entries. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    while (this.size > this.max) {
      const first = this.keys().next();
      if (first.done) break;
      this.delete(first.value);
    }
    return this;
  }
}

/** The use case of POST /v1/readings: turns raw reads into rfid events on the queue. */
export class ReadingsService {
  readonly #o: ReadingsServiceOptions;
  readonly #windowMs: number;
  readonly #normalise: (epc: string) => string;
  readonly #now: () => number;
  readonly #lots: BoundedMap<string, { lotId: string | undefined; until: number } | Promise<string | undefined>>;
  /** reader + EPC + window → the event that recorded it. */
  readonly #recent: RecentReads;
  readonly #limit: pLimit.Limit;

  constructor(options: ReadingsServiceOptions) {
    this.#o = options;
    this.#windowMs = options.windowMs ?? 60_000;
    if (!(this.#windowMs > 0)) throw new RangeError('windowMs must be positive');
    this.#normalise = options.normaliseEpc ?? ((epc) => chaincodeNormaliseEpc(epc));
    this.#now = options.now ?? Date.now;
    this.#lots = new BoundedMap(options.cacheMax ?? 100_000);
    this.#recent = options.recentReads ?? memoryRecentReads(options.cacheMax ?? 100_000);
    this.#limit = pLimit(options.lookupConcurrency ?? 16);
  }

  /** @throws AccessDeniedError (403) unless the principal's role posts events. */
  assertMayPost(principal: Principal): void {
    if (!READINGS_POSTER_ROLES.has(principal.role)) {
      throw new AccessDeniedError(`role ${principal.role} may not post readings; needs ${[...READINGS_POSTER_ROLES].join(', ')}`);
    }
  }

  /**
   * Records raw reads as rfid events posted by `principal`.
   * @throws AccessDeniedError for roles that never post; queue errors (429/503); ledger errors of the EPC lookup (503);
   * ReaderTableError (503) while the reader table is unusable.
   */
  post(principal: Principal, reads: readonly RawRead[]): Promise<ReadingsResult> {
    this.assertMayPost(principal);
    const role = (ROLES as readonly string[]).includes(principal.role) ? (principal.role as Role) : undefined;
    return this.record(
      { principal: principal.name, identity: principal.identity, ...(role && { caller: { role, mspId: principal.mspId } }) },
      reads,
    );
  }

  /**
   * Records a batch of raw reads as rfid events posted by `poster`.
   * @throws the queue's errors (QueueFullError, QueueStorageError) and lotForEpc's (e.g. LedgerUnavailableError): nothing of a failed call needs undoing; repeating it is safe.
   */
  async record(poster: { principal: string; identity: string; caller?: Caller }, reads: readonly RawRead[]): Promise<ReadingsResult> {
    const readers = new Map(
      (typeof this.#o.readers === 'function' ? this.#o.readers() : this.#o.readers).map((r) => [r.readerId, r]),
    );
    const result: ReadingsResult = {
      accepted: [],
      suppressed: 0,
      unknownEpcs: [],
      unknownReaders: [],
      forbiddenReaders: [],
      invalidReads: [],
    };
    const unknownReaders = new Set<string>();
    const forbidden = new Set<string>();
    const firsts = new Map<string, Candidate>();
    reads.forEach((read, index) => {
      const reader = readers.get(read.readerId);
      if (!reader) return void unknownReaders.add(read.readerId);
      if (readerRefused(reader, poster)) return void forbidden.add(reader.readerId);
      const timeMs = readTimeMs(read.readTime);
      if (Number.isNaN(timeMs)) {
        return void result.invalidReads.push({ index, message: 'readTime must be ISO 8601 with an offset' });
      }
      let epc: string;
      try {
        epc = this.#normalise(read.epc);
      } catch (err) {
        return void result.invalidReads.push({ index, message: `epc: ${err instanceof Error ? err.message : String(err)}` });
      }
      const window = Math.floor(timeMs / this.#windowMs) * this.#windowMs;
      const key = `${reader.readerId}\u0000${epc}\u0000${String(window)}`;
      const seen = firsts.get(key);
      if (seen) {
        result.suppressed += 1;
        if (timeMs < seen.timeMs) Object.assign(seen, { timeMs, time: read.readTime });
        return;
      }
      firsts.set(key, { reader, epc, window, timeMs, time: read.readTime });
    });
    result.unknownReaders = [...unknownReaders];
    result.forbiddenReaders = [...forbidden];

    // already recorded by an earlier request in the same window
    const known = new Set<string>();
    const fresh: Candidate[] = [];
    const candidates = [...firsts.values()];
    const seen = await this.#recent.seen(candidates.map((c) => ({ readerId: c.reader.readerId, epc: c.epc, windowMs: c.window })));
    for (const [i, c] of candidates.entries()) {
      const recent = seen.get(i);
      if (recent !== undefined) {
        result.suppressed += 1;
        known.add(recent);
      } else {
        fresh.push(c);
      }
    }

    const lots = await this.#lotsFor([...new Set(fresh.map((c) => c.epc))]);
    const unknownEpcs = new Set<string>();
    const groups = new Map<string, { reader: ReaderInfo; window: number; lotId: string; reads: Candidate[] }>();
    for (const c of fresh) {
      const lotId = lots.get(c.epc);
      if (lotId === undefined) {
        unknownEpcs.add(c.epc);
        continue;
      }
      const key = `${c.reader.readerId}\u0000${String(c.window)}\u0000${lotId}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { reader: c.reader, window: c.window, lotId, reads: [] }));
      g.reads.push(c);
    }
    result.unknownEpcs = [...unknownEpcs];

    const events: EventInput[] = [];
    const epcsOf = new Map<string, { readerId: string; window: number; epcs: string[] }>();
    for (const g of groups.values()) {
      for (const ev of this.#toEvents(g.reader, g.window, g.lotId, g.reads)) {
        events.push(ev);
        epcsOf.set(ev.eventId, { readerId: g.reader.readerId, window: g.window, epcs: ev.epcs ?? [] });
      }
    }

    const accepted = await this.#enqueue(poster, events, known);
    await this.#recent.remember(
      [...epcsOf].flatMap(([eventId, info]) => info.epcs.map((epc) => ({ readerId: info.readerId, epc, windowMs: info.window, eventId }))),
    );
    result.accepted = accepted;
    return result;
  }

  /** Stores the new events (ids already in the queue are reported as they stand) and reports `known` ids too. */
  async #enqueue(poster: { principal: string; identity: string }, events: EventInput[], known: Set<string>): Promise<AcceptedReading[]> {
    const out = new Map<string, AcceptedReading>();
    let pending: EventInput[] = [];
    for (const e of events) {
      // same id = same reader, window and EPC set: an earlier request already recorded exactly these reads
      const existing = await this.#o.queue.get(e.eventId);
      if (existing) out.set(e.eventId, acceptedReading(existing.event, existing.status));
      else pending.push(e);
    }
    while (pending.length > 0) {
      try {
        const stored = await this.#o.queue.enqueue({ principal: poster.principal, identity: poster.identity }, pending);
        const byId = new Map(stored.map((s) => [s.eventId, s.status]));
        for (const e of pending) out.set(e.eventId, acceptedReading(e, byId.get(e.eventId) ?? 'queued'));
        break;
      } catch (err) {
        // a concurrent request stored the same reads (same id) with an earlier first-read time
        if (!(err instanceof EventConflictError)) throw err;
        const existing = await this.#o.queue.get(err.eventId);
        if (!existing) throw err;
        out.set(err.eventId, acceptedReading(existing.event, existing.status));
        pending = pending.filter((e) => e.eventId !== err.eventId);
      }
    }
    await this.#addKnown(known, out);
    return [...out.values()];
  }

  /** Adds the ids recorded earlier (`known`) to `out`, as they stand in the queue. */
  async #addKnown(known: Set<string>, out: Map<string, AcceptedReading>): Promise<void> {
    for (const id of known) {
      if (out.has(id)) continue;
      const existing = await this.#o.queue.get(id);
      if (existing) out.set(id, acceptedReading(existing.event, existing.status));
    }
  }

  #toEvents(reader: ReaderInfo, window: number, lotId: string, reads: Candidate[]): EventInput[] {
    const max = this.#o.maxEpcsPerEvent ?? 1000;
    const sorted = [...reads].sort((a, b) => (a.epc < b.epc ? -1 : a.epc > b.epc ? 1 : 0));
    const events: EventInput[] = [];
    for (let i = 0; i < sorted.length; i += max) {
      const chunk = sorted.slice(i, i + max);
      const epcs = chunk.map((c) => c.epc);
      const first = chunk.reduce((a, b) => (b.timeMs < a.timeMs ? b : a));
      const event: EventInput = {
        eventId: readingEventId(reader.readerId, window, epcs),
        lotId,
        link: reader.link,
        kind: 'rfid',
        eventTime: first.time,
        deviceId: reader.readerId,
        epcs,
      };
      const loc = reader.location;
      if (loc && (loc.gln !== undefined || loc.lat !== undefined || loc.lon !== undefined)) {
        event.location = {
          ...(loc.gln !== undefined && { gln: loc.gln }),
          ...(loc.lat !== undefined && { lat: loc.lat }),
          ...(loc.lon !== undefined && { lon: loc.lon }),
        };
      }
      events.push(event);
    }
    return events;
  }

  /** Lot of each EPC through the cache; lookups of one EPC in flight are shared. */
  async #lotsFor(epcs: string[]): Promise<Map<string, string | undefined>> {
    const now = this.#now();
    const out = new Map<string, string | undefined>();
    const waits: Array<Promise<void>> = [];
    for (const epc of epcs) {
      const cached = this.#lots.get(epc);
      if (cached && !(cached instanceof Promise) && cached.until > now) {
        out.set(epc, cached.lotId);
        continue;
      }
      let p = cached instanceof Promise ? cached : undefined;
      if (!p) {
        p = this.#lookup(epc);
        this.#lots.set(epc, p);
      }
      waits.push(p.then((lotId) => void out.set(epc, lotId)));
    }
    await Promise.all(waits);
    return out;
  }

  async #lookup(epc: string): Promise<string | undefined> {
    let lotId: string | undefined;
    try {
      lotId = await this.#limit(() => this.#o.lotForEpc(epc));
    } catch (err) {
      this.#lots.delete(epc);
      if ((err as { code?: unknown } | null)?.code === 'NOT_FOUND') lotId = undefined;
      else throw err;
    }
    const ttl = lotId === undefined ? (this.#o.unknownEpcCacheTtlMs ?? 30_000) : (this.#o.lotCacheTtlMs ?? 600_000);
    this.#lots.set(epc, { lotId, until: this.#now() + ttl });
    return lotId;
  }
}

/** What a reading became: its event and where that event stands. */
function acceptedReading(e: EventInput, status: EventStatus): AcceptedReading {
  return {
    eventId: e.eventId,
    status,
    lotId: e.lotId,
    readerId: e.deviceId ?? '',
    link: e.link,
    eventTime: e.eventTime,
    epcCount: e.epcs?.length ?? 0,
  };
}

/**
 * Whether `poster` may not post for `reader`: a reader bound to another identity, or one whose link the
 * poster's role may not post (a 202 is an honest promise: refused here, not at commit).
 */
function readerRefused(reader: ReaderInfo, poster: { identity: string; caller?: Caller }): boolean {
  if (reader.identity !== undefined && reader.identity !== poster.identity) return true;
  return poster.caller !== undefined && checkPost(poster.caller, reader.link, 'rfid', null) !== undefined;
}

/** Epoch milliseconds of a read time with an offset; NaN for anything else. */
function readTimeMs(readTime: unknown): number {
  return typeof readTime === 'string' && OFFSET_TIME.test(readTime) ? Date.parse(readTime) : NaN;
}

/** Deterministic id of the rfid event for these EPCs (sorted) read at `readerId` in the window starting at `windowStartMs`. */
export function readingEventId(readerId: string, windowStartMs: number, sortedEpcs: readonly string[]): string {
  const digest = createHash('sha256').update([readerId, new Date(windowStartMs).toISOString(), ...sortedEpcs].join('\n')).digest('hex');
  return `rfid-${digest.slice(0, 40)}`;
}

/** Role preference for the identity that looks EPCs up: least privilege first (every role may read a lot view). */
const LOOKUP_ROLES = ['viewer', 'auditor', 'compliance', 'broker', 'supplier', 'logistics', 'admin'];

export interface ReadingsDeps {
  ledger: LedgerPort;
  queue: EventQueue;
  /** The reader table file (read again only when it changes; a missing file is an empty table). */
  readersFile: string;
  /** Suppression window, ms. */
  windowMs: number;
  /** EPC → lot lookups in flight at once. Default 16. */
  lookupConcurrency?: number;
}

const lotIdOf = (answer: { lot: { lotId: string } }): string => answer.lot.lotId;

/** The chaincode predates GetLotByEpc (a gateway upgraded before the chaincode). */
const unknownTransaction = (err: unknown): boolean => err instanceof LedgerUnknownTransactionError && err.transaction === 'GetLotByEpc';

/**
 * Builds the process's ReadingsService: lots found with GetLotByEpc (one EPC index read and the lot, no
 * provenance) as the most modest identity of the connection profile (NOT_FOUND → no lot). Against a chaincode
 * without GetLotByEpc it falls back to GetProvenanceByEpc.
 * @throws Error when the connection profile has no identity at all.
 */
export function createReadingsService(deps: ReadingsDeps): ReadingsService {
  const identities = deps.ledger.identities();
  const lookupIdentity =
    LOOKUP_ROLES.map((role) => identities.find((i) => i.role === role)).find((i) => i !== undefined) ?? identities[0];
  if (!lookupIdentity) throw new Error('the connection profile has no identity to look EPCs up with');
  let byLotView = true;
  const table = new ReaderTable(deps.readersFile);
  return new ReadingsService({
    queue: deps.queue,
    // the suppression memory lives in the outbox: a restart inside a window suppresses as before
    // (a queue stub without it, in tests, leaves the process-memory default)
    ...(typeof (deps.queue as Partial<EventQueue>).seenReadings === 'function' && {
      recentReads: { seen: (keys) => deps.queue.seenReadings(keys), remember: (entries) => deps.queue.rememberReadings(entries) },
    }),
    ...(deps.lookupConcurrency !== undefined && { lookupConcurrency: deps.lookupConcurrency }),
    readers: () => table.current(),
    windowMs: deps.windowMs,
    lotForEpc: async (epc) => {
      try {
        if (byLotView) {
          try {
            return lotIdOf(await deps.ledger.lotByEpc(lookupIdentity.name, epc));
          } catch (err) {
            if (!unknownTransaction(err)) throw err;
            byLotView = false;
          }
        }
        return lotIdOf(await deps.ledger.provenanceByEpc(lookupIdentity.name, epc));
      } catch (err) {
        if (err instanceof LedgerNotFoundError) return undefined;
        throw err;
      }
    },
  });
}
