// Conversions between civil dates/times in the campaign's time zone and instants (epoch ms).
// Every function takes the zone explicitly; the host's zone is never consulted.
import { DateTime } from 'luxon';
import type { CivilDate } from './calendar';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

function zoned(date: CivilDate, zone: string): DateTime {
  const dt = DateTime.fromISO(date, { zone });
  if (!dt.isValid) throw new RangeError(`invalid date ${date} in zone ${zone}: ${dt.invalidExplanation ?? dt.invalidReason}`);
  return dt;
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

const instantCache = new Map<string, number>();

/** The instant of `hhmm` (HH:mm) on `date` in `zone`. Memoised: pure, and hot in every workflow's loop. */
export function instantAt(date: CivilDate, hhmm: string, zone: string): number {
  const key = `${date} ${hhmm} ${zone}`;
  let instant = instantCache.get(key);
  if (instant === undefined) {
    const [hour, minute] = hhmm.split(':').map(Number);
    instant = zoned(date, zone).set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
    if (instantCache.size > 10_000) instantCache.clear();
    instantCache.set(key, instant);
  }
  return instant;
}

/** Start of `date` (00:00) in `zone`. */
export function startOfDate(date: CivilDate, zone: string): number {
  return zoned(date, zone).startOf('day').toMillis();
}

const HOUR_MS = 3_600_000;
const offsetCache = new Map<string, Map<number, number>>();

/** luxon's offset of `zone` at `instant`, in ms (NaN for a zone luxon does not know). */
const luxonOffsetMs = (instant: number, zone: string) => DateTime.fromMillis(instant, { zone }).offset * 60_000;

/**
 * The offset of `zone` from UTC at `instant`, in ms, as luxon gives it. Kept per zone and UTC hour when the offset is
 * the same at the hour's first and last millisecond: no zone changes its offset twice within an hour, so it then holds
 * for the whole hour. An hour holding a change is not kept (luxon is asked each time). Letters and workflows ask this
 * for every notice; luxon's answer goes through Intl each time.
 */
export function zoneOffsetMs(instant: number, zone: string): number {
  let byHour = offsetCache.get(zone);
  if (!byHour) {
    if (offsetCache.size >= 100) offsetCache.clear();
    offsetCache.set(zone, (byHour = new Map()));
  }
  const hour = Math.floor(instant / HOUR_MS);
  const kept = byHour.get(hour);
  if (kept !== undefined) return kept;
  const first = luxonOffsetMs(hour * HOUR_MS, zone);
  if (first !== luxonOffsetMs(hour * HOUR_MS + HOUR_MS - 1, zone)) return luxonOffsetMs(instant, zone);
  if (!Number.isNaN(first)) {
    if (byHour.size >= 100_000) byHour.clear();
    byHour.set(hour, first);
  }
  return first;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The wall clock of `instant` in `zone` as a Date whose UTC fields read it; undefined where luxon must answer. */
function wallClock(instant: number, zone: string): Date | undefined {
  const offset = zoneOffsetMs(instant, zone);
  if (Number.isNaN(offset)) return undefined;
  const wall = new Date(instant + offset);
  const year = wall.getUTCFullYear();
  return year >= 1000 && year <= 9999 ? wall : undefined;
}

const isoDateOf = (wall: Date) => `${wall.getUTCFullYear()}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}` as CivilDate;

/** The civil date of an instant in `zone`. */
export function civilDateOf(instant: number, zone: string): CivilDate {
  const wall = wallClock(instant, zone);
  return wall ? isoDateOf(wall) : (DateTime.fromMillis(instant, { zone }).toISODate() as CivilDate);
}

/** ISO-8601 with the zone's offset, second precision: 2022-10-12T09:00:00+08:00. */
export function formatInstant(instant: number, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toISO({ suppressMilliseconds: true }) as string;
}

/** Parse an ISO date-time; a value without an offset is read in `zone`. */
export function parseInstant(value: string, zone: string): number | undefined {
  const dt = DateTime.fromISO(value, { zone, setZone: true });
  return dt.isValid ? dt.toMillis() : undefined;
}

/** 2022年10月12日 */
export function chineseDate(date: CivilDate): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** 2022年10月12日 09:00 */
export function chineseDateTime(instant: number, zone: string): string {
  const wall = wallClock(instant, zone);
  if (wall) return `${chineseDate(isoDateOf(wall))} ${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}`;
  const dt = DateTime.fromMillis(instant, { zone });
  return `${chineseDate(dt.toISODate() as CivilDate)} ${dt.toFormat('HH:mm')}`;
}
