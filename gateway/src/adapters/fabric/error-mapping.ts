/**
 * The one place that classifies ledger failures: errors raised by @hyperledger/fabric-gateway and the
 * chaincode's messages become the gateway's typed ledger errors, keeping `cause`, `transactionId`,
 * `details` and the chaincode's message. Nothing outside this adapter reads an error's text.
 *
 * - The chaincode's text is `details[0].message` (or embedded in the gRPC message for evaluate):
 *   its prefix, one of the chaincode's `ERROR_CODES`, gives the {@link LedgerRejectionError}
 *   (400/403/404/409; never repeated); `unknown transaction X` is a {@link LedgerUnknownTransactionError}.
 * - Without a chaincode code (gRPC `status` of @grpc/grpc-js): UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED,
 *   RESOURCE_EXHAUSTED, CANCELLED are transient (→ retry, then 503); PERMISSION_DENIED → 403.
 * - `CommitError` (checked by `name`: published 1.11 exports some classes as types only): its code is a
 *   fabric-gateway `StatusCode` (the protos' `TxValidationCode`); MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT
 *   are transient (a new transaction may pass); other codes are final.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode } from '@hyperledger/fabric-gateway';
import {
  AppError,
  type FieldError,
  LedgerAccessDeniedError,
  LedgerCommitError,
  type LedgerError,
  type LedgerErrorInfo,
  LedgerInternalError,
  LedgerUnavailableError,
  TransientDataProtectionError,
  LedgerUnknownTransactionError,
  type NodeErrorDetail,
  ledgerRejectionError,
} from '../../errors';
import '../../quiet-chaincode';
import { ERROR_CODES, type ErrorCode } from '@acetrace/chaincode';

const TRANSIENT_GRPC: ReadonlySet<number> = new Set<number>([
  GrpcStatus.CANCELLED,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.UNAVAILABLE,
]);

// the codes compared with an error's numeric code, as plain numbers
const GRPC_PERMISSION_DENIED: number = GrpcStatus.PERMISSION_DENIED;
const GRPC_ABORTED: number = GrpcStatus.ABORTED;
const GRPC_FAILED_PRECONDITION: number = GrpcStatus.FAILED_PRECONDITION;

/** Validation codes a new transaction (new read set) may get past. */
const TRANSIENT_COMMIT: ReadonlySet<number> = new Set<number>([StatusCode.MVCC_READ_CONFLICT, StatusCode.PHANTOM_READ_CONFLICT]);

/** Name of a validation code (`MVCC_READ_CONFLICT`), from the protos' enum. */
function validationCodeName(code: number): string {
  return Object.entries(StatusCode).find(([, value]) => value === code)?.[0] ?? `validation code ${String(code)}`;
}

/** The chaincode's stable code (its exported `ERROR_CODES`) anywhere in a text, and the sentence after it. */
/** The chaincode's sentence for a transaction name it does not have (`unknown transaction GetLotByEpc`). */
const UNKNOWN_TRANSACTION = /^unknown transaction\b/;

const CHAINCODE_CODE = new RegExp(`\\b(${ERROR_CODES.join('|')}):\\s*([\\s\\S]*)$`);

interface FabricLikeError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  details?: unknown;
  transactionId?: unknown;
}

function asDetails(v: unknown): NodeErrorDetail[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null)
    .map((d) => ({
      address: typeof d.address === 'string' ? d.address : '',
      mspId: typeof d.mspId === 'string' ? d.mspId : '',
      message: typeof d.message === 'string' ? d.message : '',
    }));
}

/**
 * Splits an `INVALID_ARGUMENT` sentence into field errors: `events[2].location.lat: must be ...`
 * becomes `{path: 'events[2].location.lat', message: 'must be ...'}`; several may be joined by `; `.
 */
export function parseFieldErrors(sentence: string): FieldError[] {
  const parts = sentence.split(/;\s+(?=[A-Za-z_$][\w$]*(?:\[\d+\]|\.[A-Za-z_$][\w$]*)*:\s)/);
  return parts.map((part) => {
    const m = /^([A-Za-z_$][\w$]*(?:\[\d+\]|\.[A-Za-z_$][\w$]*)*):\s+([\s\S]+)$/.exec(part.trim());
    return m ? { path: m[1] as string, message: (m[2] as string).trim() } : { path: '', message: part.trim() };
  });
}

/** The chaincode's coded message in the error, if any: `{code, sentence, raw}`. */
export function chaincodeMessage(err: FabricLikeError): { code: ErrorCode; sentence: string; raw: string } | undefined {
  const candidates = [...asDetails(err.details).map((d) => d.message), typeof err.message === 'string' ? err.message : ''];
  for (const text of candidates) {
    const m = CHAINCODE_CODE.exec(text);
    if (m) {
      return {
        code: m[1] as ErrorCode,
        sentence: (m[2] as string).trim(),
        raw: `${m[1] as string}: ${(m[2] as string).trim()}`,
      };
    }
  }
  return undefined;
}

