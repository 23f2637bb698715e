/**
 * Custody, containment and transformation through real HTTP (domain.md "Custody and write scope",
 * "Containment and transformation over time"): a handover passes custody and the previous holder
 * keeps its past-custodian write scope while a stranger is refused naming the rule; a carton's
 * provenance holds its pallet's events only while it was packed; a shirt lot's upstream tree walks
 * three transformations back to the cotton. On a two-organisation network the third organisation
 * is the second one (target.ts), and the chain hands back to the first instead.
 */
import { expect } from './chai.test';
import { SHA, freshEpc, lotInput, uid } from './helpers';
import { postEvents, targetKind, targetSuite } from './target';

interface ProvEvent {
  eventId: string;
  recordedBy: string;
  viaLotId: string | null;
  eventTime: string;
}
interface UpstreamNode {
  lot: { lotId: string; ownerMsp: string; product: string };
  quantityConsumed: number;
  unit: string;
  detail: string;
  links?: Array<{ events: ProvEvent[] }>;
  upstream: UpstreamNode[];
}
interface Prov {
  lot: { lotId: string };
  detail: string;
  links: Array<{ link: number; events: ProvEvent[] }>;
  anomalies: Array<{ type: string; eventIds: string[]; lotIds?: string[] }>;
  custody: Array<{ mspId: string; from: string | null; until: string | null; eventId: string | null }>;
  containment: Array<{ lotId: string; parentLotId: string; from: string | null; until: string | null; packEventId: string | null; unpackEventId: string | null }>;
  upstream: UpstreamNode[];
  parties: Array<{ mspId: string }>;
}

/** 2026-10-<day> 08:00 UTC with an explicit offset. */
const at = (day: number, hour = 8): string => `2026-10-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+00:00`;

