/**
 * Fault test (issue #5, b): the gateway process (a child: `node gateway/dist/main.js`) is killed
 * with SIGKILL in the middle of a load and started again on the same data dir. Every event that got
 * a 202 before the kill must be on the ledger exactly once after the restart (auditor provenance).
 * Requests in flight at the kill get no answer; clients post them again after the restart.
 */
import { expect } from './chai.test';
import {
  GatewayChild,
  NetworkUnderTest,
  freePort,
  gpsEvent,
  newTally,
  queueDepth,
  registerLot,
  removeDir,
  runClient,
  sleep,
  tmpDir,
  waitForLedger,
} from './harness';

const CLIENTS = 20;
const EVENTS_PER_REQUEST = 4;

describe('ingestion fault: gateway SIGKILL under load', function () {
  this.timeout(600_000);
  let dir: string | undefined;
  let network: NetworkUnderTest | undefined;
  let gateway: GatewayChild | undefined;

  before(async () => {
    dir = tmpDir();
    network = new NetworkUnderTest(dir);
    await network.start();
    gateway = new GatewayChild(dir, await freePort(), network.connectionProfile);
    await gateway.start();
  });

  after(async () => {
    await gateway?.kill();
    await network?.stop();
    removeDir(dir);
  });

  it('commits every event acknowledged before the kill exactly once after the restart', async () => {
    const gw = gateway as GatewayChild;
    const supplier = gw.key('supplier', 'Org1MSP');
    const carrier = gw.key('logistics', 'Org2MSP');
    const auditor = gw.key('auditor', 'Org3MSP');
    const operator = gw.key('compliance', 'Org1MSP');
    const run = `kill-${Date.now().toString(36)}`;
    const lots = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => registerLot(gw.url, supplier, `LOT-${run}-${c}`)));

    const tally = newTally();
    let stopLoad = false;
    const clients = lots.map((lotId, c) => {
      let n = 0;
      const next = (): Array<Record<string, unknown>> =>
        Array.from({ length: EVENTS_PER_REQUEST }, () => {
          n += 1;
          return gpsEvent(`${run}-c${c}-e${n}`, lotId, `truck-${run}-${c}`, n);
        });
      return runClient(gw.url, carrier, next, tally, 100, () => stopLoad);
    });

    await sleep(5_000);
    const depthBeforeKill = await queueDepth(gw.url, operator);
    await gw.kill(); // SIGKILL: nothing drained
    const acknowledgedBeforeKill = new Set(tally.acknowledged);
    await sleep(2_000); // clients see reset and refused connections meanwhile
    const unansweredWhileDown = new Set(tally.unanswered);
    const resets = (tally.statuses.get('ECONNRESET') ?? 0) + (tally.statuses.get('UND_ERR_SOCKET') ?? 0);
    const refusedWhileDown = [...tally.statuses.entries()].filter(([k]) => typeof k === 'string').reduce((n, [, v]) => n + v, 0);
    await gw.start(); // same data dir, same port
    await sleep(4_000);
    stopLoad = true;
    await Promise.all(clients);

    const ledger = await waitForLedger(gw.url, { auditor, operator }, lots, tally.acknowledged);
    const beforeKillCommitted = [...acknowledgedBeforeKill].filter((id) => ledger.get(id) === 1).length;
    const allCommitted = [...tally.acknowledged].filter((id) => ledger.get(id) === 1).length;
    const duplicates = [...ledger.entries()].filter(([, n]) => n > 1);
    const ours = [...ledger.keys()].filter((id) => id.startsWith(run));
    console.log(
      `      gateway SIGKILL: ${tally.requests} requests (${JSON.stringify(Object.fromEntries(tally.statuses))}); ` +
        `acknowledged before the kill ${acknowledgedBeforeKill.size}, committed ${beforeKillCommitted} of them exactly once; ` +
        `outbox depth just before the kill ${depthBeforeKill}; ${resets} requests reset at the kill, ` +
        `${unansweredWhileDown.size} events unanswered while down (posted again after the restart); ` +
        `acknowledged in all ${tally.acknowledged.size}, committed ${allCommitted}; on the ledger ${ours.length}, duplicates ${duplicates.length}; ` +
        `client errors while down ${refusedWhileDown}`,
    );
    expect(acknowledgedBeforeKill.size).to.be.greaterThan(0);
    expect(duplicates).to.deep.equal([]);
    expect(beforeKillCommitted).to.equal(acknowledgedBeforeKill.size);
    expect(allCommitted).to.equal(tally.acknowledged.size);
    expect(ours.length).to.equal(tally.acknowledged.size);
  });
});
