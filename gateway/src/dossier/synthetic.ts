/**
 * Synthetic provenance answers, assembled by the chaincode's own assembleProvenance, for the
 * dossier's unit tests and its bench: a lot with `eventsPerLink` events on each link (documents
 * as the policy asks, some left out), registered parties and facilities (one in CN-XJ), and an
 * upstream tree `depth` levels deep.
 */
import {
  CBP_UFLPA_2023, assembleProvenance, parseInstant, requiredEvidence,
  type ConsumptionRecord, type EventRecord, type EvidenceType, type FacilityRecord, type LotRecord, type OrganisationProfile, type UpstreamNode,
} from '@acetrace/chaincode';
import * as crypto from 'node:crypto';
import type { ProvenanceAnswer } from '../ports/ledger';

export interface SyntheticOptions {
  lotId?: string;
  eventsPerLink?: number;
  /** Upstream levels (0: none). */
  depth?: number;
  /** Inputs per lot in the tree. */
  fanOut?: number;
  /** Leave the bill of lading (link 9) out, so one document is missing. */
  missingBillOfLading?: boolean;
}

const hex = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');
const iso = (ms: number): string => new Date(ms).toISOString();

export const SYNTHETIC_PROFILES: readonly OrganisationProfile[] = [
  { mspId: 'Org1MSP', legalName: 'Shenzhen Plug Works Co., Ltd.', country: 'CN', address: '1 Industrial Road, Shenzhen', roles: ['manufacturer', 'exporter'], registeredBy: 'Org1MSP', registeredAt: '2026-01-01T00:00:00.000Z', txId: 'tx-p1' },
  { mspId: 'Org2MSP', legalName: 'Pacific Freight Lines Inc.', country: 'US', address: '200 Harbor Blvd, Long Beach, CA', roles: ['carrier', 'importer-of-record'], registeredBy: 'Org2MSP', registeredAt: '2026-01-01T00:00:00.000Z', txId: 'tx-p2' },
  { mspId: 'Org3MSP', legalName: 'Xinjiang Huafo Textiles', country: 'CN', address: 'Aksu, Xinjiang', roles: ['ginner', 'spinner'], registeredBy: 'Org3MSP', registeredAt: '2026-01-01T00:00:00.000Z', txId: 'tx-p3' },
];

export const SYNTHETIC_FACILITIES: readonly FacilityRecord[] = [
  { gln: '0614141000005', name: 'Shenzhen assembly plant', address: null, country: 'CN', subdivision: 'CN-GD', lat: 22.54, lon: 114.06, type: 'factory', mspId: 'Org1MSP', registeredBy: 'Org1MSP', registeredAt: '2026-01-01T00:00:00.000Z', txId: 'tx-f1' },
  { gln: '6901234000008', name: 'Aksu cotton mill', address: null, country: 'CN', subdivision: 'CN-XJ', lat: 41.17, lon: 80.26, type: 'mill', mspId: 'Org3MSP', registeredBy: 'Org3MSP', registeredAt: '2026-01-01T00:00:00.000Z', txId: 'tx-f3' },
];

function lot(lotId: string, over: Partial<LotRecord> = {}): LotRecord {
  return {
    lotId, product: 'smart plug', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1000, unit: 'EA', epcs: [], parentLotId: null,
    importerMsp: 'Org2MSP', packedAt: null, ownerMsp: 'Org1MSP', registeredAt: '2026-03-01T00:00:00.000Z', txId: `tx-lot-${lotId}`,
    contentHash: hex(lotId), schemaVersion: 2, ...over,
  };
}

interface EventOptions {
  missingBillOfLading: boolean;
  recorder: (link: number) => string;
  gln: (link: number) => string | null;
}

/** `perLink` events on each of the 12 links of a lot, documents as the policy asks. */
function eventsOf(l: LotRecord, perLink: number, startMs: number, options: EventOptions): EventRecord[] {
  const out: EventRecord[] = [];
  for (let link = 1; link <= 12; link++) {
    for (let i = 0; i < perLink; i++) {
      const eventMs = startMs + ((link - 1) * perLink + i) * 3_600_000;
      out.push(linkEvent(l, link, i, eventMs, options));
      if (link === 11 && i === 0) out.push(arrivalEvent(l, link, eventMs, options.recorder(link)));
    }
  }
  return out;
}

