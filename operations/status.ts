// `duban status`: every unit × deliverable of a campaign and where it stands, from the database.
import type { Db } from '../store/db';
import { requireCampaign, settingsOf } from '../store/campaigns';
import { civilDateOf, formatInstant } from '../domain/zoned-time';

const STEP_NAMES: Record<string, string> = { urge: '提醒敦促函', notice: '督办通知', circulate: '通报', interview: '约谈' };

export interface StatusRow {
  unit: string;
  unitName: string;
  deliverable: string;
  stage: string;
  due: string;
  originalDue: string;
  /** open | overdue | submitted | waived */
  state: string;
  escalation: string;
  lateWorkingDays: number | null;
  submittedAt: string | null;
  extended: boolean;
  returned: boolean;
  summary: string;
}

export async function campaignStatus(db: Db, campaignId: string, now: number = Date.now()): Promise<{ campaignId: string; title: string; rows: StatusRow[] }> {
  const campaign = await requireCampaign(db, campaignId);
  const settings = settingsOf(campaign);
  const zone = campaign.timeZone;
  const today = civilDateOf(now + settings.clockOffsetMs, zone);
  const units = new Map((await db.unit.findMany({ where: { campaignId } })).map((u) => [u.unitId, u.name]));
  const obligations = await db.obligation.findMany({ where: { campaignId }, orderBy: [{ unitId: 'asc' }, { deliverableId: 'asc' }] });
  const rows = obligations.map((o): StatusRow => {
    const overdue = o.status === 'open' && today > o.due;
    const state = o.status === 'open' ? (overdue ? 'overdue' : 'open') : o.status;
    const notes: string[] = [];
    if (o.extended) notes.push(`extended (originally due ${o.originalDue})`);
    if (o.returned) notes.push('returned for revision');
    if (o.escalation !== 'none') notes.push(`escalation reached: ${o.escalation} (${STEP_NAMES[o.escalation]})`);
    let summary: string;
    if (o.status === 'submitted') {
      summary = o.lateWorkingDays ? `submitted ${o.lateWorkingDays} working day(s) late` : 'submitted on time';
    } else if (o.status === 'waived') {
      summary = 'waived';
    } else if (overdue) {
      summary = `overdue at escalation level ${o.escalation === 'none' ? 'none yet' : `${o.escalation} (${STEP_NAMES[o.escalation]})`}`;
    } else {
      summary = `open, due ${o.due}`;
    }
    if (notes.length && o.status !== 'open') summary += `; ${notes.join('; ')}`;
    else if (o.status === 'open') summary += notes.filter((n) => !n.startsWith('escalation')).map((n) => `; ${n}`).join('');
    return {
      unit: o.unitId,
      unitName: units.get(o.unitId) ?? o.unitId,
      deliverable: o.deliverableId,
      stage: o.stageId,
      due: o.due,
      originalDue: o.originalDue,
      state,
      escalation: o.escalation,
      lateWorkingDays: o.lateWorkingDays,
      submittedAt: o.submittedAt ? formatInstant(o.submittedAt.getTime(), zone) : null,
      extended: o.extended,
      returned: o.returned,
      summary,
    };
  });
  return { campaignId, title: campaign.title, rows };
}
