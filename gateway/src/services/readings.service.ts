/**
 * POST /v1/readings: one {@link ReadingsService} per process over the durable queue, the reader
 * table file and an EPC → lot lookup on the ledger (GetLotByEpc).
 */
import type { Principal } from '../auth/principals';
import { AccessDeniedError, LedgerNotFoundError, LedgerUnknownTransactionError } from '../errors';
import { ReadingsService, loadReaderTable, type RawRead, type ReadingsResult } from '../ingestion/readings';
import type { EventQueue } from '../ports/event-queue';
import type { LedgerPort } from '../ports/ledger';
import { EVENT_POSTER_ROLES } from './events.service';

/** Roles that may post readings: the event posters (the chaincode checks each reader's link again). */
export const READINGS_POSTER_ROLES: ReadonlySet<string> = EVENT_POSTER_ROLES;

/** Role preference for the identity that looks EPCs up: least privilege first (every role may read a lot view). */
const LOOKUP_ROLES = ['viewer', 'auditor', 'compliance', 'broker', 'supplier', 'logistics', 'admin'];

export interface ReadingsDeps {
  ledger: LedgerPort;
  queue: EventQueue;
  /** The reader table file (re-read per request; a missing file is an empty table). */
  readersFile: string;
  /** Suppression window, ms. */
  windowMs: number;
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
  return new ReadingsService({
    queue: deps.queue,
    readers: () => loadReaderTable(deps.readersFile),
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

/** The use case: role gate, then the service. */
export class ReadingsUseCase {
  readonly #service: ReadingsService;
  constructor(service: ReadingsService) {
    this.#service = service;
  }

  /** @throws AccessDeniedError (403) unless the principal's role posts events. */
  assertMayPost(principal: Principal): void {
    if (!READINGS_POSTER_ROLES.has(principal.role)) {
      throw new AccessDeniedError(`role ${principal.role} may not post readings; needs ${[...READINGS_POSTER_ROLES].join(', ')}`);
    }
  }

  /**
   * Records raw reads as rfid events posted by `principal`.
   * @throws AccessDeniedError for roles that never post; queue errors (429/503); ledger errors of the EPC lookup (503).
   */
  post(principal: Principal, reads: RawRead[]): Promise<ReadingsResult> {
    this.assertMayPost(principal);
    return this.#service.record({ principal: principal.name, identity: principal.identity }, reads);
  }
}
