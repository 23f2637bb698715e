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

/** True when `t` is a page token: optional string `b`, non-negative integers `i` and `o`. */
function isPageToken(t: unknown): t is PageToken {
  if (t === null || typeof t !== 'object') return false;
  const { b, i, o } = t as Record<string, unknown>;
  const count = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 0;
  return (b === undefined || typeof b === 'string') && count(i) && count(o);
}

function decodeToken(s: string): PageToken | undefined {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (!isPageToken(t)) return undefined;
    return { ...(t.b !== undefined && { b: t.b }), i: t.i, o: t.o };
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

/** Reads the parameters of one query string, recording each problem in `errors`. */
class QueryReader {
  readonly errors: FieldError[] = [];
  readonly #query: Record<string, unknown>;
  constructor(query: Record<string, unknown>) {
    this.#query = query;
  }
  bad(name: string, message: string): void {
    this.errors.push({ path: `query.${name}`, message });
  }
  has(name: string): boolean {
    return this.#query[name] !== undefined;
  }
  /** Refuses every parameter acetrace does not answer. */
  refuseUnsupported(): void {
    for (const name of Object.keys(this.#query)) {
      if (!(QUERY_PARAMETERS as readonly string[]).includes(name)) {
        this.bad(name, `not supported by acetrace (supported: ${QUERY_PARAMETERS.join(', ')})`);
      }
    }
  }
  str(name: string): string | undefined {
    const v = this.#query[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.bad(name, 'give the parameter once');
      return undefined;
    }
    return v;
  }
  /** The list items of a parameter ([] when absent). */
  items(name: string): string[] {
    return list(this.str(name) ?? '');
  }
  time(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(v) ? Date.parse(v) : NaN;
    if (!Number.isFinite(ms)) this.bad(name, 'must be a date-time with an offset');
    return ms;
  }
  set(name: string, map: (s: string) => string = (s) => s): Set<string> | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const items = list(v);
    if (items.length === 0) this.bad(name, 'must name at least one value');
    return new Set(items.map(map));
  }
  epcs(name: string): Set<string> | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const items = list(v);
    if (items.length === 0) this.bad(name, 'must name at least one EPC');
    if (items.some((e) => e.toLowerCase().startsWith('urn:epc:idpat:'))) this.bad(name, 'EPC patterns (urn:epc:idpat:...) are not supported: name each EPC');
    return new Set(items.map(canonicalIdentifier));
  }
}

function eventTypesOf(r: QueryReader): Set<string> | undefined {
  const types = r.set('eventType');
  for (const t of types ?? []) if (!(EVENT_TYPES as readonly string[]).includes(t)) r.bad('eventType', `${t} is not an EPCIS 2.0 event type`);
  return types;
}

function perPageOf(r: QueryReader): number {
  const pp = r.str('perPage');
  if (pp === undefined) return DEFAULT_PER_PAGE;
  const perPage = /^\d{1,4}$/.test(pp) ? Number(pp) : NaN;
  if (!(perPage >= 1 && perPage <= MAX_PER_PAGE)) r.bad('perPage', `must be an integer 1-${String(MAX_PER_PAGE)}`);
  return perPage;
}

function existsErrorDeclarationOf(r: QueryReader): boolean {
  const exists = r.str('EXISTS_errorDeclaration');
  if (exists !== undefined && exists !== 'true' && exists !== 'false' && exists !== '') r.bad('EXISTS_errorDeclaration', 'must be true or false');
  return exists === 'true';
}

function tokenOf(r: QueryReader): PageToken | undefined {
  const tokenText = r.str('nextPageToken');
  const token = tokenText === undefined ? undefined : decodeToken(tokenText);
  if (tokenText !== undefined && token === undefined) r.bad('nextPageToken', 'not a page token this gateway issued');
  return token;
}

/** The event-time and record-time bounds given. */
function timeFilters(r: QueryReader): Pick<EventQuery, 'geEventTime' | 'ltEventTime' | 'geRecordTime' | 'ltRecordTime'> {
  return {
    ...(r.has('GE_eventTime') && { geEventTime: r.time('GE_eventTime') }),
    ...(r.has('LT_eventTime') && { ltEventTime: r.time('LT_eventTime') }),
    ...(r.has('GE_recordTime') && { geRecordTime: r.time('GE_recordTime') }),
    ...(r.has('LT_recordTime') && { ltRecordTime: r.time('LT_recordTime') }),
  };
}

