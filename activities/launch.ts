// Starting a campaign's obligation workflows, a batch per activity. Idempotent: a workflow id that
// already exists is left alone, so a retried batch starts nothing twice.
import { Context } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { initialState } from '../domain/policy';
import { type ObligationInput, SEARCH_ATTRIBUTES, type StartBatchInput, obligationWorkflowId } from '../shared/contract';
import { loadCampaign, scheduleContext } from '../store/campaigns';
import type { Db } from '../store/db';
import { obligationWorkflow } from '../workflows/obligation';

/** Concurrent start requests within one batch. */
const START_CONCURRENCY = 16;

export function createLaunchActivities(deps: { db: Db; client: Client; taskQueue: string; searchAttributes: boolean }) {
  const { db, client } = deps;

  async function countObligations(campaignId: string): Promise<number> {
    return db.obligation.count({ where: { campaignId } });
  }

  async function startObligationWorkflows(args: StartBatchInput): Promise<number> {
    const { campaignId } = args;
    const { settings } = await loadCampaign(db, campaignId);
    const rows = await db.obligation.findMany({
      where: { campaignId }, // stable pagination: every row, closed ones skipped below
      orderBy: [{ unitId: 'asc' }, { deliverableId: 'asc' }],
      skip: args.offset,
      take: args.limit,
    });
    let started = 0;
    let next = 0;
    const startOne = async (o: (typeof rows)[number]) => {
      if (o.status !== 'open') return; // submitted or waived: never started again, whatever Temporal remembers
      const input: ObligationInput = {
        campaignId,
        unitId: o.unitId,
        deliverableId: o.deliverableId,
        stageId: o.stageId,
        ctx: scheduleContext(settings, campaignId, o.deliverableId),
        state: initialState(o.due, o.opensAt.getTime()),
        clockOffsetMs: settings.clockOffsetMs,
      };
      try {
        await client.workflow.start(obligationWorkflow, {
          workflowId: obligationWorkflowId(campaignId, o.unitId, o.deliverableId),
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: deps.searchAttributes
            ? [
                { key: SEARCH_ATTRIBUTES.campaign, value: campaignId },
                { key: SEARCH_ATTRIBUTES.unit, value: o.unitId },
                { key: SEARCH_ATTRIBUTES.deliverable, value: o.deliverableId },
                { key: SEARCH_ATTRIBUTES.stage, value: o.stageId },
              ]
            : undefined,
        });
        started++;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      Context.current().heartbeat(args.offset + next);
    };
    const lanes = Array.from({ length: Math.min(START_CONCURRENCY, rows.length) }, async () => {
      while (next < rows.length) await startOne(rows[next++]);
    });
    await Promise.all(lanes);
    return started;
  }

  return { countObligations, startObligationWorkflows };
}
