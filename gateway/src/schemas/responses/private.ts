/**
 * How answers show private data (domain.md "Private data"): the shared record's salted hash and collection,
 * the provenance's marker (present, purge time), and for entitled readers the cleartext and its salt.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../../quiet-chaincode';
import type * as domain from '@acetrace/chaincode';
import type { PrivateAnswer as PrivateAnswerType } from '../../ports/ledger';
import { sameShape } from './same-shape';

extendZodWithOpenApi(z);

export const PrivateRef = z
  .strictObject({
    hash: z.string().openapi({ description: 'SHA-256 over the 32-byte salt then the canonical JSON of the private value, hex' }),
    collection: z.string().openapi({ description: 'the implicit private data collection holding it (`_implicit_org_<MSP>`)' }),
  })
  .openapi('PrivateRef');
sameShape<z.output<typeof PrivateRef>, domain.PrivateRef>(true);

/** A lot's or an event's private value (api.md `private`), with the event's evidence URIs by evidence index. */
export const PrivateValue = z
  .strictObject({
    consignee: z.strictObject({ name: z.string().optional(), address: z.string().optional() }).optional(),
    unitPrice: z.number().optional(),
    currency: z.string().optional(),
    invoiceValue: z.number().optional(),
    contractRef: z.string().optional(),
    evidenceUris: z.array(z.string().nullable()).optional().openapi({ description: "the event's evidence URIs, one per evidence item" }),
  })
  .openapi('PrivateValue');
sameShape<z.output<typeof PrivateValue>, domain.PrivateValue>(true);

const Time = z.string().openapi({ format: 'date-time' });

/** What a provenance shows everyone: the shared record's reference, that it is present, and its purge time. */
const markerFields = {
  ...PrivateRef.shape,
  present: z.literal(true),
  purgedAt: Time.nullable().openapi({ description: 'when the recording organisation purged it; null: not purged' }),
};
export const PrivateMarker = z.strictObject(markerFields).openapi('PrivateMarker');
sameShape<z.output<typeof PrivateMarker>, domain.PrivateMarker>(true);

export const PrivateAnswer = z
  .strictObject({
    ...markerFields,
    state: z.enum(['present', 'purged', 'unavailable']).optional().openapi({ description: 'entitled readers: whether the cleartext came back' }),
    value: z.union([PrivateValue, z.null()]).optional().openapi({ description: 'entitled readers: the private fields in clear' }),
    salt: z.string().nullable().optional().openapi({ description: 'entitled readers: the salt, so the hash can be checked' }),
  })
  .openapi('PrivateAnswer');
sameShape<z.output<typeof PrivateAnswer>, PrivateAnswerType>(true);

/** 200 of DELETE /v1/lots/{lotId}/private. */
export const PurgeResponse = z
  .strictObject({
    lotId: z.string(),
    mspId: z.string().openapi({ description: 'the organisation whose private data was purged' }),
    purgedAt: Time.nullable().openapi({ description: 'null: the organisation had no private data on the lot (nothing purged)' }),
    txId: z.string(),
    records: z.number().int().openapi({ description: 'private records purged' }),
    alreadyPurged: z.boolean().openapi({ description: 'true: an earlier purge removed everything; nothing was written now' }),
    blockNumber: z.number().int(),
  })
  .openapi('PurgeResponse');
sameShape<z.output<typeof PurgeResponse>, domain.PurgeResult & { blockNumber: number }>(true);
