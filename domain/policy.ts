// The reminder/escalation policy and the obligation state machine, as pure functions.
// The obligation workflow and `duban plan` both call exactly these, so they cannot disagree.
import { type CivilDate, type WorkCalendar, isCivilDate, workingDaysOf } from './calendar';
import { DubanError } from './errors';
import { chineseDate, civilDateOf, instantAt } from './zoned-time';

/** 提醒 reminder, then the escalation ladder: 提醒敦促函 → 督办通知 → 通报 → 约谈. */
export type EscalationStep = 'urge' | 'notice' | 'circulate' | 'interview';
export type NoticeAction = 'reminder' | EscalationStep;
export const ESCALATION_LADDER: readonly EscalationStep[] = ['urge', 'notice', 'circulate', 'interview'];
export const NOTICE_ACTIONS: readonly NoticeAction[] = ['reminder', ...ESCALATION_LADDER];

/** The document each action sends: 提醒 / 提醒敦促函 / 督办通知 / 通报 / 约谈通知. */
export const INSTRUMENT_NAMES: Record<NoticeAction, string> = {
  reminder: '提醒',
  urge: '提醒敦促函',
  notice: '督办通知',
  circulate: '通报',
  interview: '约谈通知',
};

/** How many working days after `deadline` the instant `at` falls: 0 up to the end of the deadline day. */
export function workingDaysLate(ctx: ScheduleContext, deadline: CivilDate, at: number): number {
  return workingDaysOf(ctx.calendar).workingDaysAfter(deadline, civilDateOf(at, ctx.timeZone));
}

/** When the last notice `deadline` can produce goes out; undefined when its policy sends none. */
export function lastNoticeAt(ctx: ScheduleContext, deadline: CivilDate): number | undefined {
  const schedule = noticeSchedule(ctx, deadline);
  return schedule.length ? schedule[schedule.length - 1].at : undefined;
}

/** The levels a step raises an obligation from: those below it. */
export function escalationsBelow(step: EscalationStep): (EscalationStep | 'none')[] {
  return ['none', ...ESCALATION_LADDER.slice(0, ESCALATION_LADDER.indexOf(step))];
}

/** The higher of two escalation levels: the level reached never goes down. */
export function higherEscalation(reached: EscalationStep | 'none', step: EscalationStep | 'none'): EscalationStep | 'none' {
  return ESCALATION_LADDER.indexOf(step as EscalationStep) > ESCALATION_LADDER.indexOf(reached as EscalationStep) ? step : reached;
}

export interface NoticePolicy {
  /** Local time (HH:mm) at which every notice goes out. */
  sendAt: string;
  /** Working days before the deadline to remind; 0 means on the deadline day when it is a working day. */
  remindBefore: number[];
  /** For each step, the working day after the deadline on which it fires; null disables the step. */
  escalate: Record<EscalationStep, number | null>;
  /** Calendar days after acceptance during which a submission can still be returned for revision. */
  returnWindowDays: number;
  /**
   * The steps whose letter waits for a leader's 签发 before it goes out (待签发). Absent in campaigns stored, and
   * workflows started, before sign-off existed: those need none (`needsSignOff`), so they run as launched.
   */
  signOff?: SignOffStep[];
}

/** The steps a leader may have to sign off: 通报 and 约谈. */
export type SignOffStep = Extract<EscalationStep, 'circulate' | 'interview'>;
export const SIGN_OFF_STEPS: readonly SignOffStep[] = ['circulate', 'interview'];

export const DEFAULT_POLICY: NoticePolicy = {
  sendAt: '09:00',
  remindBefore: [3, 1, 0],
  escalate: { urge: 1, notice: 3, circulate: 5, interview: 7 },
  returnWindowDays: 30,
  signOff: ['circulate', 'interview'],
};

/** Whether the policy holds `action`'s letter for a leader's 签发; a policy without `signOff` (recorded before it) holds none. */
export function needsSignOff(policy: NoticePolicy, action: NoticeAction): boolean {
  return (policy.signOff ?? []).includes(action as SignOffStep);
}

