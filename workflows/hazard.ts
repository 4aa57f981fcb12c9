// Chases one hazard (隐患) from its record: asks an activity for the next letter due (domain/hazard-chase.ts decides),
// sleeps until then or until operations signal a committed change (hazardChangedSignal), and on time asks another
// activity to send it — which judges the record again and sends under the letter's stable key at most once. Ends
// when the hazard is 已销号 or 已撤销 with no 挂牌 open and nothing left to send. Its 通报 step joins the campaign's
// one 通报 of that day and send time (patched 'hazard-daily-circulation'; histories before it sent one per hazard).
// When the hazards' policy asks for a leader's 签发 (patched 'hazard-sign-off'): that 通报 is held by its own workflow
// (workflows/hazard-circulation.ts), which this chase starts and goes on; the hazard's 约谈通知 is held here as 待签发
// until the signOffUpdate approves it (sent then, dated that day) or withdraws it — or the hazard changes so that it
// is no longer called for (整改完成, 销号, 撤销, a new 时限), which withdraws it.
import { ApplicationFailure, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { DubanError } from '../domain/errors';
import { type SignOffDecision, signOffUpdate } from '../shared/contract';
import { permanentFailure } from '../shared/failures';
import type { HazardActivities, HazardChaseRun } from '../shared/hazard-activities';
import { hazardChangedSignal } from '../shared/hazard-contract';

// As sendNotice's (workflows/obligation.ts): 5 s, growing by half, during a long outage every 5 minutes.
const RETRY = { initialInterval: '5 seconds', backoffCoefficient: 1.5, maximumInterval: '5 minutes' } as const;

const { nextHazardLetter } = proxyActivities<HazardActivities>({ startToCloseTimeout: '1 minute', retry: RETRY });

// 签发: holding a letter, asking whether it is still due, recording a decision, starting the 通报's workflow — short.
const { prepareHazardLetter, hazardLetterStillDue, recordHazardSignOff, joinHazardCirculation } = proxyActivities<HazardActivities>({
  startToCloseTimeout: '1 minute',
  retry: RETRY,
});

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
  /** While its 约谈通知 waits for 签发: whether one waits, and the decision once taken. */
  let awaitingSignOff = false;
  let signOff: SignOffDecision | undefined;
  setHandler(
    signOffUpdate,
    (d: SignOffDecision) => {
      signOff = d;
      return d;
    },
    {
      validator: (d: SignOffDecision) => {
        if (!awaitingSignOff || signOff) throw permanentFailure(new DubanError('REQUEST_DECIDED', signOff ? '此文书已签发或撤回' : '此隐患没有待签发的文书'));
        if (d.decision !== 'approve' && d.decision !== 'withdraw') throw ApplicationFailure.create({ type: 'INVALID_ARGUMENT', message: `unknown decision ${String(d.decision)}`, nonRetryable: true });
        if (d.decision === 'withdraw' && !d.reason?.trim()) throw permanentFailure(new DubanError('INVALID_ARGUMENT', '撤回须说明理由'));
      },
    },
  );
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
    const letter = step.next;
    if (letter.kind === 'circulate' && patched('hazard-daily-circulation')) {
      if (step.signOff && patched('hazard-sign-off')) {
        // held for 签发 by the 通报's own workflow: started once, by the first hazard to get there; the chase goes on
        await joinHazardCirculation({ campaignId, hazardId, at: letter.at });
      } else {
        // one 通报 per campaign and send time lists every hazard due then: the first hazard to get there sends it
        await sendHazardCirculation({ campaignId, hazardId, at: letter.at });
      }
    } else if (letter.kind === 'interview' && step.signOff && patched('hazard-sign-off')) {
      const prepared = await prepareHazardLetter({ campaignId, hazardId, letter });
      if (prepared.outcome === 'awaiting') {
        awaitingSignOff = true;
        signOff = undefined;
        let decided: SignOffDecision | undefined;
        while (!decided) {
          const asked = version;
          await condition(() => signOff !== undefined || version !== asked);
          if (signOff) decided = signOff;
          else {
            // the hazard changed: withdrawn when the record no longer calls for the letter
            const still = await hazardLetterStillDue({ campaignId, hazardId, letter });
            if (signOff) decided = signOff;
            else if (!still.due) decided = { decision: 'withdraw', actor: 'system', reason: still.reason ?? '隐患记录已变化，自动撤回' };
          }
        }
        awaitingSignOff = false;
        signOff = undefined;
        await recordHazardSignOff({ campaignId, businessKey: prepared.businessKey, decision: decided, decidedAt: Date.now() + step.clockOffsetMs });
        // approved: sent now, judged again, dated and numbered the day it goes
        if (decided.decision === 'approve') await sendHazardLetter({ campaignId, hazardId, letter });
      } else if (prepared.outcome === 'approved') {
        await sendHazardLetter({ campaignId, hazardId, letter }); // approved before this run afresh: it goes now
      }
    } else {
      await sendHazardLetter({ campaignId, hazardId, letter });
    }
    done.push(letter.key);
  }
  return { done };
}
