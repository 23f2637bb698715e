/** Thin routes for the CBP dossier and the screening lists. */
import { Router } from 'express';
import { principalOf, requireRole } from '../../auth/authenticate';
import type { DossierService } from '../../dossier/dossier.service';
import { ValidationError } from '../../errors';
import { DossierQuery, LotIdParams, ScreeningListParams } from '../../schemas';
import { formatOfContentType, LIST_FORMATS } from '../../screening/lists';
import type { ScreeningService } from '../../screening/screening.service';
import { parse } from '../validate';
import { problem, sendProblem } from '../problem';

/** Who may upload lists, and who may read them. */
const LIST_WRITERS: ReadonlySet<string> = new Set(['compliance', 'admin']);
const LIST_READERS: ReadonlySet<string> = new Set(['auditor', 'broker', 'compliance', 'admin']);

export function dossierRouter(dossier: DossierService): Router {
  const r = Router();
  r.get('/v1/lots/:lotId/dossier', async (req, res) => {
    const { lotId } = parse(LotIdParams, req.params, 'params');
    const { format } = parse(DossierQuery, req.query, 'query');
    const out = await dossier.render(principalOf(res), lotId, format);
    res.type(out.contentType);
    if (format !== 'json') res.attachment(out.fileName);
    res.send(out.body);
  });
  return r;
}

export function screeningRouter(screening: ScreeningService): Router {
  const r = Router();
  r.put('/v1/screening/lists/:name', (req, res) => {
    const { name } = parse(ScreeningListParams, req.params, 'params');
    requireRole(principalOf(res), LIST_WRITERS, 'upload a screening list');
    const format = formatOfContentType(req.get('content-type'));
    if (!format || !Buffer.isBuffer(req.body)) {
      sendProblem(res, problem(415, 'UNSUPPORTED_MEDIA_TYPE', `send the list as text/csv or application/x-ndjson (${LIST_FORMATS.join(', ')})`, {
        errors: [{ path: 'headers.content-type', message: 'must be text/csv or application/x-ndjson' }],
      }));
      return;
    }
    if (req.body.length === 0) throw new ValidationError([{ path: 'body', message: 'is empty' }]);
    const existed = screening.versions().some((v) => v.name === name);
    res.status(existed ? 200 : 201).json({ list: screening.upload(principalOf(res), name, format, req.body) });
  });
  r.get('/v1/screening/lists', (_req, res) => {
    requireRole(principalOf(res), LIST_READERS, 'read screening lists');
    res.json({ lists: screening.versions() });
  });
  r.get('/v1/screening/lists/:name', (req, res) => {
    const { name } = parse(ScreeningListParams, req.params, 'params');
    requireRole(principalOf(res), LIST_READERS, 'read screening lists');
    const { entities, ...list } = screening.list(name);
    res.json({ list, entities });
  });
  return r;
}
