// Tells a unit of one decision of the office (延期申请 approved or refused; later extend, return, waive):
// one activity, retried until the letter is out, then the workflow ends. Operations start it under a
// deterministic id (shared/contract unitMessageWorkflowId) with REJECT_DUPLICATE, so a retried operator action
// starts nothing; the activity's claim in the database (store/unit-messages.ts) keeps it to one letter even
// when Temporal has forgotten the first workflow.
import { proxyActivities } from '@temporalio/workflow';
import type { DubanActivities, SendUnitMessageInput, SendUnitMessageResult } from '../shared/contract';

// As sendNotice's (workflows/obligation.ts): 5 s, growing by half, during a long outage every 5 minutes.
const RETRY = { initialInterval: '5 seconds', backoffCoefficient: 1.5, maximumInterval: '5 minutes' } as const;

const { sendUnitMessage } = proxyActivities<DubanActivities>({
  startToCloseTimeout: '5 minutes',
  // heartbeats while it holds the message's claim, as sendNotice does (store/notices NOTICE_LEASE)
  heartbeatTimeout: '10 seconds',
  retry: RETRY,
});

export async function unitMessageWorkflow(input: SendUnitMessageInput): Promise<SendUnitMessageResult> {
  return sendUnitMessage(input);
}
