// What keeps `plan` and `validate` linear in the campaign's size (issue 6) must not change an answer:
// memoised schedules and working-day indexes are handed out as copies and keyed by everything they
// depend on; assumptions grouped per obligation act as the per-obligation filter did; look-ups by id
// answer as the scans did, duplicates included. Pure: no server, no clock.
import { describe, expect, it } from 'vitest';
import { type WorkCalendar, WorkingDays, addDays, workingDaysOf } from '../domain/calendar';
import { compileCampaign, defaultLaunchAt } from '../domain/compile';
import { parseCampaignDefinition } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { type Assumption, comparePlanned, planCampaign } from '../domain/plan';
import { DEFAULT_POLICY, type ScheduleContext, initialState, nextNotice, noticeSchedule, supervisionTimeLimit } from '../domain/policy';
import { STATE_COUNCIL_YEARS, stateCouncilDays } from '../domain/state-council-calendar';
import { parseInstant } from '../domain/zoned-time';

const ZONE = 'Asia/Shanghai';
const at = (iso: string): number => {
  const ms = parseInstant(iso, ZONE);
  if (ms === undefined) throw new Error(`bad test instant ${iso}`);
  return ms;
};

const calendar = (): WorkCalendar => ({
  ...stateCouncilDays(2022, 2023),
  knownYears: STATE_COUNCIL_YEARS.filter((y) => y === 2022 || y === 2023) as number[],
});

/** `towns` towns owing two deliverables; every seventh owes the second one early. */
function townsYaml(towns: number, extraUnits = ''): string {
  const ids = Array.from({ length: towns }, (_, i) => `town-${String(i + 1).padStart(4, '0')}`);
  return [
    'campaign:',
    '  id: scale-test',
    '  title: 规模测试',
    '  office: { name: 测试市安委办, email: office@scale.example }',
    // every letter goes at its time: no leader's 签发 awaited (the default would hold 通报 and 约谈 until approved)
    'policy: { signOff: [] }',
    'units:',
    ...ids.map((id) => `  - { id: ${id}, name: 乡镇${id}, type: town, email: ${id}@scale.example, principal: { name: 负责人, email: ${id}.head@scale.example } }`),
    extraUnits,
    'stages:',
    '  - { id: s1, name: 第一阶段, start: 2022-10-08, end: 2022-10-12 }',
    '  - { id: s2, name: 第二阶段, start: 2022-10-08, end: 2022-11-30 }',
    'deliverables:',
    '  - { id: d1, name: 报告一, stage: s1, owedBy: [town] }',
    '  - id: d2',
    '    name: 报告二',
    '    stage: s2',
    '    owedBy: [town]',
    '    dueFor:',
    ...ids.filter((_, i) => i % 7 === 0).map((id) => `      ${id}: 2022-11-15`),
    '    policy: { remindBefore: [5, 2, 0], escalate: { circulate: null } }',
    '',
  ].join('\n');
}

describe('memoised schedules', () => {
  const ctx: ScheduleContext = { policy: DEFAULT_POLICY, calendar: calendar(), timeZone: ZONE };

  it('noticeSchedule hands out a fresh copy every time', () => {
    const first = noticeSchedule(ctx, '2022-10-11');
    const expected = JSON.stringify(first);
    first[0].at = 0;
    first[0].key = 'changed';
    first.reverse().push(first[0]);
    expect(JSON.stringify(noticeSchedule(ctx, '2022-10-11'))).toBe(expected);
  });

  it('nextNotice hands out a copy of the scheduled notice', () => {
    const state = initialState('2022-10-11', at('2022-10-08T00:00:00+08:00'));
    const next = nextNotice(ctx, state)!;
    const expected = JSON.stringify(next);
    next.at = 0;
    next.action = 'interview';
    expect(JSON.stringify(nextNotice(ctx, state))).toBe(expected);
    expect(JSON.stringify(noticeSchedule(ctx, '2022-10-11')[0])).toBe(expected);
  });

  it('a schedule depends on the calendar, the policy, the zone and the deadline, each on its own', () => {
    const base = noticeSchedule(ctx, '2022-10-11');
    // the same contents in a new object answer the same
    expect(noticeSchedule({ ...ctx, calendar: calendar() }, '2022-10-11')).toEqual(base);
    expect(noticeSchedule({ ...ctx, policy: { ...DEFAULT_POLICY } }, '2022-10-11')).toEqual(base);
    // Saturday 8 and Sunday 9 October 2022 are 调休 working days; a local holiday on the 10th moves the
    // 3rd working day before the deadline back over the National Day holidays to 30 September
    const local = calendar();
    const withHoliday = { ...local, holidays: [...local.holidays, '2022-10-10'] };
    expect(noticeSchedule({ ...ctx, calendar: withHoliday }, '2022-10-11')[0].key).toBe('2022-10-11/reminder/2022-09-30');
    expect(noticeSchedule(ctx, '2022-10-11')[0].key).toBe('2022-10-11/reminder/2022-10-08');
    const later = noticeSchedule({ ...ctx, policy: { ...DEFAULT_POLICY, sendAt: '10:30' } }, '2022-10-11');
    expect(later.map((n) => n.at - 90 * 60_000)).toEqual(base.map((n) => n.at));
    const utc = noticeSchedule({ ...ctx, timeZone: 'UTC' }, '2022-10-11');
    expect(utc.map((n) => n.at - 8 * 3_600_000)).toEqual(base.map((n) => n.at));
    expect(noticeSchedule(ctx, '2022-10-12')[0].key).toBe('2022-10-12/reminder/2022-10-09');
  });

  it('a malformed deadline is refused every time, not remembered', () => {
    expect(() => noticeSchedule(ctx, '2022-02-30')).toThrow(RangeError);
    expect(() => noticeSchedule(ctx, '2022-02-30')).toThrow(RangeError);
    expect(() => nextNotice(ctx, initialState('2022-13-01', 0))).toThrow(RangeError);
  });

  it('supervisionTimeLimit answers from the shared schedule without changing it', () => {
    const notice = noticeSchedule(ctx, '2022-10-11').find((n) => n.action === 'notice')!;
    const before = JSON.stringify(noticeSchedule(ctx, '2022-10-11'));
    expect(supervisionTimeLimit(ctx, notice)).toBe('2022-10-17');
    expect(JSON.stringify(noticeSchedule(ctx, '2022-10-11'))).toBe(before);
  });
});

