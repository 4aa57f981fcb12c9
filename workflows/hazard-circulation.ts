// The campaign's 通报 of hazards at one send time, when the hazards' policy asks for a leader's 签发: started (once, by
// its id) by the first hazard whose chase reaches its 通报 step then. It holds the letter as 待签发 with its preview
// (every hazard due then, decided at that time) and waits — durably, as long as it takes — for the signOffUpdate:
// approve sends it then (the list decided again, the letter dated and numbered that day; nobody still due: not sent),
// withdraw records why and sends nothing.
import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { CampaignClock } from '../domain/clock';
import { DubanError } from '../domain/errors';
import { type SignOffDecision, signOffUpdate } from '../shared/contract';
import { permanentFailure } from '../shared/failures';
import type { HazardActivities, HazardCirculationInput, SendHazardCirculationResult } from '../shared/hazard-activities';

// As sendNotice's (workflows/obligation.ts): 5 s, growing by half, during a long outage every 5 minutes.
const RETRY = { initialInterval: '5 seconds', backoffCoefficient: 1.5, maximumInterval: '5 minutes' } as const;

const { sendHazardCirculation } = proxyActivities<HazardActivities>({
  startToCloseTimeout: '5 minutes',
  // heartbeats while it holds the letter's claim, as sendNotice does
  heartbeatTimeout: '10 seconds',
  retry: RETRY,
});

// Holding the letter as 待签发 and recording a decision: database work, short.
const { prepareHazardCirculation, recordHazardSignOff } = proxyActivities<HazardActivities>({ startToCloseTimeout: '1 minute', retry: RETRY });

export interface HazardCirculationResult {
  businessKey: string;
  /** sent (or already-sent) once approved or when no 签发 was needed; skipped: nobody due when it was to go; withdrawn */
  outcome: SendHazardCirculationResult['outcome'] | 'nobody' | 'withdrawn';
  listed: string[];
}

export async function hazardCirculationWorkflow(input: HazardCirculationInput): Promise<HazardCirculationResult> {
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
  const prepared = await prepareHazardCirculation(input);
  if (prepared.outcome === 'nobody' || prepared.outcome === 'withdrawn') return { businessKey: prepared.businessKey, outcome: prepared.outcome, listed: [] };
  if (prepared.outcome === 'awaiting') {
    awaiting = true;
    await condition(() => decision !== undefined);
    const d = decision!;
    await recordHazardSignOff({ campaignId: input.campaignId, businessKey: prepared.businessKey, decision: d, decidedAt: new CampaignClock(input.clockOffsetMs).at(Date.now()) });
    await condition(allHandlersFinished);
    if (d.decision === 'withdraw') return { businessKey: prepared.businessKey, outcome: 'withdrawn', listed: [] };
  }
  const sent = await sendHazardCirculation({ campaignId: input.campaignId, hazardId: '', at: input.at });
  return { businessKey: sent.businessKey, outcome: sent.outcome, listed: sent.listed };
}
