/**
 * The CBV 2.0 EPCIS event hash ID (CBV 2.0 §8.9): a canonical pre-hash string of the event's
 * content, SHA-256 over it, written `ni:///sha-256;<hex>?ver=CBV2.0` (RFC 6920).
 *
 * Pre-hash rules, as the algorithm and its published examples fix them: fields in the canonical
 * property order, `key=value` without separators; times in UTC with milliseconds (a 4th decimal of
 * 5-9 rounds up); numbers without trailing zeros; list members sorted (case-sensitive, by code
 * point) after each is written; CBV terms (bare, `urn:epcglobal:cbv:...`, CURIE) as their
 * `https://ref.gs1.org/cbv/...` Web URI, GS1 measurement and alert types as `https://gs1.org/voc/...`;
 * EPC URNs and Digital Links as canonical Digital Links (identifiers.ts); user extensions as
 * `{namespace}local=value`, sorted; `eventID`, `recordTime` and `errorDeclaration` are not content.
 * In the published examples `destinationList` precedes `sourceList`, and so it does here.
 *
 * acetrace's own annotations (fields in the acetrace namespace: recordedBy, txId, ...) are the
 * repository's, not the event's: {@link eventHashId} leaves them out by default, so an exported
 * event hashes like the event that was captured.
 */
import { createHash } from 'node:crypto';
import { canonicalIdentifier } from './identifiers';

/** The algorithm version the IDs carry. */
export const HASH_VERSION = 'CBV2.0';

/** JSON-LD prefixes every EPCIS 2.0 document has through the standard context. */
const STANDARD_PREFIXES: Record<string, string> = {
  gs1: 'https://gs1.org/voc/',
  cbv: 'https://ref.gs1.org/cbv/',
  epcis: 'https://ref.gs1.org/epcis/',
};

/** The namespace a context term defines: a string, or an object's `@id`. */
function namespaceOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const id = v !== null && typeof v === 'object' ? (v as { '@id'?: unknown })['@id'] : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** Prefix → namespace from a document's `@context` (objects only: remote contexts are the standard's). */
export function contextPrefixes(context: unknown): Record<string, string> {
  const out: Record<string, string> = { ...STANDARD_PREFIXES };
  const entries = Array.isArray(context) ? context : [context];
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
    for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
      const namespace = namespaceOf(v);
      if (namespace !== undefined) out[k] = namespace;
    }
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const sortStrings = (xs: string[]): string[] => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** A number without trailing zeros (`452.0` → `452`), as JSON numbers already are. */
function num(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v === 'string' ? v.trim() : JSON.stringify(v);
}

/**
 * An xsd:dateTimeStamp → `YYYY-MM-DDTHH:MM:SS.mmmZ`: UTC, three decimals, the 4th decimal rounding
 * half up. Unparseable input is returned trimmed (the schema check refuses it earlier).
 */
export function canonicalTime(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(value.trim());
  if (!m) return value.trim();
  const [, whole = '', fraction = '', zone = 'Z'] = m;
  const seconds = Date.parse(`${whole}${zone.toUpperCase() === 'Z' ? 'Z' : zone}`);
  if (!Number.isFinite(seconds)) return value.trim();
  const digits = fraction.padEnd(4, '0');
  const ms = Number(digits.slice(0, 3)) + (Number(digits[3]) >= 5 ? 1 : 0);
  return new Date(seconds + ms).toISOString();
}

/** Expands a CURIE (`prefix:local`) with the document's prefixes; anything else is returned as it is. */
function expandCurie(value: string, prefixes: Record<string, string>): string {
  const m = /^([A-Za-z][\w.-]*):(.*)$/.exec(value);
  if (!m) return value;
  const [, prefix = '', local = ''] = m;
  if (local.startsWith('//')) return value; // a URL, not a CURIE
  const ns = prefixes[prefix];
  return ns === undefined ? value : ns + local;
}

/** A CBV vocabulary value (bizStep, disposition, BTT, SDT, component, error reason) as its Web URI. */
function cbvTerm(value: unknown, kind: 'BizStep' | 'Disp' | 'BTT' | 'SDT' | 'Comp' | 'ER', prefixes: Record<string, string>): string {
  const v = String(value).trim();
  const urn = /^urn:epcglobal:cbv:(bizstep|disp|btt|sdt|er|comp):(.+)$/i.exec(v);
  if (urn) return `https://ref.gs1.org/cbv/${kind}-${urn[2] ?? ''}`;
  if (/^[A-Za-z0-9_]+$/.test(v)) return `https://ref.gs1.org/cbv/${kind}-${v}`;
  return expandCurie(v, prefixes);
}

