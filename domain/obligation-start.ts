// When an obligation's workflow must be running. It has nothing to do before its first notice, so the campaign's
// workflow starts it a day ahead of that (an operator's action on it starts it at once): a campaign of 20,000
// obligations due next month is launched in seconds, and the engine holds no workflow that has nothing to do.
import type { CivilDate } from './calendar';
import { type ScheduleContext, initialState, nextNotice } from './policy';

/** How long before its first notice an obligation's workflow is started: room for a start-up of thousands at once. */
export const OBLIGATION_START_LEAD_MS = 24 * 60 * 60_000;

/**
 * The campaign time by which the obligation's workflow must be running: its first notice less the lead. Undefined
 * when it has no notice at all (nothing but an operator's action would ever wake it): started with the launch.
 */
export function obligationStartBy(ctx: ScheduleContext, due: CivilDate, opensAt: number, leadMs = OBLIGATION_START_LEAD_MS): number | undefined {
  const first = nextNotice(ctx, initialState(due, opensAt));
  return first ? first.at - leadMs : undefined;
}
