// Working-day arithmetic (domain/calendar) against the real bundled State Council calendar, and the
// zone-explicit time conversions (domain/zoned-time). Pure functions: no server, no clock.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { type WorkCalendar, WorkingDays, addDays, isCivilDate, missingYears, yearOf } from '../domain/calendar';
import { campaignCalendar } from '../domain/compile';
import { type CampaignDefinition, parseCampaignDefinition } from '../domain/definition';
import { STATE_COUNCIL_YEARS, stateCouncilDays } from '../domain/state-council-calendar';
import {
  DEFAULT_TIME_ZONE,
  chineseDate,
  chineseDateTime,
  civilDateOf,
  formatInstant,
  instantAt,
  isValidTimeZone,
  parseInstant,
  startOfDate,
  zoneOffsetMs,
} from '../domain/zoned-time';

const ZONE = 'Asia/Shanghai';

/** The bundled State Council data for 2022–2026, as a launch would snapshot it. */
function stateCouncil(fromYear = 2022, toYear = 2026): WorkCalendar {
  const days = stateCouncilDays(fromYear, toYear);
  return { ...days, knownYears: STATE_COUNCIL_YEARS.filter((y) => y >= fromYear && y <= toYear) as number[] };
}

const cal = stateCouncil();
const days = new WorkingDays(cal);

/** A minimal valid campaign with one stage; `calendar` is YAML for campaign.calendar (indented by 4). */
function campaign(stage: { start: string; end: string }, calendar = ''): CampaignDefinition {
  const text = [
    'campaign:',
    '  id: cal-test',
    '  title: 日历测试',
    '  office: { name: 安委办, email: office@test.example }',
    ...(calendar ? ['  calendar:', calendar] : []),
    'units:',
    '  - { id: u1, name: 单位一, type: department, email: u1@test.example, principal: { name: 负责人, email: u1.head@test.example } }',
    'stages:',
    `  - { id: s1, name: 阶段, start: ${stage.start}, end: ${stage.end} }`,
    'deliverables:',
    '  - { id: d1, name: 报告, stage: s1, owedBy: [department] }',
    '',
  ].join('\n');
  return parseCampaignDefinition(text, 'cal-test.yaml');
}

describe('civil dates', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isCivilDate('2022-10-11')).toBe(true);
    expect(isCivilDate('2024-02-29')).toBe(true); // leap year
    expect(isCivilDate('2022-02-29')).toBe(false);
    expect(isCivilDate('2022-02-30')).toBe(false);
    expect(isCivilDate('2022-13-01')).toBe(false);
    expect(isCivilDate('2022-10-00')).toBe(false);
    expect(isCivilDate('2022-1-5')).toBe(false);
    expect(isCivilDate('20221011')).toBe(false);
    expect(isCivilDate('2022-10-11T00:00:00Z')).toBe(false);
    expect(isCivilDate('')).toBe(false);
  });

  it('adds calendar days across month and year ends', () => {
    expect(addDays('2022-09-30', 1)).toBe('2022-10-01');
    expect(addDays('2022-12-31', 1)).toBe('2023-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2022-03-01', -1)).toBe('2022-02-28');
    expect(addDays('2022-10-11', 0)).toBe('2022-10-11');
    expect(yearOf('2027-01-01')).toBe(2027);
  });
});

