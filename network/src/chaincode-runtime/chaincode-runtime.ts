import type { ledger as ledgerProtos, peer } from '@hyperledger/fabric-protos';
import { JSONSerializer } from 'fabric-contract-api';

import type { Ledger } from '../ledger/ledger';
import { TxSimulator } from '../ledger/tx-simulator';
import { decodeSignedProposal, type DecodedProposal } from '../msp/proposal';
import { loadChaincodeFromContract, shimInternals, type ChaincodeFromContract } from './shim-internals';
import { speedUpShim } from './shim-performance';

/** A fabric-contract-api Contract class (the chaincode's `contracts` export holds these). */
export type ContractClass = new () => object;

/** Options for a {@link ChaincodeRuntime}. */
export interface ChaincodeRuntimeOptions {
  /** The contract classes, as exported by the chaincode's `index.ts` (`contracts`). */
  readonly contracts: readonly ContractClass[];
  /** The chaincode name on the channel, which is also its state namespace. */
  readonly chaincodeName: string;
  readonly version?: string;
  /**
   * MSP id of the peer running the chaincode, for `stub.getMspID()` (sets `CORE_PEER_LOCALMSPID`
   * when that is unset, since fabric-shim reads it from the environment).
   */
  readonly peerMspId?: string;
}

/** The chaincode's response and what the simulation produced. */
export interface InvokeResult {
  readonly txId: string;
  readonly channelId: string;
  readonly response: { readonly status: number; readonly message: string; readonly payload: Uint8Array };
  /** The last event set with `ctx.stub.setEvent` (fabric keeps only the last). */
  readonly event?: { readonly eventName: string; readonly payload: Uint8Array };
  /** For `ChaincodeAction.results`: `rwset.serializeBinary()` (private writes only as hashes). */
  readonly rwset: ledgerProtos.rwset.TxReadWriteSet;
  /** The private writes in clear, for dissemination to the collections' members; never in the transaction. */
  readonly privateData?: ledgerProtos.rwset.TxPvtReadWriteSet;
  /** Collections the chaincode read private values from (fab `PrivateReads`, for the endorsement plan). */
  readonly privateReads: readonly string[];
  readonly proposal: DecodedProposal;
}

/** Which peer runs the chaincode, for private data. */
export interface PeerContext {
  /** The simulating peer's organisation: it serves only its own private store, and `stub.getMspID()` returns it. */
  readonly peerMspId: string;
  /** The channel's application organisations (their implicit collections are defined). */
  readonly channelOrgs: readonly string[];
}

/**
 * Runs unmodified fabric-contract-api contracts in process: fabric-shim's own
 * `ChaincodeFromContract` router and a real `ChaincodeStub` built from the client's SignedProposal
 * (so `ctx.clientIdentity` and `ctx.stub.getTxTimestamp()` come from the proposal), with a
 * {@link TxSimulator} as the stub's peer handler.
 *
 * The runtime does not check signatures: the caller (peer layer) verifies the proposal first.
 *
 * @example
 * ```ts
 * const runtime = new ChaincodeRuntime({ contracts, chaincodeName: 'acetrace' });
 * const result = await runtime.invoke(ledger, signedProposal);
 * ```
 */
export class ChaincodeRuntime {
  readonly chaincodeName: string;
  readonly version: string;
  readonly #chaincode: ChaincodeFromContract;

  constructor(options: ChaincodeRuntimeOptions) {
    this.chaincodeName = options.chaincodeName;
    this.version = options.version ?? '1.0';
    if (options.peerMspId && !('CORE_PEER_LOCALMSPID' in process.env)) {
      process.env.CORE_PEER_LOCALMSPID = options.peerMspId;
    }
    speedUpShim();
    const ChaincodeFromContractCtor = loadChaincodeFromContract();
    // ChaincodeFromContract appends its system contract to the array it is given: pass a copy.
    this.#chaincode = new ChaincodeFromContractCtor(
      [...options.contracts],
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      this.chaincodeName,
      this.version,
    );
  }

  /**
   * Simulates a proposal against the ledger's committed state.
   * @param ledger - the channel ledger to read
   * @param signedProposal - the client's SignedProposal (message or bytes)
   * @returns the response (status ≥ 400 is a chaincode error), event and read-write set
   * @throws Error when the proposal does not decode or targets another chaincode
   */
  async invoke(ledger: Ledger, signedProposal: peer.SignedProposal | Uint8Array, peerContext?: PeerContext): Promise<InvokeResult> {
    const proposal = decodeSignedProposal(signedProposal);
    if (proposal.chaincodeName !== this.chaincodeName) {
      throw new Error(`chaincode ${proposal.chaincodeName} is not defined on this runtime (${this.chaincodeName})`);
    }
    const simulator = new TxSimulator(ledger, {
      namespace: this.chaincodeName,
      channelId: proposal.channelId,
      txId: proposal.txId,
      ...(peerContext ?? {}),
    });
    const stub = new shimInternals.ChaincodeStub(
      simulator,
      proposal.channelId,
      proposal.txId,
      proposal.chaincodeInput,
      proposal.signedProposal,
    );
    const peerMspId = peerContext?.peerMspId;
    if (peerMspId !== undefined) {
      // one process plays every organisation's peer: the env variable fabric-shim reads cannot say which
      Object.defineProperty(stub, 'getMspID', { value: () => peerMspId });
    }
    let response;
    try {
      response = await this.#chaincode.Invoke(stub);
    } catch (err) {
      simulator.done(); // release iterators; later shim calls fail
      throw err;
    }
    const rwset = simulator.done();
    const privateData = simulator.privateWriteSet();
    const ev = stub.chaincodeEvent;
    return {
      txId: proposal.txId,
      channelId: proposal.channelId,
      response: {
        status: response.status,
        message: response.message ?? '',
        payload: response.payload ? Buffer.from(response.payload) : Buffer.alloc(0),
      },
      ...(ev ? { event: { eventName: ev.getEventName(), payload: Buffer.from(ev.getPayload_asU8()) } } : {}),
      rwset,
      ...(privateData !== undefined ? { privateData } : {}),
      privateReads: [...simulator.privateReads],
      proposal,
    };
  }
}
