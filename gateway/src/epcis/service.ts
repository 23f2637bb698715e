/**
 * The EPCIS use cases: capture (asynchronous, through the same durable outbox as POST /v1/events),
 * one event synchronously, export of a lot's provenance, and the event query. Sees only the ports.
 */
import { randomUUID } from 'node:crypto';
import {
  EVENT_KINDS,
  ValidationError as ChaincodeValidationError,
  checkPost,
  errorCodeOf,
  normaliseEpc,
  validateEventInput,
  validateLotInput,
  type EventKind,
  type Role,
} from '@acetrace/chaincode';
import type { Principal } from '../auth/principals';
import {
  AccessDeniedError,
  AppError,
  LedgerNotFoundError,
  LedgerRejectionError,
  NotFoundError,
  ValidationError,
} from '../errors';
import { EventConflictError, rejectionText, type EventInput, type EventQueue, type QueuedEvent } from '../ports/event-queue';
import type { BlockNumberIndex } from '../ports/ledger-blocks';
import type { LedgerPort, ProvenanceEventAnswer } from '../ports/ledger';
import { EVENT_POSTER_ROLES } from '../services/events.service';
import { LOT_WRITER_ROLES } from '../services/lots.service';
import { ProvenanceService } from '../services/provenance.service';
import type { CaptureEventEntry, CaptureJob, CaptureJobStore } from './capture-store';
import { acetraceEventId, documentIgnoreFields, epcisEventId } from './event-hash';
import {
  type Captured,
  type EpcisEvent,
  type ExportableEvent,
  type ExportableLot,
  assignEventIds,
  captureEvent,
  declaredCorrections,
  eventToEpcis,
  lotRegistrationToEpcis,
} from './mapping';
import { type EventQuery, LOTS_PER_PAGE, type PageToken, encodeToken, linkFilterOf, matchesQuery } from './query';

/** Who may read any capture job besides its captor. */
const CAPTURE_READER_ROLES: ReadonlySet<string> = new Set(['auditor']);

export type CaptureErrorBehaviour = 'rollback' | 'proceed';

/** Outcome of POST /epcis/events. */
export interface PostEventOutcome {
  httpStatus: 201 | 202;
  entry: CaptureEventEntry;
}

/** A page of query results. */
export interface EventPage {
  events: EpcisEvent[];
  nextPageToken?: string;
}

/** A refusal entry from a typed error (the status and code the same refusal gets on /v1). */
function refusedEntry(base: CaptureEventEntry, err: unknown): CaptureEventEntry {
  if (err instanceof AppError) {
    return { ...base, state: 'refused', status: err.status, code: err.code, reason: err.message };
  }
  if (err instanceof ChaincodeValidationError) {
    return { ...base, state: 'refused', status: 400, code: 'INVALID_ARGUMENT', reason: err.message.replace(/^INVALID_ARGUMENT: /, '') };
  }
  if (err instanceof Error && errorCodeOf(err.message) !== undefined) {
    const code = errorCodeOf(err.message) as string;
    const status = { INVALID_ARGUMENT: 400, ACCESS_DENIED: 403, NOT_FOUND: 404, CONFLICT: 409 }[code] ?? 400;
    return { ...base, state: 'refused', status, code, reason: err.message.slice(code.length + 2) };
  }
  throw err;
}

/** What a captured event's entry starts as. */
function entryOf(path: string, c: Captured): CaptureEventEntry {
  const id = c.op === 'registration' ? c.lot.lotId : c.op === 'refused' ? undefined : c.input.eventId;
  return {
    path,
    ...(c.op !== 'refused' && { op: c.op }),
    ...(id !== undefined && { eventId: id }),
    ...(id !== undefined && c.op !== 'registration' && { eventID: epcisEventId(id) ?? c.hashId }),
    ...(c.hashId !== undefined && { hashId: c.hashId }),
    state: 'queued',
  };
}

