/**
 * The peer's gRPC endpoint: one grpc-js server carrying `gateway.Gateway` (and the Deliver
 * service when present), with TLS from the generated TLS CA or plaintext for debugging.
 */
import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { gateway } from '@hyperledger/fabric-protos';

/** Server TLS material (PEM). */
export interface ServerTls {
  readonly certPem: string | Buffer;
  readonly keyPem: string | Buffer;
}

/** Listening options. */
export interface PeerServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Undefined: plaintext. */
  readonly tls?: ServerTls;
  /** Largest message accepted, in bytes (a peer allows 100 MiB; grpc-js defaults to 4 MiB). */
  readonly maxMessageBytes?: number;
  readonly extraServices?: ReadonlyArray<{
    readonly definition: Parameters<Server['addService']>[0];
    readonly implementation: UntypedServiceImplementation;
  }>;
}

/** A started gRPC server. */
export interface RunningServer {
  readonly port: number;
  /** Graceful shutdown, forced after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const DEFAULT_MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/** Starts a gRPC server with the Gateway service. */
export async function startPeerServer(
  gatewayImplementation: UntypedServiceImplementation,
  options: PeerServerOptions,
): Promise<RunningServer> {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const server = new Server({
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': maxBytes,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  });
  server.addService(gateway.GatewayService, gatewayImplementation);
  for (const extra of options.extraServices ?? []) {
    server.addService(extra.definition, extra.implementation);
  }
  const credentials =
    options.tls === undefined
      ? ServerCredentials.createInsecure()
      : ServerCredentials.createSsl(null, [
          { cert_chain: Buffer.from(options.tls.certPem), private_key: Buffer.from(options.tls.keyPem) },
        ]);
  const address = options.host.includes(':') ? `[${options.host}]:${String(options.port)}` : `${options.host}:${String(options.port)}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, credentials, (err, boundPort) => {
      if (err) {
        reject(err);
      } else {
        resolve(boundPort);
      }
    });
  });
  return {
    port,
    stop: (graceMs = 2000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
