import { expect } from '../chai.test';
import type { LedgerBlock, LedgerBlocksPort, TransactionLocation } from '../ports/ledger-blocks';
import { CachedLedgerBlocks } from './cached-blocks';

/** A block of `txIds` (validation codes in `codes`, default VALID), `size` bytes. */
function block(number: number, txIds: string[], codes: number[] = [], size = 100): LedgerBlock {
  return {
    number,
    bytes: new Uint8Array(size),
    header: { number, previousHash: new Uint8Array(32), dataHash: new Uint8Array(32) },
    transactions: txIds.map((txId, index) => ({ index, txId, channelId: 'ch', type: 'endorser', validationCode: codes[index] ?? 0 })),
    lastConfigBlock: 0,
    chaincodeWrites: () => undefined,
    configuration: () => undefined,
  };
}

function source(blocks: LedgerBlock[]) {
  const calls = { byNumber: [] as number[], byTx: [] as string[], location: [] as string[] };
  const port: LedgerBlocksPort = {
    chainInfo: () => Promise.resolve({ height: blocks.length, currentBlockHash: '', previousBlockHash: '' }),
    blockByNumber: async (_id, n) => {
      calls.byNumber.push(n);
      await new Promise((r) => setTimeout(r, 5));
      const b = blocks.find((x) => x.number === n);
      if (!b) throw new Error(`no block ${String(n)}`);
      return b;
    },
    blockByTxId: (_id, txId) => {
      calls.byTx.push(txId);
      const b = blocks.find((x) => x.transactions.some((t) => t.txId === txId));
      return b ? Promise.resolve(b) : Promise.reject(new Error('no tx'));
    },
    transactionLocation: (_id, txId): Promise<TransactionLocation> => {
      calls.location.push(txId);
      const b = blocks.find((x) => x.transactions.some((t) => t.txId === txId));
      return b ? Promise.resolve({ txId, blockNumber: b.number, validationCode: 0 }) : Promise.reject(new Error('no tx'));
    },
  };
  return { port, calls };
}

describe('proofs/cached-blocks', () => {
  it('reads a block once, however many ask for it at the same time or later', async () => {
    const { port, calls } = source([block(1, ['a'])]);
    const cache = new CachedLedgerBlocks(port);
    const got = await Promise.all([cache.blockByNumber('id', 1), cache.blockByNumber('id', 1), cache.header('id', 1)]);
    expect(got[0]).to.equal(got[1]);
    await cache.blockByNumber('id', 1);
    expect(calls.byNumber).to.deep.equal([1]);
  });

  it("knows the block of every transaction of a block it read, except a DUPLICATE_TXID's second copy", async () => {
    const { port, calls } = source([block(1, ['a', 'b']), block(2, ['c', 'a'], [0, 9])]);
    const cache = new CachedLedgerBlocks(port);
    await cache.blockByNumber('id', 2);
    await cache.blockByNumber('id', 1);
    expect((await cache.transactionLocation('id', 'c')).blockNumber).to.equal(2);
    expect((await cache.transactionLocation('id', 'a')).blockNumber).to.equal(1);
    expect(calls.location).to.deep.equal([]);
    const b = await cache.blockByTxId('id', 'b');
    expect(b.number).to.equal(1);
    expect(calls.byTx).to.deep.equal([]);
  });

  it('looks up each distinct transaction once for many events, and caches the answers', async () => {
    const blocks = Array.from({ length: 30 }, (_, i) => block(i, [`t${String(i)}`]));
    const { port, calls } = source(blocks);
    const cache = new CachedLedgerBlocks(port);
    const ids = Array.from({ length: 1200 }, (_, i) => `t${String(i % 30)}`);
    const first = await cache.blockNumbers('id', ids, 4);
    expect(first.size).to.equal(30);
    expect(first.get('t17')).to.equal(17);
    expect(calls.location).to.have.length(30);
    await cache.blockNumbers('id', ids, 4);
    expect(calls.location).to.have.length(30);
  });

  it('keeps blocks within the byte budget, least recently used out first', async () => {
    const { port, calls } = source([block(1, ['a'], [], 600), block(2, ['b'], [], 600)]);
    const cache = new CachedLedgerBlocks(port, { maxBlockBytes: 1000 });
    await cache.blockByNumber('id', 1);
    await cache.blockByNumber('id', 2);
    await cache.blockByNumber('id', 1);
    expect(calls.byNumber).to.deep.equal([1, 2, 1]);
    // the header outlives its block
    await cache.header('id', 2);
    expect(calls.byNumber).to.deep.equal([1, 2, 1]);
  });
});
