// The hazard (隐患) of the 整改台账 as pure functions: its facts, every state × every event (allowed, or refused with
// the reason), the evidence each step needs, the 五到位, the acceptor who is not the responsible person, a failed
// 验收 and 重新整改 keeping every round, the 时限 moved only by 延期, working days on the State Council calendar
// (a 时限 on a holiday), and 挂牌督办 from 挂牌 to 摘牌 with each refusal.
import { describe, expect, it } from 'vitest';
import type { WorkCalendar } from '../domain/calendar';
import { DubanError, type DubanErrorCode } from '../domain/errors';
import {
  DEFAULT_HAZARD_POLICY,
  type FileRef,
  HAZARD_EVENT_KINDS,
  HAZARD_STATUSES,
  type Hazard,
  type HazardContext,
  type HazardEvent,
  type HazardEventKind,
  type HazardListing,
  type HazardState,
  type HazardStatus,
  type HazardUnit,
  type ListingEvent,
  acceptanceDeadline,
  acceptanceDue,
  applyHazardEvent,
  applyListingEvent,
  checkHazard,
  checkHazardEvent,
  checkListingEvent,
  checkNewListing,
  fiveInPlaceGaps,
  hazardFactProblems,
  hazardNoticeSchedule,
  hazardOverdueWorkingDays,
  listingExtensionEvent,
  listingLabel,
  newHazardState,
  newListing,
  pendingListingExtension,
  unsignedOrder,
  workingDaysSince,
} from '../domain/hazards';
import { stateCouncilDays } from '../domain/state-council-calendar';
import { formatInstant, parseInstant } from '../domain/zoned-time';

const ZONE = 'Asia/Shanghai';
const calendar: WorkCalendar = { ...stateCouncilDays(2022, 2023), knownYears: [2022, 2023] };
const ctx: HazardContext = { policy: DEFAULT_HAZARD_POLICY, calendar, timeZone: ZONE };
/** 10:00 China time on `date`. */
const on = (date: string) => parseInstant(`${date}T10:00:00+08:00`, ZONE)!;

const UNITS: HazardUnit[] = [
  { id: 'wushi', type: 'town' },
  { id: 'leicheng', type: 'town' },
  { id: 'yingji', type: 'lead_department' },
  { id: 'jiaoyu', type: 'department' },
];

const photo: FileRef = { sha256: 'a'.repeat(64), name: '整改后照片.jpg' };
const record: FileRef = { sha256: 'b'.repeat(64), name: '验收记录.pdf' };

const general: Hazard = {
  id: 'h1',
  campaignId: 'leizhou-2022',
  site: '雷州市某某五金加工厂',
  townId: 'wushi',
  departmentId: 'yingji',
  description: '车间安全出口被杂物堵塞',
  level: 'general',
  basis: '',
  foundOn: '2022-09-01',
  source: 'inspection',
  measures: '清理杂物，保持疏散通道畅通',
  responsible: '张三',
  fundsWan: 0.5,
  deadline: '2022-09-30',
};
const major: Hazard = {
  ...general,
  id: 'h2',
  site: '雷州市某某化工有限公司',
  description: '涉及重大危险源的储罐区未设置紧急切断装置',
  level: 'major',
  basis: '《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第十条',
  measures: '加装紧急切断装置并接入自动化控制系统',
  fundsWan: 45,
};
const fullPlan = {
  measures: '加装紧急切断装置',
  responsibility: '企业主要负责人李四，安全科王五',
  fundsWan: 45,
  deadline: '2022-09-30',
  contingency: '储罐区泄漏专项应急预案；整改期间专人24小时值守',
};

/** The error `fn` throws, which must be a DubanError. */
function refusal(fn: () => unknown): DubanError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DubanError);
    return e as DubanError;
  }
  throw new Error('expected a refusal, but it was accepted');
}
const refused = (fn: () => unknown, code: DubanErrorCode, text?: RegExp | string) => {
  const e = refusal(fn);
  expect(e.code).toBe(code);
  if (text) expect(e.message).toMatch(text);
  return e;
};

/** Check then apply, as a workflow does. */
function act(state: HazardState, event: HazardEvent, date: string): HazardState {
  checkHazardEvent(ctx, state, event, on(date));
  return applyHazardEvent(ctx, state, event, on(date));
}

const reportDone: HazardEvent = { kind: 'report_done', done: '已清理全部杂物，安全出口畅通', files: [photo], by: '企业安全员' };
const pass = (date: string): HazardEvent => ({ kind: 'accept', by: '应急管理局赵六', on: date, result: 'pass', files: [record] });

/** A general hazard in each state, every step taken on 2022-09-20. */
function inState(status: HazardStatus): HazardState {
  const pending = newHazardState(general, UNITS);
  if (status === 'pending') return pending;
  if (status === 'cancelled') return act(pending, { kind: 'cancel', reason: '重复录入' }, '2022-09-20');
  const rectifying = act(pending, { kind: 'start' }, '2022-09-20');
  if (status === 'rectifying') return rectifying;
  const awaiting = act(rectifying, reportDone, '2022-09-20');
  if (status === 'awaiting_acceptance') return awaiting;
  return act(awaiting, pass('2022-09-20'), '2022-09-20');
}

