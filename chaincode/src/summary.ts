/**
 * The provenance at the scale of real lots (issue 20), pure: a summary of the answer (each link's
 * counts, organisations, times, documents and a thinned map track instead of its events; anomalies
 * grouped by type and bounded) and one link's events a page at a time. Both are cut from the one
 * provenance answer, so they show exactly what GetProvenance shows the same caller.
 */
import { ValidationError } from './errors';
import { isLinkNumber } from './links';
import {
  DEFAULT_LINK_EVENTS_PAGE_SIZE, MAX_BOOKMARK_LENGTH, MAX_LINK_EVENTS_PAGE_SIZE, MAX_SUMMARY_ANOMALIES_PER_TYPE, MAX_TRACK_POINTS_PER_LINK,
} from './limits';
import type {
  Anomaly, AnomalyEventPlace, AnomalyGroup, EventKind, LinkEventsPage, LinkEventsQuery, LinkSummary, Provenance, ProvenanceEvent, ProvenanceLink,
  ProvenanceSummary, SummaryLink, TrackPoint,
} from './types';

/** The summary view of a provenance answer. */
export function summariseProvenance(p: Provenance): ProvenanceSummary {
  const flagged = new Set(p.anomalies.flatMap((a) => a.eventIds));
  const { links, ...rest } = p;
  const { anomalies, groups } = groupAnomalies(p.anomalies);
  return {
    ...rest,
    view: 'summary',
    links: links.map((l) => summariseLink(l, p, flagged)),
    anomalies,
    anomalyGroups: groups,
    anomalyEvents: placesOf(links, new Set(anomalies.flatMap((a) => a.eventIds))),
    // per-event delays would make the summary as long as the lot; the totals stay
    timeliness: p.timeliness ? { ...p.timeliness, delays: [] } : null,
    upstream: p.upstream.map(function strip(u): typeof u {
      return { ...u, ...(u.links ? { links: u.links.map((l) => ({ ...l, events: [] })) } : {}), upstream: u.upstream.map(strip) };
    }),
  };
}

function summariseLink(l: ProvenanceLink, p: Provenance, flagged: ReadonlySet<string>): SummaryLink {
  const kinds: Partial<Record<EventKind, number>> = {};
  for (const e of l.events) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  const evidence = p.evidence?.links.find((x) => x.link === l.link);
  const summary: LinkSummary = {
    eventCount: l.events.length,
    kinds,
    organisations: l.organisations,
    firstSeen: l.firstSeen,
    lastSeen: l.lastSeen,
    evidence: evidence ? { required: evidence.required, present: evidence.present, missing: evidence.missing } : null,
    track: thinTrack(trackOf(l.events), flagged, MAX_TRACK_POINTS_PER_LINK),
  };
  return { ...l, events: [], eventsOmitted: true, summary };
}

/** The link and time-order index (as GetLinkEvents pages them) of each named event. */
function placesOf(links: readonly ProvenanceLink[], ids: ReadonlySet<string>): AnomalyEventPlace[] {
  const out: AnomalyEventPlace[] = [];
  for (const l of links) {
    sortedEvents(l.events).forEach((e, index) => {
      if (ids.has(e.eventId)) out.push({ eventId: e.eventId, link: l.link, index });
    });
  }
  return out;
}

/** A link's events in page order: event time, then id, recorder, lot. */
function sortedEvents(events: readonly ProvenanceEvent[]): ProvenanceEvent[] {
  return [...events].sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
}

/** Anomalies by type (first-seen order of types), each type's list cut at the cap. */
function groupAnomalies(all: readonly Anomaly[]): { anomalies: Anomaly[]; groups: AnomalyGroup[] } {
  const byType = new Map<Anomaly['type'], Anomaly[]>();
  for (const a of all) {
    const list = byType.get(a.type) ?? [];
    list.push(a);
    byType.set(a.type, list);
  }
  const anomalies: Anomaly[] = [];
  const groups: AnomalyGroup[] = [];
  for (const [type, list] of byType) {
    const listed = list.slice(0, MAX_SUMMARY_ANOMALIES_PER_TYPE);
    anomalies.push(...listed);
    groups.push({ type, count: list.length, listed: listed.length });
  }
  return { anomalies, groups };
}

/** Located GPS fixes and RFID reads of live events, oldest first. */
function trackOf(events: readonly ProvenanceEvent[]): TrackPoint[] {
  const out: TrackPoint[] = [];
  for (const e of events) {
    const lat = e.location?.lat;
    const lon = e.location?.lon;
    if ((e.kind !== 'gps' && e.kind !== 'rfid') || e.correctedBy !== null || typeof lat !== 'number' || typeof lon !== 'number') continue;
    out.push({ eventId: e.eventId, recordedBy: e.recordedBy, kind: e.kind, eventTime: e.eventTime, lat, lon });
  }
  return out;
}

/**
 * A track thinned for drawing: first, last and flagged points always; others only when they move
 * the line (farther than 1/200 of the track's extent from the last kept point, or turning by more
 * than 30°); then, if still over `max`, every k-th of the unflagged ones. Plain degrees, no
 * trigonometry, so every peer computes the same points.
 */
