/** Use case on devices: register one of its own organisation (admin). */
import type { Principal } from '../auth/principals';
import { requireRole } from '../auth/authenticate';
import type { DeviceRecord, Registered } from '../ports/ledger';
import type { DeviceBody } from '../schemas';
import { LedgerService } from './ledger-service';
import { ADMIN_ROLES } from './organisations.service';

export class DevicesService extends LedgerService {

  /**
   * Registers (or updates) a device of the caller's organisation. @throws AccessDeniedError for a role other than
   * admin; the chaincode refuses another organisation's MSP id (403) and a device id another organisation holds (409).
   */
  register(principal: Principal, body: DeviceBody): Promise<Registered<DeviceRecord>> {
    requireRole(principal, ADMIN_ROLES, 'register devices');
    return this.ledger.registerDevice(principal.identity, {
      deviceId: body.deviceId,
      mspId: body.mspId ?? null,
      link: body.link ?? null,
      location: body.location ?? null,
    });
  }
}
