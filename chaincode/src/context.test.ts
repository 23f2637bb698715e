import type { ChaincodeStub, ClientIdentity } from 'fabric-shim-api';
import { expect } from './chai.test';
import { callerOf, TraceabilityContext } from './context';
import { ChaincodeError } from './errors';
import { CHAINCODE_EVENTS } from './events';
import { Store } from './store';

/** A client identity with an MSP id and, optionally, an `acetrace.role` attribute; counts its reads. */
export function identity(mspId: string, role?: string): ClientIdentity & { reads: number } {
  const id = {
    reads: 0,
    getMSPID: () => mspId,
    getAttributeValue: (name: string) => {
      id.reads += 1;
      return name === 'acetrace.role' ? (role ?? null) : null;
    },
  };
  return id as unknown as ClientIdentity & { reads: number };
}

/** A context over a stub with only what a test supplies (anything else throws when called). */
export function contextWith(stub: Partial<ChaincodeStub>, id?: ClientIdentity): TraceabilityContext {
  const ctx = new TraceabilityContext();
  ctx.stub = stub as ChaincodeStub;
  if (id) ctx.clientIdentity = id;
  return ctx;
}

describe('TraceabilityContext', () => {
  describe('callerOf', () => {
    it('reads the MSP id and the acetrace.role attribute', () => {
      expect(callerOf(identity('Org2MSP', 'logistics'))).to.deep.equal({ mspId: 'Org2MSP', role: 'logistics' });
    });

    it('refuses an identity without the role attribute, with the stable ACCESS_DENIED message', () => {
      const call = (): unknown => callerOf(identity('Org1MSP'));
      expect(call).to.throw(ChaincodeError).with.property('code', 'ACCESS_DENIED');
      expect(call).to.throw(
        'ACCESS_DENIED: identity of Org1MSP has no acetrace.role attribute; needs one of viewer, supplier, logistics, broker, auditor, compliance, admin',
      );
    });

    it('refuses an unknown role', () => {
      expect(() => callerOf(identity('Org3MSP', 'pilot'))).to.throw(
        'ACCESS_DENIED: identity of Org3MSP has unknown role pilot; needs one of viewer, supplier, logistics, broker, auditor, compliance, admin',
      );
    });
  });

  it('creates without a stub or identity and reads the caller once, on first use', () => {
    const ctx = new TraceabilityContext(); // fabric-shim injects stub and identity after createContext()
    const id = identity('Org1MSP', 'auditor');
    ctx.clientIdentity = id;
    expect(id.reads).to.equal(0);
    expect(ctx.caller).to.deep.equal({ mspId: 'Org1MSP', role: 'auditor' });
    expect(ctx.caller).to.equal(ctx.caller);
    expect(id.reads).to.equal(1);
  });

  it('throws ACCESS_DENIED from the caller getter each time for an identity without a role', () => {
    const ctx = contextWith({}, identity('Org1MSP'));
    expect(() => ctx.caller).to.throw(/^ACCESS_DENIED: identity of Org1MSP has no acetrace.role attribute/);
    expect(() => ctx.caller).to.throw(/^ACCESS_DENIED: /);
  });

  it('keeps one store per transaction', () => {
    const ctx = contextWith({});
    expect(ctx.store).to.be.instanceOf(Store);
    expect(ctx.store).to.equal(ctx.store);
  });

  it('takes id and time from the transaction, not the clock', () => {
    const ctx = contextWith({ getTxID: () => 'tx-42', getTxTimestamp: () => ({ seconds: 1_767_225_600, nanos: 5_000_000 }) as never });
    expect(ctx.txId).to.equal('tx-42');
    expect(ctx.txTime).to.equal('2026-01-01T00:00:00.005Z');
  });

  it('emits the one chaincode event with sorted keys, the caller and the transaction id', () => {
    const events: Array<[string, string]> = [];
    const ctx = contextWith(
      { getTxID: () => 'tx-7', setEvent: (name: string, payload: Uint8Array) => void events.push([name, Buffer.from(payload).toString('utf8')]) },
      identity('Org1MSP', 'admin'),
    );
    ctx.emit(CHAINCODE_EVENTS.DeviceRegistered, [], [], { mspId: 'Org1MSP', deviceId: 'gate-7' });
    expect(events).to.deep.equal([
      ['DeviceRegistered', '{"deviceId":"gate-7","eventIds":[],"lotIds":[],"mspId":"Org1MSP","recordedBy":"Org1MSP","txId":"tx-7","type":"DeviceRegistered"}'],
    ]);
  });
});
