// The rules that used to live outside domain/: the campaign clock, the notice decision sendNotice follows,
// the 督办通知's time limit, the escalation rank, where an obligation stands, calendar coverage, the default
// launch time and a launch with nothing to chase.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CampaignClock } from '../domain/clock';
import { compileCampaign, defaultLaunchAt, newDeadlineCoverageWarning, nothingToChase, uncoveredYears } from '../domain/compile';
import { parseCampaignDefinition } from '../domain/definition';
import {
  DEFAULT_POLICY,
  type ScheduleContext,
  escalationsBelow,
  lastNoticeAt,
  workingDaysLate,
  higherEscalation,
  initialState,
  markSent,
  noticeDecision,
  noticeSchedule,
  stateFromRecord,
  checkEvent,
  supervisionTimeLimit,
} from '../domain/policy';
import { type StandingFacts, standingOn } from '../domain/standing';
import { formatInstant, parseInstant } from '../domain/zoned-time';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const LEIZHOU = parseCampaignDefinition(readFileSync('examples/leizhou-2022-assessment.yaml', 'utf8'), 'l.yaml');
const compiled = compileCampaign(LEIZHOU, at('2022-10-08T10:00:00+08:00'));
const ctx: ScheduleContext = { policy: DEFAULT_POLICY, calendar: compiled.calendar, timeZone: ZONE };
const schedule = noticeSchedule(ctx, '2022-10-11');
const notice = (action: string) => schedule.find((n) => n.action === action)!;

describe('the campaign clock', () => {
  it('shifts server time by its offset, both ways', () => {
    const clock = new CampaignClock(-1000);
    expect(clock.at(5000)).toBe(4000);
    expect(clock.serverTimeAt(4000)).toBe(5000);
  });
  it('reads the wall clock in production and the server time the caller knows in a rehearsal', () => {
    expect(new CampaignClock(0).current(10, () => 99)).toBe(10);
    expect(new CampaignClock(-50).current(10, () => 99)).toBe(49);
  });
});

describe('noticeDecision: what sendNotice does with a due notice', () => {
  const open = { status: 'open' as const, deadline: '2022-10-11' };
  it('sends when the record still shows the deadline open', () => {
    expect(noticeDecision(ctx, open, notice('urge'), notice('urge').at)).toEqual({ send: true });
  });
  it('skips a notice for an obligation already submitted or waived', () => {
    expect(noticeDecision(ctx, { ...open, status: 'submitted' }, notice('urge'), notice('urge').at)).toEqual({ send: false, reason: 'obligation is submitted' });
    expect(noticeDecision(ctx, { ...open, status: 'waived' }, notice('urge'), notice('urge').at)).toEqual({ send: false, reason: 'obligation is waived' });
  });
  it('skips a notice about a deadline that has since moved', () => {
    expect(noticeDecision(ctx, { ...open, deadline: '2022-10-20' }, notice('urge'), notice('urge').at)).toEqual({ send: false, reason: 'deadline is now 2022-10-20' });
  });
  it('skips a reminder delayed past its deadline day, but not one sent late on the day itself', () => {
    const reminder = schedule.filter((n) => n.action === 'reminder').pop()!;
    expect(noticeDecision(ctx, open, reminder, at('2022-10-11T23:59:00+08:00'))).toEqual({ send: true });
    expect(noticeDecision(ctx, open, reminder, at('2022-10-12T00:01:00+08:00'))).toEqual({ send: false, reason: 'reminder for 2022-10-11 is stale' });
  });
  it('still sends a delayed escalation', () => {
    expect(noticeDecision(ctx, open, notice('notice'), at('2022-11-30T10:00:00+08:00'))).toEqual({ send: true });
  });
});

