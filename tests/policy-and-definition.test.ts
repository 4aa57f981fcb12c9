// The reminder/escalation policy and obligation state machine (domain/policy), the campaign
// definition parser (domain/definition) and compilation (domain/compile). Pure: no server, no clock.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WorkCalendar } from '../domain/calendar';
import { campaignCalendar, compileCampaign } from '../domain/compile';
import { type CampaignDefinition, parseCampaignDefinition } from '../domain/definition';
import { DubanError, type DubanErrorCode } from '../domain/errors';
import {
  DEFAULT_POLICY,
  type NoticePolicy,
  type ObligationEvent,
  type ObligationState,
  type ScheduleContext,
  applyEvent,
  checkEvent,
  initialState,
  markSent,
  nextNotice,
  noticeSchedule,
  returnWindowEnds,
} from '../domain/policy';
import { STATE_COUNCIL_YEARS, stateCouncilDays } from '../domain/state-council-calendar';
import { formatInstant, parseInstant } from '../domain/zoned-time';

const ZONE = 'Asia/Shanghai';
const LEIZHOU_FILE = 'examples/leizhou-2022-assessment.yaml';
const TAONAN_FILE = 'examples/taonan-2022-civil-affairs.yaml';
const LEIZHOU = readFileSync(new URL(`../${LEIZHOU_FILE}`, import.meta.url), 'utf8');
const TAONAN = readFileSync(new URL(`../${TAONAN_FILE}`, import.meta.url), 'utf8');

/** An instant written in China time (or with its own offset). */
const at = (iso: string): number => {
  const ms = parseInstant(iso, ZONE);
  if (ms === undefined) throw new Error(`bad test instant ${iso}`);
  return ms;
};
const fmt = (ms: number) => formatInstant(ms, ZONE);

const calendar: WorkCalendar = {
  ...stateCouncilDays(2022, 2023),
  knownYears: STATE_COUNCIL_YEARS.filter((y) => y === 2022 || y === 2023) as number[],
};
const ctxWith = (policy: NoticePolicy = DEFAULT_POLICY): ScheduleContext => ({ policy, calendar, timeZone: ZONE });
const ctx = ctxWith();

/** The schedule as "action time" lines, easy to read in a failure. */
const timeline = (deadline: string, c: ScheduleContext = ctx) => noticeSchedule(c, deadline).map((n) => `${n.action} ${fmt(n.at)}`);

/** Run the state machine to the end (no events): every notice it would send. */
function drain(c: ScheduleContext, state: ObligationState): { sent: string[]; state: ObligationState } {
  const sent: string[] = [];
  for (let next = nextNotice(c, state); next; next = nextNotice(c, state)) {
    sent.push(`${next.action} ${fmt(next.at)}`);
    state = markSent(state, next);
    if (sent.length > 50) throw new Error('nextNotice does not terminate');
  }
  return { sent, state };
}

function refusal(fn: () => unknown): DubanError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DubanError);
    return err as DubanError;
  }
  throw new Error('expected a DubanError, nothing was thrown');
}
const expectRefused = (fn: () => unknown, code: DubanErrorCode) => expect(refusal(fn).code).toBe(code);

// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('noticeSchedule', () => {
  it('default policy, deadline 2022-10-11: reminders 10-08/10-10/10-11, then urge, notice, circulate, interview', () => {
    expect(timeline('2022-10-11')).toEqual([
      'reminder 2022-10-08T09:00:00+08:00', // 3rd working day before: the 调休 Saturday
      'reminder 2022-10-10T09:00:00+08:00',
      'reminder 2022-10-11T09:00:00+08:00', // on the day
      'urge 2022-10-12T09:00:00+08:00',
      'notice 2022-10-14T09:00:00+08:00',
      'circulate 2022-10-18T09:00:00+08:00',
      'interview 2022-10-20T09:00:00+08:00',
    ]);
  });

  it('gives each notice a stable key and a reason in Chinese', () => {
    const s = noticeSchedule(ctx, '2022-10-11');
    expect(s.map((n) => n.key)).toEqual([
      '2022-10-11/reminder/2022-10-08',
      '2022-10-11/reminder/2022-10-10',
      '2022-10-11/reminder/2022-10-11',
      '2022-10-11/urge/2022-10-12',
      '2022-10-11/notice/2022-10-14',
      '2022-10-11/circulate/2022-10-18',
      '2022-10-11/interview/2022-10-20',
    ]);
    expect(s.every((n) => n.deadline === '2022-10-11')).toBe(true);
    expect(s[0].reason).toBe('截止日2022年10月11日前第3个工作日提醒');
    expect(s[2].reason).toBe('截止日2022年10月11日当天提醒');
    expect(s[3].reason).toBe('截止日2022年10月11日后第1个工作日仍未报送');
    expect(s[6].reason).toBe('截止日2022年10月11日后第7个工作日仍未报送');
  });

  it('sends no on-the-day reminder when the deadline is not a working day (2022-10-30, a Sunday)', () => {
    expect(timeline('2022-10-30')).toEqual([
      'reminder 2022-10-26T09:00:00+08:00',
      'reminder 2022-10-28T09:00:00+08:00',
      'urge 2022-10-31T09:00:00+08:00',
      'notice 2022-11-02T09:00:00+08:00',
      'circulate 2022-11-04T09:00:00+08:00',
      'interview 2022-11-08T09:00:00+08:00',
    ]);
  });

  it('sends identical instants once (remindBefore [1, 1])', () => {
    const s = noticeSchedule(ctxWith({ ...DEFAULT_POLICY, remindBefore: [1, 1] }), '2022-10-11');
    expect(s.filter((n) => n.action === 'reminder').map((n) => fmt(n.at))).toEqual(['2022-10-10T09:00:00+08:00']);
    expect(s).toHaveLength(5);
  });

  it('is in time order whatever order remindBefore lists', () => {
    const s = timeline('2022-10-11', ctxWith({ ...DEFAULT_POLICY, remindBefore: [0, 1, 3] }));
    expect(s.slice(0, 3)).toEqual([
      'reminder 2022-10-08T09:00:00+08:00',
      'reminder 2022-10-10T09:00:00+08:00',
      'reminder 2022-10-11T09:00:00+08:00',
    ]);
  });

  it('skips a disabled step (null) and uses sendAt', () => {
    const policy: NoticePolicy = { ...DEFAULT_POLICY, sendAt: '08:30', remindBefore: [], escalate: { urge: 1, notice: 3, circulate: null, interview: 10 } };
    expect(timeline('2022-10-11', ctxWith(policy))).toEqual([
      'urge 2022-10-12T08:30:00+08:00',
      'notice 2022-10-14T08:30:00+08:00',
      'interview 2022-10-25T08:30:00+08:00',
    ]);
  });

  it('counts over the National Day holiday (deadline 2022-09-30)', () => {
    expect(timeline('2022-09-30')).toEqual([
      'reminder 2022-09-27T09:00:00+08:00',
      'reminder 2022-09-29T09:00:00+08:00',
      'reminder 2022-09-30T09:00:00+08:00',
      'urge 2022-10-08T09:00:00+08:00',
      'notice 2022-10-10T09:00:00+08:00',
      'circulate 2022-10-12T09:00:00+08:00',
      'interview 2022-10-14T09:00:00+08:00',
    ]);
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('nextNotice and markSent', () => {
  it('respects notBefore: launched 2022-10-08 10:00, the 10-08 09:00 reminder is skipped', () => {
    const state = initialState('2022-10-11', at('2022-10-08T10:00:00+08:00'));
    const next = nextNotice(ctx, state);
    expect(next?.action).toBe('reminder');
    expect(fmt(next!.at)).toBe('2022-10-10T09:00:00+08:00');
  });

  it('includes a notice exactly at notBefore', () => {
    const next = nextNotice(ctx, initialState('2022-10-11', at('2022-10-08T09:00:00+08:00')));
    expect(fmt(next!.at)).toBe('2022-10-08T09:00:00+08:00');
  });

  it('seed 000: a department due 10-11, launched 10-08 10:00, is chased to the interview', () => {
    const { sent, state } = drain(ctx, initialState('2022-10-11', at('2022-10-08T10:00:00+08:00')));
    expect(sent).toEqual([
      'reminder 2022-10-10T09:00:00+08:00',
      'reminder 2022-10-11T09:00:00+08:00',
      'urge 2022-10-12T09:00:00+08:00',
      'notice 2022-10-14T09:00:00+08:00',
      'circulate 2022-10-18T09:00:00+08:00',
      'interview 2022-10-20T09:00:00+08:00',
    ]);
    expect(state.escalation).toBe('interview');
    expect(state.sent).toHaveLength(6);
  });

  it('markSent raises the escalation level only for ladder steps, never lowers it', () => {
    const s = noticeSchedule(ctx, '2022-10-11');
    let state = initialState('2022-10-11', 0);
    state = markSent(state, s[0]);
    expect(state.escalation).toBe('none');
    state = markSent(state, s.find((n) => n.action === 'notice')!);
    expect(state.escalation).toBe('notice');
    state = markSent(state, s.find((n) => n.action === 'urge')!);
    expect(state.escalation).toBe('notice');
    expect(state.sent).toEqual([s[0].key, '2022-10-11/notice/2022-10-14', '2022-10-11/urge/2022-10-12']);
  });

  it('nothing more is sent once submitted or waived', () => {
    const open = initialState('2022-10-11', at('2022-10-08T10:00:00+08:00'));
    const submitted = applyEvent(ctx, open, { kind: 'submit' }, at('2022-10-10T15:00:00+08:00'));
    const waived = applyEvent(ctx, open, { kind: 'waive', reason: '不涉及' }, at('2022-10-10T15:00:00+08:00'));
    expect(nextNotice(ctx, open)).toBeDefined();
    expect(nextNotice(ctx, submitted)).toBeUndefined();
    expect(nextNotice(ctx, waived)).toBeUndefined();
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('checkEvent refusals', () => {
  const open = initialState('2022-10-11', at('2022-10-08T10:00:00+08:00'));
  const submitted = applyEvent(ctx, open, { kind: 'submit' }, at('2022-10-11T15:00:00+08:00'));
  const waived = applyEvent(ctx, open, { kind: 'waive', reason: '不涉及' }, at('2022-10-11T15:00:00+08:00'));
  const check = (state: ObligationState, event: ObligationEvent, now: string) => () => checkEvent(ctx, state, event, at(now));

  it('accepts the ordinary events', () => {
    expect(check(open, { kind: 'submit' }, '2022-10-11T15:00')).not.toThrow();
    expect(check(open, { kind: 'extend', to: '2022-10-20', reason: '假期' }, '2022-10-10T16:00')).not.toThrow();
    expect(check(open, { kind: 'waive', reason: '不涉及' }, '2022-10-10T16:00')).not.toThrow();
    expect(check(submitted, { kind: 'return', to: '2022-10-14', reason: '数据不全' }, '2022-10-12T10:00')).not.toThrow();
  });

  it('submit twice → ALREADY_SUBMITTED', () => {
    expectRefused(check(submitted, { kind: 'submit' }, '2022-10-12T10:00'), 'ALREADY_SUBMITTED');
    expect(refusal(check(submitted, { kind: 'submit' }, '2022-10-12T10:00')).message).toBe('已于 2022-10-11 报送并接收，不能再次报送');
  });

  it('extend or waive a submitted obligation → ALREADY_SUBMITTED; act on a waived one → ALREADY_WAIVED', () => {
    expectRefused(check(submitted, { kind: 'extend', to: '2022-10-20', reason: 'x' }, '2022-10-12T10:00'), 'ALREADY_SUBMITTED');
    expectRefused(check(submitted, { kind: 'waive', reason: 'x' }, '2022-10-12T10:00'), 'ALREADY_SUBMITTED');
    expectRefused(check(waived, { kind: 'submit' }, '2022-10-12T10:00'), 'ALREADY_WAIVED');
    expectRefused(check(waived, { kind: 'waive', reason: 'x' }, '2022-10-12T10:00'), 'ALREADY_WAIVED');
    expect(refusal(check(submitted, { kind: 'extend', to: '2022-10-20', reason: 'x' }, '2022-10-12T10:00')).message).toBe('已于 2022-10-11 报送并接收，不能延期');
    expect(refusal(check(waived, { kind: 'waive', reason: 'x' }, '2022-10-12T10:00')).message).toBe('已免报，不能再次免报');
  });

  it('extend to a past date → DATE_IN_PAST (even when it is later than the deadline)', () => {
    expectRefused(check(open, { kind: 'extend', to: '2022-10-13', reason: '假期' }, '2022-10-14T10:00'), 'DATE_IN_PAST');
    expect(refusal(check(open, { kind: 'extend', to: '2022-10-13', reason: '假期' }, '2022-10-14T10:00')).message).toBe(
      '截止日期 --to 2022-10-13 已过（今天是 2022-10-14）',
    );
    // Today itself is not in the past.
    expect(check(open, { kind: 'extend', to: '2022-10-14', reason: '假期' }, '2022-10-14T10:00')).not.toThrow();
  });

  it('"today" is the campaign-zone date, not the UTC date', () => {
    // 2022-10-14 00:30 in China is still 10-13 in UTC: 10-13 is already past.
    expectRefused(check(open, { kind: 'extend', to: '2022-10-13', reason: '假期' }, '2022-10-14T00:30:00+08:00'), 'DATE_IN_PAST');
  });

  it('extend to a date not later than the deadline → DATE_NOT_LATER', () => {
    expectRefused(check(open, { kind: 'extend', to: '2022-10-11', reason: '假期' }, '2022-10-09T10:00'), 'DATE_NOT_LATER');
    expectRefused(check(open, { kind: 'extend', to: '2022-10-10', reason: '假期' }, '2022-10-09T10:00'), 'DATE_NOT_LATER');
    expect(refusal(check(open, { kind: 'extend', to: '2022-10-10', reason: '假期' }, '2022-10-09T10:00')).message).toBe(
      '新的截止日期 --to 2022-10-10 不晚于当前截止日期 2022-10-11',
    );
  });

  it('return of an open obligation → NOT_SUBMITTED', () => {
    expectRefused(check(open, { kind: 'return', to: '2022-10-20', reason: '数据不全' }, '2022-10-12T10:00'), 'NOT_SUBMITTED');
    expectRefused(check(waived, { kind: 'return', to: '2022-10-20', reason: '数据不全' }, '2022-10-12T10:00'), 'NOT_SUBMITTED');
    expect(refusal(check(open, { kind: 'return', to: '2022-10-20', reason: '数据不全' }, '2022-10-12T10:00')).message).toBe('只能退回已报送的事项；此事项尚未报送');
    expect(refusal(check(waived, { kind: 'return', to: '2022-10-20', reason: '数据不全' }, '2022-10-12T10:00')).message).toBe('只能退回已报送的事项；此事项已免报');
  });

  it('extend, return or waive without a reason → INVALID_ARGUMENT', () => {
    expectRefused(check(open, { kind: 'extend', to: '2022-10-20', reason: '' }, '2022-10-10T10:00'), 'INVALID_ARGUMENT');
    expectRefused(check(open, { kind: 'extend', to: '2022-10-20', reason: '   ' }, '2022-10-10T10:00'), 'INVALID_ARGUMENT');
    expectRefused(check(open, { kind: 'waive', reason: '' }, '2022-10-10T10:00'), 'INVALID_ARGUMENT');
    expectRefused(check(submitted, { kind: 'return', to: '2022-10-20', reason: '' }, '2022-10-12T10:00'), 'INVALID_ARGUMENT');
    expect(refusal(check(open, { kind: 'waive', reason: '' }, '2022-10-10T10:00')).message).toBe('免报须用 --reason 说明理由');
  });

  it('a malformed --to date → INVALID_ARGUMENT', () => {
    expectRefused(check(open, { kind: 'extend', to: '2022-10-32', reason: '假期' }, '2022-10-10T10:00'), 'INVALID_ARGUMENT');
    expectRefused(check(submitted, { kind: 'return', to: '10/20', reason: '数据不全' }, '2022-10-12T10:00'), 'INVALID_ARGUMENT');
    expect(refusal(check(submitted, { kind: 'return', to: '10/20', reason: '数据不全' }, '2022-10-12T10:00')).message).toBe('--to 应为 YYYY-MM-DD 格式的日期，实际为“10/20”');
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('applyEvent', () => {
  it('submit records the time and the working days late', () => {
    const open = initialState('2022-10-11', 0);
    const onTime = applyEvent(ctx, open, { kind: 'submit' }, at('2022-10-11T23:59'));
    expect(onTime).toMatchObject({ status: 'submitted', closedAt: at('2022-10-11T23:59'), lateWorkingDays: 0 });
    expect(applyEvent(ctx, open, { kind: 'submit' }, at('2022-10-13T11:00')).lateWorkingDays).toBe(2);
    // Lateness is counted on the campaign-zone date: 00:30 on 10-12 in China is 10-11 in UTC.
    expect(applyEvent(ctx, open, { kind: 'submit' }, Date.UTC(2022, 9, 11, 16, 30)).lateWorkingDays).toBe(1);
    const overHoliday = initialState('2022-09-30', 0);
    expect(applyEvent(ctx, overHoliday, { kind: 'submit' }, at('2022-10-08T10:00')).lateWorkingDays).toBe(1);
  });

  it('extension keeps the escalation level but moves the deadline and restarts the schedule', () => {
    let state = initialState('2022-10-11', at('2022-10-08T10:00'));
    // Chased up to the urging letter on 10-12 09:00.
    for (let i = 0; i < 3; i++) state = markSent(state, nextNotice(ctx, state)!);
    expect(state.escalation).toBe('urge');
    const now = at('2022-10-12T15:00');
    const event: ObligationEvent = { kind: 'extend', to: '2022-10-20', reason: '国庆假期后集中报送' };
    checkEvent(ctx, state, event, now);
    const extended = applyEvent(ctx, state, event, now);
    expect(extended).toMatchObject({ status: 'open', deadline: '2022-10-20', notBefore: now, escalation: 'urge' });
    expect(extended.sent).toEqual(state.sent);
    // The whole schedule of the new deadline follows, nothing of the old one.
    expect(drain(ctx, extended).sent).toEqual([
      'reminder 2022-10-17T09:00:00+08:00',
      'reminder 2022-10-19T09:00:00+08:00',
      'reminder 2022-10-20T09:00:00+08:00',
      'urge 2022-10-21T09:00:00+08:00',
      'notice 2022-10-25T09:00:00+08:00',
      'circulate 2022-10-27T09:00:00+08:00',
      'interview 2022-10-31T09:00:00+08:00',
    ]);
  });

  it('return reopens a submission with a new deadline and clears the closing record', () => {
    const open = initialState('2022-10-11', at('2022-10-08T10:00'));
    const submitted = applyEvent(ctx, open, { kind: 'submit' }, at('2022-10-11T10:00'));
    expect(returnWindowEnds(ctx, submitted)).toBe(at('2022-10-11T10:00') + 30 * 86_400_000);
    const returned = applyEvent(ctx, submitted, { kind: 'return', to: '2022-10-14', reason: '统计表数据不完整' }, at('2022-10-12T10:00'));
    expect(returned).toMatchObject({ status: 'open', deadline: '2022-10-14', notBefore: at('2022-10-12T10:00') });
    expect(returned.closedAt).toBeUndefined();
    expect(returned.lateWorkingDays).toBeUndefined();
    expect(returnWindowEnds(ctx, returned)).toBeUndefined();
    const next = nextNotice(ctx, returned)!;
    expect(`${next.action} ${fmt(next.at)}`).toBe('reminder 2022-10-13T09:00:00+08:00');
  });

  it('waive closes the obligation', () => {
    const waived = applyEvent(ctx, initialState('2022-10-11', 0), { kind: 'waive', reason: '不涉及' }, at('2022-10-12T16:00'));
    expect(waived).toMatchObject({ status: 'waived', closedAt: at('2022-10-12T16:00') });
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Definition files

/** 1-based number of the first line containing `needle` (after `from`, when given). */
function lineOf(text: string, needle: string, from = 0): number {
  const offset = text.indexOf(needle, from);
  if (offset < 0) throw new Error(`test setup: ${JSON.stringify(needle)} not in text`);
  return text.slice(0, offset).split('\n').length;
}
/** 1-based column of `needle` on its line. */
function columnOf(text: string, needle: string): number {
  const offset = text.indexOf(needle);
  return offset - text.lastIndexOf('\n', offset - 1);
}
/** Replace exactly one occurrence; fail the setup when the example text changed. */
function edit(text: string, from: string, to: string): string {
  const first = text.indexOf(from);
  if (first < 0 || text.indexOf(from, first + 1) >= 0) throw new Error(`test setup: ${JSON.stringify(from)} must occur exactly once`);
  return text.replace(from, to);
}

interface Issue {
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
}
const ISSUE_RE = /^(.+?)：第(\d+)行第(\d+)列：([^：]+)：(.+)$/;

function issues(text: string, file = 'bad.yaml'): Issue[] {
  const err = refusal(() => parseCampaignDefinition(text, file));
  expect(err.code).toBe('INVALID_DEFINITION');
  expect(err.details.length).toBeGreaterThan(0);
  return err.details.map((d) => {
    const m = ISSUE_RE.exec(d);
    expect(m, `detail line ${JSON.stringify(d)} is not FILE：第LINE行第COL列：FIELD：message`).not.toBeNull();
    return { file: m![1], line: Number(m![2]), column: Number(m![3]), field: m![4], message: m![5] };
  });
}

describe('parseCampaignDefinition: the examples', () => {
  it('parses the 雷州 2022 assessment (seed 000)', () => {
    const def = parseCampaignDefinition(LEIZHOU, LEIZHOU_FILE);
    expect(def.id).toBe('leizhou-2022-assessment');
    expect(def.office).toEqual({ name: '雷州市安全生产委员会办公室', email: 'anweiban@leizhou.example' });
    expect(def.timeZone).toBe('Asia/Shanghai');
    expect(def.calendar).toEqual({ holidays: [], workdays: [], years: [] });
    expect(def.policy).toEqual({ ...DEFAULT_POLICY, signOff: [] }); // the 2022 examples were not signed off in duban
    expect(def.units).toHaveLength(26);
    expect(def.units.filter((u) => u.type === 'lead_department')).toHaveLength(6);
    expect(def.units.filter((u) => u.type === 'department')).toHaveLength(12);
    expect(def.units.filter((u) => u.type === 'town')).toHaveLength(8);
    expect(def.units.find((u) => u.id === 'jiaoyu')).toEqual({
      id: 'jiaoyu',
      name: '市教育局',
      type: 'department',
      email: 'jiaoyu@leizhou.example',
      principal: { name: '市教育局主要负责人', email: 'jiaoyu.head@leizhou.example' },
      reportsTo: ['yingji'],
    });
    expect(def.units.find((u) => u.id === 'zhujian')!.reportsTo).toEqual([]);
    expect(def.stages).toEqual([{ id: 'assessment', name: '总结评估', start: '2022-10-08', end: '2022-10-12' }]);
    expect(def.deliverables).toHaveLength(1);
    expect(def.deliverables[0]).toMatchObject({
      id: 'assessment-report',
      stage: 'assessment',
      owedBy: ['town', 'lead_department', 'department'],
      due: '2022-10-12',
      dueFor: { department: '2022-10-11' },
      submitTo: ['office', 'lead_departments'],
      policy: { ...DEFAULT_POLICY, signOff: [] },
    });
  });

  it('parses the 洮南 2022 civil-affairs campaign (seed 002)', () => {
    const def = parseCampaignDefinition(TAONAN, TAONAN_FILE);
    expect(def.id).toBe('taonan-2022-civil-affairs');
    expect(def.units).toHaveLength(8);
    expect(def.stages.map((s) => s.id)).toEqual(['mobilise', 'investigate', 'rectify', 'assess', 'institutionalise']);
    const d = Object.fromEntries(def.deliverables.map((x) => [x.id, x]));
    expect(d['work-plan'].due).toBe('2022-08-26');
    expect(d['hazard-list'].due).toBe('2022-09-05'); // no due: the stage's end
    expect(d['hazard-list'].submitTo).toEqual(['office']); // the default
    expect(d['hazard-list'].policy).toEqual({ ...DEFAULT_POLICY, signOff: [] });
    // A deliverable's policy overrides the campaign policy field by field.
    expect(d['standing-rules'].policy).toEqual({ ...DEFAULT_POLICY, signOff: [], escalate: { urge: 1, notice: 3, circulate: null, interview: 10 } });
  });
});

describe('parseCampaignDefinition: bad input names file, line, column and field', () => {
  it('malformed YAML', () => {
    const bad = edit(LEIZHOU, '    name: 市教育局\n', '    name: 市教育局: 局\n');
    const found = issues(bad);
    expect(found[0]).toMatchObject({ file: 'bad.yaml', field: '(yaml)', line: lineOf(bad, '市教育局: 局') });
  });

  it('a duplicate key is a YAML error on its line', () => {
    const bad = edit(LEIZHOU, '    name: 市教育局\n', '    name: 市教育局\n    name: 教育局\n');
    const found = issues(bad);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ field: '(yaml)', line: lineOf(bad, 'name: 教育局') });
  });

  it('an unclosed double quote is reported where it opens, not at the end of the file', () => {
    const bad = edit(LEIZHOU, '  title: 雷州', '  title: "雷州');
    expect(lineOf(bad, '"雷州')).toBe(6);
    expect(issues(bad)).toEqual([
      { file: 'bad.yaml', line: 6, column: columnOf(bad, '"雷州'), field: '(yaml)', message: '从此处开始的带引号字符串没有结束（缺少结尾的 "）' },
    ]);
  });

  it('an unclosed single quote likewise', () => {
    const bad = edit(LEIZHOU, '  title: 雷州', "  title: '雷州");
    expect(issues(bad)).toEqual([
      { file: 'bad.yaml', line: 6, column: columnOf(bad, "'雷州"), field: '(yaml)', message: "从此处开始的带引号字符串没有结束（缺少结尾的 '）" },
    ]);
  });

  it('an unclosed quote inside a flow mapping, with a closed quote further down the file', () => {
    const bad = edit(TAONAN, 'escalate: { urge: 1, notice: 3, circulate: 5', 'escalate: { urge: 1, notice: "3, circulate: 5');
    expect(issues(bad)[0]).toEqual({
      file: 'bad.yaml',
      line: lineOf(bad, 'notice: "3'),
      column: columnOf(bad, '"3, circulate'),
      field: '(yaml)',
      message: '从此处开始的带引号字符串没有结束（缺少结尾的 "）',
    });
  });

  it('other YAML errors stay where the parser reports them, even right after a closed quote', () => {
    const duplicate = edit(LEIZHOU, '    name: 市教育局\n', '    name: 市教育局\n    name: 教育局\n');
    expect(issues(duplicate)).toEqual([
      { file: 'bad.yaml', line: lineOf(duplicate, 'name: 教育局'), column: 5, field: '(yaml)', message: '同一映射中的键重复（键必须唯一）' },
    ]);
    const comment = edit(LEIZHOU, '  title: 雷州市安全生产专项整治三年行动总结评估\n', '  title: "雷州市安全生产专项整治三年行动总结评估"#备注\n');
    expect(issues(comment)).toEqual([
      { file: 'bad.yaml', line: 6, column: columnOf(comment, '#备注'), field: '(yaml)', message: '注释符号 # 前须有空格' },
    ]);
  });

  it('an unknown unit type', () => {
    const bad = edit(LEIZHOU, '    type: town\n    email: xihu@', '    type: village\n    email: xihu@');
    expect(issues(bad)).toEqual([
      {
        file: 'bad.yaml',
        line: lineOf(bad, 'type: village'),
        column: columnOf(bad, 'village'),
        field: 'units[20].type',
        message: '未知的单位类型“village”（应为 town、lead_department、department 之一）',
      },
    ]);
  });

  it('a deadline outside its stage (dueFor and due)', () => {
    const late = edit(LEIZHOU, 'department: 2022-10-11', 'department: 2022-10-13');
    expect(issues(late)).toEqual([
      expect.objectContaining({
        line: lineOf(late, 'department: 2022-10-13'),
        field: 'deliverables[0].dueFor.department',
        message: '截止日期 2022-10-13 不在阶段 assessment（2022-10-08 至 2022-10-12）之内',
      }),
    ]);
    const early = edit(LEIZHOU, 'due: 2022-10-12', 'due: 2022-10-07');
    expect(issues(early)).toEqual([
      expect.objectContaining({ line: lineOf(early, 'due: 2022-10-07'), field: 'deliverables[0].due', message: expect.stringContaining('不在阶段 assessment') }),
    ]);
  });

  it('a duplicate unit id, at the second one', () => {
    const bad = edit(LEIZHOU, '  - id: gongan\n', '  - id: jiaoyu\n');
    const first = lineOf(bad, '- id: jiaoyu');
    expect(issues(bad)).toEqual([
      expect.objectContaining({
        line: lineOf(bad, '- id: jiaoyu', bad.indexOf('- id: jiaoyu') + 1),
        field: 'units[7].id',
        message: '单位 id “jiaoyu”重复（第一次出现在 units[6]）',
      }),
    ]);
    expect(lineOf(bad, '- id: jiaoyu', bad.indexOf('- id: jiaoyu') + 1)).toBeGreaterThan(first);
  });

  it('a missing e-mail, at the unit that lacks it', () => {
    const bad = edit(LEIZHOU, '    email: shuiwu@leizhou.example\n', '');
    expect(issues(bad)).toEqual([expect.objectContaining({ line: lineOf(bad, '- id: shuiwu'), field: 'units[10].email', message: '必须填写' })]);
  });

  it('an e-mail that is not one', () => {
    const bad = edit(LEIZHOU, 'email: shuiwu@leizhou.example', 'email: shuiwu');
    expect(issues(bad)).toEqual([expect.objectContaining({ line: lineOf(bad, 'email: shuiwu\n'), field: 'units[10].email', message: '“shuiwu”不是电子邮件地址' })]);
  });

  it('an unknown field (in a unit, at the top level, in a policy)', () => {
    const inUnit = edit(LEIZHOU, '    email: shuiwu@leizhou.example\n', '    email: shuiwu@leizhou.example\n    phone: 0759-1234567\n');
    expect(issues(inUnit)).toEqual([
      expect.objectContaining({
        line: lineOf(inUnit, 'phone: 0759'),
        field: 'units[10].phone',
        message: '未知字段（应为以下之一：id、name、type、email、principal、principals、reportsTo、webhooks）',
      }),
    ]);
    const topLevel = `${LEIZHOU}\nnotes: 备注\n`;
    expect(issues(topLevel)).toEqual([expect.objectContaining({ line: lineOf(topLevel, 'notes:'), field: 'notes' })]);
    const inPolicy = edit(TAONAN, '  sendAt: "09:00"\n', '  sendAt: "09:00"\n  sendOn: weekdays\n');
    expect(issues(inPolicy)).toEqual([expect.objectContaining({ line: lineOf(inPolicy, 'sendOn:'), field: 'policy.sendOn' })]);
  });

  it('reportsTo naming a unit that is not a lead department', () => {
    const bad = edit(LEIZHOU, 'reportsTo: [nongye]\n  - id: wenlv', 'reportsTo: [jiaoyu]\n  - id: wenlv');
    expect(issues(bad)).toEqual([
      expect.objectContaining({
        line: lineOf(bad, 'reportsTo: [jiaoyu]'),
        column: columnOf(bad, 'jiaoyu]'),
        field: 'units[10].reportsTo[0]',
        message: '“jiaoyu”是 department，不是 lead_department（牵头部门）',
      }),
    ]);
    const unknown = edit(LEIZHOU, 'reportsTo: [nongye]\n  - id: wenlv', 'reportsTo: [nobody]\n  - id: wenlv');
    expect(issues(unknown)).toEqual([
      expect.objectContaining({ line: lineOf(unknown, 'reportsTo: [nobody]'), field: 'units[10].reportsTo[0]', message: '未知单位“nobody”' }),
    ]);
  });

  it('an escalation ladder out of order (campaign policy and deliverable policy)', () => {
    const bad = edit(TAONAN, 'escalate: { urge: 1, notice: 3, circulate: 5, interview: 7 }', 'escalate: { urge: 1, notice: 5, circulate: 3, interview: 7 }');
    expect(issues(bad)).toEqual([
      expect.objectContaining({
        line: lineOf(bad, 'escalate: { urge: 1, notice: 5'),
        column: columnOf(bad, 'circulate: 3') + 'circulate: '.length,
        field: 'policy.escalate.circulate',
        message: '须晚于前一级（截止后第5个工作日），实际为 3',
      }),
    ]);
    const inDeliverable = edit(TAONAN, 'circulate: null, interview: 10', 'circulate: null, interview: 2');
    expect(issues(inDeliverable)).toEqual([
      expect.objectContaining({ line: lineOf(inDeliverable, 'interview: 2 }'), field: 'deliverables[4].policy.escalate.interview' }),
    ]);
  });

  it('more refusals: unknown stage, bad date, bad time zone, bad sendAt, owedBy nobody', () => {
    const stage = edit(LEIZHOU, '    stage: assessment\n', '    stage: assess\n');
    expect(issues(stage)).toEqual([expect.objectContaining({ line: lineOf(stage, 'stage: assess\n'), field: 'deliverables[0].stage', message: '未知阶段“assess”' })]);
    const date = edit(LEIZHOU, 'end: 2022-10-12', 'end: 2022-10-32');
    expect(issues(date)).toEqual([expect.objectContaining({ line: lineOf(date, 'end: 2022-10-32'), field: 'stages[0].end' })]);
    const zone = edit(LEIZHOU, 'timeZone: Asia/Shanghai', 'timeZone: China/Beijing');
    expect(issues(zone)).toEqual([expect.objectContaining({ line: lineOf(zone, 'timeZone:'), field: 'campaign.timeZone' })]);
    const sendAt = edit(TAONAN, 'sendAt: "09:00"', 'sendAt: "9am"');
    expect(issues(sendAt)).toEqual([expect.objectContaining({ line: lineOf(sendAt, 'sendAt:'), field: 'policy.sendAt' })]);
    const owner = edit(LEIZHOU, 'owedBy: [town, lead_department, department]', 'owedBy: [town, village]');
    expect(issues(owner)).toEqual([expect.objectContaining({ line: lineOf(owner, 'owedBy:'), field: 'deliverables[0].owedBy[1]' })]);
  });

  it('lists every problem, not only the first', () => {
    const bad = edit(edit(LEIZHOU, '    type: town\n    email: xihu@', '    type: village\n    email: xihu@'), 'due: 2022-10-12', 'due: 2022-10-07');
    expect(issues(bad).map((i) => i.field)).toEqual(['units[20].type', 'deliverables[0].due']);
  });

  it('an invalid date under campaign.calendar is refused too', () => {
    const bad = edit(LEIZHOU, '  timeZone: Asia/Shanghai\n', '  timeZone: Asia/Shanghai\n  calendar:\n    holidays: [2022-02-30]\n');
    expect(issues(bad)).toEqual([expect.objectContaining({ line: lineOf(bad, 'holidays: [2022-02-30]'), field: 'campaign.calendar.holidays[0]' })]);
  });

  it('a campaign without stages is refused (compileCampaign needs at least one)', () => {
    const text = [
      'campaign:',
      '  id: empty',
      '  title: 空行动',
      '  office: { name: 安委办, email: office@test.example }',
      'units:',
      '  - { id: u1, name: 单位一, type: town, email: u1@test.example, principal: { name: 负责人, email: u1.head@test.example } }',
      'stages: []',
      'deliverables: []',
      '',
    ].join('\n');
    const found = issues(text);
    expect(found.map((i) => i.field)).toEqual(expect.arrayContaining(['stages']));
    expect(found.find((i) => i.field === 'stages')!.line).toBe(lineOf(text, 'stages: []'));
  });

  it('a file that is not a mapping', () => {
    expect(issues('- just\n- a list\n')).toEqual([expect.objectContaining({ line: 1, field: '（顶层）' })]);
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('compileCampaign', () => {
  const launch = at('2022-10-08T10:00:00+08:00');
  const leizhou = parseCampaignDefinition(LEIZHOU, LEIZHOU_FILE);

  it('雷州: 26 obligations; departments due 10-11, towns and lead departments 10-12; opened at launch', () => {
    const c = compileCampaign(leizhou, launch);
    expect(c.obligations).toHaveLength(26);
    expect(c.launchAt).toBe(launch);
    expect(c.warnings).toEqual([]);
    for (const o of c.obligations) {
      const unit = leizhou.units.find((u) => u.id === o.unitId)!;
      expect(o.due, o.unitId).toBe(unit.type === 'department' ? '2022-10-11' : '2022-10-12');
      expect(o.opensAt).toBe(launch);
      expect(o).toMatchObject({ deliverableId: 'assessment-report', stageId: 'assessment' });
    }
    expect(c.obligations.filter((o) => o.due === '2022-10-11')).toHaveLength(12);
    expect(new Set(c.obligations.map((o) => o.unitId)).size).toBe(26);
    expect(c.calendar).toEqual(campaignCalendar(leizhou));
  });

  it('opens at the stage start when launched before it', () => {
    const early = compileCampaign(leizhou, at('2022-10-07T12:00'));
    expect(early.obligations.every((o) => o.opensAt === at('2022-10-08T00:00'))).toBe(true);
  });

  it('dueFor by unit id wins over dueFor by type; owedBy can name a unit', () => {
    const text = edit(edit(LEIZHOU, '      department: 2022-10-11\n', '      department: 2022-10-11\n      jiaoyu: 2022-10-12\n      leicheng: 2022-10-10\n'), 'owedBy: [town, lead_department, department]', 'owedBy: [department, leicheng]');
    const c = compileCampaign(parseCampaignDefinition(text, 'x.yaml'), launch);
    expect(c.obligations).toHaveLength(13);
    const due = Object.fromEntries(c.obligations.map((o) => [o.unitId, o.due]));
    expect(due.jiaoyu).toBe('2022-10-12');
    expect(due.gongan).toBe('2022-10-11');
    expect(due.leicheng).toBe('2022-10-10');
    expect(due.zhujian).toBeUndefined();
  });

  const small = (stage: string, calendar = '') =>
    [
      'campaign:',
      '  id: future',
      '  title: 明年的行动',
      '  office: { name: 安委办, email: office@test.example }',
      ...(calendar ? ['  calendar:', calendar] : []),
      'units:',
      '  - { id: u1, name: 单位一, type: town, email: u1@test.example, principal: { name: 负责人, email: u1.head@test.example } }',
      'stages:',
      `  - { id: s1, name: 排查, ${stage} }`,
      'deliverables:',
      '  - { id: d1, name: 排查清单, stage: s1, owedBy: [town] }',
      '',
    ].join('\n');

  it('a campaign with a stage in 2027 yields a warning naming 2027', () => {
    const def = parseCampaignDefinition(small('start: 2027-03-01, end: 2027-03-31'), 'future.yaml');
    const c = compileCampaign(def, at('2027-02-20T10:00'));
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toContain('节假日日历不包含 2027 年');
    expect(c.warnings[0]).toContain('campaign.calendar');
  });

  it('no warning once the campaign lists 2027 itself', () => {
    const def = parseCampaignDefinition(small('start: 2027-03-01, end: 2027-03-31', '    holidays: [2027-04-05]\n    years: [2027, 2028]'), 'future.yaml');
    expect(compileCampaign(def, at('2027-02-20T10:00')).warnings).toEqual([]);
  });

  it('launching in December for a January stage warns about nothing the data covers', () => {
    // 2025 and 2026 are both in the bundled data: the launch year must not be reported missing.
    const def = parseCampaignDefinition(small('start: 2026-01-05, end: 2026-01-30'), 'next-year.yaml');
    expect(compileCampaign(def, at('2025-12-20T10:00')).warnings).toEqual([]);
  });
});

describe('a deliverable nobody owes', () => {
  it('is rejected naming the owedBy field', () => {
    const text = readFileSync('examples/taonan-2022-civil-affairs.yaml', 'utf8').replace(
      '    owedBy: [department, town]\n    due: 2022-08-26',
      '    owedBy: [lead_department]\n    due: 2022-08-26',
    );
    const line = text.split('\n').findIndex((l) => l.includes('owedBy: [lead_department]')) + 1;
    expect(line).toBeGreaterThan(0);
    const err = refusal(() => parseCampaignDefinition(text, 'nobody.yaml'));
    expect(err.details).toContainEqual(expect.stringMatching(new RegExp(`^nobody\\.yaml：第${line}行第\\d+列：deliverables\\[0\\]\\.owedBy：专项行动中没有单位需要报送此事项`)));
  });
});
