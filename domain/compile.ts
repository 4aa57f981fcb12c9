// From a validated definition to what a launch needs: one obligation per unit × deliverable owed,
// the calendar snapshot the workflows will use, and warnings an operator must read before launching.
import { type CivilDate, type WorkCalendar, addDays, missingYears, yearOf } from './calendar';
import type { CampaignDefinition, DeliverableDef, UnitDef } from './definition';
import { noticeSchedule } from './policy';
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

export function owes(unit: UnitDef, deliverable: DeliverableDef): boolean {
  return deliverable.owedBy.includes(unit.type) || deliverable.owedBy.includes(unit.id);
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

export function compileCampaign(def: CampaignDefinition, launchAt: number): CompiledCampaign {
  const calendar = campaignCalendar(def);
  const obligations: Obligation[] = [];
  for (const deliverable of def.deliverables) {
    const stage = def.stages.find((s) => s.id === deliverable.stage)!;
    const stageOpens = startOfDate(stage.start, def.timeZone);
    for (const unit of def.units) {
      if (!owes(unit, deliverable)) continue;
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

/** The campaign's own dates, from its first stage to its last possible notice, must lie in known years. */
function calendarWarnings(def: CampaignDefinition, calendar: WorkCalendar, obligations: Obligation[]): string[] {
  let first = [...def.stages].map((s) => s.start).sort()[0];
  let last = first;
  const seen = new Set<string>();
  for (const o of obligations) {
    const deliverable = def.deliverables.find((d) => d.id === o.deliverableId)!;
    const key = `${o.due}|${o.deliverableId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const schedule = noticeSchedule({ policy: deliverable.policy, calendar, timeZone: def.timeZone }, o.due);
    const lastNotice = schedule.length ? civilDateOf(schedule[schedule.length - 1].at, def.timeZone) : o.due;
    if (lastNotice > last) last = lastNotice;
    if (o.due < first) first = o.due;
  }
  const missing = missingYears(calendar, first, addDays(last, 14));
  if (missing.length === 0) return [];
  return [
    `the holiday calendar does not cover ${missing.join(', ')}: in those years every weekday counts as a working day ` +
      `and no 调休 make-up day is known. Add the State Council's dates under campaign.calendar (holidays, workdays) ` +
      `and list the year under campaign.calendar.years to confirm it.`,
  ];
}
