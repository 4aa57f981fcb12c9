// The bare-Temporal baseline of `bench burst`: sleep until minute M, then one activity sends one mail.
// Bench-only; the same activity options as duban's obligation workflow gives its sendNotice.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { BareActivities } from './activities';

const { sendOneMail } = proxyActivities<BareActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export interface BareBurstInput {
  /** Epoch ms of minute M. */
  at: number;
  key: string;
  to: string;
}

export async function bareBurstWorkflow(input: BareBurstInput): Promise<void> {
  const wait = input.at - Date.now();
  if (wait > 0) await sleep(wait);
  await sendOneMail(input);
}
