/**
 * Custody and write scope, containment over time, transformation, parties and facilities, and
 * organisation-scoped event ids, through the ledger harness (real signed proposals, MVCC commit).
 * Every attack of issue 13 is here, each refused.
 */
import { expect } from './chai.test';
import { eventInput, rejects, SHA, worldSuite, type Provenance, type Role } from './helpers';

interface Custody { mspId: string; from: string | null; until: string | null; eventId: string | null; gln: string | null }
interface Containment { lotId: string; parentLotId: string; from: string | null; until: string | null; packEventId: string | null; unpackEventId: string | null; detail: string }
interface UpNode {
  lot: { lotId: string; originCountry: string; ownerMsp: string; unit: string };
  quantityConsumed: number; unit: string; totalConsumed: number;
  completeness: { covered: number }; detail: string; links?: Provenance['links']; upstream: UpNode[]; truncated: boolean;
}
interface Party { mspId: string; legalName: string | null; country: string | null; roles: string[]; facilities: Array<{ gln: string; name: string }> }
type FullProvenance = Provenance & { custody: Custody[]; containment: Containment[]; upstream: UpNode[]; upstreamTruncated: boolean; parties: Party[] };

/** The event ids an upstream node shows on its first link (undefined when it shows no links). */
function firstLinkEventIds(node: UpNode | undefined): string[] | undefined {
  return node?.links?.[0]?.events.map((e) => e.eventId);
}

// A GLN with a valid check digit, per index (GS1 mod-10).
function gln(n: number): string {
  const body = `061414100${String(n).padStart(3, '0')}`;
  const sum = Array.from(body, Number).reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 1 : 3), 0);
  return `${body}${String((10 - (sum % 10)) % 10)}`;
}

