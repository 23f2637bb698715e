/**
 * Answers of /v1/organisations, /v1/facilities and /v1/devices, and the parties and facilities a
 * provenance lists: the chaincode's OrganisationView, FacilityRecord, FacilityRef, Party and
 * DeviceRecord, each proven equal to the exported domain type at compile time.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../../quiet-chaincode';
import type * as domain from '@acetrace/chaincode';
import { FACILITY_TYPES, ROLES, SUPPLY_CHAIN_ROLES } from '@acetrace/chaincode';
import { RecordedLocation } from './events';
import { listPage } from './list-page';
import { sameShape } from './same-shape';

extendZodWithOpenApi(z);

const Time = z.string().openapi({ format: 'date-time' });

export const OrganisationView = z
  .strictObject({
    mspId: z.string(),
    legalName: z.string().nullable().openapi({ description: 'null until its admin registers a profile' }),
    country: z.string().nullable(),
    address: z.string().nullable(),
    roles: z.array(z.enum(SUPPLY_CHAIN_ROLES)).openapi({ description: 'supply-chain roles (grower, ginner, carrier, ...)' }),
    acetraceRoles: z
      .array(z.enum(ROLES))
      .nullable()
      .openapi({ description: 'acetrace roles its compliance officers act as; null when none registered' }),
    registeredAt: Time.nullable(),
    txId: z.string().nullable(),
  })
  .openapi('Organisation');
sameShape<z.output<typeof OrganisationView>, domain.OrganisationView>(true);

/** 201/200 of PUT /v1/organisations/{mspId}. */
export const PutOrganisationResponse = z
  .strictObject({
    organisation: OrganisationView,
    created: z.boolean().openapi({ description: 'true for a first profile (201); false for a change or an identical repeat (200)' }),
    txId: z.string().openapi({ description: 'the transaction of this call' }),
  })
  .openapi('PutOrganisationResponse');

export const ListOrganisationsResponse = z
  .strictObject({ organisations: z.array(OrganisationView) })
  .openapi('ListOrganisationsResponse');
sameShape<z.output<typeof ListOrganisationsResponse>, { organisations: domain.OrganisationView[] }>(true);

export const FacilityRecord = z
  .strictObject({
    gln: z.string().openapi({ description: '13 digits, GS1 check digit verified', example: '6901234000016' }),
    name: z.string(),
    address: z.string().nullable(),
    country: z.string(),
    subdivision: z.string().nullable().openapi({ description: 'ISO 3166-2, e.g. CN-XJ' }),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
    type: z.enum(FACILITY_TYPES),
    mspId: z.string().openapi({ description: 'the operating organisation (the registering admin’s MSP)' }),
    registeredBy: z.string(),
    registeredAt: Time,
    txId: z.string(),
  })
  .openapi('Facility');
sameShape<z.output<typeof FacilityRecord>, domain.FacilityRecord>(true);

/** 201/200 of POST /v1/facilities. */
export const RegisterFacilityResponse = z
  .strictObject({
    facility: FacilityRecord,
    created: z.boolean().openapi({ description: 'false for an identical repeat or an update by its operator (200)' }),
  })
  .openapi('RegisterFacilityResponse');

export const ListFacilitiesResponse = listPage('facilities', FacilityRecord).openapi('ListFacilitiesResponse');
sameShape<z.output<typeof ListFacilitiesResponse>, domain.FacilityPage>(true);

/** A registered facility as a provenance names it (an event's location, a party's facilities). */
export const FacilityRef = z
  .strictObject({
    gln: z.string(),
    name: z.string(),
    type: z.enum(FACILITY_TYPES),
    country: z.string(),
    subdivision: z.string().nullable(),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
    mspId: z.string(),
  })
  .openapi('FacilityRef');
sameShape<z.output<typeof FacilityRef>, domain.FacilityRef>(true);

export const Party = z
  .strictObject({
    mspId: z.string(),
    legalName: z.string().nullable().openapi({ description: 'null when the organisation registered no profile' }),
    country: z.string().nullable(),
    roles: z.array(z.enum(SUPPLY_CHAIN_ROLES)),
    facilities: z.array(FacilityRef).openapi({ description: 'its facilities named in this provenance' }),
  })
  .openapi('Party');
sameShape<z.output<typeof Party>, domain.Party>(true);

/** 201/200 of POST /v1/devices: the device and whether this call created it. */
export const DeviceResponse = z
  .strictObject({
    deviceId: z.string(),
    mspId: z.string(),
    link: z.number().int().min(1).max(12).nullable(),
    location: RecordedLocation.nullable(),
    registeredBy: z.string(),
    registeredAt: Time,
    txId: z.string(),
    created: z.boolean().openapi({ description: 'false for an identical repeat or an update by its organisation (200)' }),
  })
  .openapi('DeviceResponse');
sameShape<z.output<typeof DeviceResponse>, domain.DeviceRecord & { created: boolean }>(true);
