/**
 * A 202 is an honest promise (api.md "Conventions"): before events go on the outbox, everything the
 * chaincode would refuse for the request alone is refused here, with the status and problem body a
 * synchronous refusal gives. The rules are the chaincode's own functions, run in the gateway:
 *
 * - field formats, EPC spellings and limits: `validateEventBatch` / `validateEventInput` (with the lot's
 *   EPCs, as the chaincode resolves Digital Link company prefixes);
 * - the lot must be registered: `ReadLot` through the ledger port, positives cached (a lot never goes away),
 *   negatives never cached, so a lot registered a moment ago through another gateway is found on the next try;
 * - the role may post the link and kind: `checkPost`. A compliance officer acts with the roles its
 *   organisation holds, which live on the ledger with no read verb for them: the gateway checks with the
 *   widest set an organisation can hold (the chaincode's default), so it refuses only what no organisation
 *   may do and leaves a narrower registered set to the chaincode at commit;
 * - a correction: compliance only, the original event known (in this outbox, or on the ledger as the
 *   caller reads it), recorded by the caller's organisation, on the same lot.
 *
 * Left to the chaincode at commit, because they depend on ledger state beyond the lot: device ownership,
 * custody and write-scope rules, an event id already recorded through another gateway with other content.
 * When the ledger does not answer a lookup, the events are accepted (the outbox promise holds through
 * outages) and the chaincode judges them at commit.
 */
import '../quiet-chaincode';
import {
  ChaincodeError,
  ID_PATTERN,
  ROLES,
  ValidationError as ChaincodeValidationError,
  checkPost,
  type Caller,
  type Role,
  validateEventBatch,
  validateEventInput,
} from '@acetrace/chaincode';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import type { Principal } from '../auth/principals';
import { LedgerAccessDeniedError, LedgerNotFoundError, ledgerRejectionError } from '../errors';
import type { EventInput, EventQueue } from '../ports/event-queue';
import type { LedgerPort } from '../ports/ledger';

export interface EventAdmissionOptions {
  /** Most EPCs held by the cache of known lots (a lot counts 1 + its EPCs). Default 1,000,000. */
  lotCacheMaxEpcs?: number;
  /** How long a known lot is remembered, ms. Default 1 hour. */
  lotCacheTtlMs?: number;
  /** Lot lookups in flight at once, across requests. Default 8. */
  lookupConcurrency?: number;
}

/** What a lookup found: the lot's EPCs, no lot (NOT_FOUND), or no answer from the ledger. */
type LotLookup = { epcs: readonly string[] } | 'absent' | 'unknown';

const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** The chaincode's refusal as the typed error a synchronous refusal would be (same status and body). */
function refusal(err: ChaincodeError): Error {
  const sentence = err.message.startsWith(`${err.code}: `) ? err.message.slice(err.code.length + 2) : err.message;
  const problems = err instanceof ChaincodeValidationError ? err.problems.map((p) => ({ path: p.path, message: p.message })) : [];
  return ledgerRejectionError(err.code, sentence, {}, problems);
}

/** Runs `fn`, turning a thrown chaincode refusal into its typed gateway error. */
function asRefusal<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof ChaincodeError ? refusal(err) : err;
  }
}

/** Refuses, before the 202, what the chaincode would refuse for a request alone. */
export class EventAdmission {
  readonly #ledger: Pick<LedgerPort, 'readLot' | 'getEvent' | 'identities'>;
  readonly #queue: Pick<EventQueue, 'get'>;
  readonly #lots: LRUCache<string, readonly string[]>;
  readonly #inFlight = new Map<string, Promise<LotLookup>>();
  readonly #limit: pLimit.Limit;