describe('chaincode custody, containment, transformation, parties (ledger harness)', function () {
  this.timeout(120_000);
  // Event times (Feb-May 2026) lie before the harness clock, so "now" (the transaction time) is after them.
  const { world, submit, evaluate, register, record, provenance } = worldSuite<FullProvenance>({
    startTime: new Date('2026-06-01T00:00:00Z'), recordAs: 'compliance', provenanceMsp: 'Org9MSP',
  });
  const handover = (lotId: string, eventId: string, to: string, eventTime: string, over: Record<string, unknown> = {}) =>
    eventInput(lotId, 6, { eventId, kind: 'handover', handoverTo: to, eventTime, ...over });
  /** An ordinary event (a handover naming no one passes no custody; any posting role may post it on its links). */
  const doc = (lotId: string, eventId: string, eventTime: string, link = 3) => eventInput(lotId, link, { eventId, kind: 'handover', eventTime });
  const ids = (p: FullProvenance): string[] => p.links.flatMap((l) => l.events.map((e) => e.eventId));

  describe('custody and write scope', () => {
    before(async () => {
      await register('CU-1');
    });

    for (const role of ['supplier', 'logistics', 'broker', 'compliance'] as Role[]) {
      it(`refuses ${role} of an organisation that never held the lot, naming the rule`, async () => {
        const link = role === 'supplier' ? 3 : role === 'broker' ? 8 : 7;
        await rejects(record([eventInput('CU-1', link, { eventId: `cu-attack-${role}` })], 'Org2MSP', role), 'ACCESS_DENIED',
          /^ACCESS_DENIED: events\[0\]: Org2MSP may not post on lot CU-1; write scope: only the lot’s owner, its importer of record, or a current or past custodian/);
      });
    }

    it('starts with the owner as custodian, from the beginning', async () => {
      const p = await provenance('CU-1');
      expect(p.custody).to.deep.equal([{ mspId: 'Org1MSP', from: null, until: null, eventId: null, gln: null }]);
    });

    it('passes custody by handover from its event time; the new custodian may post, a stranger still may not', async () => {
      await record([handover('CU-1', 'cu-h1', 'Org2MSP', '2026-02-10T00:00:00Z', { handoverToGln: gln(1) })]);
      await record([eventInput('CU-1', 7, { eventId: 'cu-org2-gps', kind: 'gps', eventTime: '2026-02-11T00:00:00Z', location: { lat: 22.5, lon: 114 } })], 'Org2MSP', 'logistics');
      await rejects(record([eventInput('CU-1', 7, { eventId: 'cu-org3' })], 'Org3MSP', 'logistics'), 'ACCESS_DENIED', /write scope/);
      const p = await provenance('CU-1');
      expect(p.custody).to.deep.equal([
        { mspId: 'Org1MSP', from: null, until: '2026-02-10T00:00:00Z', eventId: null, gln: null },
        { mspId: 'Org2MSP', from: '2026-02-10T00:00:00Z', until: null, eventId: 'cu-h1', gln: gln(1) },
      ]);
    });

    it('lets only the custodian at the event time post a handover, appended in time order', async () => {
      await rejects(record([handover('CU-1', 'cu-h-owner', 'Org3MSP', '2026-02-12T00:00:00Z')]), 'ACCESS_DENIED',
        /Org1MSP may not hand over lot CU-1: only its custodian at 2026-02-12T00:00:00Z posts a handover/);
      await rejects(record([handover('CU-1', 'cu-h-early', 'Org3MSP', '2026-02-09T00:00:00Z')], 'Org2MSP', 'logistics'), 'CONFLICT',
        /must be later than its latest handover cu-h1/);
      await record([handover('CU-1', 'cu-h2', 'Org3MSP', '2026-02-20T00:00:00Z')], 'Org2MSP', 'logistics');
      // past custodian and owner keep their write scope for ordinary events
      await record([doc('CU-1', 'cu-org2-later', '2026-02-21T00:00:00Z', 8)], 'Org2MSP', 'compliance');
      await record([doc('CU-1', 'cu-org1-later', '2026-02-21T00:00:00Z', 4)]);
      const p = await provenance('CU-1');
      expect(p.custody.map((c) => [c.mspId, c.from, c.until])).to.deep.equal([
        ['Org1MSP', null, '2026-02-10T00:00:00Z'], ['Org2MSP', '2026-02-10T00:00:00Z', '2026-02-20T00:00:00Z'], ['Org3MSP', '2026-02-20T00:00:00Z', null],
      ]);
    });

    it('answers a repeated handover as duplicate even after custody moved on', async () => {
      const [again] = await record([handover('CU-1', 'cu-h1', 'Org2MSP', '2026-02-10T00:00:00Z', { handoverToGln: gln(1) })]);
      expect(again?.status).to.equal('duplicate');
    });

    it('lets the importer of record post handovers on links 8 and 11 only', async () => {
      await register('CU-IMP', { importerMsp: 'Org3MSP' });
      await record([eventInput('CU-IMP', 11, { eventId: 'cu-imp-h', kind: 'handover', handoverTo: 'Org3MSP', eventTime: '2026-03-01T00:00:00Z' })], 'Org3MSP', 'broker');
      const p = await provenance('CU-IMP');
      expect(p.custody.map((c) => c.mspId)).to.deep.equal(['Org1MSP', 'Org3MSP']);
      await register('CU-IMP2', { importerMsp: 'Org3MSP' });
      await rejects(record([eventInput('CU-IMP2', 7, { eventId: 'cu-imp2-h7', kind: 'handover', handoverTo: 'Org3MSP', eventTime: '2026-03-05T00:00:00Z' })], 'Org3MSP', 'logistics'),
        'ACCESS_DENIED', /only its custodian .* \(or the importer of record on links 8 and 11\)/);
    });

    it('flags outside-custody RFID/GPS events, never those inside the recorder’s custody', async () => {
      await register('CU-OC', { epcs: ['urn:epc:id:sgtin:0614141.812345.70001'] });
      await record([handover('CU-OC', 'oc-h', 'Org2MSP', '2026-04-01T00:00:00Z')]);
      const rfid = (eventId: string, eventTime: string) => eventInput('CU-OC', 6, { eventId, kind: 'rfid', eventTime, epcs: ['urn:epc:id:sgtin:0614141.812345.70001'] });
      await record([rfid('oc-org1-before', '2026-03-30T00:00:00Z'), rfid('oc-org1-after', '2026-04-02T00:00:00Z')]);
      await record([rfid('oc-org2-before', '2026-03-31T00:00:00Z'), rfid('oc-org2-after', '2026-04-03T00:00:00Z')], 'Org2MSP', 'logistics');
      const p = await provenance('CU-OC');
      expect(p.anomalies.filter((a) => a.type === 'outside-custody').map((a) => a.eventIds[0]).sort()).to.deep.equal(['oc-org1-after', 'oc-org2-before']);
    });

    it('commits distinct ordinary events of custodians in one block; a handover may conflict with them', async () => {
      await register('CU-CC');
      await record([handover('CU-CC', 'cc-h1', 'Org2MSP', '2026-02-01T00:00:00Z')]);
      const a = await world().h.simulate(await world().id('Org2MSP', 'logistics'), 'RecordEvents', JSON.stringify([eventInput('CU-CC', 7, { eventId: 'cc-x' })]));
      const b = await world().h.simulate(await world().id('Org2MSP', 'compliance'), 'RecordEvents', JSON.stringify([eventInput('CU-CC', 7, { eventId: 'cc-y' })]));
      const c = await world().h.simulate(await world().id('Org1MSP', 'supplier'), 'RecordEvents', JSON.stringify([eventInput('CU-CC', 2, { eventId: 'cc-z' })]));
      expect(await world().h.commit([a, b, c])).to.deep.equal(['VALID', 'VALID', 'VALID']);
      const h = await world().h.simulate(await world().id('Org2MSP', 'logistics'), 'RecordEvents', JSON.stringify([handover('CU-CC', 'cc-h2', 'Org3MSP', '2026-02-05T00:00:00Z')]));
      const d = await world().h.simulate(await world().id('Org2MSP', 'logistics'), 'RecordEvents', JSON.stringify([eventInput('CU-CC', 7, { eventId: 'cc-w' })]));
      const e = await world().h.simulate(await world().id('Org1MSP', 'supplier'), 'RecordEvents', JSON.stringify([eventInput('CU-CC', 2, { eventId: 'cc-v' })]));
      const codes = await world().h.commit([h, d, e]);
      expect(codes[0]).to.equal('VALID');
      expect(codes[1]).to.equal('PHANTOM_READ_CONFLICT'); // read the custody range the handover changed: the outbox retries
      expect(codes[2]).to.equal('VALID'); // the owner's event reads no custody record
    });
  });

  describe('containment over time', () => {
    it('refuses registering a child of a lot the registrant never held (the attack of issue 13)', async () => {
      await register('CT-SECRET');
      await record([eventInput('CT-SECRET', 1, { eventId: 'ct-secret-1', kind: 'document', evidence: [{ sha256: SHA, uri: 's3://org1/secret.pdf', type: 'po' }] })]);
      await rejects(register('CT-SPY', { parentLotId: 'CT-SECRET' }, 'Org2MSP', 'broker'), 'ACCESS_DENIED',
        /^ACCESS_DENIED: parentLotId: registering a lot inside lot CT-SECRET packs it at .*; Org2MSP did not hold custody of CT-SECRET then/);
      await rejects(register('CT-SPY2', { parentLotId: 'CT-SECRET', packedAt: '2026-01-01T00:00:00Z' }, 'Org2MSP', 'broker'), 'ACCESS_DENIED', /did not hold custody/);
      await rejects(evaluate('Org2MSP', 'broker', 'GetProvenance', 'CT-SPY'), 'NOT_FOUND');
      const p = await provenance('CT-SECRET', 'Org2MSP', 'broker');
      expect(p.detail).to.equal('summary');
      expect(ids(p)).to.deep.equal([]);
    });

    it('includes a parent’s events only inside the pack/unpack interval', async () => {
      await register('CT-CASE');
      await register('CT-PAL');
      await record([doc('CT-PAL', 'pal-before', '2026-02-01T00:00:00Z', 6)]);
      await record([eventInput('CT-PAL', 5, { eventId: 'pal-pack', kind: 'aggregation', action: 'pack', parentLotId: 'CT-PAL', childLotIds: ['CT-CASE'], eventTime: '2026-02-02T00:00:00Z' })], 'Org1MSP', 'supplier');
      await record([doc('CT-PAL', 'pal-inside', '2026-02-03T00:00:00Z', 6)]);
      await record([eventInput('CT-PAL', 6, { eventId: 'pal-unpack', kind: 'aggregation', action: 'unpack', parentLotId: 'CT-PAL', childLotIds: ['CT-CASE'], eventTime: '2026-02-04T00:00:00Z' })], 'Org1MSP', 'logistics');
      await record([doc('CT-PAL', 'pal-after', '2026-02-05T00:00:00Z', 6)]);
      const p = await provenance('CT-CASE');
      expect(ids(p)).to.deep.equal(['pal-pack', 'pal-inside']);
      expect(p.lot.parentChain).to.deep.equal(['CT-PAL']);
      expect(p.containment).to.deep.equal([{
        lotId: 'CT-CASE', parentLotId: 'CT-PAL', from: '2026-02-02T00:00:00Z', until: '2026-02-04T00:00:00Z', packEventId: 'pal-pack', unpackEventId: 'pal-unpack', detail: 'full',
      }]);
      const view = (await evaluate('Org1MSP', 'viewer', 'ReadLot', 'CT-CASE')) as { linksCovered: number[] };
      expect(view.linksCovered).to.deep.equal([5, 6]);
    });

    it('requires custody of the container and of every child; refuses packing a container into its content', async () => {
      await register('CT-BOX', {}, 'Org2MSP', 'supplier');
      await register('CT-ITEM');
      await rejects(record([eventInput('CT-BOX', 5, { eventId: 'box-pack', kind: 'aggregation', action: 'pack', parentLotId: 'CT-BOX', childLotIds: ['CT-ITEM'], eventTime: '2026-02-02T00:00:00Z' })], 'Org2MSP', 'supplier'),
        'ACCESS_DENIED', /^ACCESS_DENIED: events\[0\]\.childLotIds\[0\]: Org2MSP did not hold custody of lot CT-ITEM at 2026-02-02T00:00:00Z; the packer must hold custody/);
      await rejects(record([eventInput('CT-BOX', 5, { eventId: 'box-pack2', kind: 'aggregation', action: 'pack', parentLotId: 'CT-BOX', childLotIds: ['CT-ITEM'], eventTime: '2026-02-02T00:00:00Z' })], 'Org1MSP', 'supplier'),
        'ACCESS_DENIED', /write scope/);
      // Org1 hands the item to Org2, which packs it
      await record([handover('CT-ITEM', 'item-h', 'Org2MSP', '2026-02-01T00:00:00Z')]);
      await record([eventInput('CT-BOX', 5, { eventId: 'box-pack3', kind: 'aggregation', action: 'pack', parentLotId: 'CT-BOX', childLotIds: ['CT-ITEM'], eventTime: '2026-02-02T00:00:00Z' })], 'Org2MSP', 'supplier');
      await rejects(record([eventInput('CT-ITEM', 5, { eventId: 'cycle', kind: 'aggregation', action: 'pack', parentLotId: 'CT-ITEM', childLotIds: ['CT-BOX'], eventTime: '2026-02-03T00:00:00Z' })], 'Org2MSP', 'supplier'),
        'CONFLICT', /lot CT-ITEM is inside lot CT-BOX at 2026-02-03T00:00:00Z; a container cannot be packed into its own content/);
      await rejects(record([eventInput('CT-BOX', 5, { eventId: 'bad', kind: 'aggregation', action: 'pack', parentLotId: 'CT-ITEM', childLotIds: ['CT-ITEM'], eventTime: '2026-02-03T00:00:00Z' })], 'Org2MSP', 'supplier'),
        'INVALID_ARGUMENT', /parentLotId: must equal lotId/);
    });

    it('flags a lot inside two containers at once', async () => {
      await register('CT-A');
      await register('CT-B');
      await register('CT-X', { parentLotId: 'CT-A', packedAt: '2026-02-01T00:00:00Z' });
      await record([eventInput('CT-B', 5, { eventId: 'dbl-pack', kind: 'aggregation', action: 'pack', parentLotId: 'CT-B', childLotIds: ['CT-X'], eventTime: '2026-02-02T00:00:00Z' })], 'Org1MSP', 'supplier');
      const p = await provenance('CT-X');
      const dbl = p.anomalies.filter((a) => a.type === 'double-containment');
      expect(dbl).to.have.length(1);
      expect(dbl[0]?.eventIds).to.deep.equal(['dbl-pack']);
      expect(p.containment.map((c) => c.parentLotId)).to.deep.equal(['CT-A', 'CT-B']);
    });

    it('lets a carrier holding a container post on the lots inside it, within custody', async () => {
      await register('CT-CONT');
      await register('CT-CARTON', { parentLotId: 'CT-CONT', packedAt: '2026-03-01T00:00:00Z', epcs: ['urn:epc:id:sgtin:0614141.812345.70002'] });
      await rejects(record([eventInput('CT-CARTON', 7, { eventId: 'carton-early' })], 'Org2MSP', 'logistics'), 'ACCESS_DENIED', /write scope/);
      await record([handover('CT-CONT', 'cont-h', 'Org2MSP', '2026-03-02T00:00:00Z')]);
      await record([eventInput('CT-CARTON', 9, { eventId: 'carton-read', kind: 'rfid', eventTime: '2026-03-03T00:00:00Z', epcs: ['urn:epc:id:sgtin:0614141.812345.70002'] })], 'Org2MSP', 'logistics');
      const p = await provenance('CT-CARTON');
      expect(ids(p)).to.include('carton-read');
      expect(p.anomalies.filter((a) => a.type === 'outside-custody')).to.deep.equal([]);
    });

    it('shows a packed lot’s owner the container’s events inside its interval, and a stranger nothing', async () => {
      await register('CT-SHIP', {}, 'Org3MSP', 'supplier');
      await record([doc('CT-SHIP', 'ship-before', '2026-02-01T00:00:00Z', 9)], 'Org3MSP', 'compliance');
      await record([handover('CT-SHIP', 'ship-h', 'Org2MSP', '2026-02-05T00:00:00Z')], 'Org3MSP', 'compliance');
      await register('CT-GOODS', { parentLotId: 'CT-SHIP', packedAt: '2026-02-06T00:00:00Z' }, 'Org2MSP', 'broker');
      await record([doc('CT-SHIP', 'ship-inside', '2026-02-07T00:00:00Z', 9)], 'Org3MSP', 'compliance');
      const mine = await provenance('CT-GOODS', 'Org2MSP', 'broker');
      expect(ids(mine)).to.deep.equal(['ship-inside']);
      expect(mine.containment[0]?.detail).to.equal('full');
      const stranger = await provenance('CT-GOODS', 'Org1MSP', 'broker');
      expect(ids(stranger)).to.deep.equal([]);
      expect(stranger.containment[0]?.detail).to.equal('summary');
      expect(stranger.completeness.covered).to.equal(1);
    });
  });

  describe('transformation', () => {
    before(async () => {
      await register('TR-BALE-1', { quantity: 100, unit: 'KGM', originCountry: 'US', product: 'Cotton bale' });
      await register('TR-BALE-2', { quantity: 100, unit: 'KGM', originCountry: 'IN', product: 'Cotton bale' });
      await record([doc('TR-BALE-1', 'bale1-src', '2026-02-01T00:00:00Z', 1)]);
      await record([doc('TR-BALE-2', 'bale2-src', '2026-02-01T00:00:00Z', 1)]);
      await register('TR-YARN', { quantity: 150, unit: 'KGM', product: 'Yarn', inputs: [{ lotId: 'TR-BALE-1', quantity: 80, unit: 'KGM' }, { lotId: 'TR-BALE-2', quantity: 70, unit: 'KGM' }] });
      await record([doc('TR-YARN', 'yarn-spin', '2026-02-10T00:00:00Z', 2)]);
      await register('TR-FABRIC', { quantity: 300, unit: 'MTR', product: 'Fabric', inputs: [{ lotId: 'TR-YARN', quantity: 150, unit: 'KGM' }] });
      await record([doc('TR-FABRIC', 'fabric-weave', '2026-02-20T00:00:00Z', 2)]);
      await record([handover('TR-FABRIC', 'fabric-h', 'Org2MSP', '2026-02-25T00:00:00Z')]);
      await register('TR-SHIRTS', { quantity: 1000, unit: 'EA', product: 'Shirts', inputs: [{ lotId: 'TR-FABRIC', quantity: 300, unit: 'MTR' }] }, 'Org2MSP', 'supplier');
    });

    it('walks the upstream tree through three transformations, with origin and completeness per lot', async () => {
      const p = await provenance('TR-SHIRTS');
      const shape = (nodes: UpNode[]): unknown => nodes.map((n) => ({ id: n.lot.lotId, q: n.quantityConsumed, unit: n.unit, origin: n.lot.originCountry, covered: n.completeness.covered, up: shape(n.upstream) }));
      expect(shape(p.upstream)).to.deep.equal([{ id: 'TR-FABRIC', q: 300, unit: 'MTR', origin: 'CN', covered: 2, up: [
        { id: 'TR-YARN', q: 150, unit: 'KGM', origin: 'CN', covered: 1, up: [
          { id: 'TR-BALE-1', q: 80, unit: 'KGM', origin: 'US', covered: 1, up: [] },
          { id: 'TR-BALE-2', q: 70, unit: 'KGM', origin: 'IN', covered: 1, up: [] },
        ] },
      ] }]);
      expect(p.upstreamTruncated).to.equal(false);
      expect(firstLinkEventIds(p.upstream[0]?.upstream[0]?.upstream[0])).to.deep.equal(['bale1-src']);
    });

    it('gives a reader entitled to the lot its inputs’ events, others only the tree', async () => {
      const owner = await provenance('TR-SHIRTS', 'Org2MSP', 'broker');
      expect(owner.upstream[0]?.detail).to.equal('full');
      expect(firstLinkEventIds(owner.upstream[0]?.upstream[0]?.upstream[1])).to.deep.equal(['bale2-src']);
      const stranger = await provenance('TR-SHIRTS', 'Org3MSP', 'broker');
      expect(stranger.upstream[0]?.detail).to.equal('summary');
      expect(stranger.upstream[0]?.links).to.equal(undefined);
      expect(stranger.upstream[0]?.upstream[0]?.upstream.map((n) => n.lot.lotId)).to.deep.equal(['TR-BALE-1', 'TR-BALE-2']);
    });

    it('refuses inputs not in the registrant’s custody, unknown, of another unit, or the lot itself', async () => {
      await rejects(register('TR-STEAL', { inputs: [{ lotId: 'TR-BALE-1', quantity: 1, unit: 'KGM' }] }, 'Org3MSP', 'supplier'), 'ACCESS_DENIED',
        /^ACCESS_DENIED: inputs\[0\]\.lotId: Org3MSP does not hold custody of lot TR-BALE-1/);
      await rejects(register('TR-FABRIC-2', { inputs: [{ lotId: 'TR-FABRIC', quantity: 1, unit: 'MTR' }] }), 'ACCESS_DENIED', /does not hold custody of lot TR-FABRIC/); // Org1 handed it over
      await rejects(register('TR-X', { inputs: [{ lotId: 'NOPE', quantity: 1, unit: 'KGM' }] }), 'NOT_FOUND', /inputs\[0\]\.lotId: lot NOPE is not registered/);
      await rejects(register('TR-Y', { inputs: [{ lotId: 'TR-BALE-1', quantity: 1, unit: 'EA' }] }), 'INVALID_ARGUMENT', /inputs\[0\]\.unit: must be KGM, the unit of lot TR-BALE-1/);
      await rejects(register('TR-Z', { inputs: [{ lotId: 'TR-Z', quantity: 1, unit: 'EA' }] }), 'INVALID_ARGUMENT', /inputs\[0\]\.lotId: must differ from lotId/);
    });

    it('flags over-consumption on the input and on every lot made from it', async () => {
      await register('TR-OC', { quantity: 100, unit: 'KGM' });
      await register('TR-OC-A', { inputs: [{ lotId: 'TR-OC', quantity: 60, unit: 'KGM' }] });
      expect((await provenance('TR-OC')).anomalies.filter((a) => a.type === 'over-consumption')).to.deep.equal([]);
      await register('TR-OC-B', { inputs: [{ lotId: 'TR-OC', quantity: 60, unit: 'KGM' }] });
      for (const lotId of ['TR-OC', 'TR-OC-A', 'TR-OC-B']) {
        const found = (await provenance(lotId)).anomalies.filter((a) => a.type === 'over-consumption') as Array<{ lotIds?: string[]; detail: string }>;
        expect(found, lotId).to.have.length(1);
        expect(found[0]?.lotIds).to.deep.equal(['TR-OC', 'TR-OC-A', 'TR-OC-B']);
        expect(found[0]?.detail).to.match(/lot TR-OC \(100 KGM\) is consumed 120 KGM/);
      }
      expect((await provenance('TR-OC-A')).upstream[0]?.totalConsumed).to.equal(120);
    });
  });

  describe('parties and facilities', () => {
    const profile = { mspId: 'Org1MSP', legalName: 'Xinjiang-free Cotton Co.', country: 'US', address: '1 Gin Road, Lubbock TX', roles: ['grower', 'ginner'] };
    const facility = { gln: gln(11), name: 'Lubbock gin', address: '1 Gin Road', country: 'US', subdivision: 'US-TX', lat: 33.58, lon: -101.85, type: 'mill' };

    it('lets an admin put its own organisation profile only', async () => {
      const out = (await submit('Org1MSP', 'admin', 'PutOrganisationProfile', profile)) as { organisation: Record<string, unknown>; created: boolean };
      expect(out.created).to.equal(true);
      expect(out.organisation).to.include({ mspId: 'Org1MSP', legalName: profile.legalName, country: 'US' });
      const events = world().h.events.length;
      const again = (await submit('Org1MSP', 'admin', 'PutOrganisationProfile', profile)) as { created: boolean };
      expect(again.created).to.equal(false);
      expect(world().h.events.length).to.equal(events);
      await rejects(submit('Org2MSP', 'admin', 'PutOrganisationProfile', profile), 'ACCESS_DENIED',
        /^ACCESS_DENIED: admin of Org2MSP may not register a profile for Org1MSP; an admin registers only its own organisation’s/);
      await rejects(submit('Org1MSP', 'compliance', 'PutOrganisationProfile', profile), 'ACCESS_DENIED', /needs admin/);
      await rejects(submit('Org1MSP', 'admin', 'PutOrganisationProfile', { ...profile, roles: ['pirate'] }), 'INVALID_ARGUMENT', /roles\[0\]/);
      expect(await evaluate('Org3MSP', 'viewer', 'GetOrganisation', 'Org1MSP')).to.include({ legalName: profile.legalName });
      const list = (await evaluate('Org3MSP', 'viewer', 'ListOrganisations')) as { organisations: Array<{ mspId: string }> };
      expect(list.organisations.map((o) => o.mspId)).to.include('Org1MSP');
      await rejects(evaluate('Org3MSP', 'viewer', 'GetOrganisation', 'NobodyMSP'), 'NOT_FOUND');
    });

    it('refuses an admin registering roles or devices for another organisation, or taking over a device id', async () => {
      await rejects(submit('Org2MSP', 'admin', 'RegisterOrganisation', { mspId: 'Org1MSP', roles: ['supplier'] }), 'ACCESS_DENIED', /may not register roles for Org1MSP/);
      await rejects(submit('Org2MSP', 'admin', 'RegisterDevice', { deviceId: 'pt-dev-1', mspId: 'Org1MSP' }), 'ACCESS_DENIED', /may not register devices for Org1MSP/);
      const first = (await submit('Org1MSP', 'admin', 'RegisterDevice', { deviceId: 'pt-dev-1', link: 6 })) as { created: boolean; mspId: string };
      expect(first).to.include({ created: true, mspId: 'Org1MSP' });
      const count = world().h.events.length;
      expect(await submit('Org1MSP', 'admin', 'RegisterDevice', { deviceId: 'pt-dev-1', link: 6 })).to.include({ created: false });
      expect(world().h.events.length).to.equal(count);
      await rejects(submit('Org2MSP', 'admin', 'RegisterDevice', { deviceId: 'pt-dev-1', link: 6 }), 'CONFLICT',
        /^CONFLICT: device pt-dev-1 is registered to Org1MSP, not Org2MSP; a facility GLN or device id belongs to the first organisation/);
      expect(await evaluate('Org2MSP', 'viewer', 'GetDevice', 'pt-dev-1')).to.include({ mspId: 'Org1MSP' });
    });

    it('registers facilities of the admin’s organisation; a GLN is never taken over', async () => {
      await rejects(submit('Org1MSP', 'admin', 'RegisterFacility', { ...facility, gln: `${gln(11).slice(0, 12)}${String((Number(gln(11)[12]) + 1) % 10)}` }), 'INVALID_ARGUMENT', /gln: must be a 13-digit GLN with a valid check digit/);
      await rejects(submit('Org1MSP', 'admin', 'RegisterFacility', { ...facility, subdivision: 'CN-XJ' }), 'INVALID_ARGUMENT', /subdivision: must be a subdivision of US/);
      const out = (await submit('Org1MSP', 'admin', 'RegisterFacility', facility)) as { facility: Record<string, unknown>; created: boolean };
      expect(out.created).to.equal(true);
      expect(out.facility).to.include({ gln: gln(11), mspId: 'Org1MSP', type: 'mill', subdivision: 'US-TX' });
      expect(await submit('Org1MSP', 'admin', 'RegisterFacility', facility)).to.include({ created: false });
      await rejects(submit('Org2MSP', 'admin', 'RegisterFacility', { ...facility, name: 'Mine now' }), 'CONFLICT', /facility .* is registered to Org1MSP, not Org2MSP/);
      await submit('Org2MSP', 'admin', 'RegisterFacility', { gln: gln(12), name: 'Shenzhen DC', country: 'CN', subdivision: 'CN-GD', type: 'distribution-centre' });
      await submit('Org2MSP', 'admin', 'RegisterFacility', { gln: gln(13), name: 'Yantian port', country: 'CN', type: 'port', lat: 22.57, lon: 114.27 });
      const byMsp = (await evaluate('Org3MSP', 'viewer', 'ListFacilities', { mspId: 'Org2MSP' })) as { facilities: Array<{ gln: string }> };
      expect(byMsp.facilities.map((f) => f.gln)).to.deep.equal([gln(12), gln(13)]);
      const byCountry = (await evaluate('Org3MSP', 'viewer', 'ListFacilities', { country: 'us' })) as { facilities: Array<{ gln: string }> };
      expect(byCountry.facilities.map((f) => f.gln)).to.deep.equal([gln(11)]);
      const paged = (await evaluate('Org3MSP', 'viewer', 'ListFacilities', { pageSize: 1 })) as { facilities: unknown[]; bookmark: string };
      expect(paged.facilities).to.have.length(1);
      expect(paged.bookmark).to.not.equal('');
      expect(await evaluate('Org3MSP', 'viewer', 'GetFacility', gln(13))).to.include({ name: 'Yantian port' });
    });

    it('lists the parties of a provenance with legal names and facilities, and names facilities on events', async () => {
      await register('PT-LOT');
      await record([eventInput('PT-LOT', 6, { eventId: 'pt-at-gin', kind: 'handover', eventTime: '2026-02-01T00:00:00Z', location: { gln: gln(11) } })]);
      await record([handover('PT-LOT', 'pt-h', 'Org2MSP', '2026-02-02T00:00:00Z', { handoverToGln: gln(12) })]);
      const p = await provenance('PT-LOT');
      const event = p.links[5]?.events.find((e) => e.eventId === 'pt-at-gin') as unknown as { facility: { name: string } | null } | undefined;
      expect(event?.facility?.name).to.equal('Lubbock gin');
      const org1 = p.parties.find((x) => x.mspId === 'Org1MSP');
      expect(org1).to.deep.include({ legalName: profile.legalName, country: 'US', roles: ['ginner', 'grower'] });
      expect(org1?.facilities.map((f) => f.name)).to.deep.equal(['Lubbock gin']);
      const org2 = p.parties.find((x) => x.mspId === 'Org2MSP');
      expect(org2?.legalName).to.equal(null);
      expect(org2?.facilities.map((f) => f.name)).to.deep.equal(['Shenzhen DC']);
      const viewer = await provenance('PT-LOT', 'Org3MSP', 'viewer');
      expect(viewer.parties).to.deep.equal([]);
      expect(viewer.custody).to.deep.equal([]);
    });
  });

  describe('event ids scoped by the recording organisation', () => {
    it('lets no organisation block or probe another’s event ids', async () => {
      await register('ID-1');
      await register('ID-2', {}, 'Org2MSP', 'supplier');
      const [mine] = await record([doc('ID-1', 'shared-id', '2026-02-01T00:00:00Z')]);
      // Org2 picks the same id on its own lot: recorded as its own event, nothing of Org1's revealed
      const [theirs] = await record([doc('ID-2', 'shared-id', '2026-02-01T00:00:00Z')], 'Org2MSP', 'supplier');
      expect(theirs?.status).to.equal('recorded');
      expect(theirs?.event.txId).to.not.equal(mine?.event.txId);
      expect(JSON.stringify(theirs)).to.not.include(mine?.event.txId);
      // a different content under its own id: CONFLICT naming only its own transaction
      const msg = await rejects(record([doc('ID-2', 'shared-id', '2026-02-09T00:00:00Z')], 'Org2MSP', 'supplier'), 'CONFLICT', /already recorded/);
      expect(msg).to.include(theirs?.event.txId);
      expect(msg).to.not.include(mine?.event.txId);
      // Org1's own repeat is still a duplicate of its first record
      const [again] = await record([doc('ID-1', 'shared-id', '2026-02-01T00:00:00Z')]);
      expect(again).to.include({ status: 'duplicate' });
      expect(again?.event.txId).to.equal(mine?.event.txId);
      expect(await evaluate('Org2MSP', 'supplier', 'GetEvent', 'shared-id')).to.include({ lotId: 'ID-2', recordedBy: 'Org2MSP' });
      expect(await evaluate('Org1MSP', 'supplier', 'GetEvent', 'shared-id')).to.include({ lotId: 'ID-1', recordedBy: 'Org1MSP' });
      expect(await evaluate('Org3MSP', 'auditor', 'GetEventOf', 'Org2MSP', 'shared-id')).to.include({ lotId: 'ID-2' });
      await rejects(evaluate('Org3MSP', 'auditor', 'GetEventOf', 'Org3MSP', 'shared-id'), 'NOT_FOUND', /not recorded by Org3MSP/);
      await rejects(evaluate('Org3MSP', 'supplier', 'GetEvent', 'shared-id'), 'ACCESS_DENIED');
    });

    it('commits the same id from two organisations in one block', async () => {
      const a = await world().h.simulate(await world().id('Org1MSP', 'supplier'), 'RecordEvents', JSON.stringify([doc('ID-1', 'race-id', '2026-02-01T00:00:00Z')]));
      const b = await world().h.simulate(await world().id('Org2MSP', 'supplier'), 'RecordEvents', JSON.stringify([doc('ID-2', 'race-id', '2026-02-01T00:00:00Z')]));
      expect(await world().h.commit([a, b])).to.deep.equal(['VALID', 'VALID']);
    });
  });
});
