// `duban status`: every unit × deliverable of a campaign and where it stands, from the database.
import { nextStepOf } from '../domain/next-step';
import { type EscalationStep, INSTRUMENT_NAMES, type NoticeAction } from '../domain/policy';
import { type Standing, standingOn } from '../domain/standing';
import { civilDateOf, formatInstant } from '../domain/zoned-time';
import { loadCampaign, scheduleContext } from '../store/campaigns';
import type { Db } from '../store/db';
import { obligationFacts } from '../store/obligations';
import { awaitingSignOffByObligation } from './sign-off';

export interface StatusRow {
  unit: string;
  unitName: string;
  deliverable: string;
  deliverableName: string;
  stage: string;
  due: string;
  originalDue: string;
  /** open | overdue | submitted | waived (for programs; `stateText` is for people) */
  state: Standing;
  /** 未到期 / 逾期 / 已报送（按时）/ 已报送（逾期N个工作日）/ 免报, then 已延期（原截止…）/ 已退回 …, joined by ； */
  stateText: string;
  escalation: EscalationStep | 'none';
  lateWorkingDays: number | null;
  submittedAt: string | null;
  extended: boolean;
  returned: boolean;
  /** The next notice still to come (domain/next-step.ts), `at` in ISO with the campaign zone's offset; null when none. */
  nextStep: { action: NoticeAction; at: string } | null;
  /** The step whose letter about it waits for a leader's 签发 (待签发), or null. */
  awaitingSignOff: 'circulate' | 'interview' | null;
  /** Where it stands, in one line (Chinese). */
  summary: string;
}

/** `serverNow`: the Temporal server's time (the wall clock, except in a rehearsal). */
export async function campaignStatus(db: Db, campaignId: string, serverNow: number = Date.now()): Promise<{ campaignId: string; title: string; rows: StatusRow[] }> {
  const { campaign, settings, clock } = await loadCampaign(db, campaignId);
  const zone = campaign.timeZone;
  const now = clock.at(serverNow);
  const today = civilDateOf(now, zone);
  const units = new Map((await db.unit.findMany({ where: { campaignId } })).map((u) => [u.unitId, u.name]));
  const obligations = await db.obligation.findMany({ where: { campaignId } });
  const awaiting = await awaitingSignOffByObligation(db, campaignId);
  // sorted here, by code point: PostgreSQL's ORDER BY follows the server's locale, SQLite's compares bytes
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  obligations.sort((a, b) => byCodePoint(a.unitId, b.unitId) || byCodePoint(a.deliverableId, b.deliverableId));
  const rows = obligations.map((o): StatusRow => {
    const facts = obligationFacts(o);
    const { state, label, notes, summary } = standingOn(facts, today);
    const next = nextStepOf(scheduleContext(settings, campaignId, o.deliverableId), facts, now);
    const awaitingSignOff = (o.status === 'open' && awaiting.get(`${o.unitId}/${o.deliverableId}/${o.due}`)) || null;
    const waits = awaitingSignOff ? [`${INSTRUMENT_NAMES[awaitingSignOff]}待签发`] : [];
    return {
      unit: o.unitId,
      unitName: units.get(o.unitId) ?? o.unitId,
      deliverable: o.deliverableId,
      deliverableName: o.deliverableName,
      stage: o.stageId,
      due: o.due,
      originalDue: o.originalDue,
      state,
      stateText: [label, ...notes, ...waits].join('；'),
      escalation: facts.escalation,
      lateWorkingDays: o.lateWorkingDays,
      submittedAt: o.submittedAt ? formatInstant(o.submittedAt.getTime(), zone) : null,
      extended: o.extended,
      returned: o.returned,
      nextStep: next ? { action: next.action, at: formatInstant(next.at, zone) } : null,
      awaitingSignOff,
      summary: [summary, ...waits].join('，'),
    };
  });
  return { campaignId, title: campaign.title, rows };
}
