import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { CommitStatusError, EndorseError, StatusCode, type ConnectOptions, type Gateway } from '@hyperledger/fabric-gateway';
// SubmitError is exported as a type only by the published 1.11 package: construct it from its module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SubmitError } = require('@hyperledger/fabric-gateway/dist/submiterror') as {
  SubmitError: new (p: { code: number; details: unknown[]; cause: grpc.ServiceError; transactionId: string; message?: string }) => Error;
};
import pino from 'pino';
import { expect } from '../../chai.test';
import { LedgerCommitError, LedgerConflictError, LedgerUnavailableError } from '../../errors';
import type { LedgerPort } from '../../ports/ledger';
import { createFabricLedger } from './fabric-ledger';
import { type CommitStatusLike, type RetryPolicy, type SubmitContract, submitTransaction } from './retry';

const policy: RetryPolicy = { maxAttempts: 6, maxElapsedMs: 5_000, baseDelayMs: 1, maxDelayMs: 2 };
const encoder = new TextEncoder();

function serviceError(code: grpc.status): grpc.ServiceError {
  return Object.assign(new Error(`${String(code)} ${grpc.status[code]}`), { code, details: grpc.status[code], metadata: new grpc.Metadata() });
}

type Step = 'endorse' | 'submit' | 'status';

/**
 * A stub of fabric-gateway's Contract (the client boundary): proposals with fresh transaction ids, and
 * for each step a script of failures to raise before it succeeds. Records every call with its tx id.
 */
class StubContract implements SubmitContract {
  readonly calls: Array<{ step: Step | 'newProposal'; txId: string }> = [];
  readonly failures: Record<Step, Array<(txId: string) => Error>> = { endorse: [], submit: [], status: [] };
  /** Commit statuses to report before VALID (e.g. MVCC_READ_CONFLICT). */
  readonly invalidStatuses: number[] = [];
  #next = 0;

  constructor(readonly result: (txId: string) => unknown) {}

  newProposal(): ReturnType<SubmitContract['newProposal']> {
    const txId = `tx-${String(++this.#next)}`;
    this.calls.push({ step: 'newProposal', txId });
    const step = (name: Step): void => {
      this.calls.push({ step: name, txId });
      const fail = this.failures[name].shift();
      if (fail) throw fail(txId);
    };
    const bytes = encoder.encode(JSON.stringify(this.result(txId)));
    return {
      getTransactionId: () => txId,
      endorse: () => {
        step('endorse');
        return Promise.resolve({
          submit: () => {
            step('submit');
            return Promise.resolve({
              getResult: () => bytes,
              getStatus: (): Promise<CommitStatusLike> => {
                step('status');
                const code = this.invalidStatuses.shift() ?? StatusCode.VALID;
                return Promise.resolve({ successful: code === StatusCode.VALID, code, blockNumber: 42n });
              },
            });
          },
        });
      },
    };
  }

  /** The tx ids each step was called with. */
  txIds(step: Step | 'newProposal'): string[] {
    return this.calls.filter((c) => c.step === step).map((c) => c.txId);
  }
}

const endorseUnavailable = (txId: string): Error =>
  new EndorseError({ code: grpc.status.UNAVAILABLE, cause: serviceError(grpc.status.UNAVAILABLE), transactionId: txId, details: [] });
const submitDeadline = (txId: string): Error =>
  new SubmitError({ code: grpc.status.DEADLINE_EXCEEDED, cause: serviceError(grpc.status.DEADLINE_EXCEEDED), transactionId: txId, details: [] });
const statusDeadline = (txId: string): Error =>
  new CommitStatusError({ code: grpc.status.DEADLINE_EXCEEDED, cause: serviceError(grpc.status.DEADLINE_EXCEEDED), transactionId: txId, details: [] });
const chaincodeConflict = (txId: string): Error =>
  new EndorseError({
    code: grpc.status.ABORTED,
    cause: serviceError(grpc.status.ABORTED),
    transactionId: txId,
    details: [{ address: 'peer0.org1:7051', mspId: 'Org1MSP', message: 'chaincode response 500, CONFLICT: lot L1 is already registered with different content' }],
  });

