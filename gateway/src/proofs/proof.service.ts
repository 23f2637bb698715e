/**
 * Proof bundles (`acetrace-proof/1`, see verifier/README.md): what an auditor outside the channel
 * checks offline with `acetrace-verify`. Read rules are the chaincode's: the caller's own
 * GetProvenance / GetEvent runs first and its refusal is the answer; everything else comes from
 * the ledger's blocks (block source port), never from the gateway's records.
 *
 * Cost: one CommitStatus per transaction not yet cached, one GetBlockByNumber per block holding
 * an event, and one per block between the oldest and the newest of them for the header chain
 * (qscc has no header-only call). The head is the newest event block, which bounds the chain to
 * the span of the events; every block read is cached (cached-blocks.ts).
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { eventKey } from '@acetrace/chaincode';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BUNDLE_FORMAT, type BundleEvent, type ProofBundle, type Report } from '@acetrace/verify';
import type { Principal } from '../auth/principals';
import { AccessDeniedError, AppError, LedgerInternalError, NotFoundError } from '../errors';
import type { LedgerPort } from '../ports/ledger';
import type { ChannelConfiguration, KeyWrite, LedgerBlock } from '../ports/ledger-blocks';
import { type CachedLedgerBlocks, forEachLimited } from './cached-blocks';

/** Most blocks a bundle's header chain may span (oldest event block to head); about 100 bytes of JSON each. */
export const MAX_PROOF_BLOCK_SPAN = 20_000;
/** Ledger calls in flight for one bundle. */
const CONCURRENCY = 8;
const VALID = 0;

/** 422: the events span more blocks than one bundle may carry. */
export class ProofTooLargeError extends AppError {
  readonly code = 'PROOF_TOO_LARGE';
  readonly status = 422;
}

/** The fields of a chaincode event record the bundle needs (the rest passes through). */
interface ShownEvent {
  eventId: string;
  lotId: string;
  link: number;
  eventTimeUtc: string;
  txId: string;
  recordedBy: string;
}

function shownEvent(value: unknown, where: string): ShownEvent {
  const e = value as Partial<ShownEvent> | null;
  if (
    !e ||
    typeof e.eventId !== 'string' ||
    typeof e.lotId !== 'string' ||
    typeof e.link !== 'number' ||
    typeof e.eventTimeUtc !== 'string' ||
    typeof e.txId !== 'string' ||
    typeof e.recordedBy !== 'string'
  ) {
    throw new LedgerInternalError(`${where}: the chaincode answered an event without eventId, lotId, link, eventTimeUtc, txId or recordedBy`);
  }
  return e as ShownEvent;
}

/** A bundle and how long it took. */
export interface BuiltProof {
  bundle: ProofBundle;
  ms: number;
}

export class ProofService {
  readonly #ledger: LedgerPort;
  readonly #blocks: CachedLedgerBlocks;

  constructor(ledger: LedgerPort, blocks: CachedLedgerBlocks) {
    this.#ledger = ledger;
    this.#blocks = blocks;
  }

  /**
   * The bundle of every event of a lot's provenance (ancestor lots' events included, as shown).
   * @throws the provenance's own refusal (400/403/404); AccessDeniedError when the caller sees only the summary.
   */
  async forLot(principal: Principal, lotId: string): Promise<BuiltProof> {
    const started = performance.now();
    const prov = await this.#ledger.provenance(principal.identity, lotId);
    if (prov.detail !== 'full') {
      throw new AccessDeniedError(
        `role ${principal.role} of ${principal.mspId} sees only the provenance summary of lot ${lotId}, not its events; a proof needs auditor, or broker/compliance of the lot's owner or importer`,
      );
    }
    const links = Array.isArray(prov.links) ? (prov.links as Array<{ events?: unknown[] }>) : [];
    const seen = new Map<string, ShownEvent>();
    for (const link of links) {
      for (const ev of link.events ?? []) {
        const e = shownEvent(ev, `provenance of ${lotId}`);
        if (!seen.has(e.eventId)) seen.set(e.eventId, e);
      }
    }
    if (seen.size === 0) throw new NotFoundError(`lot ${lotId} has no recorded events: there is nothing to prove`);
    const bundle = await this.#build(principal.identity, { lotId }, [...seen.values()]);
    return { bundle, ms: Math.round((performance.now() - started) * 100) / 100 };
  }

