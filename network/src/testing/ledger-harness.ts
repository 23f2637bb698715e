import type { ledger as ledgerProtos } from '@hyperledger/fabric-protos';

import { ChaincodeRuntime, type ContractClass } from '../chaincode-runtime/chaincode-runtime';
import { Ledger } from '../ledger/ledger';
import { PrivateDataCipher } from '../ledger/private-data';
import { fromTxPvtReadWriteSet } from '../ledger/rwset';
import { TxValidationCodes, validationCodeName } from '../ledger/validation-code';
import { CertificateAuthority, type SigningIdentity } from '../msp/ca';
import { buildSignedProposal, decodeSignedProposal } from '../msp/proposal';
import { MspRegistry } from '../msp/registry';

/** Options for {@link LedgerHarness.create}. */
export interface LedgerHarnessOptions {
  /** Contract classes (default: `require('@acetrace/chaincode').contracts`, loaded at create). */
  readonly contracts?: readonly ContractClass[];
  readonly chaincodeName?: string;
  readonly channel?: string;
  /** Timestamp of the first proposal (default 2026-01-01T00:00:00Z). */
  readonly startTime?: Date;
  /** SQLite path (default `':memory:'`). */
  readonly db?: string;
  /** The channel's organisations, whose implicit collections exist (default Org1MSP, Org2MSP, Org3MSP). */
  readonly organisations?: readonly string[];
  /** The private store's cipher (default a random in-memory key). */
  readonly cipher?: PrivateDataCipher;
}

/** Per-proposal options of {@link LedgerHarness.simulateWith}. */
export interface HarnessProposalOptions {
  /** The transient map (strings as UTF-8); reaches the chaincode, never the transaction. */
  readonly transient?: Readonly<Record<string, string | Uint8Array>>;
  /** The organisation whose peer runs the proposal (its private store is read); default the creator's. */
  readonly peer?: string;
}

/** A harness identity: a real certificate and key issued by its organisation's CA. */
export interface HarnessIdentity extends SigningIdentity {
  readonly role: string;
  readonly name: string;
}

/** A simulated (endorsed, not yet committed) transaction. */
export interface SimulatedTx {
  readonly txId: string;
  readonly fn: string;
  readonly status: number;
  readonly message: string;
  readonly payload: Buffer;
  /** The payload parsed as JSON, the raw string if it is not JSON, `undefined` if empty. */
  readonly result: unknown;
  readonly event?: { readonly eventName: string; readonly payload: Buffer };
  readonly rwset: ledgerProtos.rwset.TxReadWriteSet;
  /** The private writes in clear, disseminated to the collections' members at commit. */
  readonly privateData?: ledgerProtos.rwset.TxPvtReadWriteSet;
  /** The organisation whose peer simulated it. */
  readonly peerMspId: string;
  readonly creatorMspId: string;
  readonly timestamp: Date;
}

/** A committed chaincode event. */
export interface HarnessEvent {
  readonly blockNumber: number;
  readonly txId: string;
  readonly chaincodeName: string;
  readonly eventName: string;
  readonly payload: Buffer;
}

/** The chaincode answered with status ≥ 400 (a peer would refuse to endorse). */
export class HarnessEndorseError extends Error {
  readonly status: number;
  readonly transactionId: string;

  constructor(tx: SimulatedTx) {
    super(tx.message);
    this.name = 'HarnessEndorseError';
    this.status = tx.status;
    this.transactionId = tx.txId;
  }
}

/** The transaction was committed invalid (e.g. `MVCC_READ_CONFLICT`). */
export class HarnessCommitError extends Error {
  /** The validation code name, e.g. `'MVCC_READ_CONFLICT'`. */
  readonly code: string;
  readonly transactionId: string;

  constructor(txId: string, code: number) {
    const name = validationCodeName(code);
    super(`Transaction ${txId} failed to commit with status code ${String(code)} (${name})`);
    this.name = 'HarnessCommitError';
    this.code = name;
    this.transactionId = txId;
  }
}

/** The deterministic proposal clock: each proposal takes the current time, then it advances by `stepMs`. */
export class HarnessClock {
  #next: number;
  /** Milliseconds added after each proposal (default 1000). */
  stepMs = 1000;

  constructor(start: Date) {
    this.#next = start.getTime();
  }

