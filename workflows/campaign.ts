// Launches a campaign. Since the patch 'obligations-started-when-due': starts the lead departments' lists, then each
// obligation's workflow a day before its first notice (domain/obligation-start.ts), a batch per activity, sleeping
// until the next is due; an operator's action on an obligation not yet started starts it itself. Before it: every
// obligation's workflow at launch, in batches from an activity, then (since 'lead-digests') the lead departments'
// lists. Either way a campaign of thousands of units never holds thousands of pending children.
import { continueAsNew, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { type CampaignInput, type CampaignProgress, type DubanActivities, campaignProgressQuery } from '../shared/contract';

const { countObligations, startObligationWorkflows, startDueObligationWorkflows, startLeadDigestWorkflows } = proxyActivities<DubanActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

export async function campaignWorkflow(input: CampaignInput): Promise<{ obligations: number; started: number }> {
  if (patched('obligations-started-when-due')) return startWhenDue(input);
  const total = await countObligations(input.campaignId);
  const offsets: number[] = [];
  for (let offset = 0; offset < total; offset += input.batchSize) offsets.push(offset);
  let started = 0;
  for (let i = 0; i < offsets.length; i += input.parallelism) {
    const results = await Promise.all(
      offsets.slice(i, i + input.parallelism).map((offset) =>
        startObligationWorkflows({ campaignId: input.campaignId, offset, limit: input.batchSize }),
      ),
    );
    started += results.reduce((a, b) => a + b, 0);
  }
  if (patched('lead-digests')) await startLeadDigestWorkflows(input.campaignId);
  return { obligations: total, started };
}

async function startWhenDue(input: CampaignInput): Promise<{ obligations: number; started: number }> {
  const progress: CampaignProgress = { started: input.started ?? 0 };
  setHandler(campaignProgressQuery, () => progress);
  if (!input.leadDigestsStarted) await startLeadDigestWorkflows(input.campaignId);
  for (;;) {
    const due = await startDueObligationWorkflows({ campaignId: input.campaignId, limit: input.batchSize });
    progress.started += due.started;
    if (due.more) continue;
    if (due.nextStartAt === undefined) break;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof campaignWorkflow>({ ...input, leadDigestsStarted: true, started: progress.started });
    }
    progress.waitingUntil = due.nextStartAt;
    // at least a second: a start due now that was not found (clocks apart) is looked for again, not in a tight loop
    await sleep(Math.max(due.nextStartAt - Date.now(), 1000));
    progress.waitingUntil = undefined;
  }
  return { obligations: await countObligations(input.campaignId), started: progress.started };
}