/** A valid event of each kind, on 2022-09-20. */
const EVENTS: Record<HazardEventKind, HazardEvent> = {
  plan: { kind: 'plan', plan: fullPlan },
  start: { kind: 'start' },
  report_done: reportDone,
  accept: pass('2022-09-20'),
  extend: { kind: 'extend', to: '2022-10-31', reason: '设备到货延迟', approvedBy: '安委办孙七' },
  cancel: { kind: 'cancel', reason: '经复核不构成隐患' },
  edit: { kind: 'edit', changes: { description: '车间东侧安全出口被杂物堵塞' } },
};

/** Every state × every event: the state it leads to, or null when refused. */
const MATRIX: Record<HazardStatus, Record<HazardEventKind, HazardStatus | null>> = {
  pending: { plan: 'pending', start: 'rectifying', report_done: null, accept: null, extend: 'pending', cancel: 'cancelled', edit: 'pending' },
  rectifying: { plan: 'rectifying', start: null, report_done: 'awaiting_acceptance', accept: null, extend: 'rectifying', cancel: 'cancelled', edit: 'rectifying' },
  awaiting_acceptance: { plan: null, start: null, report_done: null, accept: 'closed', extend: null, cancel: 'cancelled', edit: 'awaiting_acceptance' },
  closed: { plan: null, start: null, report_done: null, accept: null, extend: null, cancel: null, edit: null },
  cancelled: { plan: null, start: null, report_done: null, accept: null, extend: null, cancel: null, edit: null },
};
const STATUS_WORDS: Record<HazardStatus, string> = { pending: '待整改', rectifying: '整改中', awaiting_acceptance: '待验收', closed: '已销号', cancelled: '已撤销' };
const EVENT_WORDS: Record<HazardEventKind, string> = { plan: '报送治理方案', start: '开始整改', report_done: '报告整改完成', accept: '验收', extend: '延期', cancel: '撤销', edit: '修改' };

describe('the hazard as data', () => {
  it('accepts a whole, sound hazard as 待整改 with no rounds yet', () => {
    const s = newHazardState(major, UNITS);
    expect(s).toMatchObject({ status: 'pending', originalDeadline: '2022-09-30', rounds: [], extensions: [] });
    expect(s.hazard).toEqual(major);
  });

  it('refuses a hazard listing every problem: no 判定依据 for 重大, 时限 before found, negative funds, wrong units, unknown level and source', () => {
    const bad = {
      ...major,
      basis: '  ',
      deadline: '2022-08-31',
      fundsWan: -1,
      townId: 'jiaoyu',
      departmentId: 'leicheng',
      site: '',
    } as Hazard;
    const e = refused(() => checkHazard(bad, UNITS), 'INVALID_HAZARD');
    expect(e.details).toEqual([
      '企业或场所：必填，不能为空',
      '判定依据：重大隐患须写明判定依据（符合的重大事故隐患判定标准条款）',
      '整改时限：整改时限 2022-08-31 早于发现日期 2022-09-01',
      '整改资金（万元）：整改资金应为不小于 0 的数（万元），实际为“-1”',
      '属地：“jiaoyu” 是有关部门，属地应为镇（街道）',
      '行业主管部门：“leicheng” 是镇（街道），行业主管部门应为部门或牵头部门',
    ]);
    expect(hazardFactProblems({ level: 'grave' as never, source: 'rumour' as never, foundOn: '2022-02-30', townId: 'nowhere' }, UNITS)).toEqual([
      { field: 'level', message: '“grave” 不是隐患等级（应为 一般 或 重大）' },
      { field: 'source', message: '“rumour” 不是隐患来源（应为 自查、检查、举报 或 督办）' },
      { field: 'foundOn', message: '“2022-02-30” 不是有效的日期（YYYY-MM-DD）' },
      { field: 'townId', message: '“nowhere” 不是本次行动的单位' },
    ]);
    // a 一般 hazard needs no 判定依据; a 时限 on its found day is fine
    expect(hazardFactProblems({ ...general, basis: '', deadline: general.foundOn }, UNITS)).toEqual([]);
    expect(refused(() => checkHazard({ ...general, measures: undefined } as unknown as Hazard), 'INVALID_HAZARD').details).toContain('整改措施：必填，不能为空');
  });
});

