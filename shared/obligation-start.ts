// Starting one obligation's workflow: what the campaign's workflow does (through an activity) when the obligation's
// first notice comes near, and what an operator's action does first when it comes earlier. Either may come second:
// the workflow id is the obligation's, so a second start starts nothing.
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { type ObligationInput, obligationSearchAttributes, obligationWorkflowId } from './contract';

/** The workflow type name, so that operations can start it without importing workflow code. */
export const OBLIGATION_WORKFLOW_TYPE = 'obligationWorkflow';

export interface ObligationStartOptions {
  taskQueue: string;
  /** Whether the Duban* search attributes are registered (the workflow then carries them). */
  searchAttributes: boolean;
}

/** Starts the obligation's workflow; false when it exists already (running, or ended: never started again). */
export async function startObligationWorkflow(client: Client, opts: ObligationStartOptions, input: ObligationInput): Promise<boolean> {
  try {
    await client.workflow.start(OBLIGATION_WORKFLOW_TYPE, {
      workflowId: obligationWorkflowId(input.campaignId, input.unitId, input.deliverableId),
      taskQueue: opts.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: opts.searchAttributes ? obligationSearchAttributes(input) : undefined,
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}