/** The kind of the i-th event on a link: the first carries the documents, the others are GPS fixes (links 7, 10) or RFID reads. */
function eventKindOf(link: number, i: number): 'document' | 'gps' | 'rfid' {
  if (i === 0) return 'document';
  return link === 7 || link === 10 ? 'gps' : 'rfid';
}

/** How long after the event it reaches the ledger: documents 2 h, sensor reads 2 min (the link-11 arrival 30 min: late). */
function recordingDelayMs(kind: 'document' | 'gps' | 'rfid', link: number): number {
  if (kind === 'document') return 2 * 3_600_000;
  return link === 11 ? 30 * 60_000 : 2 * 60_000;
}

/** Where an event happened: a GPS fix for GPS events, else the link's facility, if it has one. */
function eventLocation(kind: 'document' | 'gps' | 'rfid', link: number, i: number, gln: string | null): EventRecord['location'] {
  if (kind === 'gps') return { lat: 30 + link * 0.01, lon: 110 + i * 0.0001, accuracyM: 10, gln: null };
  return gln ? { gln } : null;
}

/** The i-th event on a link of a lot. */
function linkEvent(l: LotRecord, link: number, i: number, eventMs: number, options: EventOptions): EventRecord {
  const kind = eventKindOf(link, i);
  const omitted = options.missingBillOfLading && link === 9;
  const types: EvidenceType[] = kind === 'document' && !omitted ? [...requiredEvidence(CBP_UFLPA_2023, link)] : [];
  const eventId = `${l.lotId}-E${String(link).padStart(2, '0')}-${String(i)}`;
  const eventTime = iso(eventMs);
  return {
    eventId, lotId: l.lotId, link, kind, eventTime, eventTimeUtc: parseInstant(eventTime)?.utcKey ?? eventTime, deviceId: null,
    location: eventLocation(kind, link, i, options.gln(link)),
    epcs: kind === 'rfid' ? l.epcs.slice(0, 1) : [], evidence: types.map((type) => ({ sha256: hex(`${eventId}:${type}`), uri: `s3://docs/${eventId}/${type}.pdf`, type })),
    correctionOf: null, reason: null, recordedBy: options.recorder(link), recordedByRole: 'supplier', recordedAt: iso(eventMs + recordingDelayMs(kind, link)),
    txId: hex(`tx:${eventId}`), contentHash: hex(eventId),
  };
}

/** The arrival read, an hour after the entry was filed but before the entry reached the ledger: late entry data. */
function arrivalEvent(l: LotRecord, link: number, eventMs: number, recordedBy: string): EventRecord {
  const arrivalId = `${l.lotId}-ARRIVAL`;
  const arrivalTime = iso(eventMs + 3_600_000);
  return {
    eventId: arrivalId, lotId: l.lotId, link, kind: 'rfid', eventTime: arrivalTime, eventTimeUtc: parseInstant(arrivalTime)?.utcKey ?? arrivalTime,
    deviceId: null, location: null, epcs: l.epcs.slice(0, 1), evidence: [], correctionOf: null, reason: null, recordedBy,
    recordedByRole: 'broker', recordedAt: iso(eventMs + 3_720_000), txId: hex(`tx:${arrivalId}`), contentHash: hex(arrivalId),
  };
}

/** An input lot of the synthetic tree: raw cotton at the deepest level, yarn above it. */
function inputLot(id: string, raw: boolean): LotRecord {
  return lot(id, {
    product: raw ? 'raw cotton' : 'cotton yarn', htsCode: raw ? '5201.00.1000' : '5205.11.1000', originCountry: raw ? 'US' : 'CN',
    quantity: 500, unit: 'KGM', ownerMsp: 'Org3MSP', importerMsp: null,
  });
}

/** How much of an input lot all consumers use: the first input of the lot is also used by another lot (600 of its 500 KGM). */
function totalConsumedOf(level: number, k: number): number {
  if (k === 0 && level === 1) return 600;
  return level === 1 ? 200 : 300;
}

