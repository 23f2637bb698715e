/**
 * Private data end to end (issue 18, domain.md "Private data"): real HTTP → gateway → fabric-gateway gRPC →
 * the network running the real chaincode. A lot and an event carry a unique marker in every private string
 * field (and the evidence URI); then:
 * - an entitled reader (auditor of another organisation, the owner's compliance) sees the fields;
 * - a viewer and another organisation's broker and logistics see only that private data exists;
 * - after the owner's compliance purges, nobody sees them, and each hash still verifies (SHA-256 over the salt
 *   then the canonical JSON, computed here independently) against the value the test kept;
 * - the marker is in no file under the data folder (ledger, blocks, private store, outbox, logs), in no
 *   chaincode event and in no block delivered to another organisation.
 * Needs the network's private data (transient map, implicit collections, purge) and the gateway's outbox
 * encryption at rest.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PrivateValue } from '@acetrace/chaincode';
import { expect } from '../scenarios/chai.test';
import { lotInput } from '../scenarios/helpers';
import { type Stack, postEvents, startTarget } from '../scenarios/target';
import { connectAs } from '../network/helpers';

const MARK = `PVTMARK${randomBytes(8).toString('hex')}`;
const LOT = `LOT-PVT-${randomBytes(3).toString('hex')}`;
const EVENT = `EVT-PVT-${randomBytes(3).toString('hex')}`;

const lotPrivate = {
  consignee: { name: `${MARK} Jane Consumer`, address: `${MARK} 1 Elm St, Springfield` },
  unitPrice: 12.5, currency: 'USD', invoiceValue: 15000, contractRef: `${MARK}-contract-lot`,
};
const eventPrivate = {
  consignee: { name: `${MARK} Receiver`, address: `${MARK} Dock 4` }, invoiceValue: 15000, currency: 'USD', contractRef: `${MARK}-contract-event`,
};
const EVIDENCE_URI = `s3://${MARK}/invoice-7.pdf`;

interface PrivateShown { present: true; hash: string; collection: string; purgedAt: string | null; state?: string; value?: PrivateValue | null; salt?: string | null }
interface ProvEvent { eventId: string; evidence: Array<{ uri?: string | null }>; private?: PrivateShown }
interface Prov { detail: string; lot: { private?: PrivateShown }; links: Array<{ events: ProvEvent[] }> }

/** JSON with recursively sorted keys and no whitespace (written here, not imported: an independent check). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const saltedHash = (salt: string, value: unknown): string =>
  createHash('sha256').update(Buffer.from(salt, 'hex')).update(canonical(value), 'utf8').digest('hex');

/** The value, or a failed expectation naming what was missing. */
function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}

type Network = ReturnType<ReturnType<typeof connectAs>['gateway']['getNetwork']>;

/** Every block up to `last` as delivered to this organisation: none holds the marker. */
async function scanBlocks(network: Network, last: number): Promise<void> {
  const blocks = await network.getBlockEvents({ startBlock: 0n });
  try {
    for await (const block of blocks) {
      const n = must(block.getHeader(), 'a block header').getNumber();
      expect(Buffer.from(block.serializeBinary()).includes(Buffer.from(MARK)), `block ${String(n)}`).to.equal(false);
      if (n >= last) break;
    }
  } finally {
    blocks.close();
  }
}

