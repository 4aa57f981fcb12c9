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

const civilDateCache = new Map<string, Map<number, CivilDate>>();

/** The civil date of an instant in `zone`. Memoised: pure, and asked for every reminder `plan` decides on. */
export function civilDateOf(instant: number, zone: string): CivilDate {
  let byInstant = civilDateCache.get(zone);
  if (!byInstant) {
    if (civilDateCache.size >= 100) civilDateCache.clear();
    civilDateCache.set(zone, (byInstant = new Map()));
  }
  let date = byInstant.get(instant);
  if (date === undefined) {
    date = DateTime.fromMillis(instant, { zone }).toISODate() as CivilDate;
    if (byInstant.size > 10_000) byInstant.clear();
    byInstant.set(instant, date);
  }
  return date;
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
  const dt = DateTime.fromMillis(instant, { zone });
  return `${chineseDate(dt.toISODate() as CivilDate)} ${dt.toFormat('HH:mm')}`;
}
