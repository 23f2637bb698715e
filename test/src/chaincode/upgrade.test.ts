/**
 * Chaincode upgrade: a ledger written by the contract before custody, containment records and
 * organisation-scoped event ids (fixtures/legacy-ledger.json: its world state, exactly as that
 * contract wrote it, and what it answered) is loaded into a fresh channel through the ledger, each
 * key committed under the transaction id that wrote it; the current contract then reads it back.
 *
 * Every field the old answers had must read back the same (new fields may be added), except the
 * one behaviour the change removes on purpose: a lot registered under another organisation's lot
 * no longer reveals that lot's events to its registrant.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeyWrite } from '@acetrace/network';
import { expect } from './chai.test';
import { eventInput, lotInput, newWorld, rejects, type Provenance, type RecordedEvent, type Role, type World } from './helpers';

interface Fixture {
  namespace: string;
  state: Array<{ key: string; value: string }>;
  answers: Record<string, unknown>;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../src/chaincode/fixtures/legacy-ledger.json'), 'utf8')) as Fixture;

/** `actual` cut down to the shape of `old` (same keys, same array lengths), so new fields do not count. */
function projectOnto(actual: unknown, old: unknown): unknown {
  if (Array.isArray(old)) return Array.isArray(actual) ? actual.map((v, i) => projectOnto(v, old[i])) : actual;
  if (old !== null && typeof old === 'object') {
    if (actual === null || typeof actual !== 'object') return actual;
    const a = actual as Record<string, unknown>;
    return Object.fromEntries(Object.keys(old).map((k) => [k, projectOnto(a[k], (old as Record<string, unknown>)[k])]));
  }
  return actual;
}

/** Commits the fixture's state: one transaction per writing transaction of the old contract, with its id and time. */
function loadLegacyState(w: World): void {
  const groups = new Map<string, { time: string; writes: KeyWrite[] }>();
  for (const { key, value } of fixture.state) {
    const parsed = JSON.parse(value) as { txId?: string; registeredAt?: string; recordedAt?: string };
    const txId = parsed.txId ?? 'legacy-index-entries';
    const group = groups.get(txId) ?? { time: parsed.registeredAt ?? parsed.recordedAt ?? '2025-06-01T00:00:00.000Z', writes: [] };
    group.writes.push({ key, isDelete: false, value: Buffer.from(value, 'utf8') });
    groups.set(txId, group);
  }
  const codes = w.h.ledger.validateAndCommit({
    number: w.h.ledger.height,
    transactions: [...groups].map(([txId, g]) => {
      const ms = Date.parse(g.time);
      return {
        txId, timestampSeconds: Math.floor(ms / 1000), timestampNanos: (ms % 1000) * 1_000_000, creatorMspId: 'Org1MSP',
        rwset: [{ namespace: fixture.namespace, reads: [], rangeQueries: [], writes: g.writes, metadataWrites: [] }],
      };
    }),
  });
  expect(codes.every((c) => c === 0), String(codes)).to.equal(true);
}

