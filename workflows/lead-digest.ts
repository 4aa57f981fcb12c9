// A lead department's list of its units not yet in, for one deliverable and deadline (domain/lead-digest.ts): sleeps
// until the list is due plus a short grace (the 提醒敦促函 of that morning are out, so each unit's step is read as it
// stands), runs sendLeadDigest once — which reads the record then and sends one letter through the unit-message
// claim — and ends. Started once per list by the campaign's workflow (startLeadDigestWorkflows).
import { proxyActivities, sleep } from '@temporalio/workflow';
import { CampaignClock } from '../domain/clock';
import type { DubanActivities, LeadDigestInput, LeadDigestResult } from '../shared/contract';

// As sendNotice's (workflows/obligation.ts): 5 s, growing by half, during a long outage every 5 minutes.
const RETRY = { initialInterval: '5 seconds', backoffCoefficient: 1.5, maximumInterval: '5 minutes' } as const;

/** Campaign time after the list is due at which it is read and sent: the notices due at the same instant are out. */
export const LEAD_DIGEST_GRACE_MS = 2 * 60_000;

const { sendLeadDigest } = proxyActivities<DubanActivities>({
  startToCloseTimeout: '5 minutes',
  // heartbeats while it holds the letter's claim, as sendNotice does (store/notices NOTICE_LEASE)
  heartbeatTimeout: '10 seconds',
  retry: RETRY,
});

export async function leadDigestWorkflow(input: LeadDigestInput): Promise<LeadDigestResult> {
  const clock = new CampaignClock(input.clockOffsetMs);
  const wait = input.at + LEAD_DIGEST_GRACE_MS - clock.at(Date.now());
  if (wait > 0) await sleep(wait);
  return sendLeadDigest(input);
}
