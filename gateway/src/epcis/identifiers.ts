/**
 * GS1 identifiers in the spellings EPCIS uses: GLN ↔ SGLN, and any EPC URI (pure identity, class,
 * pattern) or GS1 Digital Link URI → its constrained canonical GS1 Digital Link URI
 * (`https://id.gs1.org/...`), the spelling-independent form the CBV 2.0 event hash and the query
 * matching compare. Conversions follow GS1 Tag Data Standard 2.x (URN ↔ element strings) and
 * GS1 Digital Link 1.2 (key/qualifier paths).
 */

/** GS1 mod-10 check digit of a digit string (the digits before the check digit). */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** A 13-digit GLN with a valid check digit. */
export function isValidGln(gln: string): boolean {
  return /^\d{13}$/.test(gln) && gs1CheckDigit(gln.slice(0, 12)) === Number(gln[12]);
}

/**
 * The company prefix length used to split a GLN into an SGLN when nothing better is known: the
 * chaincode's own default for Digital Link EPCs (`DEFAULT_GCP_LENGTH`, 7), kept as one number.
 */
export const DEFAULT_SGLN_GCP_LENGTH = 7;

/**
 * GLN → `urn:epc:id:sgln:<company>.<location>.0`. The split needs the GS1 company prefix length,
 * which a GLN does not carry: the first of `knownPrefixes` (company prefixes of EPCs of the same
 * event or lot) that the GLN starts with, else `defaultLength`. Any split names the same GLN; the
 * event hash and the query compare GLNs, not splits.
 */
export function glnToSgln(gln: string, knownPrefixes: readonly string[] = [], defaultLength = DEFAULT_SGLN_GCP_LENGTH): string {
  if (!isValidGln(gln)) throw new RangeError(`${gln} is not a GLN`);
  const known = knownPrefixes.find((p) => p.length >= 6 && p.length <= 12 && gln.startsWith(p));
  const length = known?.length ?? defaultLength;
  return `urn:epc:id:sgln:${gln.slice(0, length)}.${gln.slice(length, 12)}.0`;
}

/** The SGLN's GLN and extension, or undefined when `uri` is no SGLN URN. */
export function sglnToGln(uri: string): { gln: string; extension: string } | undefined {
  const m = /^urn:epc:id:sgln:(\d{6,12})\.(\d{0,6})\.(.+)$/.exec(uri.trim());
  if (!m) return undefined;
  const [, company = '', location = '', extension = ''] = m;
  if (company.length + location.length !== 12) return undefined;
  const body = company + location;
  return { gln: body + String(gs1CheckDigit(body)), extension: decodeURIComponent(extension) };
}

/** GS1 company prefixes of pure-identity SGTIN/SSCC/SGLN URNs (for {@link glnToSgln}). */
export function companyPrefixes(epcs: readonly string[]): string[] {
  const out = new Set<string>();
  for (const epc of epcs) {
    const m = /^urn:epc:id:(?:sgtin|sscc|sgln|grai|gdti|pgln):(\d{6,12})\./.exec(epc);
    if (m?.[1] !== undefined) out.add(m[1]);
  }
  return [...out];
}

// ---- Digital Link canonical form

const DL_ROOT = 'https://id.gs1.org';

/** Digital Link short names (DL 1.2 §4.4) → AI. */
const SHORT_NAMES: Record<string, string> = {
  gtin: '01', sscc: '00', gln: '414', grai: '8003', giai: '8004', gsrn: '8018', gsrnp: '8017', gdti: '253',
  gcn: '255', ginc: '401', gsin: '402', party: '417', itip: '8006', cpid: '8010', cpv: '8011', ser: '21', lot: '10',
  glnx: '254', tpx: '235',
};

/** Primary keys and the qualifiers that make them finer, most granular first (the hash keeps only that level). */
const QUALIFIERS: Record<string, readonly string[]> = {
  '01': ['21', '235', '10'],
  '414': ['254'],
  '8006': ['21', '10'],
  '8010': ['8011'],
  '00': [], '253': [], '255': [], '401': [], '402': [], '417': [], '8003': [], '8004': [], '8017': [], '8018': [],
};

