/** Request schemas of the dossier and screening routes (dossier.md). */
import { ID_PATTERN } from '@acetrace/chaincode';
import { z } from 'zod';
import './common';

export const DossierQuery = z
  .strictObject({
    format: z.enum(['pdf', 'zip', 'json']).default('pdf').openapi({ description: '`pdf` (default), `zip` (PDF, provenance, exhibits, manifest) or `json` (the data)' }),
  })
  .openapi('DossierQuery');

export const ScreeningListParams = z.object({
  name: z.string().regex(ID_PATTERN, 'must be 1-128 characters of A-Za-z0-9._:-').openapi({ example: 'uflpa-entity-list' }),
});

const ListVersion = z.strictObject({
  name: z.string(),
  sha256: z.string(),
  uploadedAt: z.string().openapi({ format: 'date-time' }),
  uploadedBy: z.string(),
  format: z.enum(['csv', 'opensanctions-jsonl']),
  entries: z.number().int(),
});

export const ScreeningListVersion = ListVersion.openapi('ScreeningListVersion');
export const ScreeningListsResponse = z.strictObject({ lists: z.array(ListVersion) }).openapi('ScreeningListsResponse');
export const ScreeningListResponse = z
  .strictObject({
    list: ListVersion,
    entities: z.array(z.strictObject({ name: z.string(), aliases: z.array(z.string()), country: z.string().nullable(), address: z.string().nullable(), sourceId: z.string() })),
  })
  .openapi('ScreeningListResponse');
