/** Thin routes for /v1/events. */
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import { ValidationError } from '../../errors';
import { EventBatch, EventIdParams, EventInput, PostEventsQuery } from '../../schemas';
import type { EventsService } from '../../services/events.service';
import { problem, sendProblem } from '../problem';
import { parse } from '../validate';

export function eventsRouter(events: EventsService): Router {
  const r = Router();

  r.post('/v1/events', async (req, res) => {
    const query = parse(PostEventsQuery, req.query, 'query');
    const body: unknown = req.body;
    // one event, or { events: [...] }: choose by shape so errors name the right field
    const batch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
    const list = batch ? parse(EventBatch, body).events : [parse(EventInput, body)];
    const seen = new Map<string, string>();
    list.forEach((e, i) => {
      const canonical = JSON.stringify(e);
      const before = seen.get(e.eventId);
      if (before !== undefined && before !== canonical) {
        throw new ValidationError(
          [{ path: `events[${String(i)}].eventId`, message: 'repeated in this request with different content' }],
          `events[${String(i)}].eventId: repeated in this request with different content`,
        );
      }
      seen.set(e.eventId, canonical);
    });
    const out = await events.post(principalOf(res), list, query.wait === 'commit', batch);
    if (out.rejection) {
      sendProblem(
        res,
        problem(out.httpStatus, out.rejection.code, out.rejection.sentence, { accepted: out.accepted }),
      );
      return;
    }
    res.status(out.httpStatus).json({ accepted: out.accepted });
  });

  r.get('/v1/events/:eventId', async (req, res) => {
    const { eventId } = parse(EventIdParams, req.params, 'params');
    res.json(await events.get(principalOf(res), eventId));
  });

  return r;
}
