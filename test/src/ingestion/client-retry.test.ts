/**
 * Fault test (issue #5, c): clients repeat requests. A client gives up on `POST /v1/events?wait=commit`
 * before the answer (aborted) and posts the same body again; another posts the same body twice at
 * once and then once more. No event may be recorded twice, and every answer about the same body
 * must agree (same ids, statuses that only move forward, one transaction per event).
 */
import { expect } from './chai.test';
import { faultSuite, call, clientGpsEvent, committedOnce, ledgerOutcome, waitForLedger } from './harness';

const CLIENTS = 20;
const ROUNDS = 12;
const EVENTS_PER_REQUEST = 5;
const STATUS_RANK: Record<string, number> = { queued: 0, submitted: 1, committed: 2 };

interface Item {
  eventId: string;
  status: string;
  txId?: string;
}

/**
 * How often the answers about one body disagree: every answer names the same events in the same
 * order, with known statuses, the last never behind an earlier one, one transaction per event.
 */
function inconsistenciesOf(list: Item[][]): number {
  let inconsistent = 0;
  const ids = list.map((items) => items.map((i) => i.eventId).join(','));
  if (new Set(ids).size !== 1) inconsistent += 1;
  for (const items of list) for (const i of items) if (!(i.status in STATUS_RANK)) inconsistent += 1;
  inconsistent += answersBehindTheLast(list);
  // one transaction per event across answers that carry one
  const tx = new Map<string, Set<string>>();
  for (const items of list) for (const i of items) if (i.txId) tx.set(i.eventId, (tx.get(i.eventId) ?? new Set()).add(i.txId));
  if ([...tx.values()].some((s) => s.size > 1)) inconsistent += 1;
  return inconsistent;
}

/** The last answer (posted after the others were answered) is never behind an earlier one. */
function answersBehindTheLast(list: Item[][]): number {
  let behind = 0;
  const last = list[list.length - 1] ?? [];
  for (const items of list.slice(0, -1)) {
    items.forEach((i, k) => {
      if ((STATUS_RANK[last[k]?.status ?? ''] ?? -1) < (STATUS_RANK[i.status] ?? 3)) behind += 1;
    });
  }
  return behind;
}

describe('ingestion fault: client retries after a timeout, and double posts', function () {
  this.timeout(600_000);
  const stack = faultSuite();

  it('records each event once; repeated answers agree', async () => {
    const { gw, carrier, auditor, operator, run, lots } = await stack.newRun('retry', CLIENTS);

    const acknowledged = new Set<string>();
    const answers = new Map<string, Item[][]>(); // body key → every answer's items
    let aborted = 0;
    let answeredBeforeAbort = 0;
    let doublePosts = 0;
    const note = (key: string, status: number, body: unknown): void => {
      expect([201, 202], JSON.stringify(body)).to.include(status);
      const items = (body as { accepted: Item[] }).accepted;
      for (const i of items) acknowledged.add(i.eventId);
      answers.set(key, [...(answers.get(key) ?? []), items]);
    };

    await Promise.all(
      lots.map(async (lotId, c) => {
        for (let round = 0; round < ROUNDS; round++) {
          const key = `${String(c)}:${String(round)}`;
          const events = Array.from({ length: EVENTS_PER_REQUEST }, (_, k) => {
            const n = round * EVENTS_PER_REQUEST + k + 1;
            return clientGpsEvent(run, c, lotId, n);
          });
          if (round % 2 === 0) {
            // gives up before the commit answer, then repeats the same body
            try {
              const res = await call(gw.url, 'POST', '/v1/events?wait=commit', carrier, { events }, 25);
              answeredBeforeAbort += 1;
              note(key, res.status, res.body);
            } catch (err) {
              expect((err as Error).name).to.be.oneOf(['TimeoutError', 'AbortError']);
              aborted += 1;
            }
            const again = await call(gw.url, 'POST', '/v1/events', carrier, { events });
            note(key, again.status, again.body);
          } else {
            // the same body twice at once, then once more
            doublePosts += 1;
            const [a, b] = await Promise.all([
              call(gw.url, 'POST', '/v1/events', carrier, { events }),
              call(gw.url, 'POST', '/v1/events', carrier, { events }),
            ]);
            note(key, a.status, a.body);
            note(key, b.status, b.body);
            const third = await call(gw.url, 'POST', '/v1/events?wait=commit', carrier, { events });
            note(key, third.status, third.body);
          }
        }
      }),
    );

    const ledger = await waitForLedger(gw.url, { auditor, operator }, lots, acknowledged);
    const { duplicates, ours } = ledgerOutcome(ledger, run);
    const committed = committedOnce(ledger, acknowledged);

    let inconsistent = 0;
    for (const list of answers.values()) inconsistent += inconsistenciesOf(list);
    // and the outbox's final word agrees with the ledger's transaction
    const sample = [...acknowledged].slice(0, 50);
    for (const id of sample) {
      const res = await call(gw.url, 'GET', `/v1/events/${id}`, carrier);
      expect(res.status).to.equal(200);
      expect((res.body as Item).status).to.equal('committed');
    }
    console.log(
      `      client retries: ${String(CLIENTS * (ROUNDS / 2))} aborted-then-repeated bodies (${String(aborted)} aborted before the answer, ` +
        `${String(answeredBeforeAbort)} answered within 25 ms), ${String(doublePosts)} bodies posted twice at once and a third time; ` +
        `acknowledged ${String(acknowledged.size)}, committed ${String(committed)} exactly once; on the ledger ${String(ours.length)}, ` +
        `duplicates ${String(duplicates.length)}, inconsistent answers ${String(inconsistent)}`,
    );
    expect(aborted).to.be.greaterThan(0);
    expect(duplicates).to.deep.equal([]);
    expect(inconsistent).to.equal(0);
    expect(committed).to.equal(acknowledged.size);
    expect(ours.length).to.equal(acknowledged.size);
    expect(acknowledged.size).to.equal(CLIENTS * ROUNDS * EVENTS_PER_REQUEST);
  });
});