describe('the bundled State Council calendar', () => {
  it('knows 2022 through 2026 and not 2027', () => {
    for (const y of [2022, 2023, 2024, 2025, 2026]) expect(STATE_COUNCIL_YEARS).toContain(y);
    expect(STATE_COUNCIL_YEARS).not.toContain(2027);
    expect(stateCouncilDays(2027, 2027)).toEqual({ holidays: [], workdays: [] });
  });

  it('stateCouncilDays keeps only the years asked for', () => {
    const only2022 = stateCouncilDays(2022, 2022);
    expect(only2022.holidays.length).toBeGreaterThan(0);
    expect(only2022.holidays.every((d) => d.startsWith('2022-'))).toBe(true);
    expect(only2022.workdays.every((d) => d.startsWith('2022-'))).toBe(true);
    expect(only2022.holidays).toContain('2022-10-01');
    expect(only2022.workdays).toEqual(expect.arrayContaining(['2022-10-08', '2022-10-09']));
  });

  it('2022-10-01..07 National Day (国庆节) holidays are not working days', () => {
    for (let d = '2022-10-01'; d <= '2022-10-07'; d = addDays(d, 1)) {
      expect(days.isWorkingDay(d), d).toBe(false);
    }
  });

  it('2022-10-08 (Sat) and 2022-10-09 (Sun) are 调休 make-up working days', () => {
    expect(new Date('2022-10-08T00:00:00Z').getUTCDay()).toBe(6);
    expect(new Date('2022-10-09T00:00:00Z').getUTCDay()).toBe(0);
    expect(days.isWorkingDay('2022-10-08')).toBe(true);
    expect(days.isWorkingDay('2022-10-09')).toBe(true);
  });

  it('ordinary weekdays work and ordinary weekends do not', () => {
    expect(days.isWorkingDay('2022-09-30')).toBe(true); // Friday before the holiday
    expect(days.isWorkingDay('2022-10-10')).toBe(true); // Monday
    expect(days.isWorkingDay('2022-10-11')).toBe(true);
    expect(days.isWorkingDay('2022-10-15')).toBe(false); // Saturday
    expect(days.isWorkingDay('2022-10-16')).toBe(false); // Sunday
  });

  it('2026 New Year and Spring Festival (春节) holidays and their make-up days', () => {
    // 元旦: 01-01 (Thu) .. 01-03 off, Sunday 01-04 worked.
    for (const d of ['2026-01-01', '2026-01-02', '2026-01-03']) expect(days.isWorkingDay(d), d).toBe(false);
    expect(days.isWorkingDay('2026-01-04')).toBe(true);
    // 春节: 02-15 (Sun) .. 02-23 (Mon) off, including the weekdays 02-16..02-20 and 02-23.
    for (let d = '2026-02-15'; d <= '2026-02-23'; d = addDays(d, 1)) expect(days.isWorkingDay(d), d).toBe(false);
    // Saturdays 02-14 and 02-28 are make-up working days.
    expect(new Date('2026-02-14T00:00:00Z').getUTCDay()).toBe(6);
    expect(new Date('2026-02-28T00:00:00Z').getUTCDay()).toBe(6);
    expect(days.isWorkingDay('2026-02-14')).toBe(true);
    expect(days.isWorkingDay('2026-02-28')).toBe(true);
    expect(days.isWorkingDay('2026-02-24')).toBe(true);
    expect(days.isWorkingDay('2026-02-21')).toBe(false);
  });

  it('steps over the 2026 Spring Festival', () => {
    expect(days.nthWorkingDayAfter('2026-02-13', 1)).toBe('2026-02-14');
    expect(days.nthWorkingDayAfter('2026-02-14', 1)).toBe('2026-02-24');
    expect(days.nthWorkingDayBefore('2026-02-24', 1)).toBe('2026-02-14');
    expect(days.nthWorkingDayBefore('2026-02-24', 2)).toBe('2026-02-13');
    expect(days.workingDaysAfter('2026-02-13', '2026-02-24')).toBe(2);
    expect(days.workingDaysAfter('2026-02-14', '2026-02-23')).toBe(0);
  });

  it('reports what it knows', () => {
    expect(days.isKnownYear(2022)).toBe(true);
    expect(days.isKnownYear(2026)).toBe(true);
    expect(days.isKnownYear(2027)).toBe(false);
  });
});

