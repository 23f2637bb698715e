/**
 * Side effect only, imported first: fabric-contract-api and fabric-shim log through winston at
 * CORE_CHAINCODE_LOGGING_LEVEL (default INFO: a line per decorated transaction as soon as the
 * chaincode module loads). `npm start` keeps them quiet unless the operator chose a level.
 */
// an empty variable is no choice either, hence a falsy test rather than ??=
for (const name of ['CORE_CHAINCODE_LOGGING_LEVEL', 'CORE_CHAINCODE_LOGGING_SHIM']) {
  if ((process.env[name] ?? '') === '') process.env[name] = 'CRITICAL';
}
export {};
