import { expect } from './chai.test';
import { LINKS } from './links';
import {
  actingRoles, checkAdmin, checkCorrection, checkPost, checkReadEvent, checkReadHistory, checkRegisterLot,
  provenanceDetail, rolesForLink,
} from './permissions';
import { EVENT_KINDS, ROLES, type Caller, type LotRecord, type Role } from './types';

const as = (role: Role, mspId = 'Org2MSP'): Caller => ({ role, mspId });
const lot = (ownerMsp: string, importerMsp: string | null = null): LotRecord => ({
  lotId: 'L1', product: 'p', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 1, unit: 'EA', epcs: [],
  parentLotId: null, importerMsp, packedAt: null, ownerMsp, registeredAt: '', txId: '', contentHash: '',
});

/** domain.md's table: which links each role may post (kind-independent part). */
const EXPECTED: Record<Role, number[]> = {
  viewer: [],
  supplier: [1, 2, 3, 4, 5],
  logistics: [6, 7, 8, 9, 10, 12],
  broker: [8, 11],
  auditor: [],
  compliance: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], // with the default organisation roles
  admin: [],
};

describe('permissions', () => {
  describe('posting matrix: every role × link', () => {
    for (const role of ROLES) {
      for (const l of LINKS) {
        const allowed = EXPECTED[role].includes(l.number);
        it(`${role} ${allowed ? 'may' : 'may not'} post link ${String(l.number)}`, () => {
          const kind = role === 'logistics' || role === 'compliance' ? 'handover' : 'document';
          const err = checkPost(as(role), l.number, kind);
          if (allowed) expect(err).to.equal(undefined);
          else {
            expect(err?.message).to.match(new RegExp(`^ACCESS_DENIED: role ${role} of Org2MSP may not post link ${String(l.number)} \\(${l.name}\\); needs `));
          }
        });
      }
    }
  });

  it('names role, MSP, link and what was needed', () => {
    expect(checkPost(as('logistics'), 3, 'rfid')?.message).to.equal(
      'ACCESS_DENIED: role logistics of Org2MSP may not post link 3 (manufacturing); needs supplier or compliance',
    );
    expect(checkPost(as('viewer', 'Org1MSP'), 8, 'document')?.message).to.equal(
      'ACCESS_DENIED: role viewer of Org1MSP may not post link 8 (export-clearance); needs logistics, broker or compliance',
    );
  });

  it('logistics posts RFID, GPS, handover and aggregation events only', () => {
    for (const kind of EVENT_KINDS) {
      const err = checkPost(as('logistics'), 7, kind);
      if (kind === 'document') expect(err?.message).to.match(/^ACCESS_DENIED: role logistics of Org2MSP may not post a document event on link 7/);
      else expect(err).to.equal(undefined);
    }
    // a broker may post a document on link 8 where logistics may not
    expect(checkPost(as('broker'), 8, 'document')).to.equal(undefined);
  });

  it('compliance acts with its organisation roles', () => {
    expect(actingRoles(as('compliance'), ['supplier', 'compliance'])).to.deep.equal(['supplier']);
    expect(checkPost(as('compliance'), 2, 'document', ['supplier'])).to.equal(undefined);
    expect(checkPost(as('compliance'), 7, 'gps', ['supplier'])?.message).to.equal(
      "ACCESS_DENIED: role compliance of Org2MSP may not post link 7 (inland-transport); needs logistics among Org2MSP's roles (supplier)",
    );
    expect(checkPost(as('compliance'), 7, 'document', ['logistics'])?.message).to.match(/may not post a document event/);
    expect(actingRoles(as('compliance'))).to.deep.equal(['supplier', 'logistics', 'broker']);
    expect(actingRoles(as('supplier'), ['broker'])).to.deep.equal(['supplier']);
  });

  it('lists the roles per link', () => {
    expect(rolesForLink(1)).to.deep.equal(['supplier', 'compliance']);
    expect(rolesForLink(8)).to.deep.equal(['logistics', 'broker', 'compliance']);
    expect(rolesForLink(11)).to.deep.equal(['broker', 'compliance']);
  });

  it('lets suppliers, brokers and compliance (acting as one) register lots', () => {
    for (const role of ROLES) {
      const err = checkRegisterLot(as(role));
      if (['supplier', 'broker', 'compliance'].includes(role)) expect(err, role).to.equal(undefined);
      else expect(err?.message).to.equal(`ACCESS_DENIED: role ${role} of Org2MSP may not register lots; needs supplier, broker or compliance`);
    }
    expect(checkRegisterLot(as('compliance'), ['logistics'])?.message).to.match(/among Org2MSP's roles \(logistics\)/);
  });

  it('allows corrections by compliance of the recording organisation only', () => {
    expect(checkCorrection(as('compliance'), 'Org2MSP', 'E1')).to.equal(undefined);
    expect(checkCorrection(as('compliance'), 'Org1MSP', 'E1')?.message).to.equal(
      'ACCESS_DENIED: role compliance of Org2MSP may not correct event E1 recorded by Org1MSP; needs compliance of Org1MSP',
    );
    for (const role of ROLES.filter((r) => r !== 'compliance')) {
      expect(checkCorrection(as(role), 'Org2MSP', 'E1')?.message).to.equal(`ACCESS_DENIED: role ${role} of Org2MSP may not record corrections; needs compliance`);
    }
  });

  it('keeps device and organisation registration to admins', () => {
    expect(checkAdmin(as('admin'), 'register devices')).to.equal(undefined);
    expect(checkAdmin(as('auditor'), 'register devices')?.message).to.equal('ACCESS_DENIED: role auditor of Org2MSP may not register devices; needs admin');
  });

  it('grades provenance detail by role and ownership', () => {
    const own = lot('Org2MSP');
    const imported = lot('Org1MSP', 'Org2MSP');
    const foreign = lot('Org1MSP');
    const table: Array<[Role, 'full' | 'summary', 'full' | 'summary', 'full' | 'summary']> = [
      ['viewer', 'summary', 'summary', 'summary'],
      ['supplier', 'summary', 'summary', 'summary'],
      ['logistics', 'summary', 'summary', 'summary'],
      ['broker', 'full', 'full', 'summary'],
      ['auditor', 'full', 'full', 'full'],
      ['compliance', 'full', 'full', 'summary'],
      ['admin', 'summary', 'summary', 'summary'],
    ];
    for (const [role, o, i, f] of table) {
      expect([provenanceDetail(as(role), own), provenanceDetail(as(role), imported), provenanceDetail(as(role), foreign)], role).to.deep.equal([o, i, f]);
    }
  });

  it('lets the poster organisation, auditors and full readers see an event', () => {
    const event = { eventId: 'E1', recordedBy: 'Org2MSP' };
    expect(checkReadEvent(as('logistics'), event, lot('Org1MSP'))).to.equal(undefined);
    expect(checkReadEvent(as('auditor', 'Org3MSP'), event, lot('Org1MSP'))).to.equal(undefined);
    expect(checkReadEvent(as('broker', 'Org1MSP'), event, lot('Org1MSP'))).to.equal(undefined);
    expect(checkReadEvent(as('viewer'), event, lot('Org1MSP'))?.message).to.match(/^ACCESS_DENIED: role viewer of Org2MSP may not read event E1/);
    expect(checkReadEvent(as('supplier', 'Org3MSP'), event, lot('Org1MSP'))?.message).to.match(/^ACCESS_DENIED/);
  });

  it('keeps lot history to auditors and owner/importer brokers and compliance', () => {
    expect(checkReadHistory(as('auditor'), lot('Org1MSP'))).to.equal(undefined);
    expect(checkReadHistory(as('broker'), lot('Org2MSP'))).to.equal(undefined);
    expect(checkReadHistory(as('supplier'), lot('Org2MSP'))?.message).to.match(/^ACCESS_DENIED: role supplier of Org2MSP may not read the history of lot L1/);
  });
});
