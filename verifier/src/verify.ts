/**
 * verifyBundle: the seven checks of proofs.md over an acetrace-proof/1 bundle, offline.
 * Every check fails closed: bytes that do not decode fail the checks that need them.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { parseBundle, type BundleEvent, type BundleHeader, type EndorsementPolicy, type ProofBundle } from './bundle';
import {
  blockDataHash, blockHeaderHash, blockSignatures, decodeBlock, decodeTransaction, proposalHash,
  TRANSACTIONS_FILTER_INDEX, validationCodeName, type DecodedBlock, type DecodedTransaction,
} from './fabric';
import { fingerprint, TrustStore } from './identity';
import { CHECKS, type CheckName, type CheckResult, type EventReport, type Failure, type Report } from './report';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const short = (id: string): string => (id.length > 16 ? `${id.slice(0, 16)}…` : id);

/** Where consecutive headers break the chain: a gap in numbers, or a previous_hash that is not the hash of the header before. */
function headerChainProblem(headers: readonly BundleHeader[]): string | undefined {
  let previous: BundleHeader | undefined;
  for (const h of headers) {
    const problem = previous ? headerLinkProblem(previous, h) : undefined;
    if (problem) return problem;
    previous = h;
  }
  return undefined;
}

function headerLinkProblem(previous: BundleHeader, h: BundleHeader): string | undefined {
  if (BigInt(h.number) !== BigInt(previous.number) + 1n) {
    return `header ${h.number} follows header ${previous.number}; headers must be consecutive`;
  }
  const expected = hex(blockHeaderHash({
    number: BigInt(previous.number),
    previousHash: Buffer.from(previous.previousHash, 'hex'),
    dataHash: Buffer.from(previous.dataHash, 'hex'),
  }));
  if (h.previousHash !== expected) {
    return `header ${h.number}'s previous hash ${short(h.previousHash)} is not the hash ${short(expected)} of header ${previous.number}`;
  }
  return undefined;
}

/** The value written must be JSON equal to the event shown, of that event and (when it names one) that transaction. */
function writtenRecordProblem(value: Buffer, e: BundleEvent, txId: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return 'the value written is not JSON';
  }
  if (!sameJson(parsed, e.event)) return 'the event shown differs from the value written';
  const record = parsed as { eventId?: unknown; txId?: unknown };
  if (record.eventId !== e.eventId) return `the value written is event ${JSON.stringify(record.eventId)}, not ${e.eventId}`;
  if (record.txId !== undefined && record.txId !== txId) return `the value written names transaction ${JSON.stringify(record.txId)}`;
  return undefined;
}

/** How many of `total` organisations the rule requires (Fabric ImplicitMetaPolicy: MAJORITY = n/2 + 1). */
export function requiredEndorsers(policy: EndorsementPolicy): number {
  const total = new Set(policy.organisations).size;
  const { rule } = policy;
  if (rule === 'ANY') return Math.min(1, total);
  if (rule === 'ALL') return total;
  if (rule === 'MAJORITY') return Math.floor(total / 2) + 1;
  return rule.outOf;
}

function describePolicy(policy: EndorsementPolicy): string {
  const rule = typeof policy.rule === 'string' ? policy.rule : `${String(policy.rule.outOf)} out`;
  const source = policy.source ? ` (${policy.source})` : '';
  return `${rule} of ${policy.organisations.join(', ')}: ${String(requiredEndorsers(policy))} organisation(s) must endorse${source}`;
}

type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

function attempt<T>(fn: () => T): Decoded<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Canonical form for comparing the event shown with the value written (key order does not matter). */
function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

class Verification {
  private readonly trust: TrustStore;
  private readonly blocks = new Map<string, Decoded<DecodedBlock>>();
  private readonly transactions = new Map<string, Decoded<DecodedTransaction>>();
  /** Computed data hash per block number (a lot's events share blocks). */
  private readonly dataHashes = new Map<string, Buffer>();
  /** Block number → hex of the header hash in the verified chain; set only when the chain holds. */
  private readonly chain = new Map<string, { previousHash: string; dataHash: string }>();
  private chainResult!: CheckResult;
  private ordererResult!: CheckResult;

