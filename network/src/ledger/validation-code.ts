import { peer } from '@hyperledger/fabric-protos';

/** A `peer.TxValidationCode` number (VALID = 0, MVCC_READ_CONFLICT = 11, ...). */
export type TxValidationCode = number;

/** The `peer.TxValidationCode` values, by name. */
export const TxValidationCodes = peer.TxValidationCode;

const NAMES = new Map<number, string>(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code as number, name]),
);

/**
 * The Fabric name of a validation code, e.g. `11` → `"MVCC_READ_CONFLICT"`.
 * @param code - a `peer.TxValidationCode` number
 * @returns the enum name, or `"UNKNOWN(<code>)"` for a number Fabric does not define
 */
export function validationCodeName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN(${String(code)})`;
}