/** Percent-encodes a Digital Link path value: everything but `A-Za-z0-9-._~'` (the examples of the hash algorithm). */
function dlEncode(raw: string): string {
  let out = '';
  for (const ch of raw) {
    if (/^[A-Za-z0-9\-._~']$/.test(ch)) out += ch;
    else {
      for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const dl = (...pairs: Array<[string, string]>): string => DL_ROOT + pairs.map(([ai, v]) => `/${ai}/${dlEncode(v)}`).join('');
const withCheck = (body: string): string => body + String(gs1CheckDigit(body));

/** GTIN-14 from an SGTIN/LGTIN company prefix and item reference (indicator digit first). */
function gtin14(company: string, item: string): string {
  return withCheck(item.slice(0, 1) + company + item.slice(1));
}

/** The dot-separated parts of an EPC URN after its scheme, percent-decoded. */
interface UrnParts {
  count: number;
  /** The i-th part. */
  p(i: number): string;
  /** The parts from the i-th on, joined by dots (a serial may hold dots). */
  from(i: number): string;
}

type UrnToLink = (u: UrnParts) => string | undefined;

/** Class EPC URNs (`urn:epc:class:`) by scheme. */
const CLASS_LINKS = new Map<string, UrnToLink>([
  ['lgtin', (u) => (u.count >= 3 ? dl(['01', gtin14(u.p(0), u.p(1))], ['10', u.from(2)]) : undefined)],
]);

/** EPC pattern URNs (`urn:epc:idpat:`): a pattern with `*` in the last place names the class (the key without its serial). */
const PATTERN_LINKS = new Map<string, UrnToLink>([
  ['sgtin', (u) => dl(['01', gtin14(u.p(0), u.p(1))])],
  ['grai', (u) => dl(['8003', withCheck(`0${u.p(0)}${u.p(1)}`)])],
  ['gdti', (u) => dl(['253', withCheck(u.p(0) + u.p(1))])],
  ['sgcn', (u) => dl(['255', withCheck(u.p(0) + u.p(1))])],
  ['cpi', (u) => dl(['8010', u.p(0) + u.p(1)])],
  ['itip', (u) => dl(['8006', gtin14(u.p(0), u.p(1)) + u.p(2) + u.p(3)])],
]);

/** The SGLN's Digital Link: the GLN, and its extension unless `0` or none. */
function sglnLink(u: UrnParts): string {
  const gln = withCheck(u.p(0) + u.p(1));
  const ext = u.from(2);
  return ext === '0' || ext === '' ? dl(['414', gln]) : dl(['414', gln], ['254', ext]);
}

/** Pure-identity EPC URNs (`urn:epc:id:`) by scheme. */
const ID_LINKS = new Map<string, UrnToLink>([
  ['sgtin', (u) => dl(['01', gtin14(u.p(0), u.p(1))], ['21', u.from(2)])],
  ['sscc', (u) => dl(['00', withCheck(u.p(1).slice(0, 1) + u.p(0) + u.p(1).slice(1))])],
  ['sgln', sglnLink],
  ['grai', (u) => `${DL_ROOT}/8003/${withCheck(`0${u.p(0)}${u.p(1)}`)}${dlEncode(u.from(2))}`],
  ['giai', (u) => dl(['8004', u.p(0) + u.from(1)])],
  ['gsrn', (u) => dl(['8018', withCheck(u.p(0) + u.p(1))])],
  ['gsrnp', (u) => dl(['8017', withCheck(u.p(0) + u.p(1))])],
  ['gdti', (u) => `${DL_ROOT}/253/${withCheck(u.p(0) + u.p(1))}${dlEncode(u.from(2))}`],
  ['sgcn', (u) => `${DL_ROOT}/255/${withCheck(u.p(0) + u.p(1))}${dlEncode(u.from(2))}`],
  ['cpi', (u) => dl(['8010', u.p(0) + u.p(1)], ['8011', u.from(2)])],
  ['ginc', (u) => dl(['401', u.p(0) + u.from(1)])],
  ['gsin', (u) => dl(['402', withCheck(u.p(0) + u.p(1))])],
  ['itip', (u) => dl(['8006', gtin14(u.p(0), u.p(1)) + u.p(2) + u.p(3)], ['21', u.from(4)])],
  ['upui', (u) => dl(['01', gtin14(u.p(0), u.p(1))], ['235', u.from(2)])],
  ['pgln', (u) => dl(['417', withCheck(u.p(0) + u.p(1))])],
]);

const URN_LINKS = new Map<string, ReadonlyMap<string, UrnToLink>>([
  ['id', ID_LINKS],
  ['class', CLASS_LINKS],
  ['idpat', PATTERN_LINKS],
]);

/** Pure-identity, class or pattern EPC URN → canonical Digital Link, or undefined when it has none (e.g. `gid`). */
function epcUrnToDigitalLink(urn: string): string | undefined {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/i.exec(urn);
  if (!m) return undefined;
  const [, kind = '', scheme = '', rest = ''] = m;
  const parts = rest.split('.');
  const u: UrnParts = {
    count: parts.length,
    p: (i) => safeDecode(parts[i] ?? ''),
    from: (i) => parts.slice(i).map(safeDecode).join('.'),
  };
  return URN_LINKS.get(kind.toLowerCase())?.get(scheme.toLowerCase())?.(u);
}

/** An application identifier from its short name (`gtin` → `01`) or as given. */
const aiOf = (s: string): string => SHORT_NAMES[s.toLowerCase()] ?? s;

/** An http(s) URL, or undefined. */
function httpUrl(uri: string): URL | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The qualifier AI → value pairs of a Digital Link path from segment `start` on. */
function qualifiersOf(segments: string[], start: number): Map<string, string> {
  const qualifiers = new Map<string, string>();
  for (let i = start; i + 1 < segments.length; i += 2) qualifiers.set(aiOf(segments[i] ?? ''), safeDecode(segments[i + 1] ?? ''));
  return qualifiers;
}

/**
 * A GS1 Digital Link URI (any domain, short names or numeric AIs, any path prefix) → the constrained
 * canonical form: `https://id.gs1.org`, no query, the primary key and only its most granular qualifier.
 * Undefined when the URI names no GS1 primary key.
 */
function digitalLinkToCanonical(uri: string): string | undefined {
  const url = httpUrl(uri);
  if (url === undefined) return undefined;
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const start = segments.findIndex((s, i) => QUALIFIERS[aiOf(s)] !== undefined && i + 1 < segments.length);
  if (start < 0) return undefined;
  const primary = aiOf(segments[start] ?? '');
  const key = safeDecode(segments[start + 1] ?? '');
  // a GTIN is compared as GTIN-14
  const canonicalKey = primary === '01' ? key.padStart(14, '0') : key;
  const qualifiers = qualifiersOf(segments, start + 2);
  const finest = (QUALIFIERS[primary] ?? []).find((q) => qualifiers.has(q));
  return finest === undefined ? dl([primary, canonicalKey]) : dl([primary, canonicalKey], [finest, qualifiers.get(finest) ?? '']);
}

/**
 * Any identifier value of an EPCIS event → the form the CBV 2.0 hash compares: EPC URNs (id, class,
 * pattern) and Digital Link URIs become canonical Digital Links; anything else (geo URIs, other
 * URLs, `urn:epcglobal:cbv:bt:...`) is returned trimmed as it is.
 */
export function canonicalIdentifier(value: string): string {
  const v = value.trim();
  const lower = v.toLowerCase();
  if (lower.startsWith('urn:epc:')) return epcUrnToDigitalLink(v) ?? v;
  if (lower.startsWith('http://') || lower.startsWith('https://')) return digitalLinkToCanonical(v) ?? v;
  return v;
}
