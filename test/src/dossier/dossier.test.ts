/**
 * The CBP dossier and screening through real HTTP against the embedded network running the real
 * chaincode (dossier.md): registered parties and a facility in CN-XJ, a screening list with one
 * near match, a lot made from an input lot with a missing bill of lading; the PDF read back, the
 * ZIP's manifest checked, the XLSX opened, the access rules and determinism.
 */
import ExcelJS from 'exceljs';
import * as crypto from 'node:crypto';
import { PDFParse } from 'pdf-parse';
import { expect } from '../scenarios/chai.test';
import { SHA, freshEpc, freshGln, lotInput, uid } from '../scenarios/helpers';
import { type Stack, postEvents, startTarget } from '../scenarios/target';
import { unzip } from '@acetrace/gateway/dist/dossier/zip-entries.test';

interface Model {
  generatedAt: string;
  ledger: { height: number | null; blockHash: string | null };
  ledgerAppendix: Array<{ eventId: string; blockNumber: number | null; blockHash: string | null }>;
  policy: string;
  summary: { linksCovered: number; evidencePresent: number; evidenceRequired: number; nearMatches: number; exactMatches: number; highRiskFacilities: number; transformations: number; sectors: string[]; sentences: string[] };
  parties: Array<{ mspId: string; legalName: string | null; address: string | null }>;
  missing: Array<{ lotId: string; link: number; type: string; expectedFrom: string[] }>;
  exhibits: Array<{ number: number; kind: string }>;
  reconciliation: Array<{ output: { lotId: string }; inputs: Array<{ lotId: string; quantityConsumed: number }>; status: string }>;
  anomalies: Array<{ type: string }>;
  screening: { lists: Array<{ name: string; sha256: string }>; nearMatches: Array<{ mspId: string; listedName: string; score: number }>; highRiskFacilities: Array<{ gln: string }> };
}

const at = (day: number, hour = 8): string => `2026-09-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+00:00`;

const binary = (res: { on(e: string, f: (c?: Buffer) => void): void; setEncoding?: unknown }, done: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => {
    if (c) chunks.push(c);
  });
  res.on('end', () => {
    done(null, Buffer.concat(chunks));
  });
};

