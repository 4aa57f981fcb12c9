// Which obligations' workflows have been started: Obligation.workflowStartedAt, null until Temporal has accepted the
// start (or said the workflow exists). Obligation.workflowStartBy (campaign time, fixed at launch) says when it must
// be running: a day before its first notice (domain/obligation-start.ts); null, at once. The campaign's workflow
// starts the due ones a batch at a time and sleeps until the next is due; an operator's action starts its own.
import { initialState } from '../domain/policy';
import type { ObligationInput } from '../shared/contract';
import type { Obligation } from '../generated/prisma/client';
import { type CampaignSettings, scheduleContext } from './campaigns';
import type { Db } from './db';

export type ObligationToStart = Pick<Obligation, 'unitId' | 'deliverableId' | 'stageId' | 'due' | 'opensAt'>;

/** What an obligation's workflow starts with: the schedule of its deliverable, and its state as launched. */
export function obligationInput(settings: CampaignSettings, campaignId: string, o: ObligationToStart): ObligationInput {
  return {
    campaignId,
    unitId: o.unitId,
    deliverableId: o.deliverableId,
    stageId: o.stageId,
    ctx: scheduleContext(settings, campaignId, o.deliverableId),
    state: initialState(o.due, o.opensAt.getTime()),
    clockOffsetMs: settings.clockOffsetMs,
  };
}

/** Open obligations whose workflow is due to start by `now` (campaign time) and has not been, up to `limit`, the most pressing first. */
export async function obligationsDueToStart(db: Db, campaignId: string, now: Date, limit: number): Promise<ObligationToStart[]> {
  return db.obligation.findMany({
    where: { campaignId, status: 'open', workflowStartedAt: null, OR: [{ workflowStartBy: null }, { workflowStartBy: { lte: now } }] },
    select: { unitId: true, deliverableId: true, stageId: true, due: true, opensAt: true },
    orderBy: [{ workflowStartBy: 'asc' }, { unitId: 'asc' }, { deliverableId: 'asc' }],
    take: limit,
  });
}

/** When the next open obligation's workflow is due to start after `now` (campaign time); undefined: none is left. */
export async function nextObligationStartBy(db: Db, campaignId: string, now: Date): Promise<Date | undefined> {
  const row = await db.obligation.findFirst({
    where: { campaignId, status: 'open', workflowStartedAt: null, workflowStartBy: { gt: now } },
    select: { workflowStartBy: true },
    orderBy: { workflowStartBy: 'asc' },
  });
  return row?.workflowStartBy ?? undefined;
}

/** Records that these obligations' workflows are running; one marked already keeps its first time. */
export async function markObligationsStarted(
  db: Db,
  campaignId: string,
  started: readonly Pick<Obligation, 'unitId' | 'deliverableId'>[],
  at: Date,
): Promise<void> {
  const byDeliverable = new Map<string, string[]>();
  for (const o of started) {
    const units = byDeliverable.get(o.deliverableId);
    if (units) units.push(o.unitId);
    else byDeliverable.set(o.deliverableId, [o.unitId]);
  }
  for (const [deliverableId, unitIds] of byDeliverable) {
    // in slices: SQLite takes at most 32,766 parameters in a statement
    for (let i = 0; i < unitIds.length; i += 500) {
      await db.obligation.updateMany({
        where: { campaignId, deliverableId, unitId: { in: unitIds.slice(i, i + 500) }, workflowStartedAt: null },
        data: { workflowStartedAt: at },
      });
    }
  }
}
