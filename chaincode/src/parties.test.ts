import { expect } from './chai.test';
import { checkNoTakeover, checkOwnOrganisation, organisationView, partiesOf } from './parties';
import type { Caller, FacilityRecord, OrganisationProfile } from './types';

const admin = (mspId: string): Caller => ({ mspId, role: 'admin' });
const facility = (gln: string, mspId: string, name: string): FacilityRecord => ({
  gln, name, address: null, country: 'CN', subdivision: 'CN-XJ', lat: null, lon: null, type: 'mill', mspId, registeredBy: mspId, registeredAt: 't', txId: 't',
});

describe('parties', () => {
  it('lets an admin write only for its own organisation, naming the rule', () => {
    expect(checkOwnOrganisation(admin('Org1MSP'), 'Org1MSP', 'devices')).to.equal(undefined);
    expect(checkOwnOrganisation(admin('Org2MSP'), 'Org1MSP', 'devices')?.message).to.equal(
      'ACCESS_DENIED: admin of Org2MSP may not register devices for Org1MSP; an admin registers only its own organisation’s profile, roles, facilities and devices',
    );
  });

  it('never hands an id to a second organisation', () => {
    expect(checkNoTakeover(admin('Org1MSP'), 'facility', '1', undefined)).to.equal(undefined);
    expect(checkNoTakeover(admin('Org1MSP'), 'facility', '1', 'Org1MSP')).to.equal(undefined);
    expect(checkNoTakeover(admin('Org2MSP'), 'facility', '1', 'Org1MSP')?.message).to.match(/^CONFLICT: facility 1 is registered to Org1MSP, not Org2MSP; a facility GLN or device id belongs to the first organisation/);
  });

  it('lists each party once, sorted, with its profile and the facilities it operates', () => {
    const profile: OrganisationProfile = { mspId: 'Org1MSP', legalName: 'Gin Co', country: 'US', address: null, roles: ['ginner'], registeredBy: 'Org1MSP', registeredAt: 't', txId: 't' };
    const parties = partiesOf(['Org2MSP', 'Org1MSP', 'Org2MSP'], new Map([['Org1MSP', profile]]), [facility('2', 'Org3MSP', 'Mill'), facility('1', 'Org1MSP', 'Gin')]);
    expect(parties.map((p) => [p.mspId, p.legalName, p.roles, p.facilities.map((f) => f.name)])).to.deep.equal([
      ['Org1MSP', 'Gin Co', ['ginner'], ['Gin']], ['Org2MSP', null, [], []], ['Org3MSP', null, [], ['Mill']],
    ]);
  });

  it('shows an organisation from its profile and its acetrace roles', () => {
    expect(organisationView('Org9MSP', undefined, { mspId: 'Org9MSP', roles: ['supplier'], registeredBy: 'Org9MSP', registeredAt: 'r', txId: 'x' })).to.deep.equal({
      mspId: 'Org9MSP', legalName: null, country: null, address: null, roles: [], acetraceRoles: ['supplier'], registeredAt: 'r', txId: 'x',
    });
  });
});
