/**
 * Shared zod building blocks of the API contract (api.md "Core shapes"). Every rule is the
 * chaincode's own (`@acetrace/chaincode`): these schemas accept exactly what it accepts, and add
 * only the OpenAPI description.
 */
// Before the package index: it loads the contract (fabric-contract-api), whose loggers are loud.
import '../quiet-chaincode';
import {
  EpcFormatError, ID_PATTERN, LINK_COUNT, LINKS, MAX_BOOKMARK_LENGTH, MAX_PAGE_SIZE, MSP_PATTERN, linkFromName, normaliseEpc, parseInstant,
} from '@acetrace/chaincode';
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/** The paging members of a query string: a page size of 1 to `maxPageSize` and the previous page's bookmark. */
export function pageQuery(maxPageSize: number): {
  pageSize: z.ZodOptional<z.ZodPipe<z.ZodString, z.ZodTransform<number, string>>>;
  bookmark: z.ZodOptional<z.ZodString>;
} {
  const pageSizeMessage = `must be an integer 1-${String(maxPageSize)}`;
  return {
    pageSize: z
      .string()
      .regex(/^\d+$/, pageSizeMessage)
      .transform(Number)
      .refine((n) => n >= 1 && n <= maxPageSize, pageSizeMessage)
      .optional()
      .openapi({ type: 'string', example: '50' }),
    bookmark: z.string().max(MAX_BOOKMARK_LENGTH).optional(),
  };
}

/** The paging members of a list query (GET /v1/lots, /v1/facilities). */
export const PageQuery = pageQuery(MAX_PAGE_SIZE);

/** Ids: 1-128 characters of `A-Za-z0-9._:-`. */
export const Id = z
  .string()
  .regex(ID_PATTERN, 'must be 1-128 characters of A-Za-z0-9._:-')
  .openapi({ example: 'LOT-2026-0001' });

/** ISO 8601 date-time with an offset (`Z` or `±hh:mm`), read by the chaincode's parseInstant. */
export const IsoTime = z
  .string()
  .refine((s) => parseInstant(s) !== undefined, 'must be an ISO 8601 date-time with offset, e.g. 2026-11-20T08:15:00+08:00')
  .openapi({ example: '2026-11-20T08:15:00+08:00', format: 'date-time' });

/** A non-blank string of at most `max` characters (product, reason). */
export function Text(max: number): z.ZodString {
  return z.string().refine((s) => s.trim().length > 0, 'must be a non-empty string').max(max);
}

const LINK_NAME_LIST = LINKS.map((l) => l.name).join(', ');

/** A link, given as its number 1-12 or its name (any case); always a number after parsing. */
export const LinkRef = z
  .union([
    z.number().int().min(1).max(LINK_COUNT),
    z.string().refine((s) => linkFromName(s) !== undefined, `must be a link number 1-${String(LINK_COUNT)} (or its name)`),
  ])
  .transform((v) => (typeof v === 'number' ? v : (linkFromName(v)?.number ?? 0)))
  .openapi({ description: `link number 1-${String(LINK_COUNT)} or its name: ${LINK_NAME_LIST}`, example: 7 });

/** Same as {@link LinkRef} for query strings ("7" or "inland-transport"). */
export const LinkQuery = z
  .string()
  .refine((s) => linkFromQuery(s) !== undefined, `must be a link number 1-${String(LINK_COUNT)} or a link name`)
  .transform((s) => linkFromQuery(s) ?? 0)
  .openapi({ type: 'string', description: `link number 1-${String(LINK_COUNT)} or its name: ${LINK_NAME_LIST}`, example: 'inland-transport' });

function linkFromQuery(s: string): number | undefined {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n >= 1 && n <= LINK_COUNT ? n : undefined;
  }
  return linkFromName(s)?.number;
}

export const MspId = z.string().regex(MSP_PATTERN, 'must be an MSP id').openapi({ example: 'Org1MSP' });

/** An EPC as a reader reports it, checked only for plausibility (readings report bad ones per read). */
export const Epc = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .openapi({ example: 'urn:epc:id:sgtin:0614141.112345.400' });

/**
 * An EPC the chaincode can read, in any accepted spelling (pure-identity URN, tag URI, GS1
 * Digital Link, SGTIN-96/SSCC-96 hex): checked with its normaliseEpc, passed on as given.
 */
export const LedgerEpc = z
  .string()
  .superRefine((s, ctx) => {
    try {
      normaliseEpc(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof EpcFormatError ? err.message : 'is not a readable EPC' });
    }
  })
  .openapi({
    description: 'pure-identity URN, tag URI, GS1 Digital Link or SGTIN-96/SSCC-96 hex',
    example: 'urn:epc:id:sgtin:0614141.112345.400',
  });
