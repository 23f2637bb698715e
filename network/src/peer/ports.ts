/**
 * What the peer needs from the MSP, the chaincode runtime and the ledger, expressed in
 * Fabric's own terms. `embedded-network.ts` adapts the ledger/msp/runtime modules to these.
 */
import type { common, peer } from '@hyperledger/fabric-protos';

/** A deserialised channel member (fab msp.Identity). */
export interface ChannelIdentity {
  readonly mspId: string;
  /** Throws when the certificate does not chain to the MSP's CA (fab `Identity.Validate`). */
  validate(): void;
  /** ECDSA signature check over `message` (SHA-256, low-S required). */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
  /** The certificate's node OU (`client`, `peer`, `admin`, `orderer`), null when none. */
  nodeOU(): string | null;
}

/** fab msp.IdentityDeserializer for the channel. */
export interface IdentityDeserializer {
  /** Throws when the bytes are not a SerializedIdentity of a channel MSP. */
  deserializeIdentity(serializedIdentity: Uint8Array): ChannelIdentity;
}

/** A peer's signing identity (fab `SigningIdentity`). */
export interface PeerSigner {
  readonly mspId: string;
  /** Serialised msp.SerializedIdentity of the peer. */
  readonly serializedIdentity: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Result of simulating one proposal. */
export interface SimulationResult {
  readonly response: { readonly status: number; readonly message: string; readonly payload: Uint8Array };
  readonly event?: { readonly eventName: string; readonly payload: Uint8Array };
  /** Serialised rwset.TxReadWriteSet. */
  readonly results: Uint8Array;
  /** Serialised rwset.TxPvtReadWriteSet: the private writes in clear, never in the transaction. */
  readonly privateData?: Uint8Array;
  /** Collections the chaincode read private values from (fab `PrivateReads`). */
  readonly privateReads?: readonly string[];
}

/** Runs the chaincode against committed state (fab endorser `SimulateProposal`). */
export interface ChaincodeSimulator {
  /** Name and version of the chaincode definition, or undefined when not defined on the channel. */
  definition(chaincodeName: string): { readonly name: string; readonly version: string } | undefined;
  /** @param peerMspId - the simulating peer's organisation (whose private store it reads) */
  simulate(
    signedProposal: peer.SignedProposal,
    txId: string,
    chaincodeName: string,
    args: readonly Uint8Array[],
    peerMspId: string,
  ): Promise<SimulationResult>;
}

/** Where a committed transaction landed. */
export interface TxLocation {
  readonly blockNumber: number;
  readonly validationCode: number;
}

/** The committed ledger as the Gateway service reads it. */
export interface PeerLedger {
  /** Number of blocks on the ledger (next block number). */
  height(): number;
  getBlock(blockNumber: number): common.Block | undefined;
  /** The first committed occurrence of a tx id. */
  findTransaction(txId: string): TxLocation | undefined;
  /** Block and position of the first committed occurrence of a tx id. */
  findTransactionPosition(txId: string): (TxLocation & { readonly txNumber: number }) | undefined;
  /** The block whose header hash is `hash`. */
  getBlockByHash(hash: Uint8Array): common.Block | undefined;
  /** Header hash of block `n` (SHA-256 of its DER header). */
  getBlockHash(blockNumber: number): Uint8Array | undefined;
}
