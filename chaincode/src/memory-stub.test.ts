/**
 * An in-memory stand-in for the shim calls the contract makes, private data included, for unit tests only
 * (integration tests run the real fabric-shim stub on the embedded network). One `MemoryLedger` is the
 * channel; `peerOf(msp)` simulates a transaction on that organisation's peer: its private store answers only
 * its own implicit collection, as a Fabric peer outside a collection holds only hashes. Writes apply at once
 * (no MVCC): enough for what a unit test checks.
 */
import type { ChaincodeStub } from 'fabric-shim-api';
import { compositeKey } from './keys';

/** The shared ledger and every organisation's private store. */
export class MemoryLedger {
  readonly state = new Map<string, Uint8Array>();
  /** collection → key → value (a member peer's private store). */
  readonly privateStores = new Map<string, Map<string, Uint8Array>>();
  /** Private writes as hashes only: what every peer and the block would hold. */
  readonly events: Array<{ name: string; payload: string }> = [];
  private tx = 0;

  /** A stub simulating one transaction on `peerMsp`'s peer, with this transient map and time. */
  stubOn(peerMsp: string, transient: Record<string, string> = {}, at = '2026-06-01T00:00:00.000Z'): ChaincodeStub {
    this.tx += 1;
    const txId = `tx-${String(this.tx)}`;
    const seconds = Math.floor(Date.parse(at) / 1000) + this.tx;

    const stub = {
      getTxID: () => txId,
      getTxTimestamp: () => ({ seconds, nanos: 0 }),
      getTransient: () => new Map(Object.entries(transient).map(([k, v]) => [k, Buffer.from(v, 'utf8')])),
      getState: (key: string) => Promise.resolve(this.state.get(key) ?? new Uint8Array()),
      putState: (key: string, value: Uint8Array) => {
        this.state.set(key, value);
        return Promise.resolve();
      },
      deleteState: (key: string) => {
        this.state.delete(key);
        return Promise.resolve();
      },
      createCompositeKey: (type: string, attrs: string[]) => compositeKey(type, attrs),
      getStateByPartialCompositeKey: (type: string, attrs: string[]) => Promise.resolve(iterate(this.state, compositeKey(type, attrs))),
      setEvent: (name: string, payload: Uint8Array) => {
        this.events.push({ name, payload: Buffer.from(payload).toString('utf8') });
      },
      putPrivateData: (collection: string, key: string, value: Uint8Array) => {
        // Any endorser may simulate a write; the value reaches only the member's store.
        this.store(collection).set(key, value);
        return Promise.resolve();
      },
      getPrivateData: (collection: string, key: string) => {
        if (collection !== `_implicit_org_${peerMsp}`) return notMember(collection);
        return Promise.resolve(this.store(collection).get(key) ?? new Uint8Array());
      },
      getPrivateDataByPartialCompositeKey: (collection: string, type: string, attrs: string[]) => {
        if (collection !== `_implicit_org_${peerMsp}`) return notMember(collection);
        return iterate(this.store(collection), compositeKey(type, attrs));
      },
      purgePrivateData: (collection: string, key: string) => {
        this.store(collection).delete(key);
        return Promise.resolve();
      },
    };
    const notMember = (collection: string): Promise<never> =>
      Promise.reject(new Error(`private data of ${collection} is not available on a peer of ${peerMsp}`));
    return stub as unknown as ChaincodeStub;
  }

  private store(collection: string): Map<string, Uint8Array> {
    let s = this.privateStores.get(collection);
    if (!s) {
      s = new Map();
      this.privateStores.set(collection, s);
    }
    return s;
  }

  /** Everything the shared ledger holds, as text (world state keys and values, chaincode events). */
  sharedText(): string {
    const parts = [...this.state].map(([k, v]) => `${k}=${Buffer.from(v).toString('utf8')}`);
    return [...parts, ...this.events.map((e) => `${e.name}:${e.payload}`)].join('\n');
  }
}

/** A fabric-shim-like iterator over the keys with a prefix, in key order. */
function iterate(map: ReadonlyMap<string, Uint8Array>, prefix: string): unknown {
  const rows = [...map].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let i = 0;
  const next = (): Promise<IteratorResult<{ key: string; value: Uint8Array }>> => {
    const row = rows[i++];
    return Promise.resolve(row ? { value: { key: row[0], value: row[1] }, done: false } : { value: undefined, done: true });
  };
  // awaited and read with next()/close(), or iterated with for-await, as fabric-shim's iterators are
  return { next, close: () => Promise.resolve(), [Symbol.asyncIterator]: () => ({ next }) };
}
