/** Thin routes for /v1/lots: parse, call the service, answer. */
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import { ListLotsQuery, LotIdParams, LotInput } from '../../schemas';
import type { LotsService } from '../../services/lots.service';
import { parse } from '../validate';

export function lotsRouter(lots: LotsService): Router {
  const r = Router();

  r.post('/v1/lots', async (req, res) => {
    const input = parse(LotInput, req.body);
    const out = await lots.register(principalOf(res), input);
    res.status(out.created ? 201 : 200).json({ lot: out.lot, created: out.created, txId: out.txId, blockNumber: out.blockNumber });
  });

  r.get('/v1/lots', async (req, res) => {
    const q = parse(ListLotsQuery, req.query, 'query');
    res.json(await lots.list(principalOf(res), q));
  });

  r.get('/v1/lots/:lotId', async (req, res) => {
    const { lotId } = parse(LotIdParams, req.params, 'params');
    res.json(await lots.read(principalOf(res), lotId));
  });

  r.get('/v1/lots/:lotId/history', async (req, res) => {
    const { lotId } = parse(LotIdParams, req.params, 'params');
    res.json(await lots.history(principalOf(res), lotId));
  });

  // a consumer's deletion request: the owner's compliance purges its private data of the lot; hashes stay
  r.delete('/v1/lots/:lotId/private', async (req, res) => {
    const { lotId } = parse(LotIdParams, req.params, 'params');
    res.json(await lots.purgePrivate(principalOf(res), lotId));
  });

  return r;
}
