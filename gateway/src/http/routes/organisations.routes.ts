/** Thin routes for /v1/organisations: parse, call the service, answer. */
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import { ListOrganisationsQuery, MspIdParams, OrganisationProfileBody } from '../../schemas';
import type { OrganisationsService } from '../../services/organisations.service';
import { parse } from '../validate';

export function organisationsRouter(organisations: OrganisationsService): Router {
  const r = Router();

  r.put('/v1/organisations/:mspId', async (req, res) => {
    const { mspId } = parse(MspIdParams, req.params, 'params');
    const body = parse(OrganisationProfileBody, req.body);
    const out = await organisations.put(principalOf(res), mspId, body);
    res.status(out.created ? 201 : 200).json({ organisation: out.record, created: out.created, txId: out.txId });
  });

  r.get('/v1/organisations', async (req, res) => {
    parse(ListOrganisationsQuery, req.query, 'query');
    res.json(await organisations.list(principalOf(res)));
  });

  r.get('/v1/organisations/:mspId', async (req, res) => {
    const { mspId } = parse(MspIdParams, req.params, 'params');
    res.json(await organisations.read(principalOf(res), mspId));
  });

  return r;
}
