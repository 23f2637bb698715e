/**
 * POST /v1/readings end to end: real HTTP → gateway child → @hyperledger/fabric-gateway → embedded
 * network → chaincode. A reader table written before the gateway starts; raw reads in three EPC
 * spellings (tag URI, GS1 Digital Link, SGTIN-96 hex from epc-tds); repeats suppressed, an unknown
 * EPC and an unknown reader reported; the rfid events visible in the auditor's provenance.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import epcTds from 'epc-tds';
import { expect } from './chai.test';
import { SuiteStack, call, registerLot, sleep } from './harness';

const COMPANY = 614141;
const ITEM = 812345;
type Sgtin96 = InstanceType<typeof epcTds.Sgtin96>;
const sgtin = (serial: number): Sgtin96 => new epcTds.Sgtin96().setFilter(1).setPartition(5).setCompanyPrefix(COMPANY).setItemReference(ITEM).setSerial(serial);
const pure = (serial: number): string => sgtin(serial).toIdURI();
const tagUri = (serial: number): string => sgtin(serial).toTagURI();
const hex = (serial: number): string => sgtin(serial).toHexString();
const digitalLink = (serial: number): string => `https://id.gs1.org/01/${sgtin(serial).getGtin()}/21/${String(serial)}`;

interface ReadingsAnswer {
  accepted: Array<{ eventId: string; status: string; lotId: string; readerId: string; link: number; eventTime: string; epcCount: number }>;
  suppressed: number;
  unknownEpcs: string[];
  unknownReaders: string[];
  forbiddenReaders: string[];
  invalidReads: Array<{ index: number; message: string }>;
}

describe('POST /v1/readings through the real stack', function () {
  this.timeout(300_000);
  const stack = new SuiteStack();
  before(() =>
    stack.start((dir) => {
      fs.mkdirSync(path.join(dir, 'gateway'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'gateway', 'readers.json'),
        JSON.stringify({
          readers: [
            { readerId: 'szx-dock-1', link: 'origin-warehousing', location: { gln: '0614141000012', lat: 22.54, lon: 114.05 }, identity: 'org2-logistics' },
            { readerId: 'yantian-gate-3', link: 9, location: { lat: 22.57, lon: 114.27 } },
            { readerId: 'org1-only-reader', link: 6, identity: 'org1-logistics' },
          ],
        }),
      );
    }),
  );
  after(() => stack.stop());

  it('turns raw reads in three spellings into rfid events on the ledger, suppressing repeats', async () => {
    const gw = stack.gateway;
    const { supplier, carrier, auditor } = stack.keys();
    const lotId = await registerLot(gw.url, supplier, 'LOT-READINGS-1', [1, 2, 3, 4, 5].map(pure));
    expect(hex(1)).to.match(/^30[0-9A-F]{22}$/);

    const at = (s: number): string => `2026-11-20T08:00:${String(s).padStart(2, '0')}+08:00`;
    const reads = [
      // dock: five tags, each read several times in three spellings within one minute
      ...[1, 2, 3, 4, 5].flatMap((s) => [
        { readerId: 'szx-dock-1', antenna: 1, epc: tagUri(s), rssi: -51.5, readTime: at(10 + s) },
        { readerId: 'szx-dock-1', antenna: 2, epc: digitalLink(s), rssi: -60, readTime: at(20 + s) },
        { readerId: 'szx-dock-1', antenna: 1, epc: hex(s), readTime: at(30 + s) },
      ]),
      // gate: two tags once each
      { readerId: 'yantian-gate-3', epc: hex(1), readTime: '2026-11-22T14:00:01+08:00' },
      { readerId: 'yantian-gate-3', epc: tagUri(2), readTime: '2026-11-22T14:00:02+08:00' },
      // a tag of no lot, an unknown reader, a reader of another identity, an unreadable EPC
      { readerId: 'szx-dock-1', epc: hex(999), readTime: at(40) },
      { readerId: 'ghost-reader', epc: hex(1), readTime: at(41) },
      { readerId: 'org1-only-reader', epc: hex(1), readTime: at(42) },
      { readerId: 'szx-dock-1', epc: 'urn:epc:id:sgtin:not-an-epc', readTime: at(43) },
    ];
    const res = await call(gw.url, 'POST', '/v1/readings', carrier, { reads });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const out = res.body as ReadingsAnswer;
    expect(out.suppressed).to.equal(10); // 15 dock reads of 5 tags
    expect(out.unknownEpcs).to.deep.equal([pure(999)]);
    expect(out.unknownReaders).to.deep.equal(['ghost-reader']);
    expect(out.forbiddenReaders).to.deep.equal(['org1-only-reader']);
    expect(out.invalidReads.map((r) => r.index)).to.deep.equal([reads.length - 1]);
    expect(out.accepted).to.have.length(2);
    const dock = out.accepted.find((a) => a.readerId === 'szx-dock-1');
    const gate = out.accepted.find((a) => a.readerId === 'yantian-gate-3');
    expect(dock).to.include({ lotId, link: 6, epcCount: 5, eventTime: at(11) });
    expect(gate).to.include({ lotId, link: 9, epcCount: 2 });

    // the same request again: the same events, nothing new
    const again = await call(gw.url, 'POST', '/v1/readings', carrier, { reads });
    expect(again.status).to.equal(202);
    const out2 = again.body as ReadingsAnswer;
    expect(out2.accepted.map((a) => a.eventId).sort()).to.deep.equal(out.accepted.map((a) => a.eventId).sort());

    // committed, and in the auditor's provenance as rfid events with pure-identity EPCs
    const ids = out.accepted.map((a) => a.eventId);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const states = await Promise.all(ids.map((id) => call(gw.url, 'GET', `/v1/events/${id}`, carrier)));
      if (states.every((s) => (s.body as { status?: string }).status === 'committed')) break;
      if (Date.now() > deadline) throw new Error(`not committed: ${JSON.stringify(states.map((s) => s.body))}`);
      await sleep(200);
    }
    const prov = await call(gw.url, 'GET', `/v1/lots/${lotId}/provenance`, auditor);
    expect(prov.status).to.equal(200);
    const links = (prov.body as { links: Array<{ link: number; events: Array<Record<string, unknown>> }> }).links;
    const onLink = (n: number): Array<Record<string, unknown>> => links.find((l) => l.link === n)?.events ?? [];
    expect(onLink(6)).to.have.length(1);
    expect(onLink(6)[0]).to.include({ eventId: dock?.eventId, kind: 'rfid', deviceId: 'szx-dock-1', recordedBy: 'Org2MSP' });
    expect(onLink(6)[0]?.epcs).to.deep.equal([1, 2, 3, 4, 5].map(pure).sort());
    expect((onLink(6)[0]?.location as { gln?: string }).gln).to.equal('0614141000012');
    expect(onLink(9)).to.have.length(1);
    expect(onLink(9)[0]).to.include({ eventId: gate?.eventId, kind: 'rfid', deviceId: 'yantian-gate-3' });
    expect(onLink(9)[0]?.epcs).to.deep.equal([pure(1), pure(2)].sort());
    // also found by the SGTIN-96 hex of one of its tags
    const byHex = await call(gw.url, 'GET', `/v1/epcs/${hex(3)}/provenance`, auditor);
    expect((byHex.body as { lot: { lotId: string } }).lot.lotId).to.equal(lotId);
  });

  it('refuses roles that never post (403 problem+json), validates the body (400), documents the route', async () => {
    const gw = stack.gateway;
    const read = { readerId: 'szx-dock-1', epc: hex(1), readTime: '2026-11-20T08:00:00+08:00' };
    for (const [role, msp] of [['auditor', 'Org3MSP'], ['viewer', 'Org1MSP']] as const) {
      const res = await fetch(`${gw.url}/v1/readings`, {
        method: 'POST',
        headers: { 'X-API-Key': gw.key(role, msp), 'Content-Type': 'application/json' },
        body: JSON.stringify({ reads: [read] }),
      });
      expect(res.status).to.equal(403);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(((await res.json()) as { code: string }).code).to.equal('ACCESS_DENIED');
    }
    const carrier = gw.key('logistics', 'Org2MSP');
    const noOffset = await call(gw.url, 'POST', '/v1/readings', carrier, { reads: [{ ...read, readTime: '2026-11-20T08:00:00' }] });
    expect(noOffset.status).to.equal(400);
    expect((noOffset.body as { errors: Array<{ path: string }> }).errors[0]?.path).to.equal('reads[0].readTime');
    const tooMany = await call(gw.url, 'POST', '/v1/readings', carrier, { reads: Array.from({ length: 10_001 }, () => read) });
    expect(tooMany.status).to.equal(400);
    const max = await call(gw.url, 'POST', '/v1/readings', carrier, { reads: Array.from({ length: 10_000 }, () => read) });
    expect(max.status, JSON.stringify(max.body).slice(0, 300)).to.equal(202);
    expect((max.body as ReadingsAnswer).suppressed).to.equal(10_000);
    const doc = await call(gw.url, 'GET', '/openapi.json', carrier);
    const paths = (doc.body as { paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } } }> }).paths;
    expect(paths['/v1/readings']?.post?.requestBody?.content['application/json']?.schema.$ref).to.equal('#/components/schemas/PostReadingsBody');
    // importing the chaincode package index did not put winston lines among the gateway's logs
    expect(gw.output).to.not.match(/c-api:|\[32minfo/);
  });
});
