/**
 * The event shape the queue stores and submits: the chaincode's `EventInput` (link as a number),
 * which the ledger port's `recordEvents` takes; the gateway's validated input is assignable to it.
 */
export type { EventInput } from '@acetrace/chaincode';
