/** Thin routes for proof bundles of a lot and of an event (`?verify=true`: the verifier's report instead). */
import type { Response } from 'express';
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import type { BuiltProof, ProofService } from '../../proofs/proof.service';
import { EventIdParams, LotIdParams } from '../../schemas';
import { ProofQuery } from '../../schemas/proof';
import { parse } from '../validate';

/** Sends the bundle as a download, or the verifier's report on it. */
async function answer(res: Response, proofs: ProofService, built: BuiltProof, verify: boolean, fileName: string): Promise<void> {
  if (!verify) {
    res.set('Server-Timing', `proof;dur=${String(built.ms)}`);
    res.set('Content-Disposition', `attachment; filename="${fileName}"`);
    res.json(built.bundle);
    return;
  }
  const started = performance.now();
  const report = await proofs.verify(built.bundle);
  res.set('Server-Timing', `proof;dur=${String(built.ms)}, verify;dur=${String(Math.round((performance.now() - started) * 100) / 100)}`);
  res.json(report);
}

export function proofsRouter(proofs: ProofService): Router {
  const r = Router();
  r.get('/v1/lots/:lotId/proof', async (req, res) => {
    const { lotId } = parse(LotIdParams, req.params, 'params');
    const { verify } = parse(ProofQuery, req.query, 'query');
    await answer(res, proofs, await proofs.forLot(principalOf(res), lotId), verify === 'true', `proof-lot-${lotId}.json`);
  });
  r.get('/v1/events/:eventId/proof', async (req, res) => {
    const { eventId } = parse(EventIdParams, req.params, 'params');
    const { verify } = parse(ProofQuery, req.query, 'query');
    await answer(res, proofs, await proofs.forEvent(principalOf(res), eventId), verify === 'true', `proof-event-${eventId}.json`);
  });
  return r;
}
