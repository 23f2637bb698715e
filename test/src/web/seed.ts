/**
 * Seeds, through the gateway's HTTP API, a lot that covers all 12 links: documents for the
 * production and clearance links, RFID reads with the lot's EPCs, a truck GPS track to Yantian,
 * a vessel track across the Pacific, and one spoofed vessel fix that the chaincode flags as
 * impossible travel. Each role posts what domain.md lets it post.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lotInput } from '../scenarios/helpers';

export interface CredentialEntry {
  name: string;
  role: string;
  mspId: string;
  apiKey: string;
}

export function readCredentials(dataDir: string): CredentialEntry[] {
  const file = path.join(dataDir, 'credentials.json');
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { principals?: CredentialEntry[] };
  return parsed.principals ?? [];
}

export function principal(creds: CredentialEntry[], role: string): CredentialEntry {
  const p = creds.find((c) => c.role === role);
  if (!p) throw new Error(`credentials.json has no ${role} principal (has ${creds.map((c) => c.role).join(', ')})`);
  return p;
}

export interface SeedEvent {
  eventId: string;
  lotId: string;
  link: number;
  kind: 'rfid' | 'gps' | 'document' | 'handover';
  eventTime: string;
  deviceId?: string;
  location?: { lat?: number; lon?: number; accuracyM?: number; gln?: string };
  epcs?: string[];
  evidence?: Array<{ sha256: string; uri?: string; type: string }>;
}

export interface SeededLot {
  lotId: string;
  epcUrn: string;
  /** The same EPC as a GS1 Digital Link URI. */
  epcDigitalLink: string;
  events: SeedEvent[];
  /** Event ids of GPS fixes and RFID reads (the map's points), in time order. */
  locatedEventIds: string[];
  /** The spoofed fix and the fix before it. */
  anomalyEventIds: [string, string];
  /** A final-delivery handover, not posted by seed(): the live-update test posts it. */
  liveEvent: SeedEvent;
}

