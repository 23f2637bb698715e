/**
 * Routes of the provenance views for large lots: `?view=summary` on the provenance path (any other
 * request there goes on to the full answer's route) and one link's events page by page.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
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
  // `?view=summary` only: any other request goes on to the full answer's route
  const summaryOf = (answer: (req: Request, res: Response) => Promise<unknown>) => async (req: Request, res: Response, next: NextFunction) => {
    if (wantsSummary(req.query)) res.json(await answer(req, res));
    else next();
  };
  r.get('/v1/lots/:lotId/provenance', summaryOf((req, res) => views.summary(principalOf(res), parse(LotIdParams, req.params, 'params').lotId)));
  r.get('/v1/epcs/:epc/provenance', summaryOf((req, res) => views.summaryByEpc(principalOf(res), parse(EpcParams, req.params, 'params').epc)));
  r.get('/v1/lots/:lotId/links/:link/events', async (req, res) => {
    const { lotId, link } = parse(LinkEventsParams, req.params, 'params');
    const q = parse(LinkEventsQuery, req.query, 'query');
    res.json(await views.linkEvents(principalOf(res), lotId, { link, ...q }));
  });
  return r;
}
