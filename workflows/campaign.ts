// Launches a campaign: starts one obligation workflow per unit × deliverable, in batches from an
// activity, so a campaign of thousands of units never holds thousands of pending children; then (campaigns
// launched since the patch 'lead-digests') one workflow per lead department's list of its units not yet in.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { CampaignInput, DubanActivities } from '../shared/contract';

const { countObligations, startObligationWorkflows, startLeadDigestWorkflows } = proxyActivities<DubanActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

export async function campaignWorkflow(input: CampaignInput): Promise<{ obligations: number; started: number }> {
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