/** EPC lookups run at once per capture, at most this many in flight. */
const LOOKUP_CONCURRENCY = 16;

/**
 * Resolves the lots of every EPC a document names, concurrently, into the lookup's cache (a
 * 500-event document names tens of EPCs: one at a time they would dominate the time to the 202).
 * Unreadable EPCs are left to the mapping, which refuses them by path.
 */
async function prefetchLots(events: readonly unknown[], lookup: (epc: string) => Promise<string | undefined>): Promise<void> {
  const epcs = new Set<string>();
  for (const e of events) {
    if (e === null || typeof e !== 'object') continue;
    const o = e as Record<string, unknown>;
    const named: unknown[] = [o.parentID];
    for (const list of [o.epcList, o.childEPCs]) if (Array.isArray(list)) named.push(...(list as unknown[]));
    for (const x of named) {
      if (typeof x !== 'string') continue;
      try {
        epcs.add(normaliseEpc(x));
      } catch {
        // the mapping names it
      }
    }
  }
  const queue = [...epcs];
  const worker = async (): Promise<void> => {
    for (let epc = queue.pop(); epc !== undefined; epc = queue.pop()) await lookup(epc);
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, queue.length) }, worker));
}

/** A mapped event of a document and its entry in the capture job. */
interface Mapped {
  c: Captured;
  entry: CaptureEventEntry;
}

/** The correction an errorDeclaration of the document declares for this event, if any. */
function declaredCorrectionOf<T>(raw: unknown, corrections: ReadonlyMap<string, T>): T | undefined {
  const eventID = raw !== null && typeof raw === 'object' ? (raw as { eventID?: unknown }).eventID : undefined;
  return typeof eventID === 'string' ? corrections.get(eventID) : undefined;
}

/** An event posted to the outbox and not yet settled. */
const isOpenEvent = (e: CaptureEventEntry): e is CaptureEventEntry & { eventId: string } =>
  e.state === 'queued' && e.op === 'event' && e.eventId !== undefined;

/** The ids of the job's events not yet settled. */
const openEventIds = (job: CaptureJob): string[] => job.events.filter(isOpenEvent).map((e) => e.eventId);

/** The entry once the outbox settled its event (committed or rejected), or undefined while it is pending. */
function settledEntry(e: CaptureEventEntry, q: QueuedEvent | undefined): CaptureEventEntry | undefined {
  if (q?.status === 'committed') {
    return { ...e, state: 'captured', ...(q.txId !== undefined && { txId: q.txId }), ...(q.blockNumber !== undefined && { blockNumber: q.blockNumber }) };
  }
  if (q?.status === 'rejected' && q.rejection !== undefined) {
    const code = q.rejection.code ?? 'INVALID_ARGUMENT';
    const status = { INVALID_ARGUMENT: 400, ACCESS_DENIED: 403, NOT_FOUND: 404, CONFLICT: 409 }[code];
    return { ...e, state: 'refused', status, code, reason: rejectionText(q.rejection) };
  }
  return undefined;
}

/** An event waiting for the outbox, at its index in the job. */
interface PendingEvent {
  i: number;
  input: { eventId: string };
}

/** Marks the pending events the outbox already has committed (repeats of committed events) as captured. */
function markCommitted(job: CaptureJob, pending: PendingEvent[], accepted: Array<{ eventId: string; status: string }>): void {
  const statusOf = new Map(accepted.map((a) => [a.eventId, a.status]));
  for (const p of pending) {
    const entry = job.events[p.i];
    if (entry !== undefined && statusOf.get(p.input.eventId) === 'committed') job.events[p.i] = { ...entry, state: 'captured' };
  }
}

/** A failed enqueue: the job ends unsuccessful unless something of it was captured already. */
function failUnlessCaptured(job: CaptureJob): void {
  if (job.events.every((e) => e.state !== 'captured')) {
    job.running = false;
    job.success = false;
  }
}

