/**
 * Containment over time (domain.md "Containment and transformation over time"), as pure rules:
 * the intervals a lot spent inside containers, from its pack/unpack records; which containers'
 * events belong to its provenance (only inside those intervals, nested containers intersected);
 * the `double-containment` anomaly.
 *
 * Lots registered before custody rules (no `schemaVersion`) keep their parent behaviour: a lot with
 * `parentLotId` is inside its parent from `packedAt` (or always) and never leaves, which is the same
 * as the old "events at or after the latest packedAt along the chain".
 */
import { MAX_CONTAINMENT_DEPTH, MAX_CONTAINERS } from './limits';
import { parseInstant } from './time';
import type { Anomaly, ContainmentEntry, ContainmentRecord, LotRecord } from './types';

/** A half-open window of time [fromUtc, untilUtc); null ends are unbounded. */
export interface Window {
  readonly fromUtc: string | null;
  readonly untilUtc: string | null;
}

export const ALWAYS: Window = { fromUtc: null, untilUtc: null };

/** One stay of `lotId` inside `parentLotId`. */
export interface ContainmentInterval extends Window {
  readonly lotId: string;
  readonly parentLotId: string;
  readonly from: string | null;
  readonly until: string | null;
  readonly packEventId: string | null;
  readonly unpackEventId: string | null;
  /** A parent link of a lot registered before custody rules (no pack record, no custody check made). */
  readonly legacy: boolean;
}

/** Record order: time, then recorder, then event id (a registration pack has none). */
export function compareContainment(a: ContainmentRecord, b: ContainmentRecord): number {
  if (a.atUtc !== b.atUtc) return a.atUtc < b.atUtc ? -1 : 1;
  if (a.recordedBy !== b.recordedBy) return a.recordedBy < b.recordedBy ? -1 : 1;
  const ae = a.eventId ?? '';
  const be = b.eventId ?? '';
  return ae < be ? -1 : ae > be ? 1 : 0;
}

/**
 * A lot's containment intervals: a pack opens a stay in its parent unless one is open, an unpack closes
 * the open one (an unpack with none open is ignored, so late or repeated reports change nothing).
 */
export function containmentIntervals(
  lot: Pick<LotRecord, 'lotId' | 'parentLotId' | 'packedAt' | 'schemaVersion'>,
  records: readonly ContainmentRecord[],
): ContainmentInterval[] {
  const out: ContainmentInterval[] = [];
  const legacy = legacyStay(lot);
  if (legacy) out.push(legacy);
  const open = new Map<string, ContainmentRecord>();
  for (const r of [...records].sort(compareContainment)) {
    const opened = open.get(r.parentLotId);
    if (r.action === 'pack' && !opened) open.set(r.parentLotId, r);
    if (r.action === 'unpack' && opened) {
      out.push(stay(lot.lotId, opened, r));
      open.delete(r.parentLotId);
    }
  }
  for (const opened of open.values()) out.push(stay(lot.lotId, opened, undefined));
  return out.sort(compareIntervals);
}

/** The stay a lot registered before containment events (no schemaVersion) records by its parentLotId. */
function legacyStay(lot: Pick<LotRecord, 'lotId' | 'parentLotId' | 'packedAt' | 'schemaVersion'>): ContainmentInterval | undefined {
  if (lot.schemaVersion !== undefined || !lot.parentLotId) return undefined;
  return {
    lotId: lot.lotId, parentLotId: lot.parentLotId, from: lot.packedAt, fromUtc: lot.packedAt ? (parseInstant(lot.packedAt)?.utcKey ?? null) : null,
    until: null, untilUtc: null, packEventId: null, unpackEventId: null, legacy: true,
  };
}

function stay(lotId: string, pack: ContainmentRecord, unpack: ContainmentRecord | undefined): ContainmentInterval {
  return {
    lotId, parentLotId: pack.parentLotId, from: pack.at, fromUtc: pack.atUtc, until: unpack?.at ?? null, untilUtc: unpack?.atUtc ?? null,
    packEventId: pack.eventId, unpackEventId: unpack?.eventId ?? null, legacy: false,
  };
}

function compareIntervals(a: ContainmentInterval, b: ContainmentInterval): number {
  const af = a.fromUtc ?? '';
  const bf = b.fromUtc ?? '';
  if (af !== bf) return af < bf ? -1 : 1;
  return a.parentLotId < b.parentLotId ? -1 : a.parentLotId > b.parentLotId ? 1 : 0;
}

