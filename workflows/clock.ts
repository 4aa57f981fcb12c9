// Used only by `duban simulate`: a timer the client waits on so the time-skipping server advances
// the rehearsal's clock to the end of the campaign.
import { sleep } from '@temporalio/workflow';

export async function rehearsalClockWorkflow(durationMs: number): Promise<void> {
  await sleep(durationMs);
}
