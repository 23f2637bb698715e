/** Test-only edits of a proof bundle: one changed byte in a block, for the tests that a check catches it. */
import { common, peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import type { ProofBundle } from '../bundle';
import type { Report } from '../report';
import { must } from './fixture';

/** A deep copy, to tamper with. */
export const clone = (b: ProofBundle): ProofBundle => JSON.parse(JSON.stringify(b)) as ProofBundle;
/** The names of the checks a report failed. */
export const failedChecks = (r: Report): Set<string> => new Set(r.failures.map((f) => f.check));

/** The serialised block `number` of the bundle. */
export function blockBytes(bundle: ProofBundle, number: string): Buffer {
  return Buffer.from(must(bundle.blocks.find((b) => b.number === number), `block ${number} of the bundle`).block, 'base64');
}

/** Replaces block `number` of the bundle. */
export function setBlockBytes(bundle: ProofBundle, number: string, bytes: Uint8Array): void {
  must(bundle.blocks.find((b) => b.number === number), `block ${number} of the bundle`).block = Buffer.from(bytes).toString('base64');
}

/** Another byte in place of bytes[i]: a different base64 letter for letters (PEM stays PEM), else one bit flipped. */
export function changeByte(bytes: Buffer, i: number): void {
  const c = must(bytes[i], 'bytes[i]');
  const isLetter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
  bytes[i] = isLetter ? (c === 0x41 ? 0x42 : 0x41) : c ^ 0x01;
}

/** Changes one byte of block `number`, `offset` bytes into the first occurrence of `needle`. */
export function tamperBlock(bundle: ProofBundle, number: string, needle: Uint8Array, offset: number): void {
  const bytes = blockBytes(bundle, number);
  const at = bytes.indexOf(Buffer.from(needle));
  expect(at, 'needle found in block').to.be.at.least(0);
  changeByte(bytes, at + offset);
  setBlockBytes(bundle, number, bytes);
}

/** The envelope of the bundle's event `eventIndex`, from its block. */
export function envelopeOf(bundle: ProofBundle, eventIndex: number): Uint8Array {
  const ev = must(bundle.events[eventIndex], `event ${String(eventIndex)} of the bundle`);
  const data = common.Block.deserializeBinary(blockBytes(bundle, ev.blockNumber)).getData()?.getDataList_asU8() ?? [];
  return must(data[ev.txIndex], `transaction ${String(ev.txIndex)} of block ${ev.blockNumber}`);
}

/** The payload of a transaction envelope. */
export function envelopePayload(envelope: Uint8Array): common.Payload {
  return common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
}

/** The endorsed action of a transaction envelope (its proposal response payload and endorsements). */
export function endorsedAction(envelope: Uint8Array): peer.ChaincodeEndorsedAction {
  const tx = peer.Transaction.deserializeBinary(envelopePayload(envelope).getData_asU8());
  const action = must(tx.getActionsList()[0], 'the transaction\'s action');
  return must(peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction(), 'the endorsed action');
}
