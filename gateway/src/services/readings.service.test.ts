import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from '../chai.test';
import { mapFabricError } from '../adapters/fabric/error-mapping';
import { LedgerNotFoundError, LedgerUnavailableError } from '../errors';
import { createEventQueue } from '../ingestion';
import { FakeLedger, silentLogger, tmpDb, testKeyring } from '../ingestion/testutils.test';
import type { EventQueue } from '../ports/event-queue';
import type { LedgerIdentity, LedgerPort } from '../ports/ledger';
import { ReadingsService, createReadingsService, readingEventId, type RawRead, type ReaderInfo } from './readings.service';

const EPC = 'urn:epc:id:sgtin:0614141.812345.7';

function fakeLedger(options: { withLotByEpc: boolean }) {
  const calls: Array<{ fn: string; identity: string; epc: string }> = [];
  const identities: LedgerIdentity[] = [
    { name: 'org1-supplier', mspId: 'Org1MSP', role: 'supplier' },
    { name: 'org2-viewer', mspId: 'Org2MSP', role: 'viewer' },
  ];
  const answer = (fn: string, identity: string, epc: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    calls.push({ fn, identity, epc });
    if (epc !== EPC) return Promise.reject(new LedgerNotFoundError(`NOT_FOUND: EPC ${epc} belongs to no registered lot`));
    return Promise.resolve(body);
  };
  const ledger = {
    identities: () => identities,
    lotByEpc: (identity: string, epc: string) => {
      if (!options.withLotByEpc) {
        calls.push({ fn: 'GetLotByEpc', identity, epc });
        // as the Fabric client reports the chaincode's answer, classified by the adapter
        const evaluateError = Object.assign(new Error('2 UNKNOWN: chaincode response 500, INVALID_ARGUMENT: unknown transaction GetLotByEpc'), {
          name: 'GatewayError',
          code: 2,
          details: [],
        });
        return Promise.reject(mapFabricError(evaluateError, 'GetLotByEpc'));
      }
      return answer('GetLotByEpc', identity, epc, { lot: { lotId: 'LOT-7' }, linksCovered: [], completeness: {} });
    },
    provenanceByEpc: (identity: string, epc: string) => answer('GetProvenanceByEpc', identity, epc, { lot: { lotId: 'LOT-7' }, links: [] }),
  } as unknown as LedgerPort;
  return { ledger, calls };
}

const stubQueue = {
  get: () => Promise.resolve(undefined),
  enqueue: (_p: unknown, events: Array<{ eventId: string }>) => Promise.resolve(events.map((e) => ({ eventId: e.eventId, status: 'queued' }))),
} as unknown as EventQueue;

const readsOf = (epcs: string[]) => epcs.map((epc) => ({ readerId: 'dock-1', epc, readTime: '2026-11-20T08:00:00Z' }));

