/**
 * Blocks as the orderer cuts them and the committer stores them
 * (fab protoutil/blockutils.go, common/ledger/blkstorage).
 */
import { createHash, randomBytes } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';

/** common.BlockMetadataIndex values; a block carries 5 metadata slots. */
export const METADATA_SLOTS = 5;
export const TRANSACTIONS_FILTER = common.BlockMetadataIndex.TRANSACTIONS_FILTER;
export const SIGNATURES = common.BlockMetadataIndex.SIGNATURES;
export const LAST_CONFIG = common.BlockMetadataIndex.LAST_CONFIG;

function derLength(length: number): Buffer {
  if (length < 0x80) {
    return Buffer.from([length]);
  }
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) {
    bytes.unshift(n % 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derTlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** DER INTEGER for a non-negative integer (minimal two's complement, as Go's asn1). */
function derUnsigned(value: bigint): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0] ?? 0) & 0x80) {
    bytes.unshift(0);
  }
  return derTlv(0x02, Buffer.from(bytes));
}

/** fab `BlockHeaderBytes`: DER SEQUENCE{INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash}. */
export function blockHeaderBytes(header: common.BlockHeader): Buffer {
  return derTlv(
    0x30,
    Buffer.concat([
      derUnsigned(BigInt(header.getNumber())),
      derTlv(0x04, Buffer.from(header.getPreviousHash_asU8())),
      derTlv(0x04, Buffer.from(header.getDataHash_asU8())),
    ]),
  );
}

/** fab `BlockHeaderHash`: SHA-256 of the DER header. */
export function blockHeaderHash(header: common.BlockHeader): Buffer {
  return createHash('sha256').update(blockHeaderBytes(header)).digest();
}

/** fab `ComputeBlockDataHash`: SHA-256 over the concatenated envelopes. */
export function blockDataHash(envelopes: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const env of envelopes) {
    hash.update(env);
  }
  return hash.digest();
}

/** A block with header, data and 5 empty metadata slots (fab `NewBlock` + `InitBlockMetadata`). */
export function newBlock(number: number, previousHash: Uint8Array, envelopes: readonly Uint8Array[]): common.Block {
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(blockDataHash(envelopes));
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList(Array.from({ length: METADATA_SLOTS }, () => new Uint8Array(0)));
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

/** The serialised envelopes of a block. */
export function blockEnvelopes(block: common.Block): Uint8Array[] {
  return block.getData()?.getDataList_asU8() ?? [];
}

/** Sets a metadata slot. */
export function setBlockMetadata(block: common.Block, index: number, value: Uint8Array): void {
  const metadata = block.getMetadata() ?? new common.BlockMetadata();
  const list = metadata.getMetadataList_asU8();
  while (list.length < METADATA_SLOTS) {
    list.push(new Uint8Array(0));
  }
  list[index] = value;
  metadata.setMetadataList(list);
  block.setMetadata(metadata);
}

/** TRANSACTIONS_FILTER: one validation code byte per transaction. */
export function transactionsFilter(block: common.Block): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array(0);
}

/** What signs blocks: the ordering node's serialized identity and ECDSA signer. */
export interface BlockSigner {
  readonly serializedIdentity: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** fab `OrdererBlockMetadata{last_config, consenter_metadata = Metadata{value}}` bytes. */
export function ordererBlockMetadata(lastConfig: number, consenterMetadata: Uint8Array = new Uint8Array(0)): Uint8Array {
  const last = new common.LastConfig();
  last.setIndex(lastConfig);
  const consenter = new common.Metadata();
  consenter.setValue(consenterMetadata);
  const value = new common.OrdererBlockMetadata();
  value.setLastConfig(last);
  value.setConsenterMetadata(consenter.serializeBinary());
  return value.serializeBinary();
}

/**
 * LAST_CONFIG and SIGNATURES metadata as an orderer writes them (fab orderer/common/multichannel
 * blockwriter.go `addLastConfig`, `addBlockSignature`): SIGNATURES = Metadata{value =
 * OrdererBlockMetadata, signatures = [MetadataSignature{signature_header = SignatureHeader{creator,
 * nonce}, signature over value ‖ signature_header ‖ BlockHeaderBytes}]} (no identifier_header:
 * that is BFT only). Without a signer the value is written unsigned, as configtxgen does for block 0.
 */
export function addOrdererMetadata(block: common.Block, lastConfig: number, signer?: BlockSigner): void {
  const header = block.getHeader();
  if (header === undefined) {
    throw new Error('block without header');
  }
  const last = new common.LastConfig();
  last.setIndex(lastConfig);
  const lastConfigMetadata = new common.Metadata();
  lastConfigMetadata.setValue(last.serializeBinary());
  setBlockMetadata(block, LAST_CONFIG, lastConfigMetadata.serializeBinary());

  const value = ordererBlockMetadata(lastConfig);
  const metadata = new common.Metadata();
  metadata.setValue(value);
  if (signer !== undefined) {
    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(signer.serializedIdentity);
    signatureHeader.setNonce(randomBytes(24));
    const signatureHeaderBytes = signatureHeader.serializeBinary();
    const signature = new common.MetadataSignature();
    signature.setSignatureHeader(signatureHeaderBytes);
    signature.setSignature(signer.sign(Buffer.concat([value, signatureHeaderBytes, blockHeaderBytes(header)])));
    metadata.setSignaturesList([signature]);
  }
  setBlockMetadata(block, SIGNATURES, metadata.serializeBinary());
}