describe('workingDaysOf', () => {
  it('is one index per calendar object, answering as a fresh WorkingDays does', () => {
    const cal = calendar();
    expect(workingDaysOf(cal)).toBe(workingDaysOf(cal));
    expect(workingDaysOf(calendar())).not.toBe(workingDaysOf(cal));
    const fresh = new WorkingDays(cal);
    for (let d = '2022-09-20'; d <= '2022-12-31'; d = addDays(d, 1)) {
      for (const n of [1, 3, 7]) {
        // asked twice: the second answer comes from the memo
        for (let i = 0; i < 2; i++) {
          expect(workingDaysOf(cal).nthWorkingDayAfter(d, n)).toBe(fresh.nthWorkingDayAfter(d, n));
          expect(workingDaysOf(cal).nthWorkingDayBefore(d, n)).toBe(fresh.nthWorkingDayBefore(d, n));
        }
      }
    }
  });

  it('refuses a malformed date or count every time', () => {
    const days = workingDaysOf(calendar());
    for (let i = 0; i < 2; i++) {
      expect(() => days.nthWorkingDayAfter('2022-02-30', 1)).toThrow(/not a calendar date/);
      expect(() => days.nthWorkingDayBefore('2022-10-11', 0)).toThrow(/positive integer/);
    }
  });
});