describe('lateness and the last notice', () => {
  it('counts working days late on the day an instant falls, in the campaign zone', () => {
    expect(workingDaysLate(ctx, '2022-10-11', at('2022-10-11T23:59:00+08:00'))).toBe(0);
    expect(workingDaysLate(ctx, '2022-10-11', at('2022-10-12T00:01:00+08:00'))).toBe(1);
    // 10-15 and 10-16 are a weekend
    expect(workingDaysLate(ctx, '2022-10-11', at('2022-10-17T09:00:00+08:00'))).toBe(4);
  });
  it('knows when a deadline’s last notice goes out, or that none does', () => {
    expect(formatInstant(lastNoticeAt(ctx, '2022-10-11')!, ZONE)).toBe('2022-10-20T09:00:00+08:00');
    const silent: ScheduleContext = { ...ctx, policy: { ...DEFAULT_POLICY, remindBefore: [], escalate: { urge: null, notice: null, circulate: null, interview: null } } };
    expect(lastNoticeAt(silent, '2022-10-11')).toBeUndefined();
  });
});

describe('escalation', () => {
  it('ranks the ladder and never goes down', () => {
    expect(higherEscalation('none', 'urge')).toBe('urge');
    expect(higherEscalation('notice', 'urge')).toBe('notice');
    expect(higherEscalation('notice', 'interview')).toBe('interview');
    expect(higherEscalation('circulate', 'none')).toBe('circulate');
  });
  it('names the levels a step raises an obligation from', () => {
    expect(escalationsBelow('urge')).toEqual(['none']);
    expect(escalationsBelow('circulate')).toEqual(['none', 'urge', 'notice']);
  });
  it('raises the level for a delivered step only', () => {
    const state = initialState('2022-10-11', at('2022-10-08T10:00:00+08:00'));
    expect(markSent(state, notice('urge')).escalation).toBe('urge');
    const skipped = markSent(state, notice('urge'), false);
    expect(skipped.escalation).toBe('none');
    expect(skipped.sent).toEqual([notice('urge').key]);
  });
  it('sets the 督办通知 time limit on the last working day before the 通报', () => {
    // 通报 on 10-18 (Tue): the time limit is Monday 10-17
    expect(supervisionTimeLimit(ctx, notice('notice'))).toBe('2022-10-17');
    const noCirculation: ScheduleContext = { ...ctx, policy: { ...DEFAULT_POLICY, escalate: { urge: 1, notice: 3, circulate: null, interview: 7 } } };
    expect(supervisionTimeLimit(noCirculation, noticeSchedule(noCirculation, '2022-10-11').find((n) => n.action === 'notice')!)).toBe('2022-10-19');
    const lastStep: ScheduleContext = { ...ctx, policy: { ...DEFAULT_POLICY, escalate: { urge: 1, notice: 3, circulate: null, interview: null } } };
    expect(supervisionTimeLimit(lastStep, noticeSchedule(lastStep, '2022-10-11').find((n) => n.action === 'notice')!)).toBeUndefined();
  });
});

describe('where an obligation stands', () => {
  const base: StandingFacts = {
    status: 'open',
    due: '2022-10-11',
    originalDue: '2022-10-11',
    escalation: 'none',
    lateWorkingDays: null,
    extended: false,
    returned: false,
  };
  it('is open until the end of its deadline day, overdue after', () => {
    expect(standingOn(base, '2022-10-11')).toEqual({ state: 'open', label: '未到期', notes: [], summary: '未到期（截止 2022-10-11）' });
    expect(standingOn(base, '2022-10-12')).toEqual({ state: 'overdue', label: '逾期', notes: [], summary: '逾期（截止 2022-10-11），督办等级：尚未督办' });
    expect(standingOn({ ...base, escalation: 'interview' }, '2022-10-21').summary).toBe('逾期（截止 2022-10-11），督办等级：约谈通知');
  });
  it('tells a late submission, an extension and the level reached', () => {
    const facts: StandingFacts = { ...base, status: 'submitted', lateWorkingDays: 2, escalation: 'urge', extended: true, due: '2022-10-20' };
    expect(standingOn(facts, '2022-10-25')).toEqual({
      state: 'submitted',
      label: '已报送（逾期2个工作日）',
      notes: ['已延期（原截止 2022-10-11）', '曾达督办等级：提醒敦促函'],
      summary: '已报送（逾期2个工作日）；已延期（原截止 2022-10-11）；曾达督办等级：提醒敦促函',
    });
    expect(standingOn({ ...base, status: 'submitted', lateWorkingDays: 0 }, '2022-10-25').summary).toBe('已报送（按时）');
    expect(standingOn({ ...base, status: 'waived' }, '2022-10-25')).toMatchObject({ state: 'waived', label: '免报', summary: '免报' });
    expect(standingOn({ ...base, extended: true, returned: true, escalation: 'notice' }, '2022-10-10').summary).toBe(
      '未到期（截止 2022-10-11）；已延期（原截止 2022-10-11）；已退回',
    );
  });
});

