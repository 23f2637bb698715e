import { ledger as ledgerProtos, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

import { shimInternals } from '../chaincode-runtime/shim-internals';
import type { Ledger, StateRecord } from './ledger';
import { implicitCollectionOrg, sha256 } from './private-data';
import {
  collectionPvtRwSetBytes,
  toTxPvtReadWriteSet,
  toTxReadWriteSet,
  type CollectionHashedRwSet,
  type KeyRead,
  type KeyWrite,
  type NamespaceRwSet,
  sameVersion,
  type RangeQuery,
  type Version,
} from './rwset';

/** Results per QueryResponse batch, as a peer sends them (core.yaml `totalQueryLimit` aside). */
export const QUERY_BATCH_SIZE = 100;

function refusePrivateData(collection: string): never {
  throw new Error(`private data is not supported by the embedded network (collection "${collection}")`);
}

/** fab version.Height `String()`. */
function heightString(version: Version | null): string {
  return version === null ? '<nil>' : `{BlockNum: ${String(version.blockNum)}, TxNum: ${String(version.txNum)}}`;
}

/** One collection's private reads and writes during a simulation (fab rwset builder). */
interface CollectionBuilder {
  readonly reads: Map<string, Version | null>;
  readonly writes: Map<string, { readonly write: KeyWrite; readonly purge: boolean }>;
}

/** Options for a {@link TxSimulator}. */
export interface TxSimulatorOptions {
  /** The chaincode namespace (the chaincode name). */
  readonly namespace: string;
  readonly channelId: string;
  readonly txId: string;
  /**
   * The MSP of the peer simulating: it serves only its own organisation's private store. Without
   * it (and `channelOrgs`), private data is refused.
   */
  readonly peerMspId?: string;
  /** The channel's application organisations: `_implicit_org_<each>` are the defined collections. */
  readonly channelOrgs?: readonly string[];
}

interface RangeCursor {
  readonly id: string;
  readonly startKey: string;
  readonly endKey: string;
  readonly rawReads: KeyRead[];
  /** Key of the last record fetched. */
  after: string | undefined;
  exhausted: boolean;
  /** For paginated queries: records still allowed in this page. */
  remaining: number;
  readonly kind: 'range' | 'buffered';
  /** Serialised results not yet sent (history and paginated queries). */
  readonly pending?: Uint8Array[];
}

/**
 * Simulates one transaction proposal against committed state, acting as the fabric-shim
 * `Handler` a `ChaincodeStub` talks to. Like a Fabric peer: reads see committed state only (no
 * read-your-writes), missing keys are read at a nil version, the last write of a key wins, range
 * queries record every fetched key and whether the iterator was exhausted, rich queries, private
 * data and chaincode-to-chaincode calls are refused.
 *
 * @example
 * ```ts
 * const sim = new TxSimulator(ledger, { namespace: 'acetrace', channelId: 'acetrace', txId });
 * const stub = new shimInternals.ChaincodeStub(sim, channelId, txId, input, signedProposal);
 * await chaincode.Invoke(stub);
 * const rwset = sim.done();
 * ```
 */
export class TxSimulator {
  readonly #ledger: Ledger;
  readonly #opts: TxSimulatorOptions;
  readonly #reads = new Map<string, Version | null>();
  readonly #writes = new Map<string, KeyWrite>();
  readonly #metadataWrites = new Map<string, Map<string, Uint8Array>>();
  readonly #rangeQueries: RangeCursor[] = [];
  readonly #iterators = new Map<string, RangeCursor>();
  #nextIteratorId = 1;
  #paginatedQueryPerformed = false;
  #pvtQueryPerformed = false;
  #writePerformed = false;
  readonly #collections = new Map<string, CollectionBuilder>();
  /** Collections read with `getPrivateData`/`getPrivateDataByRange` (fab `PrivateReads`). */
  readonly privateReads = new Set<string>();
  #done = false;

  constructor(ledger: Ledger, options: TxSimulatorOptions) {
    this.#ledger = ledger;
    this.#opts = options;
  }

  /** The transaction id being simulated. */
  get txId(): string {
    return this.#opts.txId;
  }

  /** fabric-shim: `stub.getState(key)`. Returns the committed value, empty when missing. */
  handleGetState(collection: string, key: string): Promise<Buffer> {
    return this.#run(() => {
      if (collection) return this.#getPrivateData(collection, key);
      const entry = this.#ledger.getState(this.#opts.namespace, key);
      this.#recordRead(key, entry?.version ?? null);
      return entry ? Buffer.from(entry.value) : Buffer.alloc(0);
    });
  }

  /** fabric-shim: `stub.putState(key, value)`. */
  handlePutState(collection: string, key: string, value: Uint8Array): Promise<Buffer> {
    return this.#run(() => {
      this.#checkWrite(key);
      const write = { key, isDelete: false, value: Buffer.from(value) };
      if (collection) this.#privateWrite('PUT_STATE', collection, write, false);
      else this.#writes.set(key, write);
      return Buffer.alloc(0);
    });
  }

  /** fabric-shim: `stub.deleteState(key)`. */
  handleDeleteState(collection: string, key: string): Promise<Buffer> {
    return this.#run(() => {
      this.#checkWrite(key);
      const write = { key, isDelete: true, value: new Uint8Array() };
      if (collection) this.#privateWrite('DEL_STATE', collection, write, false);
      else this.#writes.set(key, write);
      return Buffer.alloc(0);
    });
  }

  /**
   * fabric-shim: `stub.purgePrivateData(collection, key)` (Fabric 2.5): a hashed write marked
   * `is_purge`; at commit the key's value and its private history leave every private store.
   */
  handlePurgeState(collection: string, key: string): Promise<Buffer> {
    return this.#run(() => {
      if (!collection) throw new Error(`PURGE_PRIVATE_DATA failed: transaction ID: ${this.#opts.txId}: only applicable for private data`);
      this.#checkWrite(key);
      this.#privateWrite('PURGE_PRIVATE_DATA', collection, { key, isDelete: true, value: new Uint8Array() }, true);
      return Buffer.alloc(0);
    });
  }

  /**
   * fabric-shim: `stub.getPrivateDataHash(collection, key)`: the committed SHA-256 of the value
   * (empty when missing), served by every peer; recorded as a hashed read.
   */
  handleGetPrivateDataHash(collection: string, key: string): Promise<Buffer> {
    return this.#run(() => {
      this.#validateCollection('GET_PRIVATE_DATA_HASH', collection);
      const entry = this.#ledger.getPrivateDataHash(this.#opts.namespace, collection, key);
      this.#recordHashedRead(collection, key, entry?.version ?? null);
      return entry ? Buffer.from(entry.valueHash) : Buffer.alloc(0);
    });
  }

  /**
   * fabric-shim: `stub.setStateValidationParameter(key, ep)`. The metadata is recorded as a
   * `KVMetadataWrite` and stored on commit; the embedded network does not enforce key-level
   * endorsement policies.
   */
  handlePutStateMetadata(collection: string, key: string, metakey: string, value: Uint8Array): Promise<Buffer> {
    return this.#run(() => {
      this.#refusePrivate(collection);
      this.#checkWrite(key);
      const entries = this.#metadataWrites.get(key) ?? new Map(this.#ledger.getStateMetadata(this.#opts.namespace, key));
      entries.set(metakey, Buffer.from(value));
      this.#metadataWrites.set(key, entries);
      return Buffer.alloc(0);
    });
  }

  /** fabric-shim: `stub.getStateValidationParameter(key)`: committed metadata, as `{metakey: value}`. */
  handleGetStateMetadata(collection: string, key: string): Promise<Record<string, Buffer>> {
    return this.#run(() => {
      this.#refusePrivate(collection);
      this.#recordRead(key, this.#ledger.getVersion(this.#opts.namespace, key));
      return Object.fromEntries(this.#ledger.getStateMetadata(this.#opts.namespace, key));
    });
  }

  /**
   * fabric-shim: `stub.getStateByRange`, `getStateByPartialCompositeKey` and their paginated forms.
   * @param metadata - serialised `peer.QueryMetadata{pageSize, bookmark}` for paginated queries
   * @returns `{ iterator, metadata? }` as fabric-shim's handler does
   */
  handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    _channelId?: string,
    _txId?: string,
    metadata?: Uint8Array,
  ): Promise<{ iterator: object; metadata?: { bookmark: string; fetchedRecordsCount: number } }> {
    return this.#run(() => {
      if (collection) return { iterator: this.#privateRange(collection, startKey, endKey) };
      if (metadata && metadata.length > 0) return this.#paginatedRange(startKey, endKey, metadata);
      const cursor = this.#newRangeCursor(startKey, endKey, Number.POSITIVE_INFINITY);
      const response = this.#nextRangeBatch(cursor);
      return { iterator: new shimInternals.StateQueryIterator(this, this.#opts.channelId, this.#opts.txId, response) };
    });
  }

  /** fabric-shim: the next batch of an open iterator. */
  handleQueryStateNext(id: string): Promise<peer.QueryResponse> {
    return this.#run(() => {
      const cursor = this.#iterators.get(id);
      if (!cursor) throw new Error(`query iterator not found: ${id}`);
      return cursor.kind === 'buffered' ? this.#nextBufferedBatch(cursor) : this.#nextRangeBatch(cursor);
    });
  }

  /** fabric-shim: closes an iterator (always called by the shim). */
  handleQueryStateClose(id: string): Promise<peer.QueryResponse> {
    return this.#run(() => {
      this.#iterators.delete(id);
      const response = new peer.QueryResponse();
      response.setId(id);
      return response;
    }, true);
  }

  /** fabric-shim: `stub.getQueryResult(...)`: refused, as on a LevelDB peer. */
  handleGetQueryResult(): Promise<never> {
    return this.#run(() => {
      throw new Error('rich queries are not supported on LevelDB');
    });
  }

  /** fabric-shim: `stub.getHistoryForKey(key)`: committed modifications, newest first. */
  handleGetHistoryForKey(key: string): Promise<object> {
    return this.#run(() => {
      const pending = this.#ledger.getHistory(this.#opts.namespace, key).map((h) => {
        const ts = new Timestamp();
        ts.setSeconds(h.timestamp.seconds);
        ts.setNanos(h.timestamp.nanos);
        const mod = new ledgerProtos.queryresult.KeyModification();
        mod.setTxId(h.txId);
        mod.setValue(h.value);
        mod.setIsDelete(h.isDelete);
        mod.setTimestamp(ts);
        return mod.serializeBinary();
      });
      const cursor = this.#bufferedCursor(key, key, pending);
      return new shimInternals.HistoryQueryIterator(this, this.#opts.channelId, this.#opts.txId, this.#nextBufferedBatch(cursor));
    });
  }

  /** fabric-shim: `stub.invokeChaincode(...)`: refused. */
  handleInvokeChaincode(chaincodeName: string): Promise<never> {
    return this.#run(() => {
      throw new Error(`chaincode-to-chaincode invocation (${chaincodeName}) is not supported by the embedded network`);
    });
  }

  /**
   * The read-write set recorded so far (reads, range queries and writes sorted by key, as Fabric's
   * rwset builder does).
   */
  namespaceRwSet(): NamespaceRwSet {
    // UTF-8 byte order; each key encoded once (not twice per comparison: a sort was 20% of done() in the #19 profile)
    const byKey = <T extends { key: string }>(items: readonly T[]): T[] =>
      items
        .map((item) => ({ item, bytes: Buffer.from(item.key) }))
        .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
        .map(({ item }) => item);
    const rangeQueries: RangeQuery[] = this.#rangeQueries.map((c) => ({
      startKey: c.startKey,
      endKey: c.endKey,
      itrExhausted: c.exhausted,
      rawReads: [...c.rawReads],
    }));
    return {
      namespace: this.#opts.namespace,
      reads: byKey([...this.#reads].map(([key, version]) => ({ key, version }))),
      rangeQueries,
      writes: byKey([...this.#writes.values()]),
      metadataWrites: byKey([...this.#metadataWrites].map(([key, entries]) => ({ key, entries }))),
      collections: this.#hashedCollections(),
    };
  }

  /**
   * Ends the simulation (later handler calls fail) and returns the transaction's read-write set.
   * @returns the `rwset.TxReadWriteSet` for `ChaincodeAction.results` (empty of namespaces when
   * nothing was read or written)
   */
  done(): ledgerProtos.rwset.TxReadWriteSet {
    this.#done = true;
    this.#iterators.clear();
    const ns = this.namespaceRwSet();
    const empty =
      ns.reads.length + ns.rangeQueries.length + ns.writes.length + ns.metadataWrites.length + (ns.collections?.length ?? 0) === 0;
    return toTxReadWriteSet(empty ? [] : [ns]);
  }

  /**
   * The private write set (`rwset.TxPvtReadWriteSet`) the endorsing peer disseminates to the
   * collections' member peers; never part of the transaction.
   * @returns `undefined` when the simulation wrote no private data
   */
  privateWriteSet(): ledgerProtos.rwset.TxPvtReadWriteSet | undefined {
    const collections = this.#sortedCollections()
      .filter(([, b]) => b.writes.size > 0)
      .map(([collection, b]) => {
        const writes = this.#collectionWrites(b);
        return { collection, writes, rwsetBytes: collectionPvtRwSetBytes(writes) };
      });
    return collections.length === 0 ? undefined : toTxPvtReadWriteSet([{ namespace: this.#opts.namespace, collections }]);
  }

  #sortedCollections(): Array<[string, CollectionBuilder]> {
    return [...this.#collections].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  #collectionWrites(builder: CollectionBuilder): KeyWrite[] {
    return [...builder.writes.values()].map((w) => w.write).sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  /** The hashed read-write sets of the public rwset, sorted by collection then key (fab rwset builder). */
  #hashedCollections(): CollectionHashedRwSet[] {
    const byKey = <T>(entries: Iterable<[string, T]>): Array<[string, T]> =>
      [...entries].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return this.#sortedCollections().map(([collection, b]) => ({
      collection,
      hashedReads: byKey(b.reads).map(([key, version]) => ({ keyHash: sha256(key), version })),
      hashedWrites: byKey(b.writes).map(([key, { write, purge }]) => ({
        keyHash: sha256(key),
        isDelete: write.isDelete,
        valueHash: write.isDelete ? new Uint8Array() : sha256(write.value),
        isPurge: purge,
      })),
      pvtRwSetHash: b.writes.size > 0 ? sha256(collectionPvtRwSetBytes(this.#collectionWrites(b))) : new Uint8Array(),
    }));
  }

  /** fab txmgr `collNameValidator`: the defined collections are the channel orgs' implicit ones. */
  #validateCollection(type: string, collection: string): void {
    const { peerMspId, channelOrgs } = this.#opts;
    if (peerMspId === undefined || channelOrgs === undefined) refusePrivateData(collection);
    const org = implicitCollectionOrg(collection);
    if (org === undefined || !channelOrgs.includes(org)) {
      throw new Error(
        `${type} failed: transaction ID: ${this.#opts.txId}: collection [${collection}] not defined in the collection config for chaincode [${this.#opts.namespace}]`,
      );
    }
  }

  #collection(collection: string): CollectionBuilder {
    let builder = this.#collections.get(collection);
    if (!builder) {
      builder = { reads: new Map(), writes: new Map() };
      this.#collections.set(collection, builder);
    }
    return builder;
  }

  #recordHashedRead(collection: string, key: string, version: Version | null): void {
    const reads = this.#collection(collection).reads;
    if (!reads.has(key)) reads.set(key, version);
  }

  /**
   * fab `queryExecutor.GetPrivateData`: this peer's private value, which must be the version the
   * shared hash has; a peer outside the collection holds none, so an existing key fails there.
   */
  #getPrivateData(collection: string, key: string): Buffer {
    this.#validateCollection('GET_STATE', collection);
    const peer = this.#opts.peerMspId ?? '';
    const entry = this.#ledger.getPrivateData(peer, this.#opts.namespace, collection, key);
    const hash = this.#ledger.getPrivateDataHash(this.#opts.namespace, collection, key);
    const version = entry?.version ?? null;
    const hashVersion = hash?.version ?? null;
    if (!sameVersion(version, hashVersion)) {
      throw new Error(
        `GET_STATE failed: transaction ID: ${this.#opts.txId}: private data matching public hash version is not available. ` +
          `Public hash version = ${heightString(hashVersion)}, Private data version = ${heightString(version)}`,
      );
    }
    this.privateReads.add(collection);
    this.#recordHashedRead(collection, key, version);
    return entry ? Buffer.from(entry.value) : Buffer.alloc(0);
  }

  #privateWrite(type: string, collection: string, write: KeyWrite, purge: boolean): void {
    this.#validateCollection(type, collection);
    this.#collection(collection).writes.set(write.key, { write, purge });
  }

  /**
   * fab `GetPrivateDataRangeScanIterator`: this peer's private values in key order; no reads are
   * recorded (no phantom protection), and only a transaction that has not written may query.
   */
  #privateRange(collection: string, startKey: string, endKey: string): object {
    this.#validateCollection('GET_STATE_BY_RANGE', collection);
    if (this.#writePerformed) {
      throw new Error(
        `GET_STATE_BY_RANGE failed: transaction ID: ${this.#opts.txId}: txid [${this.#opts.txId}]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction`,
      );
    }
    this.#pvtQueryPerformed = true;
    this.privateReads.add(collection);
    const records: Uint8Array[] = [];
    for (let after: string | undefined; ; ) {
      const opts = after === undefined ? { limit: QUERY_BATCH_SIZE } : { after, limit: QUERY_BATCH_SIZE };
      const batch = this.#ledger.scanPrivateRange(this.#opts.peerMspId ?? '', this.#opts.namespace, collection, startKey, endKey, opts);
      for (const r of batch) records.push(this.#kvBytes(r));
      after = batch[batch.length - 1]?.key;
      if (batch.length < QUERY_BATCH_SIZE || after === undefined) break;
    }
    const cursor = this.#bufferedCursor(startKey, endKey, records);
    return new shimInternals.StateQueryIterator(this, this.#opts.channelId, this.#opts.txId, this.#nextBufferedBatch(cursor));
  }

  #run<T>(fn: () => T, allowAfterDone = false): Promise<T> {
    try {
      if (this.#done && !allowAfterDone) throw new Error(`transaction simulation is done for ${this.#opts.txId}`);
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #refusePrivate(collection: string): void {
    if (collection) refusePrivateData(collection);
  }

  #checkWrite(key: string): void {
    if (!key) throw new Error('key must not be an empty string');
    if (this.#pvtQueryPerformed) {
      throw new Error(`txid [${this.#opts.txId}]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed`);
    }
    if (this.#paginatedQueryPerformed) {
      throw new Error('transaction has already performed a paginated query. Writes are not allowed');
    }
    this.#writePerformed = true;
  }

  #recordRead(key: string, version: Version | null): void {
    if (!this.#reads.has(key)) this.#reads.set(key, version);
  }

  /** An open iterator over results already serialised (history, private ranges). */
  #bufferedCursor(startKey: string, endKey: string, pending: Uint8Array[]): RangeCursor {
    return this.#openCursor(startKey, endKey, Number.POSITIVE_INFINITY, pending);
  }

  /** Registers a new iterator: a ledger range (`pending` undefined) or buffered results. */
  #openCursor(startKey: string, endKey: string, remaining: number, pending?: Uint8Array[]): RangeCursor {
    const cursor: RangeCursor = {
      id: this.#newIteratorId(),
      startKey,
      endKey,
      rawReads: [],
      after: undefined,
      exhausted: false,
      remaining,
      ...(pending === undefined ? { kind: 'range' as const } : { kind: 'buffered' as const, pending }),
    };
    this.#iterators.set(cursor.id, cursor);
    return cursor;
  }

  /** A `queryresult.KV` of this namespace, serialised. */
  #kvBytes(record: StateRecord): Uint8Array {
    const kv = new ledgerProtos.queryresult.KV();
    kv.setNamespace(this.#opts.namespace);
    kv.setKey(record.key);
    kv.setValue(record.value);
    return kv.serializeBinary();
  }

  #newIteratorId(): string {
    return `${this.#opts.txId}-itr${String(this.#nextIteratorId++)}`;
  }

  #newRangeCursor(startKey: string, endKey: string, pageLimit: number): RangeCursor {
    const cursor = this.#openCursor(startKey, endKey, pageLimit);
    this.#rangeQueries.push(cursor);
    return cursor;
  }


  /**
   * Reads up to `limit` records after the cursor, peeking one further so that `has_more` is
   * never set on a batch that ends the range: fabric-shim's iterator would then fetch an empty
   * batch and fail on it. The peeked record is not a read of this batch.
   */
  #fetch(cursor: RangeCursor, limit: number): StateRecord[] {
    const opts = cursor.after === undefined ? { limit: limit + 1 } : { after: cursor.after, limit: limit + 1 };
    const found = this.#ledger.scanRange(this.#opts.namespace, cursor.startKey, cursor.endKey, opts);
    if (found.length <= limit) cursor.exhausted = true;
    const records = found.slice(0, limit);
    for (const r of records) cursor.rawReads.push({ key: r.key, version: r.version });
    const last = records[records.length - 1];
    if (last) cursor.after = last.key;
    return records;
  }

  #nextRangeBatch(cursor: RangeCursor): peer.QueryResponse {
    const limit = Math.min(QUERY_BATCH_SIZE, cursor.remaining);
    const records = cursor.exhausted || limit === 0 ? [] : this.#fetch(cursor, limit);
    cursor.remaining -= records.length;
    const hasMore = !cursor.exhausted && cursor.remaining > 0;
    return this.#queryResponse(
      cursor.id,
      records.map((r) => this.#kvBytes(r)),
      hasMore,
    );
  }

  #nextBufferedBatch(cursor: RangeCursor): peer.QueryResponse {
    const pending = cursor.pending ?? [];
    const batch = pending.splice(0, QUERY_BATCH_SIZE);
    return this.#queryResponse(cursor.id, batch, pending.length > 0);
  }

  #queryResponse(id: string, results: Uint8Array[], hasMore: boolean): peer.QueryResponse {
    const response = new peer.QueryResponse();
    response.setId(id);
    response.setHasMore(hasMore);
    response.setResultsList(
      results.map((bytes) => {
        const r = new peer.QueryResultBytes();
        r.setResultbytes(bytes);
        return r;
      }),
    );
    return response;
  }

  #paginatedRange(
    startKey: string,
    endKey: string,
    metadataBytes: Uint8Array,
  ): { iterator: object; metadata: { bookmark: string; fetchedRecordsCount: number } } {
    if (this.#writes.size > 0 || this.#metadataWrites.size > 0) {
      throw new Error('transaction has already performed writes. Performing paginated query is not supported');
    }
    this.#paginatedQueryPerformed = true;
    const query = peer.QueryMetadata.deserializeBinary(metadataBytes);
    const pageSize = query.getPagesize();
    if (pageSize <= 0) throw new Error(`invalid page size ${String(pageSize)}: must be greater than zero`);
    const bookmark = query.getBookmark();
    const cursor = this.#newRangeCursor(bookmark || startKey, endKey, pageSize);
    const records = this.#fetch(cursor, pageSize);
    cursor.remaining = 0;
    let nextKey = '';
    if (records.length < pageSize) {
      cursor.exhausted = true;
    } else {
      const peek = this.#ledger.scanRange(this.#opts.namespace, cursor.startKey, endKey, { after: cursor.after ?? '', limit: 1 });
      nextKey = peek[0]?.key ?? '';
    }
    // Serve the whole page from memory: the shim reads metadata from the first response only.
    const kvs = records.map((r) => this.#kvBytes(r));
    const history: RangeCursor = { ...cursor, kind: 'buffered', pending: kvs };
    this.#iterators.set(cursor.id, history);
    const response = this.#nextBufferedBatch(history);
    const md = new peer.QueryResponseMetadata();
    md.setFetchedRecordsCount(records.length);
    md.setBookmark(nextKey);
    response.setMetadata(md.serializeBinary());
    return {
      iterator: new shimInternals.StateQueryIterator(this, this.#opts.channelId, this.#opts.txId, response),
      metadata: { bookmark: nextKey, fetchedRecordsCount: records.length },
    };
  }
}