describe('chaincode upgrade: data written before custody rules reads back (ledger harness)', function () {
  this.timeout(60_000);
  let w: World;
  before(async () => {
    w = await newWorld(new Date('2026-01-01T00:00:00Z'));
    loadLegacyState(w);
  });
  after(async () => {
    await w.h.close();
  });

  const evaluate = async (mspId: string, role: Role, fn: string, arg: unknown): Promise<unknown> =>
    w.h.evaluate(await w.id(mspId, role), fn, typeof arg === 'string' ? arg : JSON.stringify(arg));
  const submit = async (mspId: string, role: Role, fn: string, arg: unknown): Promise<unknown> =>
    w.h.submit(await w.id(mspId, role), fn, typeof arg === 'string' ? arg : JSON.stringify(arg));
  const same = (actual: unknown, key: string): void => {
    const old = fixture.answers[key];
    expect(old, key).to.not.equal(undefined);
    expect(projectOnto(actual, old), key).to.deep.equal(old);
  };

  for (const lotId of ['OLD-PLAIN', 'OLD-CONT', 'OLD-PAL', 'OLD-CASE', 'OLD-SPY']) {
    it(`answers the provenance and lot view of ${lotId} as before`, async () => {
      same(await evaluate('Org3MSP', 'auditor', 'GetProvenance', lotId), `provenance/${lotId}/auditor`);
      same(await evaluate('Org3MSP', 'viewer', 'ReadLot', lotId), `readLot/${lotId}`);
    });
  }

  it('keeps older packed lots’ parent windows (packedAt along the chain) and flags no custody anomaly on older events', async () => {
    const p = (await evaluate('Org3MSP', 'auditor', 'GetProvenance', 'OLD-CASE')) as Provenance & { containment: Array<{ parentLotId: string; from: string | null }> };
    expect(p.links.flatMap((l) => l.events.map((e) => `${e.eventId}@${e.viaLotId ?? 'own'}`))).to.deep.equal(['old-case-mfg@own', 'old-pal-after@OLD-PAL', 'old-cont-after@OLD-CONT']);
    expect(p.containment.map((c) => [c.parentLotId, c.from])).to.deep.equal([['OLD-PAL', '2025-07-04T00:00:00Z'], ['OLD-CONT', '2025-07-05T00:00:00Z']]);
    const plain = (await evaluate('Org3MSP', 'auditor', 'GetProvenance', 'OLD-PLAIN')) as Provenance;
    expect(plain.anomalies).to.deep.equal([]); // Org3's RFID read was recorded before custody existed
  });

  it('answers importer and owner reads, events, lists and history as before', async () => {
    same(await evaluate('Org2MSP', 'broker', 'GetProvenance', 'OLD-PLAIN'), 'provenance/OLD-PLAIN/Org2MSP-broker');
    same(await evaluate('Org2MSP', 'broker', 'GetProvenance', 'OLD-SPY'), 'provenance/OLD-SPY/Org2MSP-broker'); // importer of the parent
    same(await evaluate('Org3MSP', 'auditor', 'GetEvent', 'old-gps1'), 'event/old-gps1/auditor');
    same(await evaluate('Org3MSP', 'viewer', 'ListLots', { ownerMsp: 'Org1MSP' }), 'listLots/Org1MSP');
    same(await evaluate('Org3MSP', 'auditor', 'GetLotHistory', 'OLD-PLAIN'), 'history/OLD-PLAIN');
  });

  it('no longer shows a lot’s events to whoever registered a child under it without holding it', async () => {
    const old = fixture.answers['provenance/OLD-SPY3/Org3MSP-broker'] as Provenance;
    expect(old.links.flatMap((l) => l.events.map((e) => e.eventId))).to.deep.equal(['old-secret-po']); // what the attack got
    const now = (await evaluate('Org3MSP', 'broker', 'GetProvenance', 'OLD-SPY3')) as Provenance & { containment: Array<{ detail: string }> };
    expect(now.detail).to.equal('full'); // its own lot
    expect(now.links.flatMap((l) => l.events)).to.deep.equal([]);
    expect(now.containment.map((c) => c.detail)).to.deep.equal(['summary']);
    expect(now.completeness.covered).to.equal(1); // coverage, as any viewer of the parent sees it
    const auditor = (await evaluate('Org3MSP', 'auditor', 'GetProvenance', 'OLD-SPY3')) as Provenance;
    expect(auditor.links.flatMap((l) => l.events.map((e) => e.eventId))).to.deep.equal(['old-secret-po']);
  });

  it('answers repeats of older lots and events as before, and scopes older ids by their recorder', async () => {
    const plain = (fixture.answers['readLot/OLD-PLAIN'] as { lot: Record<string, unknown> }).lot;
    const again = (await submit('Org1MSP', 'supplier', 'RegisterLot', lotInput('OLD-PLAIN', {
      product: plain.product, htsCode: plain.htsCode, originCountry: plain.originCountry, quantity: plain.quantity, unit: plain.unit,
      epcs: plain.epcs, importerMsp: plain.importerMsp,
    }))) as { created: boolean; lot: { txId: string } };
    expect(again.created).to.equal(false);
    expect(again.lot.txId).to.equal(plain.txId);
    const oldGps = fixture.answers['event/old-gps1/auditor'] as Record<string, unknown> & { txId: string };
    const input = {
      eventId: 'old-gps1', lotId: 'OLD-PLAIN', link: 7, kind: 'gps', eventTime: oldGps.eventTime, evidence: oldGps.evidence, location: oldGps.location,
    };
    const [dup] = (await submit('Org2MSP', 'logistics', 'RecordEvents', [input])) as RecordedEvent[];
    expect(dup).to.include({ status: 'duplicate' });
    expect(dup?.event.txId).to.equal(oldGps.txId);
    await rejects(submit('Org2MSP', 'logistics', 'RecordEvents', [{ ...input, eventTime: '2025-07-07T09:00:00+08:00' }]), 'CONFLICT', new RegExp(`tx ${oldGps.txId}`));
    // Org1 may use the id Org2 used before: its own id space, nothing of Org2's revealed
    const [own] = (await submit('Org1MSP', 'supplier', 'RecordEvents', [eventInput('OLD-PLAIN', 2, { eventId: 'old-gps1', kind: 'document' })])) as RecordedEvent[];
    expect(own?.status).to.equal('recorded');
    expect(own?.event.txId).to.not.equal(oldGps.txId);
    expect(await evaluate('Org2MSP', 'logistics', 'GetEvent', 'old-gps1')).to.include({ txId: oldGps.txId });
    // the old compliance correction rule still works on older events
    const fix = (await submit('Org2MSP', 'compliance', 'RecordCorrection', { ...input, eventId: 'old-gps1-fix', correctionOf: 'old-gps1', reason: 'wrong fix' })) as RecordedEvent;
    expect(fix.status).to.equal('recorded');
  });

  it('applies the write scope to older lots from now on', async () => {
    // Org3 read OLD-PLAIN before the upgrade without holding it; it may not post on it any more
    await rejects(submit('Org3MSP', 'logistics', 'RecordEvents', [eventInput('OLD-PLAIN', 9, { eventId: 'late-org3' })]), 'ACCESS_DENIED', /write scope/);
    await submit('Org2MSP', 'broker', 'RecordEvents', [eventInput('OLD-PLAIN', 11, { eventId: 'new-entry', kind: 'document' })]); // importer
  });
});
