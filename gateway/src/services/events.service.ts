/**
 * Use cases on events: post (through the durable queue), and read one event's status.
 */
import type { Principal } from '../auth/principals';
import { AccessDeniedError, LedgerNotFoundError, NotFoundError, ValidationError, ledgerRejectionError } from '../errors';
import { type EventInput as LedgerEventInput, type EventQueue, type QueuedEvent, rejectionText } from '../ports/event-queue';
import type { EventRecord, LedgerPort } from '../ports/ledger';
import type { EventInput } from '../schemas';

/** Roles that may post events (the chaincode checks each link again). */
export const EVENT_POSTER_ROLES: ReadonlySet<string> = new Set(['supplier', 'logistics', 'broker', 'compliance']);
/** Roles that may read any queued event's status. */
const EVENT_READER_ROLES: ReadonlySet<string> = new Set(['auditor']);

export interface AcceptedItem {
  eventId: string;
  status: string;
  txId?: string;
  blockNumber?: number;
  reason?: string;
}

/** GET /v1/events/{id}: the queue's view of an event (poster or auditor), or the ledger's record. */
export interface EventStatusAnswer extends AcceptedItem {
  lotId: string;
  event: LedgerEventInput | EventRecord;
  queuedAt?: string;
  updatedAt?: string;
}

export interface PostOutcome {
  /** 202 queued, 201 all committed (wait=commit), or a 4xx when every event was rejected. */
  httpStatus: number;
  accepted: AcceptedItem[];
  /** When every event was rejected: the chaincode's code and sentence of the first. */
  rejection?: { code: string; sentence: string };
}

/** Drops null-valued optional fields: the ledger treats absent and null alike (and the outbox hashes the rest). */
export function toLedgerEvent(e: EventInput): LedgerEventInput {
  return withoutNulls({
    ...e,
    ...(e.location != null && { location: withoutNulls(e.location) }),
    ...(e.evidence != null && { evidence: e.evidence.map(withoutNulls) }),
  });
}

/** `o` without its null and undefined members. */
function withoutNulls<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}

function item(q: QueuedEvent): AcceptedItem {
  return {
    eventId: q.eventId,
    status: q.status,
    ...(q.txId !== undefined && { txId: q.txId }),
    ...(q.blockNumber !== undefined && { blockNumber: q.blockNumber }),
    ...(q.rejection !== undefined && { reason: rejectionText(q.rejection) }),
  };
}

export class EventsService {
  readonly #ledger: LedgerPort;
  readonly #queue: EventQueue;
  readonly #waitTimeoutMs: number;
  constructor(ledger: LedgerPort, queue: EventQueue, waitTimeoutMs: number) {
    this.#ledger = ledger;
    this.#queue = queue;
    this.#waitTimeoutMs = waitTimeoutMs;
  }

  /**
   * Queues events durably; with `waitCommit`, waits for their outcome.
   * @throws AccessDeniedError for roles that never post; queue errors (429/503/409).
   */
  async post(principal: Principal, events: EventInput[], waitCommit: boolean): Promise<PostOutcome> {
    if (!EVENT_POSTER_ROLES.has(principal.role)) {
      throw new AccessDeniedError(`role ${principal.role} may not post events`);
    }
    const corrections = events.filter((e) => e.correctionOf != null);
    if (corrections.length > 0) return this.#postCorrection(principal, events);
    const accepted = await this.#queue.enqueue(
      { principal: principal.name, identity: principal.identity },
      events.map(toLedgerEvent),
    );
    if (!waitCommit) return { httpStatus: 202, accepted: accepted.map((a) => ({ eventId: a.eventId, status: a.status })) };

    const ids = accepted.map((a) => a.eventId);
    const states = await this.#queue.waitFor(ids, this.#waitTimeoutMs);
    const byId = new Map(states.map((s) => [s.eventId, s]));
    const items = accepted.map((a) => {
      const s = byId.get(a.eventId);
      return s ? item(s) : { eventId: a.eventId, status: a.status };
    });
    const pending = items.some((i) => i.status !== 'committed' && i.status !== 'rejected');
    if (pending) return { httpStatus: 202, accepted: items };
    if (items.every((i) => i.status === 'rejected')) {
      // the first refusal, as the outbox stored it; its typed error gives the status
      const first = byId.get(accepted[0]?.eventId ?? '')?.rejection ?? { message: '' };
      const refusal = ledgerRejectionError(first.code ?? 'INVALID_ARGUMENT', first.message);
      return {
        httpStatus: refusal.status,
        accepted: items,
        rejection: { code: refusal.code, sentence: refusal.message },
      };
    }
    return { httpStatus: 201, accepted: items };
  }

  /**
   * A correction (`correctionOf` set) goes straight to the ledger's RecordCorrection, alone:
   * it is a compliance officer's deliberate act, answered 201 with its transaction.
   */
  async #postCorrection(principal: Principal, events: EventInput[]): Promise<PostOutcome> {
    const [only] = events;
    if (events.length !== 1 || only === undefined) {
      const i = events.findIndex((e) => e.correctionOf != null);
      throw new ValidationError(
        [{ path: `events[${i}].correctionOf`, message: 'post a correction alone, not in a batch' }],
        `events[${i}].correctionOf: post a correction alone, not in a batch`,
      );
    }
    const out = await this.#ledger.recordCorrection(principal.identity, toLedgerEvent(only));
    return {
      httpStatus: 201,
      accepted: out.results.map((r) => ({
        eventId: r.eventId,
        status: 'committed',
        txId: r.event.txId,
        ...(r.status === 'recorded' && { blockNumber: out.blockNumber }),
      })),
    };
  }

  /**
   * The event and its status: the outbox's record when this gateway queued it (poster or
   * auditor only), else the ledger's record (committed through another gateway).
   */
  async get(principal: Principal, eventId: string): Promise<EventStatusAnswer> {
    const queued = await this.#queue.get(eventId);
    if (queued) {
      const mayRead =
        queued.identity === principal.identity || queued.principal === principal.name || EVENT_READER_ROLES.has(principal.role);
      if (mayRead) {
        return { ...item(queued), lotId: queued.lotId, event: queued.event, queuedAt: queued.queuedAt, updatedAt: queued.updatedAt };
      }
      // Not the poster: only what the ledger holds, and only if the chaincode lets this identity read it.
      if (queued.status !== 'committed') throw new AccessDeniedError('only the poster or an auditor may read a pending event');
    }
    try {
      const ev = await this.#ledger.getEvent(principal.identity, eventId);
      return { eventId, status: 'committed', txId: ev.txId, lotId: ev.lotId, event: ev };
    } catch (err) {
      if (err instanceof LedgerNotFoundError) throw new NotFoundError(`no event ${eventId}`, { cause: err });
      throw err;
    }
  }
}
