/**
 * The one channel this process serves: its member peers, endorsement policy, ledger,
 * orderer and commit notifications, shared by the Gateway service and the committer.
 */
import type { Logger } from 'pino';
import type { BlockEventsCache } from './chaincode-events';
import type { CommitNotifier } from './commit-notifier';
import type { BroadcastFilter } from './broadcast-filter';
import type { BlockCutter } from './orderer';
import type { StateLock } from './state-lock';
import type { ChaincodeSimulator, IdentityDeserializer, PeerLedger, PeerSigner } from './ports';
import type { EndorsementPolicy } from './tx-validator';
import type { TransientStore } from './transient-store';

/** One organisation's peer as clients and ErrorDetail see it. */
export interface PeerNode {
  readonly mspId: string;
  /** `host:port` used in ErrorDetail.address (fab endpointConfig.logAddress). */
  readonly address: string;
  readonly signer: PeerSigner;
}

/** Everything the Gateway service needs about the channel. */
export interface ChannelContext {
  readonly channelId: string;
  /** In channel-config order; the first is the default gateway peer. */
  readonly peers: readonly PeerNode[];
  readonly policy: EndorsementPolicy;
  readonly deserializer: IdentityDeserializer;
  readonly simulator: ChaincodeSimulator;
  /** Private write sets of endorsed proposals, held in memory until their transaction commits. */
  readonly transientStore: TransientStore;
  readonly ledger: PeerLedger;
  /** Simulations hold it shared, block commits exclusively. */
  readonly stateLock: StateLock;
  readonly orderer: BlockCutter;
  /** The orderer's checks of an envelope before it is ordered. */
  readonly broadcastFilter: BroadcastFilter;
  /** `host:port` of the ordering node, for ErrorDetail. */
  readonly ordererAddress: string;
  readonly ordererMspId: string;
  readonly notifier: CommitNotifier;
  readonly eventsCache: BlockEventsCache;
  readonly logger: Logger;
  /** Aborted when the network stops: open event streams end with UNAVAILABLE. */
  readonly shutdown: AbortSignal;
}
