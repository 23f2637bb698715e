/** Provenance response schema (GET .../provenance) and stream query. */
import { z } from 'zod';
import { Epc } from './common';

export const ProvenanceEvent = z
  .looseObject({
    eventId: z.string(),
    kind: z.string(),
    eventTime: z.string(),
    recordedBy: z.string(),
    location: z.unknown().optional(),
    evidence: z.array(z.unknown()).optional(),
    epcs: z.array(z.string()).optional(),
    txId: z.string(),
    blockNumber: z.number().int().optional(),
  })
  .openapi('ProvenanceEvent');

export const Provenance = z
  .looseObject({
    lot: z.looseObject({
      lotId: z.string(),
      product: z.string(),
      htsCode: z.string(),
      originCountry: z.string(),
      ownerMsp: z.string(),
      parentChain: z.array(z.string()),
    }),
    completeness: z.looseObject({ covered: z.number().int(), required: z.number().int(), missing: z.array(z.string()) }),
    links: z.array(
      z.looseObject({
        link: z.number().int(),
        name: z.string(),
        events: z.array(ProvenanceEvent),
      }),
    ),
    anomalies: z.array(
      z.looseObject({
        type: z.enum(['out-of-order', 'impossible-travel', 'foreign-epc', 'after-delivery']),
        eventIds: z.array(z.string()),
        detail: z.string(),
      }),
    ),
    queryMs: z.number(),
  })
  .openapi('Provenance');

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
