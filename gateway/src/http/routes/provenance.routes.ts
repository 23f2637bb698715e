/** Thin routes for provenance by lot id and by EPC. */
import { Router } from 'express';
import { EpcParams, LotIdParams } from '../../schemas';
import type { ProvenanceService } from '../../services/provenance.service';
import { jsonRoute } from './json-route';

export function provenanceRouter(provenance: ProvenanceService): Router {
  const r = Router();
  r.get('/v1/lots/:lotId/provenance', jsonRoute(LotIdParams, 'params', (who, { lotId }) => provenance.byLot(who, lotId)));
  r.get('/v1/epcs/:epc/provenance', jsonRoute(EpcParams, 'params', (who, { epc }) => provenance.byEpc(who, epc)));
  return r;
}
