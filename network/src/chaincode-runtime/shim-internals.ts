// Typed access to the fabric-shim classes the in-process runtime constructs itself. The package's
// own typings declare none of these constructors, so the shapes below are taken from
// fabric-shim 2.5.8 lib/stub.js, lib/iterators.js and lib/contract-spi/chaincodefromcontract.js.
import * as fabricShim from 'fabric-shim';
import type { peer } from '@hyperledger/fabric-protos';
import type { ChaincodeStub } from 'fabric-shim';

/** The peer side of a ChaincodeStub: fabric-shim calls `handleGetState(...)` etc. on it. */
export type ShimHandler = object;

interface ShimInternals {
  ChaincodeStub: new (
    handler: ShimHandler,
    channelId: string,
    txId: string,
    input: peer.ChaincodeInput,
    signedProposal: peer.SignedProposal,
  ) => ChaincodeStub & { chaincodeEvent?: peer.ChaincodeEvent };
  StateQueryIterator: new (handler: ShimHandler, channelId: string, txId: string, response: peer.QueryResponse) => object;
  HistoryQueryIterator: new (handler: ShimHandler, channelId: string, txId: string, response: peer.QueryResponse) => object;
}

/** fabric-shim's module exports with the constructors typed. */
export const shimInternals = fabricShim as unknown as ShimInternals;

/** The `peer.Response`-like object `ChaincodeFromContract.Invoke` resolves to. */
export interface ShimResponse {
  status: number;
  message?: string;
  payload?: Uint8Array;
}

/** fabric-shim's contract router (lib/contract-spi/chaincodefromcontract.js). */
export interface ChaincodeFromContract {
  Invoke(stub: ChaincodeStub): Promise<ShimResponse>;
}

type ChaincodeFromContractCtor = new (
  contracts: Array<new () => object>,
  serializers: { transaction: string; serializers: Record<string, unknown> },
  metadata: object,
  title: string,
  version: string,
) => ChaincodeFromContract;

/**
 * Loads `ChaincodeFromContract` (a deep require: fabric-shim has no exports map).
 * @returns the constructor
 */
export function loadChaincodeFromContract(): ChaincodeFromContractCtor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('fabric-shim/lib/contract-spi/chaincodefromcontract') as ChaincodeFromContractCtor;
}
