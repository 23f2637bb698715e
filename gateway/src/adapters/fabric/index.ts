export { createFabricLedger, fabricConnections, type FabricLedgerOptions } from './fabric-ledger';
export { createFabricBlocks, type FabricBlocksOptions } from './fabric-blocks';
export { loadConnectionProfile, ConnectionProfileError, type ConnectionProfile } from './connection-profile';
export { mapFabricError } from './error-mapping';
export { fabricSigning } from './native-signer';