/** The options with their defaults. */
function syntheticDefaults(options: SyntheticOptions): Required<SyntheticOptions> {
  return {
    lotId: options.lotId ?? 'LOT-DOSSIER-1',
    eventsPerLink: options.eventsPerLink ?? 1,
    depth: options.depth ?? 2,
    fanOut: options.fanOut ?? 2,
    missingBillOfLading: options.missingBillOfLading ?? true,
  };
}

/** A provenance answer as the gateway gives it (with block numbers). */
export function syntheticProvenance(options: SyntheticOptions = {}): ProvenanceAnswer {
  const { lotId, eventsPerLink: perLink, depth, fanOut, missingBillOfLading } = syntheticDefaults(options);
  const root = lot(lotId, { epcs: ['urn:epc:id:sgtin:0614141.812345.1'] });
  const recorder = (link: number): string => (link <= 6 ? 'Org1MSP' : 'Org2MSP');
  const glnOf = (link: number): string | null => (link === 3 ? '0614141000005' : null);
  const lots: LotRecord[] = [];
  const profiles = new Map(SYNTHETIC_PROFILES.map((p) => [p.mspId, p]));
  const facilities = new Map(SYNTHETIC_FACILITIES.map((f) => [f.gln, f]));
  let counter = 0;
  const consumptionOf = new Map<string, ConsumptionRecord[]>();
  const build = (level: number, consumerId: string): UpstreamNode[] => {
    if (level > depth) return [];
    const nodes: UpstreamNode[] = [];
    for (let k = 0; k < fanOut; k++) {
      counter += 1;
      const id = `${lotId}-IN${String(level)}-${String(counter)}`;
      const input = inputLot(id, level === depth);
      lots.push(input);
      const used = level === 1 ? 200 : 300;
      consumptionOf.set(id, [
        { inputLotId: id, consumerLotId: consumerId, quantity: used, unit: 'KGM', txId: `tx-use-${id}` },
        ...(k === 0 && level === 1 ? [{ inputLotId: id, consumerLotId: `${lotId}-OTHER`, quantity: 400, unit: 'KGM', txId: `tx-use-${id}-other` }] : []),
      ]);
      const events = eventsOf(input, 1, Date.UTC(2026, 0, 1 + level * 10), { missingBillOfLading: true, recorder: () => 'Org3MSP', gln: (l) => (l === 2 ? '6901234000008' : null) })
        .filter((e) => e.link <= 6);
      const own = assembleProvenance({ lot: input, ancestors: [], eventsByLot: new Map([[id, events]]), familyEpcs: [], detail: 'full', facilities, profiles });
      nodes.push({
        lot: { lotId: id, product: input.product, htsCode: input.htsCode, originCountry: input.originCountry, quantity: input.quantity, unit: input.unit, ownerMsp: input.ownerMsp },
        // The first input of the lot is consumed by other lots too (600 of its 500 KGM): an over-consumption.
        quantityConsumed: used, unit: 'KGM', totalConsumed: totalConsumedOf(level, k), completeness: own.completeness, detail: 'full',
        links: own.links, upstream: build(level + 1, id), truncated: false,
      });
    }
    return nodes;
  };
  const upstream = build(1, lotId);
  const handover = iso(Date.UTC(2026, 2, 1) + 6 * perLink * 3_600_000);
  const events = eventsOf(root, perLink, Date.UTC(2026, 2, 1), { missingBillOfLading, recorder, gln: glnOf });
  const answer = assembleProvenance({
    lot: root, ancestors: [], eventsByLot: new Map([[lotId, events]]), familyEpcs: root.epcs, detail: 'full',
    upstream: { upstream, truncated: false, lots }, consumptionOf, facilities, profiles,
    custodyOf: new Map([[lotId, [{ lotId, mspId: 'Org2MSP', gln: null, from: handover, fromUtc: parseInstant(handover)?.utcKey ?? handover, eventId: 'H', recordedBy: 'Org1MSP', txId: 'tx-h' }]]]),
  });
  // Parties of the upstream lots appear with their profiles (the chaincode names owners of upstream lots).
  let block = 10;
  for (const l of answer.links) for (const e of l.events) Object.assign(e, { blockNumber: (block += 1) });
  return { ...answer, queryMs: 1 };
}
