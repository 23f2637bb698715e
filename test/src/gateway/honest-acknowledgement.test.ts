/**
 * A 202 is an honest promise (api.md "Conventions"), through real HTTP against the embedded network:
 * what the chaincode would refuse for the request alone is refused before the 202 with the synchronous
 * refusal's status; a lot registered a moment ago through another gateway is found; corrections go through
 * the outbox; what only the ledger can judge ends `rejected`, a poison event `dead`, both visible with their
 * reason and counted; CONFLICT sentences carry no other organisation's transaction ids; the outbox is private.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type GatewayHandle,
  type LedgerPort,
  LedgerInternalError,
  createFabricLedger,
  createLogger,
  createMetrics,
  loadConfig,
  startGateway,
} from '@acetrace/gateway';
import { connectAs } from '../network/helpers';
import { expect } from '../scenarios/chai.test';
import { freshEpc, lotInput, uid } from '../scenarios/helpers';
import { type Stack, postEvents, targetSuite } from '../scenarios/target';

const TIME = '2026-11-20T08:15:00+08:00';

/** A second gateway over the same network, with its own data folder and keys (another organisation's gateway). */
async function secondGateway(s: Stack, env: Record<string, string> = {}, wrap?: (l: LedgerPort) => LedgerPort) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-gw-second-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ACETRACE_DATA_DIR: dir,
    ACETRACE_CONNECTION_PROFILE: path.join(s.dir, 'network', 'connection.json'),
    ACETRACE_LOG_LEVEL: 'silent',
    ACETRACE_RATE_LIMIT_MAX: '100000',
    ACETRACE_BATCH_MAX_WAIT_MS: '10',
    ...env,
  });
  const logger = createLogger('silent');
  const ledger = createFabricLedger({ profile: config.connectionProfile, deadlines: config.deadlines, retry: config.retry, logger, metrics: createMetrics() });
  const gateway: GatewayHandle = await startGateway(config, { logger, ledger: wrap ? wrap(ledger) : ledger });
  const creds = (JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf8')) as { principals: Array<{ role: string; mspId: string; apiKey: string }> }).principals;
  return {
    gateway,
    dir,
    key: (role: string, mspId = 'Org1MSP'): string => creds.find((c) => c.role === role && c.mspId === mspId)?.apiKey ?? '',
    stop: async (): Promise<void> => {
      await gateway.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function send(url: string, key: string, body: unknown, query = ''): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/events${query}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function waitForStatus(url: string, key: string, eventId: string, statuses: string[]): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${url}/v1/events/${eventId}`, { headers: { 'x-api-key': key } });
    const body = (await res.json()) as Record<string, unknown>;
    if (statuses.includes(String(body.status))) return body;
    expect(Date.now(), `event ${eventId} is still ${String(body.status)}`).to.be.below(deadline);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function metric(url: string, key: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { 'x-api-key': key } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

describe('gateway: a 202 is an honest promise', function () {
  this.timeout(180_000);
  const s = targetSuite({ target: 'embedded' });
  let lotId: string;
  before(async () => {
    lotId = uid('LOT-H');
    expect((await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(lotId))).status).to.equal(201);
  });

  const gps = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    eventId: uid('EVT-H'),
    lotId,
    link: 7,
    kind: 'gps',
    eventTime: TIME,
    location: { lat: 22.5, lon: 114.1 },
    ...over,
  });

  it('refuses an unknown lot with 404 before any 202, single and in a batch (paths as the chaincode names them)', async () => {
    const single = await postEvents(s, s.key('logistics'), gps({ lotId: uid('LOT-NONE') }), false);
    expect(single.status, JSON.stringify(single.body)).to.equal(404);
    expect(single.body.code).to.equal('NOT_FOUND');
    expect(single.body.detail).to.match(/^lotId: lot LOT-NONE-\S+ is not registered$/);
    const good = gps();
    const batch = await postEvents(s, s.key('logistics'), { events: [good, gps({ lotId: uid('LOT-NONE') })] }, false);
    expect(batch.status, JSON.stringify(batch.body)).to.equal(404);
    expect(batch.body.detail).to.match(/^events\[1\]\.lotId: /);
    // nothing of the refused batch was stored: its good event is unknown to the gateway and the ledger
    const res = await s.http().get(`/v1/events/${String(good.eventId)}`).set('X-API-Key', s.key('logistics'));
    expect(res.status).to.equal(404);
  });

  it('refuses what the chaincode validators refuse, with its 400 and field paths: EPC spellings, GLN check digits, limits, impossible dates', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [gps({ kind: 'rfid', epcs: ['not-an-epc'] }), 'epcs[0]'],
      [gps({ location: { lat: 22.5, lon: 114.1, gln: '0614141000013' } }), 'location.gln'],
      [gps({ evidence: Array.from({ length: 51 }, (_, i) => ({ sha256: i.toString(16).padStart(64, 'a'), type: 'po' })) }), 'evidence'],
      [gps({ kind: 'rfid', epcs: Array.from({ length: 1001 }, () => freshEpc()) }), 'epcs'],
      [gps({ eventTime: '2026-02-30T08:15:00Z' }), 'eventTime'],
    ];
    for (const [event, field] of cases) {
      for (const [body, prefix] of [[event, ''], [{ events: [event] }, 'events[0].']] as const) {
        const res = await postEvents(s, s.key('logistics'), body, false);
        expect(res.status, `${field}: ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(400);
        expect(res.body.code).to.equal('INVALID_ARGUMENT');
        const errors = res.body.errors as Array<{ path: string }>;
        expect(errors.map((e) => e.path), field).to.include(`${prefix}${field}`);
      }
    }
    // a good spelling is accepted and stored as the chaincode normalises it
    const hex = gps({ kind: 'rfid', epcs: ['3034257BF400B7800004CB2F'] });
    const ok = await postEvents(s, s.key('logistics'), hex, true);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
  });

  it('refuses a link or kind the role may not post with 403, as the chaincode words it', async () => {
    const link = await postEvents(s, s.key('logistics'), gps({ link: 3 }), false);
    expect(link.status, JSON.stringify(link.body)).to.equal(403);
    expect(link.body.detail).to.match(/^role logistics of Org1MSP may not post link 3/);
    const kind = await postEvents(s, s.key('logistics'), gps({ kind: 'document' }), false);
    expect(kind.status).to.equal(403);
    expect(kind.body.detail).to.match(/logistics needs kind rfid, gps, handover or aggregation/);
    // compliance acts with its organisation's roles: a document on a logistics-only link no organisation may post
    const compliance = await postEvents(s, s.key('compliance'), gps({ kind: 'document' }), false);
    expect(compliance.status).to.equal(403);
    const allowed = await postEvents(s, s.key('compliance'), gps(), true);
    expect(allowed.status, JSON.stringify(allowed.body)).to.equal(201);
  });

  it('finds a lot registered a moment ago through another gateway (no negative caching)', async () => {
    const other = await secondGateway(s);
    try {
      const fresh = uid('LOT-OTHER');
      expect((await postEvents(s, s.key('logistics'), gps({ lotId: fresh }), false)).status).to.equal(404);
      const reg = await fetch(`${other.gateway.url}/v1/lots`, {
        method: 'POST',
        headers: { 'x-api-key': other.key('supplier'), 'content-type': 'application/json' },
        body: JSON.stringify(lotInput(fresh)),
      });
      expect(reg.status).to.equal(201);
      const again = await postEvents(s, s.key('logistics'), gps({ lotId: fresh }), true);
      expect(again.status, JSON.stringify(again.body)).to.equal(201);
    } finally {
      await other.stop();
    }
  });

  it('takes corrections through the outbox: 202 (or 201 with wait=commit), refused before the 202 when the original is unknown or foreign', async () => {
    const original = gps();
    expect((await postEvents(s, s.key('logistics'), original, true)).status).to.equal(201);
    const correction = gps({ correctionOf: original.eventId, reason: 'wrong fix', location: { lat: 22.6, lon: 114.2 } });
    const queued = await postEvents(s, s.key('compliance'), correction, false);
    expect(queued.status, JSON.stringify(queued.body)).to.equal(202);
    expect((queued.body.accepted as Array<{ status: string }>)[0]?.status).to.equal('queued');
    const done = await waitForStatus(s.gateway.url, s.key('compliance'), String(correction.eventId), ['committed', 'rejected', 'dead']);
    expect(done.status, JSON.stringify(done)).to.equal('committed');
    expect(done.txId).to.be.a('string');

    // a correction queued right behind its (still queued) original waits for it and commits too
    const second = gps();
    const behind = gps({ correctionOf: second.eventId, reason: 'late fix' });
    expect((await postEvents(s, s.key('logistics'), second, false)).status).to.equal(202);
    const waited = await postEvents(s, s.key('compliance'), behind, true);
    expect(waited.status, JSON.stringify(waited.body)).to.equal(201);

    const unknown = await postEvents(s, s.key('compliance'), gps({ correctionOf: uid('EVT-NONE'), reason: 'x' }), false);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.detail).to.match(/^correctionOf: event EVT-NONE-\S+ is not recorded$/);
    const notCompliance = await postEvents(s, s.key('logistics'), gps({ correctionOf: original.eventId, reason: 'x' }), false);
    expect(notCompliance.status).to.equal(403);
    const foreign = await postEvents(s, s.key('compliance', s.orgs.logistics), gps({ correctionOf: original.eventId, reason: 'x' }), false);
    expect(foreign.status, JSON.stringify(foreign.body)).to.equal(403);
    const otherLot = await postEvents(s, s.key('compliance'), gps({ lotId: uid('LOT-X'), correctionOf: original.eventId, reason: 'x' }), false);
    expect(otherLot.status, JSON.stringify(otherLot.body)).to.equal(400);
    expect((otherLot.body.errors as Array<{ path: string }>)[0]?.path).to.equal('lotId');
  });

  it('what only the ledger can judge ends `rejected`, visible with its reason and counted (a device of another organisation)', async () => {
    const admin = s.network?.connection.identities.find((i) => i.role === 'admin' && i.mspId === s.orgs.logistics);
    expect(admin, 'an admin of the second organisation').to.not.equal(undefined);
    if (s.network === undefined || admin === undefined) throw new Error('needs the embedded network and an admin of the second organisation');
    const client = connectAs(s.network, admin.name);
    const deviceId = uid('dev-foreign');
    try {
      await client.contract.submitTransaction('RegisterDevice', JSON.stringify({ deviceId }));
    } finally {
      client.close();
    }
    const before = await metric(s.gateway.url, s.key('admin'), 'acetrace_events_rejected_total');
    const event = gps({ deviceId });
    expect((await postEvents(s, s.key('logistics'), event, false)).status).to.equal(202);
    const got = await waitForStatus(s.gateway.url, s.key('logistics'), String(event.eventId), ['committed', 'rejected', 'dead']);
    expect(got.status).to.equal('rejected');
    expect(got.reason).to.match(/^ACCESS_DENIED: .*device/);
    expect(await metric(s.gateway.url, s.key('admin'), 'acetrace_events_rejected_total')).to.equal(before + 1);
  });

  it('a poison event (the ledger answers, but neither commits nor refuses it) ends `dead` after the bounded attempts; its batch-mates commit', async () => {
    const poisoned = (real: LedgerPort): LedgerPort =>
      new Proxy(real, {
        get(target, prop) {
          if (prop === 'recordEvents') {
            return async (identity: string, events: Array<{ eventId: string }>) => {
              if (events.some((e) => e.eventId.startsWith('POISON'))) {
                throw new LedgerInternalError('chaincode failed without a code', { transaction: 'RecordEvents' });
              }
              return target.recordEvents(identity, events as never);
            };
          }
          const v: unknown = Reflect.get(target, prop, target);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    const other = await secondGateway(s, { ACETRACE_OUTBOX_MAX_FAILURES: '2' }, poisoned);
    try {
      const poison = gps({ eventId: uid('POISON') });
      const good = gps();
      const res = await send(other.gateway.url, other.key('logistics'), { events: [poison, good] });
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      const dead = await waitForStatus(other.gateway.url, other.key('logistics'), String(poison.eventId), ['committed', 'rejected', 'dead']);
      expect(dead.status).to.equal('dead');
      expect(dead.reason).to.equal('LEDGER_ERROR: chaincode failed without a code');
      const ok = await waitForStatus(other.gateway.url, other.key('logistics'), String(good.eventId), ['committed', 'rejected', 'dead']);
      expect(ok.status).to.equal('committed');
      expect(await metric(other.gateway.url, other.key('admin'), 'acetrace_events_dead_total')).to.equal(1);
      // the outbox of that gateway is private: folder 0700, files 0600
      const folder = path.join(other.dir, 'gateway');
      expect(fs.statSync(folder).mode & 0o777).to.equal(0o700);
      for (const f of fs.readdirSync(folder).filter((n) => n.startsWith('outbox.sqlite'))) {
        expect(fs.statSync(path.join(folder, f)).mode & 0o777, f).to.equal(0o600);
      }
    } finally {
      await other.stop();
    }
  });

  it('CONFLICT answers carry no other organisation\'s transaction ids', async () => {
    const contested = uid('LOT-C');
    const first = await s.http().post('/v1/lots').set('X-API-Key', s.key('supplier')).send(lotInput(contested));
    expect(first.status).to.equal(201);
    const firstTx = (first.body as { txId: string }).txId;
    const second = await s.http().post('/v1/lots').set('X-API-Key', s.key('broker', s.orgs.logistics)).send(lotInput(contested));
    expect(second.status, JSON.stringify(second.body)).to.equal(409);
    const text = JSON.stringify(second.body);
    expect(text).to.not.include(firstTx);
    expect(text).to.not.match(/\(tx [0-9a-f]{16,}\)/);
  });
});
