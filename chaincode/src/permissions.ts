/**
 * The 7 permission levels of domain.md, as pure decisions. Refusals name the role, the MSP,
 * what was asked and what would have been needed.
 */
import { accessDenied, type ChaincodeError } from './errors';
import { describeLink, LINKS } from './links';
import type { Caller, EventKind, LotRecord, Role } from './types';

/** Roles that post events, with the links each may post. */
export const POSTING_LINKS: Readonly<Record<'supplier' | 'logistics' | 'broker', readonly number[]>> = {
  supplier: [1, 2, 3, 4, 5],
  logistics: [6, 7, 8, 9, 10, 12],
  broker: [8, 11],
};
/** domain.md: logistics posts RFID, GPS and handover events; carriers and warehouses also pack and unpack (aggregation). */
export const LOGISTICS_KINDS: readonly EventKind[] = ['rfid', 'gps', 'handover', 'aggregation'];
/** Roles that may register lots. */
export const LOT_REGISTERING_ROLES: readonly Role[] = ['supplier', 'broker'];
/** A compliance officer's organisation roles when the admin has registered none for the MSP. */
export const DEFAULT_ORGANISATION_ROLES: readonly Role[] = ['supplier', 'logistics', 'broker'];

type PostingRole = keyof typeof POSTING_LINKS;
const POSTING_ROLES = Object.keys(POSTING_LINKS) as PostingRole[];

/**
 * The posting roles the caller acts with: its own, or for compliance the roles its organisation
 * holds (registered by an admin; DEFAULT_ORGANISATION_ROLES when none are registered).
 */
export function actingRoles(caller: Caller, organisationRoles?: readonly Role[] | null): Role[] {
  if (caller.role !== 'compliance') return [caller.role];
  const roles = organisationRoles ?? DEFAULT_ORGANISATION_ROLES;
  return roles.filter((r) => r !== 'compliance' && r !== 'admin');
}

function roleAllows(role: Role, link: number, kind: EventKind): 'yes' | 'link' | 'kind' {
  if (!(POSTING_ROLES as string[]).includes(role)) return 'link';
  if (!POSTING_LINKS[role as PostingRole].includes(link)) return 'link';
  if (role === 'logistics' && !LOGISTICS_KINDS.includes(kind)) return 'kind';
  return 'yes';
}

const orList = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? 'nothing') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;

/** Roles that may post this link at all (compliance always listed: it acts for its organisation). */
export function rolesForLink(link: number): Role[] {
  return [...POSTING_ROLES.filter((r) => POSTING_LINKS[r].includes(link)), 'compliance'];
}

/** Refusal for posting an event, or undefined if allowed. */
export function checkPost(caller: Caller, link: number, kind: EventKind, organisationRoles?: readonly Role[] | null): ChaincodeError | undefined {
  const acting = actingRoles(caller, organisationRoles);
  const verdicts = acting.map((r) => roleAllows(r, link, kind));
  if (verdicts.includes('yes')) return undefined;
  const who = `role ${caller.role} of ${caller.mspId}`;
  const orgNote = caller.role === 'compliance' ? ` among ${caller.mspId}'s roles (${acting.join(', ') || 'none'})` : '';
  if (verdicts.includes('kind')) {
    return accessDenied(
      `${who} may not post a ${kind} event on link ${describeLink(link)}; logistics needs kind ${orList(LOGISTICS_KINDS)}` +
        `, other kinds need ${orList(rolesForLink(link).filter((r) => r !== 'logistics'))}${orgNote}`,
    );
  }
  const needed = caller.role === 'compliance' ? rolesForLink(link).filter((r) => r !== 'compliance') : rolesForLink(link);
  return accessDenied(`${who} may not post link ${describeLink(link)}; needs ${orList(needed)}${orgNote}`);
}

