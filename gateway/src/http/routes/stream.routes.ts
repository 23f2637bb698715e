/**
 * GET /v1/stream: server-sent events of committed chaincode events. Each SSE `id:` is
 * `<blockNumber>:<txId>`; a reconnect with `Last-Event-ID` resumes exactly after that event.
 *
 * Bounded: at most `maxPerPrincipal` streams per principal and `maxTotal` in all (429 beyond), and
 * a slow reader is never buffered for: when `res.write` says the socket is full, the next ledger
 * event is not pulled until `drain` (so gRPC flow control holds the peer back), and a reader that
 * takes nothing for `stallTimeoutMs` is disconnected.
 */
import type { Request, Response } from 'express';
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import { TooManyRequestsError } from '../../errors';
import type { LedgerEventStream, StreamPosition } from '../../ports/ledger';
import { LastEventId, StreamQuery } from '../../schemas';
import { type StreamService, eventPositionId, parsePositionId } from '../../services/stream.service';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { parse } from '../validate';

/** Open SSE connections (with their principal, for the per-principal cap), so shutdown can end them. */
export type SseRegistry = Set<{ close(): void; principal?: string }>;

export interface StreamRouterOptions {
  heartbeatMs?: number;
  logger: Logger;
  metrics?: Metrics;
  registry: SseRegistry;
  /** Open streams per principal. Default 4. */
  maxPerPrincipal?: number;
  /** Open streams in total. Default 256. */
  maxTotal?: number;
  /** A reader that takes nothing for this long while a write waits is disconnected, ms. Default 60000. */
  stallTimeoutMs?: number;
}

/** How soon a refused reader may try again, seconds (streams end when readers leave; no window to wait for). */
const CAP_RETRY_AFTER_S = 5;

export function streamRouter(service: StreamService, options: StreamRouterOptions): Router {
  const maxPerPrincipal = options.maxPerPrincipal ?? 4;
  const maxTotal = options.maxTotal ?? 256;
  const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
  const r = Router();
  r.get('/v1/stream', async (req: Request, res: Response) => {
    const from = startPosition(req);
    const principal = principalOf(res);
    service.authorize(principal);
    refuseOverCaps(options, principal.name, maxPerPrincipal, maxTotal);

    // the slot is taken before the (async) open, so concurrent requests cannot overshoot the caps
    // (boolean, not `false`: entry.close() sets it from callbacks TypeScript's narrowing does not see)
    let closed = false as boolean;
    let stream: LedgerEventStream | undefined;
    let heartbeat: NodeJS.Timeout | undefined = undefined;
    let wakeWriter: (() => void) | undefined;
    const entry = {
      principal: principal.name,
      close: (): void => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        stream?.close();
        options.registry.delete(entry);
        options.metrics?.sseClients.dec();
        wakeWriter?.();
        // a reader that takes nothing would never let end() flush: drop the connection instead
        if (res.writableNeedDrain) res.destroy();
        else res.end();
      },
    };
    options.registry.add(entry);
    options.metrics?.sseClients.inc();
    req.on('close', entry.close);
    try {
      stream = await service.open(principal, from);
    } catch (err) {
      entry.close();
      throw err;
    }
    if (closed) {
      stream.close();
      return;
    }

    /** Resolves once the reader took what was written (true), or the stream closed / the reader stalled (false). */
    const drained = (): Promise<boolean> =>
      new Promise<boolean>((resolve) => {
        options.metrics?.sseWaitingForDrain.inc();
        const done = (ok: boolean): void => {
          clearTimeout(timer);
          res.off('drain', onDrain);
          wakeWriter = undefined;
          options.metrics?.sseWaitingForDrain.dec();
          resolve(ok);
        };
        const onDrain = (): void => {
          done(true);
        };
        const timer = setTimeout(() => {
          options.logger.warn({ principal: principal.name, stallTimeoutMs }, 'stream reader took nothing for the stall timeout: disconnected');
          options.metrics?.sseStalledClosed.inc();
          done(false);
          entry.close();
        }, stallTimeoutMs);
        res.on('drain', onDrain);
        wakeWriter = () => {
          done(false);
        };
      });

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 2000\n: connected\n\n');
    // a heartbeat only when the socket has room: it must not add to a full buffer
    heartbeat = setInterval(() => {
      if (!res.writableNeedDrain) res.write(': ping\n\n');
    }, options.heartbeatMs ?? 15_000);

    /** Writes each ledger event until the stream or the reader ends. */
    const forward = async (events: LedgerEventStream): Promise<void> => {
      for await (const ev of events) {
        if (closed) break;
        const data = JSON.stringify({ blockNumber: ev.blockNumber, txId: ev.txId, name: ev.name, payload: ev.payload });
        const room = res.write(`id: ${eventPositionId(ev.blockNumber, ev.txId)}\nevent: ${ev.name}\ndata: ${data}\n\n`);
        options.metrics?.sseEventsSent.inc();
        // backpressure: pull the next ledger event only once the reader has taken this one
        if (!room && !(await drained())) break;
      }
    };
    /** Tells a reader still connected that the ledger stream failed (it may reconnect). */
    const tellReaderStreamFailed = (err: unknown): void => {
      if (closed) return;
      options.logger.warn({ err: { message: (err as Error).message } }, 'ledger stream ended with an error');
      res.write(`event: error\ndata: ${JSON.stringify({ detail: 'the ledger stream ended; reconnect with Last-Event-ID' })}\n\n`);
    };
    try {
      await forward(stream);
    } catch (err) {
      tellReaderStreamFailed(err);
    } finally {
      entry.close();
    }
  });
  return r;
}

/** Where a stream starts: after its `Last-Event-ID`, else at `fromBlock`, else at the next block. */
function startPosition(req: Request): StreamPosition | undefined {
  const q = parse(StreamQuery, req.query, 'query');
  const lastHeader = req.get('last-event-id');
  if (lastHeader !== undefined && lastHeader !== '') {
    return parsePositionId(parse(LastEventId, lastHeader, 'headers.last-event-id'));
  }
  return q.fromBlock !== undefined ? { blockNumber: Number(q.fromBlock) } : undefined;
}

/** Refuses (429) a stream beyond the per-principal or the total cap. */
function refuseOverCaps(options: StreamRouterOptions, principal: string, maxPerPrincipal: number, maxTotal: number): void {
  const mine = [...options.registry].filter((e) => e.principal === principal).length;
  if (mine >= maxPerPrincipal) {
    options.metrics?.sseRefused.inc({ scope: 'principal' });
    throw new TooManyRequestsError(`at most ${String(maxPerPrincipal)} open streams per principal; close one first`, CAP_RETRY_AFTER_S);
  }
  if (options.registry.size >= maxTotal) {
    options.metrics?.sseRefused.inc({ scope: 'total' });
    throw new TooManyRequestsError('this gateway holds as many open streams as it serves; try again later', CAP_RETRY_AFTER_S);
  }
}
