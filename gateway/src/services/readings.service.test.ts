import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from '../chai.test';
import { mapFabricError } from '../adapters/fabric/error-mapping';
import { LedgerNotFoundError } from '../errors';
import type { EventQueue } from '../ports/event-queue';
import type { LedgerIdentity, LedgerPort } from '../ports/ledger';
import { createReadingsService } from './readings.service';

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

const queue = {
  get: () => Promise.resolve(undefined),
  enqueue: (_p: unknown, events: Array<{ eventId: string }>) => Promise.resolve(events.map((e) => ({ eventId: e.eventId, status: 'queued' }))),
} as unknown as EventQueue;

const reads = (epcs: string[]) => epcs.map((epc) => ({ readerId: 'dock-1', epc, readTime: '2026-11-20T08:00:00Z' }));

describe('services/readings: EPC → lot lookup', () => {
  let dir: string;
  let readersFile: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-readings-service-'));
    readersFile = path.join(dir, 'readers.json');
    fs.writeFileSync(readersFile, JSON.stringify([{ readerId: 'dock-1', link: 9 }]));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the lot with GetLotByEpc as the least-privileged identity, never assembling provenance', async () => {
    const { ledger, calls } = fakeLedger({ withLotByEpc: true });
    const service = createReadingsService({ ledger, queue, readersFile, windowMs: 60_000 });
    const res = await service.record({ principal: 'p', identity: 'org1-logistics' }, reads([EPC, 'urn:epc:id:sgtin:0614141.812345.8']));
    expect(res.accepted.map((a) => a.lotId)).to.deep.equal(['LOT-7']);
    expect(res.unknownEpcs).to.deep.equal(['urn:epc:id:sgtin:0614141.812345.8']);
    expect(calls.map((c) => c.fn)).to.deep.equal(['GetLotByEpc', 'GetLotByEpc']);
    expect(calls.every((c) => c.identity === 'org2-viewer')).to.equal(true);
  });

  it('falls back to GetProvenanceByEpc, and stays there, against a chaincode without GetLotByEpc', async () => {
    const { ledger, calls } = fakeLedger({ withLotByEpc: false });
    const service = createReadingsService({ ledger, queue, readersFile, windowMs: 60_000 });
    const res = await service.record({ principal: 'p', identity: 'org1-logistics' }, reads([EPC, 'urn:epc:id:sgtin:0614141.812345.9']));
    expect(res.accepted.map((a) => a.lotId)).to.deep.equal(['LOT-7']);
    expect(res.unknownEpcs).to.deep.equal(['urn:epc:id:sgtin:0614141.812345.9']);
    const asked = calls.filter((c) => c.fn === 'GetLotByEpc').length;
    expect(asked, 'only by the lookups already in flight').to.be.within(1, 2);
    expect(calls.filter((c) => c.fn === 'GetProvenanceByEpc')).to.have.length(2);
    await service.record({ principal: 'p', identity: 'org1-logistics' }, reads(['urn:epc:id:sgtin:0614141.812345.10']));
    expect(calls.filter((c) => c.fn === 'GetLotByEpc'), 'remembered: not asked again').to.have.length(asked);
    expect(calls.filter((c) => c.fn === 'GetProvenanceByEpc')).to.have.length(3);
  });
});
