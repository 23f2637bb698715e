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
import { EventConflictError, rejectionText, type EventInput, type EventQueue } from '../ports/event-queue';
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
  async #map(principal: Principal, doc: Record<string, unknown>, events: unknown[]): Promise<Array<{ c: Captured; entry: CaptureEventEntry }>> {
    const context = doc['@context'];
    const ignoreFields = documentIgnoreFields(doc);
    const corrections = declaredCorrections(events, context);
    const lotOfEpc = this.#lotLookup(principal);
    await prefetchLots(events, lotOfEpc);
    const seen = new Map<string, string>();
    const out: Array<{ c: Captured; entry: CaptureEventEntry }> = [];
    for (const [i, raw] of events.entries()) {
      const path = `epcisBody.eventList[${String(i)}]`;
      const declared = typeof (raw as { eventID?: unknown })?.eventID === 'string' ? corrections.get((raw as { eventID: string }).eventID) : undefined;
      const c = await captureEvent(raw, path, { context, ignoreFields, lotOfEpc, ...(declared !== undefined && { correctionOf: declared }) });
      let entry = entryOf(path, c);
      if (c.op === 'refused') {
        entry = { ...entry, state: 'refused', status: 400, code: 'INVALID_ARGUMENT', reason: `${c.refusal.path}: ${c.refusal.reason}` };
      } else {
        try {
          this.#precheck(principal, c, path);
          const key = entry.eventId ?? '';
          const content = JSON.stringify(c.op === 'registration' ? c.lot : c.input);
          const before = seen.get(`${c.op}:${key}`);
          if (before !== undefined && before !== content) {
            throw new ValidationError([{ path, message: `event id ${key} repeated in this document with different content` }], `${path}: event id ${key} repeated with different content`);
          }
          seen.set(`${c.op}:${key}`, content);
        } catch (err) {
          entry = refusedEntry(entry, err);
        }
      }
      out.push({ c, entry });
    }
    return out;
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
    const failed = (): boolean => job.events.some((e) => e.state === 'refused');
    if (behaviour === 'rollback' && failed()) return this.#finish(job, true);
    this.#captures.put(job);

    // lot registrations first: the events of the document may be about them
    for (const [i, m] of mapped.entries()) {
      if (m.c.op !== 'registration' || job.events[i]?.state !== 'queued') continue;
      try {
        const r = await this.#ledger.registerLot(principal.identity, m.c.lot);
        job.events[i] = { ...m.entry, state: 'captured', txId: r.txId, ...(r.blockNumber !== undefined && { blockNumber: r.blockNumber }) };
      } catch (err) {
        if (!(err instanceof LedgerRejectionError)) throw err;
        job.events[i] = refusedEntry(m.entry, err);
        if (behaviour === 'rollback') return this.#finish(job, true);
      }
    }
    // events: one all-or-nothing enqueue; an id queued earlier with other content is refused alone (proceed)
    let pending = mapped.flatMap((m, i) => (m.c.op === 'event' && job.events[i]?.state === 'queued' ? [{ i, input: m.c.input }] : []));
    while (pending.length > 0) {
      try {
        const accepted = await this.#queue.enqueue(
          { principal: principal.name, identity: principal.identity },
          pending.map((p) => p.input as unknown as EventInput),
        );
        const statusOf = new Map(accepted.map((a) => [a.eventId, a.status]));
        for (const p of pending) {
          const entry = job.events[p.i];
          if (entry !== undefined && statusOf.get(p.input.eventId) === 'committed') job.events[p.i] = { ...entry, state: 'captured' };
        }
        break;
      } catch (err) {
        if (!(err instanceof EventConflictError)) {
          if (job.events.every((e) => e.state !== 'captured')) {
            job.running = false;
            job.success = false;
          }
          throw err;
        }
        const bad = pending.find((p) => p.input.eventId === err.eventId);
        if (bad === undefined || behaviour === 'rollback') {
          for (const p of pending) {
            const entry = job.events[p.i];
            if (entry !== undefined) job.events[p.i] = p.input.eventId === err.eventId ? refusedEntry(entry, err) : { ...entry, state: 'rolled-back' };
          }
          return this.#finish(job, true);
        }
        const entry = job.events[bad.i];
        if (entry !== undefined) job.events[bad.i] = refusedEntry(entry, err);
        pending = pending.filter((p) => p !== bad);
      }
    }
    // corrections: RecordCorrection, directly (as POST /v1/events does), after the events are queued
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
    return this.#settle(job);
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
    const open = job.events.filter((e) => e.state === 'queued' && e.op === 'event' && e.eventId !== undefined).map((e) => e.eventId as string);
    // one read of the outbox for the whole job (a timeout of 0 answers the current states)
    const states = new Map((open.length === 0 ? [] : await this.#queue.waitFor(open, 0)).map((q) => [q.eventId, q]));
    for (const [i, e] of job.events.entries()) {
      if (e.state !== 'queued' || e.op !== 'event' || e.eventId === undefined) continue;
      const q = states.get(e.eventId);
      if (q?.status === 'committed') {
        job.events[i] = { ...e, state: 'captured', ...(q.txId !== undefined && { txId: q.txId }), ...(q.blockNumber !== undefined && { blockNumber: q.blockNumber }) };
        changed = true;
      } else if (q?.status === 'rejected' && q.rejection !== undefined) {
        const status = { INVALID_ARGUMENT: 400, ACCESS_DENIED: 403, NOT_FOUND: 404, CONFLICT: 409 }[q.rejection.code ?? 'INVALID_ARGUMENT'];
        job.events[i] = { ...e, state: 'refused', status, code: q.rejection.code ?? 'INVALID_ARGUMENT', reason: rejectionText(q.rejection) };
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
    const ids = job.events.filter((e) => e.state === 'queued' && e.op === 'event' && e.eventId !== undefined).map((e) => e.eventId as string);
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
    if (entry.state === 'refused') {
      // paths are the event's own (`sensorElementList`), not the document's (`epcisBody.eventList[0]...`)
      const reason = (entry.reason ?? 'refused').replace(/^[A-Z_]+: /, '').replace(/^epcisBody\.eventList\[0\]\.?/, '');
      if (entry.status === 400) {
        const at = reason.indexOf(': ');
        const path = at > 0 && !reason.slice(0, at).includes(' ') ? reason.slice(0, at) : 'body';
        throw new ValidationError([{ path, message: at > 0 ? reason.slice(at + 2) : reason }], reason);
      }
      const code = (entry.code ?? 'INVALID_ARGUMENT') as 'ACCESS_DENIED' | 'NOT_FOUND' | 'CONFLICT';
      if (code === 'ACCESS_DENIED') throw new AccessDeniedError(reason);
      if (code === 'NOT_FOUND') throw new NotFoundError(reason);
      throw new EventConflictError(entry.eventId ?? '', reason);
    }
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
    const lots: Array<ExportableLot> = [view.lot];
    const events: ExportableEvent[] = prov.links.flatMap((l) => l.events as Array<ProvenanceEventAnswer & ExportableEvent>);
    // upstream lots (custody's transformation tree), when the chaincode answers them
    const upstream = (prov as { upstream?: unknown }).upstream;
    const walk = async (nodes: unknown): Promise<void> => {
      if (!Array.isArray(nodes)) return;
      for (const n of nodes as Array<{ lot?: { lotId?: string }; links?: Array<{ events?: ExportableEvent[] }>; upstream?: unknown }>) {
        const id = n.lot?.lotId;
        if (id === undefined || lots.some((l) => l.lotId === id)) continue;
        try {
          lots.push((await this.#ledger.readLot(principal.identity, id)).lot);
        } catch (err) {
          if (!(err instanceof LedgerRejectionError)) throw err;
        }
        for (const l of n.links ?? []) events.push(...(l.events ?? []));
        await walk(n.upstream);
      }
    };
    await walk(upstream);

    const epcs = new Map<string, readonly string[]>(lots.map((l) => [l.lotId, l.epcs]));
    const others = new Set<string>();
    for (const l of lots) for (const i of l.inputs ?? []) others.add(i.lotId);
    for (const id of prov.lot.parentChain) others.add(id);
    for (const e of events) {
      if (e.parentLotId != null) others.add(e.parentLotId);
      for (const c of e.childLotIds ?? []) others.add(c);
      if (e.viaLotId != null) others.add(e.viaLotId);
    }
    await this.#lotEpcs(principal, others, epcs);
    const ctx = { epcsOfLot: (id: string) => epcs.get(id) };

    const unique = new Map<string, ExportableEvent>();
    for (const e of events) if (!unique.has(e.eventId)) unique.set(e.eventId, e);
    const ordered = [...unique.values()].sort((a, b) =>
      a.eventTimeUtc < b.eventTimeUtc ? -1 : a.eventTimeUtc > b.eventTimeUtc ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0,
    );
    const corrections = new Map<string, { by: string; at: string }>();
    for (const e of ordered) {
      if (e.correctionOf != null) {
        const prior = corrections.get(e.correctionOf);
        if (prior === undefined || prior.at <= e.recordedAt) corrections.set(e.correctionOf, { by: e.eventId, at: e.recordedAt });
      }
    }
    const mapped = [...lots.map((l) => lotRegistrationToEpcis(l, ctx)), ...ordered.map((e) => eventToEpcis(e, ctx))];
    return assignEventIds(mapped, corrections);
  }

  // ------------------------------------------------------------ query

  /** The lots a selective query names (sorted, unique), or undefined for a query over every lot. */
  async #candidateLots(principal: Principal, q: EventQuery): Promise<string[] | undefined> {
    if (q.epcsGiven.length > 0) {
      const lookup = this.#lotLookup(principal);
      const lots = new Set<string>();
      for (const epc of q.epcsGiven) {
        try {
          const lot = await lookup(epc);
          if (lot !== undefined) lots.add(lot);
        } catch (err) {
          // an EPC the chaincode cannot read names no lot; an unreachable ledger is an error
          if (!(err instanceof LedgerRejectionError)) throw err;
        }
      }
      return [...lots].sort();
    }
    if (q.eventIdsGiven.length > 0) {
      const lots = new Set<string>();
      for (const id of q.eventIdsGiven) {
        const acetraceId = acetraceEventId(id) ?? id;
        try {
          lots.add((await this.#ledger.getEvent(principal.identity, acetraceId)).lotId);
        } catch (err) {
          if (!(err instanceof LedgerRejectionError)) throw err;
        }
      }
      return [...lots].sort();
    }
    return undefined;
  }

  /** One page of the events that answer `q` (see query.ts for how lots are walked). */
  async query(principal: Principal, q: EventQuery): Promise<EventPage> {
    const out: EpcisEvent[] = [];
    const seen = new Set<string>();
    let budget = LOTS_PER_PAGE;
    const candidates = await this.#candidateLots(principal, q);
    let position: PageToken = q.token ?? { i: 0, o: 0 };

    /** Adds lot `lotId`'s matching events from offset `skip`; answers the offset to resume at, or undefined when done. */
    const take = async (lotId: string, skip: number): Promise<number | undefined> => {
      budget -= 1;
      let events: EpcisEvent[];
      try {
        events = await this.lotEvents(principal, lotId);
      } catch (err) {
        if (err instanceof LedgerNotFoundError) return undefined;
        throw err;
      }
      const matching = events.filter((e) => matchesQuery(e, q));
      for (let k = skip; k < matching.length; k++) {
        if (out.length >= q.perPage) return k;
        const e = matching[k] as EpcisEvent;
        const key = String(e.eventID);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(e);
        }
      }
      return undefined;
    };

    if (candidates !== undefined) {
      for (let i = position.i; i < candidates.length; i++) {
        if (budget === 0 || out.length >= q.perPage) return { events: out, nextPageToken: encodeToken({ i, o: 0 }) };
        const resume = await take(candidates[i] as string, i === position.i ? position.o : 0);
        if (resume !== undefined) return { events: out, nextPageToken: encodeToken({ i, o: resume }) };
      }
      return { events: out };
    }
    const link = linkFilterOf(q);
    for (;;) {
      const page = await this.#ledger.listLots(principal.identity, {
        ...(position.b !== undefined && position.b !== '' && { bookmark: position.b }),
        ...(link !== undefined && { link }),
        pageSize: LOTS_PER_PAGE,
      });
      for (let i = position.i; i < page.lots.length; i++) {
        const here = { ...(position.b !== undefined && { b: position.b }), i };
        if (budget === 0 || out.length >= q.perPage) return { events: out, nextPageToken: encodeToken({ ...here, o: 0 }) };
        const lotId = page.lots[i]?.lot.lotId as string;
        const resume = await take(lotId, i === position.i ? position.o : 0);
        if (resume !== undefined) return { events: out, nextPageToken: encodeToken({ ...here, o: resume }) };
      }
      if (page.bookmark === '' || page.lots.length === 0) return { events: out };
      position = { b: page.bookmark, i: 0, o: 0 };
    }
  }
}
