/** Lot request schemas (POST/GET /v1/lots); the answers are in responses/lots.ts. */
import { z } from 'zod';
import { Epc, Id, IsoTime, LinkQuery, MspId } from './common';

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