export function thinTrack(points: readonly TrackPoint[], flagged: ReadonlySet<string>, max: number): TrackPoint[] {
  if (points.length <= 2) return [...points];
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const extent = Math.max(Math.max(...lats) - Math.min(...lats), Math.max(...lons) - Math.min(...lons));
  const step = extent / 200;
  const kept: TrackPoint[] = [points[0] as TrackPoint];
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i] as TrackPoint;
    const last = kept[kept.length - 1] as TrackPoint;
    if (flagged.has(p.eventId) || distance(last, p) > step || turns(last, p, points[i + 1] as TrackPoint)) kept.push(p);
  }
  kept.push(points[points.length - 1] as TrackPoint);
  if (kept.length <= max) return kept;
  const every = Math.ceil(kept.length / max);
  return kept.filter((p, i) => i === 0 || i === kept.length - 1 || flagged.has(p.eventId) || i % every === 0);
}

function distance(a: TrackPoint, b: TrackPoint): number {
  return Math.max(Math.abs(a.lat - b.lat), Math.abs(a.lon - b.lon));
}

/** True when the line a→b→c turns by more than 30° at b (cosine of the angle under cos 30°). */
function turns(a: TrackPoint, b: TrackPoint, c: TrackPoint): boolean {
  const [x1, y1, x2, y2] = [b.lon - a.lon, b.lat - a.lat, c.lon - b.lon, c.lat - b.lat];
  const n = Math.hypot(x1, y1) * Math.hypot(x2, y2);
  return n > 0 && (x1 * x2 + y1 * y2) / n < 0.866;
}

/** Validated GetLinkEvents arguments. @throws INVALID_ARGUMENT naming the field */
export function linkEventsQueryFromJson(json: string): Required<LinkEventsQuery> {
  const q = jsonObject(json);
  const pageSize = q.pageSize ?? DEFAULT_LINK_EVENTS_PAGE_SIZE;
  const bookmark = q.bookmark ?? '';
  const problems = [
    isLinkNumber(q.link) ? null : { path: 'link', message: 'must be a link number 1-12' },
    isPageSize(pageSize) ? null : { path: 'pageSize', message: `must be an integer 1-${String(MAX_LINK_EVENTS_PAGE_SIZE)}` },
    typeof bookmark === 'string' && bookmark.length <= MAX_BOOKMARK_LENGTH ? null : { path: 'bookmark', message: 'must be a bookmark from a previous page' },
  ].filter((p) => p !== null);
  if (problems.length > 0) throw new ValidationError(problems);
  return { link: q.link as number, pageSize: pageSize as number, bookmark: bookmark as string };
}

function isPageSize(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_LINK_EVENTS_PAGE_SIZE;
}

/** The argument as a JSON object. @throws INVALID_ARGUMENT */
function jsonObject(json: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    raw = undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError([{ path: 'query', message: 'must be a JSON object' }]);
  return raw as Record<string, unknown>;
}

/** Where a page ends: the sort key of its last event. */
interface PageCursor {
  /** lot asked for */ l: string;
  /** link */ n: number;
  /** eventTimeUtc, eventId, recordedBy, lotId of the last event returned */ k: [string, string, string, string];
}

function sortKey(e: ProvenanceEvent): [string, string, string, string] {
  return [e.eventTimeUtc, e.eventId, e.recordedBy, e.lotId];
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function decodeCursor(bookmark: string, lotId: string, link: number): PageCursor['k'] | null {
  if (bookmark === '') return null;
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(bookmark, 'base64url').toString('utf8'));
  } catch {
    cursor = null;
  }
  const c = cursor as { l?: unknown; n?: unknown; k?: unknown } | null;
  if (c?.l !== lotId || c.n !== link || !Array.isArray(c.k) || c.k.length !== 4 || !c.k.every((s) => typeof s === 'string')) {
    throw new ValidationError([{ path: 'bookmark', message: `is not a bookmark from a previous page of link ${String(link)} of lot ${lotId}` }]);
  }
  return c.k as PageCursor['k'];
}

/**
 * One page of a link's events, time order (event time, then id, recorder, lot). The bookmark names
 * the last event returned, so an event recorded between two pages neither repeats nor shifts a page.
 */
export function linkEventsPage(p: Provenance, q: Required<LinkEventsQuery>): LinkEventsPage {
  const lotId = p.lot.lotId;
  const after = decodeCursor(q.bookmark, lotId, q.link);
  const all = sortedEvents(p.links.find((l) => l.link === q.link)?.events ?? []);
  const start = after === null ? 0 : all.findIndex((e) => compareKeys(sortKey(e), after) > 0);
  const events = start < 0 ? [] : all.slice(start, start + q.pageSize);
  const last = events[events.length - 1];
  const more = start >= 0 && start + q.pageSize < all.length && last !== undefined;
  const bookmark = more ? Buffer.from(JSON.stringify({ l: lotId, n: q.link, k: sortKey(last) } satisfies PageCursor), 'utf8').toString('base64url') : '';
  return { lotId, link: q.link, total: all.length, events, bookmark };
}
