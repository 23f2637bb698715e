import { ledger as ledgerProtos, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

import { shimInternals } from '../chaincode-runtime/shim-internals';
import type { Ledger, StateRecord } from './ledger';
import { toTxReadWriteSet, type KeyRead, type KeyWrite, type NamespaceRwSet, type RangeQuery, type Version } from './rwset';

/** Results per QueryResponse batch, as a peer sends them (core.yaml `totalQueryLimit` aside). */
export const QUERY_BATCH_SIZE = 100;

function refusePrivateData(collection: string): never {
  throw new Error(`private data is not supported by the embedded network (collection "${collection}")`);
}

/** Options for a {@link TxSimulator}. */
export interface TxSimulatorOptions {
  /** The chaincode namespace (the chaincode name). */
  readonly namespace: string;
  readonly channelId: string;
  readonly txId: string;
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
      this.#refusePrivate(collection);
      const entry = this.#ledger.getState(this.#opts.namespace, key);
      this.#recordRead(key, entry?.version ?? null);
      return entry ? Buffer.from(entry.value) : Buffer.alloc(0);
    });
  }

  /** fabric-shim: `stub.putState(key, value)`. */
  handlePutState(collection: string, key: string, value: Uint8Array): Promise<Buffer> {
    return this.#run(() => {
      this.#refusePrivate(collection);
      this.#checkWrite(key);
      this.#writes.set(key, { key, isDelete: false, value: Buffer.from(value) });
      return Buffer.alloc(0);
    });
  }

  /** fabric-shim: `stub.deleteState(key)`. */
  handleDeleteState(collection: string, key: string): Promise<Buffer> {
    return this.#run(() => {
      this.#refusePrivate(collection);
      this.#checkWrite(key);
      this.#writes.set(key, { key, isDelete: true, value: new Uint8Array() });
      return Buffer.alloc(0);
    });
  }

  /** fabric-shim: `stub.purgePrivateData(...)`: refused. */
  handlePurgeState(collection: string): Promise<never> {
    return this.#run(() => refusePrivateData(collection));
  }

  /** fabric-shim: `stub.getPrivateDataHash(...)`: refused. */
  handleGetPrivateDataHash(collection: string): Promise<never> {
    return this.#run(() => refusePrivateData(collection));
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
      this.#refusePrivate(collection);
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
      const cursor: RangeCursor = {
        id: this.#newIteratorId(),
        startKey: key,
        endKey: key,
        rawReads: [],
        after: undefined,
        exhausted: false,
        remaining: Number.POSITIVE_INFINITY,
        kind: 'buffered',
        pending: pending,
      };
      this.#iterators.set(cursor.id, cursor);
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
    const empty = ns.reads.length + ns.rangeQueries.length + ns.writes.length + ns.metadataWrites.length === 0;
    return toTxReadWriteSet(empty ? [] : [ns]);
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
    if (this.#paginatedQueryPerformed) {
      throw new Error('transaction has already performed a paginated query. Writes are not allowed');
    }
  }

  #recordRead(key: string, version: Version | null): void {
    if (!this.#reads.has(key)) this.#reads.set(key, version);
  }

  #newIteratorId(): string {
    return `${this.#opts.txId}-itr${String(this.#nextIteratorId++)}`;
  }

  #newRangeCursor(startKey: string, endKey: string, pageLimit: number): RangeCursor {
    const cursor: RangeCursor = {
      id: this.#newIteratorId(),
      startKey,
      endKey,
      rawReads: [],
      after: undefined,
      exhausted: false,
      remaining: pageLimit,
      kind: 'range',
    };
    this.#rangeQueries.push(cursor);
    this.#iterators.set(cursor.id, cursor);
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
      records.map((r) => {
        const kv = new ledgerProtos.queryresult.KV();
        kv.setNamespace(this.#opts.namespace);
        kv.setKey(r.key);
        kv.setValue(r.value);
        return kv.serializeBinary();
      }),
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
    const kvs = records.map((r) => {
      const kv = new ledgerProtos.queryresult.KV();
      kv.setNamespace(this.#opts.namespace);
      kv.setKey(r.key);
      kv.setValue(r.value);
      return kv.serializeBinary();
    });
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
