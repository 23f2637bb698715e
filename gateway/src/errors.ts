/**
 * Typed errors of the gateway. Each carries a stable string `code` that survives process
 * boundaries, an HTTP `status`, the original `cause`, and for ledger errors the transaction
 * id, the peers' error details and the chaincode's own message.
 * The one HTTP mapper (http/problem.ts) turns them into RFC 9457 problem+json.
 */
import type { ErrorCode } from '@acetrace/chaincode';

/** One node's error detail, as reported by the Fabric Gateway. */
export interface NodeErrorDetail {
  address: string;
  mspId: string;
  message: string;
}

/** A field-level validation problem: `path` uses dots and [n] (`events[2].location.lat`). */
export interface FieldError {
  path: string;
  message: string;
}

/** What every AppError may carry besides its message. */
export interface AppErrorOptions {
  cause?: unknown;
  metadata?: Record<string, unknown>;
}

/** Base class: stable `code`, HTTP `status`, `cause` and free `metadata`. */
export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly metadata: Record<string, unknown>;
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.metadata = options.metadata ?? {};
  }
}

/** 400: the input is invalid; `errors` names each field. */
export class ValidationError extends AppError {
  readonly code = 'INVALID_ARGUMENT';
  readonly status = 400;
  readonly errors: FieldError[];
  constructor(errors: FieldError[], message = 'the request is invalid', options?: AppErrorOptions) {
    super(message, options);
    this.errors = errors;
  }
}

/** An AppError whose `code` and `status` its class fixes (see {@link fixedAppError}). */
export abstract class FixedAppError extends AppError {
  declare readonly code: string;
  declare readonly status: number;
}

/** A class of AppError with one fixed `code` and HTTP `status`, for errors that carry nothing more. */
export function fixedAppError(code: string, status: number): abstract new (message: string, options?: AppErrorOptions) => FixedAppError {
  abstract class Fixed extends FixedAppError {
    readonly code = code;
    readonly status = status;
  }
  return Fixed;
}

/** 401: no or unknown credentials. */
export class UnauthenticatedError extends fixedAppError('UNAUTHENTICATED', 401) {}

/** 403: the caller may not do this (gateway or chaincode). */
export class AccessDeniedError extends fixedAppError('ACCESS_DENIED', 403) {}

/** 404: unknown id. */
export class NotFoundError extends fixedAppError('NOT_FOUND', 404) {}

/** 409: the same id exists with different content. */
export class ConflictError extends fixedAppError('CONFLICT', 409) {}

/** An error the caller may repeat after `retryAfterSeconds` (answered with Retry-After). */
export abstract class RetryLaterError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: AppErrorOptions) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 429: too many requests (rate limit or full queue). */
export class TooManyRequestsError extends RetryLaterError {
  readonly code = 'RATE_LIMITED';
  readonly status = 429;
}

/**
 * 503: a file the gateway reads per request (the reader table of POST /v1/readings) cannot be used: unreadable,
 * not JSON, or not the expected shape. The operator's to fix; the message names the file and the problem.
 */
export class ReaderTableError extends AppError {
  readonly code = 'READER_TABLE_INVALID';
  readonly status = 503;
  /** The reader table file. */
  readonly file: string;
  /** The file is re-read on every request: a fixed file answers at once. */
  readonly retryAfterSeconds = 30;
  constructor(file: string, problem: string, options?: AppErrorOptions) {
    super(`the reader table ${file} is unusable: ${problem}`, { ...options, metadata: { ...options?.metadata, file } });
    this.file = file;
  }
}

/** Fields every ledger error keeps from the Fabric client error. */
export interface LedgerErrorInfo extends AppErrorOptions {
  /** Ledger transaction name (`RegisterLot`, `GetProvenance`, ...). */
  transaction?: string;
  transactionId?: string;
  /** gRPC status code, or the validation code of a CommitError. */
  grpcCode?: number;
  details?: NodeErrorDetail[];
  /** The chaincode's message (details[0].message), code prefix included. */
  chaincodeMessage?: string;
  /** True when repeating the call may succeed (peer unreachable, deadline, MVCC conflict). */
  transient?: boolean;
}

/** Base of every error raised by the ledger port. */
export abstract class LedgerError extends AppError {
  readonly transaction?: string;
  readonly transactionId?: string;
  readonly grpcCode?: number;
  readonly details: NodeErrorDetail[];
  readonly chaincodeMessage?: string;
  readonly transient: boolean;
  constructor(message: string, info: LedgerErrorInfo = {}) {
    super(message, info);
    this.transaction = info.transaction;
    this.transactionId = info.transactionId;
    this.grpcCode = info.grpcCode;
    this.details = info.details ?? [];
    this.chaincodeMessage = info.chaincodeMessage;
    this.transient = info.transient ?? false;
  }
}

