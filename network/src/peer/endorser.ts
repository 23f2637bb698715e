/**
 * One organisation's endorser (fab core/endorser/endorser.go `ProcessProposal`), reduced to the
 * outcome classes the gateway distinguishes (fab internal/pkg/gateway/apiutils.go `responseStatus`).
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import type { ChannelContext, PeerNode } from './channel';
import { endorse, ERROR_THRESHOLD, proposalResponsePayloadBytes, toResponse } from './endorsement';
import { unpackProposal, validateProposal, type UnpackedProposal } from './proposal';

/** What the gateway makes of one endorser's answer. */
export type EndorserOutcome =
  | {
      readonly ok: true;
      readonly unpacked: UnpackedProposal;
      readonly response: peer.Response;
      readonly prpBytes: Uint8Array;
      readonly endorsement?: peer.Endorsement;
      /** The simulation's serialised public rwset (the endorsement plan reads which collections it touched). */
      readonly results: Uint8Array;
      /** Collections the chaincode read private values from. */
      readonly privateReads: readonly string[];
    }
  | {
      readonly ok: false;
      /** FAILED_PRECONDITION (proposal rejected), ABORTED (peer-side failure) or UNKNOWN (chaincode error). */
      readonly code: GrpcStatus;
      readonly message: string;
    };

/**
 * Runs a signed proposal on `node`. With `sign`, a successful simulation is endorsed with the
 * node's peer identity.
 */
export async function processProposal(
  channel: ChannelContext,
  node: PeerNode,
  signedProposal: peer.SignedProposal,
  sign: boolean,
): Promise<EndorserOutcome> {
  let up: UnpackedProposal;
  try {
    up = unpackProposal(signedProposal);
  } catch (err) {
    return { ok: false, code: GrpcStatus.FAILED_PRECONDITION, message: errorMessage(err) };
  }
  if (up.channelId !== channel.channelId) {
    // fab: a 500 response without payload and without error → retryable peer-side failure
    return { ok: false, code: GrpcStatus.ABORTED, message: `channel '${up.channelId}' not found` };
  }
  const preProcessError = preProcess(channel, up);
  if (preProcessError !== undefined) {
    return { ok: false, code: GrpcStatus.FAILED_PRECONDITION, message: preProcessError };
  }
  const definition = channel.simulator.definition(up.chaincodeName);
  if (definition === undefined) {
    return {
      ok: false,
      code: GrpcStatus.ABORTED,
      message: `make sure the chaincode ${up.chaincodeName} has been successfully defined on channel ${up.channelId} and try again: chaincode definition for '${up.chaincodeName}' exists, but chaincode is not installed`,
    };
  }
  let sim;
  try {
    sim = await channel.simulator.simulate(
      signedProposal,
      up.txId,
      up.chaincodeName,
      up.input.getArgsList_asU8(),
      node.mspId,
    );
  } catch (err) {
    channel.logger.warn({ err, txId: up.txId, peer: node.address }, 'chaincode simulation failed');
    return { ok: false, code: GrpcStatus.ABORTED, message: `error in simulation: ${errorMessage(err)}` };
  }
  const response = toResponse(sim);
  if (sim.response.status >= ERROR_THRESHOLD) {
    return {
      ok: false,
      code: GrpcStatus.UNKNOWN,
      message: `chaincode response ${String(sim.response.status)}, ${sim.response.message}`,
    };
  }
  const prpBytes = proposalResponsePayloadBytes(up, sim, definition.version);
  const outcome = { ok: true as const, unpacked: up, response, prpBytes, results: sim.results, privateReads: sim.privateReads ?? [] };
  if (!sign) {
    return outcome;
  }
  if (sim.privateData !== undefined) {
    // fab endorser `DistributePrivateData`: the private write set goes to the transient store, not the response
    channel.transientStore.persist(up.txId, sim.privateData, channel.ledger.height());
  }
  return { ...outcome, endorsement: endorse(prpBytes, node.signer) };
}

/** fab `Endorser.preProcess`: header, signature and txid checks, then the duplicate tx id check. */
function preProcess(channel: ChannelContext, up: UnpackedProposal): string | undefined {
  try {
    validateProposal(up, channel.deserializer);
  } catch (err) {
    return `error validating proposal: ${errorMessage(err)}`;
  }
  if (channel.ledger.findTransaction(up.txId) !== undefined) {
    const creator = Buffer.from(up.signatureHeader.getCreator_asU8()).toString('hex');
    return `duplicate transaction found [${up.txId}]. Creator [${creator}]`;
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
