import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fromTxReadWriteSet } from '../ledger/rwset';
import { QUERY_BATCH_SIZE } from '../ledger/tx-simulator';
import { expect } from './chai.test';
import { fixtureContracts } from './fixture-contract';
import { HarnessCommitError, HarnessEndorseError, LedgerHarness, type HarnessIdentity } from './ledger-harness';

/** The rejection of a promise (fails the test if it resolves). */
const rejection = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(() => { throw new Error('expected a rejection'); }, (err: unknown) => err as Error);

describe('LedgerHarness with the fixture contract', () => {
  let h: LedgerHarness;
  let alice: HarnessIdentity;

  beforeEach(async () => {
    h = await LedgerHarness.create({ contracts: fixtureContracts });
    alice = await h.identity({ mspId: 'Org1MSP', role: 'supplier' });
  });

  afterEach(() => h.close());

  it('submits and evaluates; results are parsed JSON or raw strings', async () => {
    expect(await h.submit(alice, 'put', 'k', 'v1')).to.equal(undefined);
    expect(await h.evaluate(alice, 'get', 'k')).to.equal('v1');
    expect(await h.submit(alice, 'increment', 'n')).to.equal(1);
    expect(h.ledger.height).to.equal(3); // genesis + two blocks
  });

  it('has no read-your-writes inside a transaction', async () => {
    await h.submit(alice, 'put', 'k', 'old');
    expect(await h.submit(alice, 'putThenGet', 'k', 'new')).to.deep.equal({ seen: 'old' });
    expect(await h.evaluate(alice, 'get', 'k')).to.equal('new');
    expect(await h.submit(alice, 'putThenGet', 'fresh', 'x')).to.deep.equal({ seen: '' });
  });

  it('records reads with versions (nil for missing keys) and the last write', async () => {
    await h.submit(alice, 'put', 'n', '5');
    const tx = await h.simulate(alice, 'increment', 'n');
    const [ns] = fromTxReadWriteSet(tx.rwset);
    expect(ns?.namespace).to.equal('acetrace');
    expect(ns?.reads).to.deep.equal([{ key: 'n', version: { blockNum: 1, txNum: 0 } }]);
    expect(ns?.writes.map((w) => Buffer.from(w.value).toString())).to.deep.equal(['6']);
    const missing = fromTxReadWriteSet((await h.simulate(alice, 'increment', 'none')).rwset);
    expect(missing[0]?.reads).to.deep.equal([{ key: 'none', version: null }]);
  });

  it('MVCC: two counter increments in one block → VALID, MVCC_READ_CONFLICT', async () => {
    const t1 = await h.simulate(alice, 'increment', 'c');
    const t2 = await h.simulate(alice, 'increment', 'c');
    expect(await h.commit([t1, t2])).to.deep.equal(['VALID', 'MVCC_READ_CONFLICT']);
    expect(await h.evaluate(alice, 'get', 'c')).to.equal(1);
  });

  it('MVCC across blocks: a transaction endorsed before a commit fails with HarnessCommitError', async () => {
    const stale = await h.simulate(alice, 'increment', 'c');
    await h.submit(alice, 'increment', 'c');
    expect(await h.commit([stale])).to.deep.equal(['MVCC_READ_CONFLICT']);
    expect(await h.evaluate(alice, 'get', 'c')).to.equal(1);
  });

  it('blind writes from two transactions in one block are both valid', async () => {
    const t1 = await h.simulate(alice, 'put', 'b', 'one');
    const t2 = await h.simulate(alice, 'put', 'b', 'two');
    expect(await h.commit([t1, t2])).to.deep.equal(['VALID', 'VALID']);
    expect(await h.evaluate(alice, 'get', 'b')).to.equal('two');
  });

  it('phantom read: a range count conflicts with an insert into the range', async () => {
    await h.submit(alice, 'put', 'r1', 'a');
    const insert = await h.simulate(alice, 'put', 'r2', 'b');
    const count = await h.simulate(alice, 'countRange', 'r', 's', 'count');
    expect(await h.commit([insert, count])).to.deep.equal(['VALID', 'PHANTOM_READ_CONFLICT']);
    const [ns] = fromTxReadWriteSet(count.rwset);
    expect(ns?.rangeQueries[0]).to.include({ startKey: 'r', endKey: 's', itrExhausted: true });
  });

  it('duplicate transaction id → DUPLICATE_TXID', async () => {
    const tx = await h.simulate(alice, 'put', 'd', '1');
    expect(await h.commit([tx, tx])).to.deep.equal(['VALID', 'DUPLICATE_TXID']);
    expect(await h.commit([tx])).to.deep.equal(['DUPLICATE_TXID']);
  });

  it('writes of invalid transactions are not applied and emit no event', async () => {
    const t1 = await h.simulate(alice, 'increment', 'c');
    const t2 = await h.simulate(alice, 'put', 'c', '100');
    const t3 = await h.simulate(alice, 'increment', 'c');
    expect(await h.commit([t1, t2, t3])).to.deep.equal(['VALID', 'VALID', 'MVCC_READ_CONFLICT']);
    expect(await h.evaluate(alice, 'get', 'c')).to.equal(100);
    expect(h.events.map((e) => e.txId)).to.deep.equal([t2.txId]);
  });

  it('HarnessCommitError carries the code name and fabric-gateway CommitError message', () => {
    const err = new HarnessCommitError('abc', 11);
    expect(err.code).to.equal('MVCC_READ_CONFLICT');
    expect(err.transactionId).to.equal('abc');
    expect(err.message).to.equal('Transaction abc failed to commit with status code 11 (MVCC_READ_CONFLICT)');
  });

  it('chaincode errors throw HarnessEndorseError with the message and status', async () => {
    const err = await rejection(h.submit(alice, 'fail', 'CONFLICT: already there'));
    expect(err).to.be.instanceOf(HarnessEndorseError);
    expect(err.message).to.equal('CONFLICT: already there');
    expect(err instanceof HarnessEndorseError ? err.status : undefined).to.equal(500);
    expect(h.ledger.height).to.equal(1);
  });

  it('history is newest first with the proposal timestamps', async () => {
    h.clock.set(new Date('2026-03-01T10:00:00Z'));
    const t1 = await h.simulate(alice, 'put', 'h', 'one');
    await h.commit([t1]);
    h.clock.advance(60_000);
    await h.submit(alice, 'put', 'h', 'two');
    await h.submit(alice, 'del', 'h');
    const history = (await h.evaluate(alice, 'history', 'h')) as Array<{ txId: string; value: string; isDelete: boolean; seconds: number }>;
    expect(history.map((e) => [e.value, e.isDelete])).to.deep.equal([
      ['', true],
      ['two', false],
      ['one', false],
    ]);
    const base = Date.parse('2026-03-01T10:00:00Z') / 1000;
    expect(history.map((e) => e.seconds)).to.deep.equal([base + 62, base + 61, base]);
    expect(history[2]?.txId).to.equal(t1.txId);
  });

  it('paginates a range with bookmarks across pages', async () => {
    for (let i = 0; i < 7; i++) await h.submit(alice, 'put', `p${String(i)}`, String(i));
    interface Page { keys: string[]; bookmark: string; fetched: number }
    const p1 = (await h.evaluate(alice, 'rangePage', 'p', 'q', '3', '')) as Page;
    expect(p1).to.deep.equal({ keys: ['p0', 'p1', 'p2'], bookmark: 'p3', fetched: 3 });
    const p2 = (await h.evaluate(alice, 'rangePage', 'p', 'q', '3', p1.bookmark)) as Page;
    expect(p2).to.deep.equal({ keys: ['p3', 'p4', 'p5'], bookmark: 'p6', fetched: 3 });
    const p3 = (await h.evaluate(alice, 'rangePage', 'p', 'q', '3', p2.bookmark)) as Page;
    expect(p3).to.deep.equal({ keys: ['p6'], bookmark: '', fetched: 1 });
  });

  it('iterates ranges larger than one query batch', async function () {
    this.timeout(20_000);
    const tx = await h.simulate(alice, 'put', 'x', 'x');
    await h.commit([tx]);
    const many = [];
    for (let i = 0; i < 150; i++) many.push(await h.simulate(alice, 'put', `m${String(i).padStart(3, '0')}`, 'v'));
    expect(new Set(await h.commit(many))).to.deep.equal(new Set(['VALID']));
    const all = (await h.evaluate(alice, 'range', 'm', 'n')) as Array<{ key: string }>;
    expect(all).to.have.length(150);
    expect(all[149]?.key).to.equal('m149');
    const count = await h.simulate(alice, 'countRange', 'm', 'n', 'count');
    const [ns] = fromTxReadWriteSet(count.rwset);
    expect(ns?.rangeQueries[0]?.rawReads).to.have.length(150);
    expect(await h.commit([count])).to.deep.equal(['VALID']);
  });

  it('iterates a range that is an exact multiple of the query batch', async function () {
    this.timeout(20_000);
    const txs = [];
    for (let i = 0; i < 2 * QUERY_BATCH_SIZE; i++) txs.push(await h.simulate(alice, 'put', `e${String(i).padStart(3, '0')}`, 'v'));
    expect(new Set(await h.commit(txs))).to.deep.equal(new Set(['VALID']));
    const all = (await h.evaluate(alice, 'range', 'e', 'f')) as Array<{ key: string }>;
    expect(all).to.have.length(2 * QUERY_BATCH_SIZE);
    expect(all.at(-1)?.key).to.equal(`e${String(2 * QUERY_BATCH_SIZE - 1).padStart(3, '0')}`);
  });

  it('partial composite key queries include attributes up to U+10FFFF', async () => {
    await h.submit(alice, 'putComposite', 'lot', 'A', 'x', '1');
    await h.submit(alice, 'putComposite', 'lot', 'A', 'é\u{10fff0}', '2');
    await h.submit(alice, 'putComposite', 'lot', 'B', 'y', '3');
    await h.submit(alice, 'put', 'plain', 'p');
    expect(await h.evaluate(alice, 'listComposite', 'lot', 'A')).to.deep.equal(['A/x=1', 'A/é\u{10fff0}=2']);
    expect(await h.evaluate(alice, 'listComposite', 'lot', '')).to.have.length(3);
    expect(await h.evaluate(alice, 'range', '', '')).to.deep.equal([{ key: 'plain', value: 'p' }]);
  });

  it('refuses rich queries like a LevelDB peer', async () => {
    const err = await rejection(h.evaluate(alice, 'rich', '{"selector":{}}'));
    expect(err.message).to.equal('rich queries are not supported on LevelDB');
  });

  it('gives the chaincode the real creator, role attribute and proposal timestamp', async () => {
    h.clock.set(new Date('2026-05-05T05:05:05Z'));
    const bob = await h.identity({ mspId: 'Org2MSP', role: 'logistics', name: 'bob' });
    const me = (await h.evaluate(bob, 'whoami')) as Record<string, string>;
    expect(me).to.include({ mspId: 'Org2MSP', role: 'logistics', enrollmentId: 'bob', txTime: '2026-05-05T05:05:05.000Z', channel: 'acetrace' });
    expect(me.id).to.equal('x509::/CN=bob/OU=client/O=Org2MSP::/CN=ca.org2msp/O=Org2MSP');
  });

  it('clock: each proposal takes the next second', async () => {
    const t1 = await h.simulate(alice, 'get', 'k');
    const t2 = await h.simulate(alice, 'get', 'k');
    expect(t1.timestamp.toISOString()).to.equal('2026-01-01T00:00:00.000Z');
    expect(t2.timestamp.getTime() - t1.timestamp.getTime()).to.equal(1000);
  });

  it('collects committed events in commit order with block numbers', async () => {
    await h.submit(alice, 'put', 'e1', 'a');
    await h.submit(alice, 'put', 'e2', 'b');
    expect(h.events.map((e) => [e.blockNumber, e.eventName, e.payload.toString()])).to.deep.equal([
      [1, 'Put', '{"key":"e1","value":"a"}'],
      [2, 'Put', '{"key":"e2","value":"b"}'],
    ]);
  });

  it('refuses identities from a CA the channel does not know', async () => {
    const other = await LedgerHarness.create({ contracts: fixtureContracts });
    try {
      const stranger = await other.identity({ mspId: 'Org1MSP', role: 'supplier' });
      const err = await rejection(h.evaluate(stranger, 'get', 'k'));
      expect(err.name).to.equal('MspError');
    } finally {
      await other.close();
    }
  });

  it('reopens a file ledger with state and history intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acetrace-harness-'));
    try {
      const db = join(dir, 'ledger.sqlite');
      const first = await LedgerHarness.create({ contracts: fixtureContracts, db });
      const id = await first.identity({ mspId: 'Org1MSP', role: 'supplier' });
      await first.submit(id, 'put', 'k', 'v1');
      await first.submit(id, 'put', 'k', 'v2');
      await first.close();
      const second = await LedgerHarness.create({ contracts: fixtureContracts, db });
      try {
        const id2 = await second.identity({ mspId: 'Org1MSP', role: 'supplier' });
        expect(await second.evaluate(id2, 'get', 'k')).to.equal('v2');
        expect(((await second.evaluate(id2, 'history', 'k')) as unknown[]).length).to.equal(2);
        expect(await second.submit(id2, 'increment', 'n')).to.equal(1);
        expect(second.ledger.height).to.equal(4);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
