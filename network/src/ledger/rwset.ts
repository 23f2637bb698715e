import { ledger } from '@hyperledger/fabric-protos';

const { kvrwset } = ledger.rwset;

/** The height at which a key was last written: the committing transaction's block and position. */
export interface Version {
  readonly blockNum: number;
  readonly txNum: number;
}

/** Whether two versions are the same height (`null`: the key did not exist). */
export function sameVersion(a: Version | null, b: Version | null): boolean {
  if (a === null || b === null) return a === b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
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

/** A private read as the shared ledger records it (`kvrwset.KVReadHash`). */
export interface HashedRead {
  /** SHA-256 of the key. */
  readonly keyHash: Uint8Array;
  readonly version: Version | null;
}

/** A private write as the shared ledger records it (`kvrwset.KVWriteHash`). */
export interface HashedWrite {
  /** SHA-256 of the key. */
  readonly keyHash: Uint8Array;
  readonly isDelete: boolean;
  /** SHA-256 of the value; empty for a delete or purge. */
  readonly valueHash: Uint8Array;
  /** Fabric 2.5 `PurgePrivateData`: the key and its history leave the private store. */
  readonly isPurge: boolean;
}

/** One collection's hashed read-write set (`rwset.CollectionHashedReadWriteSet`). */
export interface CollectionHashedRwSet {
  readonly collection: string;
  readonly hashedReads: readonly HashedRead[];
  readonly hashedWrites: readonly HashedWrite[];
  /** SHA-256 of the collection's private `KVRWSet` bytes; empty when it has no private writes. */
  readonly pvtRwSetHash: Uint8Array;
}

/** The read-write set of one transaction in one namespace (a decoded `kvrwset.KVRWSet`). */
export interface NamespaceRwSet {
  readonly namespace: string;
  readonly reads: readonly KeyRead[];
  readonly rangeQueries: readonly RangeQuery[];
  readonly writes: readonly KeyWrite[];
  readonly metadataWrites: readonly MetadataWrite[];
  /** Hashed private read-write sets, sorted by collection name. */
  readonly collections?: readonly CollectionHashedRwSet[];
}

/** One collection's private writes in clear (`rwset.CollectionPvtReadWriteSet`). */
export interface CollectionPvtWrites {
  readonly collection: string;
  /** Sorted by key; a delete or purge has `isDelete` and an empty value. */
  readonly writes: readonly KeyWrite[];
  /** The serialised `kvrwset.KVRWSet` (writes only), whose SHA-256 is the hashed set's `pvtRwSetHash`. */
  readonly rwsetBytes: Uint8Array;
}

/** One namespace's private writes (`rwset.NsPvtReadWriteSet`). */
export interface NamespacePvtWrites {
  readonly namespace: string;
  readonly collections: readonly CollectionPvtWrites[];
}

function toVersionProto(version: Version | null): ledger.rwset.kvrwset.Version | undefined {
  if (!version) return undefined;
  const v = new kvrwset.Version();
  v.setBlockNum(version.blockNum);
  v.setTxNum(version.txNum);
  return v;
}

/** Sets a read's version unless the key was absent (null version), as Fabric leaves it unset. */
function withVersion<R extends { setVersion(v: ledger.rwset.kvrwset.Version): void }>(read: R, version: Version | null): R {
  const v = toVersionProto(version);
  if (v) read.setVersion(v);
  return read;
}

function toReadProto(read: KeyRead): ledger.rwset.kvrwset.KVRead {
  const r = new kvrwset.KVRead();
  r.setKey(read.key);
  return withVersion(r, read.version);
}

function toWriteProto(w: KeyWrite): ledger.rwset.kvrwset.KVWrite {
  const write = new kvrwset.KVWrite();
  write.setKey(w.key);
  write.setIsDelete(w.isDelete);
  write.setValue(w.value);
  return write;
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
  set.setWritesList(ns.writes.map(toWriteProto));
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
      nsSet.setCollectionHashedRwsetList((ns.collections ?? []).map(toCollHashedProto));
      return nsSet;
    }),
  );
  return tx;
}

/** `kvrwset.KVWriteHash`: an empty value hash marks a delete or purge. */
function toWriteHashProto(w: HashedWrite): ledger.rwset.kvrwset.KVWriteHash {
  const write = new kvrwset.KVWriteHash();
  write.setKeyHash(w.keyHash);
  write.setValueHash(w.valueHash);
  write.setIsDelete(w.isDelete);
  write.setIsPurge(w.isPurge);
  return write;
}

