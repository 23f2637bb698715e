/**
 * The role × endpoint permission matrix: every cell's expected status, table-driven, through real
 * HTTP to the real chaincode (the gateway refuses roles that can never write; the chaincode judges
 * the rest: links per role, own-lot provenance, history, event reads).
 *
 * Callers are named by organisation slot, resolved against the target's organisations (target.ts):
 * `org1` = the supplier organisation, which registers the lot (Org1MSP); `org2` = the logistics
 * organisation (Org2MSP); `org3` = the broker organisation (Org3MSP, or Org2MSP on a
 * two-organisation network). Neither org2 nor org3 owns or imports the lot; org1 hands it to org2
 * before the matrix runs, so org2 posts as a custodian (domain.md "Custody and write scope").
 */
import { ROLES } from '@acetrace/chaincode/domain';
import { expect } from './chai.test';
import { freshEpc, lotInput, uid } from './helpers';
import { type Stack, type TargetOrgs, postEvents, seedLotWithEvent, startTarget, targetKind } from './target';

type Slot = 'org1' | 'org2' | 'org3';
type Who = 'none' | 'bad-key' | `${string}@${Slot}`;
const WHO: Who[] = [
  'none',
  'bad-key',
  ...ROLES.map((r) => `${r}@org1` as Who),
  'broker@org2',
  'compliance@org2',
  'viewer@org3',
];
const SLOT: Record<Slot, keyof Omit<TargetOrgs, 'all'>> = { org1: 'supplier', org2: 'logistics', org3: 'broker' };

interface Cell {
  method: 'GET' | 'POST';
  path: () => string;
  body?: () => unknown;
  /** expected status per caller; `rest` for every caller not listed (401 for none/bad-key is implied). */
  expect: Partial<Record<Who, number>> & { rest: number };
  /** expected provenance detail when 200 */
  detail?: Partial<Record<Who, 'full' | 'summary'>>;
}

