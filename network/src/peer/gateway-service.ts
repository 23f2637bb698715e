/**
 * The `gateway.Gateway` gRPC service (fab internal/pkg/gateway): Evaluate, Endorse, Submit,
 * CommitStatus and ChaincodeEvents with a v2.5 peer's status codes, messages and ErrorDetails.
 */
import {
  status as GrpcStatus,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { common, gateway, msp, orderer, peer } from '@hyperledger/fabric-protos';
import type { ChannelContext, PeerNode } from './channel';
import { chaincodeEventMatcher } from './chaincode-events';
import { blockWaiter } from './commit-notifier';
import { processProposal, type EndorserOutcome } from './endorser';
import { prepareTransaction } from './endorsement';
import { chaincodeInterest, planEndorsement } from './endorsement-plan';
import { GatewayRpcError, toRpcError, type ErrorDetailInit } from './errors';
import { OrdererRejection } from './orderer';
import { decode, hasTransientData, unpackProposal, type UnpackedProposal } from './proposal';
import { writeWithBackpressure } from './stream-write';

interface ProposalTarget {
  readonly channelId: string;
  readonly chaincodeName: string;
  readonly creatorMspId: string;
  /** The proposal carries a transient map (fab `getChannelAndChaincodeFromSignedProposal`). */
  readonly hasTransientData: boolean;
}

/** The target of a proposal that unpacked (its creator's MSP id '' when malformed). */
function unpackedTarget(unpacked: UnpackedProposal): ProposalTarget {
  let mspId = '';
  try {
    mspId = decodeMspId(unpacked.signatureHeader.getCreator_asU8());
  } catch {
    // the endorser reports a malformed creator
  }
  return {
    channelId: unpacked.channelId,
    chaincodeName: unpacked.invocationChaincodeName,
    creatorMspId: mspId,
    hasTransientData: hasTransientData(unpacked.chaincodeProposalPayload),
  };
}

/** fab `getChannelAndChaincodeFromSignedProposal`, plus the creator's MSP id for peer selection. */
function proposalTarget(signedProposal: peer.SignedProposal | undefined): ProposalTarget {
  const proposalBytes = signedProposal?.getProposalBytes_asU8() ?? new Uint8Array(0);
  if (proposalBytes.length === 0) {
    throw new Error('a signed proposal is required');
  }
  // The endorser unpacks the same message next: do it once (cached by message). A proposal that
  // does not unpack is decoded piece by piece below for the gateway's own error message.
  let unpacked: UnpackedProposal | undefined;
  try {
    unpacked = unpackProposal(signedProposal as peer.SignedProposal);
  } catch {
    unpacked = undefined;
  }
  if (unpacked !== undefined) {
    return unpackedTarget(unpacked);
  }
  const proposal = decode('Proposal', proposalBytes, (b) => peer.Proposal.deserializeBinary(b));
  const header = decode('Header', proposal.getHeader_asU8(), (b) => common.Header.deserializeBinary(b));
  const channelHeader = decode('ChannelHeader', header.getChannelHeader_asU8(), (b) =>
    common.ChannelHeader.deserializeBinary(b),
  );
  const payload = decode('ChaincodeProposalPayload', proposal.getPayload_asU8(), (b) =>
    peer.ChaincodeProposalPayload.deserializeBinary(b),
  );
  const spec = decode('ChaincodeInvocationSpec', payload.getInput_asU8(), (b) =>
    peer.ChaincodeInvocationSpec.deserializeBinary(b),
  );
  let creatorMspId = '';
  try {
    const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    creatorMspId = decodeMspId(signatureHeader.getCreator_asU8());
  } catch {
    // the endorser reports a malformed creator
  }
  return {
    channelId: channelHeader.getChannelId(),
    chaincodeName: spec.getChaincodeSpec()?.getChaincodeId()?.getName() ?? '',
    creatorMspId,
    hasTransientData: hasTransientData(payload),
  };
}

function decodeMspId(serializedIdentity: Uint8Array): string {
  return msp.SerializedIdentity.deserializeBinary(serializedIdentity).getMspid();
}

/** Creates the grpc-js implementation object (lowerCamelCase keys) for `gateway.GatewayService`. */
export function newGatewayService(channel: ChannelContext): UntypedServiceImplementation {
  const service = new GatewayServiceImpl(channel);
  return {
    evaluate: unary((req: gateway.EvaluateRequest) => service.evaluate(req)),
    endorse: unary((req: gateway.EndorseRequest) => service.endorse(req)),
    submit: unary((req: gateway.SubmitRequest) => service.submit(req)),
    commitStatus: unary((req: gateway.SignedCommitStatusRequest, signal: AbortSignal) =>
      service.commitStatus(req, signal),
    ),
    chaincodeEvents: (call: ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>) => {
      service.chaincodeEvents(call).catch((err: unknown) => {
        if (!call.cancelled) {
          call.emit('error', toRpcError(err, GrpcStatus.ABORTED).toServiceError());
        }
      });
    },
  };
}

type UnaryHandler<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

function unary<Req, Res>(fn: (request: Req, signal: AbortSignal) => Promise<Res>): UnaryHandler<Req, Res> {
  // Only handlers that take the signal (CommitStatus) pay for an AbortController per call.
  const wantsSignal = fn.length > 1;
  return (call, callback) => {
    let signal = NEVER_ABORTED;
    if (wantsSignal) {
      const controller = new AbortController();
      call.on('cancelled', () => {
        controller.abort(new GatewayRpcError(GrpcStatus.CANCELLED, 'call cancelled'));
      });
      signal = controller.signal;
    }
    // a handler that throws synchronously must still answer with its status
    Promise.resolve()
      .then(() => fn(call.request, signal))
      .then(
      (response) => {
        callback(null, response);
      },
      (err: unknown) => {
        callback(toRpcError(err).toServiceError());
      },
    );
  };
}

const NEVER_ABORTED = new AbortController().signal;

class GatewayServiceImpl {
  readonly #channel: ChannelContext;

  constructor(channel: ChannelContext) {
    this.#channel = channel;
  }

  /** fab evaluate.go */
  async evaluate(request: gateway.EvaluateRequest): Promise<gateway.EvaluateResponse> {
    const signedProposal = request.getProposedTransaction();
    const target = this.#unpackTarget(signedProposal, GrpcStatus.INVALID_ARGUMENT, 'failed to unpack transaction proposal: ');
    this.#requireChannel(target.channelId, GrpcStatus.UNAVAILABLE);
    if (this.#channel.simulator.definition(target.chaincodeName) === undefined) {
      throw new GatewayRpcError(
        GrpcStatus.FAILED_PRECONDITION,
        `no peers available to evaluate chaincode ${target.chaincodeName} in channel ${target.channelId}`,
      );
    }
    // fab evaluate.go: transient data without target organisations stays in the gateway's organisation
    const requested = request.getTargetOrganizationsList();
    const targetOrgs = target.hasTransientData && requested.length === 0 ? [this.#localPeer(target).mspId] : requested;
    const plan = this.#evaluationPlan(target, targetOrgs);
    const details: ErrorDetailInit[] = [];
    for (const node of plan) {
      // a query executor holds the commit lock shared too (fab txmgr `NewQueryExecutor`)
      const outcome = await this.#channel.stateLock.shared(() =>
        processProposal(this.#channel, node, signedProposal as peer.SignedProposal, false),
      );
      if (outcome.ok) {
        const response = new gateway.EvaluateResponse();
        response.setResult(outcome.response);
        return response;
      }
      details.push({ address: node.address, mspId: node.mspId, message: outcome.message });
      if (outcome.code !== GrpcStatus.ABORTED) {
        // not retryable on another peer
        throw new GatewayRpcError(outcome.code, `evaluate call to endorser returned error: ${outcome.message}`, details);
      }
    }
    throw new GatewayRpcError(
      GrpcStatus.ABORTED,
      'failed to evaluate transaction, see attached details for more info',
      details,
    );
  }

  /** fab endorse.go */
  async endorse(request: gateway.EndorseRequest): Promise<gateway.EndorseResponse> {
    const signedProposal = request.getProposedTransaction();
    if ((signedProposal?.getProposalBytes_asU8().length ?? 0) === 0) {
      throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'the proposed transaction must contain a signed proposal');
    }
    const target = this.#unpackTarget(signedProposal, GrpcStatus.INVALID_ARGUMENT, '');
    this.#requireChannel(target.channelId, GrpcStatus.UNAVAILABLE);
    const requestedOrgs = request.getEndorsingOrganizationsList();
    const layout =
      requestedOrgs.length > 0 ? this.#peersForOrgs(requestedOrgs) : this.#endorsementLayout(target);
    if (this.#channel.simulator.definition(target.chaincodeName) === undefined) {
      throw new GatewayRpcError(
        GrpcStatus.FAILED_PRECONDITION,
        `no combination of peers can be derived which satisfy the endorsement policy: chaincode ${target.chaincodeName} is not defined on channel ${target.channelId}`,
      );
    }
    // Every endorsing organisation simulates the proposal itself (fab endorse.go); the commit
    // lock is held across them, so they all read the same committed state, as peers at the same
    // height would.
    const prepared = await this.#channel.stateLock.shared(() =>
      requestedOrgs.length > 0
        ? this.#endorseWithOrgs(signedProposal as peer.SignedProposal, layout)
        : this.#endorseFromFirst(signedProposal as peer.SignedProposal, layout, target),
    );
    const response = new gateway.EndorseResponse();
    response.setPreparedTransaction(prepared);
    return response;
  }

  /**
   * fab `planFromFirstEndorser`, then the plan: the gateway peer endorses first (its failure is
   * "failed to endorse transaction"), then further organisations until the policy is met; one
   * whose ProposalResponsePayload differs from the first does not count.
   */
  async #endorseFromFirst(signedProposal: peer.SignedProposal, layout: readonly PeerNode[], target: ProposalTarget): Promise<common.Envelope> {
    const [first] = layout;
    if (first === undefined) {
      throw new GatewayRpcError(GrpcStatus.FAILED_PRECONDITION, 'no endorsing peers available');
    }
    const outcome = await processProposal(this.#channel, first, signedProposal, true);
    if (!outcome.ok || outcome.endorsement === undefined) {
      const message = outcome.ok ? 'endorsement missing' : outcome.message;
      throw new GatewayRpcError(GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', [
        { address: first.address, mspId: first.mspId, message },
      ]);
    }
    // the first endorser's read-write set says which policies (chaincode, collections) apply
    const interest = chaincodeInterest(outcome.results, target.chaincodeName, outcome.privateReads);
    const endorsers = planEndorsement(interest, this.#channel.policy, this.#channel.peers, first, target.hasTransientData);
    if ('failure' in endorsers) {
      throw new GatewayRpcError(GrpcStatus.FAILED_PRECONDITION, endorsers.failure);
    }
    const plan = new EndorsementPlan(endorsers.satisfied);
    for (const node of endorsers.peers) {
      if (plan.satisfied) break;
      if (node === first) plan.add(first, outcome.prpBytes, outcome.endorsement);
      else plan.record(node, await processProposal(this.#channel, node, signedProposal, true));
    }
    return plan.prepare(outcome.unpacked);
  }

  /** fab `planForOrgs`: one peer of each requested organisation must endorse, with matching payloads. */
  async #endorseWithOrgs(signedProposal: peer.SignedProposal, layout: readonly PeerNode[]): Promise<common.Envelope> {
    const plan = new EndorsementPlan((orgs) => layout.every((node) => orgs.has(node.mspId)));
    let unpacked: UnpackedProposal | undefined;
    for (const node of layout) {
      const outcome = await processProposal(this.#channel, node, signedProposal, true);
      if (outcome.ok) unpacked ??= outcome.unpacked;
      plan.record(node, outcome);
    }
    if (unpacked === undefined) {
      throw plan.failure();
    }
    return plan.prepare(unpacked);
  }

  /** fab submit.go (non-BFT) */
  submit(request: gateway.SubmitRequest): Promise<gateway.SubmitResponse> {
    const txn = request.getPreparedTransaction();
    if (txn === undefined) {
      throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'a prepared transaction is required');
    }
    if (txn.getSignature_asU8().length === 0) {
      throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'prepared transaction must be signed');
    }
    this.#requireChannel(request.getChannelId(), GrpcStatus.FAILED_PRECONDITION);
    try {
      // the orderer's Broadcast filters (signature, channel Writers) before ordering
      this.#channel.broadcastFilter.check(txn);
      this.#channel.orderer.order(txn.serializeBinary());
    } catch (err) {
      if (err instanceof OrdererRejection && err.status !== 'SERVICE_UNAVAILABLE') {
        throw new GatewayRpcError(
          GrpcStatus.ABORTED,
          `received unsuccessful response from orderer: status=${err.status}, info=${err.info}`,
        );
      }
      throw new GatewayRpcError(GrpcStatus.UNAVAILABLE, 'no orderers could successfully process transaction', [
        { address: this.#channel.ordererAddress, mspId: this.#channel.ordererMspId, message: String(err) },
      ]);
    }
    return Promise.resolve(new gateway.SubmitResponse());
  }

  /** fab commitstatus.go: answers at once for a committed tx, otherwise waits for its block. */
  async commitStatus(
    signedRequest: gateway.SignedCommitStatusRequest,
    signal: AbortSignal,
  ): Promise<gateway.CommitStatusResponse> {
    const requestBytes = signedRequest.getRequest_asU8();
    const request = decodeSignedRequest(requestBytes, 'a commit status request', 'status request', (b) =>
      gateway.CommitStatusRequest.deserializeBinary(b),
    );
    if (request.getIdentity_asU8().length === 0) {
      throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'no identity provided');
    }
    if (request.getChannelId() === '') {
      throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'no channel ID provided');
    }
    if (request.getTransactionId() === '') {
      throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'transaction ID should not be empty');
    }
    this.#checkReaders(request.getChannelId(), request.getIdentity_asU8(), requestBytes, signedRequest.getSignature_asU8());
    const txId = request.getTransactionId();
    const location = await this.#channel.notifier.waitFor(
      txId,
      () => this.#channel.ledger.findTransaction(txId),
      signal,
    );
    const response = new gateway.CommitStatusResponse();
    response.setResult(location.validationCode as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
    response.setBlockNumber(location.blockNumber);
    return response;
  }

  /** fab chaincodeevents.go: an endless stream, one response per block with matching events. */
  async chaincodeEvents(
    call: ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>,
  ): Promise<void> {
    const signedRequest = call.request;
    const requestBytes = signedRequest.getRequest_asU8();
    const request = decodeSignedRequest(requestBytes, 'a chaincode events request', 'chaincode events request', (b) =>
      gateway.ChaincodeEventsRequest.deserializeBinary(b),
    );
    this.#checkReaders(request.getChannelId(), request.getIdentity_asU8(), requestBytes, signedRequest.getSignature_asU8());
    let next = this.#eventsStartBlock(request);
    const matches = chaincodeEventMatcher(request.getChaincodeId(), request.getAfterTransactionId());
    const { ledger, eventsCache, notifier } = this.#channel;

    const { shutdown } = this.#channel;
    const waiter = blockWaiter(notifier, call, shutdown);
    try {
      while (!call.cancelled) {
        if (shutdown.aborted) {
          throw new GatewayRpcError(GrpcStatus.UNAVAILABLE, 'peer is shutting down');
        }
        if (next >= ledger.height()) {
          await waiter.wait(() => next < ledger.height() || call.cancelled || shutdown.aborted);
          continue;
        }
        const blockNumber = next;
        next += 1;
        const events = eventsCache.get(blockNumber, () => ledger.getBlock(blockNumber));
        if (events === undefined) {
          throw new GatewayRpcError(GrpcStatus.ABORTED, `block [${String(blockNumber)}] not found`);
        }
        const matching = events.filter(matches);
        if (matching.length === 0) {
          continue;
        }
        const response = new gateway.ChaincodeEventsResponse();
        response.setBlockNumber(blockNumber);
        response.setEventsList(matching);
        await writeWithBackpressure(call, response);
      }
    } finally {
      waiter.close();
    }
  }

  /** fab `chaincodeEventsStartBlock`. */
  #eventsStartBlock(request: gateway.ChaincodeEventsRequest): number {
    const after = request.getAfterTransactionId();
    if (after !== '') {
      const found = this.#channel.ledger.findTransaction(after);
      if (found !== undefined) {
        return found.blockNumber;
      }
    }
    const position = request.getStartPosition();
    switch (position?.getTypeCase()) {
      case orderer.SeekPosition.TypeCase.SPECIFIED:
        return position.getSpecified()?.getNumber() ?? 0;
      case orderer.SeekPosition.TypeCase.OLDEST:
        throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'invalid start position type: *orderer.SeekPosition_Oldest');
      case orderer.SeekPosition.TypeCase.NEWEST:
        throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'invalid start position type: *orderer.SeekPosition_Newest');
      default:
        return this.#channel.ledger.height();
    }
  }

  /** ACL `/Channel/Application/Readers`: a valid member signature over the request bytes. */
  #checkReaders(channelId: string, identityBytes: Uint8Array, data: Uint8Array, signature: Uint8Array): void {
    if (channelId !== this.#channel.channelId) {
      throw new GatewayRpcError(GrpcStatus.PERMISSION_DENIED, `Failed to get policy manager for channel [${channelId}]`);
    }
    let ok = false;
    try {
      const identity = this.#channel.deserializer.deserializeIdentity(identityBytes);
      identity.validate();
      ok = identity.verify(data, signature);
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new GatewayRpcError(
        GrpcStatus.PERMISSION_DENIED,
        "failed evaluating policy on signed data during check policy [/Channel/Application/Readers]: [implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Readers' sub-policies to be satisfied]",
      );
    }
  }

  #unpackTarget(signedProposal: peer.SignedProposal | undefined, code: GrpcStatus, prefix: string): ProposalTarget {
    try {
      return proposalTarget(signedProposal);
    } catch (err) {
      throw new GatewayRpcError(code, `${prefix}${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #requireChannel(channelId: string, code: GrpcStatus): void {
    if (channelId !== this.#channel.channelId) {
      throw new GatewayRpcError(code, `failed to get config for channel [${channelId}]: channel ${channelId} not found`);
    }
  }

  /** The gateway peer: the creator's own organisation's peer, else the first peer. */
  #localPeer(target: ProposalTarget): PeerNode {
    const peers = this.#channel.peers;
    const own = peers.find((p) => p.mspId === target.creatorMspId);
    const first = peers[0];
    if (own !== undefined) {
      return own;
    }
    if (first === undefined) {
      throw new GatewayRpcError(GrpcStatus.UNAVAILABLE, 'no peers configured');
    }
    return first;
  }

  /** Evaluation: the requested orgs' peers, else the gateway peer first and the others as fallbacks. */
  #evaluationPlan(target: ProposalTarget, targetOrgs: readonly string[]): PeerNode[] {
    if (targetOrgs.length > 0) {
      const peers = this.#channel.peers.filter((p) => targetOrgs.includes(p.mspId));
      if (peers.length === 0) {
        throw new GatewayRpcError(
          GrpcStatus.FAILED_PRECONDITION,
          `no peers available to evaluate chaincode ${target.chaincodeName} in channel ${target.channelId}`,
        );
      }
      return peers;
    }
    const local = this.#localPeer(target);
    return [local, ...this.#channel.peers.filter((p) => p !== local)];
  }

  /** The gateway peer first, then the policy's other organisations' peers in channel order (tried until the policy is met). */
  #endorsementLayout(target: ProposalTarget): PeerNode[] {
    const local = this.#localPeer(target);
    const others = this.#channel.peers.filter((p) => p !== local && this.#channel.policy.orgs.includes(p.mspId));
    return [local, ...others];
  }

  #peersForOrgs(orgs: readonly string[]): PeerNode[] {
    const missing = orgs.filter((org) => !this.#channel.peers.some((p) => p.mspId === org));
    if (missing.length > 0) {
      throw new GatewayRpcError(GrpcStatus.UNAVAILABLE, `failed to find any endorsing peers for org(s): ${missing.join(', ')}`);
    }
    return this.#channel.peers.filter((p) => orgs.includes(p.mspId));
  }
}

/**
 * Endorsements collected for one proposal (fab internal/pkg/gateway/endorsement.go `plan`): the
 * first payload is the reference, a differing one is refused with "ProposalResponsePayloads do
 * not match", failures are kept as ErrorDetails.
 */
class EndorsementPlan {
  readonly #policySatisfied: (orgs: ReadonlySet<string>) => boolean;
  readonly #endorsements: peer.Endorsement[] = [];
  readonly #orgs = new Set<string>();
  readonly #details: ErrorDetailInit[] = [];
  #responsePayload: Uint8Array | undefined;

  /** @param satisfied - whether the organisations endorsed so far meet the plan */
  constructor(satisfied: (orgs: ReadonlySet<string>) => boolean) {
    this.#policySatisfied = satisfied;
  }

  get satisfied(): boolean {
    return this.#policySatisfied(this.#orgs);
  }

  /** Adds a successful endorsement; false (and an ErrorDetail) when its payload differs from the first. */
  add(node: PeerNode, prpBytes: Uint8Array, endorsement: peer.Endorsement): boolean {
    if (this.#responsePayload === undefined) {
      this.#responsePayload = prpBytes;
    } else if (!Buffer.from(prpBytes).equals(this.#responsePayload)) {
      this.#details.push({ address: node.address, mspId: node.mspId, message: 'ProposalResponsePayloads do not match' });
      return false;
    }
    this.#endorsements.push(endorsement);
    this.#orgs.add(node.mspId);
    return true;
  }

  /** Records one endorser's outcome. */
  record(node: PeerNode, outcome: EndorserOutcome): void {
    if (outcome.ok && outcome.endorsement !== undefined) {
      this.add(node, outcome.prpBytes, outcome.endorsement);
    } else {
      this.#details.push({ address: node.address, mspId: node.mspId, message: outcome.ok ? 'endorsement missing' : outcome.message });
    }
  }

  failure(): GatewayRpcError {
    return new GatewayRpcError(
      GrpcStatus.ABORTED,
      'failed to collect enough transaction endorsements, see attached details for more info',
      this.#details,
    );
  }

  /** The prepared transaction, or the plan's failure when the policy is not met. */
  prepare(unpacked: UnpackedProposal): common.Envelope {
    if (!this.satisfied || this.#responsePayload === undefined) {
      throw this.failure();
    }
    return prepareTransaction(unpacked, this.#responsePayload, this.#endorsements);
  }
}

/**
 * The request inside a signed commit-status or chaincode-events request, as fab gateway words its
 * errors: `<required> is required` when empty, `invalid <name>: …` when unreadable.
 */
function decodeSignedRequest<T>(requestBytes: Uint8Array, required: string, name: string, deserialize: (bytes: Uint8Array) => T): T {
  if (requestBytes.length === 0) {
    throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, `${required} is required`);
  }
  try {
    return deserialize(requestBytes);
  } catch (err) {
    throw new GatewayRpcError(GrpcStatus.INVALID_ARGUMENT, `invalid ${name}: ${String(err)}`);
  }
}