/** Every chaincode event up to block `last` as delivered to this organisation: none holds the marker. */
async function scanChaincodeEvents(network: Network, last: number): Promise<void> {
  const events = await network.getChaincodeEvents('acetrace', { startBlock: 0n });
  try {
    for await (const ev of events) {
      expect(Buffer.from(ev.payload).includes(Buffer.from(MARK)), `${ev.eventName} in block ${String(ev.blockNumber)}`).to.equal(false);
      if (ev.blockNumber >= BigInt(last)) break;
    }
  } finally {
    events.close();
  }
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

describe('private data: consumer and commercial details off the shared ledger', function () {
  this.timeout(180_000);
  let s: Stack;
  let kept: { lot?: PrivateShown; event?: PrivateShown };
  let purgeBlock = 0;

  const provenance = async (role: string, mspId?: string): Promise<{ status: number; body: Prov; text: string }> => {
    const res = await s.http().get(`/v1/lots/${LOT}/provenance`).set('X-API-Key', s.key(role, mspId));
    return { status: res.status, body: res.body as Prov, text: res.text };
  };
  const eventOf = (p: Prov): ProvEvent | undefined => p.links.flatMap((l) => l.events).find((e) => e.eventId === EVENT);

  before(async () => {
    s = await startTarget();
    const reg = await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(LOT, { private: lotPrivate }));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    expect(reg.text).not.to.include(MARK);
    const posted = await postEvents(s, s.key('supplier'), {
      eventId: EVENT, lotId: LOT, link: 1, kind: 'document', eventTime: '2026-10-01T08:00:00Z',
      evidence: [{ sha256: 'c'.repeat(64), type: 'invoice', uri: EVIDENCE_URI }], private: eventPrivate,
    });
    expect(posted.status, JSON.stringify(posted.body)).to.equal(201);
  });

  after(async () => {
    await s.stop();
  });

  it('keeps only a salted hash on the shared record (any reader of the lot)', async () => {
    const res = await s.http().get(`/v1/lots/${LOT}`).set('X-API-Key', s.key('viewer', s.orgs.logistics));
    expect(res.status).to.equal(200);
    expect(res.text).not.to.include(MARK);
    const shared = (res.body as { lot: { private?: { hash: string; collection: string } } }).lot.private;
    expect(shared?.collection).to.equal(`_implicit_org_${s.orgs.supplier}`);
    expect(shared?.hash).to.match(/^[0-9a-f]{64}$/);
  });

  /** An entitled reader's answer: the fields in clear, evidence URI back, hashes that verify; kept for after the purge. */
  const checkEntitled = async (role: string, msp: string): Promise<void> => {
    const { status, body } = await provenance(role, msp);
    expect(status, role).to.equal(200);
    const lot = must(body.lot.private, 'the lot\'s private data');
    const ev = must(eventOf(body), 'the event');
    const evPrivate = must(ev.private, 'the event\'s private data');
    expect(lot).to.include({ present: true, state: 'present', purgedAt: null });
    expect(lot.value, role).to.deep.equal(lotPrivate);
    expect(evPrivate.value, role).to.deep.equal({ ...eventPrivate, evidenceUris: [EVIDENCE_URI] });
    expect(must(ev.evidence[0], 'evidence').uri, role).to.equal(EVIDENCE_URI);
    // the hash on the shared ledger is SHA-256(salt ‖ canonical JSON) of exactly these values
    expect(saltedHash(must(lot.salt, 'salt'), lot.value)).to.equal(lot.hash);
    expect(saltedHash(must(evPrivate.salt, 'salt'), evPrivate.value)).to.equal(evPrivate.hash);
    kept = { lot, event: evPrivate };
  };

  it('shows the fields to entitled readers: an auditor of another organisation and the owner\'s compliance', async () => {
    await checkEntitled('auditor', s.orgs.broker);
    await checkEntitled('compliance', s.orgs.supplier);
  });

  it('shows a viewer and another organisation only that private data exists', async () => {
    for (const [role, msp] of [['viewer', s.orgs.supplier], ['broker', s.orgs.logistics], ['logistics', s.orgs.logistics], ['viewer', s.orgs.broker]] as const) {
      const { status, body, text } = await provenance(role, msp);
      if (status === 403) continue; // a role that may not read provenance at all sees nothing either
      expect(status, `${role}@${msp}`).to.equal(200);
      expect(text, `${role}@${msp}`).not.to.include(MARK);
      expect(body.lot.private, `${role}@${msp}`).to.include({ present: true, hash: kept.lot?.hash });
      expect(body.lot.private).not.to.have.property('value');
    }
  });

  /** After the purge: the same hashes, the purge time, no cleartext, the event still there. */
  const checkPurged = async (role: string, msp: string, purgedAt: string): Promise<void> => {
    const { body, text } = await provenance(role, msp);
    expect(text, role).not.to.include(MARK);
    expect(body.lot.private).to.include({ present: true, state: 'purged', purgedAt, hash: must(kept.lot, 'kept lot').hash });
    const ev = must(eventOf(body), 'the event (it stays)');
    expect(ev.private).to.include({ state: 'purged', purgedAt, hash: must(kept.event, 'kept event').hash });
  };

  it('lets only the owner\'s compliance purge; then nobody sees the fields and the hashes still verify', async () => {
    for (const [role, msp] of [['supplier', s.orgs.supplier], ['compliance', s.orgs.logistics], ['auditor', s.orgs.broker]] as const) {
      const res = await s.http().delete(`/v1/lots/${LOT}/private`).set('X-API-Key', s.key(role, msp));
      expect(res.status, `${role}@${msp}: ${res.text}`).to.equal(403);
      expect(res.type).to.equal('application/problem+json');
    }
    const purge = await s.http().delete(`/v1/lots/${LOT}/private`).set('X-API-Key', s.key('compliance'));
    expect(purge.status, purge.text).to.equal(200);
    const done = purge.body as { records: number; purgedAt: string; alreadyPurged: boolean; blockNumber: number };
    expect(done).to.include({ records: 2, alreadyPurged: false });
    purgeBlock = done.blockNumber;

    await checkPurged('auditor', s.orgs.broker, done.purgedAt);
    await checkPurged('compliance', s.orgs.supplier, done.purgedAt);
    // what the owner kept offline still proves what was recorded
    const lot = must(kept.lot, 'kept lot');
    const event = must(kept.event, 'kept event');
    expect(saltedHash(must(lot.salt, 'salt'), lotPrivate)).to.equal(lot.hash);
    expect(saltedHash(must(event.salt, 'salt'), { ...eventPrivate, evidenceUris: [EVIDENCE_URI] })).to.equal(event.hash);

    const again = await s.http().delete(`/v1/lots/${LOT}/private`).set('X-API-Key', s.key('compliance'));
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ alreadyPurged: true, purgedAt: done.purgedAt });
    const unknown = await s.http().delete('/v1/lots/NO-SUCH-LOT/private').set('X-API-Key', s.key('compliance'));
    expect(unknown.status).to.equal(404);
  });

  it('leaves the marker in no file under the data folder', function () {
    // the embedded network's ledger, private store and logs live in this folder; a real Fabric network's files are
    // the peers' own (outside what the test owns), so only the embedded network's files can be scanned here
    if (s.kind !== 'embedded') {
      console.log(`      (skipped on real Fabric: ${s.dir} holds only the gateway's files; the peers' ledgers and private stores are not scanned)`);
      this.skip();
    }
    const hits = filesUnder(s.dir).filter((f) => fs.readFileSync(f).includes(Buffer.from(MARK)));
    expect(hits.map((f) => path.relative(s.dir, f))).to.deep.equal([]);
  });

  it('delivers another organisation no chaincode event and no block holding the marker', async () => {
    const name = must(s.credentials.find((c) => c.role === 'logistics' && c.mspId === s.orgs.logistics), 'a logistics identity').name;
    // straight to that organisation's peer with fabric-gateway (embedded network or real Fabric alike)
    const other = connectAs(s, name);
    try {
      const network = other.gateway.getNetwork('acetrace');
      await scanBlocks(network, purgeBlock);
      await scanChaincodeEvents(network, purgeBlock);
    } finally {
      other.close();
    }
  });
});
