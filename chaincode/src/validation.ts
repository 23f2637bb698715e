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
  AGGREGATION_ACTIONS, EVENT_KINDS, EVIDENCE_TYPES, FACILITY_TYPES, ROLES, SUPPLY_CHAIN_ROLES,
  type AggregationAction, type DeviceInput, type EventKind, type Evidence, type EvidenceType, type FacilityFilter,
  type FacilityInput, type FacilityType, type Location, type LotInputItem, type NormalisedEvent, type NormalisedLot,
  type LotFilter, type OrganisationInput, type OrganisationProfileInput, type PrivateEnvelope, type PrivateValue, type Role,
  type SupplyChainRole, type TransientPrivate,
} from './types';
import {
  DEFAULT_PAGE_SIZE, ID_PATTERN, MAX_ACCURACY_M, MAX_ADDRESS_LENGTH, MAX_AGGREGATION_CHILDREN, MAX_BATCH,
  MAX_BOOKMARK_LENGTH, MAX_EPCS_PER_EVENT, MAX_EPCS_PER_LOT, MAX_EVIDENCE, MAX_INPUTS_PER_LOT, MAX_NAME_LENGTH,
  MAX_PAGE_SIZE, MAX_PRODUCT_LENGTH, MAX_REASON_LENGTH, MAX_URI_LENGTH, MSP_PATTERN, SHA256_PATTERN,
  SUBDIVISION_PATTERN, UNIT_PATTERN, CURRENCY_PATTERN, MAX_CONTRACT_REF_LENGTH, MAX_MONEY_AMOUNT, PRIVATE_FIELDS,
  PRIVATE_SALT_PATTERN, TRANSIENT_PRIVATE_KEY,
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
  return `${String(m[1])}.${String(m[2])}.${String(m[3])}`;
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

  fail(field: string, message: string): void {
    this.problems.push({ path: this.path(field), message });
  }

  /** Whether a problem was already reported at `field` or below it. */
  hasProblemAt(field: string): boolean {
    return this.problems.some((p) => p.path.startsWith(this.path(field)));
  }

  id(obj: Record<string, unknown>, field: string, required: true): string | undefined;
  id(obj: Record<string, unknown>, field: string, required: false): string | null | undefined;
  id(obj: Record<string, unknown>, field: string, required: boolean): string | null | undefined {
    return this.matching(obj, field, required, ID_PATTERN, 'must be 1-128 characters of A-Za-z0-9._:-');
  }

  msp(obj: Record<string, unknown>, field: string, required: boolean): string | null | undefined {
    return this.matching(obj, field, required, MSP_PATTERN, 'must be an MSP id (1-128 of A-Za-z0-9._-)');
  }

  /** A string field matching `pattern`; `message` is the problem otherwise. */
  private matching(obj: Record<string, unknown>, field: string, required: boolean, pattern: RegExp, message: string): string | null | undefined {
    const v = obj[field];
    if (isAbsent(v)) return this.absent(field, required);
    if (typeof v !== 'string' || !pattern.test(v)) {
      this.fail(field, message);
      return undefined;
    }
    return v;
  }

  text(obj: Record<string, unknown>, field: string, max: number, required: boolean): string | null | undefined {
    const v = obj[field];
    if (isAbsent(v)) return this.absent(field, required);
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
    if (isAbsent(v)) return this.absent(field, required);
    const parsed = typeof v === 'string' ? parseInstant(v) : undefined;
    if (typeof v !== 'string' || !parsed) {
      this.fail(field, 'must be an ISO 8601 date-time with offset, e.g. 2026-11-20T08:15:00+08:00');
      return undefined;
    }
    return { text: v, utcKey: parsed.utcKey };
  }

  epcs(obj: Record<string, unknown>, field: string, max: number, knownEpcs: readonly string[]): string[] | undefined {
    const v = this.boundedArray(obj[field], field, 'must be an array of EPC strings', max, 'EPCs');
    if (!v) return v;
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
    if (isAbsent(v)) return null;
    if (!isObject(v)) {
      this.fail(field, 'must be an object');
      return undefined;
    }
    const lat = this.nested(field, 'lat', v.lat, -90, 90);
    const lon = this.nested(field, 'lon', v.lon, -180, 180);
    const accuracyM = this.nested(field, 'accuracyM', v.accuracyM, 0, MAX_ACCURACY_M);
    const gln = this.locationGln(field, v.gln);
    const lonMissing = isAbsent(v.lon);
    if (isAbsent(v.lat) !== lonMissing) this.fail(`${field}.${lonMissing ? 'lon' : 'lat'}`, 'is required when the other coordinate is given');
    return { lat: lat ?? null, lon: lon ?? null, accuracyM: accuracyM ?? null, gln };
  }

  evidence(obj: Record<string, unknown>, field: string): Evidence[] | undefined {
    const v = this.boundedArray(obj[field], field, 'must be an array', MAX_EVIDENCE, 'items');
    if (!v) return v;
    const out: Evidence[] = [];
    v.forEach((item: unknown, i) => {
      const evidence = this.evidenceItem(`${field}[${String(i)}]`, item);
      if (evidence) out.push(evidence);
    });
    return out;
  }

  /** An optional array field of at most `max` items: [] when absent, a problem (and undefined) when not an array or too long. */
  private boundedArray(v: unknown, field: string, notArray: string, max: number, noun: string): unknown[] | undefined {
    if (isAbsent(v)) return [];
    if (!Array.isArray(v)) {
      this.fail(field, notArray);
      return undefined;
    }
    if (v.length > max) {
      this.fail(field, `must hold at most ${String(max)} ${noun}`);
      return undefined;
    }
    return v as unknown[];
  }

  /** null for an absent optional field; a problem (and undefined) for an absent required one. */
  private absent(field: string, required: boolean): null | undefined {
    if (!required) return null;
    this.fail(field, 'is required');
    return undefined;
  }

  private nested(field: string, name: string, value: unknown, min: number, max: number): number | null | undefined {
    if (isAbsent(value)) return null;
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

  /** A location's optional GLN; null when absent or not a valid GLN (then with a problem). */
  private locationGln(field: string, value: unknown): string | null {
    if (isAbsent(value)) return null;
    if (typeof value === 'string' && isGln(value)) return value;
    this.fail(`${field}.gln`, 'must be a 13-digit GLN with a valid check digit');
    return null;
  }

  /** One evidence item at path `p`; undefined (with its problems) if any part is invalid. */
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
    if (!isEvidenceType(type)) {
      this.fail(`${p}.type`, `must be one of ${EVIDENCE_TYPES.join(', ')}`);
      ok = false;
    }
    if (!isAbsent(uri) && !isEvidenceUri(uri)) {
      this.fail(`${p}.uri`, `must be a string of 1-${String(MAX_URI_LENGTH)} characters`);
      ok = false;
    }
    return ok ? { sha256: (sha as string).toLowerCase(), uri: (uri as string | undefined) ?? null, type: type as EvidenceType } : undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON's two ways of leaving a field out. */
function isAbsent(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

function isEvidenceType(v: unknown): v is EvidenceType {
  return typeof v === 'string' && (EVIDENCE_TYPES as readonly string[]).includes(v);
}

function isEvidenceUri(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_URI_LENGTH;
}

function isPositiveNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function isUnit(v: unknown): v is string {
  return typeof v === 'string' && UNIT_PATTERN.test(v);
}

function isPageSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_PAGE_SIZE;
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

/** A required HTS code, normalised. */
function readHtsCode(r: Reader, raw: Record<string, unknown>): string | undefined {
  if (typeof raw.htsCode !== 'string') {
    r.fail('htsCode', 'is required: 10 digits, NNNNNNNNNN or NNNN.NN.NNNN');
    return undefined;
  }
  const htsCode = normaliseHtsCode(raw.htsCode);
  if (!htsCode) r.fail('htsCode', 'must be 10 digits, NNNNNNNNNN or NNNN.NN.NNNN');
  return htsCode;
}

/** A required ISO 3166-1 country code, normalised. */
function readCountry(r: Reader, raw: Record<string, unknown>, field: string): string | undefined {
  const v = raw[field];
  if (typeof v !== 'string') {
    r.fail(field, 'is required: an ISO 3166-1 alpha-2 code');
    return undefined;
  }
  const country = normaliseCountry(v);
  if (!country) r.fail(field, 'must be an ISO 3166-1 alpha-2 code, e.g. CN');
  return country;
}

/** A lot's required quantity, a number > 0. */
function readQuantity(r: Reader, raw: Record<string, unknown>): number | undefined {
  if (isAbsent(raw.quantity)) r.fail('quantity', 'is required');
  else if (!isPositiveNumber(raw.quantity)) r.fail('quantity', 'must be a number > 0');
  else return raw.quantity;
  return undefined;
}

/** A lot's parent (it was packed into), which cannot be the lot itself. */
function readParentLotId(r: Reader, raw: Record<string, unknown>, lotId: string | undefined): string | null | undefined {
  const parentLotId = r.id(raw, 'parentLotId', false);
  if (parentLotId && parentLotId === lotId) r.fail('parentLotId', 'must differ from lotId');
  return parentLotId;
}

/** Validate and normalise a LotInput. @throws ValidationError */
export function validateLotInput(raw: unknown): NormalisedLot {
  const r = new Reader('');
  if (!isObject(raw)) throw new ValidationError([{ path: 'lot', message: 'must be a JSON object' }]);
  const lotId = r.id(raw, 'lotId', true);
  const product = r.text(raw, 'product', MAX_PRODUCT_LENGTH, true);
  const htsCode = readHtsCode(r, raw);
  const originCountry = readCountry(r, raw, 'originCountry');
  const quantity = readQuantity(r, raw);
  let unit: string | undefined;
  if (!isUnit(raw.unit)) r.fail('unit', 'must be 1-16 characters of A-Za-z0-9._- (e.g. EA, KGM)');
  else unit = raw.unit;
  const epcs = r.epcs(raw, 'epcs', MAX_EPCS_PER_LOT, []);
  const parentLotId = readParentLotId(r, raw, lotId);
  const importerMsp = r.msp(raw, 'importerMsp', false) ?? null;
  const packedAt = r.instant(raw, 'packedAt', false);
  if (packedAt && !parentLotId) r.fail('packedAt', 'needs parentLotId');
  const inputs = readInputs(r, raw, lotId);
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
    ...(inputs?.length ? { inputs } : {}),
  };
}

/** `inputs`: 0..MAX_INPUTS_PER_LOT distinct other lots, each with a quantity > 0 and a unit. */
function readInputs(r: Reader, raw: Record<string, unknown>, lotId: string | undefined): LotInputItem[] | undefined {
  const v = raw.inputs;
  if (isAbsent(v)) return [];
  if (!Array.isArray(v)) {
    r.fail('inputs', 'must be an array of { lotId, quantity, unit }');
    return undefined;
  }
  if (v.length > MAX_INPUTS_PER_LOT) {
    r.fail('inputs', `must hold at most ${String(MAX_INPUTS_PER_LOT)} inputs`);
    return undefined;
  }
  const out: LotInputItem[] = [];
  const seen = new Set<string>();
  v.forEach((item: unknown, i) => {
    const input = readInputItem(r, `inputs[${String(i)}]`, item, lotId, seen);
    if (input) out.push(input);
  });
  return out;
}

/** One input at path `p`; undefined (with its problems) if any part is invalid. Adds its lot to `seen`. */
function readInputItem(r: Reader, p: string, item: unknown, lotId: string | undefined, seen: Set<string>): LotInputItem | undefined {
  if (!isObject(item)) {
    r.fail(p, 'must be an object { lotId, quantity, unit }');
    return undefined;
  }
  const id = typeof item.lotId === 'string' && ID_PATTERN.test(item.lotId) ? item.lotId : undefined;
  if (id === undefined) r.fail(`${p}.lotId`, 'must be 1-128 characters of A-Za-z0-9._:-');
  const quantity = item.quantity;
  const unit = item.unit;
  let ok = id !== undefined;
  if (!isPositiveNumber(quantity)) {
    r.fail(`${p}.quantity`, 'must be a number > 0');
    ok = false;
  }
  if (!isUnit(unit)) {
    r.fail(`${p}.unit`, 'must be 1-16 characters of A-Za-z0-9._- (the input lot\'s unit)');
    ok = false;
  }
  if (id !== undefined) ok = isNewOtherLot(r, p, id, lotId, seen) && ok;
  return ok ? { lotId: id as string, quantity: quantity as number, unit: unit as string } : undefined;
}

/** An input lot must be another lot, listed once; records it in `seen`. */
function isNewOtherLot(r: Reader, p: string, id: string, lotId: string | undefined, seen: Set<string>): boolean {
  const repeated = seen.has(id);
  seen.add(id);
  if (id === lotId) r.fail(`${p}.lotId`, 'must differ from lotId (a lot is not made from itself)');
  else if (repeated) r.fail(`${p}.lotId`, 'is listed twice');
  return id !== lotId && !repeated;
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
  const link = readEventLink(r, raw);
  const kind = readEventKind(r, raw);
  const eventTime = r.instant(raw, 'eventTime', true);
  const deviceId = r.id(raw, 'deviceId', false);
  const location = r.location(raw, 'location');
  const epcs = r.epcs(raw, 'epcs', MAX_EPCS_PER_EVENT, options.knownEpcs ?? []);
  const evidence = r.evidence(raw, 'evidence');
  const correction = options.correction === true;
  const correctionOf = r.id(raw, 'correctionOf', false);
  const reason = r.text(raw, 'reason', MAX_REASON_LENGTH, correction);
  checkCorrectionOf(r, raw, correction, eventId, correctionOf);
  if (kind === 'rfid') checkRfidHasEpcs(r, epcs);
  if (kind === 'gps') checkGpsHasPosition(r, location);
  const kindFields = readKindFields(r, raw, kind, lotId, correction);
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
    ...kindFields,
  };
}

/** An event's link: its number, or its name. */
function readEventLink(r: Reader, raw: Record<string, unknown>): number | undefined {
  const named = typeof raw.link === 'string' ? linkFromName(raw.link) : undefined;
  if (named) return named.number;
  if (isLinkNumber(raw.link)) return raw.link;
  r.fail('link', `must be a link number 1-${String(LINK_COUNT)} (or its name)`);
  return undefined;
}

function readEventKind(r: Reader, raw: Record<string, unknown>): EventKind | undefined {
  if (typeof raw.kind === 'string' && (EVENT_KINDS as readonly string[]).includes(raw.kind)) return raw.kind as EventKind;
  r.fail('kind', `must be one of ${EVENT_KINDS.join(', ')}`);
  return undefined;
}

/** A correction names another event it corrects; a plain event names none. */
function checkCorrectionOf(r: Reader, raw: Record<string, unknown>, correction: boolean, eventId: string | undefined, correctionOf: string | null | undefined): void {
  if (correction) {
    if (isAbsent(raw.correctionOf)) r.fail('correctionOf', 'is required for a correction');
    if (correctionOf && correctionOf === eventId) r.fail('correctionOf', 'must name another event');
  } else if (correctionOf) {
    r.fail('correctionOf', 'must be null here: post corrections with RecordCorrection');
  }
}

/** An rfid event reads at least one EPC (unless its epcs were already reported invalid). */
function checkRfidHasEpcs(r: Reader, epcs: string[] | undefined): void {
  if (epcs?.length === 0 && !r.hasProblemAt('epcs')) r.fail('epcs', 'an rfid event needs at least one EPC');
}

/** A gps event has a position (unless its location was already reported invalid). */
function checkGpsHasPosition(r: Reader, location: Location | null | undefined): void {
  if (location === undefined) return;
  if (location === null || location.lat === null || location.lon === null) {
    if (!r.hasProblemAt('location')) r.fail('location', 'a gps event needs location.lat and location.lon');
  }
}

type KindFields = Pick<NormalisedEvent, 'handoverTo' | 'handoverToGln' | 'action' | 'parentLotId' | 'childLotIds'>;

/**
 * `handoverTo`/`handoverToGln` (handover only) and `action`/`parentLotId`/`childLotIds` (aggregation only,
 * required there). Returned only when present, so events without them hash as they always did.
 */
function readKindFields(r: Reader, raw: Record<string, unknown>, kind: EventKind | undefined, lotId: string | undefined, correction: boolean): KindFields {
  checkHandoverFieldsBelong(r, raw, kind, correction);
  checkAggregationFieldsBelong(r, raw, kind, correction);
  if (correction) return {};
  if (kind === 'handover') return readHandoverFields(r, raw);
  if (kind === 'aggregation') return readAggregationFields(r, raw, lotId);
  return {};
}

function checkHandoverFieldsBelong(r: Reader, raw: Record<string, unknown>, kind: EventKind | undefined, correction: boolean): void {
  for (const f of ['handoverTo', 'handoverToGln']) {
    if (isAbsent(raw[f])) continue;
    if (kind !== 'handover') r.fail(f, 'is only for kind handover');
    else if (correction) r.fail(f, 'custody passes with RecordEvents, not with a correction');
  }
}

function checkAggregationFieldsBelong(r: Reader, raw: Record<string, unknown>, kind: EventKind | undefined, correction: boolean): void {
  for (const f of ['action', 'parentLotId', 'childLotIds']) {
    if (!isAbsent(raw[f]) && kind !== 'aggregation') r.fail(f, 'is only for kind aggregation');
  }
  if (kind === 'aggregation' && correction) r.fail('kind', 'containment changes with RecordEvents, not with a correction');
}

function readHandoverFields(r: Reader, raw: Record<string, unknown>): KindFields {
  const out: KindFields = {};
  const to = r.msp(raw, 'handoverTo', false);
  if (to) out.handoverTo = to;
  if (!isAbsent(raw.handoverToGln)) {
    if (typeof raw.handoverToGln !== 'string' || !isGln(raw.handoverToGln)) r.fail('handoverToGln', 'must be a 13-digit GLN with a valid check digit');
    else if (!to) r.fail('handoverToGln', 'needs handoverTo');
    else out.handoverToGln = raw.handoverToGln;
  }
  return out;
}

function readAggregationFields(r: Reader, raw: Record<string, unknown>, lotId: string | undefined): KindFields {
  const out: KindFields = {};
  const action = raw.action;
  if (typeof action !== 'string' || !(AGGREGATION_ACTIONS as readonly string[]).includes(action)) {
    r.fail('action', `must be one of ${AGGREGATION_ACTIONS.join(', ')}`);
  } else out.action = action as AggregationAction;
  const parent = r.id(raw, 'parentLotId', true);
  if (parent && lotId && parent !== lotId) r.fail('parentLotId', 'must equal lotId: an aggregation event is recorded on the container lot');
  else if (parent) out.parentLotId = parent;
  const children = readChildLotIds(r, raw.childLotIds, lotId);
  if (children) out.childLotIds = children;
  return out;
}

/** 1..MAX_AGGREGATION_CHILDREN distinct lots other than the container; undefined if not such an array. */
function readChildLotIds(r: Reader, children: unknown, lotId: string | undefined): string[] | undefined {
  if (!Array.isArray(children) || children.length === 0 || children.length > MAX_AGGREGATION_CHILDREN) {
    r.fail('childLotIds', `must be an array of 1-${String(MAX_AGGREGATION_CHILDREN)} lot ids`);
    return undefined;
  }
  const ids: string[] = [];
  children.forEach((c: unknown, i) => {
    if (typeof c !== 'string' || !ID_PATTERN.test(c)) r.fail(`childLotIds[${String(i)}]`, 'must be 1-128 characters of A-Za-z0-9._:-');
    else if (c === lotId) r.fail(`childLotIds[${String(i)}]`, 'must differ from the container lotId');
    else if (ids.includes(c)) r.fail(`childLotIds[${String(i)}]`, 'is listed twice');
    else ids.push(c);
  });
  return ids;
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

/** An optional MSP id (`mspId` of a device, `ownerMsp` of a filter); null when absent or invalid. */
function readMspId(r: Reader, raw: Record<string, unknown>, field: string): string | null {
  const v = raw[field];
  if (isAbsent(v)) return null;
  if (typeof v === 'string' && MSP_PATTERN.test(v)) return v;
  r.fail(field, 'must be an MSP id');
  return null;
}

/** An optional link number; null when absent or invalid. */
function readLinkNumber(r: Reader, raw: Record<string, unknown>): number | null {
  if (isAbsent(raw.link)) return null;
  if (isLinkNumber(raw.link)) return raw.link;
  r.fail('link', `must be a link number 1-${String(LINK_COUNT)}`);
  return null;
}

/** An optional HTS code filter, normalised; undefined when absent or invalid. */
function readHtsFilter(r: Reader, raw: Record<string, unknown>): string | undefined {
  if (isAbsent(raw.htsCode)) return undefined;
  const hts = typeof raw.htsCode === 'string' ? normaliseHtsCode(raw.htsCode) : undefined;
  if (!hts) r.fail('htsCode', 'must be 10 digits, NNNNNNNNNN or NNNN.NN.NNNN');
  return hts;
}

/** An optional country filter, normalised; undefined when absent or invalid. */
function readCountryFilter(r: Reader, raw: Record<string, unknown>, field: string): string | undefined {
  const v = raw[field];
  if (isAbsent(v)) return undefined;
  const c = typeof v === 'string' ? normaliseCountry(v) : undefined;
  if (!c) r.fail(field, 'must be an ISO 3166-1 alpha-2 code');
  return c;
}

/** A list query's `pageSize` and `bookmark`, set on `out` when given and valid. */
function readPaging(r: Reader, raw: Record<string, unknown>, out: { pageSize: number; bookmark?: string }): void {
  if (!isAbsent(raw.pageSize)) {
    if (isPageSize(raw.pageSize)) out.pageSize = raw.pageSize;
    else r.fail('pageSize', `must be an integer 1-${String(MAX_PAGE_SIZE)}`);
  }
  const bookmark = raw.bookmark;
  if (isAbsent(bookmark) || bookmark === '') return;
  if (typeof bookmark !== 'string' || bookmark.length > MAX_BOOKMARK_LENGTH) r.fail('bookmark', 'must be a bookmark from a previous page');
  else out.bookmark = bookmark;
}

/** A list query's filter argument: JSON text, '' for none. */
function parseFilterArgument(filterJson: string): unknown {
  return filterJson && filterJson.trim() !== '' ? parseJsonArgument(filterJson, 'filter') : {};
}

/** Validate a DeviceInput. @throws ValidationError */
export function validateDeviceInput(raw: unknown): Required<DeviceInput> {
  const r = new Reader('');
  if (!isObject(raw)) throw new ValidationError([{ path: 'device', message: 'must be a JSON object' }]);
  const deviceId = r.id(raw, 'deviceId', true);
  const mspId = readMspId(r, raw, 'mspId');
  const link = readLinkNumber(r, raw);
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
  const r = new Reader('');
  const out: ValidLotFilter = { pageSize: DEFAULT_PAGE_SIZE };
  const ownerMsp = readMspId(r, raw, 'ownerMsp');
  if (ownerMsp !== null) out.ownerMsp = ownerMsp;
  const htsCode = readHtsFilter(r, raw);
  if (htsCode) out.htsCode = htsCode;
  const originCountry = readCountryFilter(r, raw, 'originCountry');
  if (originCountry) out.originCountry = originCountry;
  const link = readLinkNumber(r, raw);
  if (link !== null) out.link = link;
  readPaging(r, raw, out);
  throwIfProblems(r);
  return out;
}

/** The ListLots argument: JSON text of a filter, '' for none. @throws ValidationError */
export function lotFilterFromJson(filterJson: string): ValidLotFilter {
  return validateLotFilter(parseFilterArgument(filterJson));
}

/** Validate an organisation profile (`{ mspId, legalName, country, address?, roles }`, supply-chain roles). @throws ValidationError */
export function validateOrganisationProfileInput(raw: unknown): OrganisationProfileInput {
  const r = new Reader('');
  if (!isObject(raw)) throw new ValidationError([{ path: 'organisation', message: 'must be a JSON object' }]);
  const mspId = r.msp(raw, 'mspId', true);
  const legalName = r.text(raw, 'legalName', MAX_NAME_LENGTH, true);
  const country = readCountry(r, raw, 'country');
  const address = r.text(raw, 'address', MAX_ADDRESS_LENGTH, false);
  const roles: SupplyChainRole[] = [];
  if (!Array.isArray(raw.roles)) r.fail('roles', `must be an array of supply-chain roles (${SUPPLY_CHAIN_ROLES.join(', ')})`);
  else {
    raw.roles.forEach((role: unknown, i) => {
      if (typeof role !== 'string' || !(SUPPLY_CHAIN_ROLES as readonly string[]).includes(role)) {
        r.fail(`roles[${String(i)}]`, `must be one of ${SUPPLY_CHAIN_ROLES.join(', ')}`);
      } else if (!roles.includes(role as SupplyChainRole)) roles.push(role as SupplyChainRole);
    });
  }
  throwIfProblems(r);
  return { mspId: mspId as string, legalName: legalName as string, country: country as string, address: address ?? null, roles: [...roles].sort() };
}

/** An optional ISO 3166-2 subdivision, upper-cased, of the facility's country. */
function readSubdivision(r: Reader, value: unknown, country: string | undefined): string | null {
  if (isAbsent(value)) return null;
  const sub = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!SUBDIVISION_PATTERN.test(sub)) r.fail('subdivision', 'must be an ISO 3166-2 code, e.g. CN-XJ');
  else if (country && !sub.startsWith(`${country}-`)) r.fail('subdivision', `must be a subdivision of ${country} (${country}-…)`);
  else return sub;
  return null;
}

/** A facility's flat `lat`/`lon`, checked by the location rules; their problems are named without `location.`. */
function readFacilityPosition(r: Reader, raw: Record<string, unknown>): { lat: number | null; lon: number | null } {
  const location = r.location({ location: { lat: raw.lat, lon: raw.lon } }, 'location');
  for (const p of r.problems) if (p.path.startsWith('location.')) (p as { path: string }).path = p.path.slice('location.'.length);
  return { lat: location?.lat ?? null, lon: location?.lon ?? null };
}

/** Validate a facility (`{ gln, name, address?, country, subdivision?, lat?, lon?, type }`). @throws ValidationError */
export function validateFacilityInput(raw: unknown): FacilityInput {
  const r = new Reader('');
  if (!isObject(raw)) throw new ValidationError([{ path: 'facility', message: 'must be a JSON object' }]);
  let gln: string | undefined;
  if (typeof raw.gln !== 'string' || !isGln(raw.gln)) r.fail('gln', 'must be a 13-digit GLN with a valid check digit');
  else gln = raw.gln;
  const name = r.text(raw, 'name', MAX_NAME_LENGTH, true);
  const address = r.text(raw, 'address', MAX_ADDRESS_LENGTH, false);
  const country = readCountry(r, raw, 'country');
  const subdivision = readSubdivision(r, raw.subdivision, country);
  const { lat, lon } = readFacilityPosition(r, raw);
  let type: FacilityType | undefined;
  if (typeof raw.type !== 'string' || !(FACILITY_TYPES as readonly string[]).includes(raw.type)) r.fail('type', `must be one of ${FACILITY_TYPES.join(', ')}`);
  else type = raw.type as FacilityType;
  throwIfProblems(r);
  return {
    gln: gln as string, name: name as string, address: address ?? null, country: country as string, subdivision,
    lat, lon, type: type as FacilityType,
  };
}

/** Validate a ListFacilities filter (`{ mspId?, country?, pageSize?, bookmark? }`; '' for none). @throws ValidationError */
export function facilityFilterFromJson(filterJson: string): FacilityFilter & { pageSize: number } {
  const raw = parseFilterArgument(filterJson);
  if (!isObject(raw)) throw new ValidationError([{ path: 'filter', message: 'must be a JSON object' }]);
  const r = new Reader('');
  const out: FacilityFilter & { pageSize: number } = { pageSize: DEFAULT_PAGE_SIZE };
  const mspId = r.msp(raw, 'mspId', false);
  if (mspId) out.mspId = mspId;
  const country = readCountryFilter(r, raw, 'country');
  if (country) out.country = country;
  readPaging(r, raw, out);
  throwIfProblems(r);
  return out;
}

// ---- private data (domain.md "Private data") ----------------------------------------------

/** Why private fields in the arguments are refused: arguments are written into the block for every organisation. */
const PRIVATE_IN_ARGUMENTS = `goes in the transient map (${TRANSIENT_PRIVATE_KEY}), never in the transaction arguments, which every organisation reads in the block`;

/**
 * A lot's or an event's `private` object (api.md), normalised: absent fields left out, so the hash of
 * `{ unitPrice: 1 }` does not depend on how a client spelled what it did not send. `evidenceCount` given:
 * an event's value, which may also carry `evidenceUris` (one per evidence item, null for none).
 * @throws ValidationError naming each bad field under `path`
 */
export function validatePrivateValue(raw: unknown, path: string, evidenceCount?: number): PrivateValue {
  const r = new Reader(path);
  const value = readPrivateValue(r, raw, evidenceCount);
  throwIfProblems(r);
  return value as PrivateValue;
}

function readPrivateValue(r: Reader, raw: unknown, evidenceCount: number | undefined): PrivateValue | undefined {
  if (!isObject(raw)) {
    r.fail('', 'must be an object');
    return undefined;
  }
  const allowed: readonly string[] = evidenceCount === undefined ? PRIVATE_FIELDS : [...PRIVATE_FIELDS, 'evidenceUris'];
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) r.fail(key, `is not a private field; use ${allowed.join(', ')}`);
  return presentOnly({
    consignee: readConsignee(r, raw.consignee),
    unitPrice: readMoney(r, raw, 'unitPrice'),
    currency: readCurrency(r, raw.currency),
    invoiceValue: readMoney(r, raw, 'invoiceValue'),
    contractRef: r.text(raw, 'contractRef', MAX_CONTRACT_REF_LENGTH, false) ?? undefined,
    evidenceUris: readEvidenceUris(r, raw.evidenceUris, evidenceCount ?? 0),
  });
}

