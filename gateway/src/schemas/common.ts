/** Shared zod building blocks of the API contract (api.md "Core shapes"). */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/** The 12 supply-chain links of domain.md, in order: number → API name, phase, CBV bizStep. */
export const LINK_TABLE = [
  { link: 1, name: 'raw-material-sourcing', phase: 'production', bizStep: 'commissioning' },
  { link: 2, name: 'component-processing', phase: 'production', bizStep: 'transforming' },
  { link: 3, name: 'manufacturing', phase: 'production', bizStep: 'assembling' },
  { link: 4, name: 'quality-inspection', phase: 'production', bizStep: 'inspecting' },
  { link: 5, name: 'packaging', phase: 'production', bizStep: 'packing' },
  { link: 6, name: 'origin-warehousing', phase: 'storage', bizStep: 'storing' },
  { link: 7, name: 'inland-transport', phase: 'transport', bizStep: 'transporting' },
  { link: 8, name: 'export-clearance', phase: 'transport', bizStep: 'departing' },
  { link: 9, name: 'port-of-loading', phase: 'transport', bizStep: 'loading' },
  { link: 10, name: 'international-transit', phase: 'transport', bizStep: 'transporting' },
  { link: 11, name: 'us-port-of-entry', phase: 'transport', bizStep: 'arriving' },
  { link: 12, name: 'us-distribution', phase: 'storage', bizStep: 'receiving' },
] as const;

export const LINK_NAMES = LINK_TABLE.map((l) => l.name) as unknown as readonly [string, ...string[]];

/** Link number for a name, or undefined. */
export function linkNumber(name: string): number | undefined {
  return LINK_TABLE.find((l) => l.name === name)?.link;
}

export const EVIDENCE_TYPES = [
  'po',
  'invoice',
  'packing-list',
  'bill-of-lading',
  'certificate-of-origin',
  'export-declaration',
  'entry',
  'lab-report',
  'photo',
  'other',
] as const;
export const ROLES = ['viewer', 'supplier', 'logistics', 'broker', 'auditor', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Ids: 1-128 characters of `A-Za-z0-9._:-`. */
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'must be 1-128 characters of A-Za-z0-9._:-')
  .openapi({ example: 'LOT-2026-0001' });

/** ISO 8601 date-time with an offset (`Z` or `±hh:mm`). */
export const IsoTime = z.iso
  .datetime({ offset: true, local: false })
  .openapi({ example: '2026-11-20T08:15:00+08:00', format: 'date-time' });

/** A link, given as its number 1-12 or its name; always a number after parsing. */
export const LinkRef = z
  .union([z.number().int().min(1).max(12), z.enum(LINK_NAMES)])
  .transform((v) => (typeof v === 'number' ? v : (linkNumber(v) as number)))
  .openapi({ description: 'link number 1-12 or its name (e.g. `inland-transport`)', example: 7 });

/** Same as {@link LinkRef} for query strings ("7" or "inland-transport"). */
export const LinkQuery = z
  .string()
  .refine((s) => (/^\d{1,2}$/.test(s) && Number(s) >= 1 && Number(s) <= 12) || linkNumber(s) !== undefined, {
    message: 'must be a link number 1-12 or a link name',
  })
  .transform((s) => (/^\d+$/.test(s) ? Number(s) : (linkNumber(s) as number)))
  .openapi({ type: 'string', example: 'inland-transport' });

export const MspId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be an MSP id')
  .openapi({ example: 'Org1MSP' });

/** An EPC in any accepted spelling (tag URI, pure-identity URN, GS1 Digital Link, SGTIN-96/SSCC-96 hex). */
export const Epc = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .openapi({ example: 'urn:epc:id:sgtin:0614141.112345.400' });
