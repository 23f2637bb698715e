import { createHash, randomBytes } from 'node:crypto';
import { expect } from './chai.test';
import { TraceabilityContext } from './context';
import { identity } from './context.test';
import { canonicalJson } from './keys';
import { TRANSIENT_PRIVATE_KEY } from './limits';
import { MemoryLedger } from './memory-stub.test';
import { implicitCollection, privateHash } from './private-data';
import { TraceabilityContract } from './traceability-contract';
import { rejection } from './traceability-contract.test';
import type { PrivateDataView, Provenance, PrivateValue, RecordedEvent } from './types';
import { validatePrivateValue } from './validation';

type AroundFn = Parameters<TraceabilityContract['aroundTransaction']>[1];

const MARK = `MARK-${randomBytes(6).toString('hex')}`;
const salt = (): string => randomBytes(32).toString('hex');

interface Call {
  peer?: string;
  msp: string;
  role: string;
  transient?: Record<string, unknown>;
}

/** Runs a transaction by name on a peer of `peer` (default: the caller's organisation). */
async function run(ledger: MemoryLedger, call: Call, fn: string, ...args: string[]): Promise<unknown> {
  const ctx = new TraceabilityContext();
  const transient: Record<string, string> = call.transient ? { [TRANSIENT_PRIVATE_KEY]: JSON.stringify(call.transient) } : {};
  ctx.stub = ledger.stubOn(call.peer ?? call.msp, transient);
  ctx.clientIdentity = identity(call.msp, call.role);
  // eslint-disable-next-line @typescript-eslint/no-confusing-void-expression -- typed void, but fabric-shim sends back what it resolves to
  const answer: unknown = await (new TraceabilityContract().aroundTransaction(ctx, fn as unknown as AroundFn, args));
  return JSON.parse(answer as string) as unknown;
}

const LOT = {
  lotId: 'PL1', product: 'plug', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 10, unit: 'EA', epcs: [], parentLotId: null,
};
const lotValue: PrivateValue = { consignee: { name: `${MARK} name`, address: `${MARK} street` }, unitPrice: 12.5, currency: 'USD', contractRef: `${MARK}-C` };
const eventValue: PrivateValue = { invoiceValue: 1250, currency: 'USD', evidenceUris: [`s3://${MARK}/inv.pdf`] };
const EVENT = {
  eventId: 'PE1', lotId: 'PL1', link: 1, kind: 'document', eventTime: '2026-05-01T00:00:00+00:00',
  evidence: [{ sha256: 'a'.repeat(64), type: 'invoice' }],
};
const supplier = { msp: 'Org1MSP', role: 'supplier' };

/** A ledger with the lot and one event, both with private parts; the envelopes the test keeps. */
async function seeded(): Promise<{ ledger: MemoryLedger; lotSalt: string; eventSalt: string }> {
  const ledger = new MemoryLedger();
  const lotSalt = salt();
  const eventSalt = salt();
  await run(ledger, { ...supplier, transient: { lot: { value: lotValue, salt: lotSalt } } }, 'RegisterLot', JSON.stringify(LOT));
  await run(ledger, { ...supplier, transient: { events: { PE1: { value: eventValue, salt: eventSalt } } } }, 'RecordEvents', JSON.stringify([EVENT]));
  return { ledger, lotSalt, eventSalt };
}

