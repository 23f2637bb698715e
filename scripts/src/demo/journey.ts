/**
 * The demo's supply chain, as data: a vertically integrated cotton and apparel group (farm and gin
 * in Xinjiang, spinning, weaving and sewing on the east coast), an ocean carrier, and a US importer.
 * Cotton bales → yarn → fabric → shirts (lots with inputs), packed into cartons, a pallet and a
 * container (aggregation), handed over group → carrier → importer (handover). Link 8's export
 * declaration has no document attached (the missing evidence), and one vessel fix is a GPS glitch
 * that implies impossible travel (the anomaly). Ids are fixed, so a second run repeats every request
 * and the ledger answers each as a repeat.
 */
import { createHash } from 'node:crypto';

/** The three organisations' MSP ids: the producer group, the carrier, the importer. */
export interface DemoOrgs {
  producer: string;
  carrier: string;
  importer: string;
}

/** A request of the seeding: who sends it (role and MSP) and what. */
export interface DemoStep {
  what: string;
  role: string;
  msp: string;
  method: 'PUT' | 'POST';
  path: string;
  body: Record<string, unknown>;
}

/** The lots the demo registers, by role in the story. */
export interface DemoLots {
  cotton: string;
  yarn: string;
  fabric: string;
  shirts: string;
  cartons: string;
  pallet: string;
  container: string;
}

/** `first12` completed with its GS1 check digit (weights 3,1,3,… from the right). */
export function withCheckDigit(first12: string): string {
  const digits = first12.split('').map(Number).reverse();
  const sum = digits.reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return `${first12}${String((10 - (sum % 10)) % 10)}`;
}

/** Facilities (GLNs under fictitious GS1 company prefixes 6901234 for China, 0614141 for the US). */
export const GLN = {
  farm: withCheckDigit('690123410001'),
  gin: withCheckDigit('690123410002'),
  spinning: withCheckDigit('690123410003'),
  weaving: withCheckDigit('690123410004'),
  factory: withCheckDigit('690123410005'),
  warehouse: withCheckDigit('690123410006'),
  ningboPort: withCheckDigit('690123420001'),
  laPort: withCheckDigit('061414120001'),
  dc: withCheckDigit('061414130001'),
} as const;

/** A deterministic SHA-256 standing for a document kept off the ledger. */
const doc = (name: string): string => createHash('sha256').update(`acetrace-demo:${name}`).digest('hex');

/** The lot ids under `prefix` (DEMO by default). */
export function demoLots(prefix: string): DemoLots {
  return {
    cotton: `${prefix}-COTTON-2025-AKS-017`,
    yarn: `${prefix}-YARN-2025-WX-0412`,
    fabric: `${prefix}-FABRIC-2026-SX-0088`,
    shirts: `${prefix}-SHIRTS-PO-4500123`,
    cartons: `${prefix}-CARTONS-PO-4500123`,
    pallet: `${prefix}-PALLET-NB-0311`,
    container: `${prefix}-CONTAINER-MSKU-7734120`,
  };
}

