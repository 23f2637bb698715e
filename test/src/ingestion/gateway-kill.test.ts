/**
 * Fault test (issue #5, b): the gateway process (a child: `node gateway/dist/main.js`) is killed
 * with SIGKILL in the middle of a load and started again on the same data dir. Every event that got
 * a 202 before the kill must be on the ledger exactly once after the restart (auditor provenance).
 * Requests in flight at the kill get no answer; clients post them again after the restart.
 */
import { expect } from './chai.test';
import { FAULT_LOAD, faultSuite, committedOnce, ledgerOutcome, queueDepth, sleep, startGpsLoad, waitForLedger } from './harness';

describe('ingestion fault: gateway SIGKILL under load', function () {
  this.timeout(600_000);
  const stack = faultSuite();

  it('commits every event acknowledged before the kill exactly once after the restart', async () => {
    const { gw, carrier, auditor, operator, run, lots } = await stack.newRun('kill', FAULT_LOAD.clients);
    const load = startGpsLoad(gw.url, carrier, run, lots, FAULT_LOAD.eventsPerRequest, 100);
    const { tally } = load;

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
    await load.stop();

    const ledger = await waitForLedger(gw.url, { auditor, operator }, lots, tally.acknowledged);
    const beforeKillCommitted = committedOnce(ledger, acknowledgedBeforeKill);
    const allCommitted = committedOnce(ledger, tally.acknowledged);
    const { duplicates, ours } = ledgerOutcome(ledger, run);
    console.log(
      `      gateway SIGKILL: ${String(tally.requests)} requests (${JSON.stringify(Object.fromEntries(tally.statuses))}); ` +
        `acknowledged before the kill ${String(acknowledgedBeforeKill.size)}, committed ${String(beforeKillCommitted)} of them exactly once; ` +
        `outbox depth just before the kill ${String(depthBeforeKill)}; ${String(resets)} requests reset at the kill, ` +
        `${String(unansweredWhileDown.size)} events unanswered while down (posted again after the restart); ` +
        `acknowledged in all ${String(tally.acknowledged.size)}, committed ${String(allCommitted)}; on the ledger ${String(ours.length)}, duplicates ${String(duplicates.length)}; ` +
        `client errors while down ${String(refusedWhileDown)}`,
    );
    expect(acknowledgedBeforeKill.size).to.be.greaterThan(0);
    expect(duplicates).to.deep.equal([]);
    expect(beforeKillCommitted).to.equal(acknowledgedBeforeKill.size);
    expect(allCommitted).to.equal(tally.acknowledged.size);
    expect(ours.length).to.equal(tally.acknowledged.size);
  });
});