/** The object without its undefined fields (so absent and null hash alike). */
function presentOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `consignee: { name?, address? }`; undefined when absent or empty. */
function readConsignee(r: Reader, raw: unknown): PrivateValue['consignee'] {
  if (isAbsent(raw)) return undefined;
  if (!isObject(raw)) {
    r.fail('consignee', 'must be an object { name, address }');
    return undefined;
  }
  for (const key of Object.keys(raw)) if (key !== 'name' && key !== 'address') r.fail(`consignee.${key}`, 'is not a consignee field; use name, address');
  const consignee = presentOnly({
    name: r.text(raw, 'name', MAX_NAME_LENGTH, false) ?? undefined,
    address: r.text(raw, 'address', MAX_ADDRESS_LENGTH, false) ?? undefined,
  });
  return r.hasProblemAt('consignee') || Object.keys(consignee).length === 0 ? undefined : consignee;
}

/** An ISO 4217 currency code; undefined when absent or bad (then with a problem). */
function readCurrency(r: Reader, v: unknown): string | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v === 'string' && CURRENCY_PATTERN.test(v)) return v;
  r.fail('currency', 'must be an ISO 4217 code of three capital letters (e.g. USD)');
  return undefined;
}

/** A money amount: a finite number, 0 ≤ x ≤ MAX_MONEY_AMOUNT; undefined when absent or bad (then with a problem). */
function readMoney(r: Reader, raw: Record<string, unknown>, field: string): number | undefined {
  const v = raw[field];
  if (isAbsent(v)) return undefined;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_MONEY_AMOUNT) return v;
  r.fail(field, `must be a number >= 0 and at most ${String(MAX_MONEY_AMOUNT)}`);
  return undefined;
}

