/**
 * Chaincode events from committed blocks (fab internal/pkg/gateway/event, chaincodeevents.go):
 * only VALID endorser transactions, at most one event per transaction, in block order.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { blockEnvelopes, transactionsFilter } from './block';

/** The chaincode events of one block, in transaction order. */
export function chaincodeEventsOfBlock(block: common.Block): peer.ChaincodeEvent[] {
  const filter = transactionsFilter(block);
  const events: peer.ChaincodeEvent[] = [];
  blockEnvelopes(block).forEach((envelopeBytes, index) => {
    if (filter[index] !== peer.TxValidationCode.VALID) {
      return;
    }
    const event = chaincodeEventOfEnvelope(envelopeBytes);
    if (event !== undefined) {
      events.push(event);
    }
  });
  return events;
}

/** The chaincode action of an endorser transaction's first action, if it has one. */
function chaincodeActionOf(payload: common.Payload): peer.ChaincodeAction | undefined {
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = tx.getActionsList()[0];
  if (action === undefined) {
    return undefined;
  }
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const prp = peer.ProposalResponsePayload.deserializeBinary(
    actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(0),
  );
  return peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
}

/** An event names its chaincode, its name and its transaction. */
function isCompleteEvent(event: peer.ChaincodeEvent): boolean {
  return event.getChaincodeId() !== '' && event.getEventName() !== '' && event.getTxId() !== '';
}

function chaincodeEventOfEnvelope(envelopeBytes: Uint8Array): peer.ChaincodeEvent | undefined {
  try {
    const envelope = common.Envelope.deserializeBinary(envelopeBytes);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
      return undefined;
    }
    const eventBytes = chaincodeActionOf(payload)?.getEvents_asU8() ?? new Uint8Array(0);
    if (eventBytes.length === 0) {
      return undefined;
    }
    // a copy: a parsed bytes field is a view of the buffer it was parsed from, so an event parsed in
    // place would keep its whole block (1 MiB and more under 500-event transactions) alive in the cache
    const event = peer.ChaincodeEvent.deserializeBinary(new Uint8Array(eventBytes));
    return isCompleteEvent(event) ? event : undefined;
  } catch {
    return undefined;
  }
}

/**
 * fab `chaincodeEventMatcher`: without `afterTransactionId`, events of `chaincodeId`; with it,
 * everything up to and including that transaction's event is dropped first.
 */
export function chaincodeEventMatcher(
  chaincodeId: string,
  afterTransactionId: string,
): (event: peer.ChaincodeEvent) => boolean {
  if (afterTransactionId === '') {
    return (event) => event.getChaincodeId() === chaincodeId;
  }
  let passed = false;
  return (event) => {
    if (!passed) {
      if (event.getTxId() === afterTransactionId) {
        passed = true;
      }
      return false;
    }
    return event.getChaincodeId() === chaincodeId;
  };
}

/**
 * A small cache of parsed block events: streams replaying recent blocks share the work. Each
 * entry holds only its events' own bytes (see chaincodeEventOfEnvelope), not the block's.
 */
export class BlockEventsCache {
  readonly #entries = new Map<number, peer.ChaincodeEvent[]>();
  readonly #capacity: number;

  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  get(blockNumber: number, load: () => common.Block | undefined): peer.ChaincodeEvent[] | undefined {
    const cached = this.#entries.get(blockNumber);
    if (cached !== undefined) {
      return cached;
    }
    const block = load();
    if (block === undefined) {
      return undefined;
    }
    const events = chaincodeEventsOfBlock(block);
    this.#entries.set(blockNumber, events);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) {
        this.#entries.delete(oldest.value);
      }
    }
    return events;
  }
}