/** A GS1 vocabulary value (measurement type, sensor alert type): bare → `https://gs1.org/voc/...`. */
function gs1Term(value: unknown, prefixes: Record<string, string>): string {
  const v = String(value).trim();
  if (/^[A-Za-z0-9_]+$/.test(v)) return `https://gs1.org/voc/${v}`;
  return expandCurie(v, prefixes);
}

/** An identifier (EPC, location, party, document, device...): CURIE expanded, EPC/Digital Link canonical. */
function ident(value: unknown, prefixes: Record<string, string>): string {
  return canonicalIdentifier(expandCurie(String(value).trim(), prefixes));
}

/** `{namespace}local` of an extension key; a key without a known prefix stays as it is. */
function extensionKey(key: string, prefixes: Record<string, string>): string {
  const m = /^([A-Za-z][\w.-]*):(.+)$/.exec(key);
  if (m) {
    const ns = prefixes[m[1] ?? ''];
    if (ns !== undefined) return `{${ns}}${m[2] ?? ''}`;
  }
  return key;
}

/** One extension element: `{ns}key=value`, `{ns}key` + its children (sorted), or one entry per list member (sorted). */
function extensionStrings(key: string, value: unknown, prefixes: Record<string, string>): string[] {
  const k = extensionKey(key, prefixes);
  if (Array.isArray(value)) return sortStrings(value.flatMap((v) => extensionStrings(key, v, prefixes)));
  if (isObj(value)) {
    const children = Object.entries(value)
      .filter(([ck]) => !ck.startsWith('@'))
      .flatMap(([ck, cv]) => extensionStrings(ck, cv, prefixes));
    return [k + sortStrings(children).join('')];
  }
  if (value === null || value === undefined) return [k];
  return [`${k}=${typeof value === 'string' ? value.trim() : num(value)}`];
}

/** The sorted extension strings of the keys of `o` not in `known`. */
function extensions(o: Obj, known: ReadonlySet<string>, prefixes: Record<string, string>, skip: (key: string) => boolean): string {
  const parts = Object.entries(o)
    .filter(([k]) => !known.has(k) && !k.startsWith('@') && !skip(k))
    .flatMap(([k, v]) => extensionStrings(k, v, prefixes));
  return sortStrings(parts).join('');
}

