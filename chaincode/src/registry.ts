/**
 * What the admin transactions do between validation and answer: devices, the acetrace roles and the
 * profile of the admin's own organisation, and its facilities. An admin never writes for another
 * organisation, and a device id or facility GLN registered by one organisation is never taken over
 * (parties.ts holds the rules). The contract checks the admin role first and sets the event.
 */
import type { TraceabilityContext } from './context';
import { canonicalJson } from './keys';
import { checkNoTakeover, checkOwnOrganisation, organisationView } from './parties';
import type { Store } from './store';
import type {
  DeviceInput, DeviceRecord, FacilityInput, FacilityRecord, OrganisationInput, OrganisationProfile,
  OrganisationProfileInput, OrganisationRecord, OrganisationView,
} from './types';

/** Same registered content (ignoring who/when/which transaction). */
function sameContent<T extends object>(a: T, b: T, fields: ReadonlyArray<keyof T>): boolean {
  return fields.every((f) => canonicalJson(a[f] ?? null) === canonicalJson(b[f] ?? null));
}

/**
 * Registers (or updates) a device of the caller's organisation. @returns the record and whether it is
 * new; an identical repeat writes nothing (`written: false`).
 * @throws ACCESS_DENIED for another organisation's MSP id or a device id another organisation holds
 */
export async function registerDevice(ctx: TraceabilityContext, input: Required<DeviceInput>): Promise<{ device: DeviceRecord; created: boolean; written: boolean }> {
  const { caller, store } = ctx;
  const denied = checkOwnOrganisation(caller, input.mspId ?? caller.mspId, 'devices');
  if (denied) throw denied;
  const existing = await store.getDevice(input.deviceId);
  const takeover = checkNoTakeover(caller, 'device', input.deviceId, existing?.mspId);
  if (takeover) throw takeover;
  const device: DeviceRecord = {
    deviceId: input.deviceId, mspId: caller.mspId, link: input.link, location: input.location,
    registeredBy: caller.mspId, registeredAt: ctx.txTime, txId: ctx.txId,
  };
  if (existing && sameContent(existing, device, ['mspId', 'link', 'location'])) return { device: existing, created: false, written: false };
  await store.putDevice(device);
  return { device, created: !existing, written: true };
}

/**
 * Registers the roles the caller's own organisation holds (what its compliance officers act as).
 * @throws ACCESS_DENIED for another organisation
 */
export async function registerOrganisationRoles(ctx: TraceabilityContext, input: OrganisationInput): Promise<OrganisationRecord> {
  const { caller, store } = ctx;
  const denied = checkOwnOrganisation(caller, input.mspId, 'roles');
  if (denied) throw denied;
  const record: OrganisationRecord = { ...input, registeredBy: caller.mspId, registeredAt: ctx.txTime, txId: ctx.txId };
  await store.putOrganisation(record);
  return record;
}

/**
 * Puts the caller's own organisation profile (PUT semantics: it replaces the previous one).
 * @returns the organisation as GetOrganisation shows it, whether the profile is new, and whether anything was written
 * @throws ACCESS_DENIED for another organisation
 */
export async function putOrganisationProfile(
  ctx: TraceabilityContext,
  input: OrganisationProfileInput,
): Promise<{ organisation: OrganisationView; created: boolean; written: boolean }> {
  const { caller, store } = ctx;
  const denied = checkOwnOrganisation(caller, input.mspId, 'a profile');
  if (denied) throw denied;
  const existing = await store.getProfile(input.mspId);
  const roles = await store.getOrganisation(input.mspId);
  const profile: OrganisationProfile = { ...input, registeredBy: caller.mspId, registeredAt: ctx.txTime, txId: ctx.txId };
  if (existing && sameContent(existing, profile, ['legalName', 'country', 'address', 'roles'])) {
    return { organisation: organisationView(input.mspId, existing, roles), created: false, written: false };
  }
  await store.putProfile(profile);
  return { organisation: organisationView(input.mspId, profile, roles), created: !existing, written: true };
}

/**
 * Registers a facility operated by the caller's organisation; its operator may update it, nobody
 * else may take its GLN. @throws ACCESS_DENIED when another organisation registered the GLN
 */
export async function registerFacility(ctx: TraceabilityContext, input: FacilityInput): Promise<{ facility: FacilityRecord; created: boolean; written: boolean }> {
  const { caller, store } = ctx;
  const existing = await store.getFacility(input.gln);
  const takeover = checkNoTakeover(caller, 'facility', input.gln, existing?.mspId);
  if (takeover) throw takeover;
  const facility: FacilityRecord = { ...input, mspId: caller.mspId, registeredBy: caller.mspId, registeredAt: ctx.txTime, txId: ctx.txId };
  const fields: ReadonlyArray<keyof FacilityRecord> = ['name', 'address', 'country', 'subdivision', 'lat', 'lon', 'type'];
  if (existing && sameContent(existing, facility, fields)) return { facility: existing, created: false, written: false };
  await store.putFacility(facility, existing);
  return { facility, created: !existing, written: true };
}

/** Every organisation with a profile or registered roles, by MSP id. */
export async function listOrganisations(store: Store): Promise<OrganisationView[]> {
  const profiles = new Map((await store.profiles()).map((p) => [p.mspId, p]));
  const roles = new Map((await store.organisations()).map((r) => [r.mspId, r]));
  const ids = [...new Set([...profiles.keys(), ...roles.keys()])].sort();
  return ids.map((id) => organisationView(id, profiles.get(id), roles.get(id)));
}
