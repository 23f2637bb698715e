/**
 * Unpacking and validating a SignedProposal the way a v2.5 endorser does
 * (fab core/endorser/msgvalidation.go `UnpackProposal`, `Validate`).
 */
import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { IdentityDeserializer } from './ports';

/** The interesting parts of a proposal; no field is empty. */
export interface UnpackedProposal {
  readonly signedProposal: peer.SignedProposal;
  readonly proposal: peer.Proposal;
  /** The proposal's Header exactly as sent (pitfall 5: keep the bytes). */
  readonly header: common.Header;
  readonly channelHeader: common.ChannelHeader;
  readonly signatureHeader: common.SignatureHeader;
  readonly chaincodeProposalPayload: peer.ChaincodeProposalPayload;
  readonly chaincodeName: string;
  /** The chaincode name in the invocation spec (what the gateway routes on). */
  readonly invocationChaincodeName: string;
  readonly input: peer.ChaincodeInput;
  readonly proposalHash: Uint8Array;
  readonly channelId: string;
  readonly txId: string;
}

/** fab protoutil `ComputeTxID`: hex(SHA-256(nonce ‖ creator)). */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

/** Decodes a protobuf message, turning the decoder's exceptions into a readable error. */
export function decode<T>(what: string, bytes: Uint8Array, fn: (b: Uint8Array) => T): T {
  try {
    return fn(bytes);
  } catch (err) {
    throw new Error(`error unmarshalling ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The non-transient part of a ChaincodeProposalPayload, as it enters the transaction. */
export function withoutTransient(payload: peer.ChaincodeProposalPayload): peer.ChaincodeProposalPayload {
  const cpp = new peer.ChaincodeProposalPayload();
  cpp.setInput(payload.getInput_asU8());
  return cpp;
}

/** The payload carries a transient map (jspb.Map has no typings; `getLength` is its size). */
export function hasTransientData(payload: peer.ChaincodeProposalPayload): boolean {
  return (payload.getTransientmapMap() as unknown as { getLength(): number }).getLength() > 0;
}

/**
 * Proposals unpacked so far, by message object: the gateway routes on the proposal, then its
 * endorser (and, for evaluate, fallback endorsers) unpack the same message again.
 */
const unpackedProposals = new WeakMap<peer.SignedProposal, UnpackedProposal>();

/** Throws with the endorser's message when the proposal cannot be unpacked. */
export function unpackProposal(signedProposal: peer.SignedProposal): UnpackedProposal {
  const known = unpackedProposals.get(signedProposal);
  if (known !== undefined) {
    return known;
  }
  const unpacked = unpack(signedProposal);
  unpackedProposals.set(signedProposal, unpacked);
  return unpacked;
}

/** A sub-message fab requires; `message` is its error when unset. */
function present<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}

/** Bytes fab requires to be non-empty; `message` is its error otherwise. */
function nonEmpty(bytes: Uint8Array, message: string): Uint8Array {
  if (bytes.length === 0) throw new Error(message);
  return bytes;
}

function unpack(signedProposal: peer.SignedProposal): UnpackedProposal {
  const proposal = decode('Proposal', signedProposal.getProposalBytes_asU8(), (b) => peer.Proposal.deserializeBinary(b));
  const header = decode('Header', proposal.getHeader_asU8(), (b) => common.Header.deserializeBinary(b));
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const channelHeader = decode('ChannelHeader', channelHeaderBytes, (b) => common.ChannelHeader.deserializeBinary(b));
  const signatureHeader = decode('SignatureHeader', signatureHeaderBytes, (b) =>
    common.SignatureHeader.deserializeBinary(b),
  );
  const extension = decode('ChaincodeHeaderExtension', channelHeader.getExtension_asU8(), (b) =>
    peer.ChaincodeHeaderExtension.deserializeBinary(b),
  );
  const chaincodeId = present(extension.getChaincodeId(), 'ChaincodeHeaderExtension.ChaincodeId is nil');
  if (chaincodeId.getName() === '') {
    throw new Error('ChaincodeHeaderExtension.ChaincodeId.Name is empty');
  }
  const chaincodeProposalPayload = decode('ChaincodeProposalPayload', proposal.getPayload_asU8(), (b) =>
    peer.ChaincodeProposalPayload.deserializeBinary(b),
  );
  const invocationSpec = decode('ChaincodeInvocationSpec', chaincodeProposalPayload.getInput_asU8(), (b) =>
    peer.ChaincodeInvocationSpec.deserializeBinary(b),
  );
  const spec = present(invocationSpec.getChaincodeSpec(), 'chaincode invocation spec did not contain chaincode spec');
  const input = present(spec.getInput(), 'chaincode input did not contain any input');
  const proposalHash = createHash('sha256')
    .update(channelHeaderBytes)
    .update(signatureHeaderBytes)
    .update(withoutTransient(chaincodeProposalPayload).serializeBinary())
    .digest();
  return {
    signedProposal,
    proposal,
    header,
    channelHeader,
    signatureHeader,
    chaincodeProposalPayload,
    chaincodeName: chaincodeId.getName(),
    invocationChaincodeName: spec.getChaincodeId()?.getName() ?? '',
    input,
    proposalHash,
    channelId: channelHeader.getChannelId(),
    txId: channelHeader.getTxId(),
  };
}

/**
 * fab `UnpackedProposal.Validate`: header type, epoch, nonce, creator, txid, then the
 * creator's certificate and signature. Throws with the endorser's message.
 */
export function validateProposal(up: UnpackedProposal, deserializer: IdentityDeserializer): void {
  const creator = checkProposalHeader(up);
  checkProposalSignature(up, creator, deserializer);
}

/** The header part of `Validate`: type, epoch, nonce, creator, txid. Returns the creator. */
function checkProposalHeader(up: UnpackedProposal): Uint8Array {
  const type = up.channelHeader.getType();
  if (type !== common.HeaderType.ENDORSER_TRANSACTION && type !== common.HeaderType.CONFIG) {
    throw new Error(`invalid header type ${headerTypeName(type)}`);
  }
  if (up.channelHeader.getEpoch() !== 0) {
    throw new Error('epoch is non-zero');
  }
  const nonce = nonEmpty(up.signatureHeader.getNonce_asU8(), 'nonce is empty');
  const creator = nonEmpty(up.signatureHeader.getCreator_asU8(), 'creator is empty');
  const expected = computeTxId(nonce, creator);
  if (up.txId !== expected) {
    throw new Error(`incorrectly computed txid '${up.txId}' -- expected '${expected}'`);
  }
  return creator;
}

/** The signature part of `Validate`: the creator's certificate is valid and signed the proposal. */
function checkProposalSignature(up: UnpackedProposal, creator: Uint8Array, deserializer: IdentityDeserializer): void {
  const proposalBytes = nonEmpty(up.signedProposal.getProposalBytes_asU8(), 'empty proposal bytes');
  const signature = nonEmpty(up.signedProposal.getSignature_asU8(), 'empty signature bytes');
  let identity;
  try {
    identity = deserializer.deserializeIdentity(creator);
  } catch {
    throw new Error(`access denied: channel [${up.channelId}] creator org unknown, creator is malformed`);
  }
  const denied = new Error(`access denied: channel [${up.channelId}] creator org [${identity.mspId}]`);
  try {
    identity.validate();
  } catch {
    throw denied;
  }
  if (!identity.verify(proposalBytes, signature)) {
    throw denied;
  }
}

/** common.HeaderType name for messages, e.g. `ENDORSER_TRANSACTION`. */
export function headerTypeName(type: number): string {
  const entry = Object.entries(common.HeaderType).find(([, value]) => value === type);
  return entry?.[0] ?? String(type);
}