describe('the state machine: every state × every event', () => {
  for (const status of HAZARD_STATUSES) {
    for (const kind of HAZARD_EVENT_KINDS) {
      const expected = MATRIX[status][kind];
      it(`${STATUS_WORDS[status]} × ${EVENT_WORDS[kind]}: ${expected ? `→ ${STATUS_WORDS[expected]}` : 'refused'}`, () => {
        const state = inState(status);
        expect(state.status).toBe(status);
        if (expected) {
          expect(act(state, EVENTS[kind], '2022-09-20').status).toBe(expected);
        } else {
          const e = refused(() => checkHazardEvent(ctx, state, EVENTS[kind], on('2022-09-20')), 'HAZARD_TRANSITION');
          expect(e.message).toContain(`此隐患${STATUS_WORDS[status]}`);
          expect(e.message).toContain(`不能${EVENT_WORDS[kind]}`);
        }
      });
    }
  }

  it('says why where the state alone does not', () => {
    expect(refusal(() => checkHazardEvent(ctx, inState('pending'), reportDone, on('2022-09-20'))).message).toBe('此隐患待整改，尚未开始整改，请先开始整改，不能报告整改完成');
    expect(refusal(() => checkHazardEvent(ctx, inState('awaiting_acceptance'), EVENTS.extend, on('2022-09-20'))).message).toBe(
      '此隐患待验收，已报告整改完成，等待验收，整改时限不再计算，不能延期',
    );
    expect(refusal(() => checkHazardEvent(ctx, inState('closed'), EVENTS.edit, on('2022-09-20'))).message).toBe('此隐患已销号（2022-09-20 验收合格），不能修改');
    expect(refusal(() => checkHazardEvent(ctx, inState('cancelled'), EVENTS.start, on('2022-09-20'))).message).toBe('此隐患已撤销（重复录入），不能开始整改');
  });

  it('refuses an unknown event', () => {
    refused(() => checkHazardEvent(ctx, inState('pending'), { kind: 'close' } as unknown as HazardEvent, on('2022-09-20')), 'INVALID_ARGUMENT', '未知的操作“close”');
  });

  it('records who did what and when', () => {
    const s = inState('closed');
    expect(s.rounds).toEqual([
      {
        round: 1,
        startedOn: '2022-09-20',
        deadline: '2022-09-30',
        report: { on: '2022-09-20', done: '已清理全部杂物，安全出口畅通', files: [photo], by: '企业安全员', responsible: '张三' },
        acceptance: { by: '应急管理局赵六', on: '2022-09-20', result: 'pass', opinion: '', files: [record], recordedOn: '2022-09-20' },
      },
    ]);
    expect(s.closedOn).toBe('2022-09-20');
    expect(inState('cancelled').cancellation).toEqual({ reason: '重复录入', on: '2022-09-20', by: undefined });
  });

  it('never changes the state it was given', () => {
    const s = inState('rectifying');
    const copy = structuredClone(s);
    act(s, reportDone, '2022-09-21');
    act(s, EVENTS.extend, '2022-09-21');
    act(s, EVENTS.edit, '2022-09-21');
    expect(s).toEqual(copy);
  });
});

describe('evidence', () => {
  const rectifying = inState('rectifying');
  const awaiting = inState('awaiting_acceptance');
  const check = (s: HazardState, e: HazardEvent, date = '2022-09-21') => () => checkHazardEvent(ctx, s, e, on(date));

  it('整改完成 needs what was done and at least one sound file', () => {
    refused(check(rectifying, { ...reportDone, done: ' ' } as HazardEvent), 'EVIDENCE_MISSING', '须写明整改情况');
    refused(check(rectifying, { ...reportDone, files: [] } as HazardEvent), 'EVIDENCE_MISSING', '须附至少一个文件');
    refused(check(rectifying, { ...reportDone, files: undefined } as unknown as HazardEvent), 'EVIDENCE_MISSING');
    refused(check(rectifying, { ...reportDone, files: [{ sha256: 'xyz', name: '照片.jpg' }] } as HazardEvent), 'INVALID_ARGUMENT', '文件“照片.jpg”没有有效的 sha256');
    refused(check(rectifying, { ...reportDone, files: [{ sha256: 'c'.repeat(64), name: '' }] } as HazardEvent), 'INVALID_ARGUMENT', '没有文件名');
  });

  it('验收 needs who, when, a result and a file; a failed one its opinion and a later 时限', () => {
    const accept = pass('2022-09-21') as Extract<HazardEvent, { kind: 'accept' }>;
    refused(check(awaiting, { ...accept, by: '' }), 'EVIDENCE_MISSING', '须写明验收人');
    refused(check(awaiting, { ...accept, files: [] }), 'EVIDENCE_MISSING', '验收须附至少一个文件');
    refused(check(awaiting, { ...accept, on: '2022-09-19' }), 'INVALID_ARGUMENT', '验收日期 2022-09-19 早于报告整改完成的日期 2022-09-20');
    refused(check(awaiting, { ...accept, on: '2022-09-22' }), 'INVALID_ARGUMENT', '晚于今天');
    refused(check(awaiting, { ...accept, on: '2022/09/21' }), 'INVALID_ARGUMENT', '验收日期应为 YYYY-MM-DD');
    refused(check(awaiting, { ...accept, result: 'ok' as never }), 'INVALID_ARGUMENT', '验收结果应为 pass');
    refused(check(awaiting, { ...accept, newDeadline: '2022-10-10' }), 'INVALID_ARGUMENT', '验收合格即销号');
    const fail = { ...accept, result: 'fail' as const, opinion: '杂物仍堆放在通道两侧', newDeadline: '2022-10-10' };
    expect(() => check(awaiting, fail)()).not.toThrow();
    refused(check(awaiting, { ...fail, opinion: '' }), 'EVIDENCE_MISSING', '须写明验收意见');
    refused(check(awaiting, { ...fail, newDeadline: undefined }), 'EVIDENCE_MISSING', '须给出重新整改的时限');
    refused(check(awaiting, { ...fail, newDeadline: '2022-09-21' }), 'DATE_NOT_LATER', '重新整改时限 2022-09-21 须晚于验收日期 2022-09-21');
    refused(check(awaiting, { ...fail, on: '2022-09-20', newDeadline: '2022-09-21' }, '2022-09-23'), 'DATE_IN_PAST');
  });

  it('the acceptor is not the responsible person, however the name is spaced, nor the one responsible when 整改完成 was reported', () => {
    const accept = pass('2022-09-21') as Extract<HazardEvent, { kind: 'accept' }>;
    refused(check(awaiting, { ...accept, by: '张三' }), 'ACCEPTOR_CONFLICT', '验收人“张三”是此隐患的整改责任人，不能验收自己负责的整改');
    refused(check(awaiting, { ...accept, by: ' 张　三 ' }), 'ACCEPTOR_CONFLICT');
    // the responsible person changed after the report: neither may accept
    const edited = act(awaiting, { kind: 'edit', changes: { responsible: '李四' } }, '2022-09-21');
    refused(check(edited, { ...accept, by: '张三' }), 'ACCEPTOR_CONFLICT');
    refused(check(edited, { ...accept, by: '李四' }), 'ACCEPTOR_CONFLICT');
    expect(() => check(edited, accept)()).not.toThrow();
  });

  it('延期 needs a reason, an approver and a later date not in the past', () => {
    const extend = EVENTS.extend as Extract<HazardEvent, { kind: 'extend' }>;
    refused(check(rectifying, { ...extend, reason: '' }), 'EVIDENCE_MISSING', '延期须说明理由');
    refused(check(rectifying, { ...extend, approvedBy: ' ' }), 'EVIDENCE_MISSING', '写明批准人');
    refused(check(rectifying, { ...extend, to: '2022-09-30' }), 'DATE_NOT_LATER', '新的整改时限 2022-09-30 不晚于当前整改时限 2022-09-30');
    refused(check(rectifying, { ...extend, to: '2022-10-08' }, '2022-10-09'), 'DATE_IN_PAST', '已过（今天是 2022-10-09）');
    refused(check(rectifying, { ...extend, to: '2022-13-01' }), 'INVALID_ARGUMENT');
  });

  it('撤销 needs a reason', () => {
    refused(check(rectifying, { kind: 'cancel', reason: '' }), 'EVIDENCE_MISSING', '撤销隐患须说明理由');
  });
});