/**
 * Why the ledger refused a transaction for what it is (the chaincode's `CODE: sentence`, or the
 * channel refusing the identity): the outbox stores it as `{code, message}`. Repeating cannot help.
 */
export interface Rejection {
  code: ErrorCode;
  message: string;
}

/** The HTTP status of each chaincode refusal code. */
const REJECTION_STATUS: Record<ErrorCode, number> = { INVALID_ARGUMENT: 400, ACCESS_DENIED: 403, NOT_FOUND: 404, CONFLICT: 409 };

/** Base of the four refusals whose code is one of the chaincode's `ERROR_CODES` (never transient). */
export abstract class LedgerRejectionError extends LedgerError {
  abstract override readonly code: ErrorCode;
  /** The HTTP status of the chaincode's code. */
  get status(): number {
    return REJECTION_STATUS[this.code];
  }
  /** The refusal as `{code, message}` (message: the chaincode's sentence, without the code). */
  get rejection(): Rejection {
    return { code: this.code, message: this.message };
  }
}

/** Chaincode `INVALID_ARGUMENT` → 400. `errors` parsed from `path: message`. */
export class LedgerInvalidArgumentError extends LedgerRejectionError {
  readonly code = 'INVALID_ARGUMENT';
  readonly errors: FieldError[];
  constructor(message: string, errors: FieldError[], info?: LedgerErrorInfo) {
    super(message, info);
    this.errors = errors;
  }
}

/** The chaincode has no transaction of that name (a gateway newer than its chaincode): an INVALID_ARGUMENT, 400. */
export class LedgerUnknownTransactionError extends LedgerInvalidArgumentError {}

/** Chaincode `ACCESS_DENIED`, or the channel's ACL refusing the identity → 403. */
export class LedgerAccessDeniedError extends LedgerRejectionError {
  readonly code = 'ACCESS_DENIED';
}

/** Chaincode `NOT_FOUND` → 404. */
export class LedgerNotFoundError extends LedgerRejectionError {
  readonly code = 'NOT_FOUND';
}

/**
 * A CONFLICT names what is already there, which may be another organisation's: its transaction ids are cut
 * (`(tx 85c2…)`, any 64-hex id) from the sentence before it is answered, stored or logged.
 */
export function withoutTransactionIds(sentence: string): string {
  return sentence.replace(/\s*\(tx [0-9A-Fa-f]{16,}\)/g, '').replace(/\b[0-9A-Fa-f]{64}\b/g, '<tx>');
}

/** Chaincode `CONFLICT` → 409. Its sentence carries no transaction ids ({@link withoutTransactionIds}). */
export class LedgerConflictError extends LedgerRejectionError {
  readonly code = 'CONFLICT';
  constructor(message: string, info: LedgerErrorInfo = {}) {
    super(withoutTransactionIds(message), {
      ...info,
      ...(info.chaincodeMessage !== undefined && { chaincodeMessage: withoutTransactionIds(info.chaincodeMessage) }),
    });
  }
}

/**
 * The typed error of a chaincode code: the one switch from `ErrorCode` to error class (and so to
 * HTTP status). `fieldErrors` only matters for `INVALID_ARGUMENT`.
 */
export function ledgerRejectionError(
  code: ErrorCode,
  message: string,
  info?: LedgerErrorInfo,
  fieldErrors: FieldError[] = [],
): LedgerRejectionError {
  switch (code) {
    case 'INVALID_ARGUMENT':
      return new LedgerInvalidArgumentError(message, fieldErrors, info);
    case 'ACCESS_DENIED':
      return new LedgerAccessDeniedError(message, info);
    case 'NOT_FOUND':
      return new LedgerNotFoundError(message, info);
    case 'CONFLICT':
      return new LedgerConflictError(message, info);
  }
}

/** Peers or orderers unreachable, deadline passed, or retries exhausted → 503. */
export class LedgerUnavailableError extends LedgerError {
  readonly code = 'LEDGER_UNAVAILABLE';
  readonly status = 503;
}

/**
 * Fabric's gateway would not send a proposal's transient (private) data to peers outside the
 * collection: the caller must name the endorsing organisations it trusts with it.
 */
export class TransientDataProtectionError extends LedgerUnavailableError {}

/** The transaction committed with a non-VALID code (`grpcCode` = validation code) → 503 if transient else 502. */
export class LedgerCommitError extends LedgerError {
  readonly code = 'COMMIT_FAILED';
  get status(): number {
    return this.transient ? 503 : 502;
  }
}

/** The ledger failed in a way the gateway cannot classify (chaincode error without a code) → 502. */
export class LedgerInternalError extends LedgerError {
  readonly code = 'LEDGER_ERROR';
  readonly status = 502;
}
