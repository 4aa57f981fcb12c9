// Working-day arithmetic on civil dates ("YYYY-MM-DD"), free of any time zone.
// Pure and deterministic: used by workflows, by `plan`, and by validation alike.
// A WorkCalendar is a snapshot taken at launch, so a running workflow never sees its calendar change.

export type CivilDate = string; // YYYY-MM-DD

export interface WorkCalendar {
  /** Statutory holidays and local days off: not working days even on a weekday. */
  holidays: CivilDate[];
  /** 调休 make-up days: working days even on a weekend. */
  workdays: CivilDate[];
  /** Years whose holidays are known (bundled State Council data or the campaign's own). */
  knownYears: number[];
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isCivilDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function toUtcMs(date: CivilDate): number {
  if (!isCivilDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return Date.parse(`${date}T00:00:00Z`);
}

function fromUtcMs(ms: number): CivilDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

export function yearOf(date: CivilDate): number {
  return Number(date.slice(0, 4));
}

/** How many results one memo keeps before it starts afresh. */
const MAX_MEMO = 10_000;

/** Index for repeated look-ups; built once per calendar (see workingDaysOf). */
export class WorkingDays {
  private readonly holidays: Set<CivilDate>;
  private readonly workdays: Set<CivilDate>;
  private readonly known: Set<number>;
  /** Results of step, by `${direction} ${n} ${date}`: pure, and asked again for every obligation. */
  private readonly steps = new Map<string, CivilDate>();
  /** Results of workingDaysAfter, by `${from} ${to}`: every row of a board asks about the same few deadlines. */
  private readonly spans = new Map<string, number>();

  constructor(calendar: WorkCalendar) {
    this.holidays = new Set(calendar.holidays);
    this.workdays = new Set(calendar.workdays);
    this.known = new Set(calendar.knownYears);
  }

  isWorkingDay(date: CivilDate): boolean {
    if (this.workdays.has(date)) return true;
    if (this.holidays.has(date)) return false;
    const weekday = new Date(toUtcMs(date)).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  isKnownYear(year: number): boolean {
    return this.known.has(year);
  }

  /** The n-th working day strictly after `date` (n ≥ 1). */
  nthWorkingDayAfter(date: CivilDate, n: number): CivilDate {
    return this.step(date, n, 1);
  }

  /** The n-th working day strictly before `date` (n ≥ 1). */
  nthWorkingDayBefore(date: CivilDate, n: number): CivilDate {
    return this.step(date, n, -1);
  }

  /** Working days in (from, to]; 0 when to ≤ from. "N working days late" for a deadline `from`. */
  workingDaysAfter(from: CivilDate, to: CivilDate): number {
    const key = `${from} ${to}`;
    let found = this.spans.get(key);
    if (found === undefined) {
      found = this.countAfter(from, to); // throws for a malformed date: nothing is kept
      if (this.spans.size >= MAX_MEMO) this.spans.clear();
      this.spans.set(key, found);
    }
    return found;
  }

  private countAfter(from: CivilDate, to: CivilDate): number {
    toUtcMs(to); // validates
    let count = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) {
      if (this.isWorkingDay(d)) count++;
    }
    return count;
  }

  private step(date: CivilDate, n: number, direction: 1 | -1): CivilDate {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`working-day count must be a positive integer, got ${n}`);
    const key = `${direction} ${n} ${date}`;
    let found = this.steps.get(key);
    if (found === undefined) {
      found = this.walk(date, n, direction); // throws for a malformed date: nothing is kept
      if (this.steps.size >= MAX_MEMO) this.steps.clear();
      this.steps.set(key, found);
    }
    return found;
  }

  private walk(date: CivilDate, n: number, direction: 1 | -1): CivilDate {
    let d = date;
    let found = 0;
    // A year has at least ~240 working days; 4n+30 calendar days always suffices.
    for (let guard = 0; guard < 4 * n + 30; guard++) {
      d = addDays(d, direction);
      if (this.isWorkingDay(d) && ++found === n) return d;
    }
    throw new RangeError(`no ${n} working days found ${direction > 0 ? 'after' : 'before'} ${date}`);
  }
}

const indexes = new WeakMap<WorkCalendar, WorkingDays>();

/**
 * The index of `calendar`, built once per calendar object: hot paths (every obligation of `plan`, every step
 * of a workflow) ask for it again and again. A calendar is a snapshot and is never changed once used.
 */
export function workingDaysOf(calendar: WorkCalendar): WorkingDays {
  if (typeof calendar !== 'object' || calendar === null) return new WorkingDays(calendar); // fails as it always did
  let days = indexes.get(calendar);
  if (!days) {
    days = new WorkingDays(calendar);
    indexes.set(calendar, days);
  }
  return days;
}

/** Years in [from, to] that the calendar does not know. */
export function missingYears(calendar: WorkCalendar, from: CivilDate, to: CivilDate): number[] {
  const known = new Set(calendar.knownYears);
  const missing: number[] = [];
  for (let y = yearOf(from); y <= yearOf(to); y++) if (!known.has(y)) missing.push(y);
  return missing;
}
