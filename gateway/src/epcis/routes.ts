/** Thin routes of the EPCIS 2.0 REST binding subset (epcis.md) and GET /v1/lots/{lotId}/epcis. */
import { type Request, type Response, Router } from 'express';
import { principalOf } from '../auth/authenticate';
import { ValidationError } from '../errors';
import { problem } from '../http/problem';
import { parse } from '../http/validate';
import { LotIdParams } from '../schemas';
import type { CaptureJob } from './capture-store';
import { epcisDocument, epcisQueryDocument } from './mapping';
import { type EventQuery, parseEventQuery } from './query';
import {
  CAPTURE_FILE_SIZE_LIMIT,
  CAPTURE_LIMIT,
  CaptureHeaders,
  CaptureIdParams,
  EpcParams,
  EpcisCaptureBody,
  EpcisSingleEventBody,
} from './schemas';
import type { EpcisService } from './service';

/** Headers every capture answer carries (REST binding: what the capture interface accepts). */
function advertise(res: Response): void {
  res.setHeader('GS1-EPCIS-Version', '2.0.0');
  res.setHeader('GS1-CBV-Version', '2.0.0');
  res.setHeader('GS1-EPCIS-Capture-Limit', String(CAPTURE_LIMIT));
  res.setHeader('GS1-EPCIS-Capture-File-Size-Limit', String(CAPTURE_FILE_SIZE_LIMIT));
}

/** The capture job as the REST binding shows it: its events, and each refused one as a problem. */
function jobAnswer(job: CaptureJob): Record<string, unknown> {
  return {
    captureID: job.captureID,
    running: job.running,
    success: job.success,
    captureErrorBehaviour: job.captureErrorBehaviour,
    createdAt: job.createdAt,
    ...(job.finishedAt !== undefined && { finishedAt: job.finishedAt }),
    errors: job.events
      .filter((e) => e.state === 'refused')
      .map((e) => {
        const p = problem(e.status ?? 400, e.code ?? 'INVALID_ARGUMENT', e.reason ?? 'refused');
        return { type: p.type, title: p.title, status: p.status, detail: p.detail, instance: e.path, code: p.code, ...(e.eventId !== undefined && { eventId: e.eventId }) };
      }),
    events: job.events,
  };
}

/** `Link: <...>; rel="next"` with the same query and the next token. */
function linkNext(req: Request, res: Response, token: string | undefined): void {
  if (token === undefined) return;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (k !== 'nextPageToken' && typeof v === 'string') params.set(k, v);
  params.set('nextPageToken', token);
  res.setHeader('Link', `<${req.baseUrl}${req.path}?${params.toString()}>; rel="next"`);
}

export function epcisRouter(epcis: EpcisService): Router {
  const r = Router();

  r.post('/epcis/capture', async (req, res) => {
    advertise(res);
    const { 'gs1-capture-error-behaviour': behaviour } = parse(CaptureHeaders, req.headers, 'headers');
    const body = parse(EpcisCaptureBody, req.body);
    const events = body.type === 'EPCISDocument' ? body.epcisBody.eventList : body.epcisBody.queryResults.resultsBody.eventList;
    const job = await epcis.capture(principalOf(res), body, events, behaviour ?? 'rollback');
    res.status(202).location(`/epcis/capture/${job.captureID}`).json(jobAnswer(job));
  });

  r.get('/epcis/capture/:captureID', async (req, res) => {
    advertise(res);
    const { captureID } = parse(CaptureIdParams, req.params, 'params');
    res.json(jobAnswer(await epcis.captureStatus(principalOf(res), captureID)));
  });

  r.post('/epcis/events', async (req, res) => {
    const event = parse(EpcisSingleEventBody, req.body);
    const out = await epcis.postEvent(principalOf(res), event);
    res.status(out.httpStatus).json(out.entry);
  });

  const answerQuery = async (req: Request, res: Response, q: EventQuery): Promise<void> => {
    const page = await epcis.query(principalOf(res), q);
    linkNext(req, res, page.nextPageToken);
    res.type('application/ld+json').json(epcisQueryDocument(page.events));
  };

  r.get('/epcis/events', async (req, res) => {
    await answerQuery(req, res, parseEventQuery(req.query));
  });

  r.get('/epcis/epcs/:epc/events', async (req, res) => {
    const { epc } = parse(EpcParams, req.params, 'params');
    const query = req.query as Record<string, unknown>;
    const selective = ['MATCH_epc', 'MATCH_anyEPC', 'MATCH_parentID', 'EQ_eventID'].filter((k) => query[k] !== undefined);
    if (selective.length > 0) {
      const errors = selective.map((k) => ({ path: `query.${k}`, message: 'the path names the EPC; use GET /epcis/events to combine EPCs' }));
      throw new ValidationError(errors, `${String(errors[0]?.path)}: ${String(errors[0]?.message)}`);
    }
    await answerQuery(req, res, parseEventQuery({ ...query, MATCH_anyEPC: epc }));
  });

  r.get('/v1/lots/:lotId/epcis', async (req, res) => {
    const { lotId } = parse(LotIdParams, req.params, 'params');
    res.type('application/ld+json').json(epcisDocument(await epcis.lotEvents(principalOf(res), lotId)));
  });

  return r;
}
