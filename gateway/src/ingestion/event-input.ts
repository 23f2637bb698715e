/**
 * The event shape the queue stores and submits: the chaincode's `EventInput` (link as a number) plus its
 * private fields, which the ledger port's `recordEvents` takes (the adapter sends them in the transient map);
 * the gateway's validated input is assignable to it.
 */
export type { EventSubmission as EventInput } from '../ports/ledger';
