// What chases a hazard, as pure functions: every letter its record calls for now — reminders before its 整改时限 and
// the ladder after it (hazardNoticeSchedule, its level's policy), the 验收 chase while it awaits acceptance, the
// 限期整改指令书 of a 挂牌督办 and its 摘牌 notice — each under a key stable for the round, 时限 and day it is about, so
// that an approved 延期 or a new round of 重新整改 makes new keys and an old key is never sent again. The hazard
// workflow (workflows/hazard.ts) waits for the next one; the activity sending it asks hazardLetterDecision again.
import { type CivilDate, addDays, workingDaysOf } from './calendar';
import { type HazardContext, type HazardLevel, type HazardListing, type HazardState, acceptanceDue, hazardNoticeSchedule } from './hazards';
import { type EscalationStep, type NoticeAction } from './policy';
import { chineseDate, civilDateOf, instantAt } from './zoned-time';

/** Reminders and the ladder of the 时限; the 验收 reminder and its 催办; the 挂牌 letters. */
export type HazardLetterKind = NoticeAction | 'acceptance' | 'acceptance_overdue' | 'listing_order' | 'delisting';

export const HAZARD_LETTER_NAMES: Record<HazardLetterKind, string> = {
  reminder: '整改提醒',
  urge: '催办函',
  notice: '督办通知',
  circulate: '通报',
  interview: '约谈通知',
  acceptance: '验收提醒',
  acceptance_overdue: '验收催办函',
  listing_order: '限期整改指令书',
  delisting: '摘牌通知',
};

export interface HazardLetterDue {
  kind: HazardLetterKind;
  /** When it goes out (campaign time). */
  at: number;
  /**
   * Stable within the hazard: r<round>/<时限>/<action>/<day> for the 时限's letters, r<round>/acceptance/<due>/<kind>
   * for the 验收 chase, listing/<id>/<kind> for the 挂牌 letters.
   */
  key: string;
  /** The round of rectification it is about: 1, then one more after each failed 验收. */
  round: number;
  /** The 整改时限 (or, for the 验收 chase, the day 验收 is due) it is about. */
  deadline: CivilDate;
  listingId?: string;
  /** Why it goes out, in words an operator reads. */
  reason: string;
}

/** A 挂牌督办 as the chase needs it: the record and when it was recorded and, if so, taken down. */
export interface ChasedListing {
  listing: HazardListing;
  recordedAt: number;
  delistedAt?: number;
}

/** What the record says of a hazard, as far as its chase is concerned. */
export interface HazardChaseFacts {
  state: HazardState;
  /**
   * When the current 整改时限 was set (the hazard recorded, a 延期 approved, a failed 验收 recorded): letters of the
   * 时限 scheduled before it are never sent, as an obligation's before its opening are not.
   */
  deadlineSetAt: number;
  listings: ChasedListing[];
}

/** The round the 时限 belongs to: 1, and one more for each failed 验收 (a pending hazard is in its first). */
export function chaseRound(state: HazardState): number {
  return 1 + state.rounds.filter((r) => r.acceptance?.result === 'fail').length;
}

const ORDER: Record<HazardLetterKind, number> = {
  listing_order: 0,
  reminder: 1,
  urge: 2,
  notice: 3,
  circulate: 4,
  interview: 5,
  acceptance: 6,
  acceptance_overdue: 7,
  delisting: 8,
};

/** Every letter the record calls for now, in time order, whether or not already sent. */
export function hazardLetters(ctx: HazardContext, facts: HazardChaseFacts): HazardLetterDue[] {
  const { state } = facts;
  const round = chaseRound(state);
  const out: HazardLetterDue[] = [];
  for (const n of hazardNoticeSchedule(ctx, state)) {
    if (n.at < facts.deadlineSetAt) continue;
    out.push({ kind: n.action, at: n.at, key: `r${round}/${n.key}`, round, deadline: n.deadline, reason: n.reason });
  }
  const due = acceptanceDue(ctx, state);
  if (due !== undefined) {
    const sendAt = ctx.policy[state.hazard.level].sendAt;
    // due is a working day after the report's day: both go out after it
    const after = workingDaysOf(ctx.calendar).nthWorkingDayAfter(due, 1);
    out.push({
      kind: 'acceptance',
      at: instantAt(due, sendAt, ctx.timeZone),
      key: `r${round}/acceptance/${due}/acceptance`,
      round,
      deadline: due,
      reason: `验收期限${chineseDate(due)}当天提醒`,
    });
    out.push({
      kind: 'acceptance_overdue',
      at: instantAt(after, sendAt, ctx.timeZone),
      key: `r${round}/acceptance/${due}/acceptance_overdue`,
      round,
      deadline: due,
      reason: `验收期限${chineseDate(due)}后第1个工作日仍未验收`,
    });
  }
  for (const { listing, recordedAt, delistedAt } of facts.listings) {
    if (listing.status !== 'revoked')
      out.push({
        kind: 'listing_order',
        at: recordedAt,
        key: `listing/${listing.id}/listing_order`,
        round,
        deadline: listing.order.deadline,
        listingId: listing.id,
        reason: `${listing.listedOn}挂牌督办（${listing.documentNumber}），下达限期整改指令书`,
      });
    if (listing.status === 'delisted' && listing.delisting)
      out.push({
        kind: 'delisting',
        at: delistedAt ?? recordedAt,
        key: `listing/${listing.id}/delisting`,
        round,
        deadline: listing.order.deadline,
        listingId: listing.id,
        reason: `${listing.delisting.on}经${listing.delisting.approvedBy}批准摘牌`,
      });
  }
  return out.sort((a, b) => a.at - b.at || ORDER[a.kind] - ORDER[b.kind]);
}