describe(`scenario: custody, containment and upstream trace (real HTTP → gateway → ${targetKind()} network)`, function () {
  this.timeout(180_000);
  const s = targetSuite();

  async function register(role: string, msp: string, lotId: string, over: Record<string, unknown> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await s.http().post('/v1/lots').set('X-API-Key', s.key(role, msp)).send(lotInput(lotId, over));
    return { status: res.status, body: res.body as Record<string, unknown> };
  }

  async function provenance(lotId: string): Promise<Prov> {
    const res = await s.http().get(`/v1/lots/${lotId}/provenance`).set('X-API-Key', s.key('auditor'));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as Prov;
  }

  const events = (p: { links: Array<{ events: ProvEvent[] }> }): ProvEvent[] => p.links.flatMap((l) => l.events);

  it('a handover passes custody; the previous holder keeps its write scope; a stranger is refused naming the rule', async () => {
    const { supplier: a, logistics: b, broker: c } = s.orgs;
    const next = c !== b ? c : a;
    const lotId = uid('LOT-CUS');
    const epc = freshEpc();
    const reg = await register('supplier', a, lotId, { epcs: [epc] });
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    const ev = (id: string, link: number, kind: string, time: string, extra: Record<string, unknown> = {}) => ({
      eventId: `${lotId}-${id}`, lotId, link, kind, eventTime: time, ...extra,
    });
    const ok = async (role: string, msp: string, body: Record<string, unknown>): Promise<void> => {
      const out = await postEvents(s, s.key(role, msp), body);
      expect(out.status, JSON.stringify(out.body)).to.equal(201);
    };

    // B has never held the lot: refused, whatever its role may post
    const stranger = await postEvents(s, s.key('logistics', b), ev('B-EARLY', 7, 'gps', at(2), { location: { lat: 22.5, lon: 114.0 } }));
    expect(stranger.status, JSON.stringify(stranger.body)).to.equal(403);
    expect(String(stranger.body.detail)).to.include('write scope');
    expect(String(stranger.body.detail)).to.include(b);

    await ok('supplier', a, ev('DOC', 1, 'document', at(1), { evidence: [{ sha256: SHA(1), type: 'certificate-of-origin' }] }));
    await ok('logistics', a, ev('HO1', 6, 'handover', at(3), { handoverTo: b }));
    await ok('logistics', b, ev('GPS1', 7, 'gps', at(4), { location: { lat: 22.6, lon: 114.1 } }));
    if (c !== b) {
      const third = await postEvents(s, s.key('logistics', c), ev('C-EARLY', 9, 'rfid', at(4, 12), { epcs: [epc] }));
      expect(third.status, JSON.stringify(third.body)).to.equal(403);
      expect(String(third.body.detail)).to.include('write scope');
    }
    // the owner no longer holds the lot: it may post (owner) but not hand it over
    const ownerHandover = await postEvents(s, s.key('logistics', a), ev('HO-OWNER', 7, 'handover', at(5), { handoverTo: next }));
    expect(ownerHandover.status, JSON.stringify(ownerHandover.body)).to.equal(403);
    expect(String(ownerHandover.body.detail)).to.include('only its custodian');

    await ok('logistics', b, ev('HO2', 9, 'handover', at(6), { handoverTo: next }));
    // B is now a past custodian: still within write scope, for its own time and (flagged) after it
    await ok('logistics', b, ev('RFID-IN', 9, 'rfid', at(5, 12), { epcs: [epc] }));
    await ok('logistics', b, ev('GPS-LATE', 10, 'gps', at(7), { location: { lat: 1.3, lon: 103.8 } }));
    await ok('logistics', next, ev('GPS2', 10, 'gps', at(8), { location: { lat: 1.2, lon: 104.0 } }));

    const p = await provenance(lotId);
    expect(p.custody.map((e) => [e.mspId, e.from, e.until, e.eventId])).to.deep.equal([
      [a, null, at(3), null],
      [b, at(3), at(6), `${lotId}-HO1`],
      [next, at(6), null, `${lotId}-HO2`],
    ]);
    const outside = p.anomalies.filter((x) => x.type === 'outside-custody').flatMap((x) => x.eventIds);
    expect(outside).to.deep.equal([`${lotId}-GPS-LATE`]);
    expect(events(p).map((e) => e.eventId)).to.include.members([`${lotId}-RFID-IN`, `${lotId}-GPS-LATE`, `${lotId}-GPS2`]);
    expect(p.parties.map((x) => x.mspId)).to.include.members([a, b, next]);
  });

  it('a carton’s provenance holds its pallet’s events only while it was packed in it', async () => {
    const { supplier: a } = s.orgs;
    const pallet = uid('PAL');
    const cartons = [uid('CTN'), uid('CTN')];
    for (const lotId of [pallet, ...cartons]) {
      const reg = await register('supplier', a, lotId);
      expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    }
    const [c1, c2] = cartons as [string, string];
    const onPallet = (id: string, link: number, kind: string, time: string, extra: Record<string, unknown> = {}) => ({
      eventId: `${pallet}-${id}`, lotId: pallet, link, kind, eventTime: time, ...extra,
    });
    const post = async (role: string, body: Record<string, unknown>): Promise<void> => {
      const out = await postEvents(s, s.key(role, a), body);
      expect(out.status, JSON.stringify(out.body)).to.equal(201);
    };
    await post('supplier', onPallet('BEFORE', 4, 'document', at(1)));
    await post('supplier', onPallet('PACK', 5, 'aggregation', at(2), { action: 'pack', parentLotId: pallet, childLotIds: [c1, c2] }));
    await post('supplier', onPallet('INSIDE', 5, 'document', at(3), { evidence: [{ sha256: SHA(2), type: 'packing-list' }] }));
    await post('logistics', onPallet('UNPACK', 6, 'aggregation', at(4), { action: 'unpack', parentLotId: pallet, childLotIds: [c1] }));
    await post('logistics', onPallet('AFTER', 7, 'gps', at(5), { location: { lat: 22.5, lon: 114.0 } }));

    const p1 = await provenance(c1);
    expect(p1.containment.map((x) => [x.lotId, x.parentLotId, x.from, x.until, x.packEventId, x.unpackEventId])).to.deep.equal([
      [c1, pallet, at(2), at(4), `${pallet}-PACK`, `${pallet}-UNPACK`],
    ]);
    const via1 = events(p1).filter((e) => e.viaLotId === pallet).map((e) => e.eventId);
    expect(via1).to.include(`${pallet}-INSIDE`);
    expect(via1).to.not.include.members([`${pallet}-BEFORE`]);
    expect(via1).to.not.include(`${pallet}-AFTER`);

    const p2 = await provenance(c2);
    expect(p2.containment.map((x) => [x.parentLotId, x.from, x.until])).to.deep.equal([[pallet, at(2), null]]);
    const via2 = events(p2).filter((e) => e.viaLotId === pallet).map((e) => e.eventId);
    expect(via2).to.include.members([`${pallet}-INSIDE`, `${pallet}-AFTER`]);
    expect(via2).to.not.include(`${pallet}-BEFORE`);
  });

  it('shirts trace upstream through fabric and yarn to the cotton; inputs need custody', async () => {
    const { supplier: a, logistics: b } = s.orgs;
    const cotton = uid('COTTON');
    const yarn = uid('YARN');
    const fabric = uid('FABRIC');
    const shirts = uid('SHIRTS');
    const lot = (product: string, hts: string, quantity: number, unit: string, inputs?: unknown[]) => ({
      product, htsCode: hts, quantity, unit, epcs: [], ...(inputs && { inputs }),
    });
    let reg = await register('supplier', a, cotton, lot('Raw cotton, ginned bales', '5201.00.1800', 10_000, 'KGM'));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    const origin = await postEvents(s, s.key('supplier', a), {
      eventId: `${cotton}-ORIGIN`, lotId: cotton, link: 1, kind: 'document', eventTime: at(1),
      evidence: [{ sha256: SHA(3), type: 'certificate-of-origin' }],
    });
    expect(origin.status, JSON.stringify(origin.body)).to.equal(201);
    reg = await register('supplier', a, yarn, lot('Cotton yarn, 30s single', '5205.12.1000', 9_000, 'KGM', [{ lotId: cotton, quantity: 9_500, unit: 'KGM' }]));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);

    // B may not weave yarn it never held
    const early = await register('supplier', b, fabric, lot('Cotton poplin', '5208.21.4090', 20_000, 'MTR', [{ lotId: yarn, quantity: 9_000, unit: 'KGM' }]));
    expect(early.status, JSON.stringify(early.body)).to.equal(403);
    const handover = await postEvents(s, s.key('logistics', a), {
      eventId: `${yarn}-HO`, lotId: yarn, link: 7, kind: 'handover', eventTime: at(2), handoverTo: b,
    });
    expect(handover.status, JSON.stringify(handover.body)).to.equal(201);
    reg = await register('supplier', b, fabric, lot('Cotton poplin', '5208.21.4090', 20_000, 'MTR', [{ lotId: yarn, quantity: 9_000, unit: 'KGM' }]));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    reg = await register('supplier', b, shirts, lot('Men’s cotton shirts', '6205.20.2016', 12_000, 'EA', [{ lotId: fabric, quantity: 19_800, unit: 'MTR' }]));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);

    const p = await provenance(shirts);
    const chain: string[] = [];
    let level: UpstreamNode[] = p.upstream;
    while (level.length > 0) {
      expect(level).to.have.length(1);
      const node = level[0] as UpstreamNode;
      chain.push(node.lot.lotId);
      expect(node.detail).to.equal('full');
      level = node.upstream;
    }
    expect(chain).to.deep.equal([fabric, yarn, cotton]);
    const cottonNode = p.upstream[0]?.upstream[0]?.upstream[0] as UpstreamNode;
    expect(cottonNode.quantityConsumed).to.equal(9_500);
    expect(cottonNode.lot.ownerMsp).to.equal(a);
    expect(events({ links: cottonNode.links ?? [] }).map((e) => e.eventId)).to.deep.equal([`${cotton}-ORIGIN`]);

  });
});
