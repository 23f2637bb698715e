/**
 * Test data for the scenarios and the gateway suites. Ids and EPCs are unique per run, not only
 * per process: a real Fabric ledger keeps what earlier runs wrote.
 */
import { randomBytes } from 'node:crypto';

/** Differs between runs (and between processes of one run). */
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

let counter = 0;
/** A unique id with a readable prefix. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${RUN}-${String(process.pid)}-${String(counter)}`;
}

// A numeric SGTIN serial (at most 20 characters): milliseconds since 1970 × 1000 + a random
// offset, then counting up, so runs do not reuse each other's EPCs.
let serial = Date.now() * 1000 + Math.floor(Math.random() * 1000);
/** A fresh EPC (an SGTIN serial not used before in this run or an earlier one). */
export function freshEpc(): string {
  serial += 1;
  return `urn:epc:id:sgtin:0614141.112345.${String(serial)}`;
}

/** A lot input with sensible defaults and fresh EPCs. */
export function lotInput(lotId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    lotId,
    product: 'Smart plug, 16A',
    htsCode: '8536.50.9065',
    originCountry: 'CN',
    quantity: 1200,
    unit: 'EA',
    epcs: [freshEpc(), freshEpc()],
    parentLotId: null,
    ...over,
  };
}

export const SHA = (n: number): string => n.toString(16).padStart(64, 'a');

/** `first12` completed with its GS1 check digit (weights 3,1,3,… from the right). */
export function withCheckDigit(first12: string): string {
  const sum = Array.from(first12).reverse().reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return `${first12}${String((10 - (sum % 10)) % 10)}`;
}

/** A fresh GLN (13 digits, valid check digit) under a fictitious company prefix, unique per run. */
export function freshGln(): string {
  serial += 1;
  return withCheckDigit(`69${String(serial % 1e10).padStart(10, '0')}`);
}
