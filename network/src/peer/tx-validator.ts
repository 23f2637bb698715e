/**
 * Committer-side checks that precede MVCC validation (fab core/common/validation/msgvalidation.go
 * `ValidateTransaction` and the default VSCC's endorsement policy evaluation).
 */
import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { implicitCollectionOrg } from '../ledger/private-data';
import { fromTxReadWriteSet, type NamespaceRwSet } from '../ledger/rwset';
import type { IdentityDeserializer } from './ports';
import { computeTxId } from './proposal';

const Code = peer.TxValidationCode;

/** An endorsement policy over organisations: how many distinct orgs' peers must sign. */
export interface EndorsementPolicy {
  /** Human form for logs and the README, e.g. `MAJORITY Endorsement (2 of 3)`. */
  readonly description: string;
  readonly orgs: readonly string[];
  readonly required: number;
}

/** Fabric's default `/Channel/Application/Endorsement` policy: a majority of the channel's orgs. */
export function majorityPolicy(orgs: readonly string[]): EndorsementPolicy {
  const required = Math.floor(orgs.length / 2) + 1;
  return { description: `MAJORITY Endorsement (${String(required)} of ${String(orgs.length)})`, orgs, required };
}

/** `OR` of the channel's orgs: any single org's peer suffices. */
export function anyOrgPolicy(orgs: readonly string[]): EndorsementPolicy {
  return { description: `ANY Endorsement (1 of ${String(orgs.length)})`, orgs, required: 1 };
}

/** The parts of a transaction the ledger needs to validate and apply it. */
export interface ParsedTransaction {
  readonly txId: string;
  readonly channelId: string;
  /** Header timestamp (history entries carry it). */
  readonly timestamp: { seconds: number; nanos: number };
  readonly creator: Uint8Array;
  /** Serialised rwset.TxReadWriteSet. */
  readonly results: Uint8Array;
  /** Serialised peer.ChaincodeEvent, empty when none. */
  readonly events: Uint8Array;
  readonly chaincodeName: string;
  readonly endorsements: readonly peer.Endorsement[];
  readonly proposalResponsePayload: Uint8Array;
  /** `results` decoded (absent when it does not decode: the ledger then marks it BAD_RWSET). */
  readonly namespaces?: readonly NamespaceRwSet[];
}

/** Outcome of the pre-MVCC checks for one envelope. */
export interface TxCheck {
  readonly code: number;
  /** Present whenever the tx id could be read, even when the tx is invalid. */
  readonly txId?: string;
  readonly parsed?: ParsedTransaction;
  readonly reason?: string;
}

function invalid(code: number, reason: string, txId?: string): TxCheck {
  return txId === undefined ? { code, reason } : { code, reason, txId };
}

/** Parses and checks one envelope; never throws. */
export function checkTransaction(
  envelopeBytes: Uint8Array,
  channelId: string,
  deserializer: IdentityDeserializer,
  policy: EndorsementPolicy,
): TxCheck {
  let envelope: common.Envelope;
  let payload: common.Payload;
  try {
    envelope = common.Envelope.deserializeBinary(envelopeBytes);
    payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  } catch (err) {
    return invalid(Code.BAD_PAYLOAD, String(err));
  }
  const header = payload.getHeader();
  if (header === undefined) {
    return invalid(Code.BAD_COMMON_HEADER, 'nil header');
  }
  let channelHeader: common.ChannelHeader;
  let signatureHeader: common.SignatureHeader;
  try {
    channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  } catch (err) {
    return invalid(Code.BAD_COMMON_HEADER, String(err));
  }
  const headerProblem = checkHeaders(envelope, channelHeader, signatureHeader, channelId, deserializer);
  if (headerProblem !== undefined) {
    return headerProblem;
  }
  return checkEndorserTransaction(payload, header, channelHeader, signatureHeader, deserializer, policy);
}

