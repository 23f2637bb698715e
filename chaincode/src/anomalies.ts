/**
 * Anomalies are flagged, never rejected. Pure functions over the events of one provenance.
 * Events superseded by a correction are left out (the correction speaks for them).
 */
import { epcMatchKey } from './epc';
import { FINAL_DELIVERY_LINK, describeLink } from './links';
import { utcKeyToMs } from './time';
import type { Anomaly, EventRecord } from './types';

/** Fastest plausible travel (airfreight plus margin). */
export const MAX_SPEED_KMH = 1200;
const EARTH_RADIUS_M = 6_371_008.8;

export type AnomalyEvent = Pick<
  EventRecord,
  'eventId' | 'link' | 'kind' | 'eventTime' | 'eventTimeUtc' | 'location' | 'epcs'
>;

/** Great-circle distance in metres (haversine). */
export function haversineMeters(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Time order, ties broken by link then id, so results never depend on input order. */
export function compareByTime(a: AnomalyEvent, b: AnomalyEvent): number {
  if (a.eventTimeUtc !== b.eventTimeUtc) return a.eventTimeUtc < b.eventTimeUtc ? -1 : 1;
  if (a.link !== b.link) return a.link - b.link;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/** An event in link j earlier than some event of a lower link i < j. */
export function outOfOrder(events: readonly AnomalyEvent[]): Anomaly[] {
  const byLink = [...events].sort((a, b) => a.link - b.link || compareByTime(a, b));
  const out: Anomaly[] = [];
  let latestBelow: AnomalyEvent | undefined; // latest event of links < current link
  let latestInLink: AnomalyEvent | undefined;
  let currentLink = 0;
  for (const e of byLink) {
    if (e.link !== currentLink) {
      if (latestInLink && (!latestBelow || latestInLink.eventTimeUtc > latestBelow.eventTimeUtc)) latestBelow = latestInLink;
      latestInLink = undefined;
      currentLink = e.link;
    }
    if (latestBelow && e.eventTimeUtc < latestBelow.eventTimeUtc) {
      out.push({
        type: 'out-of-order',
        eventIds: [latestBelow.eventId, e.eventId],
        detail: `event ${e.eventId} on link ${describeLink(e.link)} at ${e.eventTime} is earlier than event ${latestBelow.eventId} on link ${describeLink(latestBelow.link)} at ${latestBelow.eventTime}`,
      });
    }
    if (!latestInLink || e.eventTimeUtc > latestInLink.eventTimeUtc) latestInLink = e;
  }
  return out;
}

function located(e: AnomalyEvent): e is AnomalyEvent & { location: { lat: number; lon: number } } {
  return (e.kind === 'gps' || e.kind === 'rfid') && typeof e.location?.lat === 'number' && typeof e.location.lon === 'number';
}

/** Consecutive located events (time order) implying more than MAX_SPEED_KMH after subtracting accuracies. */
export function impossibleTravel(events: readonly AnomalyEvent[]): Anomaly[] {
  const fixes = events.filter(located).sort(compareByTime);
  const out: Anomaly[] = [];
  for (let i = 1; i < fixes.length; i++) {
    const a = fixes[i - 1];
    const b = fixes[i];
    if (!a || !b) continue;
    const raw = haversineMeters(a.location.lat, a.location.lon, b.location.lat, b.location.lon);
    const meters = Math.max(0, raw - (a.location.accuracyM ?? 0) - (b.location.accuracyM ?? 0));
    if (meters === 0) continue;
    const hours = (utcKeyToMs(b.eventTimeUtc) - utcKeyToMs(a.eventTimeUtc)) / 3_600_000;
    const kmh = hours > 0 ? meters / 1000 / hours : Infinity;
    if (kmh > MAX_SPEED_KMH) {
      out.push({
        type: 'impossible-travel',
        eventIds: [a.eventId, b.eventId],
        detail: `${(meters / 1000).toFixed(1)} km between ${a.eventId} and ${b.eventId} in ${(hours * 60).toFixed(1)} min implies ${Number.isFinite(kmh) ? kmh.toFixed(0) : 'infinite'} km/h (limit ${String(MAX_SPEED_KMH)})`,
      });
    }
  }
  return out;
}

const safeKey = (epc: string): string => {
  try {
    return epcMatchKey(epc);
  } catch {
    return epc;
  }
};

/** RFID reads of EPCs that belong to no lot of the family (the lot, its ancestors, its descendants). */
export function foreignEpcs(events: readonly AnomalyEvent[], familyEpcs: readonly string[]): Anomaly[] {
  const family = new Set(familyEpcs.map(safeKey));
  const out: Anomaly[] = [];
  for (const e of [...events].sort(compareByTime)) {
    if (e.kind !== 'rfid') continue;
    const foreign = e.epcs.filter((epc) => !family.has(safeKey(epc)));
    if (foreign.length > 0) {
      out.push({
        type: 'foreign-epc',
        eventIds: [e.eventId],
        detail: `event ${e.eventId} read ${String(foreign.length)} EPC(s) that belong to no lot of this family: ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}`,
      });
    }
  }
  return out;
}

/** Events later than the final delivery: the earliest link-12 handover. */
export function afterDelivery(events: readonly AnomalyEvent[]): Anomaly[] {
  const sorted = [...events].sort(compareByTime);
  const delivery = sorted.find((e) => e.link === FINAL_DELIVERY_LINK && e.kind === 'handover');
  if (!delivery) return [];
  return sorted
    .filter((e) => e !== delivery && e.eventTimeUtc > delivery.eventTimeUtc)
    .map((e) => ({
      type: 'after-delivery' as const,
      eventIds: [delivery.eventId, e.eventId],
      detail: `event ${e.eventId} on link ${describeLink(e.link)} at ${e.eventTime} is after final delivery ${delivery.eventId} at ${delivery.eventTime}`,
    }));
}

/** All anomalies, grouped by type in a fixed order. */
export function detectAnomalies(events: readonly AnomalyEvent[], familyEpcs: readonly string[]): Anomaly[] {
  return [...outOfOrder(events), ...impossibleTravel(events), ...foreignEpcs(events, familyEpcs), ...afterDelivery(events)];
}
