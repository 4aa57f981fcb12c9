// Where an obligation stands on a given day, in the words `duban status` (and later the console) shows.
import type { CivilDate } from './calendar';
import { type EscalationStep, INSTRUMENT_NAMES, type ObligationStatus } from './policy';

/** open | overdue | submitted | waived */
export type Standing = 'open' | 'overdue' | ObligationStatus;

export interface StandingFacts {
  status: ObligationStatus;
  due: CivilDate;
  originalDue: CivilDate;
  escalation: EscalationStep | 'none';
  lateWorkingDays: number | null;
  extended: boolean;
  returned: boolean;
}

function level(escalation: EscalationStep | 'none'): string {
  return escalation === 'none' ? 'none yet' : `${escalation} (${INSTRUMENT_NAMES[escalation]})`;
}

/** Overdue means still open after the end of its deadline day (`today` in the campaign's time zone). */
export function standingOn(o: StandingFacts, today: CivilDate): { state: Standing; summary: string } {
  const overdue = o.status === 'open' && today > o.due;
  const state: Standing = o.status === 'open' ? (overdue ? 'overdue' : 'open') : o.status;
  const notes: string[] = [];
  if (o.extended) notes.push(`extended (originally due ${o.originalDue})`);
  if (o.returned) notes.push('returned for revision');
  let summary: string;
  switch (state) {
    case 'submitted':
      summary = o.lateWorkingDays ? `submitted ${o.lateWorkingDays} working day(s) late` : 'submitted on time';
      break;
    case 'waived':
      summary = 'waived';
      break;
    case 'overdue':
      summary = `overdue at escalation level ${level(o.escalation)}`;
      break;
    case 'open':
      summary = `open, due ${o.due}`;
  }
  if (o.status !== 'open' && o.escalation !== 'none') notes.push(`escalation reached: ${level(o.escalation)}`);
  return { state, summary: notes.length ? `${summary}; ${notes.join('; ')}` : summary };
}