/** Header type, nonce, creator, epoch, channel, creator signature and tx id; undefined when all hold. */
function checkHeaders(
  envelope: common.Envelope,
  channelHeader: common.ChannelHeader,
  signatureHeader: common.SignatureHeader,
  channelId: string,
  deserializer: IdentityDeserializer,
): TxCheck | undefined {
  const txId = channelHeader.getTxId();
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    return invalid(Code.UNSUPPORTED_TX_PAYLOAD, `unsupported header type ${String(channelHeader.getType())}`, txId);
  }
  const nonce = signatureHeader.getNonce_asU8();
  const creator = signatureHeader.getCreator_asU8();
  if (nonce.length === 0 || creator.length === 0 || channelHeader.getEpoch() !== 0) {
    return invalid(Code.BAD_COMMON_HEADER, 'invalid nonce, creator or epoch', txId);
  }
  if (channelHeader.getChannelId() !== channelId) {
    return invalid(Code.TARGET_CHAIN_NOT_FOUND, `channel ${channelHeader.getChannelId()} not found`, txId);
  }
  if (!signedByCreator(deserializer, creator, envelope.getPayload_asU8(), envelope.getSignature_asU8())) {
    return invalid(Code.BAD_CREATOR_SIGNATURE, 'creator signature over the envelope is not valid', txId);
  }
  if (computeTxId(nonce, creator) !== txId) {
    return invalid(Code.BAD_PROPOSAL_TXID, 'incorrectly computed txid', txId);
  }
  return undefined;
}

function signedByCreator(
  deserializer: IdentityDeserializer,
  creator: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    const identity = deserializer.deserializeIdentity(creator);
    identity.validate();
    return signature.length > 0 && identity.verify(message, signature);
  } catch {
    return false;
  }
}

function checkEndorserTransaction(
  payload: common.Payload,
  header: common.Header,
  channelHeader: common.ChannelHeader,
  signatureHeader: common.SignatureHeader,
  deserializer: IdentityDeserializer,
  policy: EndorsementPolicy,
): TxCheck {
  const txId = channelHeader.getTxId();
  const decoded = decodeAction(payload, txId);
  if ('code' in decoded) {
    return decoded;
  }
  const { actionPayload, prp, action, actionHeader } = decoded;
  const proposalHash = createHash('sha256')
    .update(header.getChannelHeader_asU8())
    .update(actionHeader)
    .update(actionPayload.getChaincodeProposalPayload_asU8())
    .digest();
  if (!proposalHash.equals(Buffer.from(prp.getProposalHash_asU8()))) {
    return invalid(Code.INVALID_ENDORSER_TRANSACTION, 'proposal hash does not match', txId);
  }
  const prpBytes = actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(0);
  const endorsements = actionPayload.getAction()?.getEndorsementsList() ?? [];
  const endorsingOrgs = validEndorsingOrgs(prpBytes, endorsements, deserializer, policy);
  const namespaces = decodeResults(action);
  const policyFailure = endorsementPolicyFailure(namespaces, action, endorsingOrgs, policy);
  if (policyFailure !== undefined) {
    return invalid(Code.ENDORSEMENT_POLICY_FAILURE, policyFailure, txId);
  }
  return {
    code: Code.VALID,
    txId,
    parsed: { ...parsedTransaction(channelHeader, signatureHeader, action, endorsements, prpBytes), ...(namespaces ? { namespaces } : {}) },
  };
}

/**
 * fab statebased v20 `Evaluate`: public writes need the chaincode's policy; writes to a collection
 * need the collection's endorsement policy (an implicit collection's: its organisation's
 * `Endorsement`, `OR('<org>.peer')`); a transaction that writes nothing needs the chaincode's.
 * @returns why the policy is not met, `undefined` when it is
 */
function endorsementPolicyFailure(
  namespaces: readonly NamespaceRwSet[] | undefined,
  action: peer.ChaincodeAction,
  endorsingOrgs: ReadonlySet<string>,
  policy: EndorsementPolicy,
): string | undefined {
  const chaincodeFailure = (): string | undefined =>
    endorsingOrgs.size >= policy.required
      ? undefined
      : `${policy.description} not satisfied: valid endorsements from [${[...endorsingOrgs].join(', ')}]`;
  if (namespaces === undefined) return chaincodeFailure(); // the ledger marks the rwset BAD_RWSET
  const chaincode = action.getChaincodeId()?.getName() ?? '';
  const own = namespaces.filter((n) => n.namespace === chaincode);
  const publicWrites = own.some((ns) => ns.writes.length + ns.metadataWrites.length > 0);
  const collections = own.flatMap((ns) => (ns.collections ?? []).filter((c) => c.hashedWrites.length > 0).map((c) => c.collection));
  if (publicWrites || collections.length === 0) {
    const failure = chaincodeFailure();
    if (failure !== undefined) return failure;
  }
  for (const collection of collections) {
    const failure = collectionPolicyFailure(collection, chaincode, endorsingOrgs, policy);
    if (failure !== undefined) return failure;
  }
  return undefined;
}

