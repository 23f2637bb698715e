/**
 * The query system chaincode `qscc` (fab core/scc/qscc/query.go) over the channel ledger:
 * GetChainInfo, GetBlockByNumber, GetBlockByHash, GetTransactionByID, GetBlockByTxID, answering
 * with the same protobuf payloads and error texts as a v2.5 peer (the ledger's texts from fab
 * common/ledger/blkstorage/blockindex.go). The caller has validated the proposal (channel
 * member, signature), which is what the `qscc/*` ACLs (`/Channel/Application/Readers`) ask.
 */
import { common, ledger as ledgerProtos, peer } from '@hyperledger/fabric-protos';
import type { ChaincodeSimulator, PeerLedger, SimulationResult } from './ports';

/** The system chaincode's name. */
export const QSCC = 'qscc';

type QsccResponse = SimulationResult['response'];

const EMPTY_RESULTS = new ledgerProtos.rwset.TxReadWriteSet().serializeBinary();

function success(payload: Uint8Array): QsccResponse {
  return { status: 200, message: '', payload };
}

function error(message: string): QsccResponse {
  return { status: 500, message, payload: new Uint8Array(0) };
}

/** Go `strconv.ParseUint(s, 10, 64)`, or the Go error text. */
function parseUint64(text: string): number | string {
  if (!/^[0-9]+$/.test(text)) {
    return `strconv.ParseUint: parsing "${text}": invalid syntax`;
  }
  const value = BigInt(text);
  if (value > 0xffffffffffffffffn) {
    return `strconv.ParseUint: parsing "${text}": value out of range`;
  }
  return value === 0xffffffffffffffffn ? -1 : Number(value);
}

/** Answers one qscc invocation (`args` = function name, channel id, argument). */
export function invokeQscc(ledger: PeerLedger, channelId: string, args: readonly Uint8Array[]): QsccResponse {
  if (args.length < 2) {
    return error(`Incorrect number of arguments, ${String(args.length)}`);
  }
  const text = (i: number): string => Buffer.from(args[i] ?? new Uint8Array(0)).toString('utf8');
  const fname = text(0);
  const cid = text(1);
  if (fname !== 'GetChainInfo' && args.length < 3) {
    return error(`missing 3rd argument for ${fname}`);
  }
  if (cid !== channelId) {
    return error(`Invalid chain ID, ${cid}`);
  }
  switch (fname) {
    case 'GetChainInfo':
      return chainInfo(ledger);
    case 'GetBlockByNumber':
      return blockByNumber(ledger, text(2));
    case 'GetBlockByHash':
      return blockByHash(ledger, args[2]);
    case 'GetTransactionByID':
      return transactionById(ledger, text(2));
    case 'GetBlockByTxID':
      return blockByTxId(ledger, text(2));
    default:
      return error(`Requested function ${fname} not found.`);
  }
}

/** qscc `GetBlockByNumber`: math.MaxUint64 means the last block. */
function blockByNumber(ledger: PeerLedger, text: string): QsccResponse {
  const number = parseUint64(text);
  if (typeof number === 'string') {
    return error(`Failed to parse block number with error ${number}`);
  }
  const wanted = number === -1 ? ledger.height() - 1 : number;
  const block = ledger.getBlock(wanted);
  if (block === undefined) {
    const shown = BigInt(text).toString();
    return error(`Failed to get block number ${shown}, error no such block number [${shown}] in index`);
  }
  return success(block.serializeBinary());
}

/** qscc `GetBlockByHash`. */
function blockByHash(ledger: PeerLedger, hashArg: Uint8Array | undefined): QsccResponse {
  const hash = hashArg ?? new Uint8Array(0);
  const block = ledger.getBlockByHash(hash);
  if (block === undefined) {
    // Go prints the raw hash bytes with %s, then hex with %x
    return error(
      `Failed to get block hash ${Buffer.from(hash).toString('latin1')}, error no such block hash [${Buffer.from(hash).toString('hex')}] in index`,
    );
  }
  return success(block.serializeBinary());
}

/** qscc `GetTransactionByID`: the envelope with its validation code. */
function transactionById(ledger: PeerLedger, txId: string): QsccResponse {
  const found = ledger.findTransactionPosition(txId);
  const envelopeBytes = found === undefined ? undefined : ledger.getBlock(found.blockNumber)?.getData()?.getDataList_asU8()[found.txNumber];
  if (found === undefined || envelopeBytes === undefined) {
    return error(`Failed to get transaction with id ${txId}, error no such transaction ID [${txId}] in index`);
  }
  const processed = new peer.ProcessedTransaction();
  processed.setTransactionenvelope(common.Envelope.deserializeBinary(envelopeBytes));
  processed.setValidationcode(found.validationCode);
  return success(processed.serializeBinary());
}

/** qscc `GetBlockByTxID`. */
function blockByTxId(ledger: PeerLedger, txId: string): QsccResponse {
  const found = ledger.findTransactionPosition(txId);
  const block = found === undefined ? undefined : ledger.getBlock(found.blockNumber);
  if (block === undefined) {
    return error(`Failed to get block for txID ${txId}, error no such transaction ID [${txId}] in index`);
  }
  return success(block.serializeBinary());
}

/** fab blkstorage `GetBlockchainInfo`: height, the last block's header hash and its previous hash. */
function chainInfo(ledger: PeerLedger): QsccResponse {
  const height = ledger.height();
  const info = new common.BlockchainInfo();
  info.setHeight(height);
  if (height > 0) {
    info.setCurrentblockhash(ledger.getBlockHash(height - 1) ?? new Uint8Array(0));
    info.setPreviousblockhash(ledger.getBlock(height - 1)?.getHeader()?.getPreviousHash_asU8() ?? new Uint8Array(0));
  }
  return success(info.serializeBinary());
}

/**
 * The peer's chaincodes: qscc beside the application chaincode(s) of `simulator`. qscc reads the
 * ledger only, so its simulation has an empty read-write set.
 */
export function withQscc(simulator: ChaincodeSimulator, ledger: PeerLedger, channelId: string): ChaincodeSimulator {
  return {
    definition: (name) => (name === QSCC ? { name: QSCC, version: '' } : simulator.definition(name)),
    simulate: (signedProposal, txId, chaincodeName, args, peerMspId) => {
      if (chaincodeName !== QSCC) {
        return simulator.simulate(signedProposal, txId, chaincodeName, args, peerMspId);
      }
      return Promise.resolve({ response: invokeQscc(ledger, channelId, args), results: EMPTY_RESULTS });
    },
  };
}
