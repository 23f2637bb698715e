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
  return `${m[1]}.${m[2]}.${m[3]}`;
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

  id(obj: Record<string, unknown>, field: string, required: true): string | undefined;
  id(obj: Record<string, unknown>, field: string, required: false): string | null | undefined;
  id(obj: Record<string, unknown>, field: string, required: boolean): string | null | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return required ? this.fail(field, 'is required') : null;
    if (typeof v !== 'string' || !ID_PATTERN.test(v)) return this.fail(field, 'must be 1-128 characters of A-Za-z0-9._:-');
    return v;
  }

  text(obj: Record<string, unknown>, field: string, max: number, required: boolean): string | null | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return required ? this.fail(field, 'is required') : null;
    if (typeof v !== 'string' || v.trim().length === 0) return this.fail(field, 'must be a non-empty string');
    if (v.length > max) return this.fail(field, `must be at most ${max} characters`);
    return v;
  }

  instant(obj: Record<string, unknown>, field: string, required: boolean): { text: string; utcKey: string } | null | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return required ? this.fail(field, 'is required') : null;
    const parsed = typeof v === 'string' ? parseInstant(v) : undefined;
    if (typeof v !== 'string' || !parsed) {
      return this.fail(field, 'must be an ISO 8601 date-time with offset, e.g. 2026-11-20T08:15:00+08:00');
    }
    return { text: v, utcKey: parsed.utcKey };
  }

  epcs(obj: Record<string, unknown>, field: string, max: number, knownEpcs: readonly string[]): string[] | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.fail(field, 'must be an array of EPC strings');
    if (v.length > max) return this.fail(field, `must hold at most ${max} EPCs`);
    const out: string[] = [];
    const seen = new Set<string>();
    v.forEach((item: unknown, i) => {
      if (typeof item !== 'string') {
        this.fail(`${field}[${i}]`, 'must be a string');
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
        this.fail(`${field}[${i}]`, err instanceof EpcFormatError ? err.message : 'is not a readable EPC');
      }
    });
    return out;
  }

  location(obj: Record<string, unknown>, field: string): Location | null | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return null;
    if (!isObject(v)) return this.fail(field, 'must be an object');
    const lat = this.nested(field, 'lat', v.lat, -90, 90);
    const lon = this.nested(field, 'lon', v.lon, -180, 180);
    const accuracyM = this.nested(field, 'accuracyM', v.accuracyM, 0, MAX_ACCURACY_M);
    let gln: string | null = null;
    if (v.gln !== undefined && v.gln !== null) {
      if (typeof v.gln !== 'string' || !isGln(v.gln)) this.fail(`${field}.gln`, 'must be a 13-digit GLN with a valid check digit');
      else gln = v.gln;
    }
    const hasLat = typeof lat === 'number';
    const hasLon = typeof lon === 'number';
    const latGiven = v.lat !== undefined && v.lat !== null;
    const lonGiven = v.lon !== undefined && v.lon !== null;
    if (latGiven !== lonGiven) this.fail(`${field}.${latGiven ? 'lon' : 'lat'}`, 'is required when the other coordinate is given');
    return {
      lat: hasLat ? lat : null,
      lon: hasLon ? lon : null,
      accuracyM: typeof accuracyM === 'number' ? accuracyM : null,
      gln,
    };
  }

  private nested(field: string, name: string, value: unknown, min: number, max: number): number | null | undefined {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.fail(`${field}.${name}`, 'must be a finite number');
    if (value < min || value > max) return this.fail(`${field}.${name}`, min === 0 ? `must be >= 0 and at most ${max}` : `must be between ${min} and ${max}`);
    return value;
  }

  evidence(obj: Record<string, unknown>, field: string): Evidence[] | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.fail(field, 'must be an array');
    if (v.length > MAX_EVIDENCE) return this.fail(field, `must hold at most ${MAX_EVIDENCE} items`);
    const out: Evidence[] = [];
    v.forEach((item: unknown, i) => {
      const p = `${field}[${i}]`;
      if (!isObject(item)) {
        this.fail(p, 'must be an object');
        return;
      }
      const sha = item.sha256;
      const type = item.type ?? 'other';
      const uri = item.uri;
      let ok = true;
      if (typeof sha !== 'string' || !SHA256_PATTERN.test(sha)) ok = !!this.fail(`${p}.sha256`, 'must be 64 hex characters (SHA-256)');
      if (typeof type !== 'string' || !(EVIDENCE_TYPES as readonly string[]).includes(type)) {
        ok = !!this.fail(`${p}.type`, `must be one of ${EVIDENCE_TYPES.join(', ')}`);
      }
      if (uri !== undefined && uri !== null && (typeof uri !== 'string' || uri.length === 0 || uri.length > MAX_URI_LENGTH)) {
        ok = !!this.fail(`${p}.uri`, `must be a string of 1-${MAX_URI_LENGTH} characters`);
      }
      if (ok) out.push({ sha256: (sha as string).toLowerCase(), uri: (uri as string | undefined) ?? null, type: type as EvidenceType });
    });
    return out;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
  let htsCode: string | undefined;
  if (typeof raw.htsCode !== 'string') r.fail('htsCode', 'is required: 10 digits, NNNNNNNNNN or NNNN.NN.NNNN');
  else if (!(htsCode = normaliseHtsCode(raw.htsCode))) r.fail('htsCode', 'must be 10 digits, NNNNNNNNNN or NNNN.NN.NNNN');
  let originCountry: string | undefined;
  if (typeof raw.originCountry !== 'string') r.fail('originCountry', 'is required: an ISO 3166-1 alpha-2 code');
  else if (!(originCountry = normaliseCountry(raw.originCountry))) r.fail('originCountry', 'must be an ISO 3166-1 alpha-2 code, e.g. CN');
  let quantity: number | undefined;
  if (raw.quantity === undefined || raw.quantity === null) r.fail('quantity', 'is required');
  else if (typeof raw.quantity !== 'number' || !Number.isFinite(raw.quantity) || raw.quantity <= 0) r.fail('quantity', 'must be a number > 0');
  else quantity = raw.quantity;
  let unit: string | undefined;
  if (typeof raw.unit !== 'string' || !UNIT_PATTERN.test(raw.unit)) r.fail('unit', 'must be 1-16 characters of A-Za-z0-9._- (e.g. EA, KGM)');
  else unit = raw.unit;
  const epcs = r.epcs(raw, 'epcs', MAX_EPCS_PER_LOT, []);
  const parentLotId = r.id(raw, 'parentLotId', false);
  if (parentLotId && parentLotId === lotId) r.fail('parentLotId', 'must differ from lotId');
  let importerMsp: string | null = null;
  if (raw.importerMsp !== undefined && raw.importerMsp !== null) {
    if (typeof raw.importerMsp !== 'string' || !MSP_PATTERN.test(raw.importerMsp)) r.fail('importerMsp', 'must be an MSP id (1-128 of A-Za-z0-9._-)');
    else importerMsp = raw.importerMsp;
  }
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
  return readEvent(r, raw, options) ?? (throwIfProblems(r) as never);
}

