/** Record builders shared by the unit tests (no tests here). */
import { parseInstant } from './time';
import type { EventRecord, LotRecord } from './types';

export function lotRecord(over: Partial<LotRecord> = {}): LotRecord {
  return {
    lotId: 'L1', product: 'plug', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1, unit: 'EA',
    epcs: ['urn:epc:id:sgtin:0614141.812345.6789'], parentLotId: null, importerMsp: null, packedAt: null,
    ownerMsp: 'Org1MSP', registeredAt: '2026-01-01T00:00:00.000Z', txId: 'tx-lot', contentHash: 'h', ...over,
  };
}

export function eventRecord(over: Partial<EventRecord> & { eventId: string; eventTime: string }): EventRecord {
  return {
    lotId: 'L1', link: 1, kind: 'document', deviceId: null, location: null, epcs: [], evidence: [],
    correctionOf: null, reason: null, recordedBy: 'Org1MSP', recordedByRole: 'supplier',
    recordedAt: '2026-06-01T00:00:00.000Z', txId: `tx-${over.eventId}`, contentHash: 'h', ...over,
    eventTimeUtc: parseInstant(over.eventTime)?.utcKey ?? 'bad',
  };
}
