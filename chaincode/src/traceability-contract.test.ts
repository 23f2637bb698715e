import type { ChaincodeStub } from 'fabric-shim-api';
import { expect } from './chai.test';
import { TraceabilityContext } from './context';
import { contextWith, identity } from './context.test';
import { ChaincodeError } from './errors';
import { lotRecord } from './fixtures.test';
import { lotKey, marshal } from './keys';
import { TraceabilityContract } from './traceability-contract';

type AroundFn = Parameters<TraceabilityContract['aroundTransaction']>[1];

/** Runs a transaction the way fabric-shim does: through aroundTransaction, by name. */
async function run(ctx: TraceabilityContext, fn: string, ...args: string[]): Promise<unknown> {
  return new TraceabilityContract().aroundTransaction(ctx, fn as unknown as AroundFn, args);
}

/** The rejection of a promise (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** A stub whose every state read fails with `failure`. */
const failingStub = (failure: unknown): Partial<ChaincodeStub> => ({
  getState: () => {
    throw failure; // what a broken peer connection might do: not even an Error
  },
});

describe('TraceabilityContract hooks', () => {
  it('createContext gives the acetrace context', () => {
    expect(new TraceabilityContract().createContext()).to.be.instanceOf(TraceabilityContext);
  });

  describe('aroundTransaction', () => {
    it('turns an unexpected error into INTERNAL with its message', async () => {
      const err = await rejection(run(contextWith(failingStub(new Error('disk gone')), identity('Org1MSP', 'viewer')), 'ReadLot', 'L1'));
      expect(err).not.to.be.instanceOf(ChaincodeError);
      expect(err.message).to.equal('INTERNAL: disk gone');
    });

    it('turns a thrown non-Error into INTERNAL too', async () => {
      const err = await rejection(run(contextWith(failingStub('socket closed'), identity('Org1MSP', 'viewer')), 'ReadLot', 'L1'));
      expect(err.message).to.equal('INTERNAL: socket closed');
    });

    it('lets a ChaincodeError leave unchanged', async () => {
      const stub: Partial<ChaincodeStub> = { getState: () => Promise.resolve(new Uint8Array()) };
      const err = await rejection(run(contextWith(stub, identity('Org1MSP', 'viewer')), 'ReadLot', 'L9'));
      expect(err).to.be.instanceOf(ChaincodeError);
      expect(err.message).to.equal('NOT_FOUND: lot L9 is not registered');
    });

    it('checks the caller before the transaction runs', async () => {
      let reads = 0;
      const stub: Partial<ChaincodeStub> = { getState: () => ((reads += 1), Promise.reject(new Error('read'))) };
      const err = await rejection(run(contextWith(stub, identity('Org1MSP')), 'ReadLot', 'L1'));
      expect(err).to.be.instanceOf(ChaincodeError);
      expect(err.message).to.match(/^ACCESS_DENIED: identity of Org1MSP has no acetrace.role attribute; needs one of viewer, /);
      expect(reads).to.equal(0);
    });

    it('returns what the transaction returns', async () => {
      const lot = lotRecord({ lotId: 'L1' });
      const stub: Partial<ChaincodeStub> = {
        getState: (key: string) => Promise.resolve(key === lotKey('L1') ? marshal(lot) : new Uint8Array()),
      };
      const answer = await run(contextWith(stub, identity('Org1MSP', 'viewer')), 'ReadLot', 'L1');
      expect(JSON.parse(answer as string)).to.deep.include({ lot, linksCovered: [] });
    });

    it('keeps validation messages as they are', async () => {
      const err = await rejection(run(contextWith({}, identity('Org1MSP', 'viewer')), 'ListLots', '{"pageSize":0}'));
      expect(err.message).to.equal('INVALID_ARGUMENT: pageSize: must be an integer 1-200');
    });
  });

  it('answers an unknown transaction name with INVALID_ARGUMENT', async () => {
    const ctx = contextWith({ getFunctionAndParameters: () => ({ fcn: 'Teleport', params: [] }) });
    const err = await rejection(new TraceabilityContract().unknownTransaction(ctx));
    expect(err).to.be.instanceOf(ChaincodeError);
    expect(err.message).to.equal('INVALID_ARGUMENT: unknown transaction Teleport');
  });

  it('declares the same transactions, kinds and arguments (the context is not an argument)', () => {
    const reflect = Reflect as unknown as { getMetadata(key: string, target: object): unknown };
    const declared = reflect.getMetadata('fabric:transactions', TraceabilityContract.prototype) as Array<{
      name: string;
      tag: string[];
      parameters: Array<{ name: string; schema: { type: string } }>;
    }>;
    const summary = Object.fromEntries(
      declared.map((t) => [t.name, `${t.tag[0] ?? ''}(${t.parameters.map((p) => `${p.name}: ${p.schema.type}`).join(', ')})`]),
    );
    expect(summary).to.deep.equal({
      RegisterLot: 'SUBMIT(lotJson: string)',
      RecordEvents: 'SUBMIT(eventsJson: string)',
      RecordCorrection: 'SUBMIT(correctionJson: string)',
      RegisterDevice: 'SUBMIT(deviceJson: string)',
      RegisterOrganisation: 'SUBMIT(organisationJson: string)',
      ReadLot: 'EVALUATE(lotId: string)',
      GetEvent: 'EVALUATE(eventId: string)',
      GetProvenance: 'EVALUATE(lotId: string)',
      GetProvenanceByEpc: 'EVALUATE(epc: string)',
      GetProvenanceSummary: 'EVALUATE(lotId: string)',
      GetProvenanceSummaryByEpc: 'EVALUATE(epc: string)',
      GetLinkEvents: 'EVALUATE(lotId: string, queryJson: string)',
      GetLotByEpc: 'EVALUATE(epc: string)',
      GetLotHistory: 'EVALUATE(lotId: string)',
      ListLots: 'EVALUATE(filterJson: string)',
      PurgePrivateData: 'SUBMIT(lotId: string)',
      PutOrganisationProfile: 'SUBMIT(profileJson: string)',
      RegisterFacility: 'SUBMIT(facilityJson: string)',
      GetEventOf: 'EVALUATE(recordedBy: string, eventId: string)',
      GetPrivateData: 'EVALUATE(lotId: string, mspId: string)',
      GetOrganisation: 'EVALUATE(mspId: string)',
      ListOrganisations: 'EVALUATE()',
      GetFacility: 'EVALUATE(gln: string)',
      ListFacilities: 'EVALUATE(filterJson: string)',
      GetDevice: 'EVALUATE(deviceId: string)',
    });
  });
});