export interface HazardChaseStep {
  /** The next letter not yet dealt with; none while nothing more is due (the workflow then waits for a change). */
  next?: HazardLetterDue;
  /** 已销号 or 已撤销, no 挂牌 still open and no letter left: the chase is over. */
  over: boolean;
}

/** The next letter not among `done` (keys sent or skipped already), and whether the chase is over. */
export function nextHazardLetter(ctx: HazardContext, facts: HazardChaseFacts, done: ReadonlySet<string> | readonly string[]): HazardChaseStep {
  const isDone = Array.isArray(done) ? (k: string) => (done as readonly string[]).includes(k) : (k: string) => (done as ReadonlySet<string>).has(k);
  const next = hazardLetters(ctx, facts).find((n) => !isDone(n.key));
  const finished = facts.state.status === 'closed' || facts.state.status === 'cancelled';
  const listed = facts.listings.some((l) => l.listing.status === 'listed');
  return { ...(next ? { next } : {}), over: finished && !listed && !next };
}

export type HazardLetterDecision = { send: true } | { send: false; reason: string };

/**
 * Whether a due letter goes out at campaign time `now`, judged on the record as it is then: it must still be one the
 * record calls for (same round, same 时限, the hazard still 待整改/整改中 or 待验收, the listing still standing or
 * taken down), and a reminder is not sent "by" a day already past.
 */
export function hazardLetterDecision(ctx: HazardContext, facts: HazardChaseFacts, letter: HazardLetterDue, now: number): HazardLetterDecision {
  if (!hazardLetters(ctx, facts).some((n) => n.key === letter.key))
    return { send: false, reason: `no longer called for: the hazard is ${facts.state.status}, 时限 ${facts.state.hazard.deadline}, round ${chaseRound(facts.state)}` };
  if ((letter.kind === 'reminder' || letter.kind === 'acceptance') && civilDateOf(now, ctx.timeZone) > letter.deadline)
    return { send: false, reason: `${letter.kind} for ${letter.deadline} is stale` };
  return { send: true };
}

/** The ladder's steps among letters already sent (their keys), for this round and 时限, in ladder order. */
export function stepsTakenFor(sentKeys: readonly string[], round: number, deadline: CivilDate): EscalationStep[] {
  const steps: EscalationStep[] = ['urge', 'notice', 'circulate', 'interview'];
  return steps.filter((s) => sentKeys.some((k) => k.startsWith(`r${round}/${deadline}/${s}/`)));
}

// ───────────────────────────── one 通报 per campaign and send time ─────────────────────────────

/**
 * The 时限 whose 通报 step (the level's `escalate.circulate`) falls on the instant `at`: every day from the n-th
 * working day before that day up to (not including) the (n-1)-th — a 时限 on a holiday or weekend reaches its step
 * with the working day before it. None when the level has no 通报, `at` is not its send time, or not a working day.
 */
export function deadlinesCirculatedAt(ctx: HazardContext, level: HazardLevel, at: number): CivilDate[] {
  const policy = ctx.policy[level];
  const n = policy.escalate.circulate;
  const day = civilDateOf(at, ctx.timeZone);
  const days = workingDaysOf(ctx.calendar);
  if (n === null || instantAt(day, policy.sendAt, ctx.timeZone) !== at || !days.isWorkingDay(day)) return [];
  const last = n === 1 ? day : days.nthWorkingDayBefore(day, n - 1);
  const out: CivilDate[] = [];
  for (let d = days.nthWorkingDayBefore(day, n); d < last; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The hazard's 通报 at `at`, when its record calls for one then: it is listed in that instant's 通报. */
export function circulationDueAt(ctx: HazardContext, facts: HazardChaseFacts, at: number): HazardLetterDue | undefined {
  return hazardLetters(ctx, facts).find((n) => n.kind === 'circulate' && n.at === at);
}
