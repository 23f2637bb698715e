/**
 * Custody and write scope (domain.md "Custody and write scope"), as pure rules over a lot, its
 * handover records and the lots it is or was inside. The store-backed loading is in scope.ts.
 *
 * A lot's custodian at registration is its owner, from the beginning of time (events may be
 * dated before the lot was registered). A `handover` naming `handoverTo` passes custody from its
 * event time; handovers of one lot are appended in strictly increasing time, so the chain is a
 * partition of time into consecutive half-open intervals [from, until).
 */
import { accessDenied, conflict, type ChaincodeError } from './errors';
import type { Anomaly, Caller, CustodyEntry, CustodyRecord, EventRecord, LotRecord } from './types';

/** Links the importer of record may always post on (domain.md): export clearance and US port of entry. */
export const IMPORTER_LINKS: readonly number[] = [8, 11];

/** The rule a refused write names. */
export const WRITE_SCOPE_RULE =
  'write scope: only the lot’s owner, its importer of record, or a current or past custodian of the lot or of a container it is inside may post on it';

/** One custodian's interval with UTC keys (null: unbounded). */
export interface CustodyInterval {
  readonly mspId: string;
  readonly from: string | null;
  readonly fromUtc: string | null;
  readonly until: string | null;
  readonly untilUtc: string | null;
  readonly eventId: string | null;
  readonly gln: string | null;
}

/** Handovers in chain order: time, then recorder and event id (equal times never commit for one lot). */
export function compareHandovers(a: CustodyRecord, b: CustodyRecord): number {
  if (a.fromUtc !== b.fromUtc) return a.fromUtc < b.fromUtc ? -1 : 1;
  if (a.recordedBy !== b.recordedBy) return a.recordedBy < b.recordedBy ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/** The custody chain of a lot owned by `ownerMsp`: the owner from the beginning, then one interval per handover. */
export function custodyChain(ownerMsp: string, handovers: readonly CustodyRecord[]): CustodyInterval[] {
  const sorted = [...handovers].sort(compareHandovers);
  const out: CustodyInterval[] = [];
  let current: { mspId: string; from: string | null; fromUtc: string | null; eventId: string | null; gln: string | null } = {
    mspId: ownerMsp, from: null, fromUtc: null, eventId: null, gln: null,
  };
  for (const h of sorted) {
    out.push({ ...current, until: h.from, untilUtc: h.fromUtc });
    current = { mspId: h.mspId, from: h.from, fromUtc: h.fromUtc, eventId: h.eventId, gln: h.gln };
  }
  out.push({ ...current, until: null, untilUtc: null });
  return out;
}

/** The interval holding instant `utc` (a handover's own instant belongs to the new custodian). */
export function intervalAt(chain: readonly CustodyInterval[], utc: string): CustodyInterval {
  for (const i of chain) {
    if ((i.fromUtc === null || i.fromUtc <= utc) && (i.untilUtc === null || utc < i.untilUtc)) return i;
  }
  return chain[chain.length - 1] as CustodyInterval; // unreachable for a chain from custodyChain
}

/** Who held the lot at `utc`. */
export function custodianAt(chain: readonly CustodyInterval[], utc: string): string {
  return intervalAt(chain, utc).mspId;
}

/** The custodian now (the last interval). */
export function currentCustodian(chain: readonly CustodyInterval[]): string {
  return (chain[chain.length - 1] as CustodyInterval).mspId;
}

/** Every organisation that held the lot at some time (owner first). */
export function custodians(chain: readonly CustodyInterval[]): string[] {
  return [...new Set(chain.map((i) => i.mspId))];
}

/** The chain as the provenance shows it. */
export function custodyEntries(chain: readonly CustodyInterval[]): CustodyEntry[] {
  return chain.map((i) => ({ mspId: i.mspId, from: i.from, until: i.until, eventId: i.eventId, gln: i.gln }));
}

/** True when the organisation owns or imports the lot (always within its write scope). */
export function ownsOrImports(mspId: string, lot: Pick<LotRecord, 'ownerMsp' | 'importerMsp'>): boolean {
  return lot.ownerMsp === mspId || lot.importerMsp === mspId;
}

/**
 * Refusal for posting on a lot, or undefined: the caller's organisation must own or import it, or
 * hold or have held custody of it or of a container it is or was inside (`heldContainer`).
 */
export function checkWriteScope(
  caller: Caller,
  lot: Pick<LotRecord, 'lotId' | 'ownerMsp' | 'importerMsp'>,
  chain: readonly CustodyInterval[],
  heldContainer: boolean,
  path: string,
): ChaincodeError | undefined {
  if (ownsOrImports(caller.mspId, lot) || custodians(chain).includes(caller.mspId) || heldContainer) return undefined;
  return accessDenied(`${path}: ${caller.mspId} may not post on lot ${lot.lotId}; ${WRITE_SCOPE_RULE}`);
}

/**
 * Refusal for a handover that names `handoverTo`, or undefined: it must be later than the lot's latest
 * handover and posted by the custodian at its time (`effectiveCustodian`: the lot's own custodian, or the
 * custodian of a container it is inside then), or by the importer of record on links 8 and 11.
 */
export function checkHandover(
  caller: Caller,
  lot: Pick<LotRecord, 'lotId' | 'importerMsp'>,
  chain: readonly CustodyInterval[],
  event: Pick<EventRecord, 'eventId' | 'eventTime' | 'eventTimeUtc' | 'link'>,
  effectiveCustodian: boolean,
  path: string,
): ChaincodeError | undefined {
  const last = chain[chain.length - 1] as CustodyInterval;
  if (last.fromUtc !== null && event.eventTimeUtc <= last.fromUtc) {
    return conflict(
      `${path}: a handover of lot ${lot.lotId} at ${event.eventTime} must be later than its latest handover ${last.eventId ?? ''} at ${last.from ?? ''}; custody changes are appended in time order`,
    );
  }
  if (effectiveCustodian) return undefined;
  if (lot.importerMsp === caller.mspId && IMPORTER_LINKS.includes(event.link)) return undefined;
  return accessDenied(
    `${path}: ${caller.mspId} may not hand over lot ${lot.lotId}: only its custodian at ${event.eventTime} posts a handover (or the importer of record on links ${IMPORTER_LINKS.join(' and ')})`,
  );
}

/** Kinds whose recorder must have been there: a reader's read or a tracker's fix. */
const PRESENCE_KINDS = new Set(['rfid', 'gps']);

/**
 * RFID and GPS events whose recorder held neither the lot they were recorded on nor a container it
 * was inside at the event time. `heldAt(lotId, mspId, utc)` answers that; it is only asked about
 * lots under custody rules (older lots were written without them).
 */
export function outsideCustody(
  events: ReadonlyArray<Pick<EventRecord, 'eventId' | 'lotId' | 'kind' | 'eventTime' | 'eventTimeUtc' | 'recordedBy'>>,
  heldAt: (lotId: string, mspId: string, utc: string) => boolean | undefined,
): Anomaly[] {
  const out: Anomaly[] = [];
  for (const e of events) {
    if (!PRESENCE_KINDS.has(e.kind)) continue;
    if (heldAt(e.lotId, e.recordedBy, e.eventTimeUtc) === false) {
      out.push({
        type: 'outside-custody',
        eventIds: [e.eventId],
        detail: `${e.kind} event ${e.eventId} on lot ${e.lotId} at ${e.eventTime} was recorded by ${e.recordedBy}, which did not hold the lot or a container it was inside at that time`,
      });
    }
  }
  return out;
}
