/**
 * Side effect only, imported first: fabric-contract-api and fabric-shim log through winston at
 * CORE_CHAINCODE_LOGGING_LEVEL (default INFO: a line per decorated transaction as soon as the
 * chaincode module loads). `npm start` keeps them quiet unless the operator chose a level.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ||= 'CRITICAL';
process.env.CORE_CHAINCODE_LOGGING_SHIM ||= 'CRITICAL';
export {};
