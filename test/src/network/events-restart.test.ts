/**
 * Chaincode events (commit order, VALID only, replay from a block, checkpoint resume) and
 * persistence across a stop/start on the same data folder, through fabric-gateway.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { checkpointers, type ChaincodeEvent, type CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { SuiteNetwork, connectAs, json, lotInput } from './helpers';

interface LotEventPayload {
  readonly type: string;
  readonly lotIds: readonly string[];
  readonly recordedBy: string;
}

/** Reads `count` events, failing after `ms`. */
async function take(events: CloseableAsyncIterable<ChaincodeEvent>, count: number, ms = 10_000): Promise<ChaincodeEvent[]> {
  const out: ChaincodeEvent[] = [];
  const iterator = events[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  while (out.length < count) {
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          reject(new Error(`timed out after ${String(out.length)} of ${String(count)} events`));
        }, Math.max(1, deadline - Date.now())),
      ),
    ]);
    if (next.done === true) break;
    out.push(next.value);
  }
  return out;
}

function lotIdsOf(event: ChaincodeEvent): readonly string[] {
  return json<LotEventPayload>(event.payload).lotIds;
}

describe('embedded network: chaincode events and restart', function () {
  this.timeout(60_000);
  const nw = new SuiteNetwork();
  let firstBlock: bigint;
  let secondBlock: bigint;
  const checkpointFile = (): string => join(nw.dataDir, 'checkpoint.json');

  before(() => nw.start());
  after(() => nw.stop());

  it('delivers events of VALID transactions only, in commit order, replayable from any block', async () => {
    const first = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-E1'))] });
    firstBlock = (await first.getStatus()).blockNumber;
    // two registrations of one new lot in the same block: the second is MVCC-invalid, so no event
    const a = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-E2'))] });
    const b = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-E2'))] });
    const [sa, sb] = await Promise.all([a.getStatus(), b.getStatus()]);
    expect([sa.code, sb.code].sort()).to.deep.equal([0, 11]);
    secondBlock = sa.blockNumber;
    const validTxId = sa.code === 0 ? sa.transactionId : sb.transactionId;

    const events = await nw.supplier.gateway.getNetwork('acetrace').getChaincodeEvents('acetrace', { startBlock: 0n });
    try {
      const [e1, e2] = await take(events, 2);
      expect(e1?.eventName).to.equal('LotRegistered');
      expect(lotIdsOf(e1 as ChaincodeEvent)).to.deep.equal(['LOT-E1']);
      expect(e1?.blockNumber).to.equal(firstBlock);
      expect(e1?.transactionId).to.equal(first.getTransactionId());
      expect(e1?.chaincodeName).to.equal('acetrace');
      expect(e2?.blockNumber).to.equal(secondBlock);
      expect(e2?.transactionId).to.equal(validTxId);
    } finally {
      events.close();
    }

    const fromSecond = await nw.supplier.gateway.getNetwork('acetrace').getChaincodeEvents('acetrace', { startBlock: secondBlock });
    try {
      const [only] = await take(fromSecond, 1);
      expect(lotIdsOf(only as ChaincodeEvent)).to.deep.equal(['LOT-E2']);
    } finally {
      fromSecond.close();
    }
  });

  it('streams events of later commits to a listener that starts at the next commit', async () => {
    const events = await nw.supplier.gateway.getNetwork('acetrace').getChaincodeEvents('acetrace');
    try {
      const pending = take(events, 1);
      await nw.supplier.contract.submitTransaction('RegisterLot', JSON.stringify(lotInput('LOT-LIVE')));
      const [live] = await pending;
      expect(lotIdsOf(live as ChaincodeEvent)).to.deep.equal(['LOT-LIVE']);
    } finally {
      events.close();
    }
  });

  it('checkpoints an event, keeps everything across a restart and resumes after the checkpoint', async () => {
    const checkpointer = await checkpointers.file(checkpointFile());
    const events = await nw.supplier.gateway
      .getNetwork('acetrace')
      .getChaincodeEvents('acetrace', { startBlock: 0n, checkpoint: checkpointer });
    try {
      const [e1] = await take(events, 1);
      expect(lotIdsOf(e1 as ChaincodeEvent)).to.deep.equal(['LOT-E1']);
      await checkpointer.checkpointChaincodeEvent(e1 as ChaincodeEvent);
    } finally {
      events.close();
    }

    const certBefore = readFileSync(nw.net.connection.identities[1]?.certPath ?? '', 'utf8');
    const heightBefore = nw.net.height();
    await nw.restart();
    expect(nw.net.height()).to.equal(heightBefore);
    expect(readFileSync(nw.net.connection.identities[1]?.certPath ?? '', 'utf8')).to.equal(certBefore);

    // data committed before the stop is still there
    const view = json<{ lot: { lotId: string } }>(await nw.supplier.contract.evaluateTransaction('ReadLot', 'LOT-E1'));
    expect(view.lot.lotId).to.equal('LOT-E1');
    const auditor = connectAs(nw.net, 'org2-auditor');
    try {
      const history = json<unknown[]>(await auditor.contract.evaluateTransaction('GetLotHistory', 'LOT-E2'));
      expect(history).to.have.length(1);
    } finally {
      auditor.close();
    }

    const third = await nw.supplier.contract.submitAsync('RegisterLot', { arguments: [JSON.stringify(lotInput('LOT-E3'))] });
    expect((await third.getStatus()).blockNumber).to.equal(BigInt(heightBefore));

    const resumedCheckpointer = await checkpointers.file(checkpointFile());
    const resumed = await nw.supplier.gateway
      .getNetwork('acetrace')
      .getChaincodeEvents('acetrace', { startBlock: 0n, checkpoint: resumedCheckpointer });
    try {
      const got = await take(resumed, 3);
      expect(got.map((e) => lotIdsOf(e)[0])).to.deep.equal(['LOT-E2', 'LOT-LIVE', 'LOT-E3']);
      expect(got[2]?.transactionId).to.equal(third.getTransactionId());
    } finally {
      resumed.close();
    }
  });

  it('keeps a lot registered before a restart immutable: the same registration is a no-op', async () => {
    const result = json<{ created: boolean }>(
      await nw.supplier.contract.submitTransaction('RegisterLot', JSON.stringify(lotInput('LOT-E1'))),
    );
    expect(result.created).to.equal(false);
  });
});
