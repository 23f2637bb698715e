/**
 * Answers of /v1/lots: the chaincode's LotRecord, LotView, LotPage and HistoryEntry, each proven
 * equal to the exported domain type at compile time.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../../quiet-chaincode';
import type * as domain from '@acetrace/chaincode';
import { LINK_COUNT } from '@acetrace/chaincode';
import { listPage } from './list-page';
import { PrivateRef } from './private';
import { sameShape } from './same-shape';

extendZodWithOpenApi(z);

const Time = z.string().openapi({ format: 'date-time' });

/** One input of a transformation: how much of which lot, in that lot's unit. */
export const LotInputItem = z
  .strictObject({ lotId: z.string(), quantity: z.number(), unit: z.string() })
  .openapi('LotInputItem');
sameShape<z.output<typeof LotInputItem>, domain.LotInputItem>(true);

export const LotRecord = z
  .strictObject({
    lotId: z.string(),
    product: z.string(),
    htsCode: z.string().openapi({ description: '`NNNN.NN.NNNN`', example: '8536.50.9065' }),
    originCountry: z.string(),
    quantity: z.number(),
    unit: z.string(),
    epcs: z.array(z.string()).openapi({ description: 'pure-identity URNs' }),
    parentLotId: z.string().nullable(),
    importerMsp: z.string().nullable(),
    packedAt: z.string().nullable(),
    ownerMsp: z.string(),
    registeredAt: Time,
    txId: z.string(),
    contentHash: z.string().openapi({ description: 'SHA-256 of the normalised input, for idempotent repeats' }),
    inputs: z.array(LotInputItem).optional().openapi({ description: 'what the lot was made from; absent when nothing' }),
    schemaVersion: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'LOT_SCHEMA_VERSION for lots registered under custody rules; absent on older lots' }),
    private: PrivateRef.optional().openapi({ description: 'salted hash of the lot’s private data and its collection; absent when none' }),
  })
  .openapi('LotRecord');
sameShape<z.output<typeof LotRecord>, domain.LotRecord>(true);

export const Completeness = z
  .strictObject({
    covered: z.number().int().min(0).max(LINK_COUNT),
    required: z.literal(LINK_COUNT),
    missing: z.array(z.string()).openapi({ description: 'names of the links without an event' }),
  })
  .openapi('Completeness');
sameShape<z.output<typeof Completeness>, domain.Completeness>(true);

export const LotView = z
  .strictObject({
    lot: LotRecord,
    linksCovered: z.array(z.number().int()).openapi({ description: 'link numbers with at least one event' }),
    completeness: Completeness,
  })
  .openapi('LotView');
sameShape<z.output<typeof LotView>, domain.LotView>(true);

/** 201/200 of POST /v1/lots: the record, whether this call created it, and the transaction. */
export const RegisterLotResponse = z
  .strictObject({
    lot: LotRecord,
    created: z.boolean().openapi({ description: 'false for an identical repeat (200)' }),
    txId: z.string(),
    blockNumber: z.number().int().optional(),
  })
  .openapi('RegisterLotResponse');

export const ListLotsResponse = listPage('lots', LotView).openapi('ListLotsResponse');
sameShape<z.output<typeof ListLotsResponse>, domain.LotPage>(true);

export const HistoryEntry = z
  .strictObject({
    txId: z.string(),
    timestamp: Time,
    isDelete: z.boolean(),
    value: z.union([LotRecord, z.null()]).openapi({ description: 'the record this transaction wrote; null for a delete' }),
  })
  .openapi('HistoryEntry');
sameShape<z.output<typeof HistoryEntry>, domain.HistoryEntry>(true);

export const HistoryResponse = z
  .strictObject({ lotId: z.string(), history: z.array(HistoryEntry).openapi({ description: 'newest first' }) })
  .openapi('LotHistory');
