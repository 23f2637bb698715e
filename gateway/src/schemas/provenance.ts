/** Provenance and stream request schemas (path and query); the answers are in responses/. */
import { z } from 'zod';
import { Epc } from './common';

export const EpcParams = z.object({ epc: Epc });

export const StreamQuery = z.strictObject({
  fromBlock: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a block number')
    .optional()
    .openapi({ description: 'replay from this block when there is no Last-Event-ID; default: next commit' }),
});

/** Last-Event-ID of the stream: `<blockNumber>:<txId>`. */
export const LastEventId = z
  .string()
  .regex(/^\d{1,15}:[0-9A-Za-z]{1,128}$/, 'must be <blockNumber>:<txId> as sent in an SSE id');