describe('the 五到位 of a 重大 hazard', () => {
  const pending = newHazardState(major, UNITS);

  it('refuses to start a 重大 hazard without its 治理方案; a 一般 one starts without', () => {
    refused(() => checkHazardEvent(ctx, pending, { kind: 'start' }, on('2022-09-05')), 'PLAN_INCOMPLETE', '重大隐患须先报送做到五到位（措施、责任、资金、时限、预案）的治理方案，才能开始整改');
    expect(act(newHazardState(general), { kind: 'start' }, '2022-09-05').status).toBe('rectifying');
  });

  it('refuses a plan missing any of the five, naming what is missing', () => {
    expect(fiveInPlaceGaps(fullPlan)).toEqual([]);
    expect(fiveInPlaceGaps(undefined)).toEqual(['措施', '责任', '资金', '时限', '预案']);
    const partial = { ...fullPlan, fundsWan: undefined, contingency: ' ' } as never;
    refused(() => checkHazardEvent(ctx, pending, { kind: 'plan', plan: partial }, on('2022-09-05')), 'PLAN_INCOMPLETE', '缺少：资金、预案');
    refused(() => checkHazardEvent(ctx, pending, { kind: 'plan', plan: { ...fullPlan, deadline: '下月底' } }, on('2022-09-05')), 'PLAN_INCOMPLETE', '缺少：时限');
    // a plan never moves the 整改时限
    refused(() => checkHazardEvent(ctx, pending, { kind: 'plan', plan: { ...fullPlan, deadline: '2022-10-31' } }, on('2022-09-05')), 'INVALID_ARGUMENT', '整改时限只能经批准延期后推迟');
    refused(() => checkHazardEvent(ctx, pending, { kind: 'plan', plan: { ...fullPlan, deadline: '2022-08-01' } }, on('2022-09-05')), 'INVALID_ARGUMENT', '早于隐患的发现日期');
  });

  it('starts once the plan covers the five (zero funds is an answer), and keeps the plan', () => {
    const planned = act(pending, { kind: 'plan', plan: { ...fullPlan, fundsWan: 0 }, by: '应急管理局' }, '2022-09-05');
    expect(planned.plan).toMatchObject({ fundsWan: 0, recordedOn: '2022-09-05', by: '应急管理局' });
    expect(planned.hazard.deadline).toBe('2022-09-30');
    const started = act(planned, { kind: 'start' }, '2022-09-06');
    expect(started.status).toBe('rectifying');
    expect(started.rounds).toEqual([{ round: 1, startedOn: '2022-09-06', deadline: '2022-09-30' }]);
  });
});

