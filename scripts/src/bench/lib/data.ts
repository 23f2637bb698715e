/** Deterministic lots and events for the benchmark. */
import { createHash } from 'node:crypto';
import { POSTING_LINKS } from '@acetrace/chaincode';

export const PRODUCTS = ['Frozen shrimp', 'Smart plug, 16A', 'Cotton T-shirt', 'Lithium cell 18650'];

export function epc(lotNo: number, serial: number): string {
  return `urn:epc:id:sgtin:0614141.${String(lotNo % 1_000_000).padStart(6, '0')}.${String(serial)}`;
}

export function lotInput(lotId: string, lotNo: number, epcCount: number): Record<string, unknown> {
  return {
    lotId,
    product: PRODUCTS[lotNo % PRODUCTS.length],
    htsCode: '8536.50.9065',
    originCountry: 'CN',
    quantity: 1200,
    unit: 'EA',
    epcs: Array.from({ length: epcCount }, (_, i) => epc(lotNo, i + 1)),
    parentLotId: null,
  };
}

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

const BASE = Date.parse('2026-10-01T00:00:00Z');
const DOCS = ['po', 'invoice', 'packing-list', 'certificate-of-origin', 'lab-report'];

/** The first role the chaincode's permission table lets post a link (logistics before broker on link 8). */
export function roleForLink(link: number): 'supplier' | 'logistics' | 'broker' {
  return (['supplier', 'logistics', 'broker'] as const).find((role) => POSTING_LINKS[role].includes(link)) ?? 'logistics';
}

/**
 * Event `i` of `total` on a lot: spread over the 12 links in order (times rise with the link, so
 * no out-of-order anomaly), or over links 1-5 when `supplierOnly`.
 */
export function event(
  prefix: string,
  lotId: string,
  lotNo: number,
  i: number,
  total: number,
  opts: { supplierOnly?: boolean; deviceId?: string } = {},
): Record<string, unknown> {
  const links = opts.supplierOnly === true ? 5 : 12;
  const link = Math.min(links, 1 + Math.floor((i * links) / Math.max(1, total)));
  const eventTime = new Date(BASE + link * 86_400_000 + i * 1000).toISOString().replace('Z', '+00:00');
  const eventId = `${prefix}-${String(i)}`;
  const role = roleForLink(link);
  const common = { eventId, lotId, link, eventTime, ...(opts.deviceId !== undefined ? { deviceId: opts.deviceId } : {}) };
  if (role === 'logistics') {
    return i % 2 === 0
      ? { ...common, kind: 'gps', location: { lat: 22.543, lon: 114.057, accuracyM: 10 } }
      : { ...common, kind: 'rfid', epcs: [epc(lotNo, 1 + (i % 3))], location: { lat: 22.543, lon: 114.057, accuracyM: 10 } };
  }
  return {
    ...common,
    kind: 'document',
    evidence: [{ sha256: sha(eventId), uri: `s3://acetrace-bench/${eventId}.pdf`, type: DOCS[i % DOCS.length] }],
  };
}