describe('dossier: CBP review package and screening (real HTTP → gateway → embedded network)', function () {
  this.timeout(240_000);
  let s: Stack;
  let lotId: string;
  let inputId: string;
  const listCsv = 'name,aliases,country,address\n"Kashgar Golden Cotton Co., Ltd.",Golden Field Cotton,CN,Kashgar\n';

  before(async () => {
    s = await startTarget({ target: 'embedded' });
    const { supplier: a, logistics: b, broker: c } = s.orgs;
    const profile = async (msp: string, legalName: string, country: string): Promise<void> => {
      const res = await s.http().put(`/v1/organisations/${msp}`).set('X-API-Key', s.key('admin', msp))
        .send({ legalName, country, address: `${legalName} HQ`, roles: ['manufacturer'] });
      expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
    };
    await profile(a, 'Kashgar Goldan Cotton Company Limited', 'CN');
    await profile(b, 'Pacific Freight Lines Inc.', 'US');
    if (c !== b) await profile(c, 'Harbor Customs Brokers LLC', 'US');
    const gln = freshGln();
    const fac = await s.http().post('/v1/facilities').set('X-API-Key', s.key('admin', a))
      .send({ gln, name: 'Kashgar ginning mill', address: null, country: 'CN', subdivision: 'CN-XJ', lat: 39.47, lon: 75.99, type: 'mill' });
    expect(fac.status, JSON.stringify(fac.body)).to.equal(201);

    const up = await s.http().put('/v1/screening/lists/uflpa-entity-list').set('X-API-Key', s.key('compliance', a)).type('text/csv').send(listCsv);
    expect(up.status, JSON.stringify(up.body)).to.equal(201);

    inputId = uid('COTTON');
    let reg = await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier', a))
      .send(lotInput(inputId, { product: 'Raw cotton', htsCode: '5201.00.1800', quantity: 500, unit: 'KGM', epcs: [] }));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    const ok = async (role: string, msp: string, body: Record<string, unknown>): Promise<void> => {
      const out = await postEvents(s, s.key(role, msp), body);
      expect(out.status, JSON.stringify(out.body)).to.equal(201);
    };
    await ok('supplier', a, { eventId: `${inputId}-1`, lotId: inputId, link: 1, kind: 'document', eventTime: at(1), location: { gln },
      evidence: [{ sha256: SHA(1), type: 'po' }, { sha256: SHA(2), type: 'proof-of-payment' }] });

    lotId = uid('LOT-DOSSIER');
    const epc = freshEpc();
    reg = await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier', a))
      .send(lotInput(lotId, { product: 'Cotton T-shirts', htsCode: '6109.10.0012', quantity: 900, unit: 'EA', epcs: [epc], importerMsp: b,
        inputs: [{ lotId: inputId, quantity: 450, unit: 'KGM' }] }));
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    await ok('supplier', a, { eventId: `${lotId}-3`, lotId, link: 3, kind: 'document', eventTime: at(3), evidence: [{ sha256: SHA(3), type: 'production-record' }] });
    await ok('supplier', a, { eventId: `${lotId}-5`, lotId, link: 5, kind: 'rfid', eventTime: at(5), epcs: [epc] });
    await ok('logistics', a, { eventId: `${lotId}-7`, lotId, link: 7, kind: 'handover', eventTime: at(7), handoverTo: b });
    await ok('logistics', b, { eventId: `${lotId}-9`, lotId, link: 9, kind: 'rfid', eventTime: at(9), epcs: [epc] });
    await ok('broker', b, { eventId: `${lotId}-11`, lotId, link: 11, kind: 'document', eventTime: at(11), evidence: [{ sha256: SHA(11), type: 'entry' }] });
  });

  after(async () => {
    await s.stop();
  });

  it('stores screening lists with SHA-256 and upload time; refuses other media types and roles', async () => {
    const list = await s.http().get('/v1/screening/lists').set('X-API-Key', s.key('auditor'));
    expect(list.status).to.equal(200);
    const stored = (list.body as { lists: Array<{ name: string; sha256: string; uploadedAt: string; entries: number }> }).lists;
    expect(stored).to.have.length(1);
    expect(stored[0]).to.include({ name: 'uflpa-entity-list', entries: 1, sha256: crypto.createHash('sha256').update(listCsv).digest('hex') });
    expect(Date.parse(stored[0]?.uploadedAt ?? '')).to.be.greaterThan(0);
    const one = await s.http().get('/v1/screening/lists/uflpa-entity-list').set('X-API-Key', s.key('auditor'));
    expect((one.body as { entities: Array<{ aliases: string[] }> }).entities[0]?.aliases).to.deep.equal(['Golden Field Cotton']);
    const json = await s.http().put('/v1/screening/lists/x').set('X-API-Key', s.key('compliance')).send({ name: 'x' });
    expect(json.status).to.equal(415);
    const bad = await s.http().put('/v1/screening/lists/x').set('X-API-Key', s.key('compliance')).type('text/csv').send('company\nA\n');
    expect(bad.status).to.equal(400);
    const supplier = await s.http().put('/v1/screening/lists/x').set('X-API-Key', s.key('supplier')).type('text/csv').send(listCsv);
    expect(supplier.status).to.equal(403);
    const viewer = await s.http().get('/v1/screening/lists').set('X-API-Key', s.key('viewer'));
    expect(viewer.status).to.equal(403);
    const missing = await s.http().get('/v1/screening/lists/nope').set('X-API-Key', s.key('auditor'));
    expect(missing.status).to.equal(404);
  });

  it('JSON: evidence, missing documents with their parties, screening, reconciliation, from the ledger', async () => {
    const { supplier: a, logistics: b } = s.orgs;
    const res = await s.http().get(`/v1/lots/${lotId}/dossier?format=json`).set('X-API-Key', s.key('auditor'));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const m = res.body as Model;
    expect(m.policy).to.equal('cbp-uflpa-2023');
    expect(m.summary.linksCovered).to.equal(5);
    expect(m.missing).to.deep.include({ lotId, link: 9, type: 'bill-of-lading', expectedFrom: [b] });
    // nobody recorded link 1 of the lot: its documents are expected from the custodian then, the owner
    expect(m.missing.filter((x) => x.lotId === lotId && x.link === 1).every((x) => x.expectedFrom.join() === a)).to.equal(true);
    // the input lot's missing documents are listed too; its po and proof of payment are present
    expect(m.missing.some((x) => x.lotId === inputId && x.type === 'invoice')).to.equal(true);
    expect(m.missing.some((x) => x.lotId === inputId && x.type === 'proof-of-payment')).to.equal(false);
    expect(m.summary.nearMatches).to.equal(1);
    expect(m.screening.nearMatches[0]).to.include({ mspId: a, listedName: 'Kashgar Golden Cotton Co., Ltd.' });
    expect(m.screening.nearMatches[0]?.score).to.be.within(0.88, 0.999);
    expect(m.screening.highRiskFacilities).to.have.length(1);
    expect(m.summary.sectors).to.deep.equal(['apparel']);
    expect(m.reconciliation).to.have.length(1);
    expect(m.reconciliation[0]).to.deep.include({ status: 'balanced' });
    expect(m.reconciliation[0]?.inputs[0]).to.include({ lotId: inputId, quantityConsumed: 450 });
    expect(m.parties.find((p) => p.mspId === a)?.address).to.equal('Kashgar Goldan Cotton Company Limited HQ');
    // the ledger's height and each event's block hash at generation (the proofs' block source)
    expect(m.ledger.height).to.be.greaterThan(1);
    expect(m.ledger.blockHash).to.match(/^[0-9a-f]{64}$/);
    expect(m.ledgerAppendix.length).to.be.greaterThan(0);
    for (const e of m.ledgerAppendix) {
      expect(e.blockNumber, e.eventId).to.be.a('number');
      expect(e.blockHash, e.eventId).to.match(/^[0-9a-f]{64}$/);
    }
  });

  it('PDF: summary figures, every party, every missing document with its party, anomalies and screening, read back', async () => {
    const json = (await s.http().get(`/v1/lots/${lotId}/dossier?format=json`).set('X-API-Key', s.key('auditor'))).body as Model;
    const res = await s.http().get(`/v1/lots/${lotId}/dossier`).set('X-API-Key', s.key('auditor')).buffer(true).parse(binary);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^application\/pdf/);
    expect(res.headers['content-disposition']).to.include(`dossier-${lotId}.pdf`);
    const parser = new PDFParse({ data: new Uint8Array(res.body as Buffer) });
    const text = (await parser.getText()).text.replace(/\s+/g, ' ');
    await parser.destroy();
    expect(text).to.include(`${String(json.summary.linksCovered)}/12`);
    expect(text).to.include(`${String(json.summary.evidencePresent)}/${String(json.summary.evidenceRequired)} required documents`);
    for (const p of json.parties) expect(text).to.include(p.legalName ? `${p.legalName} (${p.mspId})` : p.mspId);
    const name = (msp: string): string => {
      const p = json.parties.find((x) => x.mspId === msp);
      return p?.legalName ? `${p.legalName} (${msp})` : msp;
    };
    for (const miss of json.missing) expect(text).to.include(`Missing: ${miss.type} — expected from ${miss.expectedFrom.map(name).join(', ')}`);
    for (const a of json.anomalies) expect(text).to.include(a.type);
    expect(text).to.include('~ Kashgar Golden Cotton Co., Ltd. on uflpa-entity-list');
    expect(text).to.include('is in CN-XJ');
  });

  it('ZIP: manifest hashes match the files; the XLSX has one row per exhibit; deterministic apart from the generation time', async () => {
    const get = async (): Promise<Map<string, Buffer>> => {
      const res = await s.http().get(`/v1/lots/${lotId}/dossier?format=zip`).set('X-API-Key', s.key('auditor')).buffer(true).parse(binary);
      expect(res.status, (res.body as Buffer).toString('utf8').slice(0, 500)).to.equal(200);
      expect(res.headers['content-type']).to.match(/^application\/zip/);
      return unzip(res.body as Buffer);
    };
    const first = await get();
    const manifest = JSON.parse((first.get('manifest.json') as Buffer).toString('utf8')) as { files: Array<{ name: string; sha256: string }>; absent: Array<{ name: string; reason: string }> };
    expect(manifest.files.map((f) => f.name)).to.include.members(['dossier.pdf', 'provenance.json', 'exhibits.csv', 'exhibits.xlsx', 'epcis.jsonld']);
    // proof.json is there, or named absent with the proof service's reason (never silently left out)
    const proofListed = manifest.files.some((f) => f.name === 'proof.json') || manifest.absent.some((f) => f.name === 'proof.json' && f.reason.length > 0);
    expect(proofListed, JSON.stringify(manifest.absent)).to.equal(true);
    const epcis = JSON.parse((first.get('epcis.jsonld') as Buffer).toString('utf8')) as { type: string; epcisBody: { eventList: unknown[] } };
    expect(epcis.type).to.equal('EPCISDocument');
    expect(epcis.epcisBody.eventList.length).to.be.greaterThan(0);
    const proof = first.get('proof.json');
    if (proof) expect((JSON.parse(proof.toString('utf8')) as { events?: unknown[] }).events?.length).to.be.greaterThan(0);
    for (const f of manifest.files) expect(crypto.createHash('sha256').update(first.get(f.name) as Buffer).digest('hex'), f.name).to.equal(f.sha256);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(first.get('exhibits.xlsx') ?? []).buffer);
    const json = (await s.http().get(`/v1/lots/${lotId}/dossier?format=json`).set('X-API-Key', s.key('auditor'))).body as Model;
    expect(wb.getWorksheet('Exhibits')?.rowCount).to.equal(json.exhibits.length + 1);
    const second = await get();
    for (const name of ['provenance.json', 'exhibits.csv']) expect((second.get(name) as Buffer).equals(first.get(name) as Buffer), name).to.equal(true);
    const again = (await s.http().get(`/v1/lots/${lotId}/dossier?format=json`).set('X-API-Key', s.key('auditor'))).body as Model;
    expect({ ...again, generatedAt: '' }).to.deep.equal({ ...json, generatedAt: '' });
  });

  it('only the auditor, or broker or compliance of the owning or importing organisation, gets a dossier', async () => {
    const { supplier: a, logistics: b, broker: c } = s.orgs;
    expect((await s.http().get(`/v1/lots/${lotId}/dossier?format=json`).set('X-API-Key', s.key('broker', b))).status).to.equal(200);
    expect((await s.http().get(`/v1/lots/${lotId}/dossier?format=json`).set('X-API-Key', s.key('compliance', a))).status).to.equal(200);
    expect((await s.http().get(`/v1/lots/${lotId}/dossier?format=json`).set('X-API-Key', s.key('viewer', a))).status).to.equal(403);
    expect((await s.http().get(`/v1/lots/${lotId}/dossier?format=json`).set('X-API-Key', s.key('supplier', a))).status).to.equal(403);
    if (c !== b && c !== a) expect((await s.http().get(`/v1/lots/${lotId}/dossier?format=json`).set('X-API-Key', s.key('broker', c))).status).to.equal(403);
    expect((await s.http().get(`/v1/lots/${lotId}/dossier?format=docx`).set('X-API-Key', s.key('auditor'))).status).to.equal(400);
    expect((await s.http().get('/v1/lots/NO-SUCH-LOT/dossier').set('X-API-Key', s.key('auditor'))).status).to.equal(404);
  });
});
