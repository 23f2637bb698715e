/** Raw RFID readings (POST /v1/readings): the request schema; the answer is in responses/readings.ts. */
import { z } from 'zod';
import { Epc, Id, IsoTime } from './common';

/** Most reads in one request. */
export const MAX_READS_PER_REQUEST = 10_000;

export const RawRead = z
  .strictObject({
    readerId: Id.openapi({ example: 'szx-dock-1', description: 'a reader of the reader table (readers.json)' }),
    antenna: z.number().int().min(0).max(65_535).optional(),
    epc: Epc.openapi({
      description: 'any accepted spelling: pure-identity URN, tag URI, GS1 Digital Link, SGTIN-96/SSCC-96 hex',
      example: '3034257BF400B7800004CB2F',
    }),
    rssi: z.number().min(-200).max(200).optional().openapi({ description: 'signal strength, dBm' }),
    readTime: IsoTime,
  })
  .openapi('RawRead');

export const PostReadingsBody = z
  .strictObject({ reads: z.array(RawRead).min(1).max(MAX_READS_PER_REQUEST) })
  .openapi('PostReadingsBody');
export type PostReadingsBody = z.infer<typeof PostReadingsBody>;
