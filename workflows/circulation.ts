// The day's consolidated 通报 of a campaign: started (once, by its id) by the first obligation that reaches its 通报
// step at that time; waits a short grace so that every obligation due then has reached it, sends one letter listing
// every unit still late (activities/circulation.ts sendCirculation decides who at send time) and ends.
// When the policy asks for a leader's 签发 (patched 'circulation-sign-off'), the letter is first held as 待签发 with its
// preview, and the workflow waits — durably, as long as it takes — for the signOffUpdate: approve sends it then
// (the list decided again, the letter dated and numbered that day), withdraw records why and sends nothing.
import { ApplicationFailure, allHandlersFinished, condition, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import { CampaignClock } from '../domain/clock';
import { DubanError } from '../domain/errors';
import { type CirculationInput, type CirculationResult, type DubanActivities, type SignOffDecision, signOffUpdate } from '../shared/contract';
import { permanentFailure } from '../shared/failures';

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

// Holding the letter as 待签发 and recording a decision: database work, short.
const { prepareCirculation, recordCirculationSignOff } = proxyActivities<DubanActivities>({ startToCloseTimeout: '1 minute', retry: RETRY });

export async function circulationWorkflow(input: CirculationInput): Promise<CirculationResult> {
  const clock = new CampaignClock(input.clockOffsetMs);
  let awaiting = false;
  let decision: SignOffDecision | undefined;
  setHandler(
    signOffUpdate,
    (d: SignOffDecision) => {
      decision = d;
      return d;
    },
    {
      validator: (d: SignOffDecision) => {
        if (!awaiting || decision) throw permanentFailure(new DubanError('REQUEST_DECIDED', decision ? '此通报已签发或撤回' : '此通报没有待签发'));
        if (d.decision !== 'approve' && d.decision !== 'withdraw') throw ApplicationFailure.create({ type: 'INVALID_ARGUMENT', message: `unknown decision ${String(d.decision)}`, nonRetryable: true });
        if (d.decision === 'withdraw' && !d.reason?.trim()) throw permanentFailure(new DubanError('INVALID_ARGUMENT', '撤回须说明理由'));
      },
    },
  );
  const wait = input.at + CIRCULATION_GRACE_MS - clock.at(Date.now());
  if (wait > 0) await sleep(wait);
  if (patched('circulation-sign-off')) {
    const prepared = await prepareCirculation(input);
    if (prepared.outcome === 'nobody') return { circulationKey: prepared.circulationKey, outcome: 'nobody', listed: [] };
    if (prepared.outcome === 'awaiting') {
      awaiting = true;
      await condition(() => decision !== undefined);
      const d = decision!;
      await recordCirculationSignOff({ ...input, decision: d, decidedAt: clock.at(Date.now()) });
      await condition(allHandlersFinished);
      if (d.decision === 'withdraw') return { circulationKey: prepared.circulationKey, outcome: 'withdrawn', listed: prepared.listed };
    }
  }
  return sendCirculation(input);
}
