/**
 * Writing to a server stream that a slow client may not keep up with: wait for `drain` (or the
 * client's cancel) before the next message, so a replay of many blocks never piles up in memory.
 */
import type { ServerWritableStream, ServerDuplexStream } from '@grpc/grpc-js';

type ServerStream<Res> = ServerWritableStream<unknown, Res> | ServerDuplexStream<unknown, Res>;

/** Writes one message; resolves once the stream can take more, or the call was cancelled. */
export async function writeWithBackpressure<Res>(call: ServerStream<Res>, message: Res): Promise<void> {
  if (call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