describe('planCampaign at scale', () => {
  const def = parseCampaignDefinition(townsYaml(350), 'scale.yaml');
  const compiled = compileCampaign(def, defaultLaunchAt(def));

  it('plans every obligation as it would be planned alone', () => {
    const assumptions: Assumption[] = [];
    const add = (unit: string, deliverable: string, iso: string, event: Assumption['event']) =>
      assumptions.push({ unit, deliverable, at: at(iso), event, source: `assumption ${assumptions.length + 1}` });
    compiled.obligations.forEach((o, i) => {
      if (i % 5 === 0) add(o.unitId, o.deliverableId, '2022-10-11T15:00:00+08:00', { kind: 'submit' });
      if (i % 5 === 1) add(o.unitId, o.deliverableId, '2022-10-10T16:00:00+08:00', { kind: 'extend', to: '2022-12-20', reason: '延期' });
      if (i % 5 === 2) add(o.unitId, o.deliverableId, '2022-10-12T16:00:00+08:00', { kind: 'waive', reason: '免报' });
    });
    // listed out of time order, for an obligation with no other assumption: submitted, returned, submitted again
    const last = compiled.obligations.find((o) => o.unitId === 'town-0349' && o.deliverableId === 'd1')!;
    expect(compiled.obligations.indexOf(last) % 5).toBe(3);
    add(last.unitId, last.deliverableId, '2022-10-17T10:00:00+08:00', { kind: 'submit' });
    add(last.unitId, last.deliverableId, '2022-10-11T10:00:00+08:00', { kind: 'submit' });
    add(last.unitId, last.deliverableId, '2022-10-12T10:00:00+08:00', { kind: 'return', to: '2022-10-14', reason: '退回' });

    const all = planCampaign(compiled, assumptions);
    const alone = compiled.obligations
      .flatMap((o) =>
        planCampaign(
          { ...compiled, obligations: [o] },
          assumptions.filter((a) => a.unit === o.unitId && a.deliverable === o.deliverableId),
        ),
      )
      .sort(comparePlanned);
    expect(all).toEqual(alone);
    expect(all.filter((p) => p.unit === last.unitId && p.deliverable === last.deliverableId).map((p) => `${p.action} ${p.at}`)).toEqual([
      // due 10-12: the 3rd and 1st working day before, then submitted at 10:00 on the 11th
      'reminder 2022-10-09T09:00:00+08:00',
      'reminder 2022-10-11T09:00:00+08:00',
      // returned at 10:00 on the 12th, due 10-14: its 3rd working day before (10-11) has passed
      'reminder 2022-10-13T09:00:00+08:00',
      'reminder 2022-10-14T09:00:00+08:00',
      // the urge at 09:00 on the 17th comes before the resubmission at 10:00
      'urge 2022-10-17T09:00:00+08:00',
    ]);
    // and it stays ordered by time, unit, deliverable
    for (let i = 1; i < all.length; i++) expect(comparePlanned(all[i - 1], all[i])).toBeLessThanOrEqual(0);
  });

  it('refuses an assumption about an obligation that does not exist, naming the first', () => {
    const bad: Assumption[] = [
      { unit: 'town-0001', deliverable: 'd1', at: at('2022-10-11T10:00:00+08:00'), event: { kind: 'submit' }, source: 'entry 1' },
      { unit: 'town-0001', deliverable: 'd3', at: at('2022-10-11T10:00:00+08:00'), event: { kind: 'submit' }, source: 'entry 2' },
      { unit: 'town-9999', deliverable: 'd1', at: at('2022-10-11T10:00:00+08:00'), event: { kind: 'submit' }, source: 'entry 3' },
    ];
    const err = (() => {
      try {
        planCampaign(compiled, bad);
      } catch (e) {
        return e as DubanError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toBeInstanceOf(DubanError);
    expect(err.code).toBe('UNKNOWN_OBLIGATION');
    expect(err.message).toBe('entry 2: unit "town-0001" owes no deliverable "d3" in scale-test');
  });

  it('is the same plan however often it is asked', () => {
    expect(JSON.stringify(planCampaign(compiled))).toBe(JSON.stringify(planCampaign(compiled)));
    expect(planCampaign(compiled)).toHaveLength(350 * 7 + 350 * 6);
  });
});

describe('validation by id', () => {
  const problems = (yaml: string): string[] => {
    try {
      parseCampaignDefinition(yaml, 'v.yaml');
    } catch (err) {
      return (err as DubanError).details ?? [];
    }
    return [];
  };
  const unit = (id: string, type: string, reportsTo?: string) =>
    `  - { id: ${id}, name: ${id}, type: ${type}, email: ${id}@v.example, principal: { name: p, email: ${id}.p@v.example }${reportsTo ? `, reportsTo: [${reportsTo}]` : ''} }`;

  it('reportsTo is checked against the first unit of a duplicated id', () => {
    const leadFirst = problems(townsYaml(3, [unit('lead', 'lead_department'), unit('lead', 'town'), unit('dept', 'department', 'lead')].join('\n')));
    expect(leadFirst).toEqual([expect.stringMatching(/units\[4\]\.id：单位 id “lead”重复（第一次出现在 units\[3\]）/)]);
    const townFirst = problems(townsYaml(3, [unit('lead', 'town'), unit('lead', 'lead_department'), unit('dept', 'department', 'lead')].join('\n')));
    expect(townFirst).toEqual([
      expect.stringMatching(/units\[4\]\.id：单位 id “lead”重复/),
      expect.stringMatching(/units\[5\]\.reportsTo\[0\]：“lead”是 town，不是 lead_department/),
    ]);
    expect(problems(townsYaml(3, unit('dept', 'department', 'nobody')))).toEqual([expect.stringMatching(/units\[3\]\.reportsTo\[0\]：未知单位“nobody”/)]);
  });

  it('dueFor may name only units that owe the deliverable', () => {
    const yaml = townsYaml(14, unit('dept', 'department')).replace('      town-0001: 2022-11-15', '      town-0001: 2022-11-15\n      dept: 2022-11-15');
    expect(problems(yaml)).toEqual([expect.stringMatching(/deliverables\[1\]\.dueFor\.dept：单位“dept”不需要报送此事项/)]);
    const owed = yaml.replace('owedBy: [town]\n    dueFor', 'owedBy: [town, dept]\n    dueFor');
    expect(problems(owed)).toEqual([]);
  });
});
