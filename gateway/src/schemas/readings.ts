/** Raw RFID readings (POST /v1/readings): request and response schemas. */
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

export const AcceptedReading = z
  .looseObject({
    eventId: z.string(),
    status: z.enum(['queued', 'submitted', 'committed', 'rejected']),
    lotId: z.string(),
    readerId: z.string(),
    link: z.number().int(),
    eventTime: z.string(),
    epcCount: z.number().int(),
  })
  .openapi('AcceptedReading');

export const PostReadingsResponse = z
  .looseObject({
    accepted: z.array(AcceptedReading).openapi({ description: 'the rfid events the reads became (new, or already known with their status)' }),
    suppressed: z.number().int().openapi({ description: 'reads dropped as repeats of an EPC at the same reader in the same window' }),
    unknownEpcs: z.array(z.string()).openapi({ description: 'EPCs (pure-identity URNs) of no registered lot; not recorded' }),
    unknownReaders: z.array(z.string()).openapi({ description: 'reader ids not in the reader table; not recorded' }),
    forbiddenReaders: z.array(z.string()).openapi({ description: "readers registered to another Fabric identity than the caller's; not recorded" }),
    invalidReads: z.array(z.object({ index: z.number().int(), message: z.string() })).openapi({ description: 'unreadable reads (bad EPC) by index' }),
  })
  .openapi('PostReadingsResponse');