  constructor(ledger: Pick<LedgerPort, 'readLot' | 'getEvent' | 'identities'>, queue: Pick<EventQueue, 'get'>, options: EventAdmissionOptions = {}) {
    this.#ledger = ledger;
    this.#queue = queue;
    this.#lots = new LRUCache<string, readonly string[]>({
      maxSize: options.lotCacheMaxEpcs ?? 1_000_000,
      sizeCalculation: (epcs) => 1 + epcs.length,
      ttl: options.lotCacheTtlMs ?? 3600_000,
    });
    this.#limit = pLimit(options.lookupConcurrency ?? 8);
  }

  /**
   * Checks events as RecordEvents would, in its order: formats of all, then per event its lot and the
   * poster's permission for its link and kind.
   * @param batch - the request was `{ events: [...] }` (paths `events[i].…`), else one event (paths `…`).
   * @throws LedgerInvalidArgumentError (400), LedgerNotFoundError (404) or LedgerAccessDeniedError (403).
   */
  async admitEvents(principal: Principal, events: readonly EventInput[], batch: boolean): Promise<void> {
    const lots = await this.#lookupLots(principal.identity, events.map((e) => e.lotId));
    const knownEpcs = (lotId: string): readonly string[] => {
      const l = lots.get(lotId);
      return typeof l === 'object' ? l.epcs : [];
    };
    const [single] = events;
    const normalised = asRefusal(() =>
      batch || single === undefined
        ? validateEventBatch(events, knownEpcs)
        : [validateEventInput(single, { knownEpcs: knownEpcs(single.lotId) })],
    );
    const caller = callerOf(principal);
    normalised.forEach((e, i) => {
      const at = batch ? `events[${String(i)}].` : '';
      if (lots.get(e.lotId) === 'absent') throw ledgerRejectionError('NOT_FOUND', `${at}lotId: lot ${e.lotId} is not registered`);
      // compliance: null organisation roles = the widest set (see the file comment)
      const denied = caller ? checkPost(caller, e.link, e.kind, null) : undefined;
      if (denied) throw refusal(denied);
    });
  }

  /**
   * Checks a correction as RecordCorrection would: compliance only, its fields, the original event known,
   * recorded by the caller's organisation, on the same lot.
   * @throws the typed refusals of {@link admitEvents}.
   */
  async admitCorrection(principal: Principal, correction: EventInput): Promise<void> {
    const msp = principal.mspId;
    if (principal.role !== 'compliance') {
      throw ledgerRejectionError('ACCESS_DENIED', `role ${principal.role} of ${msp} may not record corrections; needs compliance`);
    }
    const lots = await this.#lookupLots(principal.identity, [correction.lotId]);
    const lot = lots.get(correction.lotId);
    asRefusal(() => validateEventInput(correction, { correction: true, knownEpcs: typeof lot === 'object' ? lot.epcs : [] }));
    const originalId = correction.correctionOf ?? '';
    const original = await this.#original(principal, originalId);
    if (original === 'absent') throw ledgerRejectionError('NOT_FOUND', `correctionOf: event ${originalId} is not recorded`);
    if (original === 'unknown') return;
    if (original.recordedBy !== msp) {
      throw ledgerRejectionError(
        'ACCESS_DENIED',
        `role compliance of ${msp} may not correct event ${originalId}: it was not recorded by ${msp}; needs compliance of its recording organisation`,
      );
    }
    if (correction.lotId !== original.lotId) {
      const message = `must be ${original.lotId}, the lot of event ${originalId}`;
      throw ledgerRejectionError('INVALID_ARGUMENT', `lotId: ${message}`, {}, [{ path: 'lotId', message }]);
    }
  }

  /** The event a correction names: from this outbox while on its way, else as the ledger shows it to the caller. */
  async #original(principal: Principal, eventId: string): Promise<{ recordedBy: string; lotId: string } | 'absent' | 'unknown'> {
    const queued = await this.#queue.get(eventId);
    if (queued && queued.status !== 'committed') {
      if (queued.status === 'rejected' || queued.status === 'dead') return 'absent';
      const recordedBy = this.#ledger.identities().find((i) => i.name === queued.identity)?.mspId;
      return recordedBy === undefined ? 'unknown' : { recordedBy, lotId: queued.lotId };
    }
    try {
      const ev = await this.#limit(() => this.#ledger.getEvent(principal.identity, eventId));
      return { recordedBy: ev.recordedBy, lotId: ev.lotId };
    } catch (err) {
      if (err instanceof LedgerNotFoundError) return 'absent';
      // the chaincode lets compliance read its own organisation's events: a refusal means another recorder
      if (err instanceof LedgerAccessDeniedError) return { recordedBy: '', lotId: '' };
      return 'unknown';
    }
  }

  /** The lots named (well-formed ids only), through the cache; lookups of one lot in flight are shared. */
  async #lookupLots(identity: string, lotIds: readonly string[]): Promise<Map<string, LotLookup>> {
    const out = new Map<string, LotLookup>();
    const wanted = [...new Set(lotIds.filter((id) => typeof id === 'string' && ID_PATTERN.test(id)))];
    await Promise.all(
      wanted.map(async (lotId) => {
        const epcs = this.#lots.get(lotId);
        if (epcs) return void out.set(lotId, { epcs });
        let pending = this.#inFlight.get(lotId);
        if (!pending) {
          pending = this.#readLot(identity, lotId).finally(() => this.#inFlight.delete(lotId));
          this.#inFlight.set(lotId, pending);
        }
        out.set(lotId, await pending);
      }),
    );
    return out;
  }

  async #readLot(identity: string, lotId: string): Promise<LotLookup> {
    try {
      const view = await this.#limit(() => this.#ledger.readLot(identity, lotId));
      this.#lots.set(lotId, view.lot.epcs);
      return { epcs: view.lot.epcs };
    } catch (err) {
      return err instanceof LedgerNotFoundError ? 'absent' : 'unknown';
    }
  }
}

/** The chaincode's view of the principal (its Fabric identity's MSP and role), or undefined for a role it does not know. */
function callerOf(principal: Principal): Caller | undefined {
  return isRole(principal.role) ? { mspId: principal.mspId, role: principal.role } : undefined;
}
