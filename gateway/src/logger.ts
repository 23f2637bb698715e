/**
 * pino JSON logger; every line written inside a request carries its `requestId` (and the
 * principal once known) from AsyncLocalStorage, as practica's request-context does.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';

export interface RequestContext {
  requestId: string;
  principal?: string;
  /** The request asked for answers evaluated now (`Cache-Control: no-cache`), not kept ones. */
  fresh?: boolean;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The current request's context, if any. */
export function currentContext(): RequestContext | undefined {
  return requestContext.getStore();
}

const CREDENTIAL_PATHS = ['req.headers["x-api-key"]', 'req.headers.authorization', 'apiKey'];

/**
 * Private data never reaches a log line (domain.md "Private data"): a body's `private` fields and evidence
 * URIs, wherever a lot, an event, a batch of events or a request body is logged (redact paths cannot recurse,
 * so each depth a log call uses is listed), and request bodies as a whole.
 */
const PRIVATE_DATA_PATHS = [
  'req.body',
  'body',
  'private',
  'evidence[*].uri',
  ...['*', 'events[*]', 'lots[*]', '*.events[*]', '*.lots[*]', '*.*'].flatMap((at) => [`${at}.private`, `${at}.evidence[*].uri`]),
];

/** Creates the gateway logger (JSON to stdout, or to `destination`). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'acetrace-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const ctx = requestContext.getStore();
        return ctx ? { requestId: ctx.requestId, ...(ctx.principal ? { principal: ctx.principal } : {}) } : {};
      },
      redact: { paths: [...CREDENTIAL_PATHS, ...PRIVATE_DATA_PATHS], censor: '[redacted]' },
    },
    destination,
  );
}

export type { Logger };