describe('services/readings: EPC → lot lookup', () => {
  let dir: string;
  let readersFile: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-readings-service-'));
    readersFile = path.join(dir, 'readers.json');
    fs.writeFileSync(readersFile, JSON.stringify([{ readerId: 'dock-1', link: 9 }]));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A service over a fake ledger (with or without GetLotByEpc) and its answer to reads of the known EPC and `unknown`. */
  async function firstReads(withLotByEpc: boolean, unknown: string) {
    const { ledger, calls } = fakeLedger({ withLotByEpc });
    const service = createReadingsService({ ledger, queue: stubQueue, readersFile, windowMs: 60_000 });
    const res = await service.record({ principal: 'p', identity: 'org1-logistics' }, readsOf([EPC, unknown]));
    return { calls, service, res };
  }

  it('finds the lot with GetLotByEpc as the least-privileged identity, never assembling provenance', async () => {
    const { calls, res } = await firstReads(true, 'urn:epc:id:sgtin:0614141.812345.8');
    expect(res.accepted.map((a) => a.lotId)).to.deep.equal(['LOT-7']);
    expect(res.unknownEpcs).to.deep.equal(['urn:epc:id:sgtin:0614141.812345.8']);
    expect(calls.map((c) => c.fn)).to.deep.equal(['GetLotByEpc', 'GetLotByEpc']);
    expect(calls.every((c) => c.identity === 'org2-viewer')).to.equal(true);
  });

  it('falls back to GetProvenanceByEpc, and stays there, against a chaincode without GetLotByEpc', async () => {
    const { calls, service, res } = await firstReads(false, 'urn:epc:id:sgtin:0614141.812345.9');
    expect(res.accepted.map((a) => a.lotId)).to.deep.equal(['LOT-7']);
    expect(res.unknownEpcs).to.deep.equal(['urn:epc:id:sgtin:0614141.812345.9']);
    const asked = calls.filter((c) => c.fn === 'GetLotByEpc').length;
    expect(asked, 'only by the lookups already in flight').to.be.within(1, 2);
    expect(calls.filter((c) => c.fn === 'GetProvenanceByEpc')).to.have.length(2);
    await service.record({ principal: 'p', identity: 'org1-logistics' }, readsOf(['urn:epc:id:sgtin:0614141.812345.10']));
    expect(calls.filter((c) => c.fn === 'GetLotByEpc'), 'remembered: not asked again').to.have.length(asked);
    expect(calls.filter((c) => c.fn === 'GetProvenanceByEpc')).to.have.length(3);
  });
});

const poster = { principal: 'dock-middleware', identity: 'org1-logistics' };
const COMPANY = '0614141';
const ITEM = '812345';

