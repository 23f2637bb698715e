/**
 * Parties and facilities (domain.md "Parties and facilities"), as pure rules: an admin registers
 * only its own organisation's profile, roles, facilities and devices; an id once registered by one
 * organisation is never taken over; the parties and facilities a provenance lists.
 */
import { accessDenied, conflict, type ChaincodeError } from './errors';
import type {
  Caller, FacilityRecord, FacilityRef, OrganisationProfile, OrganisationRecord, OrganisationView, Party,
} from './types';

/** The rule a refused admin write names. */
export const OWN_ORGANISATION_RULE = 'an admin registers only its own organisation’s profile, roles, facilities and devices';
/** The rule a refused take-over names. */
export const NO_TAKEOVER_RULE = 'a facility GLN or device id belongs to the first organisation that registers it and is never taken over';

/** Refusal when an admin names another organisation, or undefined. */
export function checkOwnOrganisation(caller: Caller, mspId: string, what: string): ChaincodeError | undefined {
  if (mspId === caller.mspId) return undefined;
  return accessDenied(`admin of ${caller.mspId} may not register ${what} for ${mspId}; ${OWN_ORGANISATION_RULE}`);
}

/** Refusal (CONFLICT: the id is taken) when a facility or device id is already another organisation's, or undefined. */
export function checkNoTakeover(caller: Caller, what: string, id: string, holder: string | undefined): ChaincodeError | undefined {
  if (holder === undefined || holder === caller.mspId) return undefined;
  return conflict(`${what} ${id} is registered to ${holder}, not ${caller.mspId}; ${NO_TAKEOVER_RULE}`);
}

/** A facility as events and parties show it. */
export function facilityRef(f: FacilityRecord): FacilityRef {
  return { gln: f.gln, name: f.name, type: f.type, country: f.country, subdivision: f.subdivision, lat: f.lat, lon: f.lon, mspId: f.mspId };
}

/** GetOrganisation's answer from the profile and the acetrace roles record (either may be missing). */
export function organisationView(mspId: string, profile: OrganisationProfile | undefined, roles: OrganisationRecord | undefined): OrganisationView {
  const registration = profile ?? roles;
  return {
    mspId,
    ...profileFields(profile),
    acetraceRoles: roles ? roles.roles : null,
    registeredAt: registration ? registration.registeredAt : null,
    txId: registration ? registration.txId : null,
  };
}

/** The profile's part of GetOrganisation's answer, nulls (and no roles) when none is registered. */
function profileFields(profile: OrganisationProfile | undefined): Pick<OrganisationView, 'legalName' | 'country' | 'address' | 'roles'> {
  if (!profile) return { legalName: null, country: null, address: null, roles: [] };
  return { legalName: profile.legalName, country: profile.country, address: profile.address ?? null, roles: profile.roles };
}

/**
 * The parties of a provenance: every organisation in `mspIds` (sorted), with its profile (nulls when
 * none is registered) and those of `facilities` it operates.
 */
export function partiesOf(
  mspIds: Iterable<string>,
  profiles: ReadonlyMap<string, OrganisationProfile | undefined>,
  facilities: readonly FacilityRecord[],
): Party[] {
  const ids = [...new Set([...mspIds, ...facilities.map((f) => f.mspId)])].sort();
  return ids.map((mspId) => {
    const p = profiles.get(mspId);
    return {
      mspId,
      legalName: p?.legalName ?? null,
      country: p?.country ?? null,
      roles: p?.roles ?? [],
      facilities: facilities.filter((f) => f.mspId === mspId).map(facilityRef).sort((a, b) => (a.gln < b.gln ? -1 : 1)),
    };
  });
}
