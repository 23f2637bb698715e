/**
 * The event shape the queue stores and submits: the gateway's validated `EventInput` (link as a
 * number), which is assignable to the chaincode's `EventInput` (ARCHITECTURE.md §4) and is what
 * the ledger port's `recordEvents` takes.
 */
export type { EventInput } from '../schemas';
