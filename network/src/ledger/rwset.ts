import { ledger } from '@hyperledger/fabric-protos';

const { kvrwset } = ledger.rwset;

/** The height at which a key was last written: the committing transaction's block and position. */
export interface Version {
  readonly blockNum: number;
  readonly txNum: number;
}

/** A key read during simulation and the version it had (`null`: the key did not exist). */
export interface KeyRead {
  readonly key: string;
  readonly version: Version | null;
}

/** A range query run during simulation, with every key it fetched (Fabric's `RangeQueryInfo` with raw reads). */
export interface RangeQuery {
  readonly startKey: string;
  /** `""` means unbounded. */
  readonly endKey: string;
  readonly itrExhausted: boolean;
  readonly rawReads: readonly KeyRead[];
}

/** A write or delete of one key. */
export interface KeyWrite {
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/** A state-metadata write (e.g. a key-level endorsement policy): entries replace the key's metadata. */
export interface MetadataWrite {
  readonly key: string;
  readonly entries: ReadonlyMap<string, Uint8Array>;
}

/** The read-write set of one transaction in one namespace (a decoded `kvrwset.KVRWSet`). */
export interface NamespaceRwSet {
  readonly namespace: string;
  readonly reads: readonly KeyRead[];
  readonly rangeQueries: readonly RangeQuery[];
  readonly writes: readonly KeyWrite[];
  readonly metadataWrites: readonly MetadataWrite[];
}

function toVersionProto(version: Version | null): ledger.rwset.kvrwset.Version | undefined {
  if (!version) return undefined;
  const v = new kvrwset.Version();
  v.setBlockNum(version.blockNum);
  v.setTxNum(version.txNum);
  return v;
}

function toReadProto(read: KeyRead): ledger.rwset.kvrwset.KVRead {
  const r = new kvrwset.KVRead();
  r.setKey(read.key);
  const version = toVersionProto(read.version);
  if (version) r.setVersion(version);
  return r;
}

function toKvRwSetProto(ns: NamespaceRwSet): ledger.rwset.kvrwset.KVRWSet {
  const set = new kvrwset.KVRWSet();
  set.setReadsList(ns.reads.map(toReadProto));
  set.setRangeQueriesInfoList(
    ns.rangeQueries.map((q) => {
      const info = new kvrwset.RangeQueryInfo();
      info.setStartKey(q.startKey);
      info.setEndKey(q.endKey);
      info.setItrExhausted(q.itrExhausted);
      const raw = new kvrwset.QueryReads();
      raw.setKvReadsList(q.rawReads.map(toReadProto));
      info.setRawReads(raw);
      return info;
    }),
  );
  set.setWritesList(
    ns.writes.map((w) => {
      const write = new kvrwset.KVWrite();
      write.setKey(w.key);
      write.setIsDelete(w.isDelete);
      write.setValue(w.value);
      return write;
    }),
  );
  set.setMetadataWritesList(
    ns.metadataWrites.map((m) => {
      const write = new kvrwset.KVMetadataWrite();
      write.setKey(m.key);
      write.setEntriesList(
        [...m.entries].map(([name, value]) => {
          const entry = new kvrwset.KVMetadataEntry();
          entry.setName(name);
          entry.setValue(value);
          return entry;
        }),
      );
      return write;
    }),
  );
  return set;
}

/**
 * Builds the Fabric `rwset.TxReadWriteSet` (data model KV) for namespaces, as a peer puts it in
 * `ChaincodeAction.results`.
 * @param namespaces - one entry per chaincode namespace touched
 * @returns the protobuf message; call `serializeBinary()` for the bytes
 */
export function toTxReadWriteSet(namespaces: readonly NamespaceRwSet[]): ledger.rwset.TxReadWriteSet {
  const tx = new ledger.rwset.TxReadWriteSet();
  tx.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  tx.setNsRwsetList(
    namespaces.map((ns) => {
      const nsSet = new ledger.rwset.NsReadWriteSet();
      nsSet.setNamespace(ns.namespace);
      nsSet.setRwset(toKvRwSetProto(ns).serializeBinary());
      return nsSet;
    }),
  );
  return tx;
}

function fromReadProto(read: ledger.rwset.kvrwset.KVRead): KeyRead {
  const v = read.getVersion();
  return { key: read.getKey(), version: v ? { blockNum: v.getBlockNum(), txNum: v.getTxNum() } : null };
}

/**
 * Decodes a `rwset.TxReadWriteSet` (message or bytes) into plain per-namespace read-write sets.
 * @param rwset - the message, or its serialised bytes (as found in `ChaincodeAction.results`)
 * @returns the namespaces in message order
 * @throws Error when the bytes are not a KV read-write set
 */
export function fromTxReadWriteSet(rwset: ledger.rwset.TxReadWriteSet | Uint8Array): NamespaceRwSet[] {
  const tx = rwset instanceof Uint8Array ? ledger.rwset.TxReadWriteSet.deserializeBinary(rwset) : rwset;
  // the enum has KV only, but decoded bytes can carry any number
  const dataModel: number = tx.getDataModel();
  if (dataModel !== ledger.rwset.TxReadWriteSet.DataModel.KV) {
    throw new Error(`unsupported read-write set data model ${String(dataModel)}`);
  }
  return tx.getNsRwsetList().map((nsSet) => {
    const kv = kvrwset.KVRWSet.deserializeBinary(nsSet.getRwset_asU8());
    return {
      namespace: nsSet.getNamespace(),
      reads: kv.getReadsList().map(fromReadProto),
      rangeQueries: kv.getRangeQueriesInfoList().map((info) => ({
        startKey: info.getStartKey(),
        endKey: info.getEndKey(),
        itrExhausted: info.getItrExhausted(),
        rawReads: (info.getRawReads()?.getKvReadsList() ?? []).map(fromReadProto),
      })),
      writes: kv.getWritesList().map((w) => ({ key: w.getKey(), isDelete: w.getIsDelete(), value: w.getValue_asU8() })),
      metadataWrites: kv.getMetadataWritesList().map((m) => ({
        key: m.getKey(),
        entries: new Map(m.getEntriesList().map((e) => [e.getName(), e.getValue_asU8()] as const)),
      })),
    };
  });
}
