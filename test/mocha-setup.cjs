// Loaded by mocha before any test file: fabric-shim and fabric-contract-api log every
// transaction at info level through winston; tests only want their own output.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
process.env.CORE_CHAINCODE_LOGGING_SHIM ??= 'CRITICAL';