describe('nthWorkingDayBefore / nthWorkingDayAfter', () => {
  it('nthWorkingDayBefore counts make-up days (seed 000: 3rd working day before 10-11 is Saturday 10-08)', () => {
    expect(days.nthWorkingDayBefore('2022-10-11', 1)).toBe('2022-10-10');
    expect(days.nthWorkingDayBefore('2022-10-11', 2)).toBe('2022-10-09');
    expect(days.nthWorkingDayBefore('2022-10-11', 3)).toBe('2022-10-08');
    expect(days.nthWorkingDayBefore('2022-10-11', 4)).toBe('2022-09-30');
    expect(days.nthWorkingDayBefore('2022-10-08', 1)).toBe('2022-09-30');
  });

  it('nthWorkingDayAfter 10-11 by 1/3/5/7 gives the default escalation days', () => {
    expect(days.nthWorkingDayAfter('2022-10-11', 1)).toBe('2022-10-12');
    expect(days.nthWorkingDayAfter('2022-10-11', 3)).toBe('2022-10-14');
    expect(days.nthWorkingDayAfter('2022-10-11', 5)).toBe('2022-10-18');
    expect(days.nthWorkingDayAfter('2022-10-11', 7)).toBe('2022-10-20');
  });

  it('is strict: the start date itself is never counted, working day or not', () => {
    expect(days.nthWorkingDayAfter('2022-10-10', 1)).toBe('2022-10-11');
    expect(days.nthWorkingDayBefore('2022-10-10', 1)).toBe('2022-10-09');
    expect(days.nthWorkingDayAfter('2022-09-30', 1)).toBe('2022-10-08'); // jumps the whole holiday
    expect(days.nthWorkingDayAfter('2022-10-01', 1)).toBe('2022-10-08'); // from inside the holiday
    expect(days.nthWorkingDayBefore('2022-10-05', 1)).toBe('2022-09-30');
  });

  it('crosses year ends', () => {
    // 2023 元旦: 2022-12-31 .. 2023-01-02 off.
    expect(days.nthWorkingDayAfter('2022-12-30', 1)).toBe('2023-01-03');
    expect(days.nthWorkingDayBefore('2023-01-03', 1)).toBe('2022-12-30');
  });

  it('before and after are inverse on working days', () => {
    for (let d = '2022-09-26'; d <= '2022-10-21'; d = addDays(d, 1)) {
      if (!days.isWorkingDay(d)) continue;
      for (const n of [1, 2, 5]) {
        expect(days.nthWorkingDayBefore(days.nthWorkingDayAfter(d, n), n), `${d} ±${n}`).toBe(d);
      }
    }
  });

  it('handles long spans (60 working days)', () => {
    const d = days.nthWorkingDayAfter('2022-09-01', 60);
    expect(days.workingDaysAfter('2022-09-01', d)).toBe(60);
    expect(days.isWorkingDay(d)).toBe(true);
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => days.nthWorkingDayAfter('2022-10-11', 0)).toThrow(RangeError);
    expect(() => days.nthWorkingDayAfter('2022-10-11', -1)).toThrow(RangeError);
    expect(() => days.nthWorkingDayBefore('2022-10-11', 1.5)).toThrow(RangeError);
    expect(() => days.nthWorkingDayBefore('2022-10-11', Number.NaN)).toThrow(RangeError);
  });

  it('throws RangeError when there is no working day to find', () => {
    const plain = new WorkingDays({ holidays: [], workdays: [], knownYears: [] });
    // A calendar whose every day is a holiday.
    const allOff: string[] = [];
    for (let d = '2022-01-01'; d <= '2022-12-31'; d = addDays(d, 1)) allOff.push(d);
    const never = new WorkingDays({ holidays: allOff, workdays: [], knownYears: [2022] });
    expect(plain.nthWorkingDayAfter('2022-06-01', 1)).toBe('2022-06-02');
    expect(() => never.nthWorkingDayAfter('2022-06-01', 1)).toThrow(RangeError);
  });
});