  constructor(private readonly bundle: ProofBundle) {
    this.trust = new TrustStore(bundle.trustAnchors.organisations);
    for (const b of bundle.blocks) {
      if (this.blocks.has(b.number)) {
        this.blocks.set(b.number, { ok: false, error: `block ${b.number} appears twice in the bundle` });
        continue;
      }
      const decoded = attempt(() => decodeBlock(Buffer.from(b.block, 'base64')));
      if (decoded.ok && decoded.value.header.number.toString() !== b.number) {
        this.blocks.set(b.number, { ok: false, error: `the bytes given as block ${b.number} are block ${String(decoded.value.header.number)}` });
      } else {
        this.blocks.set(b.number, decoded.ok ? decoded : { ok: false, error: `block ${b.number} does not decode: ${decoded.error}` });
      }
    }
  }

  run(): Report {
    const { bundle } = this;
    this.chainResult = this.checkHeaderChain();
    this.ordererResult = this.checkOrdererSignature();
    const failures: Failure[] = [];
    for (const c of [this.chainResult, this.ordererResult]) if (!c.ok) failures.push({ check: c.check, detail: c.detail });
    failures.push(...this.checkSubject());
    const events = bundle.events.map((e) => this.checkEvent(e));
    for (const e of events) {
      for (const c of e.checks) {
        // A bundle-wide failure is listed once, not again for every event.
        const alreadyListed = failures.some((f) => f.eventId === undefined && f.check === c.check && f.detail === c.detail);
        if (!c.ok && !alreadyListed) failures.push({ check: c.check, eventId: e.eventId, txId: e.txId, detail: c.detail });
      }
    }
    return {
      format: bundle.format,
      ok: failures.length === 0,
      channel: bundle.channel,
      chaincode: bundle.chaincode,
      subject: bundle.subject,
      headBlock: bundle.head.number,
      generatedAt: bundle.generatedAt,
      trustAnchors: bundle.trustAnchors.organisations.map((o) => ({
        mspId: o.mspId,
        type: o.type,
        rootFingerprints: o.rootCerts.map(fingerprint),
      })),
      endorsementPolicy: describePolicy(bundle.trustAnchors.endorsementPolicy),
      ledger: [this.chainResult, this.ordererResult],
      events,
      failures,
    };
  }

  /** The bundle is about something: events exist, are distinct, and cover the subject event. */
  private checkSubject(): Failure[] {
    const { events, subject } = this.bundle;
    const out: Failure[] = [];
    if (events.length === 0) out.push({ check: 'bundle', detail: 'the bundle holds no events' });
    const ids = new Set<string>();
    for (const e of events) {
      if (ids.has(e.eventId)) out.push({ check: 'bundle', eventId: e.eventId, detail: 'the event appears twice' });
      ids.add(e.eventId);
    }
    if (subject.eventId !== undefined && !ids.has(subject.eventId)) {
      out.push({ check: 'bundle', eventId: subject.eventId, detail: 'the subject event is not among the events' });
    }
    return out;
  }

  /** Check 2: consecutive headers, each previous_hash the DER header hash of the one before, ending at the head. */
  private checkHeaderChain(): CheckResult {
    const fail = (detail: string): CheckResult => ({ check: 'header-chain', ok: false, detail });
    const { headers, head } = this.bundle;
    const first = headers[0];
    const last = headers[headers.length - 1];
    if (!first || !last) return fail('the bundle has no headers');
    const broken = headerChainProblem(headers);
    if (broken) return fail(broken);
    if (last.number !== head.number) return fail(`the headers end at ${last.number}, not at the head block ${head.number}`);
    for (const h of headers) this.chain.set(h.number, { previousHash: h.previousHash, dataHash: h.dataHash });
    const mismatch = this.blockHeadersProblem(first.number, last.number) ?? this.headBlockProblem();
    if (mismatch) {
      this.chain.clear();
      return fail(mismatch);
    }
    return {
      check: 'header-chain',
      ok: true,
      detail: `headers ${first.number}..${last.number} chain by hash to the head block ${head.number}`,
    };
  }