/** Refusal for registering a lot, or undefined if allowed. */
export function checkRegisterLot(caller: Caller, organisationRoles?: readonly Role[] | null): ChaincodeError | undefined {
  const acting = actingRoles(caller, organisationRoles);
  if (acting.some((r) => LOT_REGISTERING_ROLES.includes(r))) return undefined;
  const orgNote = caller.role === 'compliance' ? ` among ${caller.mspId}'s roles (${acting.join(', ') || 'none'})` : '';
  return accessDenied(
    `role ${caller.role} of ${caller.mspId} may not register lots; needs ${orList([...LOT_REGISTERING_ROLES, 'compliance'])}${orgNote}`,
  );
}

/** Refusal for a correction of an event recorded by `originalRecordedBy`, or undefined. */
export function checkCorrection(caller: Caller, originalRecordedBy: string, originalEventId: string): ChaincodeError | undefined {
  if (caller.role !== 'compliance') {
    return accessDenied(`role ${caller.role} of ${caller.mspId} may not record corrections; needs compliance`);
  }
  if (originalRecordedBy !== caller.mspId) {
    return accessDenied(
      `role compliance of ${caller.mspId} may not correct event ${originalEventId} recorded by ${originalRecordedBy}; needs compliance of ${originalRecordedBy}`,
    );
  }
  return undefined;
}

/** Refusal for admin-only transactions (devices, organisations), or undefined. */
export function checkAdmin(caller: Caller, what: string): ChaincodeError | undefined {
  return caller.role === 'admin' ? undefined : accessDenied(`role ${caller.role} of ${caller.mspId} may not ${what}; needs admin`);
}

/** True when the caller's organisation owns or imports the lot. */
export function isOwnLot(caller: Caller, lot: Pick<LotRecord, 'ownerMsp' | 'importerMsp'>): boolean {
  return lot.ownerMsp === caller.mspId || lot.importerMsp === caller.mspId;
}

/**
 * How much provenance the caller sees: auditor everything; broker and compliance full for lots
 * their organisation owns or imports; everyone else (and those two for other lots) the summary.
 */
export function provenanceDetail(caller: Caller, lot: Pick<LotRecord, 'ownerMsp' | 'importerMsp'>): 'full' | 'summary' {
  if (caller.role === 'auditor') return 'full';
  if ((caller.role === 'broker' || caller.role === 'compliance') && isOwnLot(caller, lot)) return 'full';
  return 'summary';
}

/** Refusal for reading one event's details, or undefined: auditor, the recording MSP's posting/compliance roles, or full-provenance readers of its lot. */
export function checkReadEvent(
  caller: Caller,
  event: { eventId: string; recordedBy: string },
  lot: Pick<LotRecord, 'ownerMsp' | 'importerMsp'> | undefined,
): ChaincodeError | undefined {
  if (caller.role === 'auditor') return undefined;
  const poster = ['supplier', 'logistics', 'broker', 'compliance'].includes(caller.role);
  if (poster && event.recordedBy === caller.mspId) return undefined;
  if (lot && provenanceDetail(caller, lot) === 'full') return undefined;
  return accessDenied(
    `role ${caller.role} of ${caller.mspId} may not read event ${event.eventId}; needs auditor, a posting role of ${event.recordedBy}, or broker/compliance of the lot's owner or importer`,
  );
}

/** Refusal for reading a lot's ledger history, or undefined: auditor, or full provenance readers of the lot. */
export function checkReadHistory(caller: Caller, lot: LotRecord): ChaincodeError | undefined {
  if (provenanceDetail(caller, lot) === 'full') return undefined;
  return accessDenied(
    `role ${caller.role} of ${caller.mspId} may not read the history of lot ${lot.lotId}; needs auditor, or broker/compliance of ${lot.ownerMsp}${lot.importerMsp ? ` or ${lot.importerMsp}` : ''}`,
  );
}

/** The permission table, for docs and tests: which roles may post which links. */
export function postingMatrix(): Array<{ link: number; name: string; roles: Role[] }> {
  return LINKS.map((l) => ({ link: l.number, name: l.name, roles: rolesForLink(l.number) }));
}
