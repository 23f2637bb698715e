/** Request schemas of the provenance views for large lots (issue 20): the summary and one link's event pages. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../quiet-chaincode';
import { MAX_BOOKMARK_LENGTH, MAX_LINK_EVENTS_PAGE_SIZE } from '@acetrace/chaincode';
import { Id, LinkQuery } from './common';

extendZodWithOpenApi(z);

/** `?view=summary` on GET /v1/lots/{lotId}/provenance. */
export const ProvenanceViewQuery = z
  .strictObject({
    view: z.enum(['summary', 'full']).optional().openapi({ description: '`summary`: each link summarised, no events (page them with .../links/{link}/events); default `full`' }),
  })
  .openapi('ProvenanceViewQuery');

export const LinkEventsParams = z.object({ lotId: Id, link: LinkQuery });

const pageSizeMessage = `must be an integer 1-${String(MAX_LINK_EVENTS_PAGE_SIZE)}`;

export const LinkEventsQuery = z
  .strictObject({
    pageSize: z
      .string()
      .regex(/^\d+$/, pageSizeMessage)
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_LINK_EVENTS_PAGE_SIZE, pageSizeMessage)
      .optional()
      .openapi({ type: 'string', example: '50' }),
    bookmark: z.string().max(MAX_BOOKMARK_LENGTH).optional().openapi({ description: 'the `bookmark` of the previous page' }),
  })
  .openapi('LinkEventsQuery');
export type LinkEventsQuery = z.infer<typeof LinkEventsQuery>;