/** Refuses the conflicting event and rolls back the other pending ones. */
function refuseConflicting(job: CaptureJob, pending: PendingEvent[], err: EventConflictError): void {
  for (const p of pending) {
    const entry = job.events[p.i];
    if (entry !== undefined) job.events[p.i] = p.input.eventId === err.eventId ? refusedEntry(entry, err) : { ...entry, state: 'rolled-back' };
  }
}

/** The error a refused single event answers with: the status it gets everywhere. */
function refusalOf(entry: CaptureEventEntry): AppError {
  // paths are the event's own (`sensorElementList`), not the document's (`epcisBody.eventList[0]...`)
  const reason = (entry.reason ?? 'refused').replace(/^[A-Z_]+: /, '').replace(/^epcisBody\.eventList\[0\]\.?/, '');
  if (entry.status === 400) {
    const at = reason.indexOf(': ');
    const path = at > 0 && !reason.slice(0, at).includes(' ') ? reason.slice(0, at) : 'body';
    return new ValidationError([{ path, message: at > 0 ? reason.slice(at + 2) : reason }], reason);
  }
  const code = (entry.code ?? 'INVALID_ARGUMENT') as 'ACCESS_DENIED' | 'NOT_FOUND' | 'CONFLICT';
  if (code === 'ACCESS_DENIED') return new AccessDeniedError(reason);
  if (code === 'NOT_FOUND') return new NotFoundError(reason);
  return new EventConflictError(entry.eventId ?? '', reason);
}

/** An upstream node as the provenance answers it (only what the export reads). */
interface UpstreamNodeLike {
  lot?: { lotId?: string };
  links?: Array<{ events?: ExportableEvent[] }>;
  upstream?: unknown;
}