describe('adapters/fabric retry rule (submit)', () => {
  it('endorse unavailable: endorses the same proposal again (same transaction id)', async () => {
    const contract = new StubContract(() => ({ ok: true }));
    contract.failures.endorse.push(endorseUnavailable, endorseUnavailable);
    const out = await submitTransaction(contract, 'RegisterLot', ['{}'], policy);
    expect(contract.txIds('newProposal')).to.deep.equal(['tx-1']);
    expect(contract.txIds('endorse')).to.deep.equal(['tx-1', 'tx-1', 'tx-1']);
    expect(out).to.include({ txId: 'tx-1', blockNumber: 42 });
  });

  it('submit past its deadline: submits the same transaction again, never a new one', async () => {
    const contract = new StubContract(() => ({ ok: true }));
    contract.failures.submit.push(submitDeadline);
    const out = await submitTransaction(contract, 'RegisterLot', ['{}'], policy);
    expect(contract.txIds('newProposal')).to.deep.equal(['tx-1']);
    expect(contract.txIds('endorse')).to.deep.equal(['tx-1']);
    expect(contract.txIds('submit')).to.deep.equal(['tx-1', 'tx-1']);
    expect(out.txId).to.equal('tx-1');
  });

  it('commit status past its deadline: asks for the status of the same transaction id again', async () => {
    const contract = new StubContract(() => ({ ok: true }));
    contract.failures.status.push(statusDeadline, statusDeadline);
    const out = await submitTransaction(contract, 'RegisterLot', ['{}'], policy);
    expect(contract.txIds('newProposal')).to.deep.equal(['tx-1']);
    expect(contract.txIds('submit')).to.deep.equal(['tx-1']);
    expect(contract.txIds('status')).to.deep.equal(['tx-1', 'tx-1', 'tx-1']);
    expect(out.txId).to.equal('tx-1');
  });

  it('MVCC_READ_CONFLICT: a new proposal with a new transaction id', async () => {
    const contract = new StubContract(() => ({ ok: true }));
    contract.invalidStatuses.push(StatusCode.MVCC_READ_CONFLICT);
    const retried: string[] = [];
    const out = await submitTransaction(contract, 'RegisterLot', ['{}'], policy, (err) => retried.push(err.code));
    expect(contract.txIds('newProposal')).to.deep.equal(['tx-1', 'tx-2']);
    expect(contract.txIds('endorse')).to.deep.equal(['tx-1', 'tx-2']);
    expect(out.txId).to.equal('tx-2');
    expect(retried).to.deep.equal(['COMMIT_FAILED']);
  });

  it('a chaincode rejection at endorsement: no retry', async () => {
    const contract = new StubContract(() => ({ ok: true }));
    contract.failures.endorse.push(chaincodeConflict);
    const err = await submitTransaction(contract, 'RegisterLot', ['{}'], policy).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LedgerConflictError);
    expect(contract.calls.map((c) => c.step)).to.deep.equal(['newProposal', 'endorse']);
  });

  it('a final invalid commit (ENDORSEMENT_POLICY_FAILURE): no retry', async () => {
    const contract = new StubContract(() => ({ ok: true }));
    contract.invalidStatuses.push(StatusCode.ENDORSEMENT_POLICY_FAILURE);
    const err = await submitTransaction(contract, 'RegisterLot', ['{}'], policy).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LedgerCommitError);
    expect((err as LedgerCommitError).transient).to.equal(false);
    expect((err as LedgerCommitError).message).to.include('ENDORSEMENT_POLICY_FAILURE');
    expect(contract.txIds('newProposal')).to.deep.equal(['tx-1']);
  });

  it('maxAttempts 1 makes exactly one attempt', async () => {
    const contract = new StubContract(() => ({ ok: true }));
    contract.failures.status.push(statusDeadline);
    const err = await submitTransaction(contract, 'RecordEvents', ['[]'], { ...policy, maxAttempts: 1 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LedgerUnavailableError);
    expect((err as LedgerUnavailableError).transient).to.equal(true);
    expect(contract.calls.map((c) => c.step)).to.deep.equal(['newProposal', 'endorse', 'submit', 'status']);
  });
});