  /** The timestamp the next proposal will get. */
  now(): Date {
    return new Date(this.#next);
  }

  /** Sets the next proposal's timestamp. */
  set(date: Date): void {
    this.#next = date.getTime();
  }

  /** Moves the next proposal's timestamp forward by `ms`. */
  advance(ms: number): void {
    this.#next += ms;
  }

  /** Takes the next timestamp. */
  tick(): Date {
    const now = new Date(this.#next);
    this.#next += this.stepMs;
    return now;
  }
}

function parsePayload(payload: Buffer): unknown {
  if (payload.length === 0) return undefined;
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function loadDefaultContracts(): readonly ContractClass[] {
  // Loaded lazily so the network package compiles and runs without the chaincode built.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const chaincode = require('@acetrace/chaincode') as { contracts?: readonly ContractClass[] };
  if (!chaincode.contracts) throw new Error('@acetrace/chaincode exports no contracts');
  return chaincode.contracts;
}

/**
 * An in-process Fabric channel for chaincode tests: the unmodified contracts run through
 * fabric-shim with real signed proposals, simulated against a real {@link Ledger} and committed
 * with Fabric's MVCC rules, one block per `submit`.
 *
 * @example
 * ```ts
 * const h = await LedgerHarness.create();
 * const alice = await h.identity({ mspId: 'Org1MSP', role: 'supplier' });
 * const out = await h.submit(alice, 'RegisterLot', JSON.stringify(lot));
 * await h.close();
 * ```
 */
export class LedgerHarness {
  readonly ledger: Ledger;
  readonly clock: HarnessClock;
  readonly chaincodeName: string;
  readonly channel: string;
  readonly organisations: readonly string[];
  /** Committed chaincode events, in commit order. */
  readonly events: HarnessEvent[] = [];
  readonly registry = new MspRegistry();
  readonly #runtime: ChaincodeRuntime;
  readonly #cas = new Map<string, Promise<CertificateAuthority>>();
  readonly #identityCount = new Map<string, number>();

  private constructor(options: Required<Omit<LedgerHarnessOptions, 'cipher'>> & { readonly cipher?: PrivateDataCipher }) {
    this.chaincodeName = options.chaincodeName;
    this.channel = options.channel;
    this.organisations = options.organisations;
    this.clock = new HarnessClock(options.startTime);
    this.ledger = Ledger.open(options.db, options.cipher ? { cipher: options.cipher } : {});
    this.#runtime = new ChaincodeRuntime({ contracts: options.contracts, chaincodeName: options.chaincodeName, peerMspId: 'Org1MSP' });
    if (this.ledger.height === 0) this.ledger.validateAndCommit({ number: 0, transactions: [] }); // genesis
  }

  /**
   * Creates a harness with a fresh (or reopened) ledger; block 0 is an empty genesis block.
   * @throws Error when no contracts are given and `@acetrace/chaincode` cannot be loaded
   */
  static create(options: LedgerHarnessOptions = {}): Promise<LedgerHarness> {
    return Promise.resolve(
      new LedgerHarness({
        contracts: options.contracts ?? loadDefaultContracts(),
        chaincodeName: options.chaincodeName ?? 'acetrace',
        channel: options.channel ?? 'acetrace',
        startTime: options.startTime ?? new Date('2026-01-01T00:00:00Z'),
        db: options.db ?? ':memory:',
        organisations: options.organisations ?? ['Org1MSP', 'Org2MSP', 'Org3MSP'],
        ...(options.cipher ? { cipher: options.cipher } : {}),
      }),
    );
  }

  /** The CA of an organisation (created on first use). */
  ca(mspId: string): Promise<CertificateAuthority> {
    let ca = this.#cas.get(mspId);
    if (!ca) {
      ca = CertificateAuthority.create(mspId).then((created) => {
        this.registry.add(mspId, created.certPem);
        return created;
      });
      this.#cas.set(mspId, ca);
    }
    return ca;
  }

  /**
   * Issues a client identity with the `acetrace.role` attribute.
   * @param options - `name` defaults to `<role><n>`
   */
  async identity(options: { readonly mspId: string; readonly role: string; readonly name?: string }): Promise<HarnessIdentity> {
    const ca = await this.ca(options.mspId);
    const countKey = `${options.mspId}/${options.role}`;
    const n = (this.#identityCount.get(countKey) ?? 0) + 1;
    this.#identityCount.set(countKey, n);
    const name = options.name ?? `${options.role}${String(n)}`;
    const issued = await ca.issue({ enrollmentId: name, role: options.role, ou: 'client' });
    return { mspId: issued.mspId, certPem: issued.certPem, keyPem: issued.keyPem, role: options.role, name };
  }

  /**
   * Endorses a transaction: builds and signs a real proposal (next clock timestamp), verifies it
   * and runs the chaincode against committed state. Nothing is committed.
   * @param args - strings are passed as is, anything else as JSON
   */
  simulate(id: SigningIdentity, fn: string, ...args: unknown[]): Promise<SimulatedTx> {
    return this.simulateWith(id, fn, args, {});
  }

  /**
   * {@link simulate} with a transient map and a choice of the simulating organisation's peer.
   * @param args - strings are passed as is, anything else as JSON
   */
  async simulateWith(id: SigningIdentity, fn: string, args: readonly unknown[], options: HarnessProposalOptions): Promise<SimulatedTx> {
    const timestamp = this.clock.tick();
    const transient = Object.entries(options.transient ?? {}).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v) : v] as const);
    const built = buildSignedProposal({
      signer: id,
      channelId: this.channel,
      chaincodeName: this.chaincodeName,
      transactionName: fn,
      args: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))),
      ...(transient.length > 0 ? { transientMap: Object.fromEntries(transient) } : {}),
      timestamp,
    });
    await this.ca(id.mspId);
    const decoded = decodeSignedProposal(built.signedProposal);
    this.registry.verify(decoded.creator, decoded.proposalBytes, decoded.signature);
    const peerMspId = options.peer ?? id.mspId;
    const out = await this.#runtime.invoke(this.ledger, built.signedProposal, { peerMspId, channelOrgs: this.organisations });
    const payload = Buffer.from(out.response.payload);
    return {
      txId: out.txId,
      fn,
      status: out.response.status,
      message: out.response.message,
      payload,
      result: parsePayload(payload),
      ...(out.event ? { event: { eventName: out.event.eventName, payload: Buffer.from(out.event.payload) } } : {}),
      rwset: out.rwset,
      ...(out.privateData ? { privateData: out.privateData } : {}),
      peerMspId,
      creatorMspId: id.mspId,
      timestamp,
    };
  }

  /**
   * Simulates without committing (a query).
   * @returns the parsed result
   * @throws HarnessEndorseError when the chaincode answers with status ≥ 400
   */
  evaluate(id: SigningIdentity, fn: string, ...args: unknown[]): Promise<unknown> {
    return this.evaluateWith(id, fn, args, {});
  }

  /** {@link evaluate} with a transient map and a choice of peer. */
  async evaluateWith(id: SigningIdentity, fn: string, args: readonly unknown[], options: HarnessProposalOptions): Promise<unknown> {
    const tx = await this.simulateWith(id, fn, args, options);
    if (tx.status >= 400) throw new HarnessEndorseError(tx);
    return tx.result;
  }

  /**
   * Simulates and commits in a block of its own.
   * @returns the parsed result
   * @throws HarnessEndorseError when the chaincode answers with status ≥ 400
   * @throws HarnessCommitError when the transaction is committed invalid
   */
  submit(id: SigningIdentity, fn: string, ...args: unknown[]): Promise<unknown> {
    return this.submitWith(id, fn, args, {});
  }

  /** {@link submit} with a transient map and a choice of peer (endorsement policies are not checked here). */
  async submitWith(id: SigningIdentity, fn: string, args: readonly unknown[], options: HarnessProposalOptions): Promise<unknown> {
    const tx = await this.simulateWith(id, fn, args, options);
    if (tx.status >= 400) throw new HarnessEndorseError(tx);
    const [code] = this.#commit([tx]);
    if (code !== TxValidationCodes.VALID) throw new HarnessCommitError(tx.txId, code ?? -1);
    return tx.result;
  }

  /**
   * Commits simulated transactions together in one block, in the given order.
   * @returns the validation code names, e.g. `['VALID', 'MVCC_READ_CONFLICT']`
   * @throws HarnessEndorseError when one of them was not endorsable (status ≥ 400)
   */
  commit(txs: readonly SimulatedTx[]): Promise<string[]> {
    try {
      for (const tx of txs) if (tx.status >= 400) throw new HarnessEndorseError(tx);
      return Promise.resolve(this.#commit(txs).map(validationCodeName));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Closes the ledger. */
  close(): Promise<void> {
    this.ledger.close();
    return Promise.resolve();
  }

  #commit(txs: readonly SimulatedTx[]): number[] {
    const blockNumber = this.ledger.height;
    const codes = this.ledger.validateAndCommit({
      number: blockNumber,
      transactions: txs.map((tx) => {
        const ms = tx.timestamp.getTime();
        return {
          txId: tx.txId,
          timestampSeconds: Math.floor(ms / 1000),
          timestampNanos: (ms % 1000) * 1_000_000,
          creatorMspId: tx.creatorMspId,
          rwset: tx.rwset,
          ...(tx.privateData ? { privateData: fromTxPvtReadWriteSet(tx.privateData) } : {}),
        };
      }),
    });
    txs.forEach((tx, i) => {
      if (codes[i] === TxValidationCodes.VALID && tx.event) {
        this.events.push({
          blockNumber,
          txId: tx.txId,
          chaincodeName: this.chaincodeName,
          eventName: tx.event.eventName,
          payload: tx.event.payload,
        });
      }
    });
    return codes;
  }
}
