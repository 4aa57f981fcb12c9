// What workflows, activities, the worker and clients agree on: the task queue, workflow ids, search
// attributes, the operator-action Update, and the inputs and outputs of every workflow and activity.
// It imports neither workflows/ nor activities/, so both (and every client) can import it.
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { defineUpdate } from '@temporalio/workflow';
import type { ObligationEvent, ObligationState, ScheduleContext, ScheduledNotice } from '../domain/policy';

export const TASK_QUEUE = 'duban';

export const SEARCH_ATTRIBUTES = {
  campaign: defineSearchAttributeKey('DubanCampaign', SearchAttributeType.KEYWORD),
  unit: defineSearchAttributeKey('DubanUnit', SearchAttributeType.KEYWORD),
  deliverable: defineSearchAttributeKey('DubanDeliverable', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('DubanStage', SearchAttributeType.KEYWORD),
} as const;

export function campaignWorkflowId(campaignId: string): string {
  return `duban/${campaignId}`;
}

export function obligationWorkflowId(campaignId: string, unitId: string, deliverableId: string): string {
  return `duban/${campaignId}/${unitId}/${deliverableId}`;
}

/** An operator's action on one obligation: submit, extend, waive, return. */
export interface ObligationAction {
  event: ObligationEvent;
  actor: string;
}

export const obligationActionUpdate = defineUpdate<ObligationState, [ObligationAction]>('obligationAction');

// ---- workflow inputs

export interface CampaignInput {
  campaignId: string;
  batchSize: number;
  /** Batches in flight at once. */
  parallelism: number;
}

export interface ObligationInput {
  campaignId: string;
  unitId: string;
  deliverableId: string;
  stageId: string;
  ctx: ScheduleContext;
  state: ObligationState;
  /** The campaign clock's offset (domain/clock.ts): 0 in production. */
  clockOffsetMs: number;
}

// ---- activities

export interface StartBatchInput {
  campaignId: string;
  offset: number;
  limit: number;
}

export interface SendNoticeInput {
  campaignId: string;
  unitId: string;
  deliverableId: string;
  notice: ScheduledNotice;
  clockOffsetMs: number;
}

export interface SendNoticeResult {
  businessKey: string;
  /** sent: delivered now; already-sent: an earlier attempt delivered it; skipped: no longer due (see reason) */
  outcome: 'sent' | 'already-sent' | 'skipped';
  reason?: string;
}

export interface RecordActionInput {
  campaignId: string;
  unitId: string;
  deliverableId: string;
  /** Unique per action within the workflow run: a retried activity records once. */
  actionKey: string;
  event: ObligationEvent;
  actor: string;
  at: number;
  before: ObligationState;
  after: ObligationState;
}

/** Every activity the worker registers (activities/index.ts implements it; workflows proxy it). */
export interface DubanActivities {
  countObligations(campaignId: string): Promise<number>;
  startObligationWorkflows(input: StartBatchInput): Promise<number>;
  sendNotice(input: SendNoticeInput): Promise<SendNoticeResult>;
  recordObligationAction(input: RecordActionInput): Promise<void>;
}

/** Stable within one obligation and deadline: campaign/unit/deliverable/deadline/action/day. */
export function noticeBusinessKey(input: Pick<SendNoticeInput, 'campaignId' | 'unitId' | 'deliverableId' | 'notice'>): string {
  return `${input.campaignId}/${input.unitId}/${input.deliverableId}/${input.notice.key}`;
}

