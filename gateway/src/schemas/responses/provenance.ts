/**
 * Answer of GET .../provenance: the chaincode's Provenance plus what only the gateway adds (each
 * event's block number when the outbox saw it committed, and `queryMs`), proven equal at compile time.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../../quiet-chaincode';
import type * as domain from '@acetrace/chaincode';
import { ANOMALY_TYPES } from '@acetrace/chaincode';
import { EventRecord } from './events';
import { Completeness } from './lots';
import { sameShape } from './same-shape';

extendZodWithOpenApi(z);

// a new closed object, not `.extend` (an allOf whose first part is closed would refuse the added members)
export const ProvenanceEvent = z
  .strictObject({
    ...EventRecord.shape,
    correctedBy: z.string().nullable().openapi({ description: 'id of the latest correction of this event, null if none' }),
    viaLotId: z.string().nullable().openapi({ description: "the ancestor lot the event was recorded on, null for the lot's own events" }),
    blockNumber: z.number().int().optional().openapi({ description: 'block of its transaction, when this gateway saw it committed' }),
  })
  .openapi('ProvenanceEvent');
sameShape<z.output<typeof ProvenanceEvent>, domain.ProvenanceEvent & { blockNumber?: number }>(true);

export const ProvenanceLink = z
  .strictObject({
    link: z.number().int().min(1).max(12),
    name: z.string(),
    phase: z.enum(['production', 'storage', 'transport']),
    bizStep: z.string().openapi({ description: 'GS1 CBV 2.0 bizStep' }),
    covered: z.boolean(),
    events: z.array(ProvenanceEvent).openapi({ description: 'empty in a summary' }),
    organisations: z.array(z.string()),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
  })
  .openapi('ProvenanceLink');
sameShape<z.output<typeof ProvenanceLink>, Omit<domain.ProvenanceLink, 'events'> & { events: Array<domain.ProvenanceEvent & { blockNumber?: number }> }>(true);

export const Anomaly = z
  .strictObject({ type: z.enum(ANOMALY_TYPES), eventIds: z.array(z.string()), detail: z.string() })
  .openapi('Anomaly');
sameShape<z.output<typeof Anomaly>, domain.Anomaly>(true);

export const Provenance = z
  .strictObject({
    lot: z.strictObject({
      lotId: z.string(),
      product: z.string(),
      htsCode: z.string(),
      originCountry: z.string(),
      quantity: z.number(),
      unit: z.string(),
      epcs: z.array(z.string()).openapi({ description: 'empty in a summary' }),
      ownerMsp: z.string(),
      importerMsp: z.string().nullable(),
      packedAt: z.string().nullable(),
      parentChain: z.array(z.string()).openapi({ description: 'ancestor lot ids, parent first' }),
    }),
    completeness: Completeness,
    links: z.array(ProvenanceLink),
    anomalies: z.array(Anomaly),
    detail: z.enum(['full', 'summary']).openapi({ description: '`summary`: coverage and completeness only (not an auditor, not the own lot)' }),
    queryMs: z.number().openapi({ description: 'time the gateway took to answer, ms' }),
  })
  .openapi('Provenance');
sameShape<
  z.output<typeof Provenance>,
  Omit<domain.Provenance, 'links'> & { links: Array<z.output<typeof ProvenanceLink>>; queryMs: number }
>(true);
