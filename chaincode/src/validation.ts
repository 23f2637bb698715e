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
  type LotFilter, type OrganisationInput, type OrganisationProfileInput, type Role, type SupplyChainRole,
} from './types';
import {
  DEFAULT_PAGE_SIZE, ID_PATTERN, MAX_ACCURACY_M, MAX_ADDRESS_LENGTH, MAX_AGGREGATION_CHILDREN, MAX_BATCH,
  MAX_BOOKMARK_LENGTH, MAX_EPCS_PER_EVENT, MAX_EPCS_PER_LOT, MAX_EVIDENCE, MAX_INPUTS_PER_LOT, MAX_NAME_LENGTH,
  MAX_PAGE_SIZE, MAX_PRODUCT_LENGTH, MAX_REASON_LENGTH, MAX_URI_LENGTH, MSP_PATTERN, SHA256_PATTERN,
  SUBDIVISION_PATTERN, UNIT_PATTERN,
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

  msp(obj: Record<string, unknown>, field: string, required: boolean): string | null | undefined {
    const v = obj[field];
    if (v === undefined || v === null) return required ? this.fail(field, 'is required') : null;
    if (typeof v !== 'string' || !MSP_PATTERN.test(v)) return this.fail(field, 'must be an MSP id (1-128 of A-Za-z0-9._-)');
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
    ...(inputs && inputs.length > 0 ? { inputs } : {}),
  };
}

/** `inputs`: 0..MAX_INPUTS_PER_LOT distinct other lots, each with a quantity > 0 and a unit. */
function readInputs(r: Reader, raw: Record<string, unknown>, lotId: string | undefined): LotInputItem[] | undefined {
  const v = raw.inputs;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return r.fail('inputs', 'must be an array of { lotId, quantity, unit }');
  if (v.length > MAX_INPUTS_PER_LOT) return r.fail('inputs', `must hold at most ${MAX_INPUTS_PER_LOT} inputs`);
  const out: LotInputItem[] = [];
  const seen = new Set<string>();
  v.forEach((item: unknown, i) => {
    const p = `inputs[${i}]`;
    if (!isObject(item)) {
      r.fail(p, 'must be an object { lotId, quantity, unit }');
      return;
    }
    const id = typeof item.lotId === 'string' && ID_PATTERN.test(item.lotId) ? item.lotId : undefined;
    if (id === undefined) r.fail(`${p}.lotId`, 'must be 1-128 characters of A-Za-z0-9._:-');
    const quantity = item.quantity;
    const unit = item.unit;
    let ok = id !== undefined;
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0) ok = !!r.fail(`${p}.quantity`, 'must be a number > 0');
    if (typeof unit !== 'string' || !UNIT_PATTERN.test(unit)) ok = !!r.fail(`${p}.unit`, 'must be 1-16 characters of A-Za-z0-9._- (the input lot\'s unit)');
    if (id !== undefined && id === lotId) ok = !!r.fail(`${p}.lotId`, 'must differ from lotId (a lot is not made from itself)');
    else if (id !== undefined && seen.has(id)) ok = !!r.fail(`${p}.lotId`, 'is listed twice');
    if (id !== undefined) seen.add(id);
    if (ok) out.push({ lotId: id as string, quantity: quantity as number, unit: unit as string });
  });
  return out;
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
  const kindFields = readKindFields(r, raw, kind, lotId, !!options.correction);
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

type KindFields = Pick<NormalisedEvent, 'handoverTo' | 'handoverToGln' | 'action' | 'parentLotId' | 'childLotIds'>;

/**
 * `handoverTo`/`handoverToGln` (handover only) and `action`/`parentLotId`/`childLotIds` (aggregation only,
 * required there). Returned only when present, so events without them hash as they always did.
 */
