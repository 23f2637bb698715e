/**
 * The ordering service's checks on a normal (endorser) transaction before it is ordered
 * (fab orderer/common/broadcast/broadcast.go `ProcessMessage`, msgprocessor
 * `CreateStandardChannelFilters`): the channel header must parse and name this channel, the creator must not have expired, and the envelope must satisfy
 * `/Channel/Writers` (a channel member's valid signature; an application organisation's client
 * or admin, or an orderer organisation member, as the genesis configuration's Writers policies
 * say). A failure is the orderer's BroadcastResponse status and info.
 */
import { common } from '@hyperledger/fabric-protos';
import { MspError } from '../msp/registry';
import { OrdererRejection } from './orderer';
import type { IdentityDeserializer } from './ports';

const WRITERS_FAILURE =
  "implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied: permission denied";

/** Who may write to the channel (the Writers policies of the channel configuration). */
export interface WritersPolicy {
  /** Application organisations: their `client` and `admin` identities are Writers. */
  readonly applicationOrgs: readonly string[];
  /** Orderer organisations: every member is a Writer. */
  readonly ordererOrgs: readonly string[];
}

/** Broadcast's message processor for one channel. */
export class BroadcastFilter {
  readonly #channelId: string;
  readonly #deserializer: IdentityDeserializer;
  readonly #writers: WritersPolicy;

  /** @param deserializer - knows every channel MSP, the orderer organisation's included */
  constructor(channelId: string, deserializer: IdentityDeserializer, writers: WritersPolicy) {
    this.#channelId = channelId;
    this.#deserializer = deserializer;
    this.#writers = writers;
  }

  /**
   * Checks one envelope as the orderer would before ordering it.
   * @throws OrdererRejection with the orderer's status (BAD_REQUEST, FORBIDDEN) and info
   */
  check(envelope: common.Envelope): void {
    const payloadBytes = envelope.getPayload_asU8();
    let payload: common.Payload;
    let channelHeader: common.ChannelHeader;
    try {
      payload = common.Payload.deserializeBinary(payloadBytes);
      const header = payload.getHeader();
      if (header === undefined) {
        throw new Error('header not set');
      }
      if (header.getChannelHeader_asU8().length === 0) {
        throw new Error('channel header not set');
      }
      channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    } catch (err) {
      throw new OrdererRejection('BAD_REQUEST', `could not determine channel ID: ${errorText(err)}`);
    }
    if (channelHeader.getChannelId() !== this.#channelId) {
      // no such application channel, and no system channel to create it
      throw new OrdererRejection('BAD_REQUEST', 'channel creation request not allowed because the orderer system channel is not defined');
    }
    const type = channelHeader.getType();
    if (type === common.HeaderType.CONFIG || type === common.HeaderType.ORDERER_TRANSACTION) {
      throw new OrdererRejection('BAD_REQUEST', 'message is of type that cannot be processed directly');
    }
    let creator: Uint8Array;
    try {
      creator = common.SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(0)).getCreator_asU8();
    } catch (err) {
      throw new OrdererRejection('BAD_REQUEST', `could not convert message to signedData: GetSignatureHeaderFromBytes failed, err ${errorText(err)}`);
    }
    if (!this.#isWriter(creator, payloadBytes, envelope.getSignature_asU8())) {
      throw new OrdererRejection('FORBIDDEN', WRITERS_FAILURE);
    }
  }

  #isWriter(creator: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
    let identity;
    try {
      identity = this.#deserializer.deserializeIdentity(creator);
      identity.validate();
    } catch (err) {
      if (err instanceof MspError && err.reason === 'EXPIRED_CERTIFICATE') {
        // the expiration rule runs before the signature filter
        throw new OrdererRejection('BAD_REQUEST', 'broadcast client identity expired');
      }
      return false;
    }
    const ou = identity.nodeOU();
    const writer =
      this.#writers.ordererOrgs.includes(identity.mspId) ||
      (this.#writers.applicationOrgs.includes(identity.mspId) && (ou === 'client' || ou === 'admin'));
    return writer && signature.length > 0 && identity.verify(data, signature);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
