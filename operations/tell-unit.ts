// Telling a unit of what the office decided about one of its obligations (a 延期申请 approved or refused; an
// operator's 延期, 退回 or 免报): a letter, exactly once per key, sent by its own unitMessageWorkflow.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { type SendUnitMessageInput, obligationSearchAttributes, unitMessageWorkflowId } from '../shared/contract';
import { unitMessageWorkflow } from '../workflows/unit-message';

/** What telling a unit needs: Temporal, the worker's task queue, and whether Duban* search attributes are registered. */
export interface TellDeps {
  client: Client;
  taskQueue: string;
  /** Whether Duban* search attributes are registered (the letter's workflow then carries them). */
  searchAttributes?: boolean;
}

/**
 * Tells the unit of a decision: starts its unitMessageWorkflow under an id derived from `key`. A second start
 * with the same key (a retried operator action) starts nothing; should Temporal have forgotten the first
 * workflow, the letter's claim in the database (store/unit-messages.ts) still keeps it to one letter.
 */
export async function tellUnit(deps: TellDeps, message: SendUnitMessageInput & { stageId?: string }): Promise<'started' | 'already-started'> {
  const { stageId, ...input } = message;
  try {
    await deps.client.workflow.start(unitMessageWorkflow, {
      workflowId: unitMessageWorkflowId(input),
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: deps.searchAttributes ? obligationSearchAttributes({ ...input, stageId }) : undefined,
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
    throw err;
  }
}
