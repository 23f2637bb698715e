/** Use cases on organisation profiles: put its own (admin), read one or all (any role). Sees only the ledger port. */
import type { Principal } from '../auth/principals';
import { requireRole } from '../auth/authenticate';
import type { LedgerPort, OrganisationView, Registered } from '../ports/ledger';
import type { OrganisationProfileBody } from '../schemas';

/** Roles that register an organisation's own profile, facilities and devices (the chaincode checks again). */
export const ADMIN_ROLES: ReadonlySet<string> = new Set(['admin']);

export class OrganisationsService {
  readonly #ledger: LedgerPort;
  constructor(ledger: LedgerPort) {
    this.#ledger = ledger;
  }

  /**
   * Puts the profile of `mspId`; the chaincode refuses (ACCESS_DENIED, naming the rule) an admin of another organisation.
   * @throws AccessDeniedError for a role other than admin
   */
  put(principal: Principal, mspId: string, body: OrganisationProfileBody): Promise<Registered<OrganisationView>> {
    requireRole(principal, ADMIN_ROLES, 'register organisation profiles');
    return this.#ledger.putOrganisationProfile(principal.identity, {
      mspId,
      legalName: body.legalName,
      country: body.country,
      address: body.address ?? null,
      roles: body.roles,
    });
  }

  read(principal: Principal, mspId: string): Promise<OrganisationView> {
    return this.#ledger.getOrganisation(principal.identity, mspId);
  }

  async list(principal: Principal): Promise<{ organisations: OrganisationView[] }> {
    return { organisations: await this.#ledger.listOrganisations(principal.identity) };
  }
}