function readKindFields(r: Reader, raw: Record<string, unknown>, kind: EventKind | undefined, lotId: string | undefined, correction: boolean): KindFields {
  const given = (f: string): boolean => raw[f] !== undefined && raw[f] !== null;
  const out: KindFields = {};
  for (const f of ['handoverTo', 'handoverToGln']) {
    if (given(f) && kind !== 'handover') r.fail(f, 'is only for kind handover');
    else if (given(f) && correction) r.fail(f, 'custody passes with RecordEvents, not with a correction');
  }
  for (const f of ['action', 'parentLotId', 'childLotIds']) {
    if (given(f) && kind !== 'aggregation') r.fail(f, 'is only for kind aggregation');
  }
  if (kind === 'aggregation' && correction) r.fail('kind', 'containment changes with RecordEvents, not with a correction');
  if (kind === 'handover' && !correction) {
    const to = r.msp(raw, 'handoverTo', false);
    if (to) out.handoverTo = to;
    if (given('handoverToGln')) {
      if (typeof raw.handoverToGln !== 'string' || !isGln(raw.handoverToGln)) r.fail('handoverToGln', 'must be a 13-digit GLN with a valid check digit');
      else if (!to) r.fail('handoverToGln', 'needs handoverTo');
      else out.handoverToGln = raw.handoverToGln;
    }
  }
  if (kind === 'aggregation' && !correction) {
    const action = raw.action;
    if (typeof action !== 'string' || !(AGGREGATION_ACTIONS as readonly string[]).includes(action)) {
      r.fail('action', `must be one of ${AGGREGATION_ACTIONS.join(', ')}`);
    } else out.action = action as AggregationAction;
    const parent = r.id(raw, 'parentLotId', true);
    if (parent && lotId && parent !== lotId) r.fail('parentLotId', 'must equal lotId: an aggregation event is recorded on the container lot');
    else if (parent) out.parentLotId = parent;
    const children = raw.childLotIds;
    if (!Array.isArray(children) || children.length === 0 || children.length > MAX_AGGREGATION_CHILDREN) {
      r.fail('childLotIds', `must be an array of 1-${MAX_AGGREGATION_CHILDREN} lot ids`);
    } else {
      const ids: string[] = [];
      children.forEach((c: unknown, i) => {
        if (typeof c !== 'string' || !ID_PATTERN.test(c)) r.fail(`childLotIds[${i}]`, 'must be 1-128 characters of A-Za-z0-9._:-');
        else if (c === lotId) r.fail(`childLotIds[${i}]`, 'must differ from the container lotId');
        else if (ids.includes(c)) r.fail(`childLotIds[${i}]`, 'is listed twice');
        else ids.push(c);
      });
      out.childLotIds = ids;
    }
  }
  return out;
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

/** Validate an organisation profile (`{ mspId, legalName, country, address?, roles }`, supply-chain roles). @throws ValidationError */
export function validateOrganisationProfileInput(raw: unknown): OrganisationProfileInput {
  const r = new Reader('');
  if (!isObject(raw)) throw new ValidationError([{ path: 'organisation', message: 'must be a JSON object' }]);
  const mspId = r.msp(raw, 'mspId', true);
  const legalName = r.text(raw, 'legalName', MAX_NAME_LENGTH, true);
  let country: string | undefined;
  if (typeof raw.country !== 'string') r.fail('country', 'is required: an ISO 3166-1 alpha-2 code');
  else if (!(country = normaliseCountry(raw.country))) r.fail('country', 'must be an ISO 3166-1 alpha-2 code, e.g. CN');
  const address = r.text(raw, 'address', MAX_ADDRESS_LENGTH, false);
  const roles: SupplyChainRole[] = [];
  if (!Array.isArray(raw.roles)) r.fail('roles', `must be an array of supply-chain roles (${SUPPLY_CHAIN_ROLES.join(', ')})`);
  else {
    raw.roles.forEach((role: unknown, i) => {
      if (typeof role !== 'string' || !(SUPPLY_CHAIN_ROLES as readonly string[]).includes(role)) {
        r.fail(`roles[${i}]`, `must be one of ${SUPPLY_CHAIN_ROLES.join(', ')}`);
      } else if (!roles.includes(role as SupplyChainRole)) roles.push(role as SupplyChainRole);
    });
  }
  throwIfProblems(r);
  return { mspId: mspId as string, legalName: legalName as string, country: country as string, address: address ?? null, roles: [...roles].sort() };
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
  let country: string | undefined;
  if (typeof raw.country !== 'string') r.fail('country', 'is required: an ISO 3166-1 alpha-2 code');
  else if (!(country = normaliseCountry(raw.country))) r.fail('country', 'must be an ISO 3166-1 alpha-2 code, e.g. CN');
  let subdivision: string | null = null;
  if (raw.subdivision !== undefined && raw.subdivision !== null) {
    const sub = typeof raw.subdivision === 'string' ? raw.subdivision.trim().toUpperCase() : '';
    if (!SUBDIVISION_PATTERN.test(sub)) r.fail('subdivision', 'must be an ISO 3166-2 code, e.g. CN-XJ');
    else if (country && !sub.startsWith(`${country}-`)) r.fail('subdivision', `must be a subdivision of ${country} (${country}-…)`);
    else subdivision = sub;
  }
  const location = r.location({ location: { lat: raw.lat, lon: raw.lon } }, 'location');
  for (const p of r.problems) if (p.path.startsWith('location.')) (p as { path: string }).path = p.path.slice('location.'.length);
  let type: FacilityType | undefined;
  if (typeof raw.type !== 'string' || !(FACILITY_TYPES as readonly string[]).includes(raw.type)) r.fail('type', `must be one of ${FACILITY_TYPES.join(', ')}`);
  else type = raw.type as FacilityType;
  throwIfProblems(r);
  return {
    gln: gln as string, name: name as string, address: address ?? null, country: country as string, subdivision,
    lat: location?.lat ?? null, lon: location?.lon ?? null, type: type as FacilityType,
  };
}

/** Validate a ListFacilities filter (`{ mspId?, country?, pageSize?, bookmark? }`; '' for none). @throws ValidationError */
export function facilityFilterFromJson(filterJson: string): FacilityFilter & { pageSize: number } {
  const raw = filterJson && filterJson.trim() !== '' ? parseJsonArgument(filterJson, 'filter') : {};
  if (!isObject(raw)) throw new ValidationError([{ path: 'filter', message: 'must be a JSON object' }]);
  const r = new Reader('');
  const out: FacilityFilter & { pageSize: number } = { pageSize: DEFAULT_PAGE_SIZE };
  const mspId = r.msp(raw, 'mspId', false);
  if (mspId) out.mspId = mspId;
  if (raw.country !== undefined && raw.country !== null) {
    const c = typeof raw.country === 'string' ? normaliseCountry(raw.country) : undefined;
    if (!c) r.fail('country', 'must be an ISO 3166-1 alpha-2 code');
    else out.country = c;
  }
  if (raw.pageSize !== undefined && raw.pageSize !== null) {
    if (typeof raw.pageSize !== 'number' || !Number.isInteger(raw.pageSize) || raw.pageSize < 1 || raw.pageSize > MAX_PAGE_SIZE) {
      r.fail('pageSize', `must be an integer 1-${MAX_PAGE_SIZE}`);
    } else out.pageSize = raw.pageSize;
  }
  if (raw.bookmark !== undefined && raw.bookmark !== null && raw.bookmark !== '') {
    if (typeof raw.bookmark !== 'string' || raw.bookmark.length > MAX_BOOKMARK_LENGTH) r.fail('bookmark', 'must be a bookmark from a previous page');
    else out.bookmark = raw.bookmark;
  }
  throwIfProblems(r);
  return out;
}
