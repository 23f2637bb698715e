/** Thin routes for /v1/lots: parse, call the service, answer. */
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import { ListLotsQuery, LotIdParams, LotInput } from '../../schemas';
import type { LotsService } from '../../services/lots.service';
import { parse } from '../validate';
import { jsonRoute } from './json-route';

export function lotsRouter(lots: LotsService): Router {
  const r = Router();

  r.post('/v1/lots', async (req, res) => {
    const input = parse(LotInput, req.body);
    const out = await lots.register(principalOf(res), input);
    res.status(out.created ? 201 : 200).json({ lot: out.lot, created: out.created, txId: out.txId, blockNumber: out.blockNumber });
  });

  r.get('/v1/lots', jsonRoute(ListLotsQuery, 'query', (who, q) => lots.list(who, q)));
  r.get('/v1/lots/:lotId', jsonRoute(LotIdParams, 'params', (who, { lotId }) => lots.read(who, lotId)));
  r.get('/v1/lots/:lotId/history', jsonRoute(LotIdParams, 'params', (who, { lotId }) => lots.history(who, lotId)));
  // a consumer's deletion request: the owner's compliance purges its private data of the lot; hashes stay
  r.delete('/v1/lots/:lotId/private', jsonRoute(LotIdParams, 'params', (who, { lotId }) => lots.purgePrivate(who, lotId)));

  return r;
}
