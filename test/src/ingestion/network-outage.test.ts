/**
 * Fault test (issue #5, a): the embedded network stops for 10 s in the middle of a load and starts
 * again on the same data dir and port. Clients keep posting; every event answered 202 must be on the
 * ledger exactly once afterwards (checked in the auditor's provenance), and /readyz says 503 while
 * the network is down and 200 after.
 */
import { expect } from './chai.test';
import { FAULT_LOAD, faultSuite, call, committedOnce, ledgerOutcome, sleep, startGpsLoad, waitForLedger } from './harness';

const OUTAGE_MS = 10_000;

describe('ingestion fault: network down for 10 s under load', function () {
  this.timeout(600_000);
  const stack = faultSuite();

  it('commits every acknowledged event exactly once; /readyz 503 while down, 200 after', async () => {
    const { gw, carrier, auditor, operator, run, lots } = await stack.newRun('net', FAULT_LOAD.clients);
    const net = stack.network;
    expect((await call(gw.url, 'GET', '/readyz', carrier)).status).to.equal(200);

    const load = startGpsLoad(gw.url, carrier, run, lots, FAULT_LOAD.eventsPerRequest, 150);
    const { tally } = load;

    await sleep(4_000);
    const beforeOutage = tally.acknowledged.size;
    const t0 = Date.now();
    await net.stop();
    await sleep(1_500);
    const readyWhileDown = await call(gw.url, 'GET', '/readyz', carrier, undefined, 10_000);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - t0)));
    const duringOutage = tally.acknowledged.size - beforeOutage;
    await net.start(); // same data dir, same port
    const downMs = Date.now() - t0;
    let readyAfter = 0;
    const readyDeadline = Date.now() + 90_000;
    while (Date.now() < readyDeadline) {
      readyAfter = (await call(gw.url, 'GET', '/readyz', carrier, undefined, 10_000)).status;
      if (readyAfter === 200) break;
      await sleep(500);
    }
    const readyAfterMs = Date.now() - t0 - downMs;
    await sleep(4_000);
    await load.stop();

    const ledger = await waitForLedger(gw.url, { auditor, operator }, lots, tally.acknowledged);
    const committedAcknowledged = committedOnce(ledger, tally.acknowledged);
    const { duplicates, ours } = ledgerOutcome(ledger, run);
    const notAcknowledged = ours.filter((id) => !tally.acknowledged.has(id));
    console.log(
      `      network outage: ${String(tally.requests)} requests (${JSON.stringify(Object.fromEntries(tally.statuses))}), ` +
        `down ${String(downMs)} ms, ready again ${String(readyAfterMs)} ms after restart; ` +
        `acknowledged ${String(tally.acknowledged.size)} (${String(duringOutage)} while the network was down), ` +
        `committed ${String(committedAcknowledged)} of them exactly once; on the ledger ${String(ours.length)}, duplicates ${String(duplicates.length)}, ` +
        `committed but never acknowledged ${String(notAcknowledged.length)}`,
    );
    expect(readyWhileDown.status, 'readyz while the network is down').to.equal(503);
    expect(readyAfter, 'readyz after the restart').to.equal(200);
    expect(duringOutage, 'clients kept getting 202 while the network was down').to.be.greaterThan(0);
    expect(duplicates).to.deep.equal([]);
    expect(committedAcknowledged).to.equal(tally.acknowledged.size);
    expect(ours.length).to.equal(tally.acknowledged.size);
  });
});