describe('a failed 验收 and 重新整改', () => {
  it('sends it back to 整改中 with the new 时限 and keeps every round', () => {
    let s = act(newHazardState(major), { kind: 'plan', plan: fullPlan }, '2022-09-05');
    s = act(s, { kind: 'start' }, '2022-09-06');
    s = act(s, { kind: 'report_done', done: '已加装紧急切断阀', files: [photo] }, '2022-09-26');
    s = act(s, { kind: 'accept', by: '应急管理局赵六', on: '2022-09-28', result: 'fail', opinion: '切断阀未接入自动化控制系统', files: [record], newDeadline: '2022-10-20' }, '2022-09-29');
    expect(s.status).toBe('rectifying');
    expect(s.hazard.deadline).toBe('2022-10-20');
    expect(s.extensions).toEqual([]);
    expect(s.originalDeadline).toBe('2022-09-30');
    expect(hazardNoticeSchedule(ctx, s).every((n) => n.deadline === '2022-10-20')).toBe(true);
    // the second round may not be accepted twice by mistake: it must be reported first
    refused(() => checkHazardEvent(ctx, s, pass('2022-09-29'), on('2022-09-29')), 'HAZARD_TRANSITION', '尚未报告整改完成');
    s = act(s, { kind: 'report_done', done: '切断阀已接入DCS并联调', files: [photo, { sha256: 'd'.repeat(64), name: '联调记录.pdf' }] }, '2022-10-17');
    s = act(s, pass('2022-10-18'), '2022-10-18');
    expect(s.status).toBe('closed');
    expect(s.closedOn).toBe('2022-10-18');
    expect(s.rounds.map((r) => [r.round, r.startedOn, r.deadline, r.report?.on, r.acceptance?.result, r.acceptance?.opinion])).toEqual([
      [1, '2022-09-06', '2022-09-30', '2022-09-26', 'fail', '切断阀未接入自动化控制系统'],
      [2, '2022-09-28', '2022-10-20', '2022-10-17', 'pass', ''],
    ]);
  });
});

describe('the 时限 moves only by 延期', () => {
  const rectifying = inState('rectifying');

  it('an edit changes text, never the 时限 or the state, and nothing else', () => {
    const edited = act(rectifying, { kind: 'edit', changes: { description: '新描述', measures: '新措施', site: '新场所', responsible: '李四', fundsWan: 2 } }, '2022-09-21');
    expect(edited.hazard).toEqual({ ...general, description: '新描述', measures: '新措施', site: '新场所', responsible: '李四', fundsWan: 2 });
    expect(edited.status).toBe('rectifying');
    expect(hazardNoticeSchedule(ctx, edited)).toEqual(hazardNoticeSchedule(ctx, rectifying));
    const edit = (changes: object) => () => checkHazardEvent(ctx, rectifying, { kind: 'edit', changes } as HazardEvent, on('2022-09-21'));
    refused(edit({ deadline: '2022-12-31' }), 'INVALID_ARGUMENT', '整改时限不能直接修改，只能经批准延期');
    refused(edit({ description: 'x', status: 'closed' }), 'INVALID_ARGUMENT', '状态不能直接修改');
    refused(edit({ level: 'general' }), 'INVALID_ARGUMENT', '“隐患等级”不能修改；可修改的只有：隐患描述、整改措施、企业或场所、责任人、整改资金（万元）');
    refused(edit({ townId: 'leicheng' }), 'INVALID_ARGUMENT', '“属地”不能修改');
    refused(edit({}), 'INVALID_ARGUMENT', '没有要修改的内容');
    refused(edit({ fundsWan: -3 }), 'INVALID_ARGUMENT', '整改资金应为不小于 0 的数');
    refused(edit({ responsible: '' }), 'INVALID_ARGUMENT', '责任人：必填');
  });

  it('an approved 延期 moves it, restarts the chase from it and is recorded', () => {
    const extended = act(rectifying, EVENTS.extend, '2022-09-21');
    expect(extended.hazard.deadline).toBe('2022-10-31');
    expect(extended.originalDeadline).toBe('2022-09-30');
    expect(extended.extensions).toEqual([{ from: '2022-09-30', to: '2022-10-31', reason: '设备到货延迟', approvedBy: '安委办孙七', on: '2022-09-21' }]);
    expect(hazardNoticeSchedule(ctx, extended).map((n) => n.deadline)).toEqual(hazardNoticeSchedule(ctx, extended).map(() => '2022-10-31'));
    const again = act(extended, { kind: 'extend', to: '2022-11-15', reason: '再次延期', approvedBy: '安委办' }, '2022-10-25');
    expect(again.extensions.map((x) => [x.from, x.to])).toEqual([
      ['2022-09-30', '2022-10-31'],
      ['2022-10-31', '2022-11-15'],
    ]);
  });
});

