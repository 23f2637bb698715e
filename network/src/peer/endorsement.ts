/**
 * Building what an endorser returns and what the gateway hands back for signing
 * (fab core/endorser/endorser.go, core/handlers/endorsement/builtin, internal/pkg/gateway/submit.go
 * `prepareTransaction`).
 */
import { common, peer } from '@hyperledger/fabric-protos';
import type { PeerSigner, SimulationResult } from './ports';
import { withoutTransient, type UnpackedProposal } from './proposal';

/** shim.ERRORTHRESHOLD: statuses from 400 are errors, and the endorser does not sign them. */
export const ERROR_THRESHOLD = 400;

/** Serialised peer.ChaincodeEvent, or empty when the chaincode set none (fab `CreateCCEventBytes`). */
export function chaincodeEventBytes(up: UnpackedProposal, sim: SimulationResult): Uint8Array {
  if (sim.event === undefined) {
    return new Uint8Array(0);
  }
  const event = new peer.ChaincodeEvent();
  event.setChaincodeId(up.chaincodeName);
  event.setTxId(up.txId);
  event.setEventName(sim.event.eventName);
  event.setPayload(sim.event.payload);
  return event.serializeBinary();
}

/** peer.Response from a simulation result. */
export function toResponse(sim: SimulationResult): peer.Response {
  const response = new peer.Response();
  response.setStatus(sim.response.status);
  response.setMessage(sim.response.message);
  response.setPayload(sim.response.payload);
  return response;
}

/** fab protoutil `GetBytesProposalResponsePayload`. */
export function proposalResponsePayloadBytes(
  up: UnpackedProposal,
  sim: SimulationResult,
  chaincodeVersion: string,
): Uint8Array {
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(up.chaincodeName);
  chaincodeId.setVersion(chaincodeVersion);
  const action = new peer.ChaincodeAction();
  action.setResults(sim.results);
  action.setEvents(chaincodeEventBytes(up, sim));
  action.setResponse(toResponse(sim));
  action.setChaincodeId(chaincodeId);
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(up.proposalHash);
  prp.setExtension$(action.serializeBinary());
  return prp.serializeBinary();
}

/** Default ESCC: the peer signs `prp ‖ endorser` (fab builtin DefaultEndorsement). */
export function endorse(prpBytes: Uint8Array, signer: PeerSigner): peer.Endorsement {
  const endorsement = new peer.Endorsement();
  endorsement.setEndorser(signer.serializedIdentity);
  endorsement.setSignature(signer.sign(Buffer.concat([prpBytes, signer.serializedIdentity])));
  return endorsement;
}

/**
 * The unsigned Envelope the gateway returns from Endorse: the proposal's Header bytes are kept
 * as they are, transient data dropped, endorsements de-duplicated by endorser.
 */
export function prepareTransaction(
  up: UnpackedProposal,
  prpBytes: Uint8Array,
  endorsements: readonly peer.Endorsement[],
): common.Envelope {
  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(prpBytes);
  const seen = new Set<string>();
  for (const e of endorsements) {
    const key = Buffer.from(e.getEndorser_asU8()).toString('base64');
    if (!seen.has(key)) {
      seen.add(key);
      endorsedAction.addEndorsements(e);
    }
  }
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(withoutTransient(up.chaincodeProposalPayload).serializeBinary());
  actionPayload.setAction(endorsedAction);

  const txAction = new peer.TransactionAction();
  txAction.setHeader(up.header.getSignatureHeader_asU8());
  txAction.setPayload(actionPayload.serializeBinary());
  const tx = new peer.Transaction();
  tx.addActions(txAction);

  const payload = new common.Payload();
  payload.setHeader(up.header);
  payload.setData(tx.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}
