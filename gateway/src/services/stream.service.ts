/** Committed ledger events for auditors and operators, resumable from a position. */
import type { Principal } from '../auth/principals';
import { AccessDeniedError } from '../errors';
import type { LedgerEventStream, LedgerPort, StreamPosition } from '../ports/ledger';

/** Roles that may follow the stream: auditors and operators. */
export const STREAM_ROLES: ReadonlySet<string> = new Set(['auditor', 'compliance', 'admin']);

/** `<blockNumber>:<txId>`, the SSE id of an event. */
export function eventPositionId(blockNumber: number, txId: string): string {
  return `${String(blockNumber)}:${txId}`;
}

/** Parses an SSE id back into a position (validated by the schema beforehand). */
export function parsePositionId(id: string): StreamPosition {
  const i = id.indexOf(':');
  return { blockNumber: Number(id.slice(0, i)), txId: id.slice(i + 1) };
}

export class StreamService {
  readonly #ledger: LedgerPort;
  constructor(ledger: LedgerPort) {
    this.#ledger = ledger;
  }

  /** Throws 403 unless the principal's role may follow the stream. */
  authorize(principal: Principal): void {
    if (!STREAM_ROLES.has(principal.role)) {
      throw new AccessDeniedError(`role ${principal.role} may not follow the ledger stream`);
    }
  }

  /** Opens the stream after `from` (exclusive when it names a transaction). */
  open(principal: Principal, from?: StreamPosition): Promise<LedgerEventStream> {
    this.authorize(principal);
    return this.#ledger.streamEvents(principal.identity, from);
  }
}
