/** Answer of POST /v1/readings: the service's ReadingsResult, proven equal at compile time. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { ReadingsResult } from '../../services/readings.service';
import { QueueStatus } from './events';
import { sameShape } from './same-shape';

extendZodWithOpenApi(z);

export const AcceptedReading = z
  .strictObject({
    eventId: z.string(),
    status: QueueStatus,
    lotId: z.string(),
    readerId: z.string(),
    link: z.number().int().min(1).max(12),
    eventTime: z.string().openapi({ format: 'date-time' }),
    epcCount: z.number().int(),
  })
  .openapi('AcceptedReading');

export const PostReadingsResponse = z
  .strictObject({
    accepted: z.array(AcceptedReading).openapi({ description: 'the rfid events the reads became (new, or already known with their status)' }),
    suppressed: z.number().int().openapi({ description: 'reads dropped as repeats of an EPC at the same reader in the same window' }),
    unknownEpcs: z.array(z.string()).openapi({ description: 'EPCs (pure-identity URNs) of no registered lot; not recorded' }),
    unknownReaders: z.array(z.string()).openapi({ description: 'reader ids not in the reader table; not recorded' }),
    forbiddenReaders: z.array(z.string()).openapi({ description: "readers registered to another Fabric identity than the caller's; not recorded" }),
    invalidReads: z
      .array(z.strictObject({ index: z.number().int(), message: z.string() }))
      .openapi({ description: 'unreadable reads (bad EPC) by index' }),
  })
  .openapi('PostReadingsResponse');
sameShape<z.output<typeof PostReadingsResponse>, ReadingsResult>(true);