  /** A decoded block outside the chain of headers, or whose own header differs from the chain's. */
  private blockHeadersProblem(first: string, last: string): string | undefined {
    for (const [number, decoded] of this.blocks) {
      const entry = this.chain.get(number);
      if (!decoded.ok) continue;
      if (!entry) return `block ${number} is outside the headers ${first}..${last}`;
      const { header } = decoded.value;
      if (hex(header.previousHash) !== entry.previousHash || hex(header.dataHash) !== entry.dataHash) {
        return `block ${number}'s own header differs from header ${number} of the chain`;
      }
    }
    return undefined;
  }

  /** The head block must be in the bundle and decode. */
  private headBlockProblem(): string | undefined {
    const { head } = this.bundle;
    return this.blocks.get(head.number)?.ok ? undefined : `the head block ${head.number} is not in the bundle or does not decode`;
  }

  /** Check 3: the head block's SIGNATURES metadata holds a valid signature of an orderer organisation. */
  private checkOrdererSignature(): CheckResult {
    const fail = (detail: string): CheckResult => ({ check: 'orderer-signature', ok: false, detail });
    const headNumber = this.bundle.head.number;
    const head = this.blocks.get(headNumber);
    if (!head) return fail(`the head block ${headNumber} is not in the bundle`);
    if (!head.ok) return fail(head.error);
    const signatures = attempt(() => blockSignatures(head.value));
    if (!signatures.ok) return fail(`head block ${headNumber}: ${signatures.error}`);
    if (signatures.value.length === 0) return fail(`head block ${headNumber} carries no orderer signature`);
    const problems: string[] = [];
    for (const s of signatures.value) {
      const { mspId, certPem } = s.signer;
      if (this.trust.typeOf(mspId) !== 'orderer') {
        problems.push(`${mspId} is not an orderer organisation of the bundle`);
        continue;
      }
      const member = this.trust.member(mspId, certPem, undefined);
      if (member.problem) {
        problems.push(`signer is not a member of ${mspId}: ${member.problem}`);
        continue;
      }
      const bad = this.trust.signatureProblem(certPem, s.signedBytes, s.signature);
      if (bad) {
        problems.push(`${mspId} (${String(member.subject)}): ${bad}`);
        continue;
      }
      return { check: 'orderer-signature', ok: true, detail: `head block ${headNumber} is signed by ${mspId} (${String(member.subject)})` };
    }
    return fail(`head block ${headNumber}: ${problems.join('; ')}`);
  }

  private transaction(e: BundleEvent): Decoded<DecodedTransaction> {
    const key = `${e.blockNumber}#${String(e.txIndex)}`;
    let tx = this.transactions.get(key);
    if (!tx) {
      const block = this.blocks.get(e.blockNumber);
      if (!block) tx = { ok: false, error: `block ${e.blockNumber} is not in the bundle` };
      else if (!block.ok) tx = block;
      else {
        const envelope = block.value.data[e.txIndex];
        if (!envelope) tx = { ok: false, error: `block ${e.blockNumber} has no transaction #${String(e.txIndex)}` };
        else {
          const decoded = attempt(() => decodeTransaction(envelope));
          tx = decoded.ok ? decoded : { ok: false, error: `transaction ${e.blockNumber}#${String(e.txIndex)} does not decode: ${decoded.error}` };
        }
      }
      this.transactions.set(key, tx);
    }
    return tx;
  }

  private checkEvent(e: BundleEvent): EventReport {
    const tx = this.transaction(e);
    const block = this.blocks.get(e.blockNumber);
    const results: Record<CheckName, CheckResult> = {
      'envelope-in-block': this.envelopeInBlock(e, block, tx),
      'header-chain': this.eventInChain(e),
      'orderer-signature': this.ordererResult,
      'validation-code': this.validationCode(e, block, tx),
      endorsements: tx.ok ? this.endorsements(tx.value) : { check: 'endorsements', ok: false, detail: tx.error },
      'write-set': tx.ok ? this.writeSet(e, tx.value) : { check: 'write-set', ok: false, detail: tx.error },
      creator: tx.ok ? this.creator(e, tx.value) : { check: 'creator', ok: false, detail: tx.error },
    };
    const checks = CHECKS.map((c) => results[c]);
    return { eventId: e.eventId, txId: e.txId, blockNumber: e.blockNumber, txIndex: e.txIndex, ok: checks.every((c) => c.ok), checks };
  }

