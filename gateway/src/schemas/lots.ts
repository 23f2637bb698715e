/** Lot request schemas (POST/GET /v1/lots); the answers are in responses/lots.ts. */
import '../quiet-chaincode';
import { MAX_INPUTS_PER_LOT, UNIT_PATTERN } from '@acetrace/chaincode';
import { z } from 'zod';
import { Epc, Id, IsoTime, LinkQuery, MspId } from './common';

/** One input of a transformation: how much of which lot, in that lot's unit. */
export const LotInputItemInput = z
  .strictObject({
    lotId: Id,
    quantity: z.number().positive(),
    unit: z.string().regex(UNIT_PATTERN, "must be 1-16 characters of A-Za-z0-9._- (the input lot's unit)"),
  })
  .openapi('LotInputItemInput');

export const HtsCode = z
  .string()
  .regex(/^\d{4}\.?\d{2}\.?\d{4}$/, 'must be a 10-digit HTS code (NNNN.NN.NNNN)')
  .openapi({ example: '8536.50.9065' });

export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
  .openapi({ example: 'CN' });

export const LotInput = z
  .strictObject({
    lotId: Id,
    product: z.string().min(1).max(512),
    htsCode: HtsCode,
    originCountry: CountryCode,
    quantity: z.number().positive().max(1e15),
    unit: z.string().min(1).max(32).regex(/^[A-Za-z0-9._-]+$/, 'must be a unit code such as EA, KG'),
    epcs: z.array(Epc).max(10_000).default([]),
    parentLotId: Id.nullable().default(null),
    importerMsp: MspId.nullable().optional(),
    packedAt: IsoTime.nullable().optional(),
    inputs: z
      .array(LotInputItemInput)
      .max(MAX_INPUTS_PER_LOT)
      .nullable()
      .optional()
      .openapi({ description: 'what the lot was made from (cotton bales into yarn, yarn into fabric ...); the registrant holds custody of each' }),
  })
  .superRefine((l, ctx) => {
    (l.inputs ?? []).forEach((item, i) => {
      if (item.lotId === l.lotId) ctx.addIssue({ code: 'custom', path: ['inputs', i, 'lotId'], message: 'must differ from lotId (a lot is not made from itself)' });
      else if (l.inputs?.findIndex((x) => x.lotId === item.lotId) !== i) ctx.addIssue({ code: 'custom', path: ['inputs', i, 'lotId'], message: 'is listed twice' });
    });
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
    pageSize: z
      .string()
      .regex(/^\d{1,4}$/, 'must be an integer 1-1000')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 1000, 'must be an integer 1-1000')
      .optional()
      .openapi({ type: 'string', example: '50' }),
    bookmark: z.string().max(1024).optional(),
  })
  .openapi('ListLotsQuery');
export type ListLotsQuery = z.infer<typeof ListLotsQuery>;
