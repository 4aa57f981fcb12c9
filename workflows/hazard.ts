// Chases one hazard (隐患) from its record: asks an activity for the next letter due (domain/hazard-chase.ts decides),
// sleeps until then or until operations signal a committed change (hazardChangedSignal), and on time asks another
// activity to send it — which judges the record again and sends under the letter's stable key at most once. Ends
// when the hazard is 已销号 or 已撤销 with no 挂牌 open and nothing left to send. Its 通报 step joins the campaign's
// one 通报 of that day and send time (patched 'hazard-daily-circulation'; histories before it sent one per hazard).
import { condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { HazardActivities, HazardChaseRun } from '../shared/hazard-activities';
import { hazardChangedSignal } from '../shared/hazard-contract';

// As sendNotice's (workflows/obligation.ts): 5 s, growing by half, during a long outage every 5 minutes.
const RETRY = { initialInterval: '5 seconds', backoffCoefficient: 1.5, maximumInterval: '5 minutes' } as const;

const { nextHazardLetter } = proxyActivities<HazardActivities>({ startToCloseTimeout: '1 minute', retry: RETRY });

const { sendHazardLetter, sendHazardCirculation } = proxyActivities<HazardActivities>({
  startToCloseTimeout: '5 minutes',
  // heartbeats while it holds the letter's claim, as sendNotice does
  heartbeatTimeout: '10 seconds',
  retry: RETRY,
});

/** Rounds of the loop before the run continues as new (each is a read, and a wait or a letter: ~6 events). */
export const HAZARD_CHASE_ROUNDS = 200;

export interface HazardChaseSummary {
  /** Keys of the letters dealt with (sent or skipped), in order. */
  done: string[];
}

export async function hazardWorkflow(input: HazardChaseRun): Promise<HazardChaseSummary> {
  const { campaignId, hazardId } = input;
  const done = [...(input.done ?? [])];
  let version = 0;
  setHandler(hazardChangedSignal, () => {
    version++;
  });
  for (let round = 0; ; round++) {
    if (round >= HAZARD_CHASE_ROUNDS || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof hazardWorkflow>({ campaignId, hazardId, done });
    }
    const seen = version;
    const changed = () => version !== seen;
    const step = await nextHazardLetter({ campaignId, hazardId, done });
    if (step.over) break;
    if (!step.next) {
      await condition(changed);
      continue;
    }
    const wait = step.next.at - (Date.now() + step.clockOffsetMs);
    if (wait > 0 && (await condition(changed, wait))) continue;
    if (step.next.kind === 'circulate' && patched('hazard-daily-circulation')) {
      // one 通报 per campaign and send time lists every hazard due then: the first hazard to get there sends it
      await sendHazardCirculation({ campaignId, hazardId, at: step.next.at });
    } else {
      await sendHazardLetter({ campaignId, hazardId, letter: step.next });
    }
    done.push(step.next.key);
  }
  return { done };
}
