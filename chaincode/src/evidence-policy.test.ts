import { expect } from './chai.test';
import { CBP_UFLPA_2023, evidenceOf, expectedSuppliers, percentile, requiredEvidence, timelinessOf } from './evidence-policy';
import { eventRecord as ev, lotRecord } from './fixtures.test';
import { assembleProvenance } from './provenance';
import type { CustodyRecord, EventRecord, Evidence, EvidenceType, LotRecord, UpstreamNode } from './types';

const doc = (...types: EvidenceType[]): Evidence[] => types.map((type, i) => ({ sha256: String(i).repeat(64), type }));

/** Every document the policy asks for, one event per link, recorded by Org1MSP. */
function complete(lotId = 'L1'): EventRecord[] {
  return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((link) =>
    ev({ lotId, eventId: `E${String(link)}`, link, eventTime: `2026-01-${String(link).padStart(2, '0')}T00:00:00Z`, evidence: doc(...requiredEvidence(CBP_UFLPA_2023, link)) }));
}

function provenance(events: EventRecord[], over: { lot?: LotRecord; custody?: CustodyRecord[]; detail?: 'full' | 'summary' } = {}): ReturnType<typeof assembleProvenance> {
  const lot = over.lot ?? lotRecord();
  return assembleProvenance({
    lot, ancestors: [], eventsByLot: new Map([[lot.lotId, events]]), familyEpcs: [], detail: over.detail ?? 'full',
    custodyOf: new Map([[lot.lotId, over.custody ?? []]]),
  });
}

describe('evidence policy cbp-uflpa-2023', () => {
  it('names the documents CBP asks for, on the links where they arise', () => {
    expect(CBP_UFLPA_2023.id).to.equal('cbp-uflpa-2023');
    expect(requiredEvidence(CBP_UFLPA_2023, 1)).to.include.members(['po', 'invoice', 'proof-of-payment', 'production-record']);
    expect(requiredEvidence(CBP_UFLPA_2023, 9)).to.deep.equal(['bill-of-lading']);
    expect(requiredEvidence(CBP_UFLPA_2023, 11)).to.include('entry');
    expect(requiredEvidence(CBP_UFLPA_2023, 8)).to.include.members(['export-declaration', 'certificate-of-origin']);
    expect(requiredEvidence(CBP_UFLPA_2023, 13)).to.deep.equal([]);
  });

  it('counts a lot carrying every required document as complete', () => {
    const p = provenance(complete());
    expect(p.evidence?.policy).to.equal('cbp-uflpa-2023');
    expect(p.evidence?.required).to.equal(19);
    expect(p.evidence?.present).to.equal(19);
    expect(p.evidence?.missing).to.deep.equal([]);
    expect(p.evidence?.links).to.have.length(12);
  });

  it('reports each missing document with its link and the organisations that recorded there', () => {
    const events = complete().map((e) => (e.link === 9 ? { ...e, evidence: [], recordedBy: 'Org3MSP' } : e));
    const p = provenance(events);
    expect(p.evidence?.present).to.equal(18);
    expect(p.evidence?.missing).to.deep.equal([{ lotId: 'L1', link: 9, type: 'bill-of-lading', expectedFrom: ['Org3MSP'] }]);
    expect(p.evidence?.links[8]).to.deep.include({ link: 9, name: 'port-of-loading', present: [], missing: ['bill-of-lading'] });
  });

  it('expects an unrecorded link’s documents from the custodian at that time', () => {
    // Custody passes to Org2MSP on 2026-01-06; link 7 (none recorded) comes after link 6 (2026-01-06).
    const custody: CustodyRecord[] = [{
      lotId: 'L1', mspId: 'Org2MSP', gln: null, from: '2026-01-05T12:00:00Z', fromUtc: '2026-01-05T12:00:00.000000000Z',
      eventId: 'H', recordedBy: 'Org1MSP', txId: 'tx-H',
    }];
    const p = provenance(complete().filter((e) => e.link !== 7 && e.link !== 1), { custody });
    const byLink = (n: number): string[] | undefined => p.evidence?.missing.find((m) => m.link === n)?.expectedFrom;
    expect(byLink(7)).to.deep.equal(['Org2MSP']);
    // Before any event: the custodian then, the owner.
    expect(byLink(1)).to.deep.equal(['Org1MSP']);
    expect(p.evidence?.missing.filter((m) => m.link === 1).map((m) => m.type)).to.have.members(['po', 'invoice', 'proof-of-payment', 'production-record']);
  });

  it('ignores documents of superseded events and counts the correction’s', () => {
    const events = complete().map((e) => (e.link === 9 ? { ...e, evidence: [] } : e));
    const original = ev({ eventId: 'BL', link: 9, eventTime: '2026-01-09T01:00:00Z', evidence: doc('bill-of-lading') });
    const fix = ev({ eventId: 'BL2', link: 10, eventTime: '2026-01-09T01:00:00Z', correctionOf: 'BL', reason: 'wrong link' });
    const p = provenance([...events, original, fix]);
    expect(p.evidence?.missing.map((m) => m.type)).to.deep.equal(['bill-of-lading']);
  });

  it('gives no evidence or timeliness to a summary reader', () => {
    const p = provenance(complete(), { detail: 'summary' });
    expect(p.evidence).to.equal(null);
    expect(p.timeliness).to.equal(null);
  });

  it('computes evidence for upstream lots the reader sees in full', () => {
    const p = provenance([]);
    expect(p.upstream).to.deep.equal([]);
    const links = provenance(complete('IN')).links;
    const node: UpstreamNode = {
      lot: { lotId: 'IN', product: 'cotton', htsCode: '5201.00.0000', originCountry: 'US', quantity: 5, unit: 'KGM', ownerMsp: 'Org3MSP' },
      quantityConsumed: 5, unit: 'KGM', totalConsumed: 5, completeness: { covered: 12, required: 12, missing: [] }, detail: 'full',
      links: links.map((l) => (l.link === 1 ? { ...l, events: [], organisations: [] } : l)), upstream: [], truncated: false,
    };
    const withTree = assembleProvenance({
      lot: lotRecord(), ancestors: [], eventsByLot: new Map(), familyEpcs: [], detail: 'full',
      upstream: { upstream: [node, { ...node, detail: 'summary', links: undefined }], truncated: false, lots: [] },
    });
    const e = withTree.upstream[0]?.evidence;
    expect(e?.missing.map((m) => [m.lotId, m.link, m.expectedFrom])).to.deep.equal([
      ['IN', 1, ['Org3MSP']], ['IN', 1, ['Org3MSP']], ['IN', 1, ['Org3MSP']], ['IN', 1, ['Org3MSP']],
    ]);
    expect(withTree.upstream[1]?.evidence).to.equal(undefined);
  });

  it('evidenceOf works from links alone', () => {
    const links = provenance([]).links;
    const e = evidenceOf('X', links, expectedSuppliers(links, () => 'OwnerMSP'));
    expect(e.present).to.equal(0);
    expect(e.missing).to.have.length(19);
    expect(new Set(e.missing.flatMap((m) => m.expectedFrom))).to.deep.equal(new Set(['OwnerMSP']));
  });
});