describe('workingDaysAfter (lateness in working days)', () => {
  it('deadline 2022-09-30, submitted 2022-10-08: one working day late', () => {
    expect(days.workingDaysAfter('2022-09-30', '2022-10-08')).toBe(1);
  });

  it('counts the working days in (deadline, submission]', () => {
    expect(days.workingDaysAfter('2022-09-30', '2022-09-30')).toBe(0); // on the day
    expect(days.workingDaysAfter('2022-09-30', '2022-10-07')).toBe(0); // during the holiday
    expect(days.workingDaysAfter('2022-09-30', '2022-10-09')).toBe(2);
    expect(days.workingDaysAfter('2022-09-30', '2022-10-10')).toBe(3);
    expect(days.workingDaysAfter('2022-10-11', '2022-10-13')).toBe(2);
    expect(days.workingDaysAfter('2022-10-11', '2022-10-16')).toBe(3); // the weekend adds nothing
    expect(days.workingDaysAfter('2022-10-11', '2022-10-20')).toBe(7);
  });

  it('is 0 when the submission is early', () => {
    expect(days.workingDaysAfter('2022-10-11', '2022-10-10')).toBe(0);
    expect(days.workingDaysAfter('2022-10-11', '2021-01-01')).toBe(0);
  });

  it('agrees with nthWorkingDayAfter', () => {
    for (const n of [1, 3, 5, 7, 20]) {
      expect(days.workingDaysAfter('2022-10-11', days.nthWorkingDayAfter('2022-10-11', n))).toBe(n);
    }
  });
});

describe('invalid dates', () => {
  it('throw RangeError from every working-day function', () => {
    for (const bad of ['2022-02-30', '2022-13-01', '20221011', '2022/10/11', 'today', '']) {
      expect(() => days.isWorkingDay(bad), bad).toThrow(RangeError);
      expect(() => days.nthWorkingDayAfter(bad, 1), bad).toThrow(RangeError);
      expect(() => days.nthWorkingDayBefore(bad, 1), bad).toThrow(RangeError);
      expect(() => addDays(bad, 1), bad).toThrow(RangeError);
    }
    expect(() => days.workingDaysAfter('2022-02-30', '2022-03-05')).toThrow(RangeError);
  });

  it('workingDaysAfter rejects an invalid end date too', () => {
    // '2022-10-32' sorts between real October dates, so it must be validated, not just compared.
    expect(() => days.workingDaysAfter('2022-09-30', '2022-10-32')).toThrow(RangeError);
    expect(() => days.workingDaysAfter('2022-09-30', '2022-02-30')).toThrow(RangeError);
  });
});

describe('missingYears (calendar coverage)', () => {
  it('names a year the data lacks', () => {
    expect(missingYears(cal, '2026-11-01', '2027-02-01')).toEqual([2027]);
    expect(missingYears(cal, '2027-01-01', '2028-12-31')).toEqual([2027, 2028]);
  });

  it('is empty when every year is known', () => {
    expect(missingYears(cal, '2022-10-01', '2022-10-31')).toEqual([]);
    expect(missingYears(cal, '2022-01-01', '2026-12-31')).toEqual([]);
  });

  it('a campaign calendar that lists the year (campaign.calendar.years) covers it', () => {
    const withYear: WorkCalendar = { ...cal, knownYears: [...cal.knownYears, 2027] };
    expect(missingYears(withYear, '2026-11-01', '2027-02-01')).toEqual([]);
  });
});