  /**
   * The bundle of one event.
   * @throws the event read's own refusal (400/403/404).
   */
  async forEvent(principal: Principal, eventId: string): Promise<BuiltProof> {
    const started = performance.now();
    const ev = shownEvent(await this.#ledger.getEvent(principal.identity, eventId), `event ${eventId}`);
    const bundle = await this.#build(principal.identity, { eventId }, [ev]);
    return { bundle, ms: Math.round((performance.now() - started) * 100) / 100 };
  }

  /** The verifier's report on a bundle (the same verifyBundle `acetrace-verify` runs), computed in a worker thread. */
  verify(bundle: ProofBundle): Promise<Report> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(path.join(__dirname, 'verify-worker.js'), { workerData: bundle });
      let answered = false;
      worker.once('message', (report: Report) => {
        answered = true;
        resolve(report);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (!answered) reject(new Error(`the verifier worker exited with code ${String(code)} without a report`));
      });
    });
  }

  async #build(identity: string, subject: ProofBundle['subject'], events: ShownEvent[]): Promise<ProofBundle> {
    // where each transaction is: the ledger's block index (CommitStatus), cached
    const located = await this.#blocks.blockNumbers(identity, events.map((e) => e.txId), CONCURRENCY);
    const numbers = [...new Set(located.values())].sort((a, b) => a - b);
    const oldest = numbers[0] as number;
    const head = numbers[numbers.length - 1] as number;
    if (head - oldest + 1 > MAX_PROOF_BLOCK_SPAN) {
      throw new ProofTooLargeError(
        `the events lie in blocks ${String(oldest)} to ${String(head)}, more than the ${String(MAX_PROOF_BLOCK_SPAN)} blocks one proof bundle may span; ask for the proofs of single events`,
      );
    }
    const blocks = new Map<number, LedgerBlock>();
    await forEachLimited(numbers, CONCURRENCY, async (n) => {
      blocks.set(n, await this.#blocks.blockByNumber(identity, n));
    });
    const headers: ProofBundle['headers'] = new Array<ProofBundle['headers'][number]>(head - oldest + 1);
    const between = Array.from({ length: head - oldest + 1 }, (_, i) => oldest + i);
    await forEachLimited(between, CONCURRENCY, async (n) => {
      const h = blocks.get(n)?.header ?? (await this.#blocks.header(identity, n));
      headers[n - oldest] = { number: String(n), previousHash: hex(h.previousHash), dataHash: hex(h.dataHash) };
    });
    const headBlock = blocks.get(head) as LedgerBlock;
    const configuration = await this.#configuration(identity, headBlock);

    let channel = '';
    let chaincode = '';
    // one decode per transaction, however many of its events are shown (a RecordEvents holds up to 500)
    const decoded = new Map<string, { chaincode: string; byKey: Map<string, KeyWrite> } | undefined>();
    const writesOf = (block: LedgerBlock, index: number): { chaincode: string; byKey: Map<string, KeyWrite> } | undefined => {
      const id = `${String(block.number)}:${String(index)}`;
      if (!decoded.has(id)) {
        const action = block.chaincodeWrites(index);
        // last write of a key wins, as Fabric applies a write set
        decoded.set(id, action && { chaincode: action.chaincode, byKey: new Map(action.writes.map((w) => [w.key, w])) });
      }
      return decoded.get(id);
    };
    const bundleEvents: BundleEvent[] = events.map((e) => {
      const blockNumber = located.get(e.txId) as number;
      const block = blocks.get(blockNumber) as LedgerBlock;
      const candidates = block.transactions.filter((t) => t.txId === e.txId);
      const tx = candidates.find((t) => t.validationCode === VALID) ?? candidates[0];
      if (!tx) throw new LedgerInternalError(`transaction ${e.txId} of event ${e.eventId} is not in block ${String(blockNumber)}, where the ledger's index puts it`);
      const action = writesOf(block, tx.index);
      const { key, write } = eventWriteIn(action?.byKey, e);
      if (!action || !write || write.isDelete) {
        throw new LedgerInternalError(`transaction ${e.txId} in block ${String(blockNumber)} does not write event ${e.eventId}`);
      }
      channel ||= tx.channelId;
      chaincode ||= action.chaincode;
      const value = Buffer.from(write.value);
      const recorded = JSON.parse(value.toString('utf8')) as unknown;
      return {
        eventId: e.eventId,
        txId: e.txId,
        blockNumber: String(blockNumber),
        txIndex: tx.index,
        key,
        value: value.toString('base64'),
        valueSha256: createHash('sha256').update(value).digest('hex'),
        event: recorded,
        recordedBy: e.recordedBy,
      };
    });

    return {
      format: BUNDLE_FORMAT,
      channel,
      chaincode,
      generatedAt: new Date().toISOString(),
      subject,
      trustAnchors: configuration,
      blocks: numbers.map((n) => ({ number: String(n), block: Buffer.from((blocks.get(n) as LedgerBlock).bytes).toString('base64') })),
      headers,
      events: bundleEvents,
      head: { number: String(head) },
    };
  }

  /** Trust anchors and endorsement policy from the channel's last configuration block (named in the head block's metadata). */
  async #configuration(identity: string, head: LedgerBlock): Promise<ChannelConfiguration> {
    const at = head.lastConfigBlock;
    if (at === undefined) throw new LedgerInternalError(`block ${String(head.number)} names no last configuration block in its metadata`);
    const configuration = (await this.#blocks.blockByNumber(identity, at)).configuration();
    if (!configuration) throw new LedgerInternalError(`block ${String(at)}, named as the last configuration block, is not a configuration block`);
    return configuration;
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The ledger key of a shown event within a transaction's writes, and the write to it (if any). */
function eventWriteIn(byKey: Map<string, KeyWrite> | undefined, e: ShownEvent): { key: string; write: KeyWrite | undefined } {
  // events are keyed by their recorder since ids were scoped per organisation; older ones without it
  const scoped = eventKey(e.lotId, e.link, e.eventTimeUtc, e.eventId, e.recordedBy);
  const key = byKey?.has(scoped) === false ? eventKey(e.lotId, e.link, e.eventTimeUtc, e.eventId) : scoped;
  return { key, write: byKey?.get(key) };
}
