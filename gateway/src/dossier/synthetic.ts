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

export const SYNTHETIC_PROFILES: ReadonlyArray<OrganisationProfile> = [
  { mspId: 'Org1MSP', legalName: 'Shenzhen Plug Works Co., Ltd.', country: 'CN', address: '1 Industrial Road, Shenzhen', roles: ['manufacturer', 'exporter'], registeredBy: 'Org1MSP', registeredAt: '2026-01-01T00:00:00.000Z', txId: 'tx-p1' },
  { mspId: 'Org2MSP', legalName: 'Pacific Freight Lines Inc.', country: 'US', address: '200 Harbor Blvd, Long Beach, CA', roles: ['carrier', 'importer-of-record'], registeredBy: 'Org2MSP', registeredAt: '2026-01-01T00:00:00.000Z', txId: 'tx-p2' },
  { mspId: 'Org3MSP', legalName: 'Xinjiang Huafo Textiles', country: 'CN', address: 'Aksu, Xinjiang', roles: ['ginner', 'spinner'], registeredBy: 'Org3MSP', registeredAt: '2026-01-01T00:00:00.000Z', txId: 'tx-p3' },
];

export const SYNTHETIC_FACILITIES: ReadonlyArray<FacilityRecord> = [
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

/** `perLink` events on each of the 12 links of a lot, documents as the policy asks. */
function eventsOf(l: LotRecord, perLink: number, startMs: number, options: { missingBillOfLading: boolean; recorder: (link: number) => string; gln: (link: number) => string | null }): EventRecord[] {
  const out: EventRecord[] = [];
  for (let link = 1; link <= 12; link++) {
    for (let i = 0; i < perLink; i++) {
      const eventMs = startMs + ((link - 1) * perLink + i) * 3_600_000;
      const document = i === 0;
      let types: EvidenceType[] = document ? [...requiredEvidence(CBP_UFLPA_2023, link)] : [];
      if (options.missingBillOfLading && link === 9) types = [];
      const eventId = `${l.lotId}-E${String(link).padStart(2, '0')}-${i}`;
      const kind = document ? 'document' : link === 7 || link === 10 ? 'gps' : 'rfid';
      // Documents reach the ledger 2 h after the event, sensor reads 2 min after (the link-11 arrival 30 min: late).
      const delayMs = document ? 2 * 3_600_000 : link === 11 ? 30 * 60_000 : 2 * 60_000;
      const eventTime = iso(eventMs);
      const gln = options.gln(link);
      out.push({
        eventId, lotId: l.lotId, link, kind, eventTime, eventTimeUtc: parseInstant(eventTime)?.utcKey ?? eventTime, deviceId: null,
        location: kind === 'gps' ? { lat: 30 + link * 0.01, lon: 110 + i * 0.0001, accuracyM: 10, gln: null } : gln ? { gln } : null,
        epcs: kind === 'rfid' ? l.epcs.slice(0, 1) : [], evidence: types.map((type) => ({ sha256: hex(`${eventId}:${type}`), uri: `s3://docs/${eventId}/${type}.pdf`, type })),
        correctionOf: null, reason: null, recordedBy: options.recorder(link), recordedByRole: 'supplier', recordedAt: iso(eventMs + delayMs),
        txId: hex(`tx:${eventId}`), contentHash: hex(eventId),
      });
      if (link === 11 && i === 0) {
        // The arrival read, an hour after the entry was filed but before the entry reached the ledger: late entry data.
        const arrivalId = `${l.lotId}-ARRIVAL`;
        const arrivalTime = iso(eventMs + 3_600_000);
        out.push({
          eventId: arrivalId, lotId: l.lotId, link, kind: 'rfid', eventTime: arrivalTime, eventTimeUtc: parseInstant(arrivalTime)?.utcKey ?? arrivalTime,
          deviceId: null, location: null, epcs: l.epcs.slice(0, 1), evidence: [], correctionOf: null, reason: null, recordedBy: options.recorder(link),
          recordedByRole: 'broker', recordedAt: iso(eventMs + 3_720_000), txId: hex(`tx:${arrivalId}`), contentHash: hex(arrivalId),
        });
      }
    }
  }
  return out;
}

/** A provenance answer as the gateway gives it (with block numbers). */
export function syntheticProvenance(options: SyntheticOptions = {}): ProvenanceAnswer {
  const lotId = options.lotId ?? 'LOT-DOSSIER-1';
  const perLink = options.eventsPerLink ?? 1;
  const depth = options.depth ?? 2;
  const fanOut = options.fanOut ?? 2;
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
      const id = `${lotId}-IN${level}-${counter}`;
      const raw = level === depth;
      const input = lot(id, {
        product: raw ? 'raw cotton' : 'cotton yarn', htsCode: raw ? '5201.00.1000' : '5205.11.1000', originCountry: raw ? 'US' : 'CN',
        quantity: 500, unit: 'KGM', ownerMsp: 'Org3MSP', importerMsp: null,
      });
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
        quantityConsumed: level === 1 ? 200 : 300, unit: 'KGM', totalConsumed: k === 0 && level === 1 ? 600 : level === 1 ? 200 : 300, completeness: own.completeness, detail: 'full',
        links: own.links, upstream: build(level + 1, id), truncated: false,
      });
    }
    return nodes;
  };
  const upstream = build(1, lotId);
  const handover = iso(Date.UTC(2026, 2, 1) + 6 * perLink * 3_600_000);
  const events = eventsOf(root, perLink, Date.UTC(2026, 2, 1), { missingBillOfLading: options.missingBillOfLading ?? true, recorder, gln: glnOf });
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
