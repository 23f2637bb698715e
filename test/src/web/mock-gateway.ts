/**
 * A stand-in gateway for fast, deterministic page tests: serves the built page and answers the
 * few API calls the page makes (key check, provenance by lot or EPC, the SSE stream) from a
 * seed plan, with api.md's shapes and RFC 9457 errors. The end-to-end test uses the real one.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ID_PATTERN, LINKS } from '@acetrace/chaincode/domain';
import { posterRole, type SeedEvent, type SeededLot } from './seed';

const MSP: Record<string, string> = { supplier: 'Org1MSP', logistics: 'Org2MSP', broker: 'Org3MSP' };
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.map': 'application/json' };

export const MOCK_KEYS = { auditor: 'mock-auditor-key', viewer: 'mock-viewer-key' } as const;

export interface MockGateway {
  url: string;
  /** Adds an event to the lot and announces it on the stream (as a commit would). */
  commit(e: SeedEvent): void;
  /** Drops every open stream connection (the page must reconnect with Last-Event-ID). */
  dropStreams(): void;
  /** The Last-Event-ID header of each stream connection, in order (undefined: none sent). */
  streamConnections: (string | undefined)[];
  requests: { method: string; path: string; apiKey: string | undefined }[];
  close(): Promise<void>;
}

function problem(res: http.ServerResponse, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }));
}

export async function startMockGateway(webDist: string, lot: SeededLot & { lot: Record<string, unknown> }): Promise<MockGateway> {
  const events: (SeedEvent & { txId: string; blockNumber: number; recordedBy: string })[] = [];
  let block = 5;
  const add = (e: SeedEvent): void => {
    events.push({ ...e, txId: crypto.randomBytes(32).toString('hex'), blockNumber: block++, recordedBy: MSP[posterRole(e)] ?? 'Org1MSP' });
  };
  lot.events.forEach(add);

  const provenance = (detail: 'full' | 'summary'): unknown => {
    const links = LINKS.map(({ number, name, phase }) => {
      const evs = events.filter((e) => e.link === number).sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
      return {
        link: number,
        name,
        phase,
        events: detail === 'full' ? evs.map((e) => ({ ...e, evidence: e.evidence ?? [], epcs: e.epcs ?? [], location: e.location ?? null })) : [],
        organisations: [...new Set(evs.map((e) => e.recordedBy))],
        firstSeen: evs[0]?.eventTime ?? null,
        lastSeen: evs[evs.length - 1]?.eventTime ?? null,
      };
    });
    const covered = links.filter((l) => events.some((e) => e.link === l.link));
    return {
      lot: { ...lot.lot, ownerMsp: 'Org1MSP', importerMsp: 'Org3MSP', parentChain: [] },
      completeness: { covered: covered.length, required: 12, missing: links.filter((l) => !covered.includes(l)).map((l) => l.name) },
      links,
      anomalies: [
        {
          type: 'impossible-travel',
          eventIds: lot.anomalyEventIds,
          detail: `1687.3 km between ${lot.anomalyEventIds[0]} and ${lot.anomalyEventIds[1]} in 60.0 min implies 1687 km/h (limit 1200)`,
        },
      ],
      detail,
      queryMs: 3,
    };
  };

  const streams = new Set<http.ServerResponse>();
  let streamSeq = 0;
  const streamConnections: (string | undefined)[] = [];
  const requests: MockGateway['requests'] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = req.headers['x-api-key'];
    const apiKey = typeof key === 'string' ? key : undefined;
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, apiKey });
    if (!url.pathname.startsWith('/v1/')) {
      const file = path.join(webDist, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname.slice(1)));
      if (file.startsWith(webDist) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
        fs.createReadStream(file).pipe(res);
      } else problem(res, 404, 'Not Found', `no route ${url.pathname}`);
      return;
    }
    const role = apiKey === MOCK_KEYS.auditor ? 'auditor' : apiKey === MOCK_KEYS.viewer ? 'viewer' : undefined;
    if (!role) return problem(res, 401, 'Unauthorized', 'unknown API key');
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/v1/lots') return json(200, { lots: [], bookmark: '' });
    if (url.pathname === '/v1/stream') {
      if (role !== 'auditor') return problem(res, 403, 'Forbidden', 'role viewer may not read the stream');
      const last = req.headers['last-event-id'];
      streamConnections.push(typeof last === 'string' ? last : undefined);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    const m = /^\/v1\/(lots|epcs)\/([^/]+)\/provenance$/.exec(url.pathname);
    if (m) {
      const id = decodeURIComponent(m[2] ?? '');
      const known = m[1] === 'lots' ? id === lot.lotId : [lot.epcUrn, lot.epcDigitalLink].includes(id);
      if (m[1] === 'lots' && !ID_PATTERN.test(id)) {
        return problem(res, 400, 'Bad Request', 'lotId: 1-128 characters of A-Za-z0-9._:-', { errors: [{ path: 'lotId', message: 'invalid characters' }] });
      }
      if (!known) return problem(res, 404, 'Not Found', `NOT_FOUND: ${m[1] === 'lots' ? 'lot' : 'EPC'} ${id} is not on the ledger`);
      return json(200, provenance(role === 'auditor' ? 'full' : 'summary'));
    }
    problem(res, 404, 'Not Found', `no route ${url.pathname}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    streamConnections,
    requests,
    commit(e) {
      add(e);
      const n = ++streamSeq;
      const data = JSON.stringify({ blockNumber: block - 1, txId: 'tx', name: 'EventsRecorded', payload: { type: 'EventsRecorded', lotIds: [e.lotId], eventIds: [e.eventId] } });
      for (const s of streams) s.write(`id: ${n}\nevent: EventsRecorded\ndata: ${data}\n\n`);
    },
    dropStreams() {
      for (const s of streams) s.destroy();
      streams.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
