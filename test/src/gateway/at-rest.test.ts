/**
 * Data at rest (domain.md "Private data"), through real HTTP against the embedded network: a gateway started
 * on a fresh data folder creates its data key (0600, folder 0700); a marker posted in an evidence URI, as
 * accepted, committed and refused requests, is nowhere in clear in the gateway's files (outbox, its WAL,
 * capture store, principals) nor in its log, while the gateway itself still answers it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type GatewayHandle, createLogger, loadConfig, startGateway } from '@acetrace/gateway';
import { EmbeddedNetwork, type RunningNetwork } from '@acetrace/network';
import pino from 'pino';
import request from 'supertest';
import { expect } from '../scenarios/chai.test';
import { SHA, lotInput, uid } from '../scenarios/helpers';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** The files under `dir` whose bytes contain `marker`. */
function filesHolding(dir: string, marker: string): string[] {
  return filesUnder(dir).filter((f) => fs.readFileSync(f).includes(marker));
}

describe('gateway: nothing private in clear at rest', function () {
  this.timeout(180_000);
  let dir: string;
  let network: RunningNetwork;
  let gateway: GatewayHandle;
  let logFile: string;
  let key: (role: string) => string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-at-rest-'));
    network = await EmbeddedNetwork.start({ dataDir: dir, port: 0, logger: pino({ level: 'warn' }), batchTimeoutMs: 20 });
    logFile = path.join(dir, 'gateway.log');
    const logger = createLogger('debug', pino.destination({ dest: logFile, sync: true }));
    gateway = await startGateway(loadConfig({ PORT: '0', HOST: '127.0.0.1', ACETRACE_DATA_DIR: dir, ACETRACE_BATCH_MAX_WAIT_MS: '10' }), { logger });
    const creds = (JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf8')) as { principals: Array<{ role: string; mspId: string; apiKey: string }> }).principals;
    key = (role) => creds.find((c) => c.role === role && c.mspId === 'Org1MSP')?.apiKey ?? '';
  });
  after(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await gateway?.stop();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await network?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the data key on a fresh data folder: 0600 in a 0700 folder, and logs where it is', () => {
    const keyFile = path.join(dir, 'gateway', 'data-key.json');
    expect(fs.statSync(keyFile).mode & 0o777).to.equal(0o600);
    expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).to.equal(0o700);
    const log = fs.readFileSync(logFile, 'utf8');
    expect(log).to.contain('data key created').and.contain(keyFile);
  });

  it('an evidence URI marker, posted, committed and refused, is in no gateway file nor log line, yet answered', async () => {
    const marker = `MARKER${uid('X').replace(/[^A-Za-z0-9]/g, '')}`;
    const lot = lotInput(uid('LOT-AR'));
    const epcs = lot.epcs as string[];
    expect((await request(gateway.url).post('/v1/lots').set('X-API-Key', key('supplier')).send(lot)).status).to.equal(201);
    const event = (eventId: string): Record<string, unknown> => ({
      eventId,
      lotId: lot.lotId,
      link: 5,
      kind: 'rfid',
      eventTime: '2026-11-20T08:15:00+08:00',
      epcs: [epcs[0]],
      evidence: [{ sha256: SHA(1), type: 'invoice', uri: `s3://private/${marker}.pdf` }],
    });
    const committed = uid('EVT-AR');
    const res = await request(gateway.url).post('/v1/events?wait=commit').set('X-API-Key', key('supplier')).send({ events: [event(committed), event(uid('EVT-AR'))] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    // refused before the queue (a field the chaincode rejects), the marker in the body
    const refused = await request(gateway.url).post('/v1/events').set('X-API-Key', key('supplier')).send({ ...event(uid('EVT-AR')), link: 13 });
    expect(refused.status).to.equal(400);

    const answered = await request(gateway.url).get(`/v1/events/${committed}`).set('X-API-Key', key('supplier'));
    expect(answered.status).to.equal(200);
    expect(JSON.stringify(answered.body)).to.contain(marker);

    const gatewayDir = path.join(dir, 'gateway');
    expect(fs.existsSync(path.join(gatewayDir, 'outbox.sqlite-wal')), 'the outbox WAL is scanned').to.equal(true);
    expect(filesHolding(gatewayDir, marker)).to.deep.equal([]);
    expect(fs.readFileSync(logFile, 'utf8')).to.not.contain(marker);
  });
});
