/**
 * The proof bundle format `acetrace-proof/1` (see README.md and schema/acetrace-proof-1.json).
 *
 * Everything a check relies on is carried as the ledger's own bytes (whole blocks as qscc
 * GetBlockByNumber returns them); the JSON around them only says where to look.
 */

export const BUNDLE_FORMAT = 'acetrace-proof/1';

/** The Fabric MSP trust anchors of one organisation of the channel. */
export interface OrganisationAnchors {
  mspId: string;
  /** `application` organisations endorse and submit; `orderer` organisations sign blocks. */
  type: 'application' | 'orderer';
  /** PEM certificates of the MSP's root CAs (FabricMSPConfig.root_certs). */
  rootCerts: string[];
  /** PEM certificates of the MSP's intermediate CAs (FabricMSPConfig.intermediate_certs). */
  intermediateCerts: string[];
}

/** How many of the listed organisations must endorse (Fabric ImplicitMeta rules, or n of them). */
export type PolicyRule = 'ANY' | 'MAJORITY' | 'ALL' | { outOf: number };

/** The chaincode's endorsement policy, one signature from a peer of each counted organisation. */
export interface EndorsementPolicy {
  rule: PolicyRule;
  /** MSP ids whose Endorsement sub-policy counts towards the rule. */
  organisations: string[];
  /** Where the policy came from, e.g. `/Channel/Application/Endorsement` (informative). */
  source?: string;
}

export interface TrustAnchors {
  organisations: OrganisationAnchors[];
  endorsementPolicy: EndorsementPolicy;
}

/** A whole block: base64 of the common.Block protobuf bytes as the ledger returned them. */
export interface BundleBlock {
  /** Block number, decimal (uint64). */
  number: string;
  block: string;
}

/** One block header, for recomputing the hash chain without the block's data. */
export interface BundleHeader {
  number: string;
  /** Hex of BlockHeader.previous_hash (empty for block 0). */
  previousHash: string;
  /** Hex of BlockHeader.data_hash. */
  dataHash: string;
}

/** One event the reader was shown, and where its transaction sits. */
export interface BundleEvent {
  eventId: string;
  /** Transaction id (ChannelHeader.tx_id). */
  txId: string;
  /** Number of a block in `blocks`, decimal. */
  blockNumber: string;
  /** Index of the transaction's envelope in BlockData.data. */
  txIndex: number;
  /** World-state key the transaction wrote (may contain U+0000, as Fabric composite keys do). */
  key: string;
  /** Base64 of the exact value bytes written under `key`. */
  value: string;
  /** Hex SHA-256 of the value bytes. */
  valueSha256: string;
  /** The event as shown to the reader (the value, parsed as JSON). */
  event: unknown;
  /** MSP id of the organisation that recorded the event. */
  recordedBy: string;
}

export interface BundleSubject {
  lotId?: string;
  eventId?: string;
}

export interface ProofBundle {
  format: typeof BUNDLE_FORMAT;
  channel: string;
  /** Chaincode name, which is also the write-set namespace. */
  chaincode: string;
  /** When the bundle was built (ISO 8601; informative, not checked). */
  generatedAt: string;
  subject: BundleSubject;
  trustAnchors: TrustAnchors;
  /** Every block holding an event's transaction, and the head block. */
  blocks: BundleBlock[];
  /** Every header from the oldest block in `blocks` up to the head, in order. */
  headers: BundleHeader[];
  events: BundleEvent[];
  head: { number: string };
}