describe('campaignCalendar: State Council data plus local overrides', () => {
  it('snapshots the stage years plus one, with the State Council days', () => {
    const c = campaignCalendar(campaign({ start: '2022-10-08', end: '2022-10-12' }));
    expect(c.knownYears).toEqual([2022, 2023]);
    expect(c.holidays).toContain('2022-10-03');
    expect(c.workdays).toEqual(expect.arrayContaining(['2022-10-08', '2022-10-09']));
    expect(c.holidays.every((d) => d >= '2022-01-01' && d <= '2023-12-31')).toBe(true);
    expect(new WorkingDays(c).nthWorkingDayBefore('2022-10-11', 3)).toBe('2022-10-08');
  });

  it('a campaign holiday on a weekday wins', () => {
    const c = campaignCalendar(campaign({ start: '2022-10-08', end: '2022-10-12' }, '    holidays: [2022-10-12]'));
    const w = new WorkingDays(c);
    expect(w.isWorkingDay('2022-10-12')).toBe(false);
    expect(w.nthWorkingDayAfter('2022-10-11', 1)).toBe('2022-10-13');
    expect(w.nthWorkingDayAfter('2022-10-11', 3)).toBe('2022-10-17');
  });

  it('a campaign workday on a weekend wins', () => {
    const c = campaignCalendar(campaign({ start: '2022-10-08', end: '2022-10-12' }, '    workdays: [2022-10-15]'));
    const w = new WorkingDays(c);
    expect(w.isWorkingDay('2022-10-15')).toBe(true);
    expect(w.nthWorkingDayAfter('2022-10-14', 1)).toBe('2022-10-15');
    expect(w.workingDaysAfter('2022-10-11', '2022-10-17')).toBe(5);
  });

  it('local overrides also win over the State Council days themselves', () => {
    const c = campaignCalendar(
      campaign({ start: '2022-10-08', end: '2022-10-12' }, '    holidays: [2022-10-08]\n    workdays: [2022-10-07]'),
    );
    const w = new WorkingDays(c);
    expect(c.workdays).not.toContain('2022-10-08');
    expect(c.holidays).not.toContain('2022-10-07');
    expect(w.isWorkingDay('2022-10-08')).toBe(false); // a State Council make-up day, given off locally
    expect(w.isWorkingDay('2022-10-07')).toBe(true); // a State Council holiday, worked locally
    expect(w.isWorkingDay('2022-10-09')).toBe(true); // untouched
  });

  it('a year the data lacks is known only when the campaign lists it', () => {
    const bare = campaignCalendar(campaign({ start: '2027-03-01', end: '2027-03-31' }));
    expect(bare.knownYears).toEqual([]);
    expect(missingYears(bare, '2027-03-01', '2027-03-31')).toEqual([2027]);
    const listed = campaignCalendar(
      campaign({ start: '2027-03-01', end: '2027-03-31' }, '    holidays: [2027-03-05]\n    years: [2027]'),
    );
    expect(listed.knownYears).toEqual([2027]);
    expect(missingYears(listed, '2027-03-01', '2027-03-31')).toEqual([]);
    expect(new WorkingDays(listed).isWorkingDay('2027-03-05')).toBe(false); // a Friday, off locally
  });
});

