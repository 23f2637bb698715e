/** POST /v1/readings' bounds: lookups in flight, suppression across a restart, readers whose link the poster may not post. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from '../chai.test';
import { LedgerNotFoundError } from '../errors';
import { createEventQueue } from '../ingestion';
import { FakeLedger, silentLogger, tmpDb, testKeyring } from '../ingestion/testutils.test';
import type { LedgerIdentity, LedgerPort } from '../ports/ledger';
import { createReadingsService } from './readings.service';

const identities: LedgerIdentity[] = [{ name: 'org2-viewer', mspId: 'Org2MSP', role: 'viewer' }];
const TIME = '2026-11-20T08:00:00Z';
const epc = (i: number): string => `urn:epc:id:sgtin:0614141.812345.${String(i)}`;

/** A ledger whose EPC lookup takes a while and counts how many are in flight at once. */
function slowLedger(known: (epc: string) => boolean) {
  const stats = { inFlight: 0, maxInFlight: 0, calls: 0 };
  const ledger = {
    identities: () => identities,
    lotByEpc: async (_identity: string, e: string) => {
      stats.calls += 1;
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      await new Promise((r) => setTimeout(r, 2));
      stats.inFlight -= 1;
      if (!known(e)) throw new LedgerNotFoundError(`EPC ${e} belongs to no registered lot`);
      return { lot: { lotId: 'LOT-7' }, linksCovered: [], completeness: {} };
    },
  } as unknown as LedgerPort;
  return { ledger, stats };
}

describe('services/readings: bounds', function () {
  this.timeout(30_000);
  let readersFile: string;
  before(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-readings-bounds-'));
    readersFile = path.join(dir, 'readers.json');
    fs.writeFileSync(readersFile, JSON.stringify([{ readerId: 'dock-1', link: 9 }, { readerId: 'line-1', link: 3 }]));
  });

  it('a 10,000-read POST keeps at most lookupConcurrency EPC lookups in flight', async () => {
    const { ledger, stats } = slowLedger(() => false);
    const queue = createEventQueue({ keyring: testKeyring, dbPath: tmpDb(), ledger: new FakeLedger(), logger: silentLogger });
    try {
      const service = createReadingsService({ ledger, queue, readersFile, windowMs: 60_000, lookupConcurrency: 8 });
      const reads = Array.from({ length: 10_000 }, (_, i) => ({ readerId: 'dock-1', epc: epc(i), readTime: TIME }));
      const result = await service.record({ principal: 'carrier', identity: 'org2-logistics' }, reads);
      expect(result.unknownEpcs).to.have.length(10_000);
      expect(stats.calls).to.equal(10_000);
      expect(stats.maxInFlight, 'lookups in flight at once').to.equal(8);
    } finally {
      await queue.stop();
    }
  });

  it('remembers what it suppresses across a restart (kept in the outbox)', async () => {
    const dbPath = tmpDb();
    const { ledger } = slowLedger(() => true);
    const reads = [epc(1), epc(2)].map((e) => ({ readerId: 'dock-1', epc: e, readTime: TIME }));
    const first = createEventQueue({ keyring: testKeyring, dbPath, ledger: new FakeLedger(), logger: silentLogger });
    const before = await createReadingsService({ ledger, queue: first, readersFile, windowMs: 60_000 }).record(
      { principal: 'carrier', identity: 'org2-logistics' },
      reads,
    );
    expect(before.accepted).to.have.length(1);
    await first.stop();

    // a new process: one of the same EPCs read again later in the same window, alone (another EPC set, so another id)
    const second = createEventQueue({ keyring: testKeyring, dbPath, ledger: new FakeLedger(), logger: silentLogger });
    try {
      const after = await createReadingsService({ ledger, queue: second, readersFile, windowMs: 60_000 }).record(
        { principal: 'carrier', identity: 'org2-logistics' },
        [{ readerId: 'dock-1', epc: epc(2), readTime: '2026-11-20T08:00:30Z' }],
      );
      expect(after.suppressed).to.equal(1);
      expect(after.accepted.map((a) => a.eventId)).to.deep.equal(before.accepted.map((a) => a.eventId));
    } finally {
      await second.stop();
    }
  });

  it("refuses, before the 202, a reader whose link the poster's role may not post", async () => {
    const { ledger } = slowLedger(() => true);
    const queue = createEventQueue({ keyring: testKeyring, dbPath: tmpDb(), ledger: new FakeLedger(), logger: silentLogger });
    try {
      const service = createReadingsService({ ledger, queue, readersFile, windowMs: 60_000 });
      const carrier = { name: 'carrier', identity: 'org2-logistics', role: 'logistics', mspId: 'Org2MSP' };
      const result = await service.post(carrier, [
        { readerId: 'dock-1', epc: epc(5), readTime: TIME },
        { readerId: 'line-1', epc: epc(6), readTime: TIME },
      ]);
      expect(result.forbiddenReaders).to.deep.equal(['line-1']);
      expect(result.accepted.map((a) => a.readerId)).to.deep.equal(['dock-1']);
    } finally {
      await queue.stop();
    }
  });
});
