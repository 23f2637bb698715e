/**
 * Stable error codes. Every error the contract throws on purpose has a message
 * `CODE: sentence`, because fabric-contract-api passes only the message to the client.
 */
export const ERROR_CODES = ['INVALID_ARGUMENT', 'ACCESS_DENIED', 'NOT_FOUND', 'CONFLICT'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error whose message starts with a stable code. */
export class ChaincodeError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, sentence: string) {
    super(`${code}: ${sentence}`);
    this.name = 'ChaincodeError';
    this.code = code;
  }
}

/** One invalid field: its path (`events[2].location.lat`) and what is wrong. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** INVALID_ARGUMENT naming every problem found, first one leading. */
export class ValidationError extends ChaincodeError {
  readonly problems: readonly FieldProblem[];

  constructor(problems: readonly FieldProblem[]) {
    super('INVALID_ARGUMENT', problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

export const invalidArgument = (sentence: string): ChaincodeError => new ChaincodeError('INVALID_ARGUMENT', sentence);
export const accessDenied = (sentence: string): ChaincodeError => new ChaincodeError('ACCESS_DENIED', sentence);
export const notFound = (sentence: string): ChaincodeError => new ChaincodeError('NOT_FOUND', sentence);
export const conflict = (sentence: string): ChaincodeError => new ChaincodeError('CONFLICT', sentence);

/** The stable code at the start of an error message, if it carries one. */
export function errorCodeOf(message: string): ErrorCode | undefined {
  const code = /^([A-Z_]+): /.exec(message)?.[1];
  return (ERROR_CODES as readonly string[]).includes(code ?? '') ? (code as ErrorCode) : undefined;
}
