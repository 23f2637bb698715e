import { expect } from 'chai';
import { BlockCutter, DEFAULT_BATCH_OPTIONS, OrdererRejection } from './orderer';

describe('BlockCutter', () => {
  const env = (n: number): Uint8Array => new Uint8Array(n);

  it('cuts at MaxMessageCount without waiting for the timeout', async () => {
    const batches: number[] = [];
    const cutter = new BlockCutter({ ...DEFAULT_BATCH_OPTIONS, maxMessageCount: 3, batchTimeoutMs: 60_000 }, (b) => {
      batches.push(b.length);
      return Promise.resolve();
    }, () => undefined);
    for (let i = 0; i < 7; i++) cutter.order(env(10));
    expect(cutter.pendingCount).to.equal(1);
    await cutter.stop();
    expect(batches).to.deep.equal([3, 3, 1]);
  });

  it('cuts what is pending after BatchTimeout', async () => {
    const batches: number[] = [];
    const cutter = new BlockCutter({ ...DEFAULT_BATCH_OPTIONS, batchTimeoutMs: 20 }, (b) => {
      batches.push(b.length);
      return Promise.resolve();
    }, () => undefined);
    cutter.order(env(1));
    cutter.order(env(1));
    await new Promise((r) => setTimeout(r, 60));
    expect(batches).to.deep.equal([2]);
    await cutter.stop();
  });

  it('respects PreferredMaxBytes and refuses envelopes over AbsoluteMaxBytes', async () => {
    const batches: number[] = [];
    const cutter = new BlockCutter(
      { maxMessageCount: 100, preferredMaxBytes: 100, absoluteMaxBytes: 150, batchTimeoutMs: 60_000 },
      (b) => {
        batches.push(b.length);
        return Promise.resolve();
      },
      () => undefined,
    );
    cutter.order(env(60));
    cutter.order(env(60)); // would exceed 100: the first is cut alone
    cutter.order(env(120)); // larger than preferred: a batch of its own
    expect(() => {
      cutter.order(env(151));
    }).to.throw(OrdererRejection, /exceeds maximum allowed 150 bytes/);
    await cutter.stop();
    expect(batches).to.deep.equal([1, 1, 1]);
    expect(() => {
      cutter.order(env(1));
    }).to.throw(OrdererRejection, /shutting down/);
  });

  it('hands batches to the consumer one at a time, in order', async () => {
    const seen: number[] = [];
    let active = 0;
    const cutter = new BlockCutter({ ...DEFAULT_BATCH_OPTIONS, maxMessageCount: 1 }, async (b) => {
      active += 1;
      expect(active).to.equal(1);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(b[0]?.length ?? -1);
      active -= 1;
    }, () => undefined);
    for (let i = 1; i <= 4; i++) cutter.order(env(i));
    await cutter.flush();
    expect(seen).to.deep.equal([1, 2, 3, 4]);
  });
});
