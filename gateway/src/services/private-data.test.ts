import type { PrivateDataView } from '@acetrace/chaincode';
import '../quiet-chaincode';
import { expect } from '../chai.test';
import type { LedgerPort, PrivateAnswer, ProvenanceAnswer } from '../ports/ledger';
import { revealPrivate } from './private-data';

const marker = (hash: string, msp: string, purgedAt: string | null = null): PrivateAnswer => ({
  present: true, hash, collection: `_implicit_org_${msp}`, purgedAt,
});

function answer(detail: 'full' | 'summary'): Omit<ProvenanceAnswer, 'queryMs'> {
  const ev = (eventId: string, m: PrivateAnswer, lotId = 'L1'): unknown => ({
    eventId, lotId, evidence: [{ sha256: 'a'.repeat(64), type: 'invoice', uri: null }], private: m,
  });
  return {
    detail,
    lot: { lotId: 'L1', private: marker('h-lot', 'Org1MSP') },
    links: [{ events: [ev('E1', marker('h-e1', 'Org1MSP')), ev('E2', marker('h-e2', 'Org2MSP')), ev('E3', marker('h-e3', 'Org1MSP', '2026-01-01T00:00:00.000Z')), ev('C1', marker('h-c', 'Org1MSP'), 'PARENT')] }],
  } as unknown as Omit<ProvenanceAnswer, 'queryMs'>;
}

/** A ledger whose GetPrivateData answers Org1MSP's records and refuses Org2MSP's; records the calls. */
function fakeLedger(calls: string[]): LedgerPort {
  const view: PrivateDataView = {
    lotId: 'L1', mspId: 'Org1MSP', collection: '_implicit_org_Org1MSP',
    records: [
      { scope: 'lot', eventId: null, hash: 'h-lot', collection: '_implicit_org_Org1MSP', state: 'present', value: { contractRef: 'K' }, salt: 's1', purgedAt: null },
      { scope: 'event', eventId: 'E1', hash: 'h-e1', collection: '_implicit_org_Org1MSP', state: 'present', value: { evidenceUris: ['s3://x'] }, salt: 's2', purgedAt: null },
    ],
  };
  return {
    privateData: (_identity: string, lotId: string, msp: string) => {
      calls.push(`${lotId}@${msp}`);
      return msp === 'Org1MSP' ? Promise.resolve(view) : Promise.reject(new Error('ACCESS_DENIED'));
    },
  } as unknown as LedgerPort;
}

describe('revealPrivate (provenance cleartext for entitled readers)', () => {
  it('asks each recording organisation once, merges values and evidence URIs, marks the rest', async () => {
    const calls: string[] = [];
    const prov = answer('full');
    await revealPrivate(fakeLedger(calls), 'org3-auditor', prov);
    expect(calls.sort()).to.deep.equal(['L1@Org1MSP', 'L1@Org2MSP']);
    expect(prov.lot.private).to.include({ state: 'present', salt: 's1' });
    const [e1, e2, e3, c1] = prov.links[0]?.events ?? [];
    expect(e1?.private).to.include({ state: 'present', salt: 's2' });
    expect(e1?.evidence[0]?.uri).to.equal('s3://x');
    expect(e2?.private).to.include({ state: 'unavailable', value: null });
    expect(e3?.private).to.include({ state: 'purged', value: null, purgedAt: '2026-01-01T00:00:00.000Z' });
    expect(c1?.private, 'a container\'s event keeps its marker').not.to.have.property('state');
  });

  it('leaves a summary answer as the chaincode gave it, asking nothing', async () => {
    const calls: string[] = [];
    const prov = answer('summary');
    await revealPrivate(fakeLedger(calls), 'org2-viewer', prov);
    expect(calls).to.deep.equal([]);
    expect(prov.lot.private).to.deep.equal(marker('h-lot', 'Org1MSP'));
  });
});
