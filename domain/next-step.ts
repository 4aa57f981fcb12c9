// What comes next for an obligation: the notice `duban status` (and the console's board) shows as 下一步.
import type { CivilDate } from './calendar';
import { type ObligationStatus, type ScheduleContext, type ScheduledNotice, noticeSchedule } from './policy';

/**
 * The first notice of `noticeSchedule(ctx, facts.due)` still to come at campaign time `now` (`at >= now`) for an
 * open obligation; undefined for a submitted or waived one, and once the ladder is exhausted.
 *
 * The same rule as the workflow's (`nextNotice` with `notBefore`): nothing scheduled before the obligation
 * opened is ever sent, escalations included; after an extension or a return the schedule is the new
 * deadline's, and what lay before the change is past anyway. A notice due at this very instant is still next;
 * one whose time has passed is not shown, even if the worker has yet to send it.
 */
export function nextStepOf(
  ctx: ScheduleContext,
  facts: { status: ObligationStatus; due: CivilDate; opensAt: number },
  now: number,
): ScheduledNotice | undefined {
  if (facts.status !== 'open') return undefined;
  return noticeSchedule(ctx, facts.due).find((n) => n.at >= facts.opensAt && n.at >= now);
}
