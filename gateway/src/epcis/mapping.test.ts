import { expect } from '../chai.test';
import { eventHashId } from './event-hash';
import { type Captured, type ExportableEvent, EPCIS_CONTEXT, LOT_NS, MSP_NS, assignEventIds, captureEvent, declaredCorrections, eventToEpcis, lotRegistrationToEpcis } from './mapping';

const LOT = 'LOT-2026-0001';
const EPC = 'urn:epc:id:sgtin:0614141.112345.400';
const SHA = 'a'.repeat(64);

function record(over: Partial<ExportableEvent> = {}): ExportableEvent {
  return {
    eventId: 'EVT-1',
    lotId: LOT,
    link: 6,
    kind: 'rfid',
    eventTime: '2026-11-20T08:15:00+08:00',
    eventTimeUtc: '2026-11-20T00:15:00.000000000Z',
    deviceId: 'dock-1',
    location: { lat: null, lon: null, accuracyM: null, gln: '0614141000012' },
    epcs: [EPC],
    evidence: [
      { sha256: SHA, type: 'bill-of-lading', uri: 's3://docs/bol.pdf' },
      { sha256: 'b'.repeat(64), type: 'packing-list', uri: null },
      { sha256: 'c'.repeat(64), type: 'other', uri: null },
    ],
    correctionOf: null,
    reason: null,
    recordedBy: 'Org2MSP',
    recordedByRole: 'logistics',
    recordedAt: '2026-11-20T01:00:00.000Z',
    txId: 'tx1',
    contentHash: 'h',
    ...over,
  };
}

const lotOfEpc = (map: Record<string, string>) => (epc: string) => Promise.resolve(map[epc]);
const noLots = lotOfEpc({});

/** Capture as the export is read back: the exported event in the exported context. */
async function recapture(e: Record<string, unknown>, lots: Record<string, string> = { [EPC]: LOT }): Promise<Captured> {
  return captureEvent(e, 'epcisBody.eventList[0]', { context: EPCIS_CONTEXT, lotOfEpc: lotOfEpc(lots) });
}

