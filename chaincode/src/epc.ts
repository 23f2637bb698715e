/**
 * EPC spellings → pure-identity URNs (`urn:epc:id:sgtin:…`, `urn:epc:id:sscc:…`).
 *
 * Accepted: pure-identity URNs, EPC tag URIs (`urn:epc:tag:sgtin-96:…`), raw SGTIN-96 /
 * SGTIN-198 / SSCC-96 hex from a reader (decoded by epc-tds) and GS1 Digital Link URIs
 * (parsed and check-digit validated by digital-link.js, then encoded by epc-tds).
 *
 * A Digital Link carries a GTIN or SSCC but not the length of the GS1 company prefix that the
 * URN needs. It is taken from a known EPC with the same GS1 key (the lot's own EPCs), else from
 * `gcpLength` (default 7). `epcMatchKey` gives a spelling-independent key (GTIN-14 + serial,
 * SSCC-18) so lookups never depend on that guess.
 */
import tds from 'epc-tds';
import { DigitalLink } from 'digital-link.js';
import { PureMemo } from './memo';

/** GS1 company prefix length assumed for a Digital Link when nothing better is known. */
export const DEFAULT_GCP_LENGTH = 7;

export interface NormaliseEpcOptions {
  /** Company prefix length (6..12) for Digital Link input. */
  readonly gcpLength?: number;
  /** Pure-identity URNs already known (e.g. the lot's EPCs), preferred for Digital Link input. */
  readonly knownEpcs?: readonly string[];
}

/** Thrown by normaliseEpc for input that is no EPC it can read. */
export class EpcFormatError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'EpcFormatError';
  }
}