/** The overlap of two windows, or undefined when they do not overlap. */
export function overlap(a: Window, b: Window): Window | undefined {
  const fromUtc = a.fromUtc === null ? b.fromUtc : b.fromUtc === null ? a.fromUtc : a.fromUtc > b.fromUtc ? a.fromUtc : b.fromUtc;
  const untilUtc = a.untilUtc === null ? b.untilUtc : b.untilUtc === null ? a.untilUtc : a.untilUtc < b.untilUtc ? a.untilUtc : b.untilUtc;
  if (fromUtc !== null && untilUtc !== null && fromUtc >= untilUtc) return undefined;
  return { fromUtc, untilUtc };
}

/** True when instant `utc` lies in the window. */
export function inWindow(w: Window, utc: string): boolean {
  return (w.fromUtc === null || w.fromUtc <= utc) && (w.untilUtc === null || utc < w.untilUtc);
}

/** The containers a lot is directly inside at `utc`. */
export function containersAt(intervals: readonly ContainmentInterval[], utc: string): string[] {
  return [...new Set(intervals.filter((i) => inWindow(i, utc)).map((i) => i.parentLotId))];
}

/** A container reached from the lot, through one interval, and the window in which the lot was (transitively) inside it. */
export interface AncestorStay {
  readonly interval: ContainmentInterval;
  /** The interval intersected with every enclosing stay on the way from the lot. */
  readonly window: Window;
  /** 1 for the lot's own containers, 2 for theirs, … */
  readonly depth: number;
}

/**
 * Every container the lot was inside, directly or nested, with the window of time it was inside it.
 * `intervalsOf` gives the loaded intervals of a lot (undefined: not loaded, not followed). Bounded by
 * MAX_CONTAINMENT_DEPTH and MAX_CONTAINERS; a container already on the path is not followed again.
 */
export function ancestorStays(
  lotId: string,
  intervalsOf: (lotId: string) => readonly ContainmentInterval[] | undefined,
): AncestorStay[] {
  const out: AncestorStay[] = [];
  const walk = (current: string, window: Window, depth: number, path: ReadonlySet<string>): void => {
    if (depth > MAX_CONTAINMENT_DEPTH) return;
    for (const interval of intervalsOf(current) ?? []) {
      if (out.length >= MAX_CONTAINERS) return;
      if (path.has(interval.parentLotId)) continue;
      const w = overlap(window, interval);
      if (!w) continue;
      out.push({ interval, window: w, depth });
      walk(interval.parentLotId, w, depth + 1, new Set([...path, interval.parentLotId]));
    }
  };
  walk(lotId, ALWAYS, 1, new Set([lotId]));
  return out;
}

/** The containers a lot is inside at `utc`, directly or nested. */
export function allContainersAt(stays: readonly AncestorStay[], utc: string): string[] {
  return [...new Set(stays.filter((s) => inWindow(s.window, utc)).map((s) => s.interval.parentLotId))];
}

/** The stays as the provenance shows them, with the detail the reader gets for each container. */
export function containmentEntries(stays: readonly AncestorStay[], detailOf: (stay: AncestorStay) => 'full' | 'summary'): ContainmentEntry[] {
  return stays.map((s) => ({
    lotId: s.interval.lotId,
    parentLotId: s.interval.parentLotId,
    from: s.interval.from,
    until: s.interval.until,
    packEventId: s.interval.packEventId,
    unpackEventId: s.interval.unpackEventId,
    detail: detailOf(s),
  }));
}

/** Stays of one lot in two different containers at the same time. */
export function doubleContainment(intervals: readonly ContainmentInterval[]): Anomaly[] {
  const out: Anomaly[] = [];
  for (let i = 0; i < intervals.length; i++) {
    for (let j = i + 1; j < intervals.length; j++) {
      const a = intervals[i] as ContainmentInterval;
      const b = intervals[j] as ContainmentInterval;
      if (a.parentLotId === b.parentLotId || a.lotId !== b.lotId || !overlap(a, b)) continue;
      out.push({
        type: 'double-containment',
        eventIds: [a.packEventId, b.packEventId].filter((id): id is string => id !== null),
        lotIds: [a.lotId, a.parentLotId, b.parentLotId],
        detail: `lot ${a.lotId} is inside ${a.parentLotId} (from ${a.from ?? 'the beginning'}) and inside ${b.parentLotId} (from ${b.from ?? 'the beginning'}) at the same time`,
      });
    }
  }
  return out;
}
