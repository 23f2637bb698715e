import { expect } from '../chai.test';
import { ConfigError } from '../config';
import { AccessDeniedError } from '../errors';
import type { LedgerPort } from '../ports/ledger';
import { scopeLedgerToOrganisation } from './org-scope';

describe('auth/org-scope: one organisation per gateway', () => {
  const calls: string[] = [];
  const ledger = {
    identities: () => [
      { name: 'org1-supplier', mspId: 'Org1MSP', role: 'supplier' },
      { name: 'org1-viewer', mspId: 'Org1MSP', role: 'viewer' },
      { name: 'org2-logistics', mspId: 'Org2MSP', role: 'logistics' },
    ],
    readLot: (identity: string, lotId: string) => {
      calls.push(`readLot ${identity} ${lotId}`);
      return Promise.resolve({ lotId });
    },
    ping: (identity?: string) => {
      calls.push(`ping ${String(identity)}`);
      return Promise.resolve();
    },
  } as unknown as LedgerPort;

  it('offers only the organisation’s identities, pings as one of them, refuses to act as another organisation', async () => {
    const scoped = scopeLedgerToOrganisation(ledger, 'Org1MSP');
    expect(scoped.identities().map((i) => i.name)).to.deep.equal(['org1-supplier', 'org1-viewer']);
    await scoped.ping();
    expect(await scoped.readLot('org1-viewer', 'LOT-1')).to.deep.equal({ lotId: 'LOT-1' });
    try {
      await scoped.readLot('org2-logistics', 'LOT-1');
      expect.fail('should refuse');
    } catch (err) {
      expect(err).to.be.instanceOf(AccessDeniedError);
    }
    expect(calls).to.deep.equal(['ping org1-supplier', 'readLot org1-viewer LOT-1']);
  });

  it('refuses to start for an organisation the profile has no identity of', () => {
    expect(() => scopeLedgerToOrganisation(ledger, 'Org9MSP')).to.throw(ConfigError, /ACETRACE_ORG_MSP: the connection profile has no identity of Org9MSP \(it has: Org1MSP, Org2MSP\)/);
  });
});