/**
 * Turns anything thrown by a fabric-gateway call into a typed `LedgerError`.
 * @param err - the thrown value.
 * @param transaction - the chaincode transaction name, for messages and metrics.
 * @param transactionId - the transaction id if the caller knows it (evaluate does not carry one).
 */
export function mapFabricError(err: unknown, transaction: string, transactionId?: string): LedgerError {
  if (err instanceof AppError && 'transient' in err) return err as LedgerError;
  const e = asFabricLike(err);
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const details = asDetails(e.details);
  const message = typeof e.message === 'string' ? e.message : String(err);
  const base: LedgerErrorInfo = { cause: err, transaction, transactionId: transactionIdOf(e, transactionId), details };

  if (name === 'CommitError') return commitError(e, transaction, base);

  const grpcCode = typeof e.code === 'number' ? e.code : undefined;
  const cc = chaincodeMessage(e);
  if (cc) return chaincodeRejection(cc, { ...base, grpcCode, chaincodeMessage: cc.raw });

  const isGatewayError = ['GatewayError', 'EndorseError', 'SubmitError', 'CommitStatusError'].includes(name);
  if (isGatewayError && grpcCode !== undefined) return grpcStatusError(grpcCode, message, transaction, details, { ...base, grpcCode });
  // Plain errors from the client (connection closed, parse failures) are treated as an unreachable ledger.
  return new LedgerUnavailableError(`ledger call ${transaction} failed: ${message}`, { ...base, grpcCode, transient: false });
}

/** Any thrown value as fields to read (a non-object as its message). */
function asFabricLike(err: unknown): FabricLikeError {
  return typeof err === 'object' && err !== null ? err : { message: String(err) };
}

/** The error's transaction id, else the one the caller knows. */
function transactionIdOf(e: FabricLikeError, known: string | undefined): string | undefined {
  return typeof e.transactionId === 'string' ? e.transactionId : known;
}

/** A `CommitError`: its code is a validation code, transient only for read conflicts. */
function commitError(e: FabricLikeError, transaction: string, base: LedgerErrorInfo): LedgerCommitError {
  const code = typeof e.code === 'number' ? e.code : -1;
  const transient = TRANSIENT_COMMIT.has(code);
  return new LedgerCommitError(`${transaction} transaction ${base.transactionId ?? ''} failed to commit: ${validationCodeName(code)}`, {
    ...base,
    grpcCode: code,
    transient,
  });
}

/** The chaincode's coded refusal, as its typed rejection (an unknown transaction by its own type). */
function chaincodeRejection(cc: { code: ErrorCode; sentence: string }, info: LedgerErrorInfo): LedgerError {
  if (cc.code === 'INVALID_ARGUMENT' && UNKNOWN_TRANSACTION.test(cc.sentence)) {
    return new LedgerUnknownTransactionError(cc.sentence, [], info);
  }
  return ledgerRejectionError(cc.code, cc.sentence, info, cc.code === 'INVALID_ARGUMENT' ? parseFieldErrors(cc.sentence) : []);
}

/** A fabric-gateway error without a chaincode code, classified by its gRPC status. */
function grpcStatusError(code: number, message: string, transaction: string, details: NodeErrorDetail[], info: LedgerErrorInfo): LedgerError {
  if (code === GRPC_PERMISSION_DENIED || /access denied/i.test(message)) {
    return new LedgerAccessDeniedError(`the ledger refused this identity: ${message}`, info);
  }
  const chaincodeFailed = details.some((d) => /chaincode response|transaction returned with failure/i.test(d.message));
  if (TRANSIENT_GRPC.has(code) && !(code === GRPC_ABORTED && chaincodeFailed)) {
    return new LedgerUnavailableError(`ledger unavailable during ${transaction}: ${message}`, { ...info, transient: true });
  }
  if (code === GRPC_FAILED_PRECONDITION) {
    // the peer's gateway (internal/pkg/gateway/endorse.go) protecting transient data: name the endorsers
    if ([message, ...details.map((d) => d.message)].some((m) => /to protect transient data/i.test(m))) {
      return new TransientDataProtectionError(`ledger will not spread ${transaction}'s private data unasked: ${message}`, info);
    }
    return new LedgerUnavailableError(`ledger cannot run ${transaction}: ${message}`, info);
  }
  return new LedgerInternalError(`ledger error during ${transaction}: ${message}`, info);
}
