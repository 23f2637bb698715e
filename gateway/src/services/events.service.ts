/**
 * Use cases on events: post (checked as the chaincode would, then through the durable queue), and read
 * one event's status.
 */
import type { Principal } from '../auth/principals';
import { AccessDeniedError, LedgerNotFoundError, NotFoundError, ValidationError, ledgerRejectionError } from '../errors';
import { type EventInput as LedgerEventInput, type EventQueue, type EventStatus, type QueuedEvent, rejectionText } from '../ports/event-queue';
import type { EventRecord, LedgerPort } from '../ports/ledger';
import type { BlockNumberIndex } from '../ports/ledger-blocks';
import type { EventInput } from '../schemas';
import { EventAdmission } from './event-admission';

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
  /** 202 queued (or still on its way at the wait's end), 201 all committed (wait=commit), or a 4xx when every event was rejected. */
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
    ...(q.failure !== undefined && { reason: `${q.failure.code}: ${q.failure.message}` }),
  };
}

export class EventsService {
  readonly #ledger: LedgerPort;
  readonly #queue: EventQueue;
  readonly #waitTimeoutMs: number;
  readonly #admission: EventAdmission;
  readonly #blocks: BlockNumberIndex | undefined;
  /**
   * @param blocks - the ledger's index of transactions to blocks (block numbers come from the ledger, not the outbox).
   * @param admission - the pre-checks before the 202 (built over `ledger` and `queue` when absent).
   */
  constructor(ledger: LedgerPort, queue: EventQueue, waitTimeoutMs: number, blocks?: BlockNumberIndex, admission?: EventAdmission) {
    this.#ledger = ledger;
    this.#queue = queue;
    this.#waitTimeoutMs = waitTimeoutMs;
    this.#blocks = blocks;
    this.#admission = admission ?? new EventAdmission(ledger, queue);
  }

  /** The block number of a committed transaction from the ledger's index; `fallback` (or none) when it cannot say. */
  async #blockOf(identity: string, txId: unknown, fallback?: number): Promise<number | undefined> {
    if (typeof txId !== 'string' || !this.#blocks) return fallback;
    const found = await this.#blocks.blockNumbers(identity, [txId]).catch(() => undefined);
    return found?.get(txId) ?? fallback;
  }

  /**
   * Checks the events as the chaincode would (request alone, and that their lots exist), queues them
   * durably, and with `waitCommit` waits for their outcome. A correction goes alone, the same way.
   * @param batch - the body was `{ events: [...] }` (refusals name `events[i].…`); default: more than one event.
   * @throws AccessDeniedError for roles that never post; the chaincode's refusals (400/403/404) before
   * anything is stored; queue errors (429/503/409).
   */
  async post(principal: Principal, events: EventInput[], waitCommit: boolean, batch = events.length > 1): Promise<PostOutcome> {
    if (!EVENT_POSTER_ROLES.has(principal.role)) {
      throw new AccessDeniedError(`role ${principal.role} may not post events`);
    }
    const ledgerEvents = events.map(toLedgerEvent);
    await this.#admit(principal, events, ledgerEvents, batch);
    const accepted = await this.#queue.enqueue({ principal: principal.name, identity: principal.identity }, ledgerEvents);
    if (!waitCommit) return { httpStatus: 202, accepted: accepted.map((a) => ({ eventId: a.eventId, status: a.status })) };
    return this.#committedOutcome(accepted);
  }

  /** The chaincode's checks before anything is stored: a correction alone, other events as a batch. */
  async #admit(principal: Principal, events: EventInput[], ledgerEvents: LedgerEventInput[], batch: boolean): Promise<void> {
    const correction = events.findIndex((e) => e.correctionOf != null);
    const [only] = ledgerEvents;
    if (correction >= 0) {
      if (ledgerEvents.length !== 1 || only === undefined) {
        throw new ValidationError(
          [{ path: `events[${String(correction)}].correctionOf`, message: 'post a correction alone, not in a batch' }],
          `events[${String(correction)}].correctionOf: post a correction alone, not in a batch`,
        );
      }
      await this.#admission.admitCorrection(principal, only);
    } else {
      await this.#admission.admitEvents(principal, ledgerEvents, batch);
    }
  }

  /** Waits for the queued events' outcome: 201 when all committed, the first refusal's status when all were refused, else 202. */
  async #committedOutcome(accepted: Array<{ eventId: string; status: EventStatus }>): Promise<PostOutcome> {
    const ids = accepted.map((a) => a.eventId);
    const states = await this.#queue.waitFor(ids, this.#waitTimeoutMs);
    const byId = new Map(states.map((s) => [s.eventId, s]));
    const items = accepted.map((a) => {
      const s = byId.get(a.eventId);
      return s ? item(s) : { eventId: a.eventId, status: a.status };
    });
    const pending = items.some((i) => i.status !== 'committed' && i.status !== 'rejected');
    // (a `dead` event counts as pending here: 202 with its state and reason, nothing for the client to fix)
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
   * The event and its status: the outbox's record when this gateway queued it (poster or
   * auditor only), else the ledger's record (committed through another gateway).
   */
  async get(principal: Principal, eventId: string): Promise<EventStatusAnswer> {
    const queued = await this.#queue.get(eventId);
    if (queued) {
      const mayRead =
        queued.identity === principal.identity || queued.principal === principal.name || EVENT_READER_ROLES.has(principal.role);
      if (mayRead) return this.#queuedAnswer(principal, queued);
      // Not the poster: only what the ledger holds, and only if the chaincode lets this identity read it.
      if (queued.status !== 'committed') throw new AccessDeniedError('only the poster or an auditor may read a pending event');
    }
    try {
      const ev = await this.#ledger.getEvent(principal.identity, eventId);
      const blockNumber = await this.#blockOf(principal.identity, ev.txId);
      return { eventId, status: 'committed', txId: ev.txId, ...(blockNumber !== undefined && { blockNumber }), lotId: ev.lotId, event: ev };
    } catch (err) {
      if (err instanceof LedgerNotFoundError) throw new NotFoundError(`no event ${eventId}`, { cause: err });
      throw err;
    }
  }

  /** The outbox's record of an event, with its block number from the ledger's index once committed. */
  async #queuedAnswer(principal: Principal, queued: QueuedEvent): Promise<EventStatusAnswer> {
    const out: EventStatusAnswer = { ...item(queued), lotId: queued.lotId, event: queued.event, queuedAt: queued.queuedAt, updatedAt: queued.updatedAt };
    // the outbox's number came from this tx's commit status; the ledger's index also knows it for a duplicate's first tx
    if (queued.status === 'committed') {
      const block = await this.#blockOf(principal.identity, queued.txId, queued.blockNumber);
      if (block !== undefined) out.blockNumber = block;
    }
    return out;
  }
}
