// Where an obligation stands on a given day, in the words `duban status` (and later the console) shows.
import type { CivilDate } from './calendar';
import { type EscalationStep, INSTRUMENT_NAMES, type NoticeAction, type ObligationStatus } from './policy';

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

/** The escalation level reached, as the instrument that reached it (提醒敦促函 …); none yet: 尚未督办. */
export function escalationName(escalation: EscalationStep | 'none'): string {
  return escalation === 'none' ? '尚未督办' : INSTRUMENT_NAMES[escalation];
}

/** A next step as status shows it: the instrument and its local date-time, `提醒 2022-10-12 09:00`. */
export function nextStepText(step: { action: NoticeAction; at: string } | null | undefined): string {
  return step ? `${INSTRUMENT_NAMES[step.action]} ${localDateTime(step.at)}` : '—';
}

/** `2022-10-12T09:00:00+08:00` (an instant formatted in the campaign's zone) as `2022-10-12 09:00`. */
export function localDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export interface StandingText {
  state: Standing;
  /** 未到期 / 逾期 / 已报送（按时）/ 已报送（逾期N个工作日）/ 免报 */
  label: string;
  /** 已延期（原截止…）, 已退回, and for a closed obligation the level it had reached. */
  notes: string[];
  /** Everything in one line. */
  summary: string;
}

/** Overdue means still open after the end of its deadline day (`today` in the campaign's time zone). */
export function standingOn(o: StandingFacts, today: CivilDate): StandingText {
  const overdue = o.status === 'open' && today > o.due;
  const state: Standing = o.status === 'open' ? (overdue ? 'overdue' : 'open') : o.status;
  const notes: string[] = [];
  if (o.extended) notes.push(`已延期（原截止 ${o.originalDue}）`);
  if (o.returned) notes.push('已退回');
  let label: string;
  let main: string;
  switch (state) {
    case 'submitted':
      main = label = o.lateWorkingDays ? `已报送（逾期${o.lateWorkingDays}个工作日）` : '已报送（按时）';
      break;
    case 'waived':
      main = label = '免报';
      break;
    case 'overdue':
      label = '逾期';
      main = `逾期（截止 ${o.due}），督办等级：${escalationName(o.escalation)}`;
      break;
    case 'open':
      label = '未到期';
      main = `未到期（截止 ${o.due}）`;
  }
  if (o.status !== 'open' && o.escalation !== 'none') notes.push(`曾达督办等级：${escalationName(o.escalation)}`);
  return { state, label, notes, summary: [main, ...notes].join('；') };
}
