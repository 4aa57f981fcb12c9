// The State Council holiday calendar bundled by the chinese-days package (statutory holidays and
// 调休 make-up days). Read once at launch; workflows receive a snapshot, never this module.
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { CivilDate } from './calendar';

const holidays = Object.keys(data.holidays) as CivilDate[];
const workdays = Object.keys(data.workdays) as CivilDate[];

export const STATE_COUNCIL_YEARS: readonly number[] = [...new Set(holidays.map((d) => Number(d.slice(0, 4))))].sort();

export function stateCouncilDays(fromYear: number, toYear: number): { holidays: CivilDate[]; workdays: CivilDate[] } {
  const inRange = (d: string) => Number(d.slice(0, 4)) >= fromYear && Number(d.slice(0, 4)) <= toYear;
  return { holidays: holidays.filter(inRange), workdays: workdays.filter(inRange) };
}
