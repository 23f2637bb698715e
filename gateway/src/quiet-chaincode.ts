/**
 * Side effect only, imported before `@acetrace/chaincode`: fabric-contract-api and fabric-shim log
 * through winston at `CORE_CHAINCODE_LOGGING_LEVEL` (default INFO: a line per decorated transaction
 * when the contract module loads). The gateway only borrows pure helpers and constants from the package (readings, error mapping), so it
 * keeps them quiet unless the operator chose a level.
 */
if ((process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? '') === '') process.env.CORE_CHAINCODE_LOGGING_LEVEL = 'CRITICAL';
if ((process.env.CORE_CHAINCODE_LOGGING_SHIM ?? '') === '') process.env.CORE_CHAINCODE_LOGGING_SHIM = 'CRITICAL';
export {};