describe('zoned time', () => {
  it('instantAt is the wall-clock time in the given zone, independent of the host zone', () => {
    const at = instantAt('2022-10-12', '09:00', ZONE);
    expect(at).toBe(Date.UTC(2022, 9, 12, 1, 0));
    expect(formatInstant(at, ZONE)).toBe('2022-10-12T09:00:00+08:00');
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Shanghai');
  });

  it('honours other zones and their daylight-saving offsets', () => {
    expect(instantAt('2022-10-12', '09:00', 'UTC')).toBe(Date.UTC(2022, 9, 12, 9, 0));
    expect(instantAt('2022-07-01', '09:00', 'Europe/Berlin')).toBe(Date.UTC(2022, 6, 1, 7, 0)); // CEST
    expect(instantAt('2022-12-01', '09:00', 'Europe/Berlin')).toBe(Date.UTC(2022, 11, 1, 8, 0)); // CET
    expect(formatInstant(Date.UTC(2022, 6, 1, 7, 0), 'Europe/Berlin')).toBe('2022-07-01T09:00:00+02:00');
  });

  it('startOfDate and civilDateOf agree at the zone midnight', () => {
    const midnight = startOfDate('2022-10-12', ZONE);
    expect(midnight).toBe(Date.UTC(2022, 9, 11, 16, 0));
    expect(civilDateOf(midnight, ZONE)).toBe('2022-10-12');
    expect(civilDateOf(midnight - 1, ZONE)).toBe('2022-10-11');
    expect(civilDateOf(midnight, 'UTC')).toBe('2022-10-11');
  });

  it('parseInstant reads a value without offset in the zone and keeps an explicit offset', () => {
    expect(parseInstant('2022-10-12T09:00', ZONE)).toBe(Date.UTC(2022, 9, 12, 1, 0));
    expect(parseInstant('2022-10-12T09:00:00', ZONE)).toBe(Date.UTC(2022, 9, 12, 1, 0));
    expect(parseInstant('2022-10-12T09:00:00+08:00', 'UTC')).toBe(Date.UTC(2022, 9, 12, 1, 0));
    expect(parseInstant('2022-10-12T09:00:00Z', ZONE)).toBe(Date.UTC(2022, 9, 12, 9, 0));
    expect(parseInstant('not a time', ZONE)).toBeUndefined();
    expect(parseInstant('2022-02-30T09:00', ZONE)).toBeUndefined();
  });

  it('instantAt and startOfDate refuse an invalid date', () => {
    expect(() => instantAt('2022-02-30', '09:00', ZONE)).toThrow(RangeError);
    expect(() => startOfDate('2022-13-01', ZONE)).toThrow(RangeError);
  });

  it('knows which zones exist', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('civilDateOf, chineseDateTime and zoneOffsetMs agree with luxon at every quarter hour around offset changes, asked in any order', () => {
    // zones that change by an hour, by half an hour (Lord Howe), at :45 (Kathmandu, Chatham) or not at all; Shanghai's
    // own summer time of 1986–1991; and the far past, where luxon gives local mean time with seconds (Shanghai +8:05:43)
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];
    const spans: [number, number][] = [
      [Date.UTC(2022, 0, 1), Date.UTC(2023, 0, 1)],
      [Date.UTC(1986, 3, 1), Date.UTC(1986, 9, 1)],
      [Date.UTC(1900, 0, 1), Date.UTC(1901, 0, 1)],
    ];
    const QUARTER = 15 * 60_000;
    let compared = 0;
    const wrong: string[] = [];
    const check = (t: number, zone: string) => {
      const dt = DateTime.fromMillis(t, { zone });
      const chinese = `${chineseDate(dt.toISODate()!)} ${dt.toFormat('HH:mm')}`;
      if (zoneOffsetMs(t, zone) !== dt.offset * 60_000 || civilDateOf(t, zone) !== dt.toISODate() || chineseDateTime(t, zone) !== chinese) {
        wrong.push(`${zone} ${dt.toISO()}: ${zoneOffsetMs(t, zone)} ${civilDateOf(t, zone)} ${chineseDateTime(t, zone)}`);
      }
      compared++;
    };
    for (const zone of zones) {
      for (const [from, to] of spans) {
        // backwards and then forwards: what is kept of one hour must not answer for another
        for (const order of [-1, 1]) {
          for (let i = 0; i < (to - from) / QUARTER; i += 11) {
            check(order < 0 ? to - i * QUARTER - 1 : from + i * QUARTER + (i % 5) * 61_000, zone);
          }
        }
      }
    }

    // every minute of a day that changes the offset, on both sides of the change
    for (const [zone, day] of [
      ['America/New_York', Date.UTC(2022, 2, 13, 5)],
      ['America/New_York', Date.UTC(2022, 10, 6, 4)],
      ['Australia/Lord_Howe', Date.UTC(2022, 3, 2, 13)],
      ['Asia/Shanghai', Date.UTC(1986, 4, 3, 16)],
      // changes in the middle of a UTC hour: Lord Howe's summer time begins at 15:30 UTC, Shanghai left local mean time at 15:54:17 UTC
      ['Australia/Lord_Howe', Date.UTC(2022, 9, 1, 4)],
      ['Asia/Shanghai', Date.UTC(1900, 11, 31, 4)],
    ] as const) {
      for (let m = 0; m < 24 * 60; m++) check(day + m * 60_000 + (m % 60), zone);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(50_000);
  });

  it('writes dates the Chinese way', () => {
    expect(chineseDate('2022-10-12')).toBe('2022年10月12日');
    expect(chineseDate('2026-02-01')).toBe('2026年2月1日');
    expect(chineseDateTime(Date.UTC(2022, 9, 12, 1, 0), ZONE)).toBe('2022年10月12日 09:00');
    expect(chineseDateTime(Date.UTC(2022, 9, 11, 16, 30), ZONE)).toBe('2022年10月12日 00:30');
  });
});