/** An event's evidence URIs, one per evidence item (null: that item has none); undefined when absent or all null. */
function readEvidenceUris(r: Reader, raw: unknown, evidenceCount: number): Array<string | null> | undefined {
  if (isAbsent(raw)) return undefined;
  if (!Array.isArray(raw) || raw.length > evidenceCount) {
    r.fail('evidenceUris', `must be an array of at most ${String(evidenceCount)} URIs or nulls, one per evidence item`);
    return undefined;
  }
  const uris = raw.map((u: unknown, i) => {
    if (isAbsent(u)) return null;
    if (isEvidenceUri(u)) return u;
    r.fail(`evidenceUris[${String(i)}]`, `must be a string of 1-${String(MAX_URI_LENGTH)} characters`);
    return null;
  });
  return uris.some((u) => u !== null) ? uris : undefined;
}

/**
 * One record's transient envelope `{ value, salt }`: the value validated as above, the salt 64 lower-case
 * hex digits. A value with no field at all is refused (a record without private data sends none).
 * @throws ValidationError under `path`
 */
export function validatePrivateEnvelope(raw: unknown, path: string, evidenceCount?: number): PrivateEnvelope {
  if (!isObject(raw)) throw new ValidationError([{ path, message: 'must be an object { value, salt }' }]);
  const problems: FieldProblem[] = [];
  const salt = typeof raw.salt === 'string' && PRIVATE_SALT_PATTERN.test(raw.salt) ? raw.salt : undefined;
  if (salt === undefined) problems.push({ path: `${path}.salt`, message: 'must be 32 random bytes as 64 lower-case hex digits' });
  let value: PrivateValue | undefined;
  try {
    value = validatePrivateValue(raw.value, `${path}.value`, evidenceCount);
    if (Object.keys(value).length === 0) problems.push({ path: `${path}.value`, message: 'carries no private field; send no envelope instead' });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { value: value as PrivateValue, salt: salt as string };
}

/**
 * The transient entry's shape (`{ lot?, events? }`), before each envelope is checked against its record.
 * @throws ValidationError (path `private`)
 */
export function parseTransientPrivate(bytes: Uint8Array | undefined): TransientPrivate {
  if (!bytes || bytes.length === 0) return {};
  const raw = parseJsonArgument(Buffer.from(bytes).toString('utf8'), 'private');
  if (!isObject(raw)) throw new ValidationError([{ path: 'private', message: 'must be an object { lot?, events? }' }]);
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(raw)) if (key !== 'lot' && key !== 'events') problems.push({ path: `private.${key}`, message: 'is not lot or events' });
  if (!isAbsent(raw.events) && !isObject(raw.events)) problems.push({ path: 'private.events', message: 'must be an object keyed by event id' });
  if (problems.length > 0) throw new ValidationError(problems);
  return raw;
}

/**
 * Refuses `private` in a transaction argument (a lot, an event, or a batch of them): the chaincode takes
 * private data only from the transient map.
 * @throws ValidationError
 */
export function refusePrivateInArguments(raw: unknown, path: string): void {
  const items = Array.isArray(raw) ? raw.map((item: unknown, i) => ({ item, p: `${path}[${String(i)}]` })) : [{ item: raw, p: path }];
  const problems = items
    .filter(({ item }) => isObject(item) && item.private !== undefined)
    .map(({ p }) => ({ path: p ? `${p}.private` : 'private', message: PRIVATE_IN_ARGUMENTS }));
  if (problems.length > 0) throw new ValidationError(problems);
}
