/**
 * Use cases on events: post (through the durable queue), and read one event's status.
 */
import type { Principal } from '../auth/principals';
import { AccessDeniedError, LedgerNotFoundError, NotFoundError, ValidationError } from '../errors';
import type { EventInput as QueueEventInput, EventQueue, QueuedEvent } from '../ports/event-queue';
import type { LedgerPort } from '../ports/ledger';
import type { BlockNumberIndex } from '../ports/ledger-blocks';
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

export interface PostOutcome {
  /** 202 queued, 201 all committed (wait=commit), or a 4xx when every event was rejected. */
  httpStatus: number;
  accepted: AcceptedItem[];
  /** When every event was rejected: the chaincode's code and sentence of the first. */
  rejection?: { code: string; sentence: string };
}

/** Drops null-valued optional fields: the ledger treats absent and null alike. */
export function toLedgerEvent(e: EventInput): QueueEventInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === null || v === undefined) continue;
    if (k === 'location' && typeof v === 'object') {
      const loc = Object.fromEntries(Object.entries(v as object).filter(([, x]) => x !== null && x !== undefined));
      out.location = loc;
    } else if (k === 'evidence' && Array.isArray(v)) {
      out.evidence = (v as Array<Record<string, unknown>>).map((ev) =>
        Object.fromEntries(Object.entries(ev).filter(([, x]) => x !== null && x !== undefined)),
      );
    } else {
      out[k] = v;
    }
  }
  return out as unknown as QueueEventInput;
}

const REJECTION_STATUS: Record<string, number> = { INVALID_ARGUMENT: 400, ACCESS_DENIED: 403, NOT_FOUND: 404, CONFLICT: 409 };

function item(q: QueuedEvent): AcceptedItem {
  return {
    eventId: q.eventId,
    status: q.status,
    ...(q.txId !== undefined && { txId: q.txId }),
    ...(q.blockNumber !== undefined && { blockNumber: q.blockNumber }),
    ...(q.reason !== undefined && { reason: q.reason }),
  };
}

export class EventsService {
  readonly #ledger: LedgerPort;
  readonly #queue: EventQueue;
  readonly #waitTimeoutMs: number;
  readonly #blocks: BlockNumberIndex | undefined;
  constructor(ledger: LedgerPort, queue: EventQueue, waitTimeoutMs: number, blocks?: BlockNumberIndex) {
    this.#ledger = ledger;
    this.#queue = queue;
    this.#waitTimeoutMs = waitTimeoutMs;
    this.#blocks = blocks;
  }

  /** The block number of a committed transaction from the ledger's index; `fallback` (or none) when it cannot say. */
  async #blockOf(identity: string, txId: unknown, fallback?: number): Promise<number | undefined> {
    if (typeof txId !== 'string' || !this.#blocks) return fallback;
    const found = await this.#blocks.blockNumbers(identity, [txId]).catch(() => undefined);
    return found?.get(txId) ?? fallback;
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
      const reason = items[0]?.reason ?? '';
      const m = /^(INVALID_ARGUMENT|ACCESS_DENIED|NOT_FOUND|CONFLICT):\s*(.*)$/s.exec(reason);
      const code = m?.[1] ?? 'INVALID_ARGUMENT';
      return {
        httpStatus: REJECTION_STATUS[code] ?? 400,
        accepted: items,
        rejection: { code, sentence: m?.[2] ?? reason },
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
        txId: typeof r.event.txId === 'string' ? r.event.txId : out.txId,
        ...(r.status === 'recorded' && { blockNumber: out.blockNumber }),
      })),
    };
  }

  /**
   * The event and its status: the outbox's record when this gateway queued it (poster or
   * auditor only), else the ledger's record (committed through another gateway).
   */
  async get(principal: Principal, eventId: string): Promise<Record<string, unknown>> {
    const queued = await this.#queue.get(eventId);
    if (queued) {
      const mayRead =
        queued.identity === principal.identity || queued.principal === principal.name || EVENT_READER_ROLES.has(principal.role);
      if (mayRead) {
        const out: Record<string, unknown> = { ...item(queued), lotId: queued.lotId, event: queued.event, queuedAt: queued.queuedAt, updatedAt: queued.updatedAt };
        // the outbox's number came from this tx's commit status; the ledger's index also knows it for a duplicate's first tx
        if (queued.status === 'committed') {
          const block = await this.#blockOf(principal.identity, queued.txId, queued.blockNumber);
          if (block !== undefined) out.blockNumber = block;
        }
        return out;
      }
      // Not the poster: only what the ledger holds, and only if the chaincode lets this identity read it.
      if (queued.status !== 'committed') throw new AccessDeniedError('only the poster or an auditor may read a pending event');
    }
    try {
      const ev = await this.#ledger.getEvent(principal.identity, eventId);
      const blockNumber = await this.#blockOf(principal.identity, ev.txId);
      return {
        eventId,
        status: 'committed',
        ...(typeof ev.txId === 'string' && { txId: ev.txId }),
        ...(blockNumber !== undefined && { blockNumber }),
        lotId: ev.lotId,
        event: ev,
      };
    } catch (err) {
      if (err instanceof LedgerNotFoundError) throw new NotFoundError(`no event ${eventId}`, { cause: err });
      throw err;
    }
  }
}