export interface ScheduleContext {
  policy: NoticePolicy;
  calendar: WorkCalendar;
  timeZone: string;
}

export interface ScheduledNotice {
  action: NoticeAction;
  at: number;
  /** The deadline this notice is about. */
  deadline: CivilDate;
  /** Stable within one obligation: deadline, action and the day it fires. */
  key: string;
  /** Why it fires, in words an operator reads in `history`. */
  reason: string;
}

const ACTION_ORDER: Record<NoticeAction, number> = { reminder: 0, urge: 1, notice: 2, circulate: 3, interview: 4 };

const ordinal = (n: number) => `第${n}个工作日`;

/** Every notice a deadline calls for, in time order, before any filtering by opening or submission. */
export function noticeSchedule(ctx: ScheduleContext, deadline: CivilDate): ScheduledNotice[] {
  return cachedSchedule(ctx, deadline).map((n) => ({ ...n }));
}

/** Schedules by calendar, policy (both by identity: snapshots, never changed once used), time zone and deadline. */
const schedules = new WeakMap<WorkCalendar, WeakMap<NoticePolicy, Map<string, Map<CivilDate, readonly ScheduledNotice[]>>>>();

/**
 * noticeSchedule's result, computed once per context and deadline: `plan` asks for it at every step of
 * every obligation, a workflow at every step of its own. Shared: callers hand out copies.
 */
function cachedSchedule(ctx: ScheduleContext, deadline: CivilDate): readonly ScheduledNotice[] {
  if (!isObject(ctx.calendar) || !isObject(ctx.policy)) return computeSchedule(ctx, deadline); // fails as it always did
  let byPolicy = schedules.get(ctx.calendar);
  if (!byPolicy) schedules.set(ctx.calendar, (byPolicy = new WeakMap()));
  let byZone = byPolicy.get(ctx.policy);
  if (!byZone) byPolicy.set(ctx.policy, (byZone = new Map()));
  let byDeadline = byZone.get(ctx.timeZone);
  if (!byDeadline) byZone.set(ctx.timeZone, (byDeadline = new Map()));
  let schedule = byDeadline.get(deadline);
  if (!schedule) {
    schedule = computeSchedule(ctx, deadline); // throws for a malformed deadline or zone: nothing is kept
    if (byDeadline.size >= MAX_SCHEDULES) byDeadline.clear();
    byDeadline.set(deadline, schedule);
  }
  return schedule;
}

/** How many deadlines' schedules one context keeps before it starts afresh. */
const MAX_SCHEDULES = 10_000;

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

function computeSchedule(ctx: ScheduleContext, deadline: CivilDate): ScheduledNotice[] {
  const days = workingDaysOf(ctx.calendar);
  const { policy, timeZone } = ctx;
  const out: ScheduledNotice[] = [];
  const push = (action: NoticeAction, date: CivilDate, reason: string) => {
    const at = instantAt(date, policy.sendAt, timeZone);
    if (out.some((n) => n.at === at && n.action === action)) return; // identical instants are sent once
    out.push({ action, at, deadline, key: `${deadline}/${action}/${date}`, reason });
  };
  for (const before of policy.remindBefore) {
    if (before === 0) {
      if (days.isWorkingDay(deadline)) push('reminder', deadline, `截止日${chineseDate(deadline)}当天提醒`);
    } else {
      push('reminder', days.nthWorkingDayBefore(deadline, before), `截止日${chineseDate(deadline)}前${ordinal(before)}提醒`);
    }
  }
  for (const step of ESCALATION_LADDER) {
    const after = policy.escalate[step];
    if (after === null) continue;
    push(step, days.nthWorkingDayAfter(deadline, after), `截止日${chineseDate(deadline)}后${ordinal(after)}仍未报送`);
  }
  return out.sort((a, b) => a.at - b.at || ACTION_ORDER[a.action] - ACTION_ORDER[b.action]);
}

export type ObligationStatus = 'open' | 'submitted' | 'waived';

