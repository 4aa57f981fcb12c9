// Telling a hazard's chase (workflows/hazard.ts) that its record changed: signalWithStart, so the first change
// starts it and later ones wake it. The database change is already committed when this runs; the workflow re-reads
// the record on each wake, so a signal that cannot be delivered is retried, then logged, never undoing the change.
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../shared/contract';
import { HAZARD_WORKFLOW_TYPE, type HazardChaseInput, hazardChangedSignal, hazardWorkflowId } from '../shared/hazard-contract';

export interface ChaseDeps {
  client: Client;
  taskQueue?: string;
  /** Where an undelivered signal is reported (console.error by default). */
  log?: (message: string) => void;
  /** How long one attempt may take (5 s). */
  attemptMs?: number;
}

const ATTEMPTS = 3;
const ATTEMPT_MS = 5_000;

/** Wake (or start) the chase of one hazard. Returns whether the signal was delivered. */
export async function chaseHazard(deps: ChaseDeps, input: HazardChaseInput): Promise<boolean> {
  let last: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      // A deadline per attempt: an unreachable server would otherwise hold the operator's request ~20 s an attempt.
      await deps.client.withDeadline(Date.now() + (deps.attemptMs ?? ATTEMPT_MS), () =>
        deps.client.workflow.signalWithStart(HAZARD_WORKFLOW_TYPE, {
          workflowId: hazardWorkflowId(input.campaignId, input.hazardId),
          taskQueue: deps.taskQueue ?? TASK_QUEUE,
          args: [input],
          signal: hazardChangedSignal,
          signalArgs: [],
        }),
      );
      return true;
    } catch (err) {
      last = err;
      if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  (deps.log ?? console.error)(
    `隐患 ${input.campaignId}/${input.hazardId} 的督办流程未能收到变更通知（${(last as Error)?.message ?? String(last)}）；台账已保存，流程下次醒来时会读取（可运行 duban hazards wake ${input.campaignId} 唤醒）`,
  );
  return false;
}

/** Wake the chases of many hazards (after an import), a few at a time. Returns how many were delivered. */
export async function chaseHazards(deps: ChaseDeps, campaignId: string, hazardIds: readonly string[], concurrency = 16): Promise<number> {
  let next = 0;
  let delivered = 0;
  const worker = async () => {
    while (next < hazardIds.length) {
      const hazardId = hazardIds[next++];
      if (await chaseHazard(deps, { campaignId, hazardId })) delivered++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, hazardIds.length) }, worker));
  return delivered;
}
