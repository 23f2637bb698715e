/**
 * gRPC errors shaped like a Fabric v2.5 gateway's: a status code, a message, and
 * `gateway.ErrorDetail` entries in the `grpc-status-details-bin` trailer
 * (fab internal/pkg/gateway/apiutils.go `newRpcError`).
 */
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { gateway, google } from '@hyperledger/fabric-protos';

/** One endorser's or orderer's contribution to a failure, as the client reads it. */
export interface ErrorDetailInit {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

const ERROR_DETAIL_TYPE_URL = 'type.googleapis.com/gateway.ErrorDetail';

/** An error that is sent to the client as a gRPC status with optional ErrorDetail entries. */
export class GatewayRpcError extends Error {
  readonly code: GrpcStatus;
  readonly details: readonly ErrorDetailInit[];

  constructor(code: GrpcStatus, message: string, details: readonly ErrorDetailInit[] = []) {
    super(message);
    this.name = 'GatewayRpcError';
    this.code = code;
    this.details = details;
  }

  /** The object grpc-js expects as the callback's error or `call.destroy()` argument. */
  toServiceError(): Partial<ServiceError> {
    const metadata = new Metadata();
    if (this.details.length > 0) {
      metadata.set('grpc-status-details-bin', Buffer.from(encodeStatus(this.code, this.message, this.details)));
    }
    return { code: this.code, details: this.message, metadata };
  }
}

/** Serialises a google.rpc.Status holding only gateway.ErrorDetail entries (pitfall 4). */
export function encodeStatus(code: number, message: string, details: readonly ErrorDetailInit[]): Uint8Array {
  const status = new google.rpc.Status();
  status.setCode(code);
  status.setMessage(message);
  for (const d of details) {
    const detail = new gateway.ErrorDetail();
    detail.setAddress(d.address);
    detail.setMspId(d.mspId);
    detail.setMessage(d.message);
    // addDetails() with no argument appends a new google.protobuf.Any and returns it.
    const any = status.addDetails() as { setTypeUrl(v: string): void; setValue(v: Uint8Array): void };
    any.setTypeUrl(ERROR_DETAIL_TYPE_URL);
    any.setValue(detail.serializeBinary());
  }
  return status.serializeBinary();
}

/** Turns anything thrown inside a handler into a gRPC status; unexpected errors become `fallback`. */
export function toRpcError(err: unknown, fallback: GrpcStatus = GrpcStatus.INTERNAL): GatewayRpcError {
  if (err instanceof GatewayRpcError) {
    return err;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayRpcError(fallback, message);
}

export { GrpcStatus };
