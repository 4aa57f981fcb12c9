// From a validated definition to what a launch needs: one obligation per unit × deliverable owed,
// the calendar snapshot the workflows will use, and warnings an operator must read before launching.
import { type CivilDate, type WorkCalendar, addDays, missingYears, yearOf } from './calendar';
import type { CampaignDefinition, DeliverableDef, UnitDef } from './definition';
import { type ScheduleContext, lastNoticeAt, noticeSchedule } from './policy';
import { STATE_COUNCIL_YEARS, stateCouncilDays } from './state-council-calendar';
import { civilDateOf, startOfDate } from './zoned-time';

/** 报送事项 owed by one unit. */
export interface Obligation {
  unitId: string;
  deliverableId: string;
  stageId: string;
  due: CivilDate;
  /** Launch or stage start, whichever is later: no notice before it. */
  opensAt: number;
}

export interface CompiledCampaign {
  definition: CampaignDefinition;
  calendar: WorkCalendar;
  launchAt: number;
  obligations: Obligation[];
  warnings: string[];
}

export function dueFor(unit: UnitDef, deliverable: DeliverableDef): CivilDate {
  return deliverable.dueFor[unit.id] ?? deliverable.dueFor[unit.type] ?? deliverable.due;
}

/** The campaign's calendar: State Council data for the years it spans (plus a margin), with its own overrides. */
export function campaignCalendar(def: CampaignDefinition): WorkCalendar {
  const starts = def.stages.map((s) => s.start).sort();
  const ends = def.stages.map((s) => s.end).sort();
  const fromYear = yearOf(starts[0]);
  const toYear = yearOf(ends[ends.length - 1]) + 1; // escalation and extensions run past the last stage
  const bundled = stateCouncilDays(fromYear, toYear);
  const local = new Set(def.calendar.workdays);
  return {
    holidays: [...new Set([...bundled.holidays.filter((d) => !local.has(d)), ...def.calendar.holidays])].sort(),
    workdays: [...new Set([...bundled.workdays.filter((d) => !def.calendar.holidays.includes(d)), ...def.calendar.workdays])].sort(),
    knownYears: [...new Set([...STATE_COUNCIL_YEARS.filter((y) => y >= fromYear && y <= toYear), ...def.calendar.years])].sort(),
  };
}

/** Without an explicit launch time, `plan` and `simulate` launch at the start of the first stage. */
export function defaultLaunchAt(def: CampaignDefinition): number {
  const first = def.stages.map((s) => s.start).sort()[0];
  return startOfDate(first, def.timeZone);
}

export function compileCampaign(def: CampaignDefinition, launchAt: number): CompiledCampaign {
  const calendar = campaignCalendar(def);
  const obligations: Obligation[] = [];
  for (const deliverable of def.deliverables) {
    const stage = def.stages.find((s) => s.id === deliverable.stage)!;
    const stageOpens = startOfDate(stage.start, def.timeZone);
    const owedBy = new Set(deliverable.owedBy); // a unit owes it by its type or by its id
    for (const unit of def.units) {
      if (!owedBy.has(unit.type) && !owedBy.has(unit.id)) continue;
      obligations.push({
        unitId: unit.id,
        deliverableId: deliverable.id,
        stageId: stage.id,
        due: dueFor(unit, deliverable),
        opensAt: Math.max(launchAt, stageOpens),
      });
    }
  }
  return { definition: def, calendar, launchAt, obligations, warnings: calendarWarnings(def, calendar, obligations) };
}

/** Days after a deadline's last notice that the calendar must still know: late submissions are counted in working days. */
export const COVERAGE_MARGIN_DAYS = 14;

/** The last day on which `deadline` can produce a notice. */
function lastNoticeDate(ctx: ScheduleContext, deadline: CivilDate): CivilDate {
  const last = lastNoticeAt(ctx, deadline);
  return last === undefined ? deadline : civilDateOf(last, ctx.timeZone);
}

/** Years from `from` to past the last notice of `deadline` (plus the margin) that the calendar does not know. */
export function uncoveredYears(ctx: ScheduleContext, from: CivilDate, deadline: CivilDate): number[] {
  const start = from < deadline ? from : deadline;
  return missingYears(ctx.calendar, start, addDays(lastNoticeDate(ctx, deadline), COVERAGE_MARGIN_DAYS));
}

/** The warning an operator must read when a deadline moves into years the calendar does not know. */
export function newDeadlineCoverageWarning(ctx: ScheduleContext, deadline: CivilDate): string | undefined {
  const missing = uncoveredYears(ctx, deadline, deadline);
  if (missing.length === 0) return undefined;
  return `专项行动的节假日日历不包含 ${missing.join('、')} 年：${deadline} 之后的工作日将按普通周一至周五计算，不考虑法定节假日和调休`;
}

/** One (deliverable, deadline) pair per distinct schedule, with its context. */
function distinctSchedules(def: CampaignDefinition, calendar: WorkCalendar, obligations: Obligation[]) {
  const seen = new Map<string, { ctx: ScheduleContext; due: CivilDate; opensAt: number }>();
  const deliverables = new Map<string, DeliverableDef>(); // the first of each id, as find would give
  for (const d of def.deliverables) if (!deliverables.has(d.id)) deliverables.set(d.id, d);
  for (const o of obligations) {
    const key = `${o.due}|${o.deliverableId}|${o.opensAt}`;
    if (seen.has(key)) continue;
    const deliverable = deliverables.get(o.deliverableId)!;
    seen.set(key, { ctx: { policy: deliverable.policy, calendar, timeZone: def.timeZone }, due: o.due, opensAt: o.opensAt });
  }
  return [...seen.values()];
}

/** The campaign's own dates, from its first stage to its last possible notice, must lie in known years. */
function calendarWarnings(def: CampaignDefinition, calendar: WorkCalendar, obligations: Obligation[]): string[] {
  const first = [...def.stages].map((s) => s.start).sort()[0];
  const missing = new Set<number>();
  for (const { ctx, due } of distinctSchedules(def, calendar, obligations)) {
    for (const year of uncoveredYears(ctx, first, due)) missing.add(year);
  }
  if (missing.size === 0) return [];
  return [
    `节假日日历不包含 ${[...missing].sort().join('、')} 年：这些年份中每个周一至周五都算工作日，也不知道任何调休上班日。` +
      `请在 campaign.calendar（holidays、workdays）中填入国务院公布的日期，并在 campaign.calendar.years 中列出该年份以确认。`,
  ];
}

/**
 * A launch that can never send anything: every deadline and every escalation step lies before the
 * obligations open (usually a typo in the year). Returns the refusal to show, or undefined.
 */
export function nothingToChase(compiled: CompiledCampaign): string | undefined {
  const def = compiled.definition;
  const schedules = distinctSchedules(def, compiled.calendar, compiled.obligations);
  if (schedules.some(({ ctx, due, opensAt }) => noticeSchedule(ctx, due).some((n) => n.at >= opensAt))) return undefined;
  const latest = schedules.map((s) => s.due).sort().pop();
  return (
    `${def.id} 的所有截止日期（最晚的是 ${latest}）和督办的每一步都早于启动日 ${civilDateOf(compiled.launchAt, def.timeZone)}：` +
    `现在启动不会发出任何通知。请检查文件中的年份；如仍要登记，请加 --allow-past 启动`
  );
}
