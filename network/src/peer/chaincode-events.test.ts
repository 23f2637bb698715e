/**
 * Chaincode events of a committed block, and what the events cache keeps of it: an event's bytes,
 * never the block it was parsed from.
 */
import { expect } from 'chai';
import { common, peer } from '@hyperledger/fabric-protos';
import { newBlock, setBlockMetadata, TRANSACTIONS_FILTER } from './block';
import { BlockEventsCache, chaincodeEventsOfBlock } from './chaincode-events';

/** An endorser transaction envelope whose chaincode action carries `event` (signatures aside: events are read after validation). */
function envelopeWithEvent(txId: string, event: peer.ChaincodeEvent): Uint8Array {
  const action = new peer.ChaincodeAction();
  action.setEvents(event.serializeBinary());
  const prp = new peer.ProposalResponsePayload();
  prp.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prp.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const txAction = new peer.TransactionAction();
  txAction.setPayload(actionPayload.serializeBinary());
  const tx = new peer.Transaction();
  tx.setActionsList([txAction]);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setTxId(txId);
  return envelopeOf(channelHeader, tx.serializeBinary());
}

/** Envelope{Payload{Header{channel_header}, data}}, unsigned. */
function envelopeOf(channelHeader: common.ChannelHeader, data: Uint8Array): Uint8Array {
  const payload = new common.Payload();
  payload.setData(data);
  payload.setHeader(new common.Header());
  payload.getHeader()?.setChannelHeader(channelHeader.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

function chaincodeEvent(txId: string, payload: Uint8Array): peer.ChaincodeEvent {
  const event = new peer.ChaincodeEvent();
  event.setChaincodeId('acetrace');
  event.setTxId(txId);
  event.setEventName('EventsRecorded');
  event.setPayload(payload);
  return event;
}

/** A stored block read back as the ledger reader does: one buffer holding every envelope. */
function committedBlock(envelopes: Uint8Array[], codes: number[]): common.Block {
  const block = newBlock(7, new Uint8Array(32), envelopes);
  setBlockMetadata(block, TRANSACTIONS_FILTER, Uint8Array.from(codes));
  return common.Block.deserializeBinary(block.serializeBinary());
}

describe('chaincode events of a block (fab chaincodeevents.go)', () => {
  const bulky = envelopeWithEvent('tx-bulky', chaincodeEvent('tx-bulky', new Uint8Array(1024 * 1024).fill(1)));
  const small = envelopeWithEvent('tx-small', chaincodeEvent('tx-small', Buffer.from('{"type":"EventsRecorded"}')));

  it('gives the events of VALID transactions only, in block order', () => {
    const block = committedBlock([small, bulky, small], [peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT, peer.TxValidationCode.VALID]);
    const events = chaincodeEventsOfBlock(block);
    expect(events.map((e) => e.getTxId())).to.deep.equal(['tx-small', 'tx-small']);
    expect(Buffer.from(events[0]?.getPayload_asU8() ?? []).toString()).to.equal('{"type":"EventsRecorded"}');
  });

  it('keeps of a cached block only its events’ bytes, not the block buffer they were parsed from', () => {
    const block = committedBlock([bulky, small], [peer.TxValidationCode.VALID, peer.TxValidationCode.VALID]);
    const events = new BlockEventsCache(4).get(7, () => block) ?? [];
    expect(events.map((e) => e.getTxId())).to.deep.equal(['tx-bulky', 'tx-small']);
    const [bulkyPayload, smallPayload] = events.map((e) => e.getPayload_asU8());
    expect(bulkyPayload?.length).to.equal(1024 * 1024);
    // the small event's payload lives in a buffer of its own event's size, not in the 1 MiB block
    expect(smallPayload?.buffer.byteLength).to.be.below(1024);
    expect(bulkyPayload?.buffer.byteLength).to.be.below(1024 * 1024 + 1024);
  });
});
