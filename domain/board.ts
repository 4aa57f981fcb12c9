// Where an obligation stands on the console's board (报送情况), which picks its colour.
import { type CivilDate, workingDaysOf } from './calendar';
import type { EscalationStep, ObligationStatus, ScheduleContext } from './policy';

/** submitted on time green · due within DUE_SOON_WORKING_DAYS yellow · overdue red by level · waived grey */
export type BoardStanding = 'on_time' | 'due_soon' | 'open' | 'overdue' | 'submitted_late' | 'waived';

/** "Due soon": the deadline is today or within this many working days. */
export const DUE_SOON_WORKING_DAYS = 3;

export interface BoardFacts {
  status: ObligationStatus;
  due: CivilDate;
  escalation: EscalationStep | 'none';
  lateWorkingDays: number | null;
}

/** `today` is the civil date in the campaign's zone. */
export function boardStanding(ctx: Pick<ScheduleContext, 'calendar'>, o: BoardFacts, today: CivilDate): BoardStanding {
  if (o.status === 'waived') return 'waived';
  if (o.status === 'submitted') return o.lateWorkingDays ? 'submitted_late' : 'on_time';
  if (today > o.due) return 'overdue';
  return workingDaysOf(ctx.calendar).workingDaysAfter(today, o.due) <= DUE_SOON_WORKING_DAYS ? 'due_soon' : 'open';
}

/** Working days late: as recorded for a submission, as of `today` for one still open; null when not late. */
export function boardLateWorkingDays(ctx: Pick<ScheduleContext, 'calendar'>, o: BoardFacts, today: CivilDate): number | null {
  if (o.status === 'submitted') return o.lateWorkingDays ?? 0;
  if (o.status === 'waived' || today <= o.due) return null;
  return workingDaysOf(ctx.calendar).workingDaysAfter(o.due, today);
}
