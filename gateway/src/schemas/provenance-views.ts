/** Request schemas of the provenance views for large lots (issue 20): the summary and one link's event pages. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../quiet-chaincode';
import { MAX_LINK_EVENTS_PAGE_SIZE } from '@acetrace/chaincode';
import { Id, LinkQuery, pageQuery } from './common';

extendZodWithOpenApi(z);

/** `?view=summary` on GET /v1/lots/{lotId}/provenance. */
export const ProvenanceViewQuery = z
  .strictObject({
    view: z.enum(['summary', 'full']).optional().openapi({ description: '`summary`: each link summarised, no events (page them with .../links/{link}/events); default `full`' }),
  })
  .openapi('ProvenanceViewQuery');

export const LinkEventsParams = z.object({ lotId: Id, link: LinkQuery });

const linkEventsPage = pageQuery(MAX_LINK_EVENTS_PAGE_SIZE);

export const LinkEventsQuery = z
  .strictObject({
    pageSize: linkEventsPage.pageSize,
    bookmark: linkEventsPage.bookmark.openapi({ description: 'the `bookmark` of the previous page' }),
  })
  .openapi('LinkEventsQuery');
export type LinkEventsQuery = z.infer<typeof LinkEventsQuery>;
