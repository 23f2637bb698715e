/**
 * A stand-in gateway for fast, deterministic page tests: serves the built page and answers the
 * few API calls the page makes (key check, provenance by lot or EPC, the SSE stream) from a
 * seed plan, with api.md's shapes and RFC 9457 errors. The end-to-end test uses the real one.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { ID_PATTERN } from '@acetrace/chaincode/domain';
import { summariseProvenance, type Provenance } from '@acetrace/chaincode';
import { listenOn } from '@acetrace/gateway';
import { posterRole, type SeedEvent, type SeededLot } from './seed';

const LINK_NAMES = [
  'raw-material-sourcing', 'component-processing', 'manufacturing', 'quality-inspection', 'packaging',
  'origin-warehousing', 'inland-transport', 'export-clearance', 'port-of-loading', 'international-transit',
  'us-port-of-entry', 'us-distribution',
];
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
  streamConnections: Array<string | undefined>;
  requests: Array<{ method: string; path: string; apiKey: string | undefined }>;
  close(): Promise<void>;
}

type MockRole = 'auditor' | 'viewer';

function roleOf(apiKey: string | undefined): MockRole | undefined {
  if (apiKey === MOCK_KEYS.auditor) return 'auditor';
  return apiKey === MOCK_KEYS.viewer ? 'viewer' : undefined;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The built page's files (index.html at `/`), nothing outside `webDist`. */
function serveStatic(res: http.ServerResponse, webDist: string, pathname: string): void {
  const file = path.join(webDist, pathname === '/' ? 'index.html' : path.normalize(pathname.slice(1)));
  if (file.startsWith(webDist) && fs.existsSync(file) && fs.statSync(file).isFile()) {
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  } else problem(res, 404, 'Not Found', `no route ${pathname}`);
}

function problem(res: http.ServerResponse, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }));
}

export async function startMockGateway(webDist: string, lot: SeededLot & { lot: Record<string, unknown> }): Promise<MockGateway> {
  const events: Array<SeedEvent & { txId: string; blockNumber: number; recordedBy: string }> = [];
  let block = 5;
  const add = (e: SeedEvent): void => {
    events.push({ ...e, txId: crypto.randomBytes(32).toString('hex'), blockNumber: block++, recordedBy: MSP[posterRole(e)] ?? 'Org1MSP' });
  };
  lot.events.forEach(add);

  const provenance = (detail: 'full' | 'summary'): unknown => {
    const links = LINK_NAMES.map((name, i) => {
      const evs = events.filter((e) => e.link === i + 1).sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
      return {
        link: i + 1,
        name,
        phase: i < 5 ? 'production' : i === 5 || i === 11 ? 'storage' : 'transport',
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
      // what the real gateway answers for a lot with no handover, container, input or registered party
      custody: detail === 'full' ? [{ mspId: 'Org1MSP', from: null, until: null, eventId: null, gln: null }] : [],
      containment: [],
      upstream: [],
      upstreamTruncated: false,
      parties: [],
      queryMs: 3,
    };
  };

  const streams = new Set<http.ServerResponse>();
  let streamSeq = 0;
  const streamConnections: Array<string | undefined> = [];
  const requests: MockGateway['requests'] = [];

  const openStream = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const last = req.headers['last-event-id'];
    streamConnections.push(typeof last === 'string' ? last : undefined);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': connected\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  };

  const answerProvenance = (res: http.ServerResponse, kind: string, id: string, role: MockRole, view: string | null): void => {
    if (kind === 'lots' && !ID_PATTERN.test(id)) {
      problem(res, 400, 'Bad Request', 'lotId: 1-128 characters of A-Za-z0-9._:-', { errors: [{ path: 'lotId', message: 'invalid characters' }] });
      return;
    }
    const known = kind === 'lots' ? id === lot.lotId : [lot.epcUrn, lot.epcDigitalLink].includes(id);
    if (!known) problem(res, 404, 'Not Found', `NOT_FOUND: ${kind === 'lots' ? 'lot' : 'EPC'} ${id} is not on the ledger`);
    else {
      const answer = provenance(role === 'auditor' ? 'full' : 'summary');
      // ?view=summary as the gateway answers it (the chaincode's own summary of the same answer)
      json(res, 200, view === 'summary' ? summariseProvenance(answer as Provenance) : answer);
    }
  };

  const answerApi = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, role: MockRole): void => {
    if (url.pathname === '/v1/lots') {
      json(res, 200, { lots: [], bookmark: '' });
      return;
    }
    if (url.pathname === '/v1/stream') {
      if (role !== 'auditor') problem(res, 403, 'Forbidden', 'role viewer may not read the stream');
      else openStream(req, res);
      return;
    }
    const m = /^\/v1\/(lots|epcs)\/([^/]+)\/provenance$/.exec(url.pathname);
    if (m) answerProvenance(res, m[1] ?? '', decodeURIComponent(m[2] ?? ''), role, url.searchParams.get('view'));
    else problem(res, 404, 'Not Found', `no route ${url.pathname}`);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = req.headers['x-api-key'];
    const apiKey = typeof key === 'string' ? key : undefined;
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, apiKey });
    if (!url.pathname.startsWith('/v1/')) {
      serveStatic(res, webDist, url.pathname);
      return;
    }
    const role = roleOf(apiKey);
    if (!role) problem(res, 401, 'Unauthorized', 'unknown API key');
    else answerApi(req, res, url, role);
  });
  const { port } = await listenOn(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${String(port)}`,
    streamConnections,
    requests,
    commit(e) {
      add(e);
      const n = ++streamSeq;
      const data = JSON.stringify({ blockNumber: block - 1, txId: 'tx', name: 'EventsRecorded', payload: { type: 'EventsRecorded', lotIds: [e.lotId], eventIds: [e.eventId] } });
      for (const s of streams) s.write(`id: ${String(n)}\nevent: EventsRecorded\ndata: ${data}\n\n`);
    },
    dropStreams() {
      for (const s of streams) s.destroy();
      streams.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