/** The bizStep, readPoint and bizLocation filters given. */
function stepAndPlaceFilters(r: QueryReader): Pick<EventQuery, 'bizSteps' | 'readPoints' | 'bizLocations'> {
  return {
    ...(r.has('EQ_bizStep') && { bizSteps: r.set('EQ_bizStep', bareBizStep) }),
    ...(r.has('EQ_readPoint') && { readPoints: r.set('EQ_readPoint', canonicalIdentifier) }),
    ...(r.has('EQ_bizLocation') && { bizLocations: r.set('EQ_bizLocation', canonicalIdentifier) }),
  };
}

/**
 * Parses the query string.
 * @throws ValidationError naming each bad or unsupported parameter (`query.EQ_disposition`).
 */
export function parseEventQuery(query: Record<string, unknown>): EventQuery {
  const r = new QueryReader(query);
  r.refuseUnsupported();
  // the order of the reads is the order of the errors (the first names the 400)
  const types = eventTypesOf(r);
  const perPage = perPageOf(r);
  const existsErrorDeclaration = existsErrorDeclarationOf(r);
  const token = tokenOf(r);
  const matchEpc = r.epcs('MATCH_epc');
  const matchAnyEpc = r.epcs('MATCH_anyEPC');
  const matchParentId = r.epcs('MATCH_parentID');
  const eventIdsGiven = r.items('EQ_eventID');
  const q: EventQuery = {
    ...(types !== undefined && { eventTypes: types }),
    ...timeFilters(r),
    ...stepAndPlaceFilters(r),
    ...(matchEpc !== undefined && { matchEpc }),
    ...(matchAnyEpc !== undefined && { matchAnyEpc }),
    ...(matchParentId !== undefined && { matchParentId }),
    ...(r.has('EQ_eventID') && { eventIds: new Set(eventIdsGiven) }),
    existsErrorDeclaration,
    perPage,
    ...(token !== undefined && { token }),
    epcsGiven: [...new Set([...r.items('MATCH_epc'), ...r.items('MATCH_anyEPC'), ...r.items('MATCH_parentID')])],
    eventIdsGiven,
  };
  const errors = r.errors;
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

const timeOf = (v: unknown): number => (typeof v === 'string' ? Date.parse(v) : NaN);
/** True when `t` is within the bounds given (an unreadable time is within none). */
const within = (t: number, ge: number | undefined, lt: number | undefined): boolean => (ge === undefined || t >= ge) && (lt === undefined || t < lt);
/** True when no places are wanted, or the place's id is one of them. */
const placeIn = (place: unknown, wanted: Set<string> | undefined): boolean => {
  if (wanted === undefined) return true;
  const id = idOf(place);
  return id !== undefined && wanted.has(canonicalIdentifier(id));
};

/** The MATCH_epc, MATCH_anyEPC and MATCH_parentID tests. */
function matchesEpcs(e: EpcisEvent, q: EventQuery): boolean {
  const parent = typeof e.parentID === 'string' ? [e.parentID] : [];
  const own = [...strings(e.epcList), ...strings(e.childEPCs)];
  if (q.matchEpc !== undefined && !anyIn(own, q.matchEpc)) return false;
  if (q.matchAnyEpc !== undefined && !anyIn([...own, ...strings(e.inputEPCList), ...strings(e.outputEPCList), ...parent], q.matchAnyEpc)) return false;
  return q.matchParentId === undefined || anyIn(parent, q.matchParentId);
}

/** Each test an exported event must pass (a filter not given passes). */
const QUERY_TESTS: Array<(e: EpcisEvent, q: EventQuery) => boolean> = [
  (e, q) => q.eventTypes === undefined || q.eventTypes.has(e.type),
  (e, q) => within(timeOf(e.eventTime), q.geEventTime, q.ltEventTime),
  (e, q) => within(timeOf(e.recordTime), q.geRecordTime, q.ltRecordTime),
  (e, q) => q.bizSteps === undefined || (typeof e.bizStep === 'string' && q.bizSteps.has(bareBizStep(e.bizStep))),
  (e, q) => placeIn(e.readPoint, q.readPoints) && placeIn(e.bizLocation, q.bizLocations),
  matchesEpcs,
  (e, q) => q.eventIds === undefined || q.eventIds.has(String(e.eventID)) || q.eventIds.has(String(e['acetrace:eventId'])),
  (e, q) => !q.existsErrorDeclaration || e.errorDeclaration !== undefined,
];

/** True when the exported event `e` answers the query. */
export function matchesQuery(e: EpcisEvent, q: EventQuery): boolean {
  return QUERY_TESTS.every((test) => test(e, q));
}
