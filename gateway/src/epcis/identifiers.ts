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

/** Pure-identity, class or pattern EPC URN → canonical Digital Link, or undefined when it has none (e.g. `gid`). */
function epcUrnToDigitalLink(urn: string): string | undefined {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/i.exec(urn);
  if (!m) return undefined;
  const [, kindRaw = '', schemeRaw = '', rest = ''] = m;
  const kind = kindRaw.toLowerCase();
  const scheme = schemeRaw.toLowerCase();
  const parts = rest.split('.');
  const p = (i: number): string => safeDecode(parts[i] ?? '');
  if (kind === 'class') {
    if (scheme === 'lgtin' && parts.length >= 3) return dl(['01', gtin14(p(0), p(1))], ['10', parts.slice(2).map(safeDecode).join('.')]);
    return undefined;
  }
  if (kind === 'idpat') {
    // a pattern with `*` in the last place names the class (the key without its serial)
    switch (scheme) {
      case 'sgtin':
        return dl(['01', gtin14(p(0), p(1))]);
      case 'grai':
        return dl(['8003', withCheck(`0${p(0)}${p(1)}`)]);
      case 'gdti':
        return dl(['253', withCheck(p(0) + p(1))]);
      case 'sgcn':
        return dl(['255', withCheck(p(0) + p(1))]);
      case 'cpi':
        return dl(['8010', p(0) + p(1)]);
      case 'itip':
        return dl(['8006', gtin14(p(0), p(1)) + p(2) + p(3)]);
      default:
        return undefined;
    }
  }
  switch (scheme) {
    case 'sgtin':
      return dl(['01', gtin14(p(0), p(1))], ['21', parts.slice(2).map(safeDecode).join('.')]);
    case 'sscc':
      return dl(['00', withCheck(p(1).slice(0, 1) + p(0) + p(1).slice(1))]);
    case 'sgln': {
      const gln = withCheck(p(0) + p(1));
      const ext = parts.slice(2).map(safeDecode).join('.');
      return ext === '0' || ext === '' ? dl(['414', gln]) : dl(['414', gln], ['254', ext]);
    }
    case 'grai':
      return `${DL_ROOT}/8003/${withCheck(`0${p(0)}${p(1)}`)}${dlEncode(parts.slice(2).map(safeDecode).join('.'))}`;
    case 'giai':
      return dl(['8004', p(0) + parts.slice(1).map(safeDecode).join('.')]);
    case 'gsrn':
      return dl(['8018', withCheck(p(0) + p(1))]);
    case 'gsrnp':
      return dl(['8017', withCheck(p(0) + p(1))]);
    case 'gdti':
      return `${DL_ROOT}/253/${withCheck(p(0) + p(1))}${dlEncode(parts.slice(2).map(safeDecode).join('.'))}`;
    case 'sgcn':
      return `${DL_ROOT}/255/${withCheck(p(0) + p(1))}${dlEncode(parts.slice(2).map(safeDecode).join('.'))}`;
    case 'cpi':
      return dl(['8010', p(0) + p(1)], ['8011', parts.slice(2).map(safeDecode).join('.')]);
    case 'ginc':
      return dl(['401', p(0) + parts.slice(1).map(safeDecode).join('.')]);
    case 'gsin':
      return dl(['402', withCheck(p(0) + p(1))]);
    case 'itip':
      return dl(['8006', gtin14(p(0), p(1)) + p(2) + p(3)], ['21', parts.slice(4).map(safeDecode).join('.')]);
    case 'upui':
      return dl(['01', gtin14(p(0), p(1))], ['235', parts.slice(2).map(safeDecode).join('.')]);
    case 'pgln':
      return dl(['417', withCheck(p(0) + p(1))]);
    default:
      return undefined;
  }
}

/**
 * A GS1 Digital Link URI (any domain, short names or numeric AIs, any path prefix) → the constrained
 * canonical form: `https://id.gs1.org`, no query, the primary key and only its most granular qualifier.
 * Undefined when the URI names no GS1 primary key.
 */
function digitalLinkToCanonical(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const ai = (s: string): string => SHORT_NAMES[s.toLowerCase()] ?? s;
  const start = segments.findIndex((s, i) => QUALIFIERS[ai(s)] !== undefined && i + 1 < segments.length);
  if (start < 0) return undefined;
  const primary = ai(segments[start] ?? '');
  let key = safeDecode(segments[start + 1] ?? '');
  if (primary === '01' || primary === '8006') key = key.padStart(primary === '01' ? 14 : key.length, '0');
  const qualifiers = new Map<string, string>();
  for (let i = start + 2; i + 1 < segments.length; i += 2) qualifiers.set(ai(segments[i] ?? ''), safeDecode(segments[i + 1] ?? ''));
  const finest = (QUALIFIERS[primary] ?? []).find((q) => qualifiers.has(q));
  return finest === undefined ? dl([primary, key]) : dl([primary, key], [finest, qualifiers.get(finest) ?? '']);
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
