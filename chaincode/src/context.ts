/**
 * The transaction context of the acetrace contract: fabric-contract-api's Context plus the caller
 * and the store, so transactions do not rebuild them. Both are computed on first use, because
 * fabric-shim injects the stub and the client identity only after `createContext()` returns.
 */
import { Context } from 'fabric-contract-api';
import type { ClientIdentity } from 'fabric-shim-api';
import { accessDenied } from './errors';
import type { ChaincodeEventName, ChaincodeEventPayload } from './events';
import { marshal } from './keys';
import { Store } from './store';
import { timestampToIso } from './time';
import { ROLES, ROLE_ATTRIBUTE, type Caller, type Role } from './types';

/** The signer: MSP id and `acetrace.role` from its certificate. @throws ACCESS_DENIED without a known role. */
export function callerOf(identity: Pick<ClientIdentity, 'getMSPID' | 'getAttributeValue'>): Caller {
  const mspId = identity.getMSPID();
  const role = identity.getAttributeValue(ROLE_ATTRIBUTE);
  if (!role) throw accessDenied(`identity of ${mspId} has no ${ROLE_ATTRIBUTE} attribute; needs one of ${ROLES.join(', ')}`);
  if (!(ROLES as readonly string[]).includes(role)) {
    throw accessDenied(`identity of ${mspId} has unknown role ${role}; needs one of ${ROLES.join(', ')}`);
  }
  return { mspId, role: role as Role };
}

/** One transaction's context: who calls, the ledger, the transaction's id and time, its one event. */
export class TraceabilityContext extends Context {
  #caller: Caller | undefined;
  #store: Store | undefined;

  /** The caller, read from the certificate once. @throws ACCESS_DENIED without a known `acetrace.role`. */
  get caller(): Caller {
    this.#caller ??= callerOf(this.clientIdentity);
    return this.#caller;
  }

  /** Typed ledger access over this transaction's stub. */
  get store(): Store {
    this.#store ??= new Store(this.stub);
    return this.#store;
  }

  /** The transaction id (the same on every endorser). */
  get txId(): string {
    return this.stub.getTxID();
  }

  /** The transaction timestamp as ISO 8601 UTC: the only clock a deterministic contract may read. */
  get txTime(): string {
    return timestampToIso(this.stub.getTxTimestamp());
  }

  /**
   * Sets this transaction's chaincode event (Fabric keeps one per transaction: call once, after the
   * writes). The payload is written with sorted keys like every other ledger value.
   */
  emit(type: ChaincodeEventName, lotIds: string[], eventIds: string[], extra: Record<string, unknown>): void {
    const payload: ChaincodeEventPayload = { ...extra, type, lotIds, eventIds, recordedBy: this.caller.mspId, txId: this.txId };
    this.stub.setEvent(type, marshal(payload));
  }
}