function toCollHashedProto(coll: CollectionHashedRwSet): ledger.rwset.CollectionHashedReadWriteSet {
  const hashed = new kvrwset.HashedRWSet();
  hashed.setHashedReadsList(
    coll.hashedReads.map((r) => {
      const read = new kvrwset.KVReadHash();
      read.setKeyHash(r.keyHash);
      return withVersion(read, r.version);
    }),
  );
  hashed.setHashedWritesList(coll.hashedWrites.map(toWriteHashProto));
  const set = new ledger.rwset.CollectionHashedReadWriteSet();
  set.setCollectionName(coll.collection);
  set.setHashedRwset(hashed.serializeBinary());
  set.setPvtRwsetHash(coll.pvtRwSetHash);
  return set;
}

function fromCollHashedProto(set: ledger.rwset.CollectionHashedReadWriteSet): CollectionHashedRwSet {
  const hashed = kvrwset.HashedRWSet.deserializeBinary(set.getHashedRwset_asU8());
  return {
    collection: set.getCollectionName(),
    hashedReads: hashed.getHashedReadsList().map((r) => {
      const v = r.getVersion();
      return { keyHash: r.getKeyHash_asU8(), version: v ? { blockNum: v.getBlockNum(), txNum: v.getTxNum() } : null };
    }),
    hashedWrites: hashed.getHashedWritesList().map((w) => ({
      keyHash: w.getKeyHash_asU8(),
      isDelete: w.getIsDelete(),
      valueHash: w.getValueHash_asU8(),
      isPurge: w.getIsPurge(),
    })),
    pvtRwSetHash: set.getPvtRwsetHash_asU8(),
  };
}

/**
 * The private writes of one collection as a `kvrwset.KVRWSet` (writes only, sorted by key), the
 * bytes Fabric hashes into `pvt_rwset_hash`.
 */
export function collectionPvtRwSetBytes(writes: readonly KeyWrite[]): Uint8Array {
  const set = new kvrwset.KVRWSet();
  set.setWritesList(writes.map(toWriteProto));
  return set.serializeBinary();
}

function toCollPvtProto(c: CollectionPvtWrites): ledger.rwset.CollectionPvtReadWriteSet {
  const coll = new ledger.rwset.CollectionPvtReadWriteSet();
  coll.setCollectionName(c.collection);
  coll.setRwset(c.rwsetBytes);
  return coll;
}

/** Builds the `rwset.TxPvtReadWriteSet` a peer disseminates (never part of a transaction). */
export function toTxPvtReadWriteSet(namespaces: readonly NamespacePvtWrites[]): ledger.rwset.TxPvtReadWriteSet {
  const nsSets = namespaces.map((ns) => {
    const nsSet = new ledger.rwset.NsPvtReadWriteSet();
    nsSet.setNamespace(ns.namespace);
    nsSet.setCollectionPvtRwsetList(ns.collections.map(toCollPvtProto));
    return nsSet;
  });
  const tx = new ledger.rwset.TxPvtReadWriteSet();
  tx.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  tx.setNsPvtRwsetList(nsSets);
  return tx;
}

/** Decodes a `rwset.TxPvtReadWriteSet` (message or bytes). */
export function fromTxPvtReadWriteSet(pvt: ledger.rwset.TxPvtReadWriteSet | Uint8Array): NamespacePvtWrites[] {
  const tx = pvt instanceof Uint8Array ? ledger.rwset.TxPvtReadWriteSet.deserializeBinary(pvt) : pvt;
  return tx.getNsPvtRwsetList().map((nsSet) => ({
    namespace: nsSet.getNamespace(),
    collections: nsSet.getCollectionPvtRwsetList().map((c) => {
      const rwsetBytes = c.getRwset_asU8();
      const kv = kvrwset.KVRWSet.deserializeBinary(rwsetBytes);
      return {
        collection: c.getCollectionName(),
        writes: kv.getWritesList().map((w) => ({ key: w.getKey(), isDelete: w.getIsDelete(), value: w.getValue_asU8() })),
        rwsetBytes,
      };
    }),
  }));
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
      collections: nsSet.getCollectionHashedRwsetList().map(fromCollHashedProto),
    };
  });
}
