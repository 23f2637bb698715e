/** Thin routes for /v1/facilities: parse, call the service, answer. */
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import { FacilityBody, GlnParams, ListFacilitiesQuery } from '../../schemas';
import type { FacilitiesService } from '../../services/facilities.service';
import { parse } from '../validate';
import { jsonRoute } from './json-route';

export function facilitiesRouter(facilities: FacilitiesService): Router {
  const r = Router();

  r.post('/v1/facilities', async (req, res) => {
    const body = parse(FacilityBody, req.body);
    const out = await facilities.register(principalOf(res), body);
    res.status(out.created ? 201 : 200).json({ facility: out.record, created: out.created });
  });

  r.get('/v1/facilities', jsonRoute(ListFacilitiesQuery, 'query', (who, q) => facilities.list(who, q)));
  r.get('/v1/facilities/:gln', jsonRoute(GlnParams, 'params', (who, { gln }) => facilities.read(who, gln)));

  return r;
}
