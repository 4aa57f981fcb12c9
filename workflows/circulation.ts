// The day's consolidated 通报 of a campaign: started (once, by its id) by the first obligation that reaches its 通报
// step at that time; waits a short grace so that every obligation due then has reached it, sends one letter listing
// every unit still late (activities/circulation.ts sendCirculation decides who at send time) and ends.
import { proxyActivities, sleep } from '@temporalio/workflow';
import { CampaignClock } from '../domain/clock';
import type { CirculationInput, CirculationResult, DubanActivities } from '../shared/contract';

// As sendNotice's (workflows/obligation.ts): 5 s, growing by half, during a long outage every 5 minutes.
const RETRY = { initialInterval: '5 seconds', backoffCoefficient: 1.5, maximumInterval: '5 minutes' } as const;

/** Campaign time after the step's time at which the letter goes: the obligations due then have all joined by it. */
export const CIRCULATION_GRACE_MS = 2 * 60_000;

const { sendCirculation } = proxyActivities<DubanActivities>({
  startToCloseTimeout: '5 minutes',
  // heartbeats while it holds the circulation's claim, as sendNotice does (store/notices NOTICE_LEASE)
  heartbeatTimeout: '10 seconds',
  retry: RETRY,
});

export async function circulationWorkflow(input: CirculationInput): Promise<CirculationResult> {
  const clock = new CampaignClock(input.clockOffsetMs);
  const wait = input.at + CIRCULATION_GRACE_MS - clock.at(Date.now());
  if (wait > 0) await sleep(wait);
  return sendCirculation(input);
}
