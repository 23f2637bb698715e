import pino from 'pino';
import { expect } from '../../chai.test';
import { CommittedHeight, type HeightSource } from './committed-height';
import { EvaluationCache, evaluationKey } from './evaluation-cache';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const silent = pino({ level: 'silent' });

/** A block stream the test pushes numbers into (or fails). */
class FakeBlocks implements AsyncIterable<number> {
  readonly #queue: number[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #error: Error | undefined;
  closed = false;

  push(n: number): void {
    this.#queue.push(n);
    this.#wake?.();
  }

  fail(err: Error): void {
    this.#error = err;
    this.#wake?.();
  }

  close(): void {
    this.closed = true;
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<number> {
    for (;;) {
      const next = this.#queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#error) throw this.#error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/** Resolves once `check` holds (polled), or fails after a second. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check(), 'condition reached').to.equal(true);
}

describe('EvaluationCache', () => {
  it('serves nothing until the height is known', () => {
    const cache = new EvaluationCache(1 << 20);
    cache.set('k', bytes('a'), undefined);
    expect(cache.get('k')).to.equal(undefined);
    cache.advance(5);
    expect(cache.get('k')).to.equal(undefined);
  });

  it('keeps an answer evaluated at the current height until a higher one', () => {
    const cache = new EvaluationCache(1 << 20);
    cache.advance(5);
    cache.set('k', bytes('a'), 5);
    expect(cache.get('k')).to.deep.equal(bytes('a'));
    cache.advance(5); // the same height again: nothing changed
    expect(cache.get('k')).to.deep.equal(bytes('a'));
    cache.advance(4); // an older height (a late block event) never goes back
    expect(cache.height).to.equal(5);
    expect(cache.get('k')).to.deep.equal(bytes('a'));
    cache.advance(6);
    expect(cache.get('k')).to.equal(undefined);
  });

  it('does not keep an answer whose evaluation started before the last block', () => {
    const cache = new EvaluationCache(1 << 20);
    cache.advance(5);
    const heightAtStart = cache.height;
    cache.advance(6); // a block committed while the evaluation ran
    cache.set('k', bytes('a'), heightAtStart);
    expect(cache.get('k')).to.equal(undefined);
  });

  it('forgets everything when the height is lost', () => {
    const cache = new EvaluationCache(1 << 20);
    cache.advance(5);
    cache.set('k', bytes('a'), 5);
    cache.lost();
    expect(cache.height).to.equal(undefined);
    expect(cache.get('k')).to.equal(undefined);
  });

  it('stays within its byte bound and never keeps an answer larger than the bound', () => {
    const cache = new EvaluationCache(1000);
    cache.advance(1);
    for (let i = 0; i < 10; i++) cache.set(`k${String(i)}`, new Uint8Array(300), 1);
    expect(cache.size).to.be.at.most(3);
    expect(cache.get('k9')).to.have.length(300); // the most recent stays
    cache.set('big', new Uint8Array(2000), 1);
    expect(cache.get('big')).to.equal(undefined);
  });

  it('keys each signer, transaction, argument list and target apart', () => {
    const keys = [
      evaluationKey('auditor', 'GetProvenance', ['L1']),
      evaluationKey('viewer', 'GetProvenance', ['L1']),
      evaluationKey('auditor', 'GetProvenanceByEpc', ['L1']),
      evaluationKey('auditor', 'GetProvenance', ['L1', '']),
      evaluationKey('auditor', 'GetProvenance', ['L1'], ['Org1MSP']),
      evaluationKey('auditor', 'GetPrivateData', ['L1,Org1MSP']),
      evaluationKey('auditor', 'GetPrivateData', ['L1', 'Org1MSP']),
    ];
    expect(new Set(keys).size).to.equal(keys.length);
  });
});

describe('CommittedHeight', () => {
  it('takes the chain height, then every block, and applies commit statuses only once following', async () => {
    const cache = new EvaluationCache(1 << 20);
    const stream = new FakeBlocks();
    const starts: number[] = [];
    const source: HeightSource = {
      chainHeight: () => Promise.resolve(7),
      blocks: (start) => {
        starts.push(start);
        return Promise.resolve(stream);
      },
    };
    const follower = new CommittedHeight(source, cache, silent, 10);
    follower.committed(20); // before the height is known: ignored (nothing would invalidate it later)
    expect(cache.height).to.equal(undefined);
    follower.start();
    await until(() => cache.height === 7);
    expect(starts).to.deep.equal([7]);
    stream.push(7);
    await until(() => cache.height === 8);
    follower.committed(9); // a commit status this gateway received, before its block event
    expect(cache.height).to.equal(10);
    await follower.close();
    expect(stream.closed).to.equal(true);
    expect(cache.height).to.equal(undefined);
  });

  it('serves nothing while the block stream is down, and resumes from the height read again', async () => {
    const cache = new EvaluationCache(1 << 20);
    const streams = [new FakeBlocks(), new FakeBlocks()];
    let height = 3;
    const starts: number[] = [];
    const source: HeightSource = {
      chainHeight: () => Promise.resolve(height),
      blocks: (start) => {
        starts.push(start);
        const next = streams[starts.length - 1];
        return next ? Promise.resolve(next) : Promise.reject(new Error('no more streams'));
      },
    };
    const follower = new CommittedHeight(source, cache, silent, 30);
    follower.start();
    await until(() => cache.height === 3);
    cache.set('k', bytes('a'), 3);
    height = 9; // blocks committed while the stream is down
    streams[0]?.fail(new Error('deliver stream broke'));
    await until(() => cache.height === undefined);
    expect(cache.get('k')).to.equal(undefined);
    await until(() => cache.height === 9);
    expect(starts).to.deep.equal([3, 9]);
    await follower.close();
  });
});
