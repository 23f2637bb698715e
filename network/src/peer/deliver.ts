/**
 * The peer's `protos.Deliver` service (fab common/deliver, core/peer/deliverevents.go): blocks,
 * filtered blocks or blocks with (empty) private data, from a seek position, for channel
 * members. fabric-gateway's `getBlockEvents` / `getFilteredBlockEvents` /
 * `getBlockAndPrivateDataEvents` use it.
 */
import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { common, orderer, peer } from '@hyperledger/fabric-protos';
import { chaincodeEventsOfBlock } from './chaincode-events';
import type { ChannelContext } from './channel';
import { blockEnvelopes, transactionsFilter } from './block';
import { writeWithBackpressure } from './stream-write';
import { blockWaiter } from './commit-notifier';

type Kind = 'block' | 'filtered' | 'private';
type Call = ServerDuplexStream<common.Envelope, peer.DeliverResponse>;

/** The grpc-js implementation for `peer.DeliverService`. */
export function newDeliverService(channel: ChannelContext): UntypedServiceImplementation {
  const handler = (kind: Kind) => (call: Call) => {
    call.once('data', (envelope: common.Envelope) => {
      deliver(channel, kind, call, envelope).catch((err: unknown) => {
        channel.logger.warn({ err }, 'deliver stream failed');
        finish(call, common.Status.INTERNAL_SERVER_ERROR);
      });
    });
  };
  return { deliver: handler('block'), deliverFiltered: handler('filtered'), deliverWithPrivateData: handler('private') };
}

function finish(call: Call, status: common.StatusMap[keyof common.StatusMap]): void {
  if (call.cancelled || call.writableEnded) {
    return;
  }
  const response = new peer.DeliverResponse();
  response.setStatus(status);
  call.write(response);
  call.end();
}

interface Seek {
  readonly start: number;
  readonly stop: number;
  readonly failIfNotReady: boolean;
}

/** Parses and authorises the request; undefined after answering with an error status. */
function seekOf(channel: ChannelContext, call: Call, envelope: common.Envelope): Seek | undefined {
  let payload: common.Payload;
  let channelHeader: common.ChannelHeader;
  let signatureHeader: common.SignatureHeader;
  let seekInfo: orderer.SeekInfo;
  try {
    payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
    signatureHeader = common.SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(0));
    seekInfo = orderer.SeekInfo.deserializeBinary(payload.getData_asU8());
  } catch {
    finish(call, common.Status.BAD_REQUEST);
    return undefined;
  }
  if (channelHeader.getChannelId() !== channel.channelId) {
    finish(call, common.Status.NOT_FOUND);
    return undefined;
  }
  let member = false;
  try {
    const identity = channel.deserializer.deserializeIdentity(signatureHeader.getCreator_asU8());
    identity.validate();
    member = identity.verify(envelope.getPayload_asU8(), envelope.getSignature_asU8());
  } catch {
    member = false;
  }
  if (!member) {
    finish(call, common.Status.FORBIDDEN);
    return undefined;
  }
  const height = channel.ledger.height();
  const position = (p: orderer.SeekPosition | undefined, fallback: number): number => {
    switch (p?.getTypeCase()) {
      case orderer.SeekPosition.TypeCase.OLDEST:
        return 0;
      case orderer.SeekPosition.TypeCase.NEWEST:
        return Math.max(0, height - 1);
      case orderer.SeekPosition.TypeCase.SPECIFIED:
        return p.getSpecified()?.getNumber() ?? 0;
      case orderer.SeekPosition.TypeCase.NEXT_COMMIT:
        return height;
      default:
        return fallback;
    }
  };
  const start = position(seekInfo.getStart(), height);
  const stop = position(seekInfo.getStop(), Number.MAX_SAFE_INTEGER);
  if (start > stop) {
    finish(call, common.Status.BAD_REQUEST);
    return undefined;
  }
  return { start, stop, failIfNotReady: seekInfo.getBehavior() === orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY };
}

async function deliver(channel: ChannelContext, kind: Kind, call: Call, envelope: common.Envelope): Promise<void> {
  const seek = seekOf(channel, call, envelope);
  if (seek === undefined) {
    return;
  }
  const { ledger, notifier, shutdown } = channel;
  const waiter = blockWaiter(notifier, call, shutdown);
  try {
    for (let next = seek.start; next <= seek.stop; ) {
      if (call.cancelled) {
        return;
      }
      if (shutdown.aborted) {
        finish(call, common.Status.SERVICE_UNAVAILABLE);
        return;
      }
      if (next >= ledger.height()) {
        if (seek.failIfNotReady) {
          finish(call, common.Status.NOT_FOUND);
          return;
        }
        await waiter.wait(() => next < ledger.height() || call.cancelled || shutdown.aborted);
        continue;
      }
      const block = ledger.getBlock(next);
      if (block === undefined) {
        finish(call, common.Status.NOT_FOUND);
        return;
      }
      const response = new peer.DeliverResponse();
      if (kind === 'filtered') {
        response.setFilteredBlock(filteredBlock(channel.channelId, block));
      } else if (kind === 'private') {
        const withPrivate = new peer.BlockAndPrivateData();
        withPrivate.setBlock(block);
        response.setBlockAndPrivateData(withPrivate);
      } else {
        response.setBlock(block);
      }
      await writeWithBackpressure(call, response);
      next += 1;
    }
    finish(call, common.Status.SUCCESS);
  } finally {
    waiter.close();
  }
}

/** fab `FilteredBlock`: tx ids, types, validation codes, chaincode events without payloads. */
function filteredBlock(channelId: string, block: common.Block): peer.FilteredBlock {
  const filter = transactionsFilter(block);
  const events = new Map(chaincodeEventsOfBlock(block).map((e) => [e.getTxId(), e]));
  const filtered = new peer.FilteredBlock();
  filtered.setChannelId(channelId);
  filtered.setNumber(block.getHeader()?.getNumber() ?? 0);
  filtered.setFilteredTransactionsList(
    blockEnvelopes(block).map((envBytes, i) => {
      const tx = new peer.FilteredTransaction();
      try {
        const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envBytes).getPayload_asU8());
        const header = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
        tx.setTxid(header.getTxId());
        tx.setType(header.getType() as common.HeaderTypeMap[keyof common.HeaderTypeMap]);
        const event = events.get(header.getTxId());
        if (event !== undefined && filter[i] === peer.TxValidationCode.VALID) {
          const stripped = new peer.ChaincodeEvent();
          stripped.setChaincodeId(event.getChaincodeId());
          stripped.setTxId(event.getTxId());
          stripped.setEventName(event.getEventName());
          const action = new peer.FilteredChaincodeAction();
          action.setChaincodeEvent(stripped);
          const actions = new peer.FilteredTransactionActions();
          actions.setChaincodeActionsList([action]);
          tx.setTransactionActions(actions);
        }
      } catch {
        // an unparsable envelope is reported with its validation code only
      }
      tx.setTxValidationCode((filter[i] ?? 255) as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
      return tx;
    }),
  );
  return filtered;
}