describe('timeliness', () => {
  it('measures recording delay from the transaction timestamp, with per-organisation shares and percentiles', () => {
    const events = [
      ev({ eventId: 'R1', link: 6, kind: 'rfid', epcs: ['x'], eventTime: '2026-01-01T00:00:00Z', recordedAt: '2026-01-01T00:05:00.000Z' }),
      ev({ eventId: 'R2', link: 6, kind: 'rfid', epcs: ['x'], eventTime: '2026-01-01T00:00:00Z', recordedAt: '2026-01-01T00:20:00.000Z' }),
      ev({ eventId: 'D1', link: 3, eventTime: '2026-01-01T08:00:00+08:00', recordedAt: '2026-01-01T23:00:00.000Z', recordedBy: 'Org2MSP' }),
      ev({ eventId: 'D2', link: 3, eventTime: '2026-01-01T00:00:00Z', recordedAt: '2026-01-03T00:00:00.000Z', recordedBy: 'Org2MSP' }),
    ];
    const t = timelinessOf(provenance(events).links);
    expect(t.policy).to.equal('cbp-uflpa-2023');
    expect(t.delays.find((d) => d.eventId === 'R1')).to.deep.include({ delaySeconds: 300, windowSeconds: 600, withinWindow: true });
    expect(t.delays.find((d) => d.eventId === 'R2')).to.deep.include({ delaySeconds: 1200, withinWindow: false });
    expect(t.delays.find((d) => d.eventId === 'D1')).to.deep.include({ delaySeconds: 23 * 3600, windowSeconds: 86400, withinWindow: true });
    expect(t.byOrganisation).to.deep.equal([
      { mspId: 'Org1MSP', events: 2, withinWindow: 1, share: 0.5, p50DelaySeconds: 300, p95DelaySeconds: 1200 },
      { mspId: 'Org2MSP', events: 2, withinWindow: 1, share: 0.5, p50DelaySeconds: 23 * 3600, p95DelaySeconds: 48 * 3600 },
    ]);
    expect(t.complianceRate).to.equal(0.5);
    expect(t.entryLeadHours).to.equal(null);
    expect(t.lateEntryData).to.equal(false);
  });

  it('measures entry-data lead time before arrival and flags late entry data', () => {
    const arrival = ev({ eventId: 'ARR', link: 11, kind: 'rfid', epcs: ['x'], eventTime: '2026-02-10T00:00:00Z', recordedAt: '2026-02-10T00:01:00.000Z' });
    const early = [
      ev({ eventId: 'EXP', link: 8, evidence: doc('export-declaration'), eventTime: '2026-02-01T00:00:00Z', recordedAt: '2026-02-01T01:00:00.000Z' }),
      ev({ eventId: 'ENT', link: 11, evidence: doc('entry'), eventTime: '2026-02-07T00:00:00Z', recordedAt: '2026-02-07T12:00:00.000Z' }),
    ];
    const ok = timelinessOf(provenance([arrival, ...early]).links);
    expect(ok.entryLeadHours).to.equal(60);
    expect(ok.lateEntryData).to.equal(false);
    const lateEntry = ev({ eventId: 'ENT', link: 11, evidence: doc('entry'), eventTime: '2026-02-09T00:00:00Z', recordedAt: '2026-02-09T06:00:00.000Z' });
    const late = timelinessOf(provenance([arrival, early[0] as EventRecord, lateEntry]).links);
    expect(late.entryLeadHours).to.equal(18);
    expect(late.lateEntryData).to.equal(true);
    const none = timelinessOf(provenance([arrival]).links);
    expect([none.entryLeadHours, none.lateEntryData]).to.deep.equal([null, true]);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).to.equal(0);
    expect(percentile([1, 2, 3, 4], 50)).to.equal(2);
    expect(percentile([1, 2, 3, 4], 95)).to.equal(4);
    expect(percentile([7], 95)).to.equal(7);
  });

  it('is deterministic: the same records give the same answer', () => {
    const events = complete();
    expect(JSON.stringify(provenance(events))).to.equal(JSON.stringify(provenance(events)));
  });
});