/** Everything the workflow must remember about one obligation; small and serialisable. */
export interface ObligationState {
  deadline: CivilDate;
  status: ObligationStatus;
  /** Notices scheduled before this instant are not sent (the obligation's opening, or the last change). */
  notBefore: number;
  /** When the obligation opened (launch or stage start); absent in states recorded before it was kept. */
  opensAt?: number;
  /** Keys of notices already sent. */
  sent: string[];
  /** Highest escalation step reached; kept across extensions and returns. */
  escalation: EscalationStep | 'none';
  /** When the current submission or waiver happened. */
  closedAt?: number;
  lateWorkingDays?: number;
}

export function initialState(due: CivilDate, opensAt: number): ObligationState {
  return { deadline: due, status: 'open', notBefore: opensAt, opensAt, sent: [], escalation: 'none' };
}

/** The next notice to send, or undefined when nothing more is due (submitted, waived, ladder exhausted). */
export function nextNotice(ctx: ScheduleContext, state: ObligationState): ScheduledNotice | undefined {
  if (state.status !== 'open') return undefined;
  const next = cachedSchedule(ctx, state.deadline).find((n) => n.at >= state.notBefore && !state.sent.includes(n.key));
  return next && { ...next };
}

/** A due notice has been dealt with: sent, or skipped (see noticeDecision). Only a sent one raises the level. */
export function markSent(state: ObligationState, notice: ScheduledNotice, delivered = true): ObligationState {
  const escalation = delivered && notice.action !== 'reminder' ? higherEscalation(state.escalation, notice.action) : state.escalation;
  return { ...state, sent: [...state.sent, notice.key], escalation };
}

/** What the record says about an obligation when its notice is about to go out. */
export interface ObligationRecord {
  status: ObligationStatus;
  deadline: CivilDate;
}

export type NoticeDecision = { send: true } | { send: false; reason: string };

/**
 * Whether a due notice is sent at campaign time `now`. The record learns of a submission, waiver or new
 * deadline before the workflow acts on it, so a notice for a state that no longer holds is skipped even
 * if its timer already fired; a reminder delayed past its deadline (an outage) is not sent "by" a past day.
 */
export function noticeDecision(ctx: ScheduleContext, record: ObligationRecord, notice: ScheduledNotice, now: number): NoticeDecision {
  if (record.status !== 'open') return { send: false, reason: `obligation is ${record.status}` };
  if (record.deadline !== notice.deadline) return { send: false, reason: `deadline is now ${record.deadline}` };
  if (notice.action === 'reminder' && civilDateOf(now, ctx.timeZone) > notice.deadline) {
    return { send: false, reason: `reminder for ${notice.deadline} is stale` };
  }
  return { send: true };
}

/** The new time limit a 督办通知 sets: the last working day before the ladder's next step fires. */
export function supervisionTimeLimit(ctx: ScheduleContext, notice: ScheduledNotice): CivilDate | undefined {
  const next = cachedSchedule(ctx, notice.deadline).find((n) => n.action !== 'reminder' && n.at > notice.at);
  return next ? workingDaysOf(ctx.calendar).nthWorkingDayBefore(civilDateOf(next.at, ctx.timeZone), 1) : undefined;
}

export type ObligationEvent =
  | { kind: 'submit'; /** the stored file's sha256 (store/files.ts) */ file?: string; fileName?: string; fileSize?: number }
  | { kind: 'extend'; to: CivilDate; reason: string }
  | { kind: 'return'; to: CivilDate; reason: string }
  | { kind: 'waive'; reason: string };

/** What each action is called in a refusal: 不能再次报送 / 不能延期 / 不能免报 / 不能退回. */
const ACTION_WORDS: Record<ObligationEvent['kind'], string> = { submit: '再次报送', extend: '延期', waive: '免报', return: '退回' };
const STATUS_WORDS: Record<ObligationStatus, string> = { open: '尚未报送', submitted: '已报送', waived: '已免报' };

