/**
 * The one error → RFC 9457 problem+json mapper. Known errors keep their status and sentence;
 * body-parser errors become 400/413/415; anything unknown is a 500 with a generic sentence
 * (logged with its stack, never sent).
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError, LedgerError, ReaderTableError, TooManyRequestsError, ValidationError, LedgerInvalidArgumentError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: Array<{ path: string; message: string }>;
  transactionId?: string;
  [extra: string]: unknown;
}

/** Builds a problem body; `type` is a stable URN per code. */
export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): ProblemBody {
  return {
    type: `urn:acetrace:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

/** Sends a problem+json response. */
export function sendProblem(res: Response, body: ProblemBody): void {
  const requestId = res.locals.requestId as string | undefined;
  res.status(body.status).type('application/problem+json').json({ ...body, ...(requestId ? { requestId } : {}) });
}

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/** A thrown value as its problem body, whether it is a server fault to log as error, and any Retry-After. */
interface MappedProblem {
  body: ProblemBody;
  fault: boolean;
  retryAfter?: number;
}

/** Maps any thrown value to a problem body, and whether it is a server fault to log as error. */
export function toProblem(err: unknown): MappedProblem {
  if (err instanceof ValidationError || err instanceof LedgerInvalidArgumentError) {
    const extra = err instanceof LedgerInvalidArgumentError && err.transactionId ? { transactionId: err.transactionId } : {};
    return { body: problem(400, 'INVALID_ARGUMENT', err.message, { errors: err.errors, ...extra }), fault: false };
  }
  if (err instanceof TooManyRequestsError) {
    return { body: problem(429, err.code, err.message), fault: false, retryAfter: err.retryAfterSeconds };
  }
  if (err instanceof AppError) return appErrorProblem(err);
  return foreignErrorProblem(err as BodyParserError | null | undefined);
}

/** The gateway's own errors: their status and code, with what identifies the case. */
function appErrorProblem(err: AppError): MappedProblem {
  const extra: Record<string, unknown> = {};
  if (err instanceof LedgerError && err.transactionId) extra.transactionId = err.transactionId;
  const retryAfter = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  const eventId = (err as { eventId?: unknown }).eventId;
  if (typeof eventId === 'string') extra.eventId = eventId;
  if (err instanceof ReaderTableError) extra.file = err.file;
  const fault = err.status >= 500;
  return {
    body: problem(err.status, err.code, err.message, extra),
    fault,
    ...(typeof retryAfter === 'number' ? { retryAfter } : err.status === 503 ? { retryAfter: 2 } : {}),
  };
}

/** body-parser's errors by their type, other client errors by their status, anything else a 500. */
function foreignErrorProblem(bp: BodyParserError | null | undefined): MappedProblem {
  const parsing = bodyParserProblem(bodyParserType(bp));
  if (parsing) return parsing;
  const status = bp?.status ?? bp?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { body: problem(status, 'BAD_REQUEST', 'the request could not be processed'), fault: false };
  }
  return { body: problem(500, 'INTERNAL', 'an unexpected error occurred; the request id identifies it in the logs'), fault: true };
}

/** The `type` a body-parser error carries, if the value is one. */
function bodyParserType(bp: BodyParserError | null | undefined): string | undefined {
  return typeof bp === 'object' && bp !== null && typeof bp.type === 'string' ? bp.type : undefined;
}

/** The problem of a body-parser error type, if it is one the gateway names. */
function bodyParserProblem(type: string | undefined): MappedProblem | undefined {
  switch (type) {
    case 'entity.too.large':
      return { body: problem(413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than this gateway accepts'), fault: false };
    case 'entity.parse.failed':
      return {
        body: problem(400, 'INVALID_ARGUMENT', 'the request body is not valid JSON', {
          errors: [{ path: 'body', message: 'not valid JSON' }],
        }),
        fault: false,
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { body: problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported content encoding or charset'), fault: false };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return {
        body: problem(400, 'INVALID_ARGUMENT', 'the request body could not be read', { errors: [{ path: 'body', message: 'unreadable' }] }),
        fault: false,
      };
  }
  return undefined;
}

/** The Express error middleware (registered last). */
export function errorMiddleware(logger: Logger, metrics?: Metrics) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { body, fault, retryAfter } = toProblem(err);
    metrics?.errors.inc({ type: body.code });
    const logged = {
      status: body.status,
      code: body.code,
      method: req.method,
      path: req.path,
      err: err instanceof Error ? { name: err.name, message: err.message, ...(fault ? { stack: err.stack } : {}) } : String(err),
      ...(err instanceof LedgerError
        ? { transactionId: err.transactionId, grpcCode: err.grpcCode, details: err.details, transaction: err.transaction }
        : {}),
    };
    if (fault) logger.error(logged, 'request failed');
    else logger.info(logged, 'request refused');
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
    if (body.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="acetrace", ApiKey header="X-API-Key"');
    sendProblem(res, body);
  };
}
