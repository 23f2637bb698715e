/**
 * Routes of the provenance views for large lots: `?view=summary` on the provenance path (any other
 * request there goes on to the full answer's route) and one link's events page by page.
 */
import { Router, type Request } from 'express';
import { principalOf } from '../../auth/authenticate';
import { EpcParams, LinkEventsParams, LinkEventsQuery, LotIdParams, ProvenanceViewQuery } from '../../schemas';
import type { ProvenanceViewsService } from '../../services/provenance-views.service';
import { parse } from '../validate';

/** `?view=summary`; without `view` the full answer's route serves the request as before. @throws on a bad query */
function wantsSummary(query: Request['query']): boolean {
  return 'view' in query && parse(ProvenanceViewQuery, query, 'query').view === 'summary';
}

export function provenanceViewsRouter(views: ProvenanceViewsService): Router {
  const r = Router();
  r.get('/v1/lots/:lotId/provenance', async (req, res, next) => {
    if (!wantsSummary(req.query)) {
      next();
      return;
    }
    const { lotId } = parse(LotIdParams, req.params, 'params');
    res.json(await views.summary(principalOf(res), lotId));
  });
  r.get('/v1/epcs/:epc/provenance', async (req, res, next) => {
    if (!wantsSummary(req.query)) {
      next();
      return;
    }
    const { epc } = parse(EpcParams, req.params, 'params');
    res.json(await views.summaryByEpc(principalOf(res), epc));
  });
  r.get('/v1/lots/:lotId/links/:link/events', async (req, res) => {
    const { lotId, link } = parse(LinkEventsParams, req.params, 'params');
    const q = parse(LinkEventsQuery, req.query, 'query');
    res.json(await views.linkEvents(principalOf(res), lotId, { link, ...q }));
  });
  return r;
}
