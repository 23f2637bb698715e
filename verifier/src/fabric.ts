/**
 * Fabric 2.5 block and transaction facts the checks rely on (hyperledger/fabric v2.5
 * protoutil/blockutils.go, core/common/validation/msgvalidation.go, orderer blockwriter.go).
 * Decoding only: nothing here decides whether a check passes.
 */
import { createHash } from 'node:crypto';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import * as asn1js from 'asn1js';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** BlockMetadataIndex: SIGNATURES 0 (a common.Metadata), TRANSACTIONS_FILTER 2 (raw bytes, one code per tx). */
export const SIGNATURES_INDEX = common.BlockMetadataIndex.SIGNATURES;
export const TRANSACTIONS_FILTER_INDEX = common.BlockMetadataIndex.TRANSACTIONS_FILTER;

/** Names of peer.TxValidationCode values, for reports. */
export function validationCodeName(code: number): string {
  const entry = Object.entries(peer.TxValidationCode).find(([, value]) => value === code);
  return entry ? entry[0] : `code ${String(code)}`;
}

export interface HeaderFields {
  number: bigint;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
}

/** protoutil.BlockHeaderBytes: DER SEQUENCE{INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash}. */
export function blockHeaderBytes(header: HeaderFields): Buffer {
  const der = new asn1js.Sequence({
    value: [
      asn1js.Integer.fromBigInt(header.number),
      new asn1js.OctetString({ valueHex: header.previousHash }),
      new asn1js.OctetString({ valueHex: header.dataHash }),
    ],
  }).toBER(false);
  return Buffer.from(der);
}

/** protoutil.BlockHeaderHash: SHA-256 of blockHeaderBytes. */
export function blockHeaderHash(header: HeaderFields): Buffer {
  return sha256(blockHeaderBytes(header));
}

/** protoutil.BlockDataHash (2.5): SHA-256 over the concatenated data entries. */
export function blockDataHash(data: readonly Uint8Array[]): Buffer {
  return sha256(...data);
}

/** protoutil.GetProposalHash2: SHA-256(channel_header ‖ signature_header ‖ chaincode_proposal_payload). */
export function proposalHash(channelHeader: Uint8Array, signatureHeader: Uint8Array, proposalPayload: Uint8Array): Buffer {
  return sha256(channelHeader, signatureHeader, proposalPayload);
}

/** A decoded block, with the raw bytes the hashes and signatures are computed over. */
export interface DecodedBlock {
  header: HeaderFields;
  data: Uint8Array[];
  metadata: Uint8Array[];
}

/** Decodes common.Block bytes; throws on bytes that are not a block with a header. */
export function decodeBlock(bytes: Uint8Array): DecodedBlock {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (!header) throw new Error('block has no header');
  return {
    header: {
      number: BigInt(header.getNumber()),
      previousHash: header.getPreviousHash_asU8(),
      dataHash: header.getDataHash_asU8(),
    },
    data: block.getData()?.getDataList_asU8() ?? [],
    metadata: block.getMetadata()?.getMetadataList_asU8() ?? [],
  };
}

/** msp.SerializedIdentity: the MSP id and the PEM certificate. */
export interface Identity {
  mspId: string;
  certPem: string;
  /** The serialised bytes, as signed over. */
  bytes: Uint8Array;
}

export function decodeIdentity(bytes: Uint8Array): Identity {
  const id = msp.SerializedIdentity.deserializeBinary(bytes);
  return { mspId: id.getMspid(), certPem: Buffer.from(id.getIdBytes_asU8()).toString('utf8'), bytes };
}

export interface Endorsement {
  endorser: Identity;
  signature: Uint8Array;
}

/** An endorser transaction, decoded from its envelope down to the namespace's writes. */
export interface DecodedTransaction {
  envelopeSignature: Uint8Array;
  /** Envelope.payload bytes (what the creator signed). */
  payload: Uint8Array;
  channelHeader: Uint8Array;
  signatureHeader: Uint8Array;
  type: number;
  channelId: string;
  txId: string;
  timestamp: Date | undefined;
  creator: Identity;
  /** TransactionAction.header (the proposal's signature header), and the creator it names. */
  actionSignatureHeader: Uint8Array;
  actionCreator: Uint8Array;
  chaincodeProposalPayload: Uint8Array;
  proposalResponsePayload: Uint8Array;
  proposalHash: Uint8Array;
  endorsements: Endorsement[];
  chaincodeName: string;
  /** The writes of each namespace of ChaincodeAction.results. */
  writes: Map<string, Array<{ key: string; isDelete: boolean; value: Uint8Array }>>;
}

