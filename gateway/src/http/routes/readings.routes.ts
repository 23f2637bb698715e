/** Thin route for POST /v1/readings (raw RFID reads → rfid events on the durable queue). */
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import { PostReadingsBody } from '../../schemas';
import type { ReadingsService } from '../../services/readings.service';
import { parse } from '../validate';

export function readingsRouter(readings: ReadingsService): Router {
  const r = Router();
  r.post('/v1/readings', async (req, res) => {
    const principal = principalOf(res);
    // the role gate first: a role that never posts hears 403 whatever it sent
    readings.assertMayPost(principal);
    const body = parse(PostReadingsBody, req.body);
    const out = await readings.post(principal, body.reads);
    res.status(202).json(out);
  });
  return r;
}
