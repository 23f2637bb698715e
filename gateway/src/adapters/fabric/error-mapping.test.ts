import * as grpc from '@grpc/grpc-js';
import { CommitError, CommitStatusError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
// SubmitError is exported as a type only by the published 1.11 package: construct it from its module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SubmitError } = require('@hyperledger/fabric-gateway/dist/submiterror') as {
  SubmitError: new (p: { code: number; details: unknown[]; cause: grpc.ServiceError; transactionId: string; message?: string }) => Error;
};
import { expect } from '../../chai.test';
import {
  LedgerAccessDeniedError,
  LedgerCommitError,
  LedgerConflictError,
  LedgerInternalError,
  LedgerInvalidArgumentError,
  LedgerNotFoundError,
  LedgerUnavailableError,
  LedgerUnknownTransactionError,
  TransientDataProtectionError,
} from '../../errors';
import { toProblem } from '../../http/problem';
import { mapFabricError, parseFieldErrors } from './error-mapping';

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${String(code)} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

/** `value` as an instance of `cls`; fails the test when it is not one. */
function instanceOf<T>(cls: abstract new (...args: never[]) => T, value: unknown): T {
  if (!(value instanceof cls)) throw new Error(`expected an instance of ${cls.name}`);
  return value;
}

const detail = (message: string): Array<{ address: string; mspId: string; message: string }> => [
  { address: 'peer0.org1:7051', mspId: 'Org1MSP', message },
];

