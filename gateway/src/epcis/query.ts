/**
 * The EPCIS 2.0 query parameters acetrace answers (GET /epcis/events, REST binding names), their
 * parsing and the filter they make over exported events, and the page token.
 *
 * The ledger keeps events by lot (no index across lots by time, bizStep or place), so a query
 * walks lots: the lots of the EPCs named by MATCH_epc / MATCH_anyEPC / MATCH_parentID (one
 * GetLotByEpc each), else of the eventIDs of EQ_eventID (GetEvent), else every lot in ListLots order
 * (with the link filter when EQ_bizStep names exactly one link). Each page reads at most
 * {@link LOTS_PER_PAGE} lots' provenance, so a page may hold fewer than `perPage` events and still
 * have a next page; `nextPageToken` says where the walk resumes.
 */
import { LINKS } from '@acetrace/chaincode';
import { type FieldError, ValidationError } from '../errors';
import { canonicalIdentifier } from './identifiers';
import { type EpcisEvent, linkBizStep } from './mapping';

/** Most lots whose provenance one page reads. */
export const LOTS_PER_PAGE = 20;
/** Events per page unless `perPage` says otherwise, and the most it may say. */
export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 500;

const EVENT_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransformationEvent', 'TransactionEvent', 'AssociationEvent'] as const;

/** The supported parameters (anything else is refused by name). */
export const QUERY_PARAMETERS = [
  'eventType', 'GE_eventTime', 'LT_eventTime', 'GE_recordTime', 'LT_recordTime', 'EQ_bizStep', 'EQ_readPoint',
  'EQ_bizLocation', 'MATCH_epc', 'MATCH_anyEPC', 'MATCH_parentID', 'EQ_eventID', 'EXISTS_errorDeclaration', 'perPage',
  'nextPageToken',
] as const;

/** A parsed query. */
export interface EventQuery {
  eventTypes?: Set<string>;
  geEventTime?: number;
  ltEventTime?: number;
  geRecordTime?: number;
  ltRecordTime?: number;
  bizSteps?: Set<string>;
  readPoints?: Set<string>;
  bizLocations?: Set<string>;
  matchEpc?: Set<string>;
  matchAnyEpc?: Set<string>;
  matchParentId?: Set<string>;
  eventIds?: Set<string>;
  existsErrorDeclaration: boolean;
  perPage: number;
  token?: PageToken;
  /** The EPCs as given (for the lot lookup). */
  epcsGiven: string[];
  eventIdsGiven: string[];
}

/** Where a walk resumes: the lot list (`i`, index into the candidate lots) or a ListLots page (`b`), and events to skip (`o`). */
export interface PageToken {
  b?: string;
  i: number;
  o: number;
}

export function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t), 'utf8').toString('base64url');
}

function decodeToken(s: string): PageToken | undefined {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (t === null || typeof t !== 'object') return undefined;
    const { b, i, o } = t as Record<string, unknown>;
    if ((b !== undefined && typeof b !== 'string') || !Number.isInteger(i) || !Number.isInteger(o) || (i as number) < 0 || (o as number) < 0) return undefined;
    return { ...(b !== undefined && { b: b }), i: i as number, o: o as number };
  } catch {
    return undefined;
  }
}

/** A bare CBV bizStep for comparing (`urn:epcglobal:cbv:bizstep:x`, `https://ref.gs1.org/cbv/BizStep-x` → `x`). */
export function bareBizStep(v: string): string {
  const s = v.trim();
  return /^urn:epcglobal:cbv:bizstep:(.+)$/i.exec(s)?.[1] ?? /^https:\/\/ref\.gs1\.org\/cbv\/BizStep-(.+)$/.exec(s)?.[1] ?? s;
}