/** Every request of the demo, in the order they must commit (custody and containment depend on it). */
export function demoSteps(orgs: DemoOrgs, prefix = 'DEMO'): DemoStep[] {
  const { producer, carrier, importer } = orgs;
  const lots = demoLots(prefix);
  const steps: DemoStep[] = [];
  const add = (what: string, role: string, msp: string, method: DemoStep['method'], path: string, body: Record<string, unknown>): void => {
    steps.push({ what, role, msp, method, path, body });
  };
  const events = (what: string, role: string, msp: string, list: Array<Record<string, unknown>>): void => {
    add(what, role, msp, 'POST', '/v1/events?wait=commit', { events: list });
  };
  const ev = (lotId: string, n: string, link: number, kind: string, eventTime: string, extra: Record<string, unknown> = {}) => ({
    eventId: `${lotId}-${n}`, lotId, link, kind, eventTime, ...extra,
  });
  const evidence = (type: string, name: string, uri: string) => [{ sha256: doc(name), uri, type }];
  const at = (gln: string, lat: number, lon: number, accuracyM = 30) => ({ location: { gln, lat, lon, accuracyM } });

  // ---- parties and facilities, each registered by its own organisation's admin
  add('profile of the producer group', 'admin', producer, 'PUT', `/v1/organisations/${producer}`, {
    legalName: 'Huaxia Cotton & Apparel Group Co., Ltd.', country: 'CN', address: '88 Zhongshan East Road, Ningbo, Zhejiang 315000',
    roles: ['grower', 'ginner', 'spinner', 'weaver', 'manufacturer', 'packer', 'exporter'],
  });
  add('profile of the carrier', 'admin', carrier, 'PUT', `/v1/organisations/${carrier}`, {
    legalName: 'Orient Star Shipping & Forwarding Ltd.', country: 'HK', address: '18 Harbour Road, Wan Chai, Hong Kong',
    roles: ['carrier', 'forwarder'],
  });
  add('profile of the importer', 'admin', importer, 'PUT', `/v1/organisations/${importer}`, {
    legalName: 'Redwood Apparel Imports Inc.', country: 'US', address: '4100 E Guasti Road, Ontario, CA 91761',
    roles: ['importer-of-record', 'customs-broker', 'distributor', 'warehouse'],
  });
  const facility = (msp: string, body: Record<string, string | number>): void => {
    add(`facility ${String(body.name)}`, 'admin', msp, 'POST', '/v1/facilities', body);
  };
  facility(producer, { gln: GLN.farm, name: 'Aksu Tarim cotton farm no. 7', address: 'Awati County, Aksu Prefecture', country: 'CN', subdivision: 'CN-XJ', lat: 40.64, lon: 80.38, type: 'farm' });
  facility(producer, { gln: GLN.gin, name: 'Aksu ginning mill no. 3', address: 'Aksu Economic Development Zone', country: 'CN', subdivision: 'CN-XJ', lat: 41.17, lon: 80.26, type: 'mill' });
  facility(producer, { gln: GLN.spinning, name: 'Wuxi spinning mill', address: 'Xishan District, Wuxi', country: 'CN', subdivision: 'CN-JS', lat: 31.55, lon: 120.36, type: 'mill' });
  facility(producer, { gln: GLN.weaving, name: 'Shaoxing weaving mill', address: 'Keqiao District, Shaoxing', country: 'CN', subdivision: 'CN-ZJ', lat: 30.08, lon: 120.49, type: 'mill' });
  facility(producer, { gln: GLN.factory, name: 'Ningbo garment factory', address: 'Yinzhou District, Ningbo', country: 'CN', subdivision: 'CN-ZJ', lat: 29.82, lon: 121.55, type: 'factory' });
  facility(producer, { gln: GLN.warehouse, name: 'Ningbo Beilun export warehouse', address: 'Beilun District, Ningbo', country: 'CN', subdivision: 'CN-ZJ', lat: 29.9, lon: 121.84, type: 'warehouse' });
  facility(carrier, { gln: GLN.ningboPort, name: 'Ningbo-Zhoushan port, Beilun terminal', address: 'Beilun District, Ningbo', country: 'CN', subdivision: 'CN-ZJ', lat: 29.94, lon: 121.89, type: 'port' });
  facility(carrier, { gln: GLN.laPort, name: 'Port of Los Angeles, pier 400', address: 'Terminal Island, San Pedro, CA', country: 'US', subdivision: 'US-CA', lat: 33.74, lon: -118.25, type: 'port' });
  facility(importer, { gln: GLN.dc, name: 'Redwood Ontario distribution centre', address: '4100 E Guasti Road, Ontario, CA', country: 'US', subdivision: 'US-CA', lat: 34.06, lon: -117.6, type: 'distribution-centre' });
  add('dock reader of the export warehouse', 'admin', producer, 'POST', '/v1/devices', { deviceId: `${prefix}-HX-NB-DOCK-01`, link: 6, location: { gln: GLN.warehouse, lat: 29.9, lon: 121.84 } });
  add('vessel tracker of the carrier', 'admin', carrier, 'POST', '/v1/devices', { deviceId: `${prefix}-OSS-AIS-MV-ORIENT-STAR`, link: 10 });

  // ---- upstream: cotton bales (farm, gin) → yarn → fabric
  const lot = (what: string, lotId: string, body: Record<string, unknown>): void => {
    add(what, 'supplier', producer, 'POST', '/v1/lots', { lotId, epcs: [], parentLotId: null, ...body });
  };
  lot('cotton bales', lots.cotton, { product: 'Raw cotton lint, ginned, 220 bales', htsCode: '5201.00.1800', originCountry: 'CN', quantity: 50_000, unit: 'KGM' });
  events('cotton: harvest and ginning', 'supplier', producer, [
    ev(lots.cotton, 'HARVEST', 1, 'document', '2025-10-06T09:00:00+08:00', { ...at(GLN.farm, 40.64, 80.38), evidence: evidence('certificate-of-origin', 'cotton-harvest-cert', 's3://huaxia-docs/cotton/harvest-2025-aks-017.pdf') }),
    ev(lots.cotton, 'GINNING', 2, 'document', '2025-11-03T10:00:00+08:00', { ...at(GLN.gin, 41.17, 80.26), evidence: evidence('packing-list', 'bale-list', 's3://huaxia-docs/cotton/bale-list-017.pdf') }),
    ev(lots.cotton, 'HVI', 4, 'document', '2025-11-05T15:00:00+08:00', { ...at(GLN.gin, 41.17, 80.26), evidence: evidence('lab-report', 'hvi-fibre-test', 's3://huaxia-docs/cotton/hvi-017.pdf') }),
  ]);
  lot('yarn spun from the cotton', lots.yarn, {
    product: 'Combed cotton yarn, Ne 40/1', htsCode: '5205.24.0000', originCountry: 'CN', quantity: 45_000, unit: 'KGM',
    inputs: [{ lotId: lots.cotton, quantity: 47_000, unit: 'KGM' }],
  });
  events('yarn: spinning', 'supplier', producer, [
    ev(lots.yarn, 'SPINNING', 2, 'document', '2025-12-10T08:30:00+08:00', { ...at(GLN.spinning, 31.55, 120.36), evidence: evidence('other', 'spinning-record', 's3://huaxia-docs/yarn/wx-0412.pdf') }),
  ]);
  lot('fabric woven from the yarn', lots.fabric, {
    product: 'Cotton poplin, 133x72, bleached', htsCode: '5208.21.4090', originCountry: 'CN', quantity: 60_000, unit: 'MTR',
    inputs: [{ lotId: lots.yarn, quantity: 44_000, unit: 'KGM' }],
  });
  events('fabric: weaving', 'supplier', producer, [
    ev(lots.fabric, 'WEAVING', 2, 'document', '2026-01-15T08:30:00+08:00', { ...at(GLN.weaving, 30.08, 120.49), evidence: evidence('other', 'weaving-record', 's3://huaxia-docs/fabric/sx-0088.pdf') }),
  ]);

  // ---- the shirts (imported by the importer) and their logistic units
  const sgtins = Array.from({ length: 12 }, (_, i) => `urn:epc:id:sgtin:6901234.062051.${String(4_500_123_000 + i)}`);
  const sscc = (serial: number): string => `urn:epc:id:sscc:6901234.${String(serial).padStart(10, '0')}`;
  lot('shirts sewn from the fabric', lots.shirts, {
    product: "Men's woven cotton shirts, long sleeve", htsCode: '6205.20.2016', originCountry: 'CN', quantity: 24_000, unit: 'EA',
    epcs: sgtins, importerMsp: importer, inputs: [{ lotId: lots.fabric, quantity: 40_000, unit: 'MTR' }],
  });
  lot('cartons of the shirts', lots.cartons, {
    product: 'Export cartons, 40 shirts each (600 cartons)', htsCode: '6205.20.2016', originCountry: 'CN', quantity: 600, unit: 'CT',
    epcs: [sscc(4_500_123_001), sscc(4_500_123_002), sscc(4_500_123_003)],
  });
  lot('pallet', lots.pallet, { product: 'Export pallet load', htsCode: '6205.20.2016', originCountry: 'CN', quantity: 1, unit: 'PX', epcs: [sscc(4_500_124_001)] });
  lot('container', lots.container, { product: '40ft container MSKU 773412-0', htsCode: '6205.20.2016', originCountry: 'CN', quantity: 1, unit: 'CH', epcs: [sscc(4_500_125_001)] });

  const factory = at(GLN.factory, 29.82, 121.55);
  events('shirts: sourcing, sewing, inspection, packing', 'supplier', producer, [
    ev(lots.shirts, 'PO', 1, 'document', '2026-02-02T09:00:00+08:00', { ...factory, evidence: evidence('po', 'po-4500123', 's3://redwood-docs/po/4500123.pdf') }),
    ev(lots.shirts, 'TRIMS', 2, 'document', '2026-02-04T09:00:00+08:00', { ...factory, evidence: evidence('invoice', 'fabric-invoice', 's3://huaxia-docs/invoices/hx-2026-0204.pdf') }),
    ev(lots.shirts, 'SEWING', 3, 'document', '2026-02-10T18:00:00+08:00', { ...factory, evidence: evidence('other', 'production-record', 's3://huaxia-docs/production/4500123.pdf') }),
    ev(lots.shirts, 'AQL', 4, 'document', '2026-02-20T11:00:00+08:00', { ...factory, evidence: evidence('lab-report', 'aql-inspection', 's3://huaxia-docs/qa/aql-4500123.pdf') }),
    ev(lots.cartons, 'PACK', 5, 'aggregation', '2026-02-24T10:00:00+08:00', { ...factory, action: 'pack', parentLotId: lots.cartons, childLotIds: [lots.shirts] }),
    ev(lots.pallet, 'PACK', 5, 'aggregation', '2026-02-24T14:00:00+08:00', { ...factory, action: 'pack', parentLotId: lots.pallet, childLotIds: [lots.cartons] }),
    ev(lots.shirts, 'PACKING-LIST', 5, 'document', '2026-02-24T16:00:00+08:00', { ...factory, evidence: evidence('packing-list', 'packing-list', 's3://huaxia-docs/packing/4500123.pdf') }),
  ]);
  const warehouse = at(GLN.warehouse, 29.9, 121.84);
  events('warehouse: dock read and container stuffing; handover to the carrier', 'logistics', producer, [
    ev(lots.pallet, 'DOCK-IN', 6, 'rfid', '2026-02-26T08:00:00+08:00', { ...warehouse, deviceId: `${prefix}-HX-NB-DOCK-01`, epcs: [sscc(4_500_124_001)] }),
    ev(lots.container, 'STUFFING', 6, 'aggregation', '2026-02-26T15:00:00+08:00', { ...warehouse, action: 'pack', parentLotId: lots.container, childLotIds: [lots.pallet] }),
    ev(lots.shirts, 'HANDOVER-CARRIER', 7, 'handover', '2026-02-27T08:00:00+08:00', { ...warehouse, handoverTo: carrier, handoverToGln: GLN.ningboPort, evidence: evidence('bill-of-lading', 'bl-osnb-4471', 's3://orient-star/bl/OSNB4471.pdf') }),
    ev(lots.container, 'HANDOVER-CARRIER', 7, 'handover', '2026-02-27T08:00:00+08:00', { ...warehouse, handoverTo: carrier, handoverToGln: GLN.ningboPort }),
  ]);
  events('carrier: truck to the port', 'logistics', carrier, [
    ev(lots.container, 'TRUCK-GPS', 7, 'gps', '2026-02-27T10:00:00+08:00', { location: { lat: 29.93, lon: 121.87, accuracyM: 15 } }),
  ]);
  // the missing document: an export declaration recorded without the declaration attached
  events('export clearance (no declaration attached)', 'broker', producer, [
    ev(lots.shirts, 'EXPORT-CLEARANCE', 8, 'document', '2026-02-28T09:00:00+08:00'),
  ]);
  const sea = (n: string, time: string, lat: number, lon: number) =>
    ev(lots.container, n, 10, 'gps', time, { deviceId: `${prefix}-OSS-AIS-MV-ORIENT-STAR`, location: { lat, lon, accuracyM: 50 } });
  events('carrier: port of loading, ocean transit (one fix is a glitch), handover at Los Angeles', 'logistics', carrier, [
    ev(lots.container, 'GATE-IN', 9, 'rfid', '2026-03-01T06:00:00+08:00', { ...at(GLN.ningboPort, 29.94, 121.89), epcs: [sscc(4_500_125_001)] }),
    sea('AIS-1', '2026-03-02T00:00:00Z', 30.0, 123.5),
    // the anomaly: a fix near Honolulu two hours later (about 8,000 km away)
    sea('AIS-2', '2026-03-02T02:00:00Z', 21.3, -157.9),
    sea('AIS-3', '2026-03-08T00:00:00Z', 35.0, 170.0),
    sea('AIS-4', '2026-03-14T00:00:00Z', 33.5, -125.0),
    ev(lots.shirts, 'HANDOVER-IMPORTER', 10, 'handover', '2026-03-15T14:00:00-07:00', { ...at(GLN.laPort, 33.74, -118.25), handoverTo: importer, handoverToGln: GLN.dc }),
    ev(lots.container, 'HANDOVER-IMPORTER', 10, 'handover', '2026-03-15T14:00:00-07:00', { ...at(GLN.laPort, 33.74, -118.25), handoverTo: importer, handoverToGln: GLN.dc }),
  ]);
  events('importer: CBP entry', 'broker', importer, [
    ev(lots.shirts, 'CBP-ENTRY', 11, 'document', '2026-03-16T10:00:00-07:00', { ...at(GLN.laPort, 33.74, -118.25), evidence: evidence('entry', 'cbp-entry-7501', 's3://redwood-docs/entries/RDW-2026-0315.pdf') }),
  ]);
  const dc = at(GLN.dc, 34.06, -117.6);
  events('importer: receipt and unloading at the distribution centre', 'logistics', importer, [
    ev(lots.container, 'DC-RECEIPT', 12, 'rfid', '2026-03-18T08:00:00-07:00', { ...dc, epcs: [sscc(4_500_125_001)] }),
    ev(lots.container, 'UNLOAD', 12, 'aggregation', '2026-03-18T09:00:00-07:00', { ...dc, action: 'unpack', parentLotId: lots.container, childLotIds: [lots.pallet] }),
  ]);
  return steps;
}

/**
 * The entity list the demo uploads for screening: one near match of the producer group's legal name
 * (a spelling slip, so the dossier reports it as near, not exact) among unrelated entities.
 */
export const DEMO_SCREENING_LIST = {
  name: 'demo-entity-list',
  nearMatch: 'Huaxia Coton & Apparel Group Co., Ltd.',
  csv: [
    'name,aliases,country,address',
    '"Huaxia Coton & Apparel Group Co., Ltd.",Huaxia Coton Group,CN,"Aksu Economic Development Zone, Xinjiang"',
    '"Kashgar Jinhe Textile Trading Co., Ltd.",Jinhe Textiles,CN,"Kashgar, Xinjiang"',
    'Altai Polysilicon Materials Co.,,CN,"Altay, Xinjiang"',
    'Northern Lights Metals LLC,,KZ,"Almaty"',
    '',
  ].join('\n'),
} as const;
