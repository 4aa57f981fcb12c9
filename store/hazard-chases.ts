// Which hazards' chase workflows have been started: Hazard.chaseStartedAt, null from the moment the row is recorded
// until a start (or a signal to a running chase) has been accepted by Temporal. The campaign's
// hazardChaseStartsWorkflow works through the nulls, a batch at a time, so an import commits its rows and returns.
import type { Db } from './db';

/** Up to `limit` hazards of the campaign whose chase has not been started, oldest 序号 first. */
export async function hazardsAwaitingChase(db: Db, campaignId: string, limit: number): Promise<string[]> {
  const rows = await db.hazard.findMany({
    where: { campaignId, chaseStartedAt: null },
    select: { id: true },
    orderBy: { serial: 'asc' },
    take: limit,
  });
  return rows.map((r) => r.id);
}

/** How many hazards of the campaign still wait for their chase to start. */
export function countHazardsAwaitingChase(db: Db, campaignId: string): Promise<number> {
  return db.hazard.count({ where: { campaignId, chaseStartedAt: null } });
}

/** Records that these hazards' chases are running; a hazard marked already keeps its first time. */
export async function markHazardChasesStarted(db: Db, campaignId: string, hazardIds: readonly string[], at: Date): Promise<void> {
  // in slices: SQLite takes at most 32,766 parameters in a statement
  for (let i = 0; i < hazardIds.length; i += 500) {
    await db.hazard.updateMany({
      where: { campaignId, id: { in: hazardIds.slice(i, i + 500) }, chaseStartedAt: null },
      data: { chaseStartedAt: at },
    });
  }
}

/** Campaigns with a hazard recorded and no chase started (a worker starting resumes their starters). */
export async function campaignsWithHazardsAwaitingChase(db: Db): Promise<string[]> {
  const rows = await db.hazard.findMany({ where: { chaseStartedAt: null }, select: { campaignId: true }, distinct: ['campaignId'] });
  return rows.map((r) => r.campaignId);
}