describe('EPCIS mapping: acetrace → EPCIS', () => {
  it('an rfid event is an ObjectEvent OBSERVE with bizStep, SGLN read point, evidence and acetrace annotations', () => {
    const e = eventToEpcis(record());
    expect(e).to.include({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'storing', eventTimeZoneOffset: '+08:00' });
    expect(e.epcList).to.deep.equal([EPC]);
    expect(e.readPoint).to.deep.equal({ id: 'urn:epc:id:sgln:0614141.00001.0' });
    expect(e.bizTransactionList).to.deep.equal([
      { type: 'bol', bizTransaction: `ni:///sha-256;${SHA}` },
      { type: 'https://ns.acetrace.dev/epcis/evidence-packing-list', bizTransaction: `ni:///sha-256;${'b'.repeat(64)}` },
      { bizTransaction: `ni:///sha-256;${'c'.repeat(64)}` },
    ]);
    expect(e).to.include({ 'acetrace:link': 'origin-warehousing', 'acetrace:recordedBy': 'Org2MSP', 'acetrace:txId': 'tx1' });
    expect(e['acetrace:evidence']).to.deep.equal([{ 'acetrace:sha256': SHA, 'acetrace:uri': 's3://docs/bol.pdf' }]);
  });

  it('a gps fix is a geo read point (with accuracy), the facility GLN its bizLocation', () => {
    const e = eventToEpcis(record({ kind: 'gps', link: 7, epcs: [], location: { lat: 22.5, lon: 114.1, accuracyM: 10, gln: '0614141000012' } }));
    expect(e.readPoint).to.deep.equal({ id: 'geo:22.5,114.1;u=10' });
    expect(e.bizLocation).to.deep.equal({ id: 'urn:epc:id:sgln:0614141.00001.0' });
    expect(e['acetrace:link']).to.equal('inland-transport');
  });

  it('a handover names its destination party and facility', () => {
    const e = eventToEpcis(record({ kind: 'handover', handoverTo: 'Org3MSP', handoverToGln: '0614141000012' }));
    expect(e.destinationList).to.deep.equal([
      { type: 'possessing_party', destination: `${MSP_NS}Org3MSP` },
      { type: 'location', destination: 'urn:epc:id:sgln:0614141.00001.0' },
    ]);
  });

  it('an aggregation is an AggregationEvent ADD/DELETE of the children EPCs into the container', () => {
    const epcs: Record<string, string[]> = { PAL: ['urn:epc:id:sscc:0614141.1234567890'], A: [EPC], B: [] };
    const e = eventToEpcis(record({ kind: 'aggregation', lotId: 'PAL', link: 5, action: 'unpack', parentLotId: 'PAL', childLotIds: ['A', 'B'] }), {
      epcsOfLot: (id) => epcs[id],
    });
    expect(e).to.include({ type: 'AggregationEvent', action: 'DELETE', parentID: 'urn:epc:id:sscc:0614141.1234567890' });
    expect(e.childEPCs).to.deep.equal([EPC]);
    expect(e['acetrace:childLotIds']).to.deep.equal(['A', 'B']);
  });

  it('a lot registration is an ObjectEvent ADD with the lot in ilmd; with inputs, a TransformationEvent', () => {
    const lot = { lotId: LOT, product: 'p', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 10, unit: 'EA', epcs: [EPC], registeredAt: '2026-01-01T00:00:00.000Z' };
    const add = lotRegistrationToEpcis(lot);
    expect(add).to.include({ type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning' });
    expect(add.ilmd).to.include({ 'acetrace:lotId': LOT, 'acetrace:quantity': 10 });
    const t = lotRegistrationToEpcis({ ...lot, inputs: [{ lotId: 'IN', quantity: 5, unit: 'KGM' }] }, { epcsOfLot: () => ['urn:epc:id:sgtin:0614141.112345.9'] });
    expect(t.type).to.equal('TransformationEvent');
    expect(t.inputQuantityList).to.deep.equal([{ epcClass: `${LOT_NS}IN`, quantity: 5, uom: 'KGM' }]);
    expect(t.inputEPCList).to.deep.equal(['urn:epc:id:sgtin:0614141.112345.9']);
  });

  it('gives native events their hash as eventID and declares corrections on the corrected event', () => {
    const [a, b] = assignEventIds(
      [eventToEpcis(record()), eventToEpcis(record({ eventId: 'ni:sha-256:' + 'd'.repeat(64) + ':CBV2.0', correctionOf: 'EVT-1', reason: 'wrong dock' }))],
      new Map([['EVT-1', { by: 'ni:sha-256:' + 'd'.repeat(64) + ':CBV2.0', at: '2026-12-01T00:00:00Z' }]]),
    );
    expect(a?.eventID).to.equal(eventHashId(eventToEpcis(record()), { context: EPCIS_CONTEXT }));
    expect(b?.eventID).to.equal(`ni:///sha-256;${'d'.repeat(64)}?ver=CBV2.0`);
    expect(a?.errorDeclaration).to.deep.equal({ declarationTime: '2026-12-01T00:00:00Z', reason: 'incorrect_data', correctiveEventIDs: [b?.eventID] });
  });
});

describe('EPCIS mapping: EPCIS → acetrace', () => {
  it('reads its own export back to the same event input (every kind)', async () => {
    for (const over of [
      {},
      { kind: 'document', epcs: [] },
      { kind: 'gps', link: 10, epcs: [], location: { lat: 1.5, lon: -2, accuracyM: 3, gln: null } },
      { kind: 'handover', link: 12, handoverTo: 'Org3MSP', handoverToGln: '0614141000012' },
    ] as Array<Partial<ExportableEvent>>) {
      const r = record(over);
      const out = await recapture(eventToEpcis(r));
      expect(out.op, JSON.stringify(out)).to.equal('event');
      if (out.op !== 'event') continue;
      expect(out.input).to.include({ eventId: r.eventId, lotId: r.lotId, link: r.link, kind: r.kind, eventTime: r.eventTime, deviceId: 'dock-1' });
      expect(out.input.epcs).to.deep.equal(r.epcs);
      expect(out.input.evidence?.map((e) => e.type)).to.deep.equal(['bill-of-lading', 'packing-list', 'other']);
      expect(out.input.evidence?.[0]?.uri).to.equal('s3://docs/bol.pdf');
    }
  });

  it('derives the acetrace id from the event hash when a capture gives no eventID; the same event gives the same id', async () => {
    const e = { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-01-01T10:00:00.000+01:00', eventTimeZoneOffset: '+01:00', epcList: [EPC], bizStep: 'storing' };
    const a = await recapture(e);
    const b = await recapture({ ...e, epcList: ['https://id.gs1.org/01/10614141123459/21/400'], eventTime: '2026-01-01T09:00:00Z' });
    expect(a.op).to.equal('event');
    if (a.op !== 'event' || b.op !== 'event') throw new Error('not captured');
    expect(a.input.eventId).to.equal(`ni:sha-256:${a.hashId.slice(14, 78)}:CBV2.0`);
    expect(b.hashId).to.equal(a.hashId);
    expect(a.input).to.include({ lotId: LOT, link: 6, kind: 'rfid', eventTime: '2026-01-01T10:00:00.000+01:00' });
  });

  it('refuses what acetrace cannot keep, naming the JSON path', async () => {
    const base = { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-01-01T10:00:00Z', eventTimeZoneOffset: '+00:00', epcList: [EPC], bizStep: 'storing' };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ...base, disposition: 'in_transit' }, 'epcisBody.eventList[0].disposition', /disposition/],
      [{ ...base, bizStep: 'transporting' }, 'epcisBody.eventList[0].bizStep', /links 7 .* and 10/],
      [{ ...base, bizStep: 'shipping' }, 'epcisBody.eventList[0].bizStep', /not one of acetrace's link bizSteps/],
      [{ ...base, readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234' } }, 'epcisBody.eventList[0].readPoint.id', /extension 1234/],
      [{ ...base, bizTransactionList: [{ type: 'po', bizTransaction: 'http://x/po/1' }] }, 'epcisBody.eventList[0].bizTransactionList[0].bizTransaction', /SHA-256/],
      [{ ...base, 'example:x': 1 }, 'epcisBody.eventList[0].example:x', /extension/],
      [{ ...base, type: 'TransactionEvent', action: 'ADD' }, 'epcisBody.eventList[0].type', /TransactionEvent/],
      [{ ...base, epcList: ['urn:epc:id:sgtin:0614141.112345.401'] }, 'epcisBody.eventList[0].epcList[0]', /no registered lot/],
      [{ ...base, sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00000' }] }, 'epcisBody.eventList[0].sourceList', /signer/],
    ];
    for (const [event, path, why] of cases) {
      const out = await captureEvent(event, 'epcisBody.eventList[0]', { context: EPCIS_CONTEXT, lotOfEpc: lotOfEpc({ [EPC]: LOT }) });
      expect(out.op, JSON.stringify(event)).to.equal('refused');
      if (out.op !== 'refused') continue;
      expect(out.refusal.path).to.equal(path);
      expect(out.refusal.reason).to.match(why);
    }
  });

  it('reads a lot registration from ADD + ilmd, and a correction from an errorDeclaration in the document', async () => {
    const reg = await recapture(lotRegistrationToEpcis({ lotId: LOT, product: 'p', htsCode: '8536.50.9065', originCountry: 'CN', quantity: 10, unit: 'EA', epcs: [EPC] }), {});
    expect(reg.op).to.equal('registration');
    if (reg.op === 'registration') expect(reg.lot).to.deep.include({ lotId: LOT, quantity: 10, epcs: [EPC], parentLotId: null });

    const corrected = { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-01-01T10:00:00Z', eventTimeZoneOffset: '+00:00', epcList: [EPC], bizStep: 'storing',
      eventID: 'urn:uuid:1', errorDeclaration: { declarationTime: '2026-01-02T00:00:00Z', reason: 'incorrect_data', correctiveEventIDs: ['urn:uuid:2'] } };
    const correcting = { ...corrected, eventID: 'urn:uuid:2', errorDeclaration: undefined, eventTime: '2026-01-01T11:00:00Z' };
    const decl = declaredCorrections([corrected, correcting], EPCIS_CONTEXT);
    expect(decl.get('urn:uuid:2')).to.deep.equal({ eventId: 'urn:uuid:1', reason: 'EPCIS error declaration: incorrect_data' });
    const out = await captureEvent(JSON.parse(JSON.stringify(correcting)), 'e', { context: EPCIS_CONTEXT, lotOfEpc: lotOfEpc({ [EPC]: LOT }), correctionOf: decl.get('urn:uuid:2') });
    expect(out.op).to.equal('correction');
  });

  it('names the lot by acetrace:lotId when no EPC resolves', async () => {
    const out = await captureEvent(
      { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-01-01T10:00:00Z', eventTimeZoneOffset: '+00:00', epcList: [], bizStep: 'inspecting', 'acetrace:lotId': LOT },
      'e',
      { context: EPCIS_CONTEXT, lotOfEpc: noLots },
    );
    expect(out.op).to.equal('event');
    if (out.op === 'event') expect(out.input).to.include({ lotId: LOT, link: 4, kind: 'document' });
  });
});
