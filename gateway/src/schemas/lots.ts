/** Lot request schemas (POST/GET /v1/lots); the answers are in responses/lots.ts. */
import {
  MAX_EPCS_PER_LOT, MAX_INPUTS_PER_LOT, MAX_PRODUCT_LENGTH, UNIT_PATTERN, normaliseCountry, normaliseHtsCode,
} from '@acetrace/chaincode';
import { z } from 'zod';
import { PrivateInput } from './private';
import { Id, IsoTime, LedgerEpc, LinkQuery, MspId, PageQuery, Text } from './common';

/** A 10-digit HTS code, `NNNN.NN.NNNN` or `NNNNNNNNNN`; passed on as given (the chaincode normalises). */
export const HtsCode = z
  .string()
  .refine((s) => normaliseHtsCode(s) !== undefined, 'must be 10 digits, NNNNNNNNNN or NNNN.NN.NNNN')
  .openapi({ example: '8536.50.9065' });

/** An assigned ISO 3166-1 alpha-2 code, any case. */
export const CountryCode = z
  .string()
  .refine((s) => normaliseCountry(s) !== undefined, 'must be an ISO 3166-1 alpha-2 code, e.g. CN')
  .openapi({ example: 'CN' });

/** One input of a transformation: how much of which lot, in that lot's unit. */
export const LotInputItemInput = z
  .strictObject({
    lotId: Id,
    quantity: z.number().positive(),
    unit: z.string().regex(UNIT_PATTERN, "must be 1-16 characters of A-Za-z0-9._- (the input lot's unit)"),
  })
  .openapi('LotInputItemInput');

export const LotInput = z
  .strictObject({
    lotId: Id,
    product: Text(MAX_PRODUCT_LENGTH),
    htsCode: HtsCode,
    originCountry: CountryCode,
    quantity: z.number().positive(),
    unit: z.string().regex(UNIT_PATTERN, 'must be 1-16 characters of A-Za-z0-9._- (e.g. EA, KGM)'),
    epcs: z
      .array(LedgerEpc)
      .max(MAX_EPCS_PER_LOT)
      .nullish()
      .transform((v) => v ?? []),
    parentLotId: Id.nullable().default(null),
    importerMsp: MspId.nullish(),
    packedAt: IsoTime.nullish(),
    inputs: z
      .array(LotInputItemInput)
      .max(MAX_INPUTS_PER_LOT)
      .nullish()
      .openapi({ description: 'what the lot was made from (cotton bales into yarn, yarn into fabric ...); the registrant holds custody of each' }),
    private: PrivateInput.nullish(),
  })
  .superRefine((l, ctx) => {
    (l.inputs ?? []).forEach((item, i) => {
      if (item.lotId === l.lotId) ctx.addIssue({ code: 'custom', path: ['inputs', i, 'lotId'], message: 'must differ from lotId (a lot is not made from itself)' });
      else if (l.inputs?.findIndex((x) => x.lotId === item.lotId) !== i) ctx.addIssue({ code: 'custom', path: ['inputs', i, 'lotId'], message: 'is listed twice' });
    });
    if (l.parentLotId !== null && l.parentLotId === l.lotId) {
      ctx.addIssue({ code: 'custom', path: ['parentLotId'], message: 'must differ from lotId' });
    }
    if (l.packedAt != null && l.parentLotId === null) {
      ctx.addIssue({ code: 'custom', path: ['packedAt'], message: 'needs parentLotId' });
    }
  })
  .openapi('LotInput');
export type LotInput = z.infer<typeof LotInput>;

export const LotIdParams = z.object({ lotId: Id });

export const ListLotsQuery = z
  .strictObject({
    ownerMsp: MspId.optional(),
    htsCode: HtsCode.optional(),
    originCountry: CountryCode.optional(),
    link: LinkQuery.optional(),
    from: IsoTime.optional().openapi({ description: 'registered at or after' }),
    to: IsoTime.optional().openapi({ description: 'registered at or before' }),
    ...PageQuery,
  })
  .openapi('ListLotsQuery');
export type ListLotsQuery = z.infer<typeof ListLotsQuery>;
