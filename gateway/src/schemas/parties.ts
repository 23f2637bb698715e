/**
 * Request schemas of /v1/organisations, /v1/facilities and /v1/devices (api.md), built from the
 * chaincode's own rules and limits so they accept exactly what its validators accept; the
 * answers are in responses/parties.ts.
 */
import '../quiet-chaincode';
import {
  FACILITY_TYPES, ID_PATTERN, MAX_ADDRESS_LENGTH, MAX_NAME_LENGTH, MSP_PATTERN,
  SUBDIVISION_PATTERN, SUPPLY_CHAIN_ROLES, isGln, normaliseCountry,
} from '@acetrace/chaincode';
import { z } from 'zod';
import { PageQuery } from './common';
import { Location } from './events';

/** A non-blank string of at most `max` characters. */
const Text = (max: number): z.ZodString =>
  z
    .string()
    .max(max, `must be at most ${String(max)} characters`)
    .refine((s) => s.trim().length > 0, 'must be a non-empty string');

const Msp = z.string().regex(MSP_PATTERN, 'must be an MSP id (1-128 of A-Za-z0-9._-)').openapi({ example: 'Org1MSP' });

/** An assigned ISO 3166-1 alpha-2 code, any case (the chaincode upper-cases it). */
const Country = z
  .string()
  .refine((s) => normaliseCountry(s) !== undefined, 'must be an ISO 3166-1 alpha-2 code, e.g. CN')
  .openapi({ example: 'CN' });

/** A GLN: 13 digits with a valid GS1 check digit. */
export const Gln = z
  .string()
  .refine(isGln, 'must be a 13-digit GLN with a valid check digit')
  .openapi({ example: '6901234000016' });

export const MspIdParams = z.object({ mspId: Msp });
/** GET /v1/organisations takes no query (organisations on a channel are few): an unknown parameter is a typo. */
export const ListOrganisationsQuery = z.strictObject({}).openapi('ListOrganisationsQuery');
export const GlnParams = z.object({ gln: Gln });

/** Body of PUT /v1/organisations/{mspId}: the organisation's profile (the MSP id is the path's). */
export const OrganisationProfileBody = z
  .strictObject({
    legalName: Text(MAX_NAME_LENGTH).openapi({ example: 'Aksu Golden Field Cotton Cooperative' }),
    country: Country,
    address: Text(MAX_ADDRESS_LENGTH).nullable().optional(),
    roles: z.array(z.enum(SUPPLY_CHAIN_ROLES)).openapi({ description: 'supply-chain roles', example: ['grower', 'ginner'] }),
  })
  .openapi('OrganisationProfileInput');
export type OrganisationProfileBody = z.infer<typeof OrganisationProfileBody>;

/** Body of POST /v1/facilities: a facility of the caller's organisation. */
export const FacilityBody = z
  .strictObject({
    gln: Gln,
    name: Text(MAX_NAME_LENGTH).openapi({ example: 'Aksu ginning mill no. 3' }),
    address: Text(MAX_ADDRESS_LENGTH).nullable().optional(),
    country: Country,
    subdivision: z
      .string()
      .refine((s) => SUBDIVISION_PATTERN.test(s.trim().toUpperCase()), 'must be an ISO 3166-2 code, e.g. CN-XJ')
      .nullable()
      .optional()
      .openapi({ example: 'CN-XJ' }),
    lat: z.number().min(-90).max(90).nullable().optional(),
    lon: z.number().min(-180).max(180).nullable().optional(),
    type: z.enum(FACILITY_TYPES),
  })
  .superRefine((f, ctx) => {
    if ((f.lat == null) !== (f.lon == null)) {
      ctx.addIssue({ code: 'custom', path: [f.lat == null ? 'lat' : 'lon'], message: 'is required when the other coordinate is given' });
    }
    const country = normaliseCountry(f.country);
    if (f.subdivision != null && country !== undefined && !f.subdivision.trim().toUpperCase().startsWith(`${country}-`)) {
      ctx.addIssue({ code: 'custom', path: ['subdivision'], message: `must be a subdivision of ${country} (${country}-…)` });
    }
  })
  .openapi('FacilityInput');
export type FacilityBody = z.infer<typeof FacilityBody>;

export const ListFacilitiesQuery = z
  .strictObject({
    mspId: Msp.optional(),
    country: Country.optional(),
    ...PageQuery,
  })
  .openapi('ListFacilitiesQuery');
export type ListFacilitiesQuery = z.infer<typeof ListFacilitiesQuery>;

/** Body of POST /v1/devices: a device (reader, GPS tracker) of the caller's organisation. */
export const DeviceBody = z
  .strictObject({
    deviceId: z.string().regex(ID_PATTERN, 'must be 1-128 characters of A-Za-z0-9._:-').openapi({ example: 'truck-88-gps' }),
    mspId: Msp.nullable().optional().openapi({ description: 'must be the caller’s own organisation (the default)' }),
    link: z.number().int().min(1).max(12).nullable().optional().openapi({ description: 'the link it usually records' }),
    location: Location.nullable().optional(),
  })
  .openapi('DeviceInput');
export type DeviceBody = z.infer<typeof DeviceBody>;
