export { createFabricLedger, type FabricLedgerOptions } from './fabric-ledger';
export { loadConnectionProfile, ConnectionProfileError, type ConnectionProfile } from './connection-profile';
export { mapFabricError } from './error-mapping';