/** The input is not an acetrace-proof/1 bundle; `path` names the offending field. */
export class BundleFormatError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'BundleFormatError';
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field<T>(obj: Json, path: string, key: string, guard: (v: unknown) => v is T, what: string): T {
  const value = obj[key];
  if (!guard(value)) throw new BundleFormatError(`${path}.${key}`, `expected ${what}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isDecimal = (v: unknown): v is string => typeof v === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(v);
const isHex = (v: unknown): v is string => typeof v === 'string' && /^([0-9a-f]{2})*$/.test(v);
const isBase64 = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0;
const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function each<T>(obj: Json, path: string, key: string, read: (item: Json, itemPath: string) => T): T[] {
  return field(obj, path, key, isArray, 'an array').map((item, i) => {
    const itemPath = `${path}.${key}[${String(i)}]`;
    if (!isObject(item)) throw new BundleFormatError(itemPath, 'expected an object');
    return read(item, itemPath);
  });
}

function readRule(value: unknown, path: string): PolicyRule {
  if (value === 'ANY' || value === 'MAJORITY' || value === 'ALL') return value;
  if (isObject(value) && Number.isSafeInteger(value.outOf) && (value.outOf as number) >= 1) {
    return { outOf: value.outOf as number };
  }
  throw new BundleFormatError(path, 'expected "ANY", "MAJORITY", "ALL" or { "outOf": n }');
}

/** Checks the shape of a parsed JSON document and returns it typed; throws BundleFormatError. */
export function parseBundle(input: unknown): ProofBundle {
  const $ = '$';
  if (!isObject(input)) throw new BundleFormatError($, 'expected a JSON object');
  if (input.format !== BUNDLE_FORMAT) {
    throw new BundleFormatError(`${$}.format`, `expected "${BUNDLE_FORMAT}", got ${JSON.stringify(input.format)}`);
  }
  const subject = field(input, $, 'subject', isObject, 'an object');
  const anchors = field(input, $, 'trustAnchors', isObject, 'an object');
  const policy = field(anchors, `${$}.trustAnchors`, 'endorsementPolicy', isObject, 'an object');
  const head = field(input, $, 'head', isObject, 'an object');
  const policyPath = `${$}.trustAnchors.endorsementPolicy`;
  return {
    format: BUNDLE_FORMAT,
    channel: field(input, $, 'channel', isString, 'a string'),
    chaincode: field(input, $, 'chaincode', isString, 'a string'),
    generatedAt: field(input, $, 'generatedAt', isString, 'a string'),
    subject: {
      ...(subject.lotId !== undefined ? { lotId: field(subject, `${$}.subject`, 'lotId', isString, 'a string') } : {}),
      ...(subject.eventId !== undefined ? { eventId: field(subject, `${$}.subject`, 'eventId', isString, 'a string') } : {}),
    },
    trustAnchors: {
      organisations: each(anchors, `${$}.trustAnchors`, 'organisations', (o, p) => {
        const type = o.type;
        if (type !== 'application' && type !== 'orderer') {
          throw new BundleFormatError(`${p}.type`, 'expected "application" or "orderer"');
        }
        return {
          mspId: field(o, p, 'mspId', isString, 'a string'),
          type,
          rootCerts: field(o, p, 'rootCerts', isStringArray, 'an array of PEM strings'),
          intermediateCerts: field(o, p, 'intermediateCerts', isStringArray, 'an array of PEM strings'),
        };
      }),
      endorsementPolicy: {
        rule: readRule(policy.rule, `${policyPath}.rule`),
        organisations: field(policy, policyPath, 'organisations', isStringArray, 'an array of MSP ids'),
        ...(policy.source !== undefined ? { source: field(policy, policyPath, 'source', isString, 'a string') } : {}),
      },
    },
    blocks: each(input, $, 'blocks', (b, p) => ({
      number: field(b, p, 'number', isDecimal, 'a decimal block number'),
      block: field(b, p, 'block', isBase64, 'base64'),
    })),
    headers: each(input, $, 'headers', (h, p) => ({
      number: field(h, p, 'number', isDecimal, 'a decimal block number'),
      previousHash: field(h, p, 'previousHash', isHex, 'lower-case hex'),
      dataHash: field(h, p, 'dataHash', isHex, 'lower-case hex'),
    })),
    events: each(input, $, 'events', (e, p) => {
      if (!('event' in e)) throw new BundleFormatError(`${p}.event`, 'missing');
      return {
        eventId: field(e, p, 'eventId', isString, 'a string'),
        txId: field(e, p, 'txId', isString, 'a string'),
        blockNumber: field(e, p, 'blockNumber', isDecimal, 'a decimal block number'),
        txIndex: field(e, p, 'txIndex', isIndex, 'a non-negative integer'),
        key: field(e, p, 'key', isString, 'a string'),
        value: field(e, p, 'value', isBase64, 'base64'),
        valueSha256: field(e, p, 'valueSha256', isHex, 'lower-case hex'),
        event: e.event,
        recordedBy: field(e, p, 'recordedBy', isString, 'a string'),
      };
    }),
    head: { number: field(head, `${$}.head`, 'number', isDecimal, 'a decimal block number') },
  };
}