// GS1 AI encodable character set 82 in URI form: TDS §5 escapes " % & / < > ? as %XX.
const URI_SERIAL = /^(?:[A-Za-z0-9!'()*+,\-.:;=_]|%[0-9A-Fa-f]{2})+$/;
const PURE_SGTIN = /^urn:epc:id:sgtin:(\d{6,12})\.(\d{1,7})\.(.+)$/;
const PURE_SSCC = /^urn:epc:id:sscc:(\d{6,12})\.(\d{5,11})$/;
const PURE_OTHER = /^urn:epc:id:(sgln|grai|giai|gsrn|gdti|sgcn|gid|cpi|gsrnp|itip|upui|pgln|gcn):[A-Za-z0-9!'()*+,\-.:;=_%/]+$/;
const HEX = /^(?:0x)?([0-9A-Fa-f]{24,64})$/;
const HEX_SCHEMES: Record<string, boolean> = { 'sgtin-96': true, 'sgtin-198': true, 'sscc-96': true };

const hex2 = (c: string): string => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** Serial as it appears in a URN: characters outside the URI-safe subset escaped, escapes upper-cased. */
function canonicalSerial(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new EpcFormatError(`serial '${raw}' has a broken %-escape`);
  }
  if (decoded.length < 1 || decoded.length > 20) throw new EpcFormatError('serial must be 1-20 characters');
  if (!/^[!"%-?A-Z_a-z]+$/.test(decoded)) throw new EpcFormatError(`serial '${decoded}' has characters outside GS1 set 82`);
  return decoded.replace(/["%&/<>?]/g, hex2);
}

function pureSgtin(company: string, item: string, serial: string): string {
  if (company.length + item.length !== 13) {
    throw new EpcFormatError('SGTIN company prefix and item reference must have 13 digits together');
  }
  if (!URI_SERIAL.test(serial)) throw new EpcFormatError(`serial '${serial}' is not a valid URI serial`);
  return `urn:epc:id:sgtin:${company}.${item}.${canonicalSerial(serial)}`;
}

function pureSscc(company: string, serialRef: string): string {
  if (company.length + serialRef.length !== 17) {
    throw new EpcFormatError('SSCC company prefix and serial reference must have 17 digits together');
  }
  return `urn:epc:id:sscc:${company}.${serialRef}`;
}

/** Re-parse the URN epc-tds produced, so every path ends in the same canonical checks. */
function fromPure(urn: string): string {
  const sgtin = PURE_SGTIN.exec(urn);
  if (sgtin) return pureSgtin(sgtin[1] ?? '', sgtin[2] ?? '', sgtin[3] ?? '');
  const sscc = PURE_SSCC.exec(urn);
  if (sscc) return pureSscc(sscc[1] ?? '', sscc[2] ?? '');
  if (PURE_OTHER.test(urn)) return urn;
  throw new EpcFormatError(`'${urn}' is not a pure-identity EPC URN`);
}

function fromTagUri(uri: string): string {
  let id: string;
  try {
    id = tds.fromTagURI(uri).toIdURI();
  } catch (err) {
    throw new EpcFormatError(`tag URI not readable: ${(err as Error).message}`);
  }
  return fromPure(id);
}

function fromHex(hex: string): string {
  let epc: ReturnType<typeof tds.valueOf>;
  try {
    epc = tds.valueOf(hex);
  } catch {
    throw new EpcFormatError(`hex EPC '${hex}' has an unsupported header`);
  }
  const scheme = epc.toTagURI().split(':')[3] ?? '';
  if (!HEX_SCHEMES[scheme]) throw new EpcFormatError(`hex EPC scheme ${scheme} is not supported (SGTIN-96, SGTIN-198, SSCC-96)`);
  const bits = epc.getTotalBits();
  if (hex.length !== Math.ceil(bits / 4) && hex.length !== Math.ceil(bits / 16) * 4) {
    throw new EpcFormatError(`hex EPC of scheme ${scheme} needs ${String(Math.ceil(bits / 16) * 4)} hex digits, got ${String(hex.length)}`);
  }
  let id: string;
  try {
    id = epc.toIdURI();
  } catch (err) {
    throw new EpcFormatError(`hex EPC '${hex}' does not decode: ${(err as Error).message}`);
  }
  return fromPure(id);
}

function gcpFor(key: string, options: NormaliseEpcOptions): number {
  const known = knownGcpLength(key, options.knownEpcs ?? []);
  if (known !== undefined) return known;
  const length = options.gcpLength ?? DEFAULT_GCP_LENGTH;
  if (!Number.isInteger(length) || length < 6 || length > 12) throw new EpcFormatError('gcpLength must be 6..12');
  return length;
}

/** The company prefix length of a known EPC with the same match key, if there is one. */
function knownGcpLength(key: string, knownEpcs: readonly string[]): number | undefined {
  for (const known of knownEpcs) {
    let parsed: string;
    try {
      parsed = fromPure(known);
    } catch {
      continue;
    }
    if (epcMatchKey(parsed) === key) return (/^urn:epc:id:s(?:gtin|scc):(\d+)\./.exec(parsed)?.[1] ?? '').length;
  }
  return undefined;
}

function fromDigitalLink(uri: string, options: NormaliseEpcOptions): string {
  let dl: ReturnType<typeof DigitalLink>;
  try {
    dl = DigitalLink(uri);
  } catch (err) {
    throw new EpcFormatError(`Digital Link not readable: ${(err as Error).message}`);
  }
  if (!dl.isValid()) throw new EpcFormatError('Digital Link is not valid GS1 Digital Link syntax or has a wrong check digit');
  const identifier = dl.getIdentifier();
  const qualifiers = dl.getKeyQualifiers();
  const gtin = identifier['01'];
  const sscc = identifier['00'];
  if (gtin !== undefined) {
    const serial = qualifiers['21'];
    if (serial === undefined) throw new EpcFormatError('Digital Link with a GTIN needs a serial (/21/) to name one item');
    const serialCanon = canonicalSerial(serial);
    const gtin14 = gtin.padStart(14, '0');
    const gcp = gcpFor(`gtin:${gtin14}:${serialCanon}`, options);
    const encoded = new tds.Sgtin198().setFilter(0).setPartition(12 - gcp).setGtin(gtin14).setSerial('0');
    const [company, item] = encoded.toIdURI().slice('urn:epc:id:sgtin:'.length).split('.');
    return pureSgtin(company ?? '', item ?? '', serialCanon);
  }
  if (sscc !== undefined) {
    const gcp = gcpFor(`sscc:${sscc}`, options);
    return fromPure(new tds.Sscc96().setFilter(0).setPartition(12 - gcp).setSscc(sscc).toIdURI());
  }
  throw new EpcFormatError('Digital Link must identify an SGTIN (01 + 21) or an SSCC (00)');
}

/**
 * Any accepted EPC spelling → its pure-identity URN.
 * @throws EpcFormatError when the input is no EPC this can read.
 */
export function normaliseEpc(input: string, options: NormaliseEpcOptions = {}): string {
  const value = input.trim();
  if (value.length === 0) throw new EpcFormatError('EPC is empty');
  if (value.length > 512) throw new EpcFormatError('EPC is longer than 512 characters');
  const lower = value.toLowerCase();
  if (lower.startsWith('urn:epc:id:')) return fromPure(`urn:epc:id:${value.slice(11)}`.replace(/^urn:epc:id:[A-Za-z]+/, (s) => s.toLowerCase()));
  if (lower.startsWith('urn:epc:tag:')) return fromTagUri(`urn:epc:tag:${value.slice(12)}`);
  if (lower.startsWith('http://') || lower.startsWith('https://')) return fromDigitalLink(value, options);
  const hex = HEX.exec(value);
  if (hex) return fromHex((hex[1] ?? '').toUpperCase());
  throw new EpcFormatError('EPC must be a urn:epc:id URN, a urn:epc:tag URI, a GS1 Digital Link URI or SGTIN-96/SSCC-96 hex');
}

const matchKeys = new PureMemo<string>(50_000);

/**
 * A key that is the same for every spelling of one EPC, whatever company prefix length was used:
 * `gtin:<GTIN-14>:<serial>` for an SGTIN, `sscc:<SSCC-18>` for an SSCC, the URN itself otherwise.
 * Takes a pure-identity URN (normaliseEpc's output).
 */
export function epcMatchKey(urn: string): string {
  return matchKeys.get(urn, readMatchKey);
}

function readMatchKey(urn: string): string {
  const sgtin = PURE_SGTIN.exec(urn);
  if (sgtin) {
    const gtin = tds.Sgtin198.fromTagURI(`urn:epc:tag:sgtin-198:0.${sgtin[1] ?? ''}.${sgtin[2] ?? ''}.0`).getGtin();
    return `gtin:${gtin}:${sgtin[3] ?? ''}`;
  }
  const sscc = PURE_SSCC.exec(urn);
  if (sscc) return `sscc:${tds.Sscc96.fromTagURI(`urn:epc:tag:sscc-96:0.${sscc[1] ?? ''}.${sscc[2] ?? ''}`).getSscc()}`;
  return urn;
}
