/**
 * GET /v1/stream: server-sent events of committed chaincode events. Each SSE `id:` is
 * `<blockNumber>:<txId>`; a reconnect with `Last-Event-ID` resumes exactly after that event.
 */
import type { Request, Response } from 'express';
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import type { LedgerEventStream, StreamPosition } from '../../ports/ledger';
import { LastEventId, StreamQuery } from '../../schemas';
import { type StreamService, eventPositionId, parsePositionId } from '../../services/stream.service';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { parse } from '../validate';

/** Open SSE connections, so shutdown can end them. */
export type SseRegistry = Set<{ close(): void }>;

export interface StreamRouterOptions {
  heartbeatMs?: number;
  logger: Logger;
  metrics?: Metrics;
  registry: SseRegistry;
}

export function streamRouter(service: StreamService, options: StreamRouterOptions): Router {
  const r = Router();
  r.get('/v1/stream', async (req: Request, res: Response) => {
    const q = parse(StreamQuery, req.query, 'query');
    const lastHeader = req.get('last-event-id');
    let from: StreamPosition | undefined;
    if (lastHeader !== undefined && lastHeader !== '') {
      from = parsePositionId(parse(LastEventId, lastHeader, 'headers.last-event-id'));
    } else if (q.fromBlock !== undefined) {
      from = { blockNumber: Number(q.fromBlock) };
    }
    const stream: LedgerEventStream = await service.open(principalOf(res), from);

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 2000\n: connected\n\n');

    let closed = false;
    const heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs ?? 15_000);
    const entry = {
      close: (): void => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        stream.close();
        options.registry.delete(entry);
        options.metrics?.sseClients.dec();
        res.end();
      },
    };
    options.registry.add(entry);
    options.metrics?.sseClients.inc();
    req.on('close', entry.close);

    try {
      for await (const ev of stream) {
        if (closed) break;
        const data = JSON.stringify({ blockNumber: ev.blockNumber, txId: ev.txId, name: ev.name, payload: ev.payload });
        res.write(`id: ${eventPositionId(ev.blockNumber, ev.txId)}\nevent: ${ev.name}\ndata: ${data}\n\n`);
      }
    } catch (err) {
      if (!closed) {
        options.logger.warn({ err: { message: (err as Error).message } }, 'ledger stream ended with an error');
        res.write(`event: error\ndata: ${JSON.stringify({ detail: 'the ledger stream ended; reconnect with Last-Event-ID' })}\n\n`);
      }
    } finally {
      entry.close();
    }
  });
  return r;
}