/** The action's read-write set, decoded once for the policy check and the ledger; undefined when it does not decode. */
function decodeResults(action: peer.ChaincodeAction): NamespaceRwSet[] | undefined {
  try {
    return fromTxReadWriteSet(action.getResults_asU8());
  } catch {
    return undefined;
  }
}

function collectionPolicyFailure(collection: string, chaincode: string, endorsingOrgs: ReadonlySet<string>, policy: EndorsementPolicy): string | undefined {
  const org = implicitCollectionOrg(collection);
  if (org === undefined || !policy.orgs.includes(org)) {
    return `no org found in channel with MSPID '${org ?? collection}'`;
  }
  return endorsingOrgs.has(org)
    ? undefined
    : `validation of endorsement policy for collection ${collection} chaincode ${chaincode} failed: signature set did not satisfy policy /Channel/Application/${org}/Endorsement`;
}

/** The single action of an endorser transaction, decoded; an INVALID_ENDORSER_TRANSACTION check if it is not. */
function decodeAction(
  payload: common.Payload,
  txId: string,
): TxCheck | { actionPayload: peer.ChaincodeActionPayload; prp: peer.ProposalResponsePayload; action: peer.ChaincodeAction; actionHeader: Uint8Array } {
  try {
    const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const actions = tx.getActionsList();
    if (actions.length !== 1 || actions[0] === undefined) {
      return invalid(Code.INVALID_ENDORSER_TRANSACTION, `only one action per transaction is supported`, txId);
    }
    const actionHeader = actions[0].getHeader_asU8();
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(actions[0].getPayload_asU8());
    const prp = peer.ProposalResponsePayload.deserializeBinary(actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(0));
    const action = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
    return { actionPayload, prp, action, actionHeader };
  } catch (err) {
    return invalid(Code.INVALID_ENDORSER_TRANSACTION, String(err), txId);
  }
}

/** What the ledger keeps of a valid endorser transaction. */
function parsedTransaction(
  channelHeader: common.ChannelHeader,
  signatureHeader: common.SignatureHeader,
  action: peer.ChaincodeAction,
  endorsements: readonly peer.Endorsement[],
  prpBytes: Uint8Array,
): ParsedTransaction {
  const timestamp = channelHeader.getTimestamp();
  return {
    txId: channelHeader.getTxId(),
    channelId: channelHeader.getChannelId(),
    timestamp: { seconds: timestamp?.getSeconds() ?? 0, nanos: timestamp?.getNanos() ?? 0 },
    creator: signatureHeader.getCreator_asU8(),
    results: action.getResults_asU8(),
    events: action.getEvents_asU8(),
    chaincodeName: action.getChaincodeId()?.getName() ?? '',
    endorsements,
    proposalResponsePayload: prpBytes,
  };
}

/** Orgs (among the policy's) with at least one valid peer endorsement signature over `prp ‖ endorser`. */
function validEndorsingOrgs(
  prpBytes: Uint8Array,
  endorsements: readonly peer.Endorsement[],
  deserializer: IdentityDeserializer,
  policy: EndorsementPolicy,
): Set<string> {
  const orgs = new Set<string>();
  for (const endorsement of endorsements) {
    const endorser = endorsement.getEndorser_asU8();
    try {
      const identity = deserializer.deserializeIdentity(endorser);
      identity.validate();
      if (
        policy.orgs.includes(identity.mspId) &&
        identity.nodeOU() === 'peer' &&
        identity.verify(Buffer.concat([prpBytes, endorser]), endorsement.getSignature_asU8())
      ) {
        orgs.add(identity.mspId);
      }
    } catch {
      // an endorsement by an unknown or invalid identity does not count
    }
  }
  return orgs;
}
