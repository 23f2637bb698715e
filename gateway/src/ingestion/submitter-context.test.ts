import { Writable } from 'node:stream';
import { expect } from '../chai.test';
import { createLogger, requestContext } from '../logger';
import type { EventQueue } from '../ports/event-queue';
import { createEventQueue } from './index';
import type { EventInput } from './event-input';
import { FakeLedger, makeEvent, sleep, tmpDb, testKeyring } from './testutils.test';

/** A FakeLedger that notes the request context each RecordEvents call runs in. */
class ContextLedger extends FakeLedger {
  readonly seen: Array<string | undefined> = [];
  override recordEvents(identity: string, events: EventInput[]): ReturnType<FakeLedger['recordEvents']> {
    this.seen.push(requestContext.getStore()?.requestId);
    return super.recordEvents(identity, events);
  }
}

describe('ingestion/submitter async context', function () {
  this.timeout(20_000);
  let q: EventQueue | undefined;
  afterEach(async () => {
    await q?.stop();
    q = undefined;
  });

  it('runs batches and writes its log lines outside the request that woke it', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger('debug', sink);
    const ledger = new ContextLedger();
    ledger.failNext = 1; // one transient failure: the retry's warn line is written by the submitter
    q = createEventQueue({ keyring: testKeyring, dbPath: tmpDb(), ledger, logger, batchMaxWaitMs: 5, retryBaseMs: 2, retryMaxMs: 10 });
    q.start();
    const queue = q;
    await requestContext.run({ requestId: 'req-that-woke-it', principal: 'carrier' }, async () => {
      logger.info('inside the request');
      await queue.enqueue({ principal: 'carrier', identity: 'org1-logistics' }, [makeEvent('ctx-1'), makeEvent('ctx-2')]);
    });
    const states = await queue.waitFor(['ctx-1', 'ctx-2'], 5_000);
    expect(states.map((s) => s.status)).to.deep.equal(['committed', 'committed']);
    await sleep(20);
    expect(ledger.seen.length).to.be.at.least(2);
    expect(ledger.seen.every((id) => id === undefined), `request ids seen by the ledger: ${ledger.seen.join(',')}`).to.equal(true);
    const submitterLines = lines.filter((l) => l.component === 'event-queue');
    expect(submitterLines.length, 'the submitter logged its retry').to.be.at.least(1);
    for (const l of submitterLines) {
      expect(l).to.not.have.property('requestId');
      expect(l).to.not.have.property('principal');
    }
    expect(lines.find((l) => l.msg === 'inside the request')).to.include({ requestId: 'req-that-woke-it', principal: 'carrier' });
  });
});