describe('adapters/fabric ledger over a stubbed client', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-fabric-stub-'));
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.writeFileSync(path.join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(path.join(dir, 'cert.pem'), 'not read by the stub');
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A FabricLedger whose `connect` hands out `contract` (evaluations answer `evaluate`). */
  function ledgerOver(contract: StubContract, evaluate: (tx: string) => unknown = () => ({})): LedgerPort {
    const gateway = {
      getNetwork: () => ({
        getContract: () =>
          Object.assign(contract, {
            evaluateTransaction: (tx: string) => Promise.resolve(encoder.encode(JSON.stringify(evaluate(tx)))),
          }),
      }),
      close: () => undefined,
    } as unknown as Gateway;
    return createFabricLedger({
      profile: {
        channel: 'acetrace',
        chaincode: 'acetrace',
        peers: [{ mspId: 'Org1MSP', endpoint: 'localhost:1' }],
        identities: [
          { name: 'org1-supplier', mspId: 'Org1MSP', role: 'supplier', certPath: path.join(dir, 'cert.pem'), keyPath: path.join(dir, 'key.pem') },
        ],
      },
      deadlines: { evaluateMs: 1000, endorseMs: 1000, submitMs: 1000, commitStatusMs: 1000 },
      retry: policy,
      logger: pino({ level: 'silent' }),
      connect: (_options: ConnectOptions) => gateway,
    });
  }

  const lotRecord = (txId: string): Record<string, unknown> => ({ lotId: 'LOT-1', txId, ownerMsp: 'Org1MSP', registeredAt: '2026-01-01T00:00:00Z' });

  it('a lot registration whose first commit status was lost answers created (201), from its own transaction', async () => {
    // the chaincode's answer depends on the transaction: the first creates, any later one would see an identical repeat
    const contract = new StubContract((txId) => ({ lot: lotRecord(txId), created: txId === 'tx-1' }));
    contract.failures.status.push(statusDeadline);
    const ledger = ledgerOver(contract);
    try {
      const out = await ledger.registerLot('org1-supplier', {
        lotId: 'LOT-1', product: 'p', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1, unit: 'EA', epcs: [], parentLotId: null,
      });
      expect(out.created).to.equal(true);
      expect(out.txId).to.equal('tx-1');
      expect(out.blockNumber).to.equal(42);
      expect(contract.txIds('newProposal')).to.deep.equal(['tx-1']);
      expect(contract.txIds('status')).to.deep.equal(['tx-1', 'tx-1']);
    } finally {
      await ledger.close();
    }
  });

  it('RecordEvents makes one attempt: the outbox owns its retries', async () => {
    const contract = new StubContract(() => []);
    contract.failures.status.push(statusDeadline);
    const ledger = ledgerOver(contract);
    try {
      const err = await ledger.recordEvents('org1-supplier', []).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(LedgerUnavailableError);
      expect((err as LedgerUnavailableError).transient).to.equal(true);
      expect(contract.txIds('newProposal')).to.deep.equal(['tx-1']);
      expect(contract.txIds('status')).to.deep.equal(['tx-1']);
    } finally {
      await ledger.close();
    }
  });

  it('parses reads into the domain types, and refuses an answer of another shape (502)', async () => {
    const contract = new StubContract(() => ({}));
    const ledger = ledgerOver(contract, (tx) =>
      tx === 'ReadLot' ? { lot: lotRecord('tx-0'), linksCovered: [1], completeness: { covered: 1, required: 12, missing: [] } } : { lots: 'nope' },
    );
    try {
      const view = await ledger.readLot('org1-supplier', 'LOT-1');
      expect(view.lot.lotId).to.equal('LOT-1');
      expect(view.linksCovered).to.deep.equal([1]);
      const err = await ledger.listLots('org1-supplier', {}).catch((e: unknown) => e);
      expect(err).to.have.property('status', 502);
    } finally {
      await ledger.close();
    }
  });
});