describe('private data (in-memory shim)', () => {
  it('hashes SHA-256 over the salt bytes then the canonical JSON', () => {
    const s = salt();
    const expected = createHash('sha256').update(Buffer.concat([Buffer.from(s, 'hex'), Buffer.from(canonicalJson(lotValue), 'utf8')])).digest('hex');
    expect(privateHash(lotValue, s)).to.equal(expected);
    expect(privateHash({ ...lotValue }, salt())).not.to.equal(expected);
  });

  it('keeps only the salted hash on the shared ledger and the value in the recorder\'s implicit collection', async () => {
    const { ledger, lotSalt, eventSalt } = await seeded();
    expect(ledger.sharedText()).not.to.include(MARK);
    const lot = (await run(ledger, { msp: 'Org3MSP', role: 'auditor' }, 'ReadLot', 'PL1')) as { lot: { private: unknown } };
    expect(lot.lot.private).to.deep.equal({ hash: privateHash(lotValue, lotSalt), collection: '_implicit_org_Org1MSP' });
    const store = ledger.privateStores.get(implicitCollection('Org1MSP'));
    expect([...(store?.values() ?? [])].map((v) => Buffer.from(v).toString('utf8')).join()).to.include(MARK);
    const event = (await run(ledger, { msp: 'Org3MSP', role: 'auditor' }, 'GetEvent', 'PE1')) as { private: unknown; evidence: Array<{ uri: unknown }> };
    expect(event.private).to.deep.equal({ hash: privateHash(eventValue, eventSalt), collection: '_implicit_org_Org1MSP' });
    expect(event.evidence[0]?.uri).to.equal(null);
  });

  it('refuses private fields in the arguments, naming the path', async () => {
    const ledger = new MemoryLedger();
    const err = await rejection(run(ledger, supplier, 'RegisterLot', JSON.stringify({ ...LOT, private: lotValue })));
    expect(err.message).to.match(/^INVALID_ARGUMENT: private: goes in the transient map \(acetrace\.private\)/);
    const err2 = await rejection(run(ledger, supplier, 'RecordEvents', JSON.stringify([{ ...EVENT, private: eventValue }])));
    expect(err2.message).to.match(/^INVALID_ARGUMENT: events\[0\]\.private: goes in the transient map/);
  });

  it('refuses a bad envelope, one naming no event, and a value with unknown or invalid fields', async () => {
    const { ledger } = await seeded();
    const e2 = { ...EVENT, eventId: 'PE2' };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ events: { NOPE: { value: eventValue, salt: salt() } } }, /private\.events\.NOPE: names no event of this transaction/],
      [{ events: { PE2: { value: eventValue, salt: 'short' } } }, /private\.events\.PE2\.salt: must be 32 random bytes/],
      [{ events: { PE2: { value: { currency: 'usd' }, salt: salt() } } }, /private\.events\.PE2\.value\.currency: must be an ISO 4217 code/],
      [{ events: { PE2: { value: { price: 1 }, salt: salt() } } }, /private\.events\.PE2\.value\.price: is not a private field/],
      [{ events: { PE2: { value: { evidenceUris: ['a', 'b'] }, salt: salt() } } }, /value\.evidenceUris: must be an array of at most 1/],
      [{ events: { PE2: { value: {}, salt: salt() } } }, /value: carries no private field/],
      [{ lot: { value: lotValue, salt: salt() } }, /private\.lot: events take only private\.events/],
    ];
    for (const [transient, message] of cases) {
      const err = await rejection(run(ledger, { ...supplier, transient }, 'RecordEvents', JSON.stringify([e2])));
      expect(err.message, JSON.stringify(transient)).to.match(/^INVALID_ARGUMENT: /).and.to.match(message);
    }
  });

  it('shows viewers and other organisations only that private data exists', async () => {
    const { ledger, lotSalt, eventSalt } = await seeded();
    const viewer = (await run(ledger, { msp: 'Org2MSP', role: 'viewer' }, 'GetProvenance', 'PL1')) as Provenance;
    expect(viewer.lot.private).to.deep.equal({ present: true, hash: privateHash(lotValue, lotSalt), collection: '_implicit_org_Org1MSP', purgedAt: null });
    const auditor = (await run(ledger, { msp: 'Org3MSP', role: 'auditor' }, 'GetProvenance', 'PL1')) as Provenance;
    const shown = auditor.links[0]?.events[0];
    expect(shown?.private).to.deep.equal({ present: true, hash: privateHash(eventValue, eventSalt), collection: '_implicit_org_Org1MSP', purgedAt: null });
    expect(JSON.stringify(auditor)).not.to.include(MARK);
    for (const who of [{ msp: 'Org2MSP', role: 'viewer' }, { msp: 'Org2MSP', role: 'logistics' }, { msp: 'Org1MSP', role: 'viewer' }]) {
      const err = await rejection(run(ledger, { ...who, peer: 'Org1MSP' }, 'GetPrivateData', 'PL1', 'Org1MSP'));
      expect(err.message, who.role).to.match(/^ACCESS_DENIED: role \w+ of Org[12]MSP may not read private data of lot PL1/);
    }
  });

  it('answers entitled readers in clear on the recording organisation\'s peer only', async () => {
    const { ledger, lotSalt, eventSalt } = await seeded();
    for (const who of [{ msp: 'Org3MSP', role: 'auditor' }, { msp: 'Org1MSP', role: 'compliance' }, { msp: 'Org1MSP', role: 'supplier' }]) {
      const view = (await run(ledger, { ...who, peer: 'Org1MSP' }, 'GetPrivateData', 'PL1', 'Org1MSP')) as PrivateDataView;
      expect(view.records.map((r) => [r.scope, r.eventId, r.state, r.salt]), who.role).to.deep.equal([
        ['lot', null, 'present', lotSalt], ['event', 'PE1', 'present', eventSalt],
      ]);
      expect(view.records[0]?.value).to.deep.equal(lotValue);
      expect(view.records[1]?.value).to.deep.equal(eventValue);
    }
    // A peer outside the collection has only hashes: the read fails there, which is why the gateway targets the recorder's peer.
    const err = await rejection(run(ledger, { msp: 'Org3MSP', role: 'auditor' }, 'GetPrivateData', 'PL1', 'Org1MSP'));
    expect(err.message).to.match(/^INTERNAL: private data of _implicit_org_Org1MSP is not available on a peer of Org3MSP/);
  });

  it('purges on the owner\'s compliance request: hash and events stay, the provenance says when', async () => {
    const { ledger, lotSalt, eventSalt } = await seeded();
    const denied = await rejection(run(ledger, supplier, 'PurgePrivateData', 'PL1'));
    expect(denied.message).to.equal('ACCESS_DENIED: role supplier of Org1MSP may not purge private data of lot PL1; needs compliance of Org1MSP');
    const other = await rejection(run(ledger, { msp: 'Org2MSP', role: 'compliance' }, 'PurgePrivateData', 'PL1'));
    expect(other.message).to.match(/^ACCESS_DENIED: role compliance of Org2MSP may not purge/);

    const purge = (await run(ledger, { msp: 'Org1MSP', role: 'compliance' }, 'PurgePrivateData', 'PL1')) as { records: number; purgedAt: string; alreadyPurged: boolean };
    expect(purge).to.include({ records: 2, alreadyPurged: false });
    expect(ledger.privateStores.get('_implicit_org_Org1MSP')?.size).to.equal(0);
    expect(ledger.events.at(-1)?.name).to.equal('PrivateDataPurged');

    const view = (await run(ledger, { msp: 'Org3MSP', role: 'auditor', peer: 'Org1MSP' }, 'GetPrivateData', 'PL1', 'Org1MSP')) as PrivateDataView;
    expect(view.records.map((r) => [r.state, r.value, r.purgedAt])).to.deep.equal([['purged', null, purge.purgedAt], ['purged', null, purge.purgedAt]]);
    const prov = (await run(ledger, { msp: 'Org3MSP', role: 'auditor' }, 'GetProvenance', 'PL1')) as Provenance;
    expect(prov.lot.private?.purgedAt).to.equal(purge.purgedAt);
    const event = prov.links[0]?.events[0];
    expect(event?.eventId).to.equal('PE1');
    // The values the owner kept offline still verify against the hashes on the shared ledger.
    expect(prov.lot.private?.hash).to.equal(privateHash(lotValue, lotSalt));
    expect(event?.private?.hash).to.equal(privateHash(eventValue, eventSalt));

    const again = (await run(ledger, { msp: 'Org1MSP', role: 'compliance' }, 'PurgePrivateData', 'PL1')) as { alreadyPurged: boolean; purgedAt: string };
    expect(again).to.include({ alreadyPurged: true, purgedAt: purge.purgedAt });
    expect(ledger.sharedText()).not.to.include(MARK);
  });

  it('answers a purge of a lot without private data with nothing purged, writing nothing', async () => {
    const ledger = new MemoryLedger();
    await run(ledger, supplier, 'RegisterLot', JSON.stringify(LOT));
    const before = ledger.state.size;
    const out = (await run(ledger, { msp: 'Org1MSP', role: 'compliance' }, 'PurgePrivateData', 'PL1')) as { records: number; purgedAt: unknown };
    expect(out).to.include({ records: 0, purgedAt: null });
    expect(ledger.state.size).to.equal(before);
    expect(ledger.events.map((e) => e.name)).to.deep.equal(['LotRegistered']);
  });

  it('a repeated event writes nothing private again', async () => {
    const { ledger } = await seeded();
    const before = ledger.privateStores.get('_implicit_org_Org1MSP')?.get([...(ledger.privateStores.get('_implicit_org_Org1MSP')?.keys() ?? [])][1] ?? '');
    const out = (await run(ledger, { ...supplier, transient: { events: { PE1: { value: { invoiceValue: 1 }, salt: salt() } } } }, 'RecordEvents', JSON.stringify([EVENT]))) as RecordedEvent[];
    expect(out[0]?.status).to.equal('duplicate');
    const after = ledger.privateStores.get('_implicit_org_Org1MSP')?.get([...(ledger.privateStores.get('_implicit_org_Org1MSP')?.keys() ?? [])][1] ?? '');
    expect(after).to.equal(before);
  });

  it('normalises a private value: absent fields left out, empty consignee dropped', () => {
    expect(validatePrivateValue({ consignee: { name: null }, unitPrice: 0, currency: null, contractRef: 'K' }, 'private')).to.deep.equal({ unitPrice: 0, contractRef: 'K' });
    expect(() => validatePrivateValue({ unitPrice: -1, consignee: { phone: 'x' } }, 'private')).to.throw(
      'INVALID_ARGUMENT: private.consignee.phone: is not a consignee field; use name, address; private.unitPrice: must be a number >= 0 and at most 10000000000000',
    );
    expect(() => validatePrivateValue({ evidenceUris: ['x'] }, 'private')).to.throw(/private\.evidenceUris: is not a private field/);
  });
});
