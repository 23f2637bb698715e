/**
 * Seeds lots at the scale of real shipments (issue 20) straight through fabric-gateway, like the
 * bench's background seeding: RegisterLot, then RecordEvents of up to 500 events per transaction.
 * Each lot covers the 12 links: 25+ documents and RFID reads per production link, a truck GPS track
 * to Yantian, a vessel track across the Pacific, port and warehouse reads, and a few anomalies
 * (spoofed vessel fixes: impossible travel; reads of a tag of no lot: foreign EPC); link 8 lacks its
 * certificate of origin.
 *
 * `node scripts/dist/large-lots.js <connection.json> [events...]` seeds one lot per count (default 1200 10000).
 */
import { createHash } from 'node:crypto';
import { MAX_BATCH, POSTING_LINKS } from '@acetrace/chaincode';
import type { ConnectionProfile } from '@acetrace/network';
import { connectAs, loadProfile, type Connection } from './bench/lib/fabric';

type Role = 'supplier' | 'logistics' | 'broker';
type SeedEvent = Record<string, unknown> & { eventId: string; link: number; kind: string; eventTime: string };

/** What a seeded lot holds, for tests to look for. */
export interface LargeLot {
  lotId: string;
  events: number;
  /** Events per link 1-12. */
  perLink: number[];
  /** Ids of the spoofed fixes (impossible travel) and the foreign-EPC reads. */
  spoofedFixIds: string[];
  foreignReadIds: string[];
  /** An EPC of the lot, and a device id, for searches. */
  epc: string;
  deviceId: string;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const HOUR = 3_600_000;

/** The share of events each link gets (production links get at least 25 each). */
const SHARES: Readonly<Record<number, number>> = { 1: 0.03, 2: 0.03, 3: 0.03, 4: 0.03, 5: 0.04, 6: 0.04, 7: 0.25, 8: 0.01, 9: 0.04, 10: 0.4, 11: 0.01, 12: 0.09 };
/** Hours after the start at which each link's events begin, and how long they last. */
const WINDOWS: Readonly<Record<number, [number, number]>> = {
  1: [0, 60], 2: [72, 60], 3: [144, 60], 4: [216, 24], 5: [244, 20], 6: [266, 20], 7: [288, 40], 8: [330, 8],
  9: [340, 10], 10: [352, 330], 11: [690, 10], 12: [702, 40],
};
const DOCS: Readonly<Record<number, string[]>> = {
  1: ['po', 'invoice', 'proof-of-payment', 'production-record'], 2: ['invoice', 'production-record'], 3: ['po', 'production-record'],
  4: ['lab-report'], 5: ['packing-list'], 8: ['invoice', 'export-declaration'], 11: ['invoice', 'packing-list', 'entry'],
};

/** Events per link for a lot of `total` events. */
export function linkCounts(total: number): number[] {
  const counts = Array.from({ length: 12 }, (_, i) => Math.max(i < 5 ? 25 : 4, Math.round(total * (SHARES[i + 1] ?? 0))));
  counts[9] = Math.max(20, (counts[9] ?? 0) + total - counts.reduce((a, b) => a + b, 0));
  return counts;
}

function roleFor(link: number, kind: string): Role {
  if ((link === 8 || link === 11) && kind === 'document') return 'broker';
  return (['supplier', 'logistics', 'broker'] as const).find((r) => POSTING_LINKS[r].includes(link)) ?? 'logistics';
}

/** Point i of n on a straight line (longitudes may run past 180: the vessel crosses the date line). */
function along(i: number, n: number, from: [number, number], to: [number, number]): { lat: number; lon: number } {
  const f = n <= 1 ? 0 : i / (n - 1);
  const lon = from[1] + (to[1] - from[1]) * f;
  return { lat: Math.round((from[0] + (to[0] - from[0]) * f) * 1e5) / 1e5, lon: Math.round((lon > 180 ? lon - 360 : lon) * 1e5) / 1e5 };
}

interface PlanContext { lotId: string; epcs: string[]; start: number; handoverTo: string | null }

/** Event `i` of `n` on `link`. */
function linkEvent(ctx: PlanContext, link: number, i: number, n: number): SeedEvent {
  const [from, span] = WINDOWS[link] ?? [0, 1];
  const t = ctx.start + from * HOUR + Math.floor((span * HOUR * i) / Math.max(1, n));
  const eventId = `${ctx.lotId}-L${String(link).padStart(2, '0')}-${String(i).padStart(5, '0')}`;
  const base = { eventId, lotId: ctx.lotId, link, eventTime: new Date(t).toISOString() };
  const epc = ctx.epcs[i % ctx.epcs.length] as string;
  const docs = DOCS[link];
  if (link === 7) return { ...base, kind: 'gps', deviceId: 'truck-88-gps', location: { ...along(i, n, [22.64, 114.03], [22.58, 114.28]), accuracyM: 10 } };
  if (link === 10) return { ...base, kind: 'gps', deviceId: 'vessel-9811-ais', location: { ...along(i, n, [22.3, 114.6], [33.74, 241.73]), accuracyM: 50 } };
  if (docs && (i % 3 === 0 || link === 8 || link === 11)) {
    const type = docs[i % docs.length] as string;
    return { ...base, kind: 'document', evidence: [{ sha256: sha(eventId), uri: `s3://acetrace-evidence/${ctx.lotId}/${eventId}.pdf`, type }] };
  }
  const places: Readonly<Record<number, [number, number, string]>> = {
    6: [22.6, 114.1, 'sz-wh-dock-03'], 9: [22.58, 114.28, 'yantian-gate-7'], 12: [34.06, -117.6, 'ontario-dc-dock-2'],
  };
  const [lat, lon, device] = places[link] ?? [22.64, 114.03, `sz-factory-line-${String(link)}`];
  return { ...base, kind: 'rfid', deviceId: device, epcs: [epc], location: { lat, lon, accuracyM: 5 } };
}

/** The lot's events: each link's, a handover to the carrier (when it is another organisation), spoofed fixes and foreign reads. */
export function planLot(lotId: string, total: number, handoverTo: string | null, start = Math.floor((Date.now() - 60 * 86_400_000) / HOUR) * HOUR) {
  // an item reference of its own per lot: a lot's EPCs belong to no other lot
  const item = 100000 + (parseInt(sha(lotId).slice(0, 8), 16) % 900000);
  const epcs = Array.from({ length: 20 }, (_, i) => `urn:epc:id:sgtin:0614141.${String(item)}.${String(900000 + i)}`);
  const ctx: PlanContext = { lotId, epcs, start, handoverTo };
  const counts = linkCounts(total);
  const events: SeedEvent[] = [];
  counts.forEach((n, l) => {
    for (let i = 0; i < n; i++) events.push(linkEvent(ctx, l + 1, i, n));
  });
  const spoofedFixIds: string[] = [];
  const foreignReadIds: string[] = [];
  // every ~1,000th vessel fix is spoofed to Long Beach; a few warehouse reads see a tag of no lot
  const vessel = events.filter((e) => e.link === 10);
  for (let k = Math.floor(vessel.length / 4); k < vessel.length - 1; k += Math.max(250, Math.floor(vessel.length / 4))) {
    const e = vessel[k] as SeedEvent;
    e.location = { lat: 33.74, lon: -118.27, accuracyM: 50 };
    spoofedFixIds.push(e.eventId);
  }
  for (const e of events.filter((x) => x.link === 6 && x.kind === 'rfid').slice(0, 3)) {
    e.epcs = ['urn:epc:id:sgtin:0614141.999999.1'];
    foreignReadIds.push(e.eventId);
  }
  if (handoverTo !== null) {
    events.push({ eventId: `${lotId}-HANDOVER-CARRIER`, lotId, link: 5, kind: 'handover', eventTime: new Date(start + 264 * HOUR).toISOString(), handoverTo });
  }
  const lot = { lotId, product: 'Cotton T-shirt, 180 g', htsCode: '6109.10.0012', originCountry: 'CN', quantity: 12000, unit: 'EA', epcs, parentLotId: null };
  return { lot, events, spoofedFixIds, foreignReadIds, perLink: counts, epc: epcs[0] as string };
}

function identityOf(profile: ConnectionProfile, role: string): ConnectionProfile['identities'][number] {
  const id = profile.identities.find((i) => i.role === role);
  if (!id) throw new Error(`the connection profile has no ${role} identity`);
  return id;
}

/** Registers the lot (imported by the broker's organisation) and records its events, 500 per transaction. */
export async function seedLargeLot(profilePath: string, lotId: string, total: number): Promise<LargeLot> {
  const profile = loadProfile(profilePath);
  const ids = { supplier: identityOf(profile, 'supplier'), logistics: identityOf(profile, 'logistics'), broker: identityOf(profile, 'broker') };
  const conns = new Map<Role, Connection>((['supplier', 'logistics', 'broker'] as const).map((r) => [r, connectAs(profile, ids[r].name)]));
  try {
    const handoverTo = ids.logistics.mspId === ids.supplier.mspId ? null : ids.logistics.mspId;
    const p = planLot(lotId, total, handoverTo);
    const conn = (r: Role): Connection => conns.get(r) as Connection;
    await conn('supplier').contract.submitTransaction('RegisterLot', JSON.stringify({ ...p.lot, importerMsp: ids.broker.mspId }));
    // in link order, so the handover (link 5) is committed before the carrier's events
    for (const role of ['supplier', 'broker', 'logistics'] as const) {
      const mine = p.events.filter((e) => roleFor(e.link, e.kind) === role);
      for (let i = 0; i < mine.length; i += MAX_BATCH) await conn(role).contract.submitTransaction('RecordEvents', JSON.stringify(mine.slice(i, i + MAX_BATCH)));
    }
    return { lotId, events: p.events.length, perLink: p.perLink, spoofedFixIds: p.spoofedFixIds, foreignReadIds: p.foreignReadIds, epc: p.epc, deviceId: 'vessel-9811-ais' };
  } catch (err) {
    // an endorsement failure carries the chaincode's message in its details
    const details = (err as { details?: Array<{ message?: string }> }).details ?? [];
    throw new Error(`seeding ${lotId}: ${(err as Error).message} ${details.map((d) => d.message ?? '').join('; ')}`, { cause: err });
  } finally {
    for (const c of conns.values()) c.close();
  }
}

if (require.main === module) {
  const [profilePath, ...sizes] = process.argv.slice(2);
  if (!profilePath) {
    console.error('usage: node scripts/dist/large-lots.js <connection.json> [events...]');
    process.exit(2);
  }
  void (async () => {
    for (const n of sizes.length > 0 ? sizes.map(Number) : [1200, 10000]) {
      const t0 = Date.now();
      const lot = await seedLargeLot(profilePath, `LOT-LARGE-${String(n)}-${Date.now().toString(36).toUpperCase()}`, n);
      console.log(`${lot.lotId}: ${String(lot.events)} events in ${String(Date.now() - t0)} ms`);
    }
  })();
}
