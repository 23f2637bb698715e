/**
 * GET /v1/stream: the JSON in the `data:` line of each server-sent event. Committed chaincode
 * events carry the chaincode's ChaincodeEventPayload (proven equal at compile time).
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../../quiet-chaincode';
import type { ChaincodeEventPayload } from '@acetrace/chaincode';
import { CHAINCODE_EVENTS } from '@acetrace/chaincode';
import { sameShape } from './same-shape';

extendZodWithOpenApi(z);

const EVENT_NAMES = Object.values(CHAINCODE_EVENTS);
const EventName = z.enum(EVENT_NAMES as [ChaincodeEventPayload['type'], ...Array<ChaincodeEventPayload['type']>]);

/** The chaincode's event payload; some event types carry more members (e.g. `mspId`, `roles`). */
export const ChaincodeEventPayloadSchema = z
  .looseObject({
    type: EventName,
    lotIds: z.array(z.string()).readonly(),
    eventIds: z.array(z.string()).readonly(),
    recordedBy: z.string(),
    txId: z.string(),
  })
  .openapi('ChaincodeEventPayload');
sameShape<z.output<typeof ChaincodeEventPayloadSchema>, ChaincodeEventPayload>(true);

/** `data:` of an SSE whose `event:` is a chaincode event name; its `id:` is `<blockNumber>:<txId>`. */
export const StreamEvent = z
  .strictObject({
    blockNumber: z.number().int().min(0),
    txId: z.string(),
    name: EventName,
    payload: ChaincodeEventPayloadSchema,
  })
  .openapi('StreamEvent');

/** `data:` of the SSE `event: error` sent when the ledger stream ends abnormally. */
export const StreamError = z.strictObject({ detail: z.string() }).openapi('StreamError');

/** SSE `event:` name → schema of its `data:` JSON. */
export const STREAM_DATA: Readonly<Record<string, z.ZodType>> = Object.freeze({
  ...Object.fromEntries(EVENT_NAMES.map((name) => [name, StreamEvent])),
  error: StreamError,
});
