/**
 * ISO 8601 instants with offsets, compared as fixed-width UTC strings so that composite keys
 * and sorting agree. Pure: no clock is read here.
 */
import { PureMemo } from './memo';

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

export interface ParsedInstant {
  /** `2026-11-20T00:15:00.000000000Z`: sorts like the instant. */
  readonly utcKey: string;
  /** Milliseconds since the epoch (fraction below a millisecond kept). */
  readonly epochMs: number;
}

const parsedInstants = new PureMemo<ParsedInstant | undefined>(50_000);

/** Parse `2026-11-20T08:15:00+08:00` (offset or Z required); undefined if not such a time. */
export function parseInstant(value: string): ParsedInstant | undefined {
  return parsedInstants.get(value, readInstant);
}

function readInstant(value: string): ParsedInstant | undefined {
  const m = ISO_WITH_OFFSET.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number, number, number, number, number, number,
  ];
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  local.setUTCFullYear(year); // years 0-99 are not shifted to 19xx
  if (!isSameWallClock(local, [year, month, day, hour, minute, second])) return undefined;
  const offsetMinutes = offsetMinutesOf(m);
  if (offsetMinutes === undefined) return undefined;
  const wholeMs = local.getTime() - offsetMinutes * 60_000;
  const utc = new Date(wholeMs);
  if (utc.getUTCFullYear() < 1 || utc.getUTCFullYear() > 9999) return undefined;
  const fraction = (m[7] ?? '').padEnd(9, '0');
  const iso = utc.toISOString(); // yyyy-mm-ddThh:mm:ss.000Z for years 0001-9999
  return {
    utcKey: `${iso.slice(0, 19)}.${fraction}Z`,
    epochMs: wholeMs + Number(fraction) / 1e6,
  };
}

/** False when Date rolled a field over (Feb 30, 24:00, second 60): the text named no real time. */
function isSameWallClock(local: Date, [year, month, day, hour, minute, second]: readonly [number, number, number, number, number, number]): boolean {
  return (
    local.getUTCFullYear() === year && local.getUTCMonth() === month - 1 && local.getUTCDate() === day &&
    local.getUTCHours() === hour && local.getUTCMinutes() === minute && local.getUTCSeconds() === second
  );
}

/** The offset of a matched instant in minutes (0 for Z); undefined if out of range. */
function offsetMinutesOf(m: RegExpExecArray): number | undefined {
  if (m[8] === 'Z') return 0;
  const oh = Number(m[10]);
  const om = Number(m[11]);
  if (oh > 14 || om > 59) return undefined;
  return (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
}

/** Milliseconds since the epoch of a utcKey. */
export function utcKeyToMs(utcKey: string): number {
  const parsed = parseInstant(utcKey);
  if (!parsed) throw new RangeError(`not a UTC key: ${utcKey}`);
  return parsed.epochMs;
}

/** Fabric's tx timestamp `{ seconds, nanos }` as ISO 8601 UTC with milliseconds. */
export function timestampToIso(ts: { seconds: number | { toNumber(): number } | string; nanos: number }): string {
  const seconds = typeof ts.seconds === 'object' ? ts.seconds.toNumber() : Number(ts.seconds);
  return new Date(seconds * 1000 + Math.floor(ts.nanos / 1e6)).toISOString();
}
