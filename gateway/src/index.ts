/** Public surface of @acetrace/gateway. */
export { listenOn, startGateway, type GatewayHandle, type StartOptions } from './server';
export { loadConfig, ConfigError, type Config } from './config';
export { rotateDataKey, retireDataKey, type RotationReport } from './at-rest/rotation';
export { createApp, type AppDeps } from './app';
export { createLogger } from './logger';
export { createMetrics } from './metrics';
export { createFabricLedger, fabricSigning } from './adapters/fabric';
export { buildOpenApiDocument } from './openapi';
export type { LedgerPort } from './ports/ledger';
export * from './errors';
