/**
 * Properties of custody, transformation and read scope, through the ledger harness with fast-check:
 * custody intervals partition time; the upstream tree equals the registered inputs; no reader sees
 * an event it is not entitled to, whatever organisations try to register, hand over and post.
 */
import fc from 'fast-check';
import { expect } from './chai.test';
import { eventInput, lotInput, newWorld, type Provenance, type Role, type World } from './helpers';

interface Custody { mspId: string; from: string | null; until: string | null; eventId: string | null }
interface UpNode { lot: { lotId: string }; quantityConsumed: number; unit: string; links?: Provenance['links']; upstream: UpNode[] }
type Prov = Provenance & { custody: Custody[]; upstream: UpNode[]; upstreamTruncated: boolean };

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'];

describe('chaincode custody properties (ledger harness, fast-check)', function () {
  this.timeout(300_000);
  let w: World;
  let run = 0;
  before(async () => {
    w = await newWorld(new Date('2026-06-01T00:00:00Z'));
  });
  after(async () => {
    await w.h.close();
  });

  /** Submits; answers the error message instead of throwing. */
  const attempt = async (mspId: string, role: Role, fn: string, arg: unknown): Promise<{ ok: true; result: unknown } | { ok: false; message: string }> => {
    try {
      return { ok: true, result: await w.h.submit(await w.id(mspId, role), fn, JSON.stringify(arg)) };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  };
  const provenance = async (lotId: string, mspId = 'Org9MSP', role: Role = 'auditor'): Promise<Prov> =>
    (await w.h.evaluate(await w.id(mspId, role), 'GetProvenance', lotId)) as Prov;
  /** The next proposal's timestamp, as an event time: the handover is dated when it is posted. */
  const now = (): string => w.h.clock.now().toISOString();

  it('property: custody intervals partition time, in handover order, and only the custodian hands over', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.record({ to: fc.integer({ min: 0, max: 3 }), intruder: fc.integer({ min: 0, max: 3 }), link: fc.integer({ min: 1, max: 12 }) }), { maxLength: 6 }),
        async (owner, steps) => {
          run += 1;
          const lotId = `CP-${String(run)}`;
          const orgs = [...ORGS, 'Org4MSP'];
          expect((await attempt(orgs[owner] as string, 'supplier', 'RegisterLot', lotInput(lotId))).ok).to.equal(true);
          let custodian = orgs[owner] as string;
          const expected: Array<[string, string | null]> = [[custodian, null]];
          for (const [i, step] of steps.entries()) {
            const intruder = orgs[step.intruder] as string;
            if (intruder !== custodian) {
              const refused = await attempt(intruder, 'compliance', 'RecordEvents', [eventInput(lotId, step.link, { eventId: `${lotId}-x${String(i)}`, handoverTo: intruder, eventTime: now() })]);
              expect(refused.ok, 'a non-custodian handed over').to.equal(false);
              expect(refused.ok ? '' : refused.message).to.match(/^ACCESS_DENIED: /);
            }
            const to = orgs[step.to] as string;
            const eventId = `${lotId}-h${String(i)}`;
            const done = await attempt(custodian, 'compliance', 'RecordEvents', [eventInput(lotId, step.link, { eventId, handoverTo: to, eventTime: now() })]);
            expect(done.ok, done.ok ? '' : done.message).to.equal(true);
            expected.push([to, eventId]);
            custodian = to;
          }
          const chain = (await provenance(lotId)).custody;
          expect(chain.map((c) => [c.mspId, c.eventId])).to.deep.equal(expected);
          expectPartition(chain);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('property: the upstream tree equals the registered inputs, at every depth', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.record({ pick: fc.nat(), quantity: fc.integer({ min: 1, max: 50 }) }), { maxLength: 2 }), { minLength: 1, maxLength: 7 }),
        async (plan) => {
          run += 1;
          const ids: string[] = [];
          const inputsOf = new Map<string, Array<{ lotId: string; quantity: number }>>();
          for (const [i, wanted] of plan.entries()) {
            const lotId = `UP-${String(run)}-${String(i)}`;
            const inputs = i === 0 ? [] : [...new Map(wanted.map((x) => [ids[x.pick % i] as string, x.quantity])).entries()].map(([id, quantity]) => ({ lotId: id, quantity, unit: 'KGM' }));
            const out = await attempt('Org1MSP', 'supplier', 'RegisterLot', lotInput(lotId, { unit: 'KGM', quantity: 1000, inputs }));
            expect(out.ok, out.ok ? '' : out.message).to.equal(true);
            ids.push(lotId);
            inputsOf.set(lotId, inputs);
          }
          const expand = (lotId: string): unknown => (inputsOf.get(lotId) ?? []).map((x) => ({ lotId: x.lotId, quantity: x.quantity, up: expand(x.lotId) }));
          const shape = (nodes: UpNode[]): unknown => nodes.map((n) => ({ lotId: n.lot.lotId, quantity: n.quantityConsumed, up: shape(n.upstream) }));
          const root = ids[ids.length - 1] as string;
          const p = await provenance(root);
          expect(shape(p.upstream)).to.deep.equal(expand(root));
          expect(p.upstreamTruncated).to.equal(false);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('property: no reader sees an event it is not entitled to, and the chaincode refuses exactly the writes the model refuses', async () => {
    const command = fc.oneof(
      fc.record({ t: fc.constant('lot' as const), org: fc.nat(2) }),
      fc.record({ t: fc.constant('hand' as const), lot: fc.nat(), to: fc.nat(2) }),
      fc.record({ t: fc.constant('child' as const), org: fc.nat(2), lot: fc.nat() }),
      fc.record({ t: fc.constant('made' as const), org: fc.nat(2), lot: fc.nat() }),
      fc.record({ t: fc.constant('post' as const), org: fc.nat(2), lot: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 18 }), async (commands) => {
        run += 1;
        interface ModelLot { id: string; owner: string; holders: string[]; parent?: { id: string; at: number }; inputs: string[]; events: Array<{ id: string; at: number }> }
        const lots: ModelLot[] = [];
        const byId = new Map<string, ModelLot>();
        const current = (l: ModelLot): string => l.holders[l.holders.length - 1] as string;
        const holdsNow = (l: ModelLot, org: string): boolean => current(l) === org || (l.parent !== undefined && current(byId.get(l.parent.id) as ModelLot) === org);
        const everHeld = (l: ModelLot, org: string): boolean => l.holders.includes(org) || (l.parent !== undefined && (byId.get(l.parent.id) as ModelLot).holders.includes(org));
        const add = (l: ModelLot): void => {
          lots.push(l);
          byId.set(l.id, l);
        };
        const rootOrFirst = (n: number): ModelLot | undefined => lots.filter((l) => !l.parent)[n % Math.max(1, lots.filter((l) => !l.parent).length)];
        type Command = (typeof commands)[number];
        const hand = async (c: Extract<Command, { t: 'hand' }>, id: string, target: ModelLot): Promise<void> => {
          const to = ORGS[c.to] as string;
          const at = w.h.clock.now().getTime();
          const out = await attempt(current(target), 'compliance', 'RecordEvents', [eventInput(target.id, 6, { eventId: id, handoverTo: to, eventTime: now() })]);
          expect(out.ok, out.ok ? '' : out.message).to.equal(true);
          target.holders.push(to);
          target.events.push({ id, at });
        };
        const child = async (c: Extract<Command, { t: 'child' }>, id: string): Promise<void> => {
          const parent = rootOrFirst(c.lot) as ModelLot;
          const org = ORGS[c.org] as string;
          const at = w.h.clock.now().getTime();
          const out = await attempt(org, 'broker', 'RegisterLot', lotInput(id, { parentLotId: parent.id }));
          expect(out.ok, `${org} registers a child of ${parent.id} held by ${current(parent)}: ${out.ok ? 'accepted' : out.message}`).to.equal(holdsNow(parent, org));
          if (out.ok) add({ id, owner: org, holders: [org], parent: { id: parent.id, at }, inputs: [], events: [] });
        };
        const made = async (c: Extract<Command, { t: 'made' }>, id: string, target: ModelLot): Promise<void> => {
          const org = ORGS[c.org] as string;
          const out = await attempt(org, 'supplier', 'RegisterLot', lotInput(id, { inputs: [{ lotId: target.id, quantity: 1, unit: 'EA' }] }));
          expect(out.ok, `${org} makes a lot from ${target.id}: ${out.ok ? 'accepted' : out.message}`).to.equal(holdsNow(target, org));
          if (out.ok) add({ id, owner: org, holders: [org], inputs: [target.id], events: [] });
        };
        const post = async (c: Extract<Command, { t: 'post' }>, id: string, target: ModelLot): Promise<void> => {
          const org = ORGS[c.org] as string;
          const at = w.h.clock.now().getTime();
          const out = await attempt(org, 'compliance', 'RecordEvents', [eventInput(target.id, 3, { eventId: id, eventTime: new Date(at).toISOString() })]);
          expect(out.ok, `${org} posts on ${target.id}: ${out.ok ? 'accepted' : out.message}`).to.equal(everHeld(target, org) || target.owner === org);
          if (!out.ok) expect(out.message).to.match(/^ACCESS_DENIED: .*write scope/);
          if (out.ok) target.events.push({ id, at });
        };
        const apply = async (c: Command, id: string): Promise<void> => {
          if (c.t === 'lot') {
            const org = ORGS[c.org] as string;
            expect((await attempt(org, 'supplier', 'RegisterLot', lotInput(id))).ok).to.equal(true);
            add({ id, owner: org, holders: [org], inputs: [], events: [] });
            return;
          }
          if (lots.length === 0) return;
          const target = lots[c.lot % lots.length] as ModelLot;
          if (c.t === 'hand') await hand(c, id, target);
          else if (c.t === 'child') await child(c, id);
          else if (c.t === 'made') await made(c, id, target);
          else await post(c, id, target);
        };
        // entitlement: the lots an organisation owns, then whatever they were packed into or made from
        const entitledOf = (org: string): Set<string> => {
          const entitled = new Set(lots.filter((l) => l.owner === org).map((l) => l.id));
          for (let grew = true; grew; ) {
            grew = false;
            for (const id of [...entitled]) {
              const l = byId.get(id) as ModelLot;
              for (const next of [...(l.parent ? [l.parent.id] : []), ...l.inputs]) {
                if (!entitled.has(next)) {
                  entitled.add(next);
                  grew = true;
                }
              }
            }
          }
          return entitled;
        };
        const expectEntitledTo = (org: string, role: Role, entitled: Set<string>, eventLot: Map<string, ModelLot>, l: ModelLot, e: { id: string; time: number }): void => {
          const on = eventLot.get(e.id);
          expect(on && entitled.has(on.id), `${org} ${role} sees ${e.id} on ${on?.id ?? '?'} in the provenance of ${l.id}`).to.equal(true);
          // a container's events only inside the stay: at or after the pack
          if (on && on.id !== l.id && l.parent?.id === on.id) expect(e.time).to.be.at.least(l.parent.at);
        };
        const expectOnlyEntitled = async (org: string, entitled: Set<string>, eventLot: Map<string, ModelLot>, l: ModelLot): Promise<void> => {
          for (const role of ['broker', 'viewer'] as Role[]) {
            const p = await provenance(l.id, org, role);
            const seen = [
              ...p.links.flatMap((x) => x.events.map((e) => ({ id: e.eventId, time: Date.parse(e.eventTime) }))),
              ...collect(p.upstream),
            ];
            if (role === 'viewer') expect(seen, `viewer of ${org} sees events of ${l.id}`).to.deep.equal([]);
            for (const e of seen) expectEntitledTo(org, role, entitled, eventLot, l, e);
          }
        };
        let k = 0;
        for (const c of commands) {
          k += 1;
          await apply(c, `RS-${String(run)}-${String(k)}`);
        }
        for (const org of ORGS) {
          const entitled = entitledOf(org);
          const eventLot = new Map(lots.flatMap((l) => l.events.map((e) => [e.id, l] as const)));
          for (const l of lots) await expectOnlyEntitled(org, entitled, eventLot, l);
        }
      }),
      { numRuns: 20 },
    );
  });
});

/** Custody intervals partition time: open at both ends, each from where the one before ended, in increasing order. */
function expectPartition(chain: Custody[]): void {
  expect(chain[0]?.from).to.equal(null);
  expect(chain[chain.length - 1]?.until).to.equal(null);
  for (let i = 1; i < chain.length; i++) {
    expect(chain[i]?.from).to.equal(chain[i - 1]?.until);
    expect(Date.parse(chain[i]?.from as string)).to.be.greaterThan(i > 1 ? Date.parse(chain[i - 1]?.from as string) : -Infinity);
  }
}

/** Every event shown anywhere in an upstream tree. */
function collect(nodes: UpNode[]): Array<{ id: string; time: number }> {
  return nodes.flatMap((n) => [...(n.links ?? []).flatMap((x) => x.events.map((e) => ({ id: e.eventId, time: Date.parse(e.eventTime) }))), ...collect(n.upstream)]);
}
