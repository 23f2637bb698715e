import { ROLE_ATTRIBUTE } from '@acetrace/chaincode/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

/**
 * A tiny contract exercising the ledger features the acetrace chaincode relies on. For the
 * network package's own tests; every transaction takes and returns strings.
 */
@Info({ title: 'fixture', description: 'ledger-core test fixture' })
export class FixtureContract extends Contract {
  constructor() {
    super('fixture');
  }

  @Transaction()
  async put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
    ctx.stub.setEvent('Put', Buffer.from(JSON.stringify({ key, value })));
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getState(key)).toString('utf8');
  }

  @Transaction()
  async del(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  /** Writes then reads the same key: returns what the read saw (committed state, not the write). */
  @Transaction()
  @Returns('string')
  async putThenGet(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    const seen = Buffer.from(await ctx.stub.getState(key)).toString('utf8');
    return JSON.stringify({ seen });
  }

  /** Read-modify-write of a counter. */
  @Transaction()
  @Returns('string')
  async increment(ctx: Context, key: string): Promise<string> {
    const current = Buffer.from(await ctx.stub.getState(key)).toString('utf8');
    const next = (current ? Number(current) : 0) + 1;
    await ctx.stub.putState(key, Buffer.from(String(next)));
    return String(next);
  }

  @Transaction(false)
  @Returns('string')
  async range(ctx: Context, startKey: string, endKey: string): Promise<string> {
    const out: Array<{ key: string; value: string }> = [];
    for await (const kv of ctx.stub.getStateByRange(startKey, endKey)) {
      out.push({ key: kv.key, value: Buffer.from(kv.value).toString('utf8') });
    }
    return JSON.stringify(out);
  }

  /** Counts a range and writes the count (a range read in a writing transaction). */
  @Transaction()
  @Returns('string')
  async countRange(ctx: Context, startKey: string, endKey: string, target: string): Promise<string> {
    let n = 0;
    for await (const kv of ctx.stub.getStateByRange(startKey, endKey)) {
      if (kv.key) n++;
    }
    await ctx.stub.putState(target, Buffer.from(String(n)));
    return String(n);
  }

  @Transaction(false)
  @Returns('string')
  async rangePage(ctx: Context, startKey: string, endKey: string, pageSize: string, bookmark: string): Promise<string> {
    const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(startKey, endKey, Number(pageSize), bookmark);
    const keys: string[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) keys.push(r.value.key);
    await iterator.close();
    return JSON.stringify({ keys, bookmark: metadata.bookmark, fetched: metadata.fetchedRecordsCount });
  }

  @Transaction()
  async putComposite(ctx: Context, objectType: string, a: string, b: string, value: string): Promise<void> {
    await ctx.stub.putState(ctx.stub.createCompositeKey(objectType, [a, b]), Buffer.from(value));
  }

  @Transaction(false)
  @Returns('string')
  async listComposite(ctx: Context, objectType: string, a: string): Promise<string> {
    const out: string[] = [];
    for await (const kv of ctx.stub.getStateByPartialCompositeKey(objectType, a ? [a] : [])) {
      out.push(ctx.stub.splitCompositeKey(kv.key).attributes.join('/') + '=' + Buffer.from(kv.value).toString('utf8'));
    }
    return JSON.stringify(out);
  }

  @Transaction(false)
  @Returns('string')
  async history(ctx: Context, key: string): Promise<string> {
    const out: Array<{ txId: string; value: string; isDelete: boolean; seconds: number }> = [];
    for await (const m of ctx.stub.getHistoryForKey(key)) {
      out.push({
        txId: m.txId,
        value: Buffer.from(m.value).toString('utf8'),
        isDelete: m.isDelete,
        seconds: Number(m.timestamp.seconds),
      });
    }
    return JSON.stringify(out);
  }

  @Transaction(false)
  @Returns('string')
  async whoami(ctx: Context): Promise<string> {
    const ts = ctx.stub.getTxTimestamp();
    return Promise.resolve(
      JSON.stringify({
        mspId: ctx.clientIdentity.getMSPID(),
        id: ctx.clientIdentity.getID(),
        role: ctx.clientIdentity.getAttributeValue(ROLE_ATTRIBUTE),
        enrollmentId: ctx.clientIdentity.getAttributeValue('hf.EnrollmentID'),
        txTime: new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6)).toISOString(),
        txId: ctx.stub.getTxID(),
        channel: ctx.stub.getChannelID(),
      }),
    );
  }

  @Transaction(false)
  @Returns('string')
  async rich(ctx: Context, query: string): Promise<string> {
    const out: string[] = [];
    for await (const kv of ctx.stub.getQueryResult(query)) out.push(kv.key);
    return JSON.stringify(out);
  }

  @Transaction(false)
  @Returns('string')
  async privateGet(ctx: Context, collection: string, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getPrivateData(collection, key)).toString('utf8');
  }

  /** Writes the transient entry `value` to a private key (Fabric's private data pattern: values never in the args). */
  @Transaction()
  async pvtPut(ctx: Context, collection: string, key: string): Promise<void> {
    const value = ctx.stub.getTransient().get('value');
    if (value === undefined) throw new Error('transient field "value" is required');
    await ctx.stub.putPrivateData(collection, key, value);
  }

  /** A private write and a public write in one transaction (the public one names the private key only). */
  @Transaction()
  async pvtPutWithPublic(ctx: Context, collection: string, key: string, publicKey: string): Promise<void> {
    await this.pvtPut(ctx, collection, key);
    await ctx.stub.putState(publicKey, Buffer.from(`private ${key}`));
  }

  @Transaction(false)
  @Returns('string')
  async pvtGet(ctx: Context, collection: string, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getPrivateData(collection, key)).toString('utf8');
  }

  /** The committed SHA-256 of a private value, hex ('' when missing). */
  @Transaction(false)
  @Returns('string')
  async pvtHash(ctx: Context, collection: string, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getPrivateDataHash(collection, key)).toString('hex');
  }

  /** Read-modify-write of a private counter (a hashed read in a writing transaction). */
  @Transaction()
  @Returns('string')
  async pvtIncrement(ctx: Context, collection: string, key: string): Promise<string> {
    const current = Buffer.from(await ctx.stub.getPrivateData(collection, key)).toString('utf8');
    const next = (current ? Number(current) : 0) + 1;
    await ctx.stub.putPrivateData(collection, key, Buffer.from(String(next)));
    return String(next);
  }

  @Transaction()
  async pvtDel(ctx: Context, collection: string, key: string): Promise<void> {
    await ctx.stub.deletePrivateData(collection, key);
  }

  /** Fabric 2.5 purge: the value and its private history go; the hashes in blocks stay. */
  @Transaction()
  async pvtPurge(ctx: Context, collection: string, key: string): Promise<void> {
    await ctx.stub.purgePrivateData(collection, key);
  }

  @Transaction(false)
  @Returns('string')
  async pvtRange(ctx: Context, collection: string, startKey: string, endKey: string): Promise<string> {
    const out: Array<{ key: string; value: string }> = [];
    for await (const kv of ctx.stub.getPrivateDataByRange(collection, startKey, endKey)) {
      out.push({ key: kv.key, value: Buffer.from(kv.value).toString('utf8') });
    }
    return JSON.stringify(out);
  }

  /** A private range query followed by a write: Fabric refuses the write. */
  @Transaction()
  async pvtRangeThenPut(ctx: Context, collection: string, key: string): Promise<void> {
    await this.pvtRange(ctx, collection, '', '');
    await ctx.stub.putState(key, Buffer.from('after a private query'));
  }

  /** The simulating peer's organisation and the transient keys it received. */
  @Transaction(false)
  @Returns('string')
  async peerView(ctx: Context): Promise<string> {
    return Promise.resolve(JSON.stringify({ mspId: ctx.stub.getMspID(), transientKeys: [...ctx.stub.getTransient().keys()].sort() }));
  }

  @Transaction()
  async setEndorsementPolicy(ctx: Context, key: string, policy: string): Promise<void> {
    await ctx.stub.setStateValidationParameter(key, Buffer.from(policy));
  }

  @Transaction(false)
  @Returns('string')
  async getEndorsementPolicy(ctx: Context, key: string): Promise<string> {
    // typed as bytes, but fabric-shim answers undefined for a key without a policy
    const ep = (await ctx.stub.getStateValidationParameter(key)) as Uint8Array | undefined;
    return ep ? Buffer.from(ep).toString('utf8') : '';
  }

  /** A paginated query followed by a write: refused, as by a Fabric peer. */
  @Transaction()
  async pageThenPut(ctx: Context, key: string): Promise<void> {
    const { iterator } = await ctx.stub.getStateByRangeWithPagination('', '', 1, '');
    await iterator.close();
    await ctx.stub.putState(key, Buffer.from('x'));
  }

  @Transaction()
  async callOther(ctx: Context, name: string): Promise<void> {
    await ctx.stub.invokeChaincode(name, ['fn'], '');
  }

  @Transaction()
  async fail(_ctx: Context, message: string): Promise<void> {
    return Promise.reject(new Error(message));
  }
}

/** The fixture's contracts list, shaped like a chaincode's `contracts` export. */
export const fixtureContracts = [FixtureContract];
