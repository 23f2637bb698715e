/**
 * Shared setup for the chaincode contract tests: a LedgerHarness running the real contract,
 * identities per organisation and role, input builders and rejection assertions.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'critical';

import { ROLES, type Role } from '@acetrace/chaincode/domain';
import { LedgerHarness, type HarnessIdentity } from '@acetrace/network';
import { expect } from './chai.test';

export { ROLES, type Role };
export const SHA = 'ab'.repeat(32);

export interface World {
  h: LedgerHarness;
  id(mspId: string, role: Role): Promise<HarnessIdentity>;
}

/** A fresh in-memory channel; identities are cached per MSP and role. */
export async function newWorld(startTime = new Date('2026-01-01T00:00:00Z')): Promise<World> {
  const h = await LedgerHarness.create({ startTime });
  const cache = new Map<string, Promise<HarnessIdentity>>();
  return {
    h,
    id(mspId, role) {
      const key = `${mspId}/${role}`;
      let found = cache.get(key);
      if (!found) {
        found = h.identity({ mspId, role });
        cache.set(key, found);
      }
      return found;
    },
  };
}

/** Contract calls as a principal of the suite's world; non-string arguments go as JSON. */
export interface ContractCalls<P> {
  /** The suite's world (throws before its before() hook ran). */
  world: () => World;
  submit: (mspId: string, role: Role, fn: string, ...args: unknown[]) => Promise<unknown>;
  evaluate: (mspId: string, role: Role, fn: string, ...args: unknown[]) => Promise<unknown>;
  register: (lotId: string, over?: Record<string, unknown>, mspId?: string, role?: Role) => Promise<{ lot: Record<string, unknown>; created: boolean }>;
  /** RecordEvents, by default as `recordAs` of Org1MSP. */
  record: (events: unknown[], mspId?: string, role?: Role) => Promise<RecordedEvent[]>;
  /** GetProvenance, by default as the auditor of `provenanceMsp`. */
  provenance: (lotId: string, mspId?: string, role?: Role) => Promise<P>;
}

/** Registers a suite's hooks (call inside `describe`): a fresh world before, closed after; returns the calls into it. */
export function worldSuite<P = Provenance>(options: { startTime?: Date; recordAs: Role; provenanceMsp: string }): ContractCalls<P> {
  let w: World | undefined;
  before(async () => {
    w = await newWorld(options.startTime);
  });
  after(async () => {
    await w?.h.close();
  });
  const world = (): World => {
    if (!w) throw new Error('no world: the suite\'s before() hook did not run');
    return w;
  };
  const wire = (args: unknown[]): string[] => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
  const submit = async (mspId: string, role: Role, fn: string, ...args: unknown[]): Promise<unknown> =>
    world().h.submit(await world().id(mspId, role), fn, ...wire(args));
  const evaluate = async (mspId: string, role: Role, fn: string, ...args: unknown[]): Promise<unknown> =>
    world().h.evaluate(await world().id(mspId, role), fn, ...wire(args));
  return {
    world, submit, evaluate,
    register: (lotId, over = {}, mspId = 'Org1MSP', role = 'supplier') =>
      submit(mspId, role, 'RegisterLot', lotInput(lotId, over)) as Promise<{ lot: Record<string, unknown>; created: boolean }>,
    record: (events, mspId = 'Org1MSP', role = options.recordAs) => submit(mspId, role, 'RecordEvents', events) as Promise<RecordedEvent[]>,
    provenance: (lotId, mspId = options.provenanceMsp, role = 'auditor') => evaluate(mspId, role, 'GetProvenance', lotId) as Promise<P>,
  };
}

export function lotInput(lotId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    lotId, product: 'Smart plug, 16A', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1200, unit: 'EA',
    epcs: [], parentLotId: null, ...over,
  };
}

let seq = 0;
/** An event valid for any role that may post the link (handover, which logistics may post). */
export function eventInput(lotId: string, link: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  seq += 1;
  return {
    eventId: `E-${lotId}-${String(link)}-${String(seq)}`, lotId, link, kind: 'handover',
    eventTime: `2026-02-${String(link).padStart(2, '0')}T08:00:00+08:00`, evidence: [{ sha256: SHA, type: 'other' }], ...over,
  };
}

/** Awaits a rejection and checks its stable code and (optionally) its sentence. */
export async function rejects(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<string> {
  let message: string | undefined;
  try {
    await promise;
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message, `expected ${code}`).to.be.a('string');
  expect(message).to.match(new RegExp(`^${code}: `));
  if (pattern) expect(message).to.match(pattern);
  return message as string;
}

export interface RecordedEvent { eventId: string; status: string; event: Record<string, unknown> & { txId: string; contentHash: string } }
export interface ProvenanceEvent { eventId: string; eventTime: string; eventTimeUtc: string; recordedBy: string; viaLotId: string | null; correctedBy: string | null; correctionOf: string | null; txId: string; link: number }
export interface Provenance {
  lot: { lotId: string; ownerMsp: string; importerMsp: string | null; parentChain: string[] };
  completeness: { covered: number; required: number; missing: string[] };
  links: Array<{ link: number; name: string; covered: boolean; events: ProvenanceEvent[]; organisations: string[] }>;
  anomalies: Array<{ type: string; eventIds: string[]; detail: string }>;
  detail: 'full' | 'summary';
}