/** Throws a DubanError naming why `event` makes no sense now; returns normally when it is acceptable. */
export function checkEvent(ctx: ScheduleContext, state: ObligationState, event: ObligationEvent, now: number): void {
  const today = civilDateOf(now, ctx.timeZone);
  const needsOpen = () => {
    if (state.status === 'submitted')
      throw new DubanError(
        'ALREADY_SUBMITTED',
        `已于 ${civilDateOf(state.closedAt ?? now, ctx.timeZone)} 报送并接收，不能${ACTION_WORDS[event.kind]}`,
      );
    if (state.status === 'waived')
      throw new DubanError('ALREADY_WAIVED', `已免报，不能${{ submit: '报送', waive: '再次免报' }[event.kind as string] ?? ACTION_WORDS[event.kind]}`);
  };
  const needsFutureDate = (to: string) => {
    if (!isCivilDate(to)) throw new DubanError('INVALID_ARGUMENT', `--to 应为 YYYY-MM-DD 格式的日期，实际为“${to}”`);
    if (to < today) throw new DubanError('DATE_IN_PAST', `截止日期 --to ${to} 已过（今天是 ${today}）`);
  };
  const needsReason = (reason: string) => {
    if (!reason || !reason.trim()) throw new DubanError('INVALID_ARGUMENT', `${ACTION_WORDS[event.kind]}须用 --reason 说明理由`);
  };
  switch (event.kind) {
    case 'submit':
      needsOpen();
      return;
    case 'waive':
      needsOpen();
      needsReason(event.reason);
      return;
    case 'extend':
      needsOpen();
      needsReason(event.reason);
      needsFutureDate(event.to);
      if (event.to <= state.deadline)
        throw new DubanError('DATE_NOT_LATER', `新的截止日期 --to ${event.to} 不晚于当前截止日期 ${state.deadline}`);
      return;
    case 'return': {
      if (state.status !== 'submitted')
        throw new DubanError('NOT_SUBMITTED', `只能退回已报送的事项；此事项${STATUS_WORDS[state.status]}`);
      const windowEnds = returnWindowEnds(ctx, state);
      if (windowEnds !== undefined && now >= windowEnds)
        throw new DubanError(
          'OBLIGATION_CLOSED',
          `退回修改的期限已于 ${civilDateOf(windowEnds, ctx.timeZone)} 结束（接收后 ${ctx.policy.returnWindowDays} 天内可退回）`,
        );
      needsReason(event.reason);
      needsFutureDate(event.to);
      return;
    }
  }
}

/** Apply an accepted event at instant `now`. Call checkEvent first. */
export function applyEvent(ctx: ScheduleContext, state: ObligationState, event: ObligationEvent, now: number): ObligationState {
  switch (event.kind) {
    case 'submit': {
      const late = workingDaysLate(ctx, state.deadline, now);
      return { ...state, status: 'submitted', closedAt: now, lateWorkingDays: late };
    }
    case 'waive':
      return { ...state, status: 'waived', closedAt: now };
    case 'extend':
    case 'return':
      // A new deadline restarts reminders and escalation from it; the level reached stays on the record.
      // Nothing is sent before the obligation opens, even when the deadline moves before it does.
      return {
        ...state,
        status: 'open',
        deadline: event.to,
        notBefore: Math.max(now, state.opensAt ?? now),
        closedAt: undefined,
        lateWorkingDays: undefined,
      };
  }
}

/** When a closed obligation stops accepting a return for revision. */
export function returnWindowEnds(ctx: ScheduleContext, state: ObligationState): number | undefined {
  if (state.status !== 'submitted' || state.closedAt === undefined) return undefined;
  return state.closedAt + ctx.policy.returnWindowDays * 86_400_000;
}

/** The facts the database keeps about an obligation, enough to judge an action once its workflow has ended. */
export interface ClosedObligationRecord extends ObligationRecord {
  opensAt: number;
  escalation: EscalationStep | 'none';
  submittedAt?: number;
  lateWorkingDays?: number | null;
}

export function stateFromRecord(r: ClosedObligationRecord): ObligationState {
  return {
    deadline: r.deadline,
    status: r.status,
    notBefore: r.opensAt,
    opensAt: r.opensAt,
    sent: [],
    escalation: r.escalation,
    closedAt: r.status === 'submitted' ? r.submittedAt : undefined,
    lateWorkingDays: r.lateWorkingDays ?? undefined,
  };
}
