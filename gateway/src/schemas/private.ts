/**
 * The `private` object of lots and events (api.md, domain.md "Private data"): built from the chaincode's
 * limits, and checked by the chaincode's own validator, so the gateway refuses exactly what it would.
 */
import {
  CURRENCY_PATTERN, MAX_ADDRESS_LENGTH, MAX_CONTRACT_REF_LENGTH, MAX_MONEY_AMOUNT, MAX_NAME_LENGTH, ValidationError, validatePrivateValue,
  type PrivateFields,
} from '@acetrace/chaincode';
import { z } from 'zod';
import { Text } from './common';

const Money = z.number().min(0).max(MAX_MONEY_AMOUNT);

export const PrivateInput = z
  .strictObject({
    consignee: z
      .strictObject({ name: Text(MAX_NAME_LENGTH).nullish(), address: Text(MAX_ADDRESS_LENGTH).nullish() })
      .nullish()
      .openapi({ description: "the consignee of a cross-border parcel (a consumer's name and address)" }),
    unitPrice: Money.nullish(),
    currency: z.string().regex(CURRENCY_PATTERN, 'must be an ISO 4217 code of three capital letters (e.g. USD)').nullish(),
    invoiceValue: Money.nullish(),
    contractRef: Text(MAX_CONTRACT_REF_LENGTH).nullish(),
  })
  .transform((value, ctx): PrivateFields => {
    // the chaincode's validator is the rule (the shape above documents it) and gives the value it hashes: absent and null alike
    try {
      return validatePrivateValue(value, '');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const p of err.problems) ctx.addIssue({ code: 'custom', path: p.path === '' ? [] : p.path.split('.'), message: p.message });
      return z.NEVER;
    }
  })
  .openapi('PrivateInput', {
    description:
      'kept in the recording organisation’s private data (Fabric implicit collection), never on the shared ledger in clear; the shared record keeps a salted SHA-256',
  });
export type PrivateInput = z.infer<typeof PrivateInput>;