/** A list parameter: pipe-delimited (REST binding), commas accepted too. */
function list(v: string): string[] {
  return v
    .split(/[|,]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/**
 * Parses the query string.
 * @throws ValidationError naming each bad or unsupported parameter (`query.EQ_disposition`).
 */
export function parseEventQuery(query: Record<string, unknown>): EventQuery {
  const errors: FieldError[] = [];
  const bad = (name: string, message: string): void => {
    errors.push({ path: `query.${name}`, message });
  };
  const str = (name: string): string | undefined => {
    const v = query[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      bad(name, 'give the parameter once');
      return undefined;
    }
    return v;
  };
  for (const name of Object.keys(query)) {
    if (!(QUERY_PARAMETERS as readonly string[]).includes(name)) {
      bad(name, `not supported by acetrace (supported: ${QUERY_PARAMETERS.join(', ')})`);
    }
  }
  const time = (name: string): number | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(v) ? Date.parse(v) : NaN;
    if (!Number.isFinite(ms)) bad(name, 'must be a date-time with an offset');
    return ms;
  };
  const set = (name: string, map: (s: string) => string = (s) => s): Set<string> | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    const items = list(v);
    if (items.length === 0) bad(name, 'must name at least one value');
    return new Set(items.map(map));
  };
  const epcs = (name: string): Set<string> | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    const items = list(v);
    if (items.length === 0) bad(name, 'must name at least one EPC');
    if (items.some((e) => e.toLowerCase().startsWith('urn:epc:idpat:'))) bad(name, 'EPC patterns (urn:epc:idpat:...) are not supported: name each EPC');
    return new Set(items.map(canonicalIdentifier));
  };

  const types = set('eventType');
  for (const t of types ?? []) if (!(EVENT_TYPES as readonly string[]).includes(t)) bad('eventType', `${t} is not an EPCIS 2.0 event type`);
  let perPage = DEFAULT_PER_PAGE;
  const pp = str('perPage');
  if (pp !== undefined) {
    perPage = /^\d{1,4}$/.test(pp) ? Number(pp) : NaN;
    if (!(perPage >= 1 && perPage <= MAX_PER_PAGE)) bad('perPage', `must be an integer 1-${String(MAX_PER_PAGE)}`);
  }
  const exists = str('EXISTS_errorDeclaration');
  if (exists !== undefined && exists !== 'true' && exists !== 'false' && exists !== '') bad('EXISTS_errorDeclaration', 'must be true or false');
  const tokenText = str('nextPageToken');
  const token = tokenText === undefined ? undefined : decodeToken(tokenText);
  if (tokenText !== undefined && token === undefined) bad('nextPageToken', 'not a page token this gateway issued');

  const matchEpc = epcs('MATCH_epc');
  const matchAnyEpc = epcs('MATCH_anyEPC');
  const matchParentId = epcs('MATCH_parentID');
  const eventIdsGiven = list(str('EQ_eventID') ?? '');
  const q: EventQuery = {
    ...(types !== undefined && { eventTypes: types }),
    ...(query.GE_eventTime !== undefined && { geEventTime: time('GE_eventTime') }),
    ...(query.LT_eventTime !== undefined && { ltEventTime: time('LT_eventTime') }),
    ...(query.GE_recordTime !== undefined && { geRecordTime: time('GE_recordTime') }),
    ...(query.LT_recordTime !== undefined && { ltRecordTime: time('LT_recordTime') }),
    ...(query.EQ_bizStep !== undefined && { bizSteps: set('EQ_bizStep', bareBizStep) }),
    ...(query.EQ_readPoint !== undefined && { readPoints: set('EQ_readPoint', canonicalIdentifier) }),
    ...(query.EQ_bizLocation !== undefined && { bizLocations: set('EQ_bizLocation', canonicalIdentifier) }),
    ...(matchEpc !== undefined && { matchEpc }),
    ...(matchAnyEpc !== undefined && { matchAnyEpc }),
    ...(matchParentId !== undefined && { matchParentId }),
    ...(query.EQ_eventID !== undefined && { eventIds: new Set(eventIdsGiven) }),
    existsErrorDeclaration: exists === 'true',
    perPage,
    ...(token !== undefined && { token }),
    epcsGiven: [...new Set([...list(str('MATCH_epc') ?? ''), ...list(str('MATCH_anyEPC') ?? ''), ...list(str('MATCH_parentID') ?? '')])],
    eventIdsGiven,
  };
  if (errors.length > 0) throw new ValidationError(errors, `${String(errors[0]?.path)}: ${String(errors[0]?.message)}`);
  return q;
}

/** The link filter a ListLots walk can use: the one link every EQ_bizStep value names, if any. */
export function linkFilterOf(q: EventQuery): number | undefined {
  if (q.bizSteps === undefined) return undefined;
  const links = LINKS.filter((l) => q.bizSteps?.has(linkBizStep(l)) === true || q.bizSteps?.has(l.bizStep) === true);
  return links.length === 1 ? links[0]?.number : undefined;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const idOf = (loc: unknown): string | undefined =>
  loc !== null && typeof loc === 'object' && typeof (loc as { id?: unknown }).id === 'string' ? (loc as { id: string }).id : undefined;
const anyIn = (values: string[], wanted: Set<string>): boolean => values.some((v) => wanted.has(canonicalIdentifier(v)));

/** True when the exported event `e` answers the query. */
export function matchesQuery(e: EpcisEvent, q: EventQuery): boolean {
  if (q.eventTypes !== undefined && !q.eventTypes.has(e.type)) return false;
  const eventTime = typeof e.eventTime === 'string' ? Date.parse(e.eventTime) : NaN;
  if (q.geEventTime !== undefined && !(eventTime >= q.geEventTime)) return false;
  if (q.ltEventTime !== undefined && !(eventTime < q.ltEventTime)) return false;
  const recordTime = typeof e.recordTime === 'string' ? Date.parse(e.recordTime) : NaN;
  if (q.geRecordTime !== undefined && !(recordTime >= q.geRecordTime)) return false;
  if (q.ltRecordTime !== undefined && !(recordTime < q.ltRecordTime)) return false;
  if (q.bizSteps !== undefined && !(typeof e.bizStep === 'string' && q.bizSteps.has(bareBizStep(e.bizStep)))) return false;
  const rp = idOf(e.readPoint);
  if (q.readPoints !== undefined && !(rp !== undefined && q.readPoints.has(canonicalIdentifier(rp)))) return false;
  const bl = idOf(e.bizLocation);
  if (q.bizLocations !== undefined && !(bl !== undefined && q.bizLocations.has(canonicalIdentifier(bl)))) return false;
  const parent = typeof e.parentID === 'string' ? [e.parentID] : [];
  if (q.matchEpc !== undefined && !anyIn([...strings(e.epcList), ...strings(e.childEPCs)], q.matchEpc)) return false;
  if (q.matchAnyEpc !== undefined) {
    const all = [...strings(e.epcList), ...strings(e.childEPCs), ...strings(e.inputEPCList), ...strings(e.outputEPCList), ...parent];
    if (!anyIn(all, q.matchAnyEpc)) return false;
  }
  if (q.matchParentId !== undefined && !anyIn(parent, q.matchParentId)) return false;
  if (q.eventIds !== undefined && !(q.eventIds.has(String(e.eventID)) || q.eventIds.has(String(e['acetrace:eventId'])))) return false;
  if (q.existsErrorDeclaration && e.errorDeclaration === undefined) return false;
  return true;
}