const EVENT_FIELDS = new Set([
  'type', 'eventTime', 'eventTimeZoneOffset', 'recordTime', 'eventID', 'errorDeclaration', 'certificationInfo',
  'parentID', 'epcList', 'inputEPCList', 'childEPCs', 'quantityList', 'childQuantityList', 'inputQuantityList',
  'outputEPCList', 'outputQuantityList', 'action', 'transformationID', 'bizStep', 'disposition', 'persistentDisposition',
  'readPoint', 'bizLocation', 'bizTransactionList', 'sourceList', 'destinationList', 'sensorElementList', 'ilmd',
]);
const LOCATION_FIELDS = new Set(['id']);
const METADATA_FIELDS = ['time', 'startTime', 'endTime', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'bizRules'] as const;
const REPORT_FIELDS = [
  'type', 'exception', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'time', 'microorganism',
  'chemicalSubstance', 'value', 'component', 'stringValue', 'booleanValue', 'hexBinaryValue', 'uriValue', 'minValue',
  'maxValue', 'meanValue', 'sDev', 'percRank', 'percValue', 'uom', 'coordinateReferenceSystem',
] as const;
const TIME_FIELDS = new Set(['time', 'startTime', 'endTime']);
const ID_FIELDS = new Set(['deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'bizRules', 'microorganism', 'chemicalSubstance', 'uriValue']);

export interface PreHashOptions {
  /** The document's `@context` (for extension namespaces and CURIEs). */
  context?: unknown;
  /** Extension keys to leave out (default: those in the acetrace namespace, see {@link isAcetraceKey}). */
  ignore?: (key: string) => boolean;
  /** More keys to leave out: a document's `ignoreFields` (see {@link documentIgnoreFields}). */
  ignoreFields?: readonly string[];
}

const RDFS_COMMENT = 'http://www.w3.org/2000/01/rdf-schema#comment';

/**
 * Keys a document declares are a repository's annotations, not event content: the values of a
 * document-level `<prefix>:ignoreFields` (as in the hash algorithm's examples).
 */
export function documentIgnoreFields(document: unknown): string[] {
  if (!isObj(document)) return [];
  const body = isObj(document.epcisBody) ? document.epcisBody : {};
  const holders = [document, isObj(body.queryResults) ? body.queryResults : {}];
  const out: string[] = [];
  for (const holder of holders) {
    for (const [k, v] of Object.entries(holder)) {
      if ((k === 'ignoreFields' || k.endsWith(':ignoreFields')) && Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string'));
    }
  }
  return out;
}

/** The acetrace namespace prefix of exported documents. */
export const ACETRACE_PREFIX = 'acetrace';
/** The namespace the prefix stands for. */
export const ACETRACE_NS = 'https://ns.acetrace.dev/epcis/';

/** True for keys in the acetrace namespace (`acetrace:txId`), the repository's annotations. */
export function isAcetraceKey(key: string): boolean {
  return key.startsWith(`${ACETRACE_PREFIX}:`) || key.startsWith(ACETRACE_NS);
}

/** One sensorMetadata or sensorReport: its `fields` in order, then its extensions. */
function sensorPart(o: Obj, fields: readonly string[], known: ReadonlySet<string>, prefixes: Record<string, string>, skip: (key: string) => boolean): string {
  let s = '';
  for (const f of fields) {
    const v = o[f];
    if (v === undefined || v === null) continue;
    if (TIME_FIELDS.has(f)) s += `${f}=${canonicalTime(num(v))}`;
    else if (ID_FIELDS.has(f)) s += `${f}=${ident(v, prefixes)}`;
    else if (f === 'type' || f === 'exception') s += `${f}=${gs1Term(v, prefixes)}`;
    else if (f === 'component') s += `${f}=${cbvTerm(v, 'Comp', prefixes)}`;
    else s += `${f}=${typeof v === 'string' ? v.trim() : num(v)}`;
  }
  return s + extensions(o, known, prefixes, skip);
}

/** certificationInfo given as a list: one sorted part each. */
function certificationParts(cert: unknown[]): string[] {
  return sortStrings(cert.map((c) => `certificationInfo=${String(c).trim()}`));
}

/** persistentDisposition: its sorted `set` then its sorted `unset` terms. */
function persistentDispositionPart(pd: Obj, prefixes: Record<string, string>): string {
  const terms = (name: 'set' | 'unset'): string[] => {
    const list = pd[name];
    return Array.isArray(list) ? sortStrings(list.map((d) => `${name}=${cbvTerm(d, 'Disp', prefixes)}`)) : [];
  };
  return `persistentDisposition${terms('set').join('')}${terms('unset').join('')}`;
}

/** sensorElementList: each element's metadata, sorted reports and extensions, the elements sorted. */
function sensorElementListPart(sensors: unknown[], prefixes: Record<string, string>, skip: (key: string) => boolean): string {
  const elements = sensors.filter(isObj).map((el) => {
    let s = 'sensorElement';
    if (isObj(el.sensorMetadata)) s += `sensorMetadata${sensorPart(el.sensorMetadata, METADATA_FIELDS, new Set(METADATA_FIELDS), prefixes, skip)}`;
    if (Array.isArray(el.sensorReport)) {
      s += sortStrings(el.sensorReport.filter(isObj).map((r) => `sensorReport${sensorPart(r, REPORT_FIELDS, new Set(REPORT_FIELDS), prefixes, skip)}`)).join('');
    }
    return s + extensions(el, new Set(['sensorMetadata', 'sensorReport']), prefixes, skip);
  });
  return `sensorElementList${sortStrings(elements).join('')}`;
}

/** The CBV 2.0 pre-hash string of one event. */
export function preHashString(event: Obj, options: PreHashOptions = {}): string {
  const prefixes = contextPrefixes(options.context);
  const ignoreFirst = options.ignore ?? isAcetraceKey;
  const ignored = new Set(options.ignoreFields ?? []);
  // comments are annotations, not content
  const skip = (key: string): boolean =>
    ignoreFirst(key) || ignored.has(key) || expandCurie(key, prefixes) === RDFS_COMMENT;
  const out: string[] = [];
  const field = (k: string, v: unknown): void => {
    if (v !== undefined && v !== null && v !== '') out.push(`${k}=${typeof v === 'string' ? v.trim() : num(v)}`);
  };
  /** A field whose value is a term or identifier, when given. */
  const termField = (k: string, v: unknown, term: (v: unknown) => string): void => {
    if (v !== undefined) field(k, term(v));
  };
  const certification = (cert: unknown): void => {
    if (Array.isArray(cert)) out.push(...certificationParts(cert));
    else if (cert !== undefined) field('certificationInfo', cert);
  };
  const epcList = (name: string): void => {
    const list = event[name];
    if (!Array.isArray(list) || list.length === 0) return;
    out.push(name + sortStrings(list.map((e) => `epc=${ident(e, prefixes)}`)).join(''));
  };
  const quantities = (name: string): void => {
    const list = event[name];
    if (!Array.isArray(list) || list.length === 0) return;
    const items = list.filter(isObj).map((q) => {
      let s = 'quantityElement';
      if (q.epcClass !== undefined) s += `epcClass=${ident(q.epcClass, prefixes)}`;
      if (q.quantity !== undefined) s += `quantity=${num(q.quantity)}`;
      if (q.uom !== undefined) s += `uom=${num(q.uom)}`;
      return s;
    });
    out.push(name + sortStrings(items).join(''));
  };
  const location = (name: string): void => {
    const loc = event[name];
    if (!isObj(loc)) return;
    out.push(`${name}${loc.id === undefined ? '' : `id=${ident(loc.id, prefixes)}`}${extensions(loc, LOCATION_FIELDS, prefixes, skip)}`);
  };
  const typedList = (name: string, valueKey: string, kind: 'BTT' | 'SDT'): void => {
    const list = event[name];
    if (!Array.isArray(list) || list.length === 0) return;
    const items = list.filter(isObj).map((e) => {
      const type = e.type === undefined ? '' : `type=${cbvTerm(e.type, kind, prefixes)}`;
      return `${type}${valueKey}=${ident(e[valueKey], prefixes)}`;
    });
    out.push(name + sortStrings(items).join(''));
  };

  field('eventType', event.type);
  if (typeof event.eventTime === 'string') field('eventTime', canonicalTime(event.eventTime));
  field('eventTimeZoneOffset', event.eventTimeZoneOffset);
  certification(event.certificationInfo);
  termField('parentID', event.parentID, (v) => ident(v, prefixes));
  epcList('epcList');
  epcList('inputEPCList');
  epcList('childEPCs');
  quantities('quantityList');
  quantities('childQuantityList');
  quantities('inputQuantityList');
  epcList('outputEPCList');
  quantities('outputQuantityList');
  field('action', event.action);
  termField('transformationID', event.transformationID, (v) => ident(v, prefixes));
  termField('bizStep', event.bizStep, (v) => cbvTerm(v, 'BizStep', prefixes));
  termField('disposition', event.disposition, (v) => cbvTerm(v, 'Disp', prefixes));
  if (isObj(event.persistentDisposition)) out.push(persistentDispositionPart(event.persistentDisposition, prefixes));
  location('readPoint');
  location('bizLocation');
  typedList('bizTransactionList', 'bizTransaction', 'BTT');
  typedList('destinationList', 'destination', 'SDT');
  typedList('sourceList', 'source', 'SDT');
  const sensors = event.sensorElementList;
  if (Array.isArray(sensors) && sensors.length > 0) out.push(sensorElementListPart(sensors, prefixes, skip));
  if (isObj(event.ilmd)) out.push(`ilmd${extensions(event.ilmd, new Set(), prefixes, () => false)}`);
  out.push(extensions(event, EVENT_FIELDS, prefixes, skip));
  return out.join('');
}

/** The event hash ID `ni:///sha-256;<hex>?ver=CBV2.0` of one event. */
export function eventHashId(event: Obj, options: PreHashOptions = {}): string {
  const hex = createHash('sha256').update(preHashString(event, options), 'utf8').digest('hex');
  return `ni:///sha-256;${hex}?ver=${HASH_VERSION}`;
}

// ---- acetrace event ids ↔ EPCIS eventIDs

const NI = /^ni:\/\/\/sha-256;([0-9a-f]{64})\?ver=(CBV\d+\.\d+(?:\.\d+)?)$/;
const NI_ID = /^ni:sha-256:([0-9a-f]{64}):(CBV\d+\.\d+(?:\.\d+)?)$/;
const ACETRACE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The acetrace event id of an EPCIS eventID, deterministically: a hash ID
 * `ni:///sha-256;<hex>?ver=CBV2.0` becomes `ni:sha-256:<hex>:CBV2.0` (83 characters of the id
 * alphabet); an eventID that already is an acetrace id (`urn:uuid:...`) stays as it is. Anything
 * else has no acetrace id (undefined): acetrace could not give it back unchanged.
 */
export function acetraceEventId(eventID: string): string | undefined {
  const ni = NI.exec(eventID);
  if (ni) return `ni:sha-256:${ni[1] ?? ''}:${ni[2] ?? ''}`;
  if (eventID.startsWith('ni:')) return undefined; // other ni forms would read back as a hash ID
  return ACETRACE_ID.test(eventID) ? eventID : undefined;
}

/** The EPCIS eventID of an acetrace event id, when the id came from one (else undefined). */
export function epcisEventId(acetraceId: string): string | undefined {
  const m = NI_ID.exec(acetraceId);
  if (m) return `ni:///sha-256;${m[1] ?? ''}?ver=${m[2] ?? ''}`;
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(acetraceId) ? acetraceId : undefined;
}

/** Re-exported for callers that build JSON-LD values. */
export type { Json };