  /** Check 1: the block's data hash covers its envelopes, and the envelope at txIndex is this transaction. */
  private envelopeInBlock(e: BundleEvent, block: Decoded<DecodedBlock> | undefined, tx: Decoded<DecodedTransaction>): CheckResult {
    const fail = (detail: string): CheckResult => ({ check: 'envelope-in-block', ok: false, detail });
    if (!block) return fail(`block ${e.blockNumber} is not in the bundle`);
    if (!block.ok) return fail(block.error);
    let computed = this.dataHashes.get(e.blockNumber);
    if (!computed) {
      computed = blockDataHash(block.value.data);
      this.dataHashes.set(e.blockNumber, computed);
    }
    if (!computed.equals(block.value.header.dataHash)) {
      return fail(`block ${e.blockNumber}'s data hashes to ${short(hex(computed))}, its header says ${short(hex(block.value.header.dataHash))}`);
    }
    if (!tx.ok) return fail(tx.error);
    if (tx.value.txId !== e.txId) return fail(`transaction #${String(e.txIndex)} of block ${e.blockNumber} is ${tx.value.txId}, not ${e.txId}`);
    if (tx.value.channelId !== this.bundle.channel) {
      return fail(`the transaction is on channel ${tx.value.channelId}, not ${this.bundle.channel}`);
    }
    return { check: 'envelope-in-block', ok: true, detail: `transaction #${String(e.txIndex)} of block ${e.blockNumber}, covered by its data hash` };
  }

  private eventInChain(e: BundleEvent): CheckResult {
    if (!this.chainResult.ok) return this.chainResult;
    if (!this.chain.has(e.blockNumber) || !this.blocks.get(e.blockNumber)?.ok) {
      return { check: 'header-chain', ok: false, detail: `block ${e.blockNumber} is not in the verified header chain` };
    }
    return { check: 'header-chain', ok: true, detail: `block ${e.blockNumber} chains to head block ${this.bundle.head.number}` };
  }

  /** Check 4: TRANSACTIONS_FILTER (metadata slot 2) marks the transaction VALID. */
  private validationCode(e: BundleEvent, block: Decoded<DecodedBlock> | undefined, tx: Decoded<DecodedTransaction>): CheckResult {
    const fail = (detail: string): CheckResult => ({ check: 'validation-code', ok: false, detail });
    if (!block) return fail(`block ${e.blockNumber} is not in the bundle`);
    if (!block.ok) return fail(block.error);
    const filter = block.value.metadata[TRANSACTIONS_FILTER_INDEX] ?? new Uint8Array(0);
    if (filter.length !== block.value.data.length) {
      return fail(`block ${e.blockNumber}'s transactions filter has ${String(filter.length)} codes for ${String(block.value.data.length)} transactions`);
    }
    const code = filter[e.txIndex];
    if (code === undefined) return fail(`block ${e.blockNumber} has no validation code for transaction #${String(e.txIndex)}`);
    if (code !== 0) return fail(`transaction #${String(e.txIndex)} of block ${e.blockNumber} is marked ${validationCodeName(code)} (${String(code)}), not VALID`);
    if (!tx.ok) return fail(tx.error);
    return { check: 'validation-code', ok: true, detail: 'VALID (0) in the block\'s transactions filter' };
  }

