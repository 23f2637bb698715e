import { createHash, randomBytes } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

import type { SigningIdentity } from './ca';
import { sign } from './ecdsa';
import { deserializeIdentity, serializeIdentity } from './registry';

/** Options for {@link buildSignedProposal}. */
export interface ProposalOptions {
  readonly signer: SigningIdentity;
  readonly channelId: string;
  readonly chaincodeName: string;
  /** `fn` or `contract:fn`. */
  readonly transactionName: string;
  readonly args?: ReadonlyArray<string | Uint8Array>;
  readonly transientMap?: Readonly<Record<string, Uint8Array>>;
  /** ChannelHeader timestamp (default: now). */
  readonly timestamp?: Date;
  /** 24 random bytes by default. */
  readonly nonce?: Uint8Array;
}

/** A signed proposal and its transaction id. */
export interface BuiltProposal {
  readonly txId: string;
  readonly signedProposal: peer.SignedProposal;
  /** `signedProposal.serializeBinary()`. */
  readonly signedProposalBytes: Uint8Array;
}

/** A decoded `SignedProposal`, with the pieces a peer and the chaincode stub need. */
export interface DecodedProposal {
  readonly signedProposal: peer.SignedProposal;
  readonly proposalBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly proposal: peer.Proposal;
  readonly header: common.Header;
  readonly channelHeader: common.ChannelHeader;
  readonly channelHeaderBytes: Uint8Array;
  readonly signatureHeader: common.SignatureHeader;
  readonly signatureHeaderBytes: Uint8Array;
  /** `msp.SerializedIdentity` bytes. */
  readonly creator: Uint8Array;
  readonly creatorMspId: string;
  readonly nonce: Uint8Array;
  readonly txId: string;
  readonly channelId: string;
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly chaincodeName: string;
  readonly chaincodeInput: peer.ChaincodeInput;
  /** `[transactionName, ...args]`. */
  readonly args: readonly Uint8Array[];
  readonly proposalPayload: peer.ChaincodeProposalPayload;
  /** SHA-256(channel header ‖ signature header ‖ ChaincodeProposalPayload without transient map), as a peer computes for `ProposalResponsePayload.proposal_hash`. */
  readonly proposalHash: Uint8Array;
}

/**
 * Fabric's transaction id: hex(SHA-256(nonce ‖ creator)).
 * @param nonce - the SignatureHeader nonce
 * @param creator - the serialised creator identity
 */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

function timestampProto(date: Date): Timestamp {
  const ts = new Timestamp();
  const ms = date.getTime();
  ts.setSeconds(Math.floor(ms / 1000));
  ts.setNanos((ms % 1000) * 1_000_000);
  return ts;
}

/**
 * Builds and signs a chaincode proposal exactly as `@hyperledger/fabric-gateway` does: ChannelHeader
 * type ENDORSER_TRANSACTION with a ChaincodeHeaderExtension, SignatureHeader{creator, nonce},
 * ChaincodeProposalPayload{ChaincodeInvocationSpec{ChaincodeSpec{NODE, chaincode_id, input}}},
 * signed ECDSA-SHA256 (low S) over the proposal bytes.
 */
export function buildSignedProposal(options: ProposalOptions): BuiltProposal {
  const creator = serializeIdentity(options.signer.mspId, options.signer.certPem);
  const nonce = options.nonce ?? randomBytes(24);
  const txId = computeTxId(nonce, creator);

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(options.chaincodeName);

  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(timestampProto(options.timestamp ?? new Date()));
  channelHeader.setChannelId(options.channelId);
  channelHeader.setExtension$(extension.serializeBinary());
  channelHeader.setEpoch(0);

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creator);
  signatureHeader.setNonce(nonce);

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList([options.transactionName, ...(options.args ?? [])].map((a) => (typeof a === 'string' ? Buffer.from(a) : a)));

  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);

  const invocationSpec = new peer.ChaincodeInvocationSpec();
  invocationSpec.setChaincodeSpec(spec);

  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocationSpec.serializeBinary());
  // jspb.Map (google-protobuf has no typings): the methods used here match Map's.
  const transient = payload.getTransientmapMap() as unknown as Map<string, Uint8Array>;
  for (const [k, v] of Object.entries(options.transientMap ?? {})) transient.set(k, v);

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());

  const proposalBytes = proposal.serializeBinary();
  const signedProposal = new peer.SignedProposal();
  signedProposal.setProposalBytes(proposalBytes);
  signedProposal.setSignature(sign(options.signer.keyPem, proposalBytes));
  return { txId, signedProposal, signedProposalBytes: signedProposal.serializeBinary() };
}

/** The MSP id of a serialized creator; empty when it does not decode (the MSP check reports it). */
function mspIdOf(creator: Uint8Array): string {
  try {
    return deserializeIdentity(creator).mspId;
  } catch {
    return '';
  }
}

function chaincodeNameOf(spec: peer.ChaincodeSpec | undefined): string {
  return spec?.getChaincodeId()?.getName() ?? '';
}

/**
 * Decodes a SignedProposal (message or bytes). Checks nothing beyond structure: verify the
 * creator and signature with `MspRegistry.verify(decoded.creator, decoded.proposalBytes, decoded.signature)`
 * and compare `decoded.txId` with {@link computeTxId}.
 * @throws Error when a part does not decode
 */
export function decodeSignedProposal(signed: peer.SignedProposal | Uint8Array): DecodedProposal {
  const signedProposal = signed instanceof Uint8Array ? peer.SignedProposal.deserializeBinary(signed) : signed;
  const proposalBytes = signedProposal.getProposalBytes_asU8();
  const proposal = peer.Proposal.deserializeBinary(proposalBytes);
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
  const signatureHeader = common.SignatureHeader.deserializeBinary(signatureHeaderBytes);
  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const invocationSpec = peer.ChaincodeInvocationSpec.deserializeBinary(proposalPayload.getInput_asU8());
  const spec = invocationSpec.getChaincodeSpec();
  const chaincodeInput = spec?.getInput() ?? new peer.ChaincodeInput();
  const ts = channelHeader.getTimestamp();

  const withoutTransient = new peer.ChaincodeProposalPayload();
  withoutTransient.setInput(proposalPayload.getInput_asU8());
  const proposalHash = createHash('sha256')
    .update(channelHeaderBytes)
    .update(signatureHeaderBytes)
    .update(withoutTransient.serializeBinary())
    .digest();

  const creator = signatureHeader.getCreator_asU8();
  return {
    signedProposal,
    proposalBytes,
    signature: signedProposal.getSignature_asU8(),
    proposal,
    header,
    channelHeader,
    channelHeaderBytes,
    signatureHeader,
    signatureHeaderBytes,
    creator,
    creatorMspId: mspIdOf(creator),
    nonce: signatureHeader.getNonce_asU8(),
    txId: channelHeader.getTxId(),
    channelId: channelHeader.getChannelId(),
    timestamp: { seconds: ts?.getSeconds() ?? 0, nanos: ts?.getNanos() ?? 0 },
    chaincodeName: chaincodeNameOf(spec),
    chaincodeInput,
    args: chaincodeInput.getArgsList_asU8(),
    proposalPayload,
    proposalHash,
  };
}