export async function api(
  baseUrl: string,
  key: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(baseUrl + p, {
    method,
    headers: { 'X-API-Key': key, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed };
}

function gtinCheckDigit(digits13: string): number {
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(digits13[i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

const sha = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');

/** ISO 8601 with the given UTC offset in hours, e.g. `2026-01-02T03:04:00+08:00`. */
function isoAt(ms: number, offsetH: number): string {
  const local = new Date(ms + offsetH * 3_600_000).toISOString().slice(0, 19);
  if (offsetH === 0) return `${local}Z`;
  const sign = offsetH > 0 ? '+' : '-';
  return `${local}${sign}${String(Math.abs(offsetH)).padStart(2, '0')}:00`;
}

/** The lot and its events (pure: nothing posted). Times are in the past, ending 10 days ago. */
export function plan(tag = crypto.randomBytes(3).toString('hex').toUpperCase()): SeededLot & { lot: Record<string, unknown> } {
  const lotId = `LOT-WEB-${tag}`;
  const serial = String(crypto.randomInt(1, 2 ** 31));
  const epcUrn = `urn:epc:id:sgtin:0614141.112345.${serial}`;
  const gtin13 = `1061414112345`;
  const epcDigitalLink = `https://id.gs1.org/01/${gtin13}${String(gtinCheckDigit(gtin13))}/21/${serial}`;
  const t0 = Math.floor((Date.now() - 40 * 86_400_000) / 3_600_000) * 3_600_000;
  const at = (h: number, off: number): string => isoAt(t0 + h * 3_600_000, off);
  let n = 0;
  const id = (): string => `${lotId}-E${String(++n).padStart(2, '0')}`;
  const ev = (link: number, kind: SeedEvent['kind'], h: number, off: number, extra: Partial<SeedEvent> = {}): SeedEvent => ({
    eventId: id(),
    lotId,
    link,
    kind,
    eventTime: at(h, off),
    ...extra,
  });
  const doc = (type: string, name: string): SeedEvent['evidence'] => [{ sha256: sha(`${lotId}/${name}`), uri: `s3://acetrace-evidence/${lotId}/${name}.pdf`, type }];
  const fix = (lat: number, lon: number, accuracyM = 10): SeedEvent['location'] => ({ lat, lon, accuracyM });
  const epcs = [epcUrn];

  const events: SeedEvent[] = [
    ev(1, 'document', 0, 8, { evidence: doc('certificate-of-origin', 'copper-mill-certificate') }),
    ev(2, 'document', 72, 8, { evidence: doc('po', 'component-po') }),
    ev(3, 'document', 168, 8, { evidence: doc('other', 'production-batch') }),
    ev(4, 'document', 200, 8, { evidence: doc('lab-report', 'ul-test-report') }),
    ev(5, 'rfid', 220, 8, { deviceId: 'sz-factory-pack-01', location: fix(22.64, 114.03), epcs }),
    ev(6, 'rfid', 230, 8, { deviceId: 'sz-wh-dock-03', location: { ...fix(22.6, 114.1), gln: '0614141000029' }, epcs }),
    ev(7, 'gps', 240, 8, { deviceId: 'truck-88-gps', location: fix(22.585, 114.16) }),
    ev(7, 'gps', 241, 8, { deviceId: 'truck-88-gps', location: fix(22.575, 114.23) }),
    ev(7, 'gps', 242, 8, { deviceId: 'truck-88-gps', location: fix(22.585, 114.27) }),
    ev(8, 'document', 246, 8, { evidence: doc('export-declaration', 'export-declaration') }),
    ev(9, 'rfid', 250, 8, { deviceId: 'yantian-gate-7', location: fix(22.58, 114.28), epcs }),
    ev(10, 'gps', 270, 0, { deviceId: 'vessel-9811-ais', location: fix(21.9, 118.5, 50) }),
    ev(10, 'gps', 340, 0, { deviceId: 'vessel-9811-ais', location: fix(30.5, 140.0, 50) }),
    ev(10, 'gps', 420, 0, { deviceId: 'vessel-9811-ais', location: fix(38.0, 170.0, 50) }),
    ev(10, 'gps', 500, 0, { deviceId: 'vessel-9811-ais', location: fix(38.5, -160.0, 50) }),
    ev(10, 'gps', 580, 0, { deviceId: 'vessel-9811-ais', location: fix(35.5, -135.0, 50) }),
    // Spoofed: Long Beach one hour after a fix 1,600 km out at sea.
    ev(10, 'gps', 581, 0, { deviceId: 'vessel-9811-ais', location: fix(33.74, -118.27, 50) }),
    ev(11, 'document', 600, -7, { evidence: doc('entry', 'cbp-entry-7501') }),
    ev(12, 'rfid', 640, -7, { deviceId: 'ontario-dc-dock-2', location: fix(34.06, -117.6), epcs }),
  ];
  const liveEvent = ev(12, 'handover', 700, -7, { deviceId: 'ontario-dc-dock-2', location: { gln: '0614141000111' } });
  const located = events.filter((e) => e.kind === 'gps' || e.kind === 'rfid');
  const spoofAt = events.findIndex((e) => e.location?.lat === 33.74);
  const spoof = events[spoofAt];
  const before = events[spoofAt - 1];
  if (spoof === undefined || before === undefined) throw new Error('the plan lost its spoofed GPS fix');
  return {
    lotId,
    epcUrn,
    epcDigitalLink,
    events,
    locatedEventIds: located.map((e) => e.eventId),
    anomalyEventIds: [before.eventId, spoof.eventId],
    liveEvent,
    lot: lotInput(lotId, { epcs }),
  };
}

/** Which role posts an event (domain.md's permission levels). */
export function posterRole(e: SeedEvent): string {
  if (e.link <= 5) return 'supplier';
  if (e.link === 8 || e.link === 11) return e.kind === 'document' ? 'broker' : 'logistics';
  return 'logistics';
}

async function expectOk(what: string, r: { status: number; body: unknown }, ok: number[]): Promise<void> {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${String(r.status)} ${JSON.stringify(r.body)}`);
  return Promise.resolve();
}

/** Posts events as their roles' principals and waits for the commit. */
export async function postEvents(baseUrl: string, creds: CredentialEntry[], events: SeedEvent[]): Promise<void> {
  const byRole = new Map<string, SeedEvent[]>();
  for (const e of events) byRole.set(posterRole(e), [...(byRole.get(posterRole(e)) ?? []), e]);
  for (const [role, list] of byRole) {
    const r = await api(baseUrl, principal(creds, role).apiKey, 'POST', '/v1/events?wait=commit', { events: list });
    await expectOk(`POST /v1/events as ${role}`, r, [200, 201]);
  }
}

/** Registers the lot (supplier, imported by the broker's organisation) and posts its events. */
export async function seed(baseUrl: string, creds: CredentialEntry[], tag?: string): Promise<SeededLot> {
  const p = plan(tag);
  const broker = principal(creds, 'broker');
  const r = await api(baseUrl, principal(creds, 'supplier').apiKey, 'POST', '/v1/lots', { ...p.lot, importerMsp: broker.mspId });
  await expectOk('POST /v1/lots', r, [200, 201]);
  await postEvents(baseUrl, creds, p.events);
  return p;
}
