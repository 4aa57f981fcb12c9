// Each lead department's list of its departments not yet in (分别报送相关牵头部门): a deliverable submitted to lead
// departments is owed to them by the units whose reportsTo names them, and each lead department hears, at the
// deliverable's send time on the first working day after those units' deadline, which of them have not submitted.
// Pure: `plan` and the activity that starts the lists' workflows both call leadDigests, so they cannot disagree.
import { type CivilDate, type WorkCalendar, workingDaysOf } from './calendar';
import type { SubmitTarget } from './definition';
import type { NoticePolicy } from './policy';
import { civilDateOf, formatInstant, instantAt } from './zoned-time';

/** What the list is called where notices are listed (`plan`, `simulate`, the console's preview). */
export const LEAD_DIGEST_NAME = '报送情况函';
/** Its kind among the letters to a unit (UnitMessage.kind) and its action in `plan`. */
export const LEAD_DIGEST = 'lead-digest';

/** One lead department's list for one deliverable and one deadline of the units reporting to it. */
export interface LeadDigest {
  leadId: string;
  deliverableId: string;
  /** The reporting units' deadline as the campaign file set it (an extension or return does not move the list). */
  deadline: CivilDate;
  /** When it goes: the deliverable's send time on the first working day after `deadline`. */
  at: number;
  /** The units that owe the deliverable to this lead department with this deadline, by id. */
  reporters: string[];
}

export interface DigestCampaign {
  units: readonly { id: string; reportsTo: readonly string[] }[];
  /** Every obligation, with the deadline the campaign file gave it. */
  obligations: readonly { unitId: string; deliverableId: string; due: CivilDate }[];
  deliverables: ReadonlyMap<string, { submitTo: readonly SubmitTarget[]; policy: NoticePolicy }>;
  calendar: WorkCalendar;
  timeZone: string;
  /** A list due before the launch is not sent, as no notice due before an obligation opened is. */
  launchAt: number;
}

/** Every lead department's list, ordered by time, lead department, deliverable. */
export function leadDigests(c: DigestCampaign): LeadDigest[] {
  const days = workingDaysOf(c.calendar);
  const reportsTo = new Map(c.units.map((u) => [u.id, u.reportsTo]));
  const byKey = new Map<string, LeadDigest>();
  for (const o of c.obligations) {
    const deliverable = c.deliverables.get(o.deliverableId);
    if (!deliverable?.submitTo.includes('lead_departments')) continue;
    for (const leadId of reportsTo.get(o.unitId) ?? []) {
      const key = `${leadId}\n${o.deliverableId}\n${o.due}`;
      let digest = byKey.get(key);
      if (!digest) {
        const at = instantAt(days.nthWorkingDayAfter(o.due, 1), deliverable.policy.sendAt, c.timeZone);
        byKey.set(key, (digest = { leadId, deliverableId: o.deliverableId, deadline: o.due, at, reporters: [] }));
      }
      digest.reporters.push(o.unitId);
    }
  }
  return [...byKey.values()]
    .filter((d) => d.at >= c.launchAt)
    .map((d) => ({ ...d, reporters: [...d.reporters].sort() }))
    .sort((a, b) => a.at - b.at || cmp(a.leadId, b.leadId) || cmp(a.deliverableId, b.deliverableId) || cmp(a.deadline, b.deadline));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The list's key among the letters to its lead department (UnitMessage), naming the deadline and the instant it is
 * due: `lead-digest/<deadline>/<YYYY-MM-DD>/<HHmm>` (the campaign's zone). One letter per key, ever.
 */
export function leadDigestKey(d: Pick<LeadDigest, 'deadline' | 'at'>, timeZone: string): string {
  const local = formatInstant(d.at, timeZone);
  return `${LEAD_DIGEST}/${d.deadline}/${local.slice(0, 10)}/${local.slice(11, 16).replace(':', '')}`;
}

const KEY = /(?:^|\/)lead-digest\/(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})\/(\d{2})(\d{2})$/;

/** The instant a list was due, read back from its key (leadDigestKey) or a message key ending in it; undefined for any other key. */
export function leadDigestInstant(key: string, timeZone: string): number | undefined {
  const m = KEY.exec(key);
  return m ? instantAt(m[2], `${m[3]}:${m[4]}`, timeZone) : undefined;
}

/** The reporting units' deadline a list is about, read back from its key; undefined for any other key. */
export function leadDigestDeadline(key: string): CivilDate | undefined {
  return KEY.exec(key)?.[1];
}

/** Whether a unit with deadline `due` is late at instant `at`: its deadline day has ended. */
export function pastDeadline(due: CivilDate, at: number, timeZone: string): boolean {
  return civilDateOf(at, timeZone) > due;
}
