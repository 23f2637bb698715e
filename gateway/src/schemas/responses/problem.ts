/** RFC 9457 problem details: the body of every 4xx/5xx answer of the gateway. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AcceptedEvent } from './events';

extendZodWithOpenApi(z);

/**
 * Every member the gateway's problems carry (http/problem.ts). Closed on purpose: a member
 * the gateway starts sending must be documented here first, or the response test fails.
 */
export const Problem = z
  .strictObject({
    type: z.string().openapi({ example: 'urn:acetrace:problem:not-found' }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    code: z.string().openapi({ description: 'stable machine-readable code', example: 'NOT_FOUND' }),
    instance: z.string().optional(),
    requestId: z.string().optional().openapi({ description: 'the X-Request-Id of the request' }),
    transactionId: z.string().optional().openapi({ description: 'the Fabric transaction the ledger refused' }),
    errors: z
      .array(z.strictObject({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'each invalid field (400)' }),
    accepted: z
      .array(AcceptedEvent)
      .optional()
      .openapi({ description: 'POST /v1/events?wait=commit when the chaincode refused every event: each event and its reason' }),
    eventId: z.string().optional().openapi({ description: 'the event id posted twice with different content (409)' }),
    file: z.string().optional().openapi({ description: 'the unusable reader table (503 READER_TABLE_INVALID)' }),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof Problem>;