/** SGTIN-96 hex (filter 1, partition 5: 7-digit company prefix, 6-digit item reference). */
function sgtin96Hex(serial: number): string {
  let v = 0x30n;
  v = (v << 3n) | 1n;
  v = (v << 3n) | 5n;
  v = (v << 24n) | BigInt(Number(COMPANY));
  v = (v << 20n) | BigInt(Number(ITEM));
  v = (v << 38n) | BigInt(serial);
  return v.toString(16).toUpperCase().padStart(24, '0');
}
const pure = (serial: number): string => `urn:epc:id:sgtin:${COMPANY}.${ITEM}.${String(serial)}`;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ISO 8601 in +08:00 (Shenzhen dock time). */
function plus8(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 23)}+08:00`;
}

const READERS: ReaderInfo[] = [
  { readerId: 'szx-dock-1', link: 6, location: { gln: '0614141000012', lat: 22.54, lon: 114.05 }, identity: poster.identity },
  { readerId: 'szx-dock-2', link: 6, location: { gln: '0614141000029' } },
  { readerId: 'yantian-gate-3', link: 9, location: { lat: 22.57, lon: 114.27 }, identity: poster.identity },
  { readerId: 'lax-dc-4', link: 12 },
];

describe('services/readings: raw reads → rfid events', function () {
  this.timeout(30_000);
  const queues: EventQueue[] = [];
  afterEach(async () => Promise.all(queues.splice(0).map((q) => q.stop())));
  const newQueue = (): EventQueue => {
    const q = createEventQueue({ keyring: testKeyring, dbPath: tmpDb(), ledger: new FakeLedger(), logger: silentLogger });
    queues.push(q);
    return q;
  };

  // 100 tags in 5 lots of 20; 5 tags of no lot
  const lotOf = new Map<string, string>();
  for (let s = 1; s <= 100; s++) lotOf.set(pure(s), `LOT-${String(Math.ceil(s / 20))}`);
  const lookups: string[] = [];
  const lotForEpc = (epc: string): Promise<string | undefined> => {
    lookups.push(epc);
    return Promise.resolve(lotOf.get(epc));
  };
  beforeEach(() => {
    lookups.length = 0;
  });

  function generate(n: number, seed: number): RawRead[] {
    const r = rng(seed);
    const start = Date.parse('2026-11-20T08:00:00+08:00');
    return Array.from({ length: n }, () => {
      const ghost = r() < 0.01;
      const serial = r() < 0.02 ? 900 + Math.floor(r() * 5) : 1 + Math.floor(r() * 100);
      const spelling = r();
      const epc =
        spelling < 0.4 ? sgtin96Hex(serial) : spelling < 0.7 ? pure(serial) : `urn:epc:tag:sgtin-96:1.${COMPANY}.${ITEM}.${String(serial)}`;
      const readerId = ghost ? 'ghost-reader' : (READERS[Math.floor(r() * READERS.length)]?.readerId ?? '');
      const t = start + Math.floor(r() * 10 * 60_000);
      return { readerId, antenna: 1 + Math.floor(r() * 4), epc, rssi: -40 - Math.floor(r() * 30), readTime: r() < 0.5 ? plus8(t) : new Date(t).toISOString() };
    });
  }

  /** What the reads must become, computed from the data. */
  function expected(reads: RawRead[], windowMs: number) {
    const known = new Set(READERS.map((x) => x.readerId));
    const triples = new Set<string>();
    const knownTriples = new Set<string>();
    const groups = new Map<string, Set<string>>();
    const unknownEpcs = new Set<string>();
    let fromKnownReaders = 0;
    for (const read of reads) {
      if (!known.has(read.readerId)) continue;
      fromKnownReaders += 1;
      const serial = /^[0-9A-F]{24}$/.test(read.epc)
        ? Number(BigInt(`0x${read.epc}`) & ((1n << 38n) - 1n))
        : Number(read.epc.split('.').pop());
      const epc = pure(serial);
      const window = Math.floor(Date.parse(read.readTime) / windowMs);
      triples.add(`${read.readerId}|${epc}|${String(window)}`);
      const lot = lotOf.get(epc);
      if (!lot) {
        unknownEpcs.add(epc);
        continue;
      }
      knownTriples.add(`${read.readerId}|${epc}|${String(window)}`);
      const key = `${read.readerId}|${String(window)}|${lot}`;
      groups.set(key, (groups.get(key) ?? new Set()).add(epc));
    }
    return { events: groups.size, suppressed: fromKnownReaders - triples.size, epcs: knownTriples.size, unknownEpcs, groups };
  }

  it('collapses 10,000 raw reads of 100 tags at 4 readers into one rfid event per reader, window and lot', async () => {
    const reads = generate(10_000, 42);
    const want = expected(reads, 60_000);
    const queue = newQueue();
    const service = new ReadingsService({ queue, readers: READERS, lotForEpc });

    const got = await service.record(poster, reads);

    expect(got.accepted).to.have.length(want.events);
    expect(got.suppressed).to.equal(want.suppressed);
    expect(got.accepted.reduce((n, a) => n + a.epcCount, 0)).to.equal(want.epcs);
    expect(new Set(got.unknownEpcs)).to.deep.equal(want.unknownEpcs);
    expect(got.unknownEpcs.length).to.be.greaterThan(0);
    expect(got.unknownReaders).to.deep.equal(['ghost-reader']);
    expect(got.invalidReads).to.deep.equal([]);
    expect(got.forbiddenReaders).to.deep.equal([]);
    expect(queue.depth().queued).to.equal(want.events);
    expect(new Set(lookups).size, 'one lookup per distinct EPC').to.equal(lookups.length);

    const groups = want.groups;
    /** The queued rfid event of an accepted reading: its reader's link, and the EPCs of its reader, window and lot. */
    const expectQueued = async (a: (typeof got.accepted)[number]): Promise<void> => {
      const stored = await queue.get(a.eventId);
      const e = stored?.event;
      expect(stored?.status).to.equal('queued');
      expect(e?.kind).to.equal('rfid');
      expect(e?.deviceId).to.equal(a.readerId);
      expect(e?.link).to.equal(READERS.find((r) => r.readerId === a.readerId)?.link);
      const window = Math.floor(Date.parse(a.eventTime) / 60_000);
      const epcs = [...(groups.get(`${a.readerId}|${String(window)}|${a.lotId}`) ?? [])].sort();
      expect(e?.epcs).to.deep.equal(epcs);
      expect(a.eventId).to.equal(readingEventId(a.readerId, window * 60_000, epcs));
    };
    for (const a of got.accepted) await expectQueued(a);
    const dock1 = got.accepted.find((a) => a.readerId === 'szx-dock-1');
    expect((await queue.get(dock1?.eventId ?? ''))?.event.location).to.deep.equal({ gln: '0614141000012', lat: 22.54, lon: 114.05 });
  });

  it('gives a repeated request the same event ids and stores nothing new, also after a restart', async () => {
    const reads = generate(2_000, 7);
    const queue = newQueue();
    const first = await new ReadingsService({ queue, readers: READERS, lotForEpc }).record(poster, reads);
    const ids = first.accepted.map((a) => a.eventId).sort();
    const depth = queue.depth().queued;
    const lookupsAfterFirst = lookups.length;

    const service = new ReadingsService({ queue, readers: READERS, lotForEpc });
    const again = await service.record(poster, reads);
    expect(again.accepted.map((a) => a.eventId).sort()).to.deep.equal(ids);
    expect(queue.depth().queued).to.equal(depth);
    const third = await service.record(poster, reads); // this instance now remembers the reads
    expect(third.accepted.map((a) => a.eventId).sort()).to.deep.equal(ids);
    expect(third.suppressed).to.be.greaterThan(again.suppressed);
    expect(queue.depth().queued).to.equal(depth);
    expect(lookups.length - lookupsAfterFirst, 'lots cached per instance').to.equal(lookupsAfterFirst);
  });

  it('suppresses by window, reports invalid reads and readers of another identity, and splits windows', async () => {
    const queue = newQueue();
    const service = new ReadingsService({ queue, readers: READERS, lotForEpc, windowMs: 30_000 });
    const t = (s: number): string => plus8(Date.parse('2026-11-20T08:00:00+08:00') + s * 1000);
    const got = await service.record({ principal: 'x', identity: 'org2-logistics' }, [
      { readerId: 'szx-dock-2', epc: pure(1), readTime: t(1) },
      { readerId: 'szx-dock-2', epc: sgtin96Hex(1), readTime: t(20) }, // same tag, same 30 s window
      { readerId: 'szx-dock-2', epc: pure(1), readTime: t(31) }, // next window
      { readerId: 'szx-dock-2', epc: pure(2), readTime: t(0) },
      { readerId: 'szx-dock-1', epc: pure(3), readTime: t(0) }, // belongs to org1-logistics
      { readerId: 'szx-dock-2', epc: 'not-an-epc', readTime: t(0) },
      { readerId: 'szx-dock-2', epc: pure(4), readTime: '2026-11-20 08:00' },
    ]);
    expect(got.suppressed).to.equal(1);
    expect(got.forbiddenReaders).to.deep.equal(['szx-dock-1']);
    expect(got.invalidReads.map((i) => i.index)).to.deep.equal([5, 6]);
    expect(got.accepted.map((a) => [a.epcCount, a.eventTime])).to.have.deep.members([
      [2, t(0)],
      [1, t(31)],
    ]);
  });

  it('fails the whole call when the lot lookup fails, storing nothing (the client repeats)', async () => {
    const queue = newQueue();
    const service = new ReadingsService({
      queue,
      readers: READERS,
      lotForEpc: () => Promise.reject(new LedgerUnavailableError('peer down', { transient: true })),
    });
    let caught: unknown;
    try {
      await service.record(poster, [{ readerId: 'lax-dc-4', epc: pure(5), readTime: '2026-11-20T08:00:00Z' }]);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(LedgerUnavailableError);
    expect(queue.depth().queued).to.equal(0);
  });
});