describe('mapFabricError', () => {
  const cases: Array<{ name: string; make: () => Error; cls: new (...a: never[]) => Error; status: number; transient: boolean }> = [
    {
      name: 'EndorseError with chaincode INVALID_ARGUMENT',
      make: () => {
        const cause = serviceError(grpc.status.ABORTED, 'failed to endorse transaction, see attached details for more info');
        return new EndorseError({
          code: grpc.status.ABORTED,
          cause,
          transactionId: 'tx1',
          details: detail('chaincode response 500, INVALID_ARGUMENT: events[2].location.lat: must be between -90 and 90'),
          message: cause.message,
        });
      },
      cls: LedgerInvalidArgumentError,
      status: 400,
      transient: false,
    },
    {
      name: 'EndorseError with chaincode ACCESS_DENIED',
      make: () =>
        new EndorseError({
          code: grpc.status.ABORTED,
          cause: serviceError(grpc.status.ABORTED, 'x'),
          transactionId: 'tx2',
          details: detail('chaincode response 500, ACCESS_DENIED: role viewer of Org1MSP may not register lots'),
        }),
      cls: LedgerAccessDeniedError,
      status: 403,
      transient: false,
    },
    {
      name: 'GatewayError (evaluate) with chaincode NOT_FOUND in the message',
      make: () =>
        new GatewayError({
          code: grpc.status.UNKNOWN,
          cause: serviceError(grpc.status.UNKNOWN, 'x'),
          details: [],
          message: '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: lot L1 is not registered',
        }),
      cls: LedgerNotFoundError,
      status: 404,
      transient: false,
    },
    {
      name: 'EndorseError with chaincode CONFLICT',
      make: () =>
        new EndorseError({
          code: 10,
          cause: serviceError(grpc.status.ABORTED, 'x'),
          transactionId: 'tx3',
          details: detail('chaincode response 500, CONFLICT: lot L1 is already registered with different content'),
        }),
      cls: LedgerConflictError,
      status: 409,
      transient: false,
    },
    {
      name: 'SubmitError UNAVAILABLE (no orderers)',
      make: () =>
        new SubmitError({
          code: grpc.status.UNAVAILABLE,
          cause: serviceError(grpc.status.UNAVAILABLE, 'no orderers could successfully process transaction'),
          transactionId: 'tx4',
          details: [],
          message: '14 UNAVAILABLE: no orderers could successfully process transaction',
        }),
      cls: LedgerUnavailableError,
      status: 503,
      transient: true,
    },
    {
      name: 'CommitStatusError DEADLINE_EXCEEDED',
      make: () =>
        new CommitStatusError({
          code: grpc.status.DEADLINE_EXCEEDED,
          cause: serviceError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'),
          transactionId: 'tx5',
          details: [],
        }),
      cls: LedgerUnavailableError,
      status: 503,
      transient: true,
    },
    {
      name: 'GatewayError ABORTED without chaincode detail',
      make: () =>
        new GatewayError({ code: grpc.status.ABORTED, cause: serviceError(grpc.status.ABORTED, 'failed to evaluate transaction'), details: [] }),
      cls: LedgerUnavailableError,
      status: 503,
      transient: true,
    },
    {
      name: 'EndorseError ABORTED with an uncoded chaincode failure',
      make: () =>
        new EndorseError({ code: 10, cause: serviceError(grpc.status.ABORTED, 'x'), transactionId: 'tx6', details: detail('chaincode response 500, boom') }),
      cls: LedgerInternalError,
      status: 502,
      transient: false,
    },
    {
      name: 'GatewayError PERMISSION_DENIED (channel ACL)',
      make: () => new GatewayError({ code: grpc.status.PERMISSION_DENIED, cause: serviceError(grpc.status.PERMISSION_DENIED, 'access denied'), details: [] }),
      cls: LedgerAccessDeniedError,
      status: 403,
      transient: false,
    },
    {
      name: 'CommitError MVCC_READ_CONFLICT',
      make: () => new CommitError({ code: 11, transactionId: 'tx7', message: 'Transaction tx7 failed to commit with status code 11 (MVCC_READ_CONFLICT)' }),
      cls: LedgerCommitError,
      status: 503,
      transient: true,
    },
    {
      name: 'EndorseError FAILED_PRECONDITION protecting transient data (the caller must name its endorsers)',
      make: () => {
        const cause = serviceError(
          grpc.status.FAILED_PRECONDITION,
          'requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): [_implicit_org_Org1MSP]; retry specifying trusted endorsing organizations to protect transient data',
        );
        return new EndorseError({ code: grpc.status.FAILED_PRECONDITION, cause, transactionId: 'tx9', details: [], message: cause.message });
      },
      cls: TransientDataProtectionError,
      status: 503,
      transient: false,
    },
    {
      name: 'EndorseError FAILED_PRECONDITION for another reason is no such refusal',
      make: () => {
        const cause = serviceError(grpc.status.FAILED_PRECONDITION, 'no peers available to evaluate chaincode acetrace in channel trace');
        return new EndorseError({ code: grpc.status.FAILED_PRECONDITION, cause, transactionId: 'tx10', details: [], message: cause.message });
      },
      cls: LedgerUnavailableError,
      status: 503,
      transient: false,
    },
    {
      name: 'CommitError ENDORSEMENT_POLICY_FAILURE',
      make: () => new CommitError({ code: 10, transactionId: 'tx8' }),
      cls: LedgerCommitError,
      status: 502,
      transient: false,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${String(c.status)}`, () => {
      const original = c.make();
      const mapped = mapFabricError(original, 'SomeTx');
      expect(mapped).to.be.instanceOf(c.cls);
      // a subclass would pass instanceOf above: only the transient-data refusal may be one
      expect(mapped instanceof TransientDataProtectionError).to.equal(c.cls === TransientDataProtectionError);
      expect(mapped.status).to.equal(c.status);
      expect(mapped.transient).to.equal(c.transient);
      expect(mapped.cause).to.equal(original);
      expect(mapped.transaction).to.equal('SomeTx');
      const txId = (original as { transactionId?: string }).transactionId;
      if (txId) expect(mapped.transactionId).to.equal(txId);
      expect(toProblem(mapped).body.status).to.equal(c.status);
    });
  }

  it('keeps details and the chaincode message', () => {
    const err = new EndorseError({
      code: 10,
      cause: serviceError(grpc.status.ABORTED, 'x'),
      transactionId: 'tx9',
      details: detail('chaincode response 500, INVALID_ARGUMENT: lotId: must be 1-128 characters; quantity: must be positive'),
    });
    const mapped = instanceOf(LedgerInvalidArgumentError, mapFabricError(err, 'RegisterLot'));
    expect(mapped.details).to.have.length(1);
    expect(mapped.details[0]?.mspId).to.equal('Org1MSP');
    expect(mapped.chaincodeMessage).to.equal('INVALID_ARGUMENT: lotId: must be 1-128 characters; quantity: must be positive');
    expect(mapped.errors).to.deep.equal([
      { path: 'lotId', message: 'must be 1-128 characters' },
      { path: 'quantity', message: 'must be positive' },
    ]);
    const { body } = toProblem(mapped);
    expect(body.errors).to.deep.equal(mapped.errors);
    expect(body.transactionId).to.equal('tx9');
  });

  it('tells a transaction the chaincode does not have (a gateway newer than its chaincode) by type, still a 400', () => {
    const err = new GatewayError({
      code: grpc.status.UNKNOWN,
      cause: serviceError(grpc.status.UNKNOWN, 'x'),
      details: [],
      message: '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, INVALID_ARGUMENT: unknown transaction GetLotByEpc',
    });
    const mapped = mapFabricError(err, 'GetLotByEpc');
    expect(mapped).to.be.instanceOf(LedgerUnknownTransactionError);
    expect(mapped).to.be.instanceOf(LedgerInvalidArgumentError);
    expect(mapped).to.include({ status: 400, transaction: 'GetLotByEpc', message: 'unknown transaction GetLotByEpc' });
    expect(instanceOf(LedgerUnknownTransactionError, mapped).rejection).to.deep.equal({ code: 'INVALID_ARGUMENT', message: 'unknown transaction GetLotByEpc' });
  });

  it('parses field paths with indexes', () => {
    expect(parseFieldErrors('events[2].location.lat: must be between -90 and 90')).to.deep.equal([
      { path: 'events[2].location.lat', message: 'must be between -90 and 90' },
    ]);
    expect(parseFieldErrors('something odd happened')).to.deep.equal([{ path: '', message: 'something odd happened' }]);
  });
});
