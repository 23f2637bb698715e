/**
 * Input validation and normalisation for lots, events, corrections, devices and organisations.
 * Every problem names its field path; all problems of one input are reported together.
 */
import tds from 'epc-tds';
import { normaliseEpc, epcMatchKey, EpcFormatError } from './epc';
import { ValidationError, type FieldProblem } from './errors';
import { isLinkNumber, linkFromName, LINK_COUNT } from './links';
import { parseInstant } from './time';
import {
  EVENT_KINDS, EVIDENCE_TYPES, ROLES,
  type DeviceInput, type EventKind, type Evidence, type EvidenceType, type Location, type NormalisedEvent, type NormalisedLot,
  type LotFilter, type OrganisationInput, type Role,
} from './types';
import {
  DEFAULT_PAGE_SIZE, ID_PATTERN, MAX_ACCURACY_M, MAX_BATCH, MAX_BOOKMARK_LENGTH, MAX_EPCS_PER_EVENT, MAX_EPCS_PER_LOT,
  MAX_EVIDENCE, MAX_PAGE_SIZE, MAX_PRODUCT_LENGTH, MAX_REASON_LENGTH, MAX_URI_LENGTH, MSP_PATTERN, SHA256_PATTERN,
  UNIT_PATTERN,
} from './limits';

// ISO 3166-1 alpha-2, officially assigned codes.
const ISO_3166 = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' '),
);

/** `8536509065` or `8536.50.9065` → `8536.50.9065`; undefined if neither. */
export function normaliseHtsCode(value: string): string | undefined {
  const v = value.trim();
  const m = /^(\d{4})\.?(\d{2})\.?(\d{4})$/.exec(v);
  if (!m || !(/^\d{10}$/.test(v) || /^\d{4}\.\d{2}\.\d{4}$/.test(v))) return undefined;
  return `${m[1] ?? ''}.${m[2] ?? ''}.${m[3] ?? ''}`;
}

/** ISO 3166-1 alpha-2 code, upper-cased; undefined if not assigned. */
export function normaliseCountry(value: string): string | undefined {
  const v = value.trim().toUpperCase();
  return ISO_3166.has(v) ? v : undefined;
}

/** A GLN: 13 digits with a valid GS1 check digit. */
export function isGln(value: string): boolean {
  return /^\d{13}$/.test(value) && tds.Utils.computeCheckDigit(value.slice(0, 12)) === Number(value[12]);
}

/** Collects problems while reading an unknown JSON value. */
class Reader {
  readonly problems: FieldProblem[] = [];

  constructor(private readonly prefix: string) {}

  path(field: string): string {
    if (this.prefix === '') return field;
    return field === '' ? this.prefix : `${this.prefix}.${field}`;
  }

  fail(field: string, message: string): undefined {
    this.problems.push({ path: this.path(field), message });
    return undefined;
  }

  /** A field left out: a problem if it is required (undefined), else null. */
  absent(field: string, required: boolean): null | undefined {
    if (!required) return null;
    this.fail(field, 'is required');
    return undefined;
  }