  /**
   * Check 5: the endorsed response is this transaction's (proposal hash), every endorsement
   * verifies and comes from a member of its organisation, and those organisations satisfy the policy.
   */
  private endorsements(tx: DecodedTransaction): CheckResult {
    const fail = (detail: string): CheckResult => ({ check: 'endorsements', ok: false, detail });
    if (tx.chaincodeName !== this.bundle.chaincode) return fail(`the transaction invoked ${tx.chaincodeName}, not ${this.bundle.chaincode}`);
    const expected = proposalHash(tx.channelHeader, tx.actionSignatureHeader, tx.chaincodeProposalPayload);
    if (!expected.equals(tx.proposalHash)) return fail('the endorsed proposal hash is not the hash of this transaction\'s proposal');
    if (tx.endorsements.length === 0) return fail('the transaction carries no endorsement');
    const policy = this.bundle.trustAnchors.endorsementPolicy;
    const endorsed = new Set<string>();
    for (const { endorser, signature } of tx.endorsements) {
      if (this.trust.typeOf(endorser.mspId) !== 'application') {
        return fail(`endorser ${endorser.mspId} is not an application organisation of the bundle`);
      }
      const member = this.trust.member(endorser.mspId, endorser.certPem, tx.timestamp);
      if (member.problem) return fail(`endorser of ${endorser.mspId}: ${member.problem}`);
      const bad = this.trust.signatureProblem(endorser.certPem, Buffer.concat([tx.proposalResponsePayload, endorser.bytes]), signature);
      if (bad) return fail(`endorsement by ${endorser.mspId} (${String(member.subject)}): ${bad}`);
      endorsed.add(endorser.mspId);
    }
    const counted = [...new Set(policy.organisations)].filter((m) => endorsed.has(m));
    const required = requiredEndorsers(policy);
    if (required < 1 || counted.length < required) {
      return fail(`endorsed by ${[...endorsed].join(', ')}; the policy (${describePolicy(policy)}) counts ${String(counted.length)}`);
    }
    return { check: 'endorsements', ok: true, detail: `endorsed by ${counted.join(', ')}; ${String(counted.length)} of ${String(required)} required` };
  }

  /** Check 6: the transaction wrote exactly these value bytes under this key, and the event shown is that value. */
  private writeSet(e: BundleEvent, tx: DecodedTransaction): CheckResult {
    const fail = (detail: string): CheckResult => ({ check: 'write-set', ok: false, detail });
    const value = Buffer.from(e.value, 'base64');
    const digest = createHash('sha256').update(value).digest('hex');
    if (digest !== e.valueSha256) return fail(`the value's SHA-256 is ${short(digest)}, the bundle says ${short(e.valueSha256)}`);
    const writes = tx.writes.get(this.bundle.chaincode) ?? [];
    const written = writes.filter((w) => w.key === e.key);
    const last = written[written.length - 1];
    if (!last) return fail(`the transaction's ${this.bundle.chaincode} write set has no key ${JSON.stringify(e.key)}`);
    if (last.isDelete) return fail('the transaction deleted the key');
    if (!value.equals(last.value)) {
      const w = createHash('sha256').update(last.value).digest('hex');
      return fail(`the value differs from the one written (SHA-256 ${short(w)} written, ${short(digest)} in the bundle)`);
    }
    const problem = writtenRecordProblem(value, e, tx.txId);
    if (problem) return fail(problem);
    return { check: 'write-set', ok: true, detail: `written under the event's key, SHA-256 ${short(digest)}` };
  }

  /** Check 7: the creator is a member of the recording organisation and signed the transaction. */
  private creator(e: BundleEvent, tx: DecodedTransaction): CheckResult {
    const fail = (detail: string): CheckResult => ({ check: 'creator', ok: false, detail });
    const { creator } = tx;
    const named = (e.event as { recordedBy?: unknown } | null)?.recordedBy;
    if (named !== undefined && named !== e.recordedBy) return fail(`the event names ${JSON.stringify(named)} as recorder, the bundle ${e.recordedBy}`);
    if (creator.mspId !== e.recordedBy) return fail(`the transaction was created by ${creator.mspId}, not by ${e.recordedBy}`);
    if (this.trust.typeOf(creator.mspId) !== 'application') return fail(`${creator.mspId} is not an application organisation of the bundle`);
    if (!Buffer.from(tx.actionCreator).equals(Buffer.from(creator.bytes))) {
      return fail('the action\'s signature header names another creator than the transaction header');
    }
    const member = this.trust.member(creator.mspId, creator.certPem, tx.timestamp);
    if (member.problem) return fail(`creator: ${member.problem}`);
    const bad = this.trust.signatureProblem(creator.certPem, tx.payload, tx.envelopeSignature);
    if (bad) return fail(`the creator's transaction signature: ${bad}`);
    return { check: 'creator', ok: true, detail: `created and signed by ${creator.mspId} (${String(member.subject)})` };
  }
}

/**
 * Verifies an acetrace-proof/1 bundle (parsed JSON) offline and returns the report.
 * Throws BundleFormatError when the input is not such a bundle; check failures are in the report.
 */
export function verifyBundle(bundle: unknown): Report {
  return new Verification(parseBundle(bundle)).run();
}
