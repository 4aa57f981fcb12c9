// The 约谈 records interview notices created, for the office to schedule.
import { requireCampaign } from '../store/campaigns';
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
