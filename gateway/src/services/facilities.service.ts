/** Use cases on facilities: register one of its own organisation (admin), read and list them (any role). */
import type { Principal } from '../auth/principals';
import { requireRole } from '../auth/authenticate';
import { definedMembers } from '../defined-members';
import type { FacilityPage, FacilityRecord, Registered } from '../ports/ledger';
import type { FacilityBody, ListFacilitiesQuery } from '../schemas';
import { LedgerService } from './ledger-service';
import { ADMIN_ROLES } from './organisations.service';

export class FacilitiesService extends LedgerService {

  /**
   * Registers a facility operated by the caller's organisation: `created` tells a new GLN (201) from a repeat or
   * an update by its operator (200). @throws AccessDeniedError for a role other than admin; a GLN another
   * organisation registered is a ledger CONFLICT (409).
   */
  register(principal: Principal, body: FacilityBody): Promise<Registered<FacilityRecord>> {
    requireRole(principal, ADMIN_ROLES, 'register facilities');
    return this.ledger.registerFacility(principal.identity, {
      gln: body.gln,
      name: body.name,
      address: body.address ?? null,
      country: body.country,
      subdivision: body.subdivision ?? null,
      lat: body.lat ?? null,
      lon: body.lon ?? null,
      type: body.type,
    });
  }

  read(principal: Principal, gln: string): Promise<FacilityRecord> {
    return this.ledger.getFacility(principal.identity, gln);
  }

  list(principal: Principal, q: ListFacilitiesQuery): Promise<FacilityPage> {
    return this.ledger.listFacilities(principal.identity, definedMembers(q, ['mspId', 'country', 'pageSize', 'bookmark']));
  }
}
