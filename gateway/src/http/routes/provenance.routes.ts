/** Thin routes for provenance by lot id and by EPC. */
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import { EpcParams, LotIdParams } from '../../schemas';
import type { ProvenanceService } from '../../services/provenance.service';
import { parse } from '../validate';

export function provenanceRouter(provenance: ProvenanceService): Router {
  const r = Router();
  r.get('/v1/lots/:lotId/provenance', async (req, res) => {
    const { lotId } = parse(LotIdParams, req.params, 'params');
    res.json(await provenance.byLot(principalOf(res), lotId));
  });
  r.get('/v1/epcs/:epc/provenance', async (req, res) => {
    const { epc } = parse(EpcParams, req.params, 'params');
    res.json(await provenance.byEpc(principalOf(res), epc));
  });
  return r;
}