describe(`scenario: permission matrix (role × endpoint, ${targetKind()} network)`, function () {
  this.timeout(180_000);
  let s: Stack;
  const lotId = uid('LOT-P');
  const lotEpc = freshEpc();
  const eventId = uid('EVT-P');

  before(async () => {
    s = await startTarget();
    await seedLotWithEvent(s, lotId, lotEpc, eventId);
    // write scope: org1 hands the lot to org2, so org2 may post on it (as a custodian, still neither owner nor importer)
    const handover = await postEvents(s, s.key('supplier'), {
      eventId: uid('EVT-H'), lotId, link: 5, kind: 'handover', handoverTo: s.orgs.logistics, eventTime: '2026-10-01T09:00:00Z',
    });
    expect(handover.status, JSON.stringify(handover.body)).to.equal(201);
  });
  after(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed
    await s?.stop();
  });

  const event = (link: number, kind: string, extra: Record<string, unknown> = {}) => () => ({
    eventId: uid('EVT-M'),
    lotId,
    link,
    kind,
    eventTime: '2026-10-02T08:00:00Z',
    ...extra,
  });

  const table: Record<string, Cell> = {
    'POST /v1/lots': {
      method: 'POST',
      path: () => '/v1/lots',
      body: () => lotInput(uid('LOT-M')),
      expect: { 'supplier@org1': 201, 'broker@org1': 201, 'compliance@org1': 201, 'broker@org2': 201, 'compliance@org2': 201, rest: 403 },
    },
    'POST /v1/events link 1 (document)': {
      method: 'POST',
      path: () => '/v1/events?wait=commit',
      body: event(1, 'document'),
      expect: { 'supplier@org1': 201, 'compliance@org1': 201, 'compliance@org2': 201, rest: 403 },
    },
    'POST /v1/events link 7 (gps)': {
      method: 'POST',
      path: () => '/v1/events?wait=commit',
      body: event(7, 'gps', { location: { lat: 22.5, lon: 114.0 } }),
      expect: { 'logistics@org1': 201, 'compliance@org1': 201, 'compliance@org2': 201, rest: 403 },
    },
    'POST /v1/events link 11 (document)': {
      method: 'POST',
      path: () => '/v1/events?wait=commit',
      body: event(11, 'document'),
      expect: { 'broker@org1': 201, 'compliance@org1': 201, 'broker@org2': 201, 'compliance@org2': 201, rest: 403 },
    },
    'GET /v1/lots/{lotId}': { method: 'GET', path: () => `/v1/lots/${lotId}`, expect: { rest: 200 } },
    'GET /v1/lots': { method: 'GET', path: () => '/v1/lots?pageSize=5', expect: { rest: 200 } },
    'GET /v1/events/{eventId}': {
      method: 'GET',
      path: () => `/v1/events/${eventId}`,
      expect: {
        'supplier@org1': 200,
        'logistics@org1': 200,
        'broker@org1': 200,
        'auditor@org1': 200,
        'compliance@org1': 200,
        rest: 403,
      },
    },
    'GET /v1/lots/{lotId}/provenance': {
      method: 'GET',
      path: () => `/v1/lots/${lotId}/provenance`,
      expect: { rest: 200 },
      detail: { 'auditor@org1': 'full', 'broker@org1': 'full', 'compliance@org1': 'full' },
    },
    'GET /v1/epcs/{epc}/provenance': {
      method: 'GET',
      path: () => `/v1/epcs/${encodeURIComponent(lotEpc)}/provenance`,
      expect: { rest: 200 },
      detail: { 'auditor@org1': 'full', 'broker@org1': 'full', 'compliance@org1': 'full' },
    },
    'GET /v1/lots/{lotId}/history': {
      method: 'GET',
      path: () => `/v1/lots/${lotId}/history`,
      expect: { 'auditor@org1': 200, 'broker@org1': 200, 'compliance@org1': 200, rest: 403 },
    },
    'GET /v1/stream': {
      method: 'GET',
      path: () => '/v1/stream',
      expect: { 'auditor@org1': 200, 'compliance@org1': 200, 'admin@org1': 200, 'compliance@org2': 200, rest: 403 },
    },
    'GET /metrics': {
      method: 'GET',
      path: () => '/metrics',
      expect: { 'compliance@org1': 200, 'admin@org1': 200, 'compliance@org2': 200, rest: 403 },
    },
  };

  /** `role@slot` as `role@MSP id` of the target. */
  function identityOf(who: Who): string {
    if (who === 'none' || who === 'bad-key') return who;
    const [role, slot] = who.split('@') as [string, Slot];
    return `${role}@${s.orgs[SLOT[slot]]}`;
  }

  function keyOf(who: Who): string | undefined {
    if (who === 'none') return undefined;
    if (who === 'bad-key') return 'ak_this-key-was-never-issued';
    const [role, msp] = identityOf(who).split('@') as [string, string];
    return s.key(role, msp);
  }

  async function call(cell: Cell, who: Who): Promise<{ status: number; type: string; body: unknown }> {
    const controller = new AbortController();
    const key = keyOf(who);
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
    if (key !== undefined) headers['x-api-key'] = key;
    if (cell.body) headers['content-type'] = 'application/json';
    const res = await fetch(s.gateway.url + cell.path(), {
      method: cell.method,
      headers,
      body: cell.body ? JSON.stringify(cell.body()) : undefined,
      signal: controller.signal,
    });
    const type = res.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      controller.abort();
      return { status: res.status, type, body: undefined };
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* text/plain (metrics) */
    }
    return { status: res.status, type, body };
  }

  for (const [name, cell] of Object.entries(table)) {
    describe(name, () => {
      for (const who of WHO) {
        const expected = who === 'none' || who === 'bad-key' ? 401 : (cell.expect[who] ?? cell.expect.rest);
        it(`${who} → ${String(expected)}`, async () => {
          const res = await call(cell, who);
          expect(res.status, `${identityOf(who)}: ${JSON.stringify(res.body)}`).to.equal(expected);
          if (expected >= 400) {
            expect(res.type).to.match(/^application\/problem\+json/);
            expect(res.body).to.include({ status: expected });
          }
          if (expected === 200 && cell.detail) {
            expect((res.body as { detail: string }).detail).to.equal(cell.detail[who] ?? 'summary');
          }
        });
      }
    });
  }
});