describe('time on the working-day calendar', () => {
  // 2022-10-01…07 National Day holidays; 2022-10-08 (Sat) and 10-09 (Sun) working days (调休).
  const onHoliday = newHazardState({ ...general, deadline: '2022-10-03' });

  it('counts a 时限 on a holiday in working days', () => {
    expect(hazardOverdueWorkingDays(ctx, onHoliday, '2022-10-03')).toBe(0);
    expect(hazardOverdueWorkingDays(ctx, onHoliday, '2022-10-07')).toBe(0);
    expect(hazardOverdueWorkingDays(ctx, onHoliday, '2022-10-08')).toBe(1);
    expect(hazardOverdueWorkingDays(ctx, onHoliday, '2022-10-10')).toBe(3);
  });

  it('reminds before the 时限 and climbs the ladder after it, per level', () => {
    const times = (s: HazardState) => hazardNoticeSchedule(ctx, s).map((n) => `${n.action} ${formatInstant(n.at, ZONE)}`);
    expect(times(onHoliday)).toEqual([
      'reminder 2022-09-28T09:00:00+08:00',
      'reminder 2022-09-30T09:00:00+08:00',
      'urge 2022-10-08T09:00:00+08:00',
      'notice 2022-10-10T09:00:00+08:00',
      'circulate 2022-10-12T09:00:00+08:00',
      'interview 2022-10-14T09:00:00+08:00',
    ]);
    const majorOnHoliday = newHazardState({ ...major, deadline: '2022-10-03' });
    expect(times(majorOnHoliday)).toEqual([
      'reminder 2022-09-26T09:00:00+08:00',
      'reminder 2022-09-28T09:00:00+08:00',
      'reminder 2022-09-30T09:00:00+08:00',
      'urge 2022-10-08T09:00:00+08:00',
      'notice 2022-10-09T09:00:00+08:00',
      'circulate 2022-10-10T09:00:00+08:00',
      'interview 2022-10-12T09:00:00+08:00',
    ]);
    expect(hazardNoticeSchedule(ctx, onHoliday)[2].reason).toBe('整改时限2022年10月3日后第1个工作日仍未报告整改完成');
    expect(hazardNoticeSchedule(ctx, onHoliday)[0].reason).toBe('整改时限2022年10月3日前第3个工作日提醒');
    // the policy is configurable per level
    const quiet: HazardContext = { ...ctx, policy: { ...DEFAULT_HAZARD_POLICY, general: { ...DEFAULT_HAZARD_POLICY.general, remindBefore: [], escalate: { urge: 2, notice: null, circulate: null, interview: null } } } };
    expect(hazardNoticeSchedule(quiet, onHoliday).map((n) => `${n.action} ${formatInstant(n.at, ZONE)}`)).toEqual(['urge 2022-10-09T09:00:00+08:00']);
  });

  it('stops the clock when 整改完成 is reported; 验收 is due N working days after', () => {
    let s = act(onHoliday, { kind: 'start' }, '2022-09-20');
    s = act(s, reportDone, '2022-10-10');
    expect(hazardNoticeSchedule(ctx, s)).toEqual([]);
    expect(hazardOverdueWorkingDays(ctx, s, '2022-10-20')).toBe(3);
    expect(acceptanceDeadline(ctx, '2022-09-30', 5)).toBe('2022-10-12');
    expect(acceptanceDeadline(ctx, '2022-09-30')).toBe('2022-10-12');
    expect(acceptanceDue(ctx, s)).toBe('2022-10-17');
    refused(() => acceptanceDeadline(ctx, '2022-09-30', 0), 'INVALID_ARGUMENT');
    const closed = act(s, pass('2022-10-11'), '2022-10-11');
    expect(acceptanceDue(ctx, closed)).toBeUndefined();
    expect(hazardOverdueWorkingDays(ctx, closed, '2022-12-01')).toBe(3);
    expect(hazardOverdueWorkingDays(ctx, act(onHoliday, { kind: 'cancel', reason: '重复' }, '2022-10-20'), '2022-10-20')).toBe(0);
  });
});

