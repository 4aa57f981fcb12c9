// Starting a campaign's obligation workflows. Idempotent: a workflow id that already exists is left alone, so a
// retried batch starts nothing twice; every start accepted (or found done) is marked on the obligation's row.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { DueStartsInput, DueStartsResult, StartBatchInput } from '../shared/contract';
import { startObligationWorkflow } from '../shared/obligation-start';
import { type CampaignSettings, loadCampaign } from '../store/campaigns';
import type { Db } from '../store/db';
import { type ObligationToStart, markObligationsStarted, nextObligationStartBy, obligationInput, obligationsDueToStart } from '../store/obligation-starts';

/** Concurrent start requests within one batch. */
const START_CONCURRENCY = 32;

export function createLaunchActivities(deps: { db: Db; client: Client; taskQueue: string; searchAttributes: boolean }) {
  const { db, client } = deps;
  const startOptions = { taskQueue: deps.taskQueue, searchAttributes: deps.searchAttributes };

  /** Starts these obligations' workflows, a few at a time, heartbeating; marks each as started. */
  async function startAll(campaignId: string, settings: CampaignSettings, rows: ObligationToStart[]): Promise<number> {
    let started = 0;
    let next = 0;
    const lanes = Array.from({ length: Math.min(START_CONCURRENCY, rows.length) }, async () => {
      while (next < rows.length) {
        const o = rows[next++];
        if (await startObligationWorkflow(client, startOptions, obligationInput(settings, campaignId, o))) started++;
        Context.current().heartbeat(next);
      }
    });
    await Promise.all(lanes);
    await markObligationsStarted(db, campaignId, rows, new Date());
    return started;
  }

  async function countObligations(campaignId: string): Promise<number> {
    return db.obligation.count({ where: { campaignId } });
  }

  /** Campaigns launched before obligations were started when due: every open one, a page of the campaign's at a time. */
  async function startObligationWorkflows(args: StartBatchInput): Promise<number> {
    const rows = await db.obligation.findMany({
      where: { campaignId: args.campaignId }, // stable pagination: every row, closed ones skipped below
      orderBy: [{ unitId: 'asc' }, { deliverableId: 'asc' }],
      skip: args.offset,
      take: args.limit,
    });
    // submitted or waived: never started again, whatever Temporal remembers
    const { settings } = await loadCampaign(db, args.campaignId);
    return startAll(args.campaignId, settings, rows.filter((o) => o.status === 'open'));
  }

  /**
   * Starts up to `limit` of the campaign's obligations whose workflows are due to start (workflowStartBy reached, in
   * campaign time) and were not; says whether more are due, and when the next falls due (server time, for the workflow's timer).
   */
  async function startDueObligationWorkflows(args: DueStartsInput): Promise<DueStartsResult> {
    const { settings, clock } = await loadCampaign(db, args.campaignId);
    // never before the server's time of this attempt: the campaign's timer fired then, so a worker whose clock runs
    // behind the server's still finds due what the timer woke it for
    const scheduled = Context.current().info.currentAttemptScheduledTimestampMs;
    const now = new Date(Math.max(clock.current(Date.now(), () => scheduled), clock.at(scheduled)));
    const rows = await obligationsDueToStart(db, args.campaignId, now, args.limit + 1);
    const batch = rows.slice(0, args.limit);
    const started = await startAll(args.campaignId, settings, batch);
    if (rows.length > args.limit) return { started, more: true };
    const next = await nextObligationStartBy(db, args.campaignId, now);
    return { started, more: false, nextStartAt: next ? clock.serverTimeAt(next.getTime()) : undefined };
  }

  return { countObligations, startObligationWorkflows, startDueObligationWorkflows };
}
