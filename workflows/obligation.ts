// 督办 one obligation: remind before the deadline, climb the escalation ladder after it, until the unit
// submits or the office waives it. Decisions come from domain/policy; this file only waits and acts.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { CampaignClock } from '../domain/clock';
import { DubanError } from '../domain/errors';
import {
  type ObligationState,
  applyEvent,
  checkEvent,
  markSent,
  needsSignOff,
  nextNotice,
  returnWindowEnds,
} from '../domain/policy';
import {
  type DubanActivities,
  type ObligationAction,
  type ObligationInput,
  type SignOffDecision,
  obligationActionUpdate,
  signOffUpdate,
} from '../shared/contract';
import { permanentFailure } from '../shared/failures';

// A refused letter is tried again soon (5 s, growing by half: 4 refusals in a row cost 40 s), and during a long
// outage every 5 minutes.
const RETRY = { initialInterval: '5 seconds', backoffCoefficient: 1.5, maximumInterval: '5 minutes' } as const;

const { sendNotice } = proxyActivities<DubanActivities>({
  startToCloseTimeout: '5 minutes',
  // sendNotice heartbeats while it holds a notice's claim: a worker that dies mid-send is noticed within this,
  // about when its claim lapses (store/notices NOTICE_LEASE); a retry that comes too early is told when to return
  heartbeatTimeout: '10 seconds',
  retry: RETRY,
});

const { recordObligationAction } = proxyActivities<DubanActivities>({ startToCloseTimeout: '1 minute', retry: RETRY });

// Joining the day's 通报 reads the record and starts a workflow: short, retried like the rest.
const { joinCirculation } = proxyActivities<DubanActivities>({ startToCloseTimeout: '1 minute', retry: RETRY });

// Holding a 约谈通知 for 签发 and recording the decision: database work, short.
const { prepareNotice, recordNoticeSignOff } = proxyActivities<DubanActivities>({ startToCloseTimeout: '1 minute', retry: RETRY });

/** Why a 待签发 letter was withdrawn without a leader: the obligation changed while it waited. */
function changedReason(state: ObligationState): string {
  if (state.status === 'submitted') return '单位已报送，自动撤回';
  if (state.status === 'waived') return '已免报，自动撤回';
  return `截止日期已改为 ${state.deadline}，自动撤回`;
}

function refusal(err: unknown): ApplicationFailure {
  if (err instanceof DubanError) return permanentFailure(err);
  return ApplicationFailure.create({ type: 'INVALID_ARGUMENT', message: String(err), nonRetryable: true });
}

export async function obligationWorkflow(input: ObligationInput): Promise<ObligationState> {
  const { campaignId, unitId, deliverableId, ctx, clockOffsetMs } = input;
  const clock = new CampaignClock(clockOffsetMs);
  const now = () => clock.at(Date.now());
  let state = input.state;
  let version = 0;
  let acting = false;
  /** While a letter waits for 签发 (patched 'interview-sign-off'): whether one waits, and the decision once taken. */
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
        if (!awaitingSignOff || signOff) throw refusal(new DubanError('REQUEST_DECIDED', signOff ? '此文书已签发或撤回' : '此事项没有待签发的文书'));
        if (d.decision !== 'approve' && d.decision !== 'withdraw') throw refusal(new Error(`unknown decision ${String(d.decision)}`));
        if (d.decision === 'withdraw' && !d.reason?.trim()) throw refusal(new DubanError('INVALID_ARGUMENT', '撤回须说明理由'));
      },
    },
  );

  setHandler(
    obligationActionUpdate,
    async ({ event, actor }: ObligationAction) => {
      await condition(() => !acting); // one operator action at a time, each checked against the latest state
      acting = true;
      try {
        const at = now();
        try {
          checkEvent(ctx, state, event, at);
        } catch (err) {
          throw refusal(err);
        }
        const after = applyEvent(ctx, state, event, at);
        await recordObligationAction({
          campaignId,
          unitId,
          deliverableId,
          actionKey: `${workflowInfo().workflowId}/${workflowInfo().runId}/action-${version}`,
          event,
          actor,
          at,
          before: state,
          after,
        });
        // Re-applied to the latest state: a notice may have been marked sent while the record was written.
        state = applyEvent(ctx, state, event, at);
        version++;
        return state;
      } finally {
        acting = false;
      }
    },
    {
      validator: ({ event }: ObligationAction) => {
        try {
          checkEvent(ctx, state, event, now());
        } catch (err) {
          throw refusal(err);
        }
      },
    },
  );

  for (;;) {
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof obligationWorkflow>({ ...input, state });
    }
    const seen = version;
    const changed = () => version !== seen;
    if (state.status === 'waived') break;
    if (state.status === 'submitted') {
      // Accepted; the office may still return it for revision until the window closes.
      const remaining = (returnWindowEnds(ctx, state) ?? now()) - now();
      if (remaining > 0 && (await condition(changed, remaining))) continue;
      if (!changed()) break;
      continue;
    }
    const next = nextNotice(ctx, state);
    if (!next) {
      await condition(changed); // ladder exhausted: wait for the unit to deliver or the office to act
      continue;
    }
    const wait = next.at - now();
    if (wait > 0 && (await condition(changed, wait))) continue;
    if (next.action === 'circulate' && patched('consolidated-circulation')) {
      // one 通报 per campaign and day lists every late unit (workflows/circulation.ts): this obligation joins it
      const { outcome } = await joinCirculation({ campaignId, unitId, deliverableId, notice: next, clockOffsetMs });
      state = markSent(state, next, outcome !== 'skipped');
      continue;
    }
    if (next.action === 'interview' && needsSignOff(ctx.policy, 'interview') && patched('interview-sign-off')) {
      // 待签发: the letter is prepared now and waits for a leader; the obligation still takes every operator action,
      // and one that changes it (a submission, a waiver, a new deadline) withdraws the letter
      const notice = { campaignId, unitId, deliverableId, notice: next, clockOffsetMs };
      const prepared = await prepareNotice(notice);
      if (prepared.outcome === 'skipped') {
        state = markSent(state, next, false);
        continue;
      }
      awaitingSignOff = true;
      signOff = undefined;
      await condition(() => signOff !== undefined || changed());
      awaitingSignOff = false;
      const decided: SignOffDecision = signOff !== undefined && !changed() ? signOff : { decision: 'withdraw', actor: 'system', reason: changedReason(state) };
      signOff = undefined;
      await recordNoticeSignOff({ ...notice, decision: decided, decidedAt: now() });
      if (decided.decision === 'approve') {
        const { outcome } = await sendNotice(notice);
        state = markSent(state, next, outcome !== 'skipped');
      } else if (!changed()) {
        state = markSent(state, next, false); // withdrawn by a leader: the step is over, not reached
      }
      continue;
    }
    const { outcome } = await sendNotice({ campaignId, unitId, deliverableId, notice: next, clockOffsetMs });
    state = markSent(state, next, outcome !== 'skipped');
  }
  await condition(allHandlersFinished);
  return state;
}