/** Lots the exported events name besides the exported ones: inputs, ancestors, containers, contents, origins. */
function relatedLotIds(lots: ExportableLot[], parentChain: readonly string[], events: ExportableEvent[]): Set<string> {
  const others = new Set<string>();
  for (const l of lots) for (const i of l.inputs ?? []) others.add(i.lotId);
  for (const id of parentChain) others.add(id);
  for (const e of events) {
    if (e.parentLotId != null) others.add(e.parentLotId);
    for (const c of e.childLotIds ?? []) others.add(c);
    if (e.viaLotId != null) others.add(e.viaLotId);
  }
  return others;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The events once each (the first of an id), by UTC event time, then id. */
function inTimeOrder(events: ExportableEvent[]): ExportableEvent[] {
  const unique = new Map<string, ExportableEvent>();
  for (const e of events) if (!unique.has(e.eventId)) unique.set(e.eventId, e);
  return [...unique.values()].sort((a, b) => compare(a.eventTimeUtc, b.eventTimeUtc) || compare(a.eventId, b.eventId));
}

/** Each corrected event's latest correction (by record time; a later one in event order wins a tie). */
function latestCorrections(ordered: ExportableEvent[]): Map<string, { by: string; at: string }> {
  const corrections = new Map<string, { by: string; at: string }>();
  for (const e of ordered) {
    if (e.correctionOf == null) continue;
    const prior = corrections.get(e.correctionOf);
    if (prior === undefined || prior.at <= e.recordedAt) corrections.set(e.correctionOf, { by: e.eventId, at: e.recordedAt });
  }
  return corrections;
}

/** One page of query results being filled lot by lot, within the page's lot budget. */
class QueryPage {
  readonly query: EventQuery;
  readonly #eventsOf: (lotId: string) => Promise<EpcisEvent[]>;
  readonly #out: EpcisEvent[] = [];
  readonly #seen = new Set<string>();
  #budget = LOTS_PER_PAGE;
  constructor(query: EventQuery, eventsOf: (lotId: string) => Promise<EpcisEvent[]>) {
    this.query = query;
    this.#eventsOf = eventsOf;
  }

  /** True when the page holds `perPage` events or has read its lots. */
  get full(): boolean {
    return this.#budget === 0 || this.#out.length >= this.query.perPage;
  }

  /** Adds lot `lotId`'s matching events from offset `skip`; answers the offset to resume at, or undefined when done. */
  async take(lotId: string, skip: number): Promise<number | undefined> {
    this.#budget -= 1;
    let events: EpcisEvent[];
    try {
      events = await this.#eventsOf(lotId);
    } catch (err) {
      if (err instanceof LedgerNotFoundError) return undefined;
      throw err;
    }
    const matching = events.filter((e) => matchesQuery(e, this.query));
    for (let k = skip; k < matching.length; k++) {
      if (this.#out.length >= this.query.perPage) return k;
      const e = matching[k] as EpcisEvent;
      const key = String(e.eventID);
      if (!this.#seen.has(key)) {
        this.#seen.add(key);
        this.#out.push(e);
      }
    }
    return undefined;
  }

  /** The page, with the token to resume at when given. */
  answer(next?: PageToken): EventPage {
    return next === undefined ? { events: this.#out } : { events: this.#out, nextPageToken: encodeToken(next) };
  }
}

/**
 * Takes lots `lotIds` from `position.i` (skipping `position.o` matching events of the first); the page
 * once it is full (its token names `position.b` when given), else undefined when the lots ran out.
 */
async function takeLots(page: QueryPage, lotIds: string[], position: PageToken): Promise<EventPage | undefined> {
  for (let i = position.i; i < lotIds.length; i++) {
    const here = { ...(position.b !== undefined && { b: position.b }), i };
    if (page.full) return page.answer({ ...here, o: 0 });
    const resume = await page.take(lotIds[i] as string, i === position.i ? position.o : 0);
    if (resume !== undefined) return page.answer({ ...here, o: resume });
  }
  return undefined;
}

export class EpcisService {
  readonly #ledger: LedgerPort;
  readonly #queue: EventQueue;
  readonly #captures: CaptureJobStore;
  readonly #provenance: ProvenanceService;
  readonly #waitTimeoutMs: number;
  /** @param blocks - the ledger's index of transactions to blocks, for block numbers in exported events. */
  constructor(ledger: LedgerPort, queue: EventQueue, captures: CaptureJobStore, waitTimeoutMs: number, blocks?: BlockNumberIndex) {
    this.#ledger = ledger;
    this.#queue = queue;
    this.#captures = captures;
    this.#provenance = new ProvenanceService(ledger, blocks);
    this.#waitTimeoutMs = waitTimeoutMs;
  }

  // ------------------------------------------------------------ capture

  /** The lot of an EPC as this principal sees it (undefined: no lot holds it). */
  #lotLookup(principal: Principal): (epc: string) => Promise<string | undefined> {
    const cache = new Map<string, Promise<string | undefined>>();
    return (epc) => {
      let hit = cache.get(epc);
      if (hit === undefined) {
        hit = this.#ledger.lotByEpc(principal.identity, epc).then(
          (view) => view.lot.lotId,
          (err: unknown) => {
            if (err instanceof LedgerNotFoundError) return undefined;
            throw err;
          },
        );
        cache.set(epc, hit);
      }
      return hit;
    };
  }

  /** Maps each event of a document; checks what the chaincode would refuse for the request alone. */
  async #map(principal: Principal, doc: Record<string, unknown>, events: unknown[]): Promise<Mapped[]> {
    const context = doc['@context'];
    const ignoreFields = documentIgnoreFields(doc);
    const corrections = declaredCorrections(events, context);
    const lotOfEpc = this.#lotLookup(principal);
    await prefetchLots(events, lotOfEpc);
    const seen = new Map<string, string>();
    const out: Mapped[] = [];
    for (const [i, raw] of events.entries()) {
      const path = `epcisBody.eventList[${String(i)}]`;
      const declared = declaredCorrectionOf(raw, corrections);
      const c = await captureEvent(raw, path, { context, ignoreFields, lotOfEpc, ...(declared !== undefined && { correctionOf: declared }) });
      out.push({ c, entry: this.#checkedEntry(principal, c, path, seen) });
    }
    return out;
  }

  /** A mapped event's entry: refused when the mapping, the chaincode's checks or an earlier event of the document (`seen`) refuse it. */
  #checkedEntry(principal: Principal, c: Captured, path: string, seen: Map<string, string>): CaptureEventEntry {
    const entry = entryOf(path, c);
    if (c.op === 'refused') {
      return { ...entry, state: 'refused', status: 400, code: 'INVALID_ARGUMENT', reason: `${c.refusal.path}: ${c.refusal.reason}` };
    }
    try {
      this.#precheck(principal, c, path);
      const key = entry.eventId ?? '';
      const content = JSON.stringify(c.op === 'registration' ? c.lot : c.input);
      const before = seen.get(`${c.op}:${key}`);
      if (before !== undefined && before !== content) {
        throw new ValidationError([{ path, message: `event id ${key} repeated in this document with different content` }], `${path}: event id ${key} repeated with different content`);
      }
      seen.set(`${c.op}:${key}`, content);
      return entry;
    } catch (err) {
      return refusedEntry(entry, err);
    }
  }

  /** What the chaincode would refuse for the event alone: its validators and the role × link rule. */
  #precheck(principal: Principal, c: Captured, path: string): void {
    if (c.op === 'registration') {
      if (!LOT_WRITER_ROLES.has(principal.role)) throw new AccessDeniedError(`role ${principal.role} may not register lots`);
      validateLotInput(c.lot);
      return;
    }
    if (c.op === 'refused') return;
    if (!EVENT_POSTER_ROLES.has(principal.role)) throw new AccessDeniedError(`role ${principal.role} may not post events`);
    try {
      validateEventInput(c.input, { path, correction: c.op === 'correction' });
    } catch (err) {
      if (err instanceof ChaincodeValidationError) {
        throw new ValidationError(err.problems.map((p) => ({ path: p.path, message: p.message })), err.message.replace(/^INVALID_ARGUMENT: /, ''));
      }
      throw err;
    }
    // compliance acts as its organisation's roles, which only the chaincode knows
    if (principal.role !== 'compliance' && (EVENT_KINDS as readonly string[]).includes(c.input.kind)) {
      const denied = checkPost({ mspId: principal.mspId, role: principal.role as Role }, c.input.link, c.input.kind as EventKind);
      if (denied !== undefined) throw new AccessDeniedError(denied.message.replace(/^ACCESS_DENIED: /, ''));
    }
  }

  /**
   * Captures an EPCIS document: maps and checks every event, stores the job, then registers lots,
   * queues events on the outbox (all at once) and records corrections. `rollback`: nothing is
   * done when any event fails the checks. Answers the job (202 with its Location).
   */
  async capture(principal: Principal, doc: Record<string, unknown>, events: unknown[], behaviour: CaptureErrorBehaviour): Promise<CaptureJob> {
    if (!EVENT_POSTER_ROLES.has(principal.role) && !LOT_WRITER_ROLES.has(principal.role)) {
      throw new AccessDeniedError(`role ${principal.role} may not capture events`);
    }
    const mapped = await this.#map(principal, doc, events);
    const job: CaptureJob = {
      captureID: randomUUID(),
      principal: principal.name,
      identity: principal.identity,
      captureErrorBehaviour: behaviour,
      createdAt: new Date().toISOString(),
      running: true,
      success: true,
      events: mapped.map((m) => m.entry),
    };
    if (behaviour === 'rollback' && job.events.some((e) => e.state === 'refused')) return this.#finish(job, true);
    this.#captures.put(job);
    // lot registrations first: the events of the document may be about them
    if (!(await this.#registerLots(principal, mapped, job))) return this.#finish(job, true);
    if (!(await this.#enqueueEvents(principal, mapped, job))) return this.#finish(job, true);
    await this.#recordCorrections(principal, mapped, job);
    return this.#settle(job);
  }

  /** The document's lot registrations, each on its own; false when a refusal rolls the job back. */
  async #registerLots(principal: Principal, mapped: Mapped[], job: CaptureJob): Promise<boolean> {
    for (const [i, m] of mapped.entries()) {
      if (m.c.op !== 'registration' || job.events[i]?.state !== 'queued') continue;
      try {
        const r = await this.#ledger.registerLot(principal.identity, m.c.lot);
        job.events[i] = { ...m.entry, state: 'captured', txId: r.txId, ...(r.blockNumber !== undefined && { blockNumber: r.blockNumber }) };
      } catch (err) {
        if (!(err instanceof LedgerRejectionError)) throw err;
        job.events[i] = refusedEntry(m.entry, err);
        if (job.captureErrorBehaviour === 'rollback') return false;
      }
    }
    return true;
  }

  /**
   * The document's events: one all-or-nothing enqueue; an id queued earlier with other content is refused
   * alone (proceed). False when that conflict rolls the job back.
   */
  async #enqueueEvents(principal: Principal, mapped: Mapped[], job: CaptureJob): Promise<boolean> {
    let pending = mapped.flatMap((m, i) => (m.c.op === 'event' && job.events[i]?.state === 'queued' ? [{ i, input: m.c.input }] : []));
    while (pending.length > 0) {
      try {
        const accepted = await this.#queue.enqueue(
          { principal: principal.name, identity: principal.identity },
          pending.map((p) => p.input as unknown as EventInput),
        );
        markCommitted(job, pending, accepted);
        return true;
      } catch (err) {
        if (!(err instanceof EventConflictError)) {
          failUnlessCaptured(job);
          throw err;
        }
        const bad = pending.find((p) => p.input.eventId === err.eventId);
        if (bad === undefined || job.captureErrorBehaviour === 'rollback') {
          refuseConflicting(job, pending, err);
          return false;
        }
        const entry = job.events[bad.i];
        if (entry !== undefined) job.events[bad.i] = refusedEntry(entry, err);
        pending = pending.filter((p) => p !== bad);
      }
    }
    return true;
  }

  /** The document's corrections: RecordCorrection, directly (as POST /v1/events does), after the events are queued. */
  async #recordCorrections(principal: Principal, mapped: Mapped[], job: CaptureJob): Promise<void> {
    for (const [i, m] of mapped.entries()) {
      if (m.c.op !== 'correction' || job.events[i]?.state !== 'queued') continue;
      try {
        const r = await this.#ledger.recordCorrection(principal.identity, m.c.input as unknown as EventInput);
        job.events[i] = { ...m.entry, state: 'captured', txId: r.txId, blockNumber: r.blockNumber };
      } catch (err) {
        if (!(err instanceof LedgerRejectionError)) throw err;
        job.events[i] = refusedEntry(m.entry, err);
      }
    }
  }

  /** Marks a job finished (`rolledBack`: every event not refused is rolled back) and stores it. */
  #finish(job: CaptureJob, rolledBack: boolean): CaptureJob {
    if (rolledBack) {
      job.events = job.events.map((e) => (e.state === 'queued' ? { ...e, state: 'rolled-back' } : e));
    }
    job.running = false;
    job.success = !job.events.some((e) => e.state === 'refused');
    job.finishedAt = new Date().toISOString();
    this.#captures.put(job);
    return job;
  }

  /** Brings the job's queued events up to date from the outbox; finishes it when none is pending. */
  async #settle(job: CaptureJob): Promise<CaptureJob> {
    if (!job.running) return job;
    let changed = false;
    const open = openEventIds(job);
    // one read of the outbox for the whole job (a timeout of 0 answers the current states)
    const states = new Map((open.length === 0 ? [] : await this.#queue.waitFor(open, 0)).map((q) => [q.eventId, q]));
    for (const [i, e] of job.events.entries()) {
      if (!isOpenEvent(e)) continue;
      const settled = settledEntry(e, states.get(e.eventId));
      if (settled !== undefined) {
        job.events[i] = settled;
        changed = true;
      }
    }
    job.success = !job.events.some((e) => e.state === 'refused');
    if (!job.events.some((e) => e.state === 'queued')) return this.#finish(job, false);
    if (changed) this.#captures.put(job);
    return job;
  }

  /** The capture job, up to date (its captor or an auditor). */
  async captureStatus(principal: Principal, captureID: string): Promise<CaptureJob> {
    const job = this.#captures.get(captureID);
    if (job === undefined) throw new NotFoundError(`no capture job ${captureID}`);
    if (job.principal !== principal.name && job.identity !== principal.identity && !CAPTURE_READER_ROLES.has(principal.role)) {
      throw new AccessDeniedError('only the captor or an auditor may read a capture job');
    }
    return this.#settle(job);
  }

  /** Waits until the job's events have settled (or the timeout). For POST /epcis/events and tests. */
  async waitForCapture(job: CaptureJob, timeoutMs: number): Promise<CaptureJob> {
    const ids = openEventIds(job);
    if (ids.length > 0) await this.#queue.waitFor(ids, timeoutMs);
    return this.#settle(job);
  }

  /**
   * One event, synchronously: 201 once it is on the ledger (or was already), 202 when the commit
   * is still pending at the timeout; a refusal is thrown with the status it gets everywhere.
   */
  async postEvent(principal: Principal, event: Record<string, unknown>): Promise<PostEventOutcome> {
    const doc = { '@context': event['@context'] };
    const job = await this.capture(principal, doc, [event], 'rollback');
    const settled = await this.waitForCapture(job, this.#waitTimeoutMs);
    const entry = settled.events[0] as CaptureEventEntry;
    if (entry.state === 'refused') throw refusalOf(entry);
    return { httpStatus: entry.state === 'captured' ? 201 : 202, entry };
  }

  // ------------------------------------------------------------ export

  /** EPCs of lots, read once each (lots this reader may not read, or unknown ones, have none). */
  async #lotEpcs(principal: Principal, lotIds: Iterable<string>, known: Map<string, readonly string[]>): Promise<void> {
    for (const id of lotIds) {
      if (known.has(id)) continue;
      try {
        known.set(id, (await this.#ledger.readLot(principal.identity, id)).lot.epcs);
      } catch (err) {
        if (!(err instanceof LedgerRejectionError)) throw err;
        known.set(id, []);
      }
    }
  }

  /**
   * A lot's whole provenance as EPCIS events: its registration (a TransformationEvent when it has
   * inputs), every event of its provenance (containers' events inside the containment intervals,
   * corrections), and its upstream lots' registrations and events where the reader may see them.
   */
  async lotEvents(principal: Principal, lotId: string): Promise<EpcisEvent[]> {
    const prov = await this.#provenance.byLot(principal, lotId);
    const view = await this.#ledger.readLot(principal.identity, lotId);
    const lots: ExportableLot[] = [view.lot];
    const events: ExportableEvent[] = prov.links.flatMap((l) => l.events as Array<ProvenanceEventAnswer & ExportableEvent>);
    // upstream lots (custody's transformation tree), when the chaincode answers them
    await this.#addUpstream(principal, (prov as { upstream?: unknown }).upstream, lots, events);

    const epcs = new Map<string, readonly string[]>(lots.map((l) => [l.lotId, l.epcs]));
    await this.#lotEpcs(principal, relatedLotIds(lots, prov.lot.parentChain, events), epcs);
    const ctx = { epcsOfLot: (id: string) => epcs.get(id) };

    const ordered = inTimeOrder(events);
    const mapped = [...lots.map((l) => lotRegistrationToEpcis(l, ctx)), ...ordered.map((e) => eventToEpcis(e, ctx))];
    return assignEventIds(mapped, latestCorrections(ordered));
  }

  /** Adds the upstream tree's lots (those this reader may read) and their events, depth first. */
  async #addUpstream(principal: Principal, nodes: unknown, lots: ExportableLot[], events: ExportableEvent[]): Promise<void> {
    if (!Array.isArray(nodes)) return;
    for (const n of nodes as UpstreamNodeLike[]) {
      const id = n.lot?.lotId;
      if (id === undefined || lots.some((l) => l.lotId === id)) continue;
      await this.#addReadableLot(principal, id, lots);
      for (const l of n.links ?? []) events.push(...(l.events ?? []));
      await this.#addUpstream(principal, n.upstream, lots, events);
    }
  }

  /** Adds lot `lotId` when this reader may read it. */
  async #addReadableLot(principal: Principal, lotId: string, lots: ExportableLot[]): Promise<void> {
    try {
      lots.push((await this.#ledger.readLot(principal.identity, lotId)).lot);
    } catch (err) {
      if (!(err instanceof LedgerRejectionError)) throw err;
    }
  }

  // ------------------------------------------------------------ query

  /** The lots a selective query names (sorted, unique), or undefined for a query over every lot. */
  async #candidateLots(principal: Principal, q: EventQuery): Promise<string[] | undefined> {
    if (q.epcsGiven.length > 0) return this.#lotsOfEpcs(principal, q.epcsGiven);
    if (q.eventIdsGiven.length > 0) return this.#lotsOfEventIds(principal, q.eventIdsGiven);
    return undefined;
  }

  /** The lots of EPCs (sorted, unique): an EPC the chaincode cannot read names no lot; an unreachable ledger is an error. */
  async #lotsOfEpcs(principal: Principal, epcs: string[]): Promise<string[]> {
    const lookup = this.#lotLookup(principal);
    const lots = new Set<string>();
    for (const epc of epcs) {
      try {
        const lot = await lookup(epc);
        if (lot !== undefined) lots.add(lot);
      } catch (err) {
        if (!(err instanceof LedgerRejectionError)) throw err;
      }
    }
    return [...lots].sort();
  }

  /** The lots of EPCIS eventIDs (sorted, unique); an id the chaincode cannot read names none. */
  async #lotsOfEventIds(principal: Principal, eventIds: string[]): Promise<string[]> {
    const lots = new Set<string>();
    for (const id of eventIds) {
      const acetraceId = acetraceEventId(id) ?? id;
      try {
        lots.add((await this.#ledger.getEvent(principal.identity, acetraceId)).lotId);
      } catch (err) {
        if (!(err instanceof LedgerRejectionError)) throw err;
      }
    }
    return [...lots].sort();
  }

  /** One page of the events that answer `q` (see query.ts for how lots are walked). */
  async query(principal: Principal, q: EventQuery): Promise<EventPage> {
    const page = new QueryPage(q, (lotId) => this.lotEvents(principal, lotId));
    const candidates = await this.#candidateLots(principal, q);
    const position: PageToken = q.token ?? { i: 0, o: 0 };
    if (candidates !== undefined) return (await takeLots(page, candidates, { i: position.i, o: position.o })) ?? page.answer();
    return this.#queryEveryLot(principal, page, position);
  }

  /** Walks every lot in ListLots order (with the link filter when the query names one link) from `start`. */
  async #queryEveryLot(principal: Principal, page: QueryPage, start: PageToken): Promise<EventPage> {
    const link = linkFilterOf(page.query);
    let position = start;
    for (;;) {
      const lots = await this.#ledger.listLots(principal.identity, {
        ...(position.b !== undefined && position.b !== '' && { bookmark: position.b }),
        ...(link !== undefined && { link }),
        pageSize: LOTS_PER_PAGE,
      });
      const done = await takeLots(page, lots.lots.map((l) => l.lot.lotId), position);
      if (done !== undefined) return done;
      if (lots.bookmark === '' || lots.lots.length === 0) return page.answer();
      position = { b: lots.bookmark, i: 0, o: 0 };
    }
  }
}