describe('挂牌督办', () => {
  const planned = act(newHazardState(major, UNITS), { kind: 'plan', plan: fullPlan }, '2022-09-05');
  const rectifying = act(planned, { kind: 'start' }, '2022-09-06');
  const input = { id: 'l1', level: 'city' as const, documentNumber: '雷安委办督〔2022〕3号' };
  const listed = (() => {
    checkNewListing(ctx, rectifying, input, on('2022-09-07'));
    return newListing(ctx, rectifying, input, on('2022-09-07'));
  })();
  const step = (l: HazardListing, h: HazardState, e: ListingEvent, date: string) => {
    checkListingEvent(ctx, l, h, e, on(date));
    return applyListingEvent(ctx, l, e, on(date));
  };
  const refuseStep = (l: HazardListing, h: HazardState, e: ListingEvent, date: string, code: DubanErrorCode, text?: string | RegExp) =>
    refused(() => checkListingEvent(ctx, l, h, e, on(date)), code, text);

  it('lists only a 重大 hazard not yet closed, once, with a 文号 and a level', () => {
    refused(() => checkNewListing(ctx, newHazardState(general), input, on('2022-09-07')), 'LISTING_TRANSITION', '只有重大隐患可以挂牌督办；此隐患为一般隐患');
    refused(() => checkNewListing(ctx, rectifying, { ...input, documentNumber: '' }, on('2022-09-07')), 'EVIDENCE_MISSING', '须有文号');
    refused(() => checkNewListing(ctx, rectifying, { ...input, level: 'town' as never }, on('2022-09-07')), 'INVALID_ARGUMENT', '不是挂牌级别');
    refused(() => checkNewListing(ctx, rectifying, { ...input, listedOn: '2022-09-08' }, on('2022-09-07')), 'INVALID_ARGUMENT', '晚于今天');
    refused(() => checkNewListing(ctx, rectifying, input, on('2022-09-07'), [listed]), 'LISTING_TRANSITION', '已于 2022-09-07 挂牌督办（雷安委办督〔2022〕3号），尚未摘牌');
    const cancelled = act(rectifying, { kind: 'cancel', reason: '误判' }, '2022-09-07');
    refused(() => checkNewListing(ctx, cancelled, input, on('2022-09-07')), 'LISTING_TRANSITION', '此隐患已撤销，不能挂牌督办');
    expect(listed).toEqual({
      id: 'l1',
      hazardId: 'h2',
      campaignId: 'leizhou-2022',
      level: 'city',
      documentNumber: '雷安委办督〔2022〕3号',
      listedOn: '2022-09-07',
      order: { recipients: ['wushi', 'yingji'], deadline: '2022-09-30', sentOn: '2022-09-07' },
      signatures: [],
      extensionRequests: [],
      status: 'listed',
    });
    expect(listingLabel(listed)).toBe('市级挂牌 雷安委办督〔2022〕3号');
  });

  it('goes from 挂牌 through 签收, 公告 and an extension to 摘牌, refusing each wrong step', () => {
    let l = listed;
    let h = rectifying;
    // 签收 by both the 属地 and the 行业主管部门, once each
    refuseStep(l, h, { kind: 'sign', unitId: 'jiaoyu', by: '王' }, '2022-09-08', 'INVALID_ARGUMENT', '“jiaoyu” 不是限期整改指令书的受送单位（应为属地 wushi 或行业主管部门 yingji）');
    refuseStep(l, h, { kind: 'sign', unitId: 'wushi', by: '' }, '2022-09-08', 'EVIDENCE_MISSING', '签收须写明签收人');
    l = step(l, h, { kind: 'sign', unitId: 'wushi', by: '乌石镇 陈' }, '2022-09-08');
    refuseStep(l, h, { kind: 'sign', unitId: 'wushi', by: '乌石镇 陈' }, '2022-09-09', 'LISTING_TRANSITION', '“wushi” 已于 2022-09-08 签收限期整改指令书');
    l = step(l, h, { kind: 'sign', unitId: 'yingji', by: '应急局 林' }, '2022-09-09');
    expect(l.signatures.map((s) => [s.unitId, s.on])).toEqual([
      ['wushi', '2022-09-08'],
      ['yingji', '2022-09-09'],
    ]);
    // 公告
    refuseStep(l, h, { kind: 'announce', on: '2022-09-06' }, '2022-09-10', 'INVALID_ARGUMENT', '早于挂牌日期');
    refuseStep(l, h, { kind: 'announce', on: '2022-09-11' }, '2022-09-10', 'INVALID_ARGUMENT', '晚于今天');
    l = step(l, h, { kind: 'announce', on: '2022-09-10' }, '2022-09-10');
    refuseStep(l, h, { kind: 'announce', on: '2022-09-10' }, '2022-09-11', 'LISTING_TRANSITION', '已于 2022-09-10 公告');
    // 延期: requested with a reason, decided with a reason; approval moves the hazard's 时限 through its own extend
    refuseStep(l, h, { kind: 'decide_extension', approved: true, reason: '同意', by: '安委办' }, '2022-09-20', 'LISTING_TRANSITION', '没有待决定的延期申请');
    refuseStep(l, h, { kind: 'request_extension', to: '2022-10-31', reason: '', by: '乌石镇' }, '2022-09-20', 'EVIDENCE_MISSING', '申请延期须说明理由');
    refuseStep(l, h, { kind: 'request_extension', to: '2022-09-30', reason: '设备未到', by: '乌石镇' }, '2022-09-20', 'DATE_NOT_LATER');
    l = step(l, h, { kind: 'request_extension', to: '2022-10-31', reason: '切断阀供货延迟', by: '乌石镇' }, '2022-09-20');
    refuseStep(l, h, { kind: 'request_extension', to: '2022-11-30', reason: '再延', by: '乌石镇' }, '2022-09-21', 'LISTING_TRANSITION', '已有待决定的延期申请（2022-09-20 申请延至 2022-10-31）');
    refuseStep(l, h, { kind: 'decide_extension', approved: true, reason: '', by: '安委办' }, '2022-09-21', 'EVIDENCE_MISSING', '决定延期申请须说明理由');
    const request = pendingListingExtension(l)!;
    const decision = { kind: 'decide_extension' as const, approved: true, reason: '供货证明属实', by: '安委办孙七' };
    l = step(l, h, decision, '2022-09-21');
    h = act(h, listingExtensionEvent(request, decision), '2022-09-21');
    expect(h.hazard.deadline).toBe('2022-10-31');
    expect(h.extensions[0]).toMatchObject({ from: '2022-09-30', to: '2022-10-31', approvedBy: '安委办孙七' });
    expect(l.extensionRequests[0].decision).toEqual({ approved: true, reason: '供货证明属实', by: '安委办孙七', on: '2022-09-21' });
    // a refused request moves nothing
    l = step(l, h, { kind: 'request_extension', to: '2022-12-31', reason: '再延两个月', by: '乌石镇' }, '2022-10-20');
    l = step(l, h, { kind: 'decide_extension', approved: false, reason: '理由不充分', by: '安委办' }, '2022-10-21');
    expect(h.hazard.deadline).toBe('2022-10-31');
    expect(pendingListingExtension(l)).toBeUndefined();
    // 摘牌 only after 销号, and with the office's approval
    refuseStep(l, h, { kind: 'delist', approvedBy: '安委办' }, '2022-10-21', 'LISTING_TRANSITION', '此隐患整改中，尚未验收合格销号，不能摘牌');
    h = act(h, { kind: 'report_done', done: '已加装并联调', files: [photo] }, '2022-10-25');
    refuseStep(l, h, { kind: 'delist', approvedBy: '安委办' }, '2022-10-25', 'LISTING_TRANSITION', '此隐患待验收');
    refuseStep(l, h, { kind: 'request_extension', to: '2022-12-31', reason: '再延', by: '乌石镇' }, '2022-10-25', 'LISTING_TRANSITION', '整改时限不再计算');
    h = act(h, pass('2022-10-27'), '2022-10-27');
    refuseStep(l, h, { kind: 'delist', approvedBy: '' }, '2022-10-28', 'EVIDENCE_MISSING', '摘牌须经安委办批准');
    l = step(l, h, { kind: 'delist', approvedBy: '安委办主任', documentNumber: '雷安委办督〔2022〕9号' }, '2022-10-28');
    expect(l.status).toBe('delisted');
    expect(l.delisting).toEqual({ approvedBy: '安委办主任', on: '2022-10-28', documentNumber: '雷安委办督〔2022〕9号', opinion: undefined });
    expect(listingLabel(l)).toBe('市级挂牌 雷安委办督〔2022〕3号（已摘牌 2022年10月28日）');
    // nothing after 摘牌
    for (const e of [{ kind: 'announce', on: '2022-10-29' }, { kind: 'delist', approvedBy: '安委办' }, { kind: 'revoke', reason: 'x' }] as ListingEvent[]) {
      refuseStep(l, h, e, '2022-10-29', 'LISTING_TRANSITION', /^此挂牌督办已于 2022-10-28 摘牌，不能/);
    }
  });

  it('an approved extension is judged as the hazard\'s own 延期 would be', () => {
    let l = step(listed, rectifying, { kind: 'request_extension', to: '2022-10-08', reason: '节后施工', by: '乌石镇' }, '2022-09-20');
    // deciding after the requested date has passed
    refuseStep(l, rectifying, { kind: 'decide_extension', approved: true, reason: '同意', by: '安委办' }, '2022-10-09', 'DATE_IN_PAST');
    l = step(l, rectifying, { kind: 'decide_extension', approved: false, reason: '已过期', by: '安委办' }, '2022-10-09');
    expect(l.extensionRequests[0].decision?.approved).toBe(false);
  });

  it('marks who has not signed the 限期整改指令书 and for how many working days, across the 国庆 holiday', () => {
    // listed on Friday 2022-09-30, the eve of 国庆 (10-01…10-07 off, Saturday 10-08 and Sunday 10-09 调休 working days)
    const eve = newListing(ctx, rectifying, { ...input, listedOn: '2022-09-30' }, on('2022-09-30'));
    const wait = (l: HazardListing, date: string) => unsignedOrder(ctx, l, on(date));
    expect(wait(eve, '2022-09-30')).toEqual({ listingId: 'l1', documentNumber: '雷安委办督〔2022〕3号', sentOn: '2022-09-30', unitIds: ['wushi', 'yingji'], workingDays: 0 });
    expect(wait(eve, '2022-10-07')?.workingDays).toBe(0);
    expect(wait(eve, '2022-10-08')?.workingDays).toBe(1);
    expect(wait(eve, '2022-10-10')?.workingDays).toBe(3);
    // the day is the one `now` falls on in the zone given: 16:30 UTC on 10-07 is already 10-08 in Beijing, not in UTC
    expect(unsignedOrder(ctx, eve, parseInstant('2022-10-07T23:30:00+08:00', ZONE)!)?.workingDays).toBe(0);
    expect(unsignedOrder(ctx, eve, Date.UTC(2022, 9, 7, 16, 30))?.workingDays).toBe(1);
    expect(unsignedOrder({ ...ctx, timeZone: 'UTC' }, eve, Date.UTC(2022, 9, 7, 16, 30))?.workingDays).toBe(0);
    // one signs: only the other is left; both signed, or the listing taken down: no mark
    const half = step(eve, rectifying, { kind: 'sign', unitId: 'wushi', by: '乌石镇 陈' }, '2022-10-09');
    expect(wait(half, '2022-10-12')).toMatchObject({ unitIds: ['yingji'], sentOn: '2022-09-30', workingDays: 5 });
    expect(wait(step(half, rectifying, { kind: 'sign', unitId: 'yingji', by: '应急局 林' }, '2022-10-12'), '2022-10-12')).toBeUndefined();
    expect(wait(step(half, rectifying, { kind: 'revoke', reason: '误判' }, '2022-10-12'), '2022-10-12')).toBeUndefined();
    expect(workingDaysSince(calendar, ZONE, '2022-09-30', on('2022-10-20'))).toBe(11);
    expect(workingDaysSince(calendar, ZONE, '2022-10-20', on('2022-10-19'))).toBe(0);
  });

  it('can be revoked with a reason', () => {
    refuseStep(listed, rectifying, { kind: 'revoke', reason: ' ' }, '2022-09-08', 'EVIDENCE_MISSING', '撤销挂牌须说明理由');
    const revoked = step(listed, rectifying, { kind: 'revoke', reason: '经复核不属于重大隐患', by: '安委办' }, '2022-09-08');
    expect(revoked.status).toBe('revoked');
    expect(listingLabel(revoked)).toBe('市级挂牌 雷安委办督〔2022〕3号（已撤销挂牌）');
    refuseStep(revoked, rectifying, { kind: 'sign', unitId: 'wushi', by: '陈' }, '2022-09-09', 'LISTING_TRANSITION', '此挂牌督办已于 2022-09-08 撤销挂牌，不能签收');
    // once revoked, the hazard may be listed again
    expect(() => checkNewListing(ctx, rectifying, { ...input, id: 'l2' }, on('2022-09-09'), [revoked])).not.toThrow();
  });
});
