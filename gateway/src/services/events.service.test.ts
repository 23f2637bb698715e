import type { Principal } from '../auth/principals';
import { expect } from '../chai.test';
import type { EventQueue, QueuedEvent, StoredRejection } from '../ports/event-queue';
import type { LedgerPort, LotView } from '../ports/ledger';
import type { EventInput } from '../schemas';
import { EventsService, toLedgerEvent } from './events.service';

const carrier: Principal = { name: 'carrier-key', role: 'logistics', identity: 'org1-logistics', mspId: 'Org1MSP' };
// a handover: what logistics may post on link 7, so the pre-checks before the 202 let it through to the (stub) queue
const input = (eventId: string): EventInput => ({ eventId, lotId: 'LOT-1', link: 7, kind: 'handover', eventTime: '2026-11-20T08:15:00+08:00' });

/** A queue that stores nothing and reports every event rejected with `rejection`. */
function rejectingQueue(rejection: StoredRejection): EventQueue {
  const rejected = (eventId: string): QueuedEvent => ({
    eventId,
    lotId: 'LOT-1',
    principal: carrier.name,
    identity: carrier.identity,
    status: 'rejected',
    rejection,
    event: toLedgerEvent(input(eventId)),
    queuedAt: '2026-11-20T00:00:00.000Z',
    updatedAt: '2026-11-20T00:00:01.000Z',
  });
  return {
    enqueue: (_poster, events) => Promise.resolve(events.map((e) => ({ eventId: e.eventId, status: 'queued' as const }))),
    waitFor: (ids) => Promise.resolve(ids.map(rejected)),
    get: (id) => Promise.resolve(rejected(id)),
  } as Partial<EventQueue> as EventQueue;
}

describe('services/events: refusals as the outbox stored them', () => {
  // LOT-1 is registered (the pre-check reads it); nothing else is asked of the ledger
  const ledger = { readLot: () => Promise.resolve({ lot: { lotId: 'LOT-1', epcs: [] } } as unknown as LotView), identities: () => [] } as Partial<LedgerPort> as LedgerPort;

  it('answers the status of the stored code when every event was refused', async () => {
    const service = new EventsService(ledger, rejectingQueue({ code: 'NOT_FOUND', message: 'lot LOT-1 is not registered' }), 1000);
    const out = await service.post(carrier, [input('E-1'), input('E-2')], true);
    expect(out.httpStatus).to.equal(404);
    expect(out.rejection).to.deep.equal({ code: 'NOT_FOUND', sentence: 'lot LOT-1 is not registered' });
    expect(out.accepted.map((a) => a.reason)).to.deep.equal(['NOT_FOUND: lot LOT-1 is not registered', 'NOT_FOUND: lot LOT-1 is not registered']);
  });

  it('answers a refusal stored without a code (an old row) as before: 400, the whole text', async () => {
    const service = new EventsService(ledger, rejectingQueue({ message: 'a text without a code' }), 1000);
    const out = await service.post(carrier, [input('E-3')], true);
    expect(out.httpStatus).to.equal(400);
    expect(out.rejection).to.deep.equal({ code: 'INVALID_ARGUMENT', sentence: 'a text without a code' });
    const got = await service.get(carrier, 'E-3');
    expect(got).to.include({ status: 'rejected', reason: 'a text without a code' });
  });
});