  id(obj: Record<string, unknown>, field: string, required: true): string | undefined;
  id(obj: Record<string, unknown>, field: string, required: false): string | null | undefined;
  id(obj: Record<string, unknown>, field: string, required: boolean): string | null | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return this.absent(field, required);
    if (typeof v !== 'string' || !ID_PATTERN.test(v)) {
      this.fail(field, 'must be 1-128 characters of A-Za-z0-9._:-');
      return undefined;
    }
    return v;
  }

  text(obj: Record<string, unknown>, field: string, max: number, required: boolean): string | null | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return this.absent(field, required);
    if (typeof v !== 'string' || v.trim().length === 0) {
      this.fail(field, 'must be a non-empty string');
      return undefined;
    }
    if (v.length > max) {
      this.fail(field, `must be at most ${String(max)} characters`);
      return undefined;
    }
    return v;
  }

  instant(obj: Record<string, unknown>, field: string, required: boolean): { text: string; utcKey: string } | null | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return this.absent(field, required);
    const parsed = typeof v === 'string' ? parseInstant(v) : undefined;
    if (typeof v !== 'string' || !parsed) {
      this.fail(field, 'must be an ISO 8601 date-time with offset, e.g. 2026-11-20T08:15:00+08:00');
      return undefined;
    }
    return { text: v, utcKey: parsed.utcKey };
  }

  epcs(obj: Record<string, unknown>, field: string, max: number, knownEpcs: readonly string[]): string[] | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.fail(field, 'must be an array of EPC strings');
      return undefined;
    }
    if (v.length > max) {
      this.fail(field, `must hold at most ${String(max)} EPCs`);
      return undefined;
    }
    const out: string[] = [];
    const seen = new Set<string>();
    v.forEach((item: unknown, i) => {
      if (typeof item !== 'string') {
        this.fail(`${field}[${String(i)}]`, 'must be a string');
        return;
      }
      try {
        const urn = normaliseEpc(item, { knownEpcs });
        const key = epcMatchKey(urn);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(urn);
        }
      } catch (err) {
        this.fail(`${field}[${String(i)}]`, err instanceof EpcFormatError ? err.message : 'is not a readable EPC');
      }
    });
    return out;
  }

  location(obj: Record<string, unknown>, field: string): Location | null | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return null;
    if (!isObject(v)) {
      this.fail(field, 'must be an object');
      return undefined;
    }
    const lat = this.nested(field, 'lat', v.lat, -90, 90);
    const lon = this.nested(field, 'lon', v.lon, -180, 180);
    const accuracyM = this.nested(field, 'accuracyM', v.accuracyM, 0, MAX_ACCURACY_M);
    const gln = this.gln(field, v.gln);
    this.coordinatePair(field, v);
    return {
      lat: typeof lat === 'number' ? lat : null,
      lon: typeof lon === 'number' ? lon : null,
      accuracyM: typeof accuracyM === 'number' ? accuracyM : null,
      gln,
    };
  }

  /** A location's optional GLN; null when absent or invalid (the problem is recorded). */
  private gln(field: string, value: unknown): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || !isGln(value)) {
      this.fail(`${field}.gln`, 'must be a 13-digit GLN with a valid check digit');
      return null;
    }
    return value;
  }

  /** lat and lon come together or not at all. */
  private coordinatePair(field: string, v: Record<string, unknown>): void {
    const latGiven = v.lat !== undefined && v.lat !== null;
    const lonGiven = v.lon !== undefined && v.lon !== null;
    if (latGiven !== lonGiven) this.fail(`${field}.${latGiven ? 'lon' : 'lat'}`, 'is required when the other coordinate is given');
  }

  private nested(field: string, name: string, value: unknown, min: number, max: number): number | null | undefined {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(`${field}.${name}`, 'must be a finite number');
      return undefined;
    }
    if (value < min || value > max) {
      this.fail(`${field}.${name}`, min === 0 ? `must be >= 0 and at most ${String(max)}` : `must be between ${String(min)} and ${String(max)}`);
      return undefined;
    }
    return value;
  }

  evidence(obj: Record<string, unknown>, field: string): Evidence[] | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.fail(field, 'must be an array');
      return undefined;
    }
    if (v.length > MAX_EVIDENCE) {
      this.fail(field, `must hold at most ${String(MAX_EVIDENCE)} items`);
      return undefined;
    }
    const out: Evidence[] = [];
    v.forEach((item: unknown, i) => {
      const evidence = this.evidenceItem(`${field}[${String(i)}]`, item);
      if (evidence) out.push(evidence);
    });
    return out;
  }

  /** One evidence item at path `p`; undefined (problems recorded) if any part is invalid. */
  private evidenceItem(p: string, item: unknown): Evidence | undefined {
    if (!isObject(item)) {
      this.fail(p, 'must be an object');
      return undefined;
    }
    const sha = item.sha256;
    const type = item.type ?? 'other';
    const uri = item.uri;
    let ok = true;
    if (typeof sha !== 'string' || !SHA256_PATTERN.test(sha)) {
      this.fail(`${p}.sha256`, 'must be 64 hex characters (SHA-256)');
      ok = false;
    }
    if (typeof type !== 'string' || !(EVIDENCE_TYPES as readonly string[]).includes(type)) {
      this.fail(`${p}.type`, `must be one of ${EVIDENCE_TYPES.join(', ')}`);
      ok = false;
    }
    if (!isEvidenceUri(uri)) {
      this.fail(`${p}.uri`, `must be a string of 1-${String(MAX_URI_LENGTH)} characters`);
      ok = false;
    }
    if (!ok) return undefined;
    return { sha256: (sha as string).toLowerCase(), uri: (uri as string | undefined) ?? null, type: type as EvidenceType };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An evidence URI is optional; when given, a string of 1..MAX_URI_LENGTH characters. */
function isEvidenceUri(uri: unknown): boolean {
  if (uri === undefined || uri === null) return true;
  return typeof uri === 'string' && uri.length > 0 && uri.length <= MAX_URI_LENGTH;
}

/** True when the field is present (neither undefined nor null). */
function given(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function throwIfProblems(r: Reader): void {
  if (r.problems.length > 0) throw new ValidationError(r.problems);
}

/** Parse a JSON argument; INVALID_ARGUMENT naming `what` if it is not JSON. */
export function parseJsonArgument(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError([{ path: what, message: 'must be valid JSON' }]);
  }
}

/** Validate and normalise a LotInput. @throws ValidationError */
export function validateLotInput(raw: unknown): NormalisedLot {
  const r = new Reader('');
  if (!isObject(raw)) throw new ValidationError([{ path: 'lot', message: 'must be a JSON object' }]);
  const lotId = r.id(raw, 'lotId', true);
  const product = r.text(raw, 'product', MAX_PRODUCT_LENGTH, true);
  const htsCode = readHtsCode(r, raw.htsCode);
  const originCountry = readOriginCountry(r, raw.originCountry);
  const quantity = readQuantity(r, raw.quantity);
  const unit = readUnit(r, raw.unit);
  const epcs = r.epcs(raw, 'epcs', MAX_EPCS_PER_LOT, []);
  const parentLotId = r.id(raw, 'parentLotId', false);
  if (parentLotId && parentLotId === lotId) r.fail('parentLotId', 'must differ from lotId');
  const importerMsp = readImporterMsp(r, raw.importerMsp);
  const packedAt = r.instant(raw, 'packedAt', false);
  if (packedAt && !parentLotId) r.fail('packedAt', 'needs parentLotId');
  throwIfProblems(r);
  return {
    lotId: lotId as string,
    product: product as string,
    htsCode: htsCode as string,
    originCountry: originCountry as string,
    quantity: quantity as number,
    unit: unit as string,
    epcs: epcs as string[],
    parentLotId: parentLotId ?? null,
    importerMsp,
    packedAt: packedAt ? packedAt.text : null,
  };
}

/** A lot's HTS code, normalised to NNNN.NN.NNNN. */
function readHtsCode(r: Reader, value: unknown): string | undefined {
  if (typeof value !== 'string') {
    r.fail('htsCode', 'is required: 10 digits, NNNNNNNNNN or NNNN.NN.NNNN');
    return undefined;
  }
  const htsCode = normaliseHtsCode(value);
  if (!htsCode) r.fail('htsCode', 'must be 10 digits, NNNNNNNNNN or NNNN.NN.NNNN');
  return htsCode;
}

/** A lot's origin country, an upper-case ISO 3166-1 alpha-2 code. */
function readOriginCountry(r: Reader, value: unknown): string | undefined {
  if (typeof value !== 'string') {
    r.fail('originCountry', 'is required: an ISO 3166-1 alpha-2 code');
    return undefined;
  }
  const originCountry = normaliseCountry(value);
  if (!originCountry) r.fail('originCountry', 'must be an ISO 3166-1 alpha-2 code, e.g. CN');
  return originCountry;
}

/** A lot's quantity, a finite number > 0. */
function readQuantity(r: Reader, value: unknown): number | undefined {
  if (value === undefined || value === null) {
    r.fail('quantity', 'is required');
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    r.fail('quantity', 'must be a number > 0');
    return undefined;
  }
  return value;
}

/** A lot's unit of measure (e.g. EA, KGM). */
function readUnit(r: Reader, value: unknown): string | undefined {
  if (typeof value !== 'string' || !UNIT_PATTERN.test(value)) {
    r.fail('unit', 'must be 1-16 characters of A-Za-z0-9._- (e.g. EA, KGM)');
    return undefined;
  }
  return value;
}

/** A lot's optional importer MSP id; null when absent or invalid (the problem is recorded). */
function readImporterMsp(r: Reader, value: unknown): string | null {
  if (!given(value)) return null;
  if (typeof value !== 'string' || !MSP_PATTERN.test(value)) {
    r.fail('importerMsp', 'must be an MSP id (1-128 of A-Za-z0-9._-)');
    return null;
  }
  return value;
}

export interface EventValidationOptions {
  /** `events[2]` in a batch, '' for a single input. */
  readonly path?: string;
  /** True for RecordCorrection: correctionOf and reason required. */
  readonly correction?: boolean;
  /** EPCs of the event's lot, to resolve Digital Link company prefix lengths. */
  readonly knownEpcs?: readonly string[];
}

/** Validate and normalise one EventInput (or CorrectionInput). @throws ValidationError */
export function validateEventInput(raw: unknown, options: EventValidationOptions = {}): NormalisedEvent {
  const r = new Reader(options.path ?? '');
  const event = readEvent(r, raw, options);
  if (event) return event;
  throw new ValidationError(r.problems);
}

function readEvent(r: Reader, raw: unknown, options: EventValidationOptions): NormalisedEvent | undefined {
  if (!isObject(raw)) {
    r.fail('', 'must be a JSON object');
    return undefined;
  }
  const eventId = r.id(raw, 'eventId', true);
  const lotId = r.id(raw, 'lotId', true);
  const link = readEventLink(r, raw.link);
  const kind = readEventKind(r, raw.kind);
  const eventTime = r.instant(raw, 'eventTime', true);
  const deviceId = r.id(raw, 'deviceId', false);
  const location = r.location(raw, 'location');
  const epcs = r.epcs(raw, 'epcs', MAX_EPCS_PER_EVENT, options.knownEpcs ?? []);
  const evidence = r.evidence(raw, 'evidence');
  const correctionOf = r.id(raw, 'correctionOf', false);
  const reason = r.text(raw, 'reason', MAX_REASON_LENGTH, !!options.correction);
  checkCorrectionOf(r, raw.correctionOf, correctionOf, eventId, !!options.correction);
  checkKindNeeds(r, kind, epcs, location);
  if (r.problems.length > 0) return undefined;
  return {
    eventId: eventId as string,
    lotId: lotId as string,
    link: link as number,
    kind: kind as EventKind,
    eventTime: (eventTime as { text: string }).text,
    eventTimeUtc: (eventTime as { utcKey: string }).utcKey,
    deviceId: deviceId ?? null,
    location: location ?? null,
    epcs: epcs as string[],
    evidence: evidence as Evidence[],
    correctionOf: correctionOf ?? null,
    reason: reason ?? null,
  };
}

/** An event's link: its number 1..LINK_COUNT or its name. */
function readEventLink(r: Reader, value: unknown): number | undefined {
  const named = typeof value === 'string' ? linkFromName(value) : undefined;
  if (named) return named.number;
  if (isLinkNumber(value)) return value;
  r.fail('link', `must be a link number 1-${String(LINK_COUNT)} (or its name)`);
  return undefined;
}

/** An event's kind, one of EVENT_KINDS. */
function readEventKind(r: Reader, value: unknown): EventKind | undefined {
  if (typeof value !== 'string' || !(EVENT_KINDS as readonly string[]).includes(value)) {
    r.fail('kind', `must be one of ${EVENT_KINDS.join(', ')}`);
    return undefined;
  }
  return value as EventKind;
}

/** correctionOf is required (and names another event) on a correction, and forbidden elsewhere. */
function checkCorrectionOf(r: Reader, raw: unknown, correctionOf: string | null | undefined, eventId: string | undefined, correction: boolean): void {
  if (correction) {
    if (!given(raw)) r.fail('correctionOf', 'is required for a correction');
    if (correctionOf && correctionOf === eventId) r.fail('correctionOf', 'must name another event');
  } else if (correctionOf) {
    r.fail('correctionOf', 'must be null here: post corrections with RecordCorrection');
  }
}

/** An rfid event needs an EPC, a gps event both coordinates (unless that field already has a problem). */
function checkKindNeeds(r: Reader, kind: EventKind | undefined, epcs: string[] | undefined, location: Location | null | undefined): void {
  if (kind === 'rfid' && epcs?.length === 0 && !hasProblemUnder(r, 'epcs')) {
    r.fail('epcs', 'an rfid event needs at least one EPC');
  }
  if (kind === 'gps' && location !== undefined && lacksCoordinates(location)) {
    if (!hasProblemUnder(r, 'location')) r.fail('location', 'a gps event needs location.lat and location.lon');
  }
}

/** True when a problem was already recorded for this field or inside it. */
function hasProblemUnder(r: Reader, field: string): boolean {
  return r.problems.some((p) => p.path.startsWith(r.path(field)));
}

/** A gps event's location needs both coordinates. */
function lacksCoordinates(location: Location | null): boolean {
  return location === null || location.lat === null || location.lon === null;
}

/** Validate a RecordEvents batch (1..MAX_BATCH events); all problems reported with `events[i].` paths. */
export function validateEventBatch(raw: unknown, knownEpcsOf: (lotId: string) => readonly string[] = () => []): NormalisedEvent[] {
  if (!Array.isArray(raw)) throw new ValidationError([{ path: 'events', message: 'must be a JSON array of events' }]);
  if (raw.length < 1 || raw.length > MAX_BATCH) throw new ValidationError([{ path: 'events', message: `must hold 1-${String(MAX_BATCH)} events` }]);
  const problems: FieldProblem[] = [];
  const out: NormalisedEvent[] = [];
  raw.forEach((item: unknown, i) => {
    const r = new Reader(`events[${String(i)}]`);
    const lotId = isObject(item) && typeof item.lotId === 'string' ? item.lotId : '';
    const event = readEvent(r, item, { knownEpcs: knownEpcsOf(lotId) });
    problems.push(...r.problems);
    if (event) out.push(event);
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return out;
}

/** Validate a DeviceInput. @throws ValidationError */
export function validateDeviceInput(raw: unknown): Required<DeviceInput> {
  const r = new Reader('');
  if (!isObject(raw)) throw new ValidationError([{ path: 'device', message: 'must be a JSON object' }]);
  const deviceId = r.id(raw, 'deviceId', true);
  let mspId: string | null = null;
  if (raw.mspId !== undefined && raw.mspId !== null) {
    if (typeof raw.mspId !== 'string' || !MSP_PATTERN.test(raw.mspId)) r.fail('mspId', 'must be an MSP id');
    else mspId = raw.mspId;
  }
  let link: number | null = null;
  if (raw.link !== undefined && raw.link !== null) {
    if (!isLinkNumber(raw.link)) r.fail('link', `must be a link number 1-${String(LINK_COUNT)}`);
    else link = raw.link;
  }
  const location = r.location(raw, 'location');
  throwIfProblems(r);
  return { deviceId: deviceId as string, mspId, link, location: location ?? null };
}

/** Validate an OrganisationInput (roles an organisation holds). @throws ValidationError */
export function validateOrganisationInput(raw: unknown): OrganisationInput {
  const r = new Reader('');
  if (!isObject(raw)) throw new ValidationError([{ path: 'organisation', message: 'must be a JSON object' }]);
  let mspId: string | undefined;
  if (typeof raw.mspId !== 'string' || !MSP_PATTERN.test(raw.mspId)) r.fail('mspId', 'must be an MSP id');
  else mspId = raw.mspId;
  const roles: Role[] = [];
  if (!Array.isArray(raw.roles)) r.fail('roles', `must be an array of roles (${ROLES.join(', ')})`);
  else {
    raw.roles.forEach((role: unknown, i) => {
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) r.fail(`roles[${String(i)}]`, `must be one of ${ROLES.join(', ')}`);
      else if (!roles.includes(role as Role)) roles.push(role as Role);
    });
  }
  throwIfProblems(r);
  return { mspId: mspId as string, roles: [...roles].sort() };
}

/** A ListLots filter after validation: HTS and country normalised, a page size always set. */
export type ValidLotFilter = LotFilter & { pageSize: number };

/** Validate a ListLots filter object (`{ ownerMsp?, htsCode?, originCountry?, link?, pageSize?, bookmark? }`). @throws ValidationError */
export function validateLotFilter(raw: unknown): ValidLotFilter {
  if (!isObject(raw)) throw new ValidationError([{ path: 'filter', message: 'must be a JSON object' }]);
  const problems: FieldProblem[] = [];
  const out: ValidLotFilter = { pageSize: DEFAULT_PAGE_SIZE };
  /** Reads one optional filter field: absent leaves `out` alone, undefined from `parse` is a problem. */
  const optional = <T>(field: string, parse: (v: unknown) => T | undefined, message: string, set: (v: T) => void): void => {
    const value = raw[field];
    if (!given(value)) return;
    const parsed = parse(value);
    if (parsed === undefined) problems.push({ path: field, message });
    else set(parsed);
  };
  optional('ownerMsp', (v) => (typeof v === 'string' && MSP_PATTERN.test(v) ? v : undefined), 'must be an MSP id', (v) => (out.ownerMsp = v));
  optional('htsCode', (v) => (typeof v === 'string' ? normaliseHtsCode(v) : undefined), 'must be 10 digits, NNNNNNNNNN or NNNN.NN.NNNN', (v) => (out.htsCode = v));
  optional('originCountry', (v) => (typeof v === 'string' ? normaliseCountry(v) : undefined), 'must be an ISO 3166-1 alpha-2 code', (v) => (out.originCountry = v));
  optional('link', (v) => (isLinkNumber(v) ? v : undefined), `must be a link number 1-${String(LINK_COUNT)}`, (v) => (out.link = v));
  optional('pageSize', (v) => (isPageSize(v) ? v : undefined), `must be an integer 1-${String(MAX_PAGE_SIZE)}`, (v) => (out.pageSize = v));
  if (raw.bookmark !== '') {
    optional('bookmark', (v) => (typeof v === 'string' && v.length <= MAX_BOOKMARK_LENGTH ? v : undefined), 'must be a bookmark from a previous page', (v) => (out.bookmark = v));
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return out;
}

/** A page size: an integer 1..MAX_PAGE_SIZE. */
function isPageSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_PAGE_SIZE;
}

/** The ListLots argument: JSON text of a filter, '' for none. @throws ValidationError */
export function lotFilterFromJson(filterJson: string): ValidLotFilter {
  return validateLotFilter(filterJson && filterJson.trim() !== '' ? parseJsonArgument(filterJson, 'filter') : {});
}
