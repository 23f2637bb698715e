import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../testing/chai.test';

import { Ledger, type BlockTransaction } from './ledger';
import { fromTxReadWriteSet, toTxReadWriteSet, type NamespaceRwSet, type Version } from './rwset';
import { TxValidationCodes as C } from './validation-code';

const NS = 'cc';

function rw(parts: Partial<Omit<NamespaceRwSet, 'namespace'>>): NamespaceRwSet[] {
  return [{ namespace: NS, reads: [], rangeQueries: [], writes: [], metadataWrites: [], ...parts }];
}

function write(key: string, value: string): { key: string; isDelete: boolean; value: Uint8Array } {
  return { key, isDelete: false, value: Buffer.from(value) };
}

let txCounter = 0;
function tx(rwset: NamespaceRwSet[], extra: Partial<BlockTransaction> = {}): BlockTransaction {
  txCounter++;
  return { txId: `tx${String(txCounter)}`, timestampSeconds: 1000 + txCounter, timestampNanos: 5, creatorMspId: 'Org1MSP', rwset, ...extra };
}

describe('Ledger', () => {
  let ledger: Ledger;

  beforeEach(() => {
    ledger = Ledger.open(':memory:');
    ledger.validateAndCommit({ number: 0, transactions: [] });
  });

  afterEach(() => {
    ledger.close();
  });

  function commit(...txs: BlockTransaction[]): number[] {
    return ledger.validateAndCommit({ number: ledger.height, transactions: txs });
  }

  function versionOf(key: string): Version | null {
    return ledger.getVersion(NS, key);
  }

  it('applies writes at version {block, tx} and indexes transactions', () => {
    const t1 = tx(rw({ writes: [write('a', '1')] }));
    const t2 = tx(rw({ writes: [write('b', '2')] }));
    expect(commit(t1, t2)).to.deep.equal([C.VALID, C.VALID]);
    expect(ledger.height).to.equal(2);
    expect(ledger.getState(NS, 'b')?.value.toString()).to.equal('2');
    expect(versionOf('b')).to.deep.equal({ blockNum: 1, txNum: 1 });
    expect(ledger.getTxStatus(t2.txId)).to.deep.equal({ blockNumber: 1, txNum: 1, code: C.VALID });
    expect(ledger.getTxStatus('nope')).to.equal(undefined);
    expect(ledger.getBlockValidationCodes(1)).to.deep.equal([0, 0]);
  });

  it('refuses a block whose number is not the height', () => {
    expect(() => ledger.validateAndCommit({ number: 5, transactions: [] })).to.throw('ledger height is 1');
  });

  it('MVCC: a stale read across blocks conflicts', () => {
    commit(tx(rw({ writes: [write('k', '1')] })));
    const stale = { key: 'k', version: versionOf('k') };
    commit(tx(rw({ writes: [write('k', '2')] })));
    expect(commit(tx(rw({ reads: [stale], writes: [write('k', '3')] })))).to.deep.equal([C.MVCC_READ_CONFLICT]);
    expect(ledger.getState(NS, 'k')?.value.toString()).to.equal('2');
  });

  it('MVCC: two read-modify-writes of one key in one block: the second conflicts', () => {
    const read = { key: 'k', version: null };
    const codes = commit(tx(rw({ reads: [read], writes: [write('k', '1')] })), tx(rw({ reads: [read], writes: [write('k', '1')] })));
    expect(codes).to.deep.equal([C.VALID, C.MVCC_READ_CONFLICT]);
  });

  it('MVCC: a read of a key an earlier INVALID tx of the block wrote is not a conflict', () => {
    commit(tx(rw({ writes: [write('k', '1')] })));
    const current = { key: 'k', version: versionOf('k') };
    const codes = commit(
      tx(rw({ reads: [{ key: 'k', version: { blockNum: 0, txNum: 0 } }], writes: [write('k', 'x')] })),
      tx(rw({ reads: [current], writes: [write('k', 'y')] })),
    );
    expect(codes).to.deep.equal([C.MVCC_READ_CONFLICT, C.VALID]);
    expect(ledger.getState(NS, 'k')?.value.toString()).to.equal('y');
  });

  it('blind writes of one key from two transactions are both valid; the last wins', () => {
    expect(commit(tx(rw({ writes: [write('k', 'first')] })), tx(rw({ writes: [write('k', 'second')] })))).to.deep.equal([C.VALID, C.VALID]);
    expect(ledger.getState(NS, 'k')?.value.toString()).to.equal('second');
    expect(ledger.getHistory(NS, 'k').map((h) => h.value.toString())).to.deep.equal(['second', 'first']);
  });

  it('phantom read: a key inserted into a read range conflicts, also within the block', () => {
    commit(tx(rw({ writes: [write('r1', 'a'), write('r3', 'c')] })));
    const rawReads = [
      { key: 'r1', version: versionOf('r1') },
      { key: 'r3', version: versionOf('r3') },
    ];
    const rangeTx = (): BlockTransaction =>
      tx(rw({ rangeQueries: [{ startKey: 'r', endKey: 's', itrExhausted: true, rawReads }], writes: [write('count', '2')] }));

    // unchanged range: valid
    expect(commit(rangeTx())).to.deep.equal([C.VALID]);
    // an insert earlier in the same block
    expect(commit(tx(rw({ writes: [write('r2', 'b')] })), rangeTx())).to.deep.equal([C.VALID, C.PHANTOM_READ_CONFLICT]);
  });

  it('phantom read: a deleted or updated key in the range conflicts; a key outside does not', () => {
    commit(tx(rw({ writes: [write('r1', 'a'), write('r2', 'b')] })));
    const rq = {
      startKey: 'r',
      endKey: 's',
      itrExhausted: true,
      rawReads: [
        { key: 'r1', version: versionOf('r1') },
        { key: 'r2', version: versionOf('r2') },
      ],
    };
    expect(commit(tx(rw({ writes: [write('t', 'x')] })), tx(rw({ rangeQueries: [rq] })))).to.deep.equal([C.VALID, C.VALID]);
    expect(commit(tx(rw({ writes: [{ key: 'r2', isDelete: true, value: new Uint8Array() }] })), tx(rw({ rangeQueries: [rq] })))).to.deep.equal([
      C.VALID,
      C.PHANTOM_READ_CONFLICT,
    ]);
  });

  it('phantom read: a non-exhausted iterator only checks the keys it fetched', () => {
    commit(tx(rw({ writes: [write('r1', 'a'), write('r5', 'e')] })));
    const rq = { startKey: 'r', endKey: 's', itrExhausted: false, rawReads: [{ key: 'r1', version: versionOf('r1') }] };
    expect(commit(tx(rw({ writes: [write('r4', 'd')] })), tx(rw({ rangeQueries: [rq] })))).to.deep.equal([C.VALID, C.VALID]);
  });

  it('duplicate transaction ids (in the ledger or earlier in the block) are DUPLICATE_TXID', () => {
    const first = tx(rw({ writes: [write('d', '1')] }));
    const codes = commit(first, { ...first, rwset: rw({ writes: [write('d', '2')] }) });
    expect(codes).to.deep.equal([C.VALID, C.DUPLICATE_TXID]);
    expect(commit({ ...first, rwset: rw({ writes: [write('d', '3')] }) })).to.deep.equal([C.DUPLICATE_TXID]);
    expect(ledger.getState(NS, 'd')?.value.toString()).to.equal('1');
    expect(ledger.getTxStatus(first.txId)).to.deep.equal({ blockNumber: 1, txNum: 0, code: C.VALID });
  });

  it('keeps preset invalid codes and applies nothing of invalid transactions', () => {
    const codes = commit(
      tx(rw({ writes: [write('x', '1')] }), { preValidationCode: C.ENDORSEMENT_POLICY_FAILURE }),
      tx(rw({ reads: [{ key: 'y', version: { blockNum: 9, txNum: 9 } }], writes: [write('y', '1')] })),
    );
    expect(codes).to.deep.equal([C.ENDORSEMENT_POLICY_FAILURE, C.MVCC_READ_CONFLICT]);
    expect(ledger.getState(NS, 'x')).to.equal(undefined);
    expect(ledger.getState(NS, 'y')).to.equal(undefined);
    expect(ledger.getHistory(NS, 'x')).to.deep.equal([]);
    expect(ledger.getTxStatus(`tx${String(txCounter)}`)?.code).to.equal(C.MVCC_READ_CONFLICT);
  });

  it('accepts the read-write set as a TxReadWriteSet message or its bytes', () => {
    const proto = toTxReadWriteSet(rw({ writes: [write('p', 'proto')] }));
    const bytes = toTxReadWriteSet(rw({ writes: [write('q', 'bytes')] })).serializeBinary();
    expect(commit(tx([], { rwset: proto }), tx([], { rwset: bytes }))).to.deep.equal([C.VALID, C.VALID]);
    expect(ledger.getState(NS, 'q')?.value.toString()).to.equal('bytes');
    expect(commit(tx([], { rwset: Buffer.from('not protobuf at all') }))).to.deep.equal([C.BAD_RWSET]);
  });

  it('round-trips reads, range queries, writes and metadata through the protobuf form', () => {
    const original = rw({
      reads: [{ key: 'a', version: { blockNum: 3, txNum: 1 } }, { key: 'b', version: null }],
      rangeQueries: [{ startKey: 'a', endKey: '', itrExhausted: true, rawReads: [{ key: 'a', version: { blockNum: 3, txNum: 1 } }] }],
      writes: [write('c', 'v'), { key: 'd', isDelete: true, value: new Uint8Array() }],
      metadataWrites: [{ key: 'c', entries: new Map([['VALIDATION_PARAMETER', new Uint8Array([1, 2])]]) }],
    });
    const back = fromTxReadWriteSet(toTxReadWriteSet(original).serializeBinary());
    expect(back[0]?.reads).to.deep.equal(original[0]?.reads);
    expect(back[0]?.rangeQueries).to.deep.equal(original[0]?.rangeQueries);
    expect(back[0]?.writes.map((w) => [w.key, w.isDelete, Buffer.from(w.value).toString()])).to.deep.equal([
      ['c', false, 'v'],
      ['d', true, ''],
    ]);
    expect([...(back[0]?.metadataWrites[0]?.entries.keys() ?? [])]).to.deep.equal(['VALIDATION_PARAMETER']);
  });

  it('orders range scans by UTF-8 bytes, composite keys up to U+10FFFF, end "" unbounded', () => {
    const keys = ['b', 'a', 'é', 'z', '\u0000lot\u0000A\u0000', '\u0000lot\u0000A\u{10fff0}\u0000', '\u0000lot\u0000B\u0000', '\uffff'];
    commit(tx(rw({ writes: keys.map((k) => write(k, k)) })));
    const all = [...ledger.range(NS, '\u0001', '')].map((r) => r.key);
    expect(all).to.deep.equal(['a', 'b', 'z', 'é', '\uffff']);
    const lots = [...ledger.range(NS, '\u0000lot\u0000A', '\u0000lot\u0000A\u{10ffff}')].map((r) => r.key);
    expect(lots).to.deep.equal(['\u0000lot\u0000A\u0000', '\u0000lot\u0000A\u{10fff0}\u0000']);
    expect([...ledger.range(NS, '\u0001', '', 2)]).to.have.length(5);
  });

  it('records history newest first with the transaction timestamp, deletes included', () => {
    const t1 = tx(rw({ writes: [write('h', 'one')] }));
    const t2 = tx(rw({ writes: [{ key: 'h', isDelete: true, value: new Uint8Array() }] }));
    const t3 = tx(rw({ writes: [write('h', 'three')] }));
    commit(t1);
    commit(t2, t3);
    const history = ledger.getHistory(NS, 'h');
    expect(history.map((h) => [h.txId, h.value.toString(), h.isDelete])).to.deep.equal([
      [t3.txId, 'three', false],
      [t2.txId, '', true],
      [t1.txId, 'one', false],
    ]);
    expect(history[2]?.timestamp).to.deep.equal({ seconds: t1.timestampSeconds, nanos: 5 });
  });

  it('stores block bytes, from a function of the validation codes when given one', () => {
    const codes = ledger.validateAndCommit({
      number: 1,
      transactions: [tx(rw({ writes: [write('k', 'v')] }))],
      bytes: (c) => Buffer.from(`codes:${c.join(',')}`),
      headerHash: Buffer.from('hash'),
    });
    expect(codes).to.deep.equal([0]);
    expect(ledger.getBlockBytes(1)?.toString()).to.equal('codes:0');
    expect(ledger.getBlockHash(1)?.toString()).to.equal('hash');
    expect(ledger.getBlockBytes(0)?.length).to.equal(0);
  });

  it('persists state, history and the tx index in a file database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'acetrace-ledger-'));
    try {
      const path = join(dir, 'ledger.sqlite');
      const first = Ledger.open(path);
      first.validateAndCommit({ number: 0, transactions: [] });
      const t = tx(rw({ writes: [write('k', 'durable')] }));
      first.validateAndCommit({ number: 1, transactions: [t] });
      first.close();

      const reopened = Ledger.open(path);
      try {
        expect(reopened.height).to.equal(2);
        expect(reopened.getState(NS, 'k')?.value.toString()).to.equal('durable');
        expect(reopened.getHistory(NS, 'k').map((h) => h.txId)).to.deep.equal([t.txId]);
        expect(reopened.getTxStatus(t.txId)?.blockNumber).to.equal(1);
        expect(reopened.validateAndCommit({ number: 2, transactions: [t] })).to.deep.equal([C.DUPLICATE_TXID]);
      } finally {
        reopened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