describe('an action after the workflow has ended is judged from the record', () => {
  const record = { status: 'submitted' as const, deadline: '2022-10-11', opensAt: at('2022-10-08T10:00:00+08:00'), escalation: 'none' as const };
  it('refuses a second submission and a return after the window', () => {
    const state = stateFromRecord({ ...record, submittedAt: at('2022-10-11T10:00:00+08:00'), lateWorkingDays: 0 });
    expect(() => checkEvent(ctx, state, { kind: 'submit' }, at('2022-12-20T10:00:00+08:00'))).toThrow(
      expect.objectContaining({ code: 'ALREADY_SUBMITTED', message: '已于 2022-10-11 报送并接收，不能再次报送' }),
    );
    expect(() => checkEvent(ctx, state, { kind: 'return', to: '2022-12-30', reason: '不全' }, at('2022-12-20T10:00:00+08:00'))).toThrow(
      expect.objectContaining({ code: 'OBLIGATION_CLOSED', message: '退回修改的期限已于 2022-11-10 结束（接收后 30 天内可退回）' }),
    );
  });
  it('refuses anything on a waived obligation', () => {
    const state = stateFromRecord({ ...record, status: 'waived' });
    expect(() => checkEvent(ctx, state, { kind: 'submit' }, at('2022-12-20T10:00:00+08:00'))).toThrow(
      expect.objectContaining({ code: 'ALREADY_WAIVED', message: '已免报，不能报送' }),
    );
  });
});

describe('calendar coverage', () => {
  it('looks from the campaign’s start to past the last notice of a deadline', () => {
    expect(uncoveredYears(ctx, '2022-10-01', '2022-10-11')).toEqual([]);
    // the calendar was taken for 2022–2023; an interview after a deadline late in December 2023 falls in 2024
    expect(uncoveredYears(ctx, '2022-10-01', '2023-12-01')).toEqual([]);
    expect(uncoveredYears(ctx, '2022-10-01', '2023-12-22')).toEqual([2024]);
  });
  it('warns when an extension moves a deadline into an unknown year, and only then', () => {
    expect(newDeadlineCoverageWarning(ctx, '2023-11-30')).toBeUndefined();
    expect(newDeadlineCoverageWarning(ctx, '2024-03-15')).toContain('节假日日历不包含 2024 年');
  });
});

describe('launching', () => {
  it('launches at the start of the first stage unless told otherwise', () => {
    expect(formatInstant(defaultLaunchAt(LEIZHOU), ZONE)).toBe('2022-10-08T00:00:00+08:00');
  });
  it('names a launch whose every deadline and step has passed, and the flag that records it anyway', () => {
    expect(nothingToChase(compiled)).toBeUndefined();
    // launched on the day after the last interview: every deadline and every step of the ladder has passed
    const late = compileCampaign(LEIZHOU, at('2022-10-21T10:00:00+08:00'));
    const refusal = nothingToChase(late);
    expect(refusal).toBe(
      'leizhou-2022-assessment 的所有截止日期（最晚的是 2022-10-12）和督办的每一步都早于启动日 2022-10-21：' +
        '现在启动不会发出任何通知。请检查文件中的年份；如仍要登记，请加 --allow-past 启动',
    );
    // a launch after the deadlines but before the ladder is done still chases: not refused
    expect(nothingToChase(compileCampaign(LEIZHOU, at('2022-10-19T10:00:00+08:00')))).toBeUndefined();
  });
});