/** The writes of each namespace of a transaction's read-write set, in order. */
function writesByNamespace(rwset: ledger.rwset.TxReadWriteSet): DecodedTransaction['writes'] {
  const writes: DecodedTransaction['writes'] = new Map();
  for (const ns of rwset.getNsRwsetList()) {
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    const list = writes.get(ns.getNamespace()) ?? [];
    for (const w of kv.getWritesList()) list.push({ key: w.getKey(), isDelete: w.getIsDelete(), value: w.getValue_asU8() });
    writes.set(ns.getNamespace(), list);
  }
  return writes;
}

/** Decodes an ENDORSER_TRANSACTION envelope (one action, as Fabric requires); throws when malformed. */
export function decodeTransaction(envelopeBytes: Uint8Array): DecodedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payloadBytes = envelope.getPayload_asU8();
  const payload = common.Payload.deserializeBinary(payloadBytes);
  const header = payload.getHeader();
  if (!header) throw new Error('payload has no header');
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    throw new Error(`not an endorser transaction (header type ${String(channelHeader.getType())})`);
  }
  const signatureHeader = common.SignatureHeader.deserializeBinary(signatureHeaderBytes);
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const actions = tx.getActionsList();
  const action = actions.length === 1 ? actions[0] : undefined;
  if (!action) throw new Error(`transaction has ${String(actions.length)} actions, Fabric allows one`);
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = actionPayload.getAction();
  if (!endorsed) throw new Error('transaction action has no endorsed action');
  const prpBytes = endorsed.getProposalResponsePayload_asU8();
  const prp = peer.ProposalResponsePayload.deserializeBinary(prpBytes);
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
  const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
  const writes = writesByNamespace(rwset);
  const ts = channelHeader.getTimestamp();
  return {
    envelopeSignature: envelope.getSignature_asU8(),
    payload: payloadBytes,
    channelHeader: channelHeaderBytes,
    signatureHeader: signatureHeaderBytes,
    type: channelHeader.getType(),
    channelId: channelHeader.getChannelId(),
    txId: channelHeader.getTxId(),
    timestamp: ts ? new Date(ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6)) : undefined,
    creator: decodeIdentity(signatureHeader.getCreator_asU8()),
    actionSignatureHeader: action.getHeader_asU8(),
    actionCreator: common.SignatureHeader.deserializeBinary(action.getHeader_asU8()).getCreator_asU8(),
    chaincodeProposalPayload: actionPayload.getChaincodeProposalPayload_asU8(),
    proposalResponsePayload: prpBytes,
    proposalHash: prp.getProposalHash_asU8(),
    endorsements: endorsed.getEndorsementsList().map((e) => ({
      endorser: decodeIdentity(e.getEndorser_asU8()),
      signature: e.getSignature_asU8(),
    })),
    chaincodeName: chaincodeAction.getChaincodeId()?.getName() ?? '',
    writes,
  };
}

/** One orderer signature from SIGNATURES metadata, with the bytes it signs. */
export interface BlockSignature {
  signer: Identity;
  signature: Uint8Array;
  /** metadata.value ‖ signature_header ‖ BlockHeaderBytes(header) (orderer blockwriter.go, peer gossip mcs.go). */
  signedBytes: Buffer;
}

/** The orderer signatures of a block; throws when the SIGNATURES slot is missing or malformed. */
export function blockSignatures(block: DecodedBlock): BlockSignature[] {
  const slot = block.metadata[SIGNATURES_INDEX];
  if (!slot || slot.length === 0) throw new Error('block has no SIGNATURES metadata');
  const metadata = common.Metadata.deserializeBinary(slot);
  const headerBytes = blockHeaderBytes(block.header);
  return metadata.getSignaturesList().map((s) => {
    const signatureHeader = s.getSignatureHeader_asU8();
    const creator = common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8();
    return {
      signer: decodeIdentity(creator),
      signature: s.getSignature_asU8(),
      signedBytes: Buffer.concat([metadata.getValue_asU8(), signatureHeader, headerBytes]),
    };
  });
}
