// The 约谈 records interview notices created, for the office to schedule.
import { DubanError } from '../domain/errors';
import { formatInstant, parseInstant } from '../domain/zoned-time';
import { appendAudit } from '../store/audit';
import type { Interview } from '../shared/console';
import { requireCampaign, settingsOf } from '../store/campaigns';
import type { Db } from '../store/db';

export interface InterviewRow {
  unit: string;
  deliverable: string;
  principal: string;
  status: string;
  createdAt: string;
}

export async function campaignInterviews(db: Db, campaignId: string): Promise<InterviewRow[]> {
  await requireCampaign(db, campaignId);
  const rows = await db.interview.findMany({ where: { campaignId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows.map((i) => ({ unit: i.unitId, deliverable: i.deliverableId, principal: i.principal, status: i.status, createdAt: i.createdAt.toISOString() }));
}

export async function interviewViews(db: Db, campaignId: string): Promise<Interview[]> {
  const campaign = await requireCampaign(db, campaignId);
  const zone = campaign.timeZone;
  const units = new Map((await db.unit.findMany({ where: { campaignId } })).map((u) => [u.unitId, u.name]));
  const deliverables = new Map(Object.entries(settingsOf(campaign).deliverables).map(([id, d]) => [id, d.name]));
  const rows = await db.interview.findMany({ where: { campaignId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows.map((i) => ({
    id: i.id,
    unitId: i.unitId,
    unitName: units.get(i.unitId) ?? i.unitId,
    deliverableId: i.deliverableId,
    deliverableName: deliverables.get(i.deliverableId) ?? i.deliverableId,
    principal: i.principal,
    status: i.status as Interview['status'],
    scheduledFor: i.scheduledFor ? formatInstant(i.scheduledFor.getTime(), zone) : null,
    place: i.place,
    conductedBy: i.conductedBy,
    outcome: i.outcome,
    createdAt: formatInstant(i.createdAt.getTime(), zone),
    closedAt: i.closedAt ? formatInstant(i.closedAt.getTime(), zone) : null,
  }));
}

async function requireInterview(db: Db, id: number) {
  const row = await db.interview.findUnique({ where: { id } });
  if (!row) throw new DubanError('UNKNOWN_INTERVIEW', `约谈记录 ${id} 不存在`);
  if (row.status === 'held') throw new DubanError('INTERVIEW_CLOSED', `约谈记录 ${id} 已办结`);
  return row;
}

/** 安排约谈: when (an instant in the campaign's zone), where, and who conducts it. Rescheduling is allowed until it is held. */
export async function scheduleInterview(db: Db, args: { id: number; at: string; place: string; conductedBy: string; actor: string }): Promise<void> {
  const row = await requireInterview(db, args.id);
  const campaign = await requireCampaign(db, row.campaignId);
  const when = parseInstant(args.at, campaign.timeZone);
  if (when === undefined) throw new DubanError('INVALID_ARGUMENT', `约谈时间“${args.at}”不是有效的时间（格式如 2022-10-25T09:30）`);
  const place = args.place?.trim();
  const conductedBy = args.conductedBy?.trim();
  if (!place) throw new DubanError('INVALID_ARGUMENT', '请填写约谈地点');
  if (!conductedBy) throw new DubanError('INVALID_ARGUMENT', '请填写约谈人');
  const at = new Date();
  await db.$transaction(async (tx) => {
    await tx.interview.update({ where: { id: row.id }, data: { status: 'scheduled', scheduledFor: new Date(when), place, conductedBy } });
    await appendAudit(tx, {
      eventKey: `${row.noticeKey}/scheduled/${at.getTime()}`,
      campaignId: row.campaignId,
      unitId: row.unitId,
      deliverableId: row.deliverableId,
      at,
      kind: 'interview.scheduled',
      actor: args.actor,
      summary: `interview scheduled for ${formatInstant(when, campaign.timeZone)}`,
      detail: { interviewId: row.id, at: formatInstant(when, campaign.timeZone), place, conductedBy },
    });
  });
}

/** 记录约谈结果并办结. */
export async function closeInterview(db: Db, args: { id: number; outcome: string; actor: string }): Promise<void> {
  const row = await requireInterview(db, args.id);
  const outcome = args.outcome?.trim();
  if (!outcome) throw new DubanError('INVALID_ARGUMENT', '请填写约谈结果');
  if (row.status !== 'scheduled') throw new DubanError('INVALID_ARGUMENT', '约谈尚未安排，不能办结');
  const at = new Date();
  await db.$transaction(async (tx) => {
    const updated = await tx.interview.updateMany({ where: { id: row.id, status: 'scheduled' }, data: { status: 'held', outcome, closedAt: at } });
    if (updated.count !== 1) throw new DubanError('INTERVIEW_CLOSED', `约谈记录 ${row.id} 已办结`);
    await appendAudit(tx, {
      eventKey: `${row.noticeKey}/closed`,
      campaignId: row.campaignId,
      unitId: row.unitId,
      deliverableId: row.deliverableId,
      at,
      kind: 'interview.closed',
      actor: args.actor,
      summary: 'interview held and closed',
      detail: { interviewId: row.id, outcome },
    });
  });
}