function readEvent(r: Reader, raw: unknown, options: EventValidationOptions): NormalisedEvent | undefined {
  if (!isObject(raw)) {
    r.fail('', 'must be a JSON object');
    return undefined;
  }
  const eventId = r.id(raw, 'eventId', true);
  const lotId = r.id(raw, 'lotId', true);
  let link: number | undefined;
  if (typeof raw.link === 'string' && linkFromName(raw.link)) link = linkFromName(raw.link)?.number;
  else if (isLinkNumber(raw.link)) link = raw.link;
  else r.fail('link', `must be a link number 1-${LINK_COUNT} (or its name)`);
  let kind: EventKind | undefined;
  if (typeof raw.kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(raw.kind)) r.fail('kind', `must be one of ${EVENT_KINDS.join(', ')}`);
  else kind = raw.kind as EventKind;
  const eventTime = r.instant(raw, 'eventTime', true);
  const deviceId = r.id(raw, 'deviceId', false);
  const location = r.location(raw, 'location');
  const epcs = r.epcs(raw, 'epcs', MAX_EPCS_PER_EVENT, options.knownEpcs ?? []);
  const evidence = r.evidence(raw, 'evidence');
  const correctionOf = r.id(raw, 'correctionOf', false);
  const reason = r.text(raw, 'reason', MAX_REASON_LENGTH, !!options.correction);
  if (options.correction) {
    if (raw.correctionOf === undefined || raw.correctionOf === null) r.fail('correctionOf', 'is required for a correction');
    if (correctionOf && correctionOf === eventId) r.fail('correctionOf', 'must name another event');
  } else if (correctionOf) {
    r.fail('correctionOf', 'must be null here: post corrections with RecordCorrection');
  }
  if (kind === 'rfid' && epcs && epcs.length === 0 && !r.problems.some((p) => p.path.startsWith(r.path('epcs')))) {
    r.fail('epcs', 'an rfid event needs at least one EPC');
  }
  if (kind === 'gps' && location !== undefined && (location === null || location.lat === null || location.lon === null)) {
    if (!r.problems.some((p) => p.path.startsWith(r.path('location')))) r.fail('location', 'a gps event needs location.lat and location.lon');
  }
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

/** Validate a RecordEvents batch (1..MAX_BATCH events); all problems reported with `events[i].` paths. */
export function validateEventBatch(raw: unknown, knownEpcsOf: (lotId: string) => readonly string[] = () => []): NormalisedEvent[] {
  if (!Array.isArray(raw)) throw new ValidationError([{ path: 'events', message: 'must be a JSON array of events' }]);
  if (raw.length < 1 || raw.length > MAX_BATCH) throw new ValidationError([{ path: 'events', message: `must hold 1-${MAX_BATCH} events` }]);
  const problems: FieldProblem[] = [];
  const out: NormalisedEvent[] = [];
  raw.forEach((item: unknown, i) => {
    const r = new Reader(`events[${i}]`);
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
    if (!isLinkNumber(raw.link)) r.fail('link', `must be a link number 1-${LINK_COUNT}`);
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
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) r.fail(`roles[${i}]`, `must be one of ${ROLES.join(', ')}`);
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
  if (raw.ownerMsp !== undefined && raw.ownerMsp !== null) {
    if (typeof raw.ownerMsp !== 'string' || !MSP_PATTERN.test(raw.ownerMsp)) problems.push({ path: 'ownerMsp', message: 'must be an MSP id' });
    else out.ownerMsp = raw.ownerMsp;
  }
  if (raw.htsCode !== undefined && raw.htsCode !== null) {
    const hts = typeof raw.htsCode === 'string' ? normaliseHtsCode(raw.htsCode) : undefined;
    if (!hts) problems.push({ path: 'htsCode', message: 'must be 10 digits, NNNNNNNNNN or NNNN.NN.NNNN' });
    else out.htsCode = hts;
  }
  if (raw.originCountry !== undefined && raw.originCountry !== null) {
    const c = typeof raw.originCountry === 'string' ? normaliseCountry(raw.originCountry) : undefined;
    if (!c) problems.push({ path: 'originCountry', message: 'must be an ISO 3166-1 alpha-2 code' });
    else out.originCountry = c;
  }
  if (raw.link !== undefined && raw.link !== null) {
    if (!isLinkNumber(raw.link)) problems.push({ path: 'link', message: `must be a link number 1-${LINK_COUNT}` });
    else out.link = raw.link;
  }
  if (raw.pageSize !== undefined && raw.pageSize !== null) {
    if (typeof raw.pageSize !== 'number' || !Number.isInteger(raw.pageSize) || raw.pageSize < 1 || raw.pageSize > MAX_PAGE_SIZE) {
      problems.push({ path: 'pageSize', message: `must be an integer 1-${MAX_PAGE_SIZE}` });
    } else out.pageSize = raw.pageSize;
  }
  if (raw.bookmark !== undefined && raw.bookmark !== null && raw.bookmark !== '') {
    if (typeof raw.bookmark !== 'string' || raw.bookmark.length > MAX_BOOKMARK_LENGTH) {
      problems.push({ path: 'bookmark', message: 'must be a bookmark from a previous page' });
    } else out.bookmark = raw.bookmark;
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return out;
}

/** The ListLots argument: JSON text of a filter, '' for none. @throws ValidationError */
export function lotFilterFromJson(filterJson: string): ValidLotFilter {
  return validateLotFilter(filterJson && filterJson.trim() !== '' ? parseJsonArgument(filterJson, 'filter') : {});
}
