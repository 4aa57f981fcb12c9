// What workflows, activities, the worker and clients agree on: the task queue, workflow ids, search
// attributes, the operator-action Update, and the inputs and outputs of every workflow and activity.
// It imports neither workflows/ nor activities/, so both (and every client) can import it.
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CivilDate } from '../domain/calendar';
import type { ObligationEvent, ObligationState, ScheduleContext, ScheduledNotice } from '../domain/policy';
import { formatInstant } from '../domain/zoned-time';

export const TASK_QUEUE = 'duban';

export const SEARCH_ATTRIBUTES = {
  campaign: defineSearchAttributeKey('DubanCampaign', SearchAttributeType.KEYWORD),
  unit: defineSearchAttributeKey('DubanUnit', SearchAttributeType.KEYWORD),
  deliverable: defineSearchAttributeKey('DubanDeliverable', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('DubanStage', SearchAttributeType.KEYWORD),
} as const;

/** The Duban* search attributes of a workflow about one obligation (its own, a letter to its unit): stage when known. */
export function obligationSearchAttributes(o: { campaignId: string; unitId: string; deliverableId: string; stageId?: string }) {
  return [
    { key: SEARCH_ATTRIBUTES.campaign, value: o.campaignId },
    { key: SEARCH_ATTRIBUTES.unit, value: o.unitId },
    { key: SEARCH_ATTRIBUTES.deliverable, value: o.deliverableId },
    ...(o.stageId ? [{ key: SEARCH_ATTRIBUTES.stage, value: o.stageId }] : []),
  ];
}

export function campaignWorkflowId(campaignId: string): string {
  return `duban/${campaignId}`;
}

export function obligationWorkflowId(campaignId: string, unitId: string, deliverableId: string): string {
  return `duban/${campaignId}/${unitId}/${deliverableId}`;
}

/** The one workflow that tells a unit of one decision (`key`): a second start with the same key starts nothing. */
export function unitMessageWorkflowId(m: Pick<SendUnitMessageInput, 'campaignId' | 'unitId' | 'deliverableId' | 'key'>): string {
  return `${obligationWorkflowId(m.campaignId, m.unitId, m.deliverableId)}/message/${m.key}`;
}

/**
 * The day's consolidated 通报 of a campaign at one send time (`at`, campaign time): one workflow, started by every
 * obligation that reaches its 通报 step then; a second start starts nothing.
 */
export function circulationWorkflowId(c: Pick<CirculationInput, 'campaignId' | 'day' | 'at'>, timeZone: string): string {
  return `duban/${circulationKey(c, timeZone)}`;
}

/** The consolidated 通报's claim key in the database: campaign/circulation/day/HHmm (its send time). */
export function circulationKey(c: Pick<CirculationInput, 'campaignId' | 'day' | 'at'>, timeZone: string): string {
  const hhmm = formatInstant(c.at, timeZone).slice(11, 16).replace(':', '');
  return `${c.campaignId}/circulation/${c.day}/${hhmm}`;
}

/**
 * One lead department's list of its units not yet in (domain/lead-digest.ts), for one deliverable and deadline: one
 * workflow, started by the campaign's workflow at launch; a second start starts nothing. Its id names the lead
 * department's own obligation's, so the DubanUnit search finds it with the department's other workflows.
 */
export function leadDigestWorkflowId(d: Pick<LeadDigestInput, 'campaignId' | 'leadId' | 'deliverableId' | 'deadline'>): string {
  return `${obligationWorkflowId(d.campaignId, d.leadId, d.deliverableId)}/lead-digest/${d.deadline}`;
}

/** An operator's action on one obligation: submit, extend, waive, return. */
export interface ObligationAction {
  event: ObligationEvent;
  actor: string;
}

export const obligationActionUpdate = defineUpdate<ObligationState, [ObligationAction]>('obligationAction');

/** A leader's 签发 of a letter waiting as 待签发: approve sends it (dated that day), withdraw records why it does not go. */
export interface SignOffDecision {
  decision: 'approve' | 'withdraw';
  /** `operator:NAME`; the role (领导 or 管理员) is checked by operations/sign-off.ts before the Update. */
  actor: string;
  /** Required to withdraw. */
  reason?: string;
}

/**
 * The Update a workflow holding a letter for sign-off accepts once (the day's circulationWorkflow for a 通报, the
 * obligation's workflow for its 约谈通知; for hazards, the hazardCirculationWorkflow of a 通报 and the hazard's chase for
 * its 约谈通知); refused
 * (REQUEST_DECIDED) when nothing waits or it was already decided. Answers with the decision taken.
 */
export const signOffUpdate = defineUpdate<SignOffDecision, [SignOffDecision]>('signOff');

// ---- workflow inputs

export interface CampaignInput {
  campaignId: string;
  batchSize: number;
  /** Batches in flight at once (campaigns launched before obligations were started when due). */
  parallelism: number;
  /** Carried across continue-as-new: the lead departments' lists are started, and how many obligations were. */
  leadDigestsStarted?: boolean;
  started?: number;
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

export interface DueStartsInput {
  campaignId: string;
  limit: number;
}

export interface DueStartsResult {
  started: number;
  /** More are due now than `limit`: ask again at once. */
  more: boolean;
  /** Server time when the next obligation's workflow is due to start; absent: every open one has been. */
  nextStartAt?: number;
}

/** What the campaign's workflow answers while it starts obligations as they come due. */
export interface CampaignProgress {
  /** Obligations' workflows started by this campaign's workflow (an operator's action may have started others). */
  started: number;
  /** Server time of the next start it waits for; absent while it is starting, or when it is done. */
  waitingUntil?: number;
}

export const campaignProgressQuery = defineQuery<CampaignProgress>('campaignProgress');

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

/** What the office decided about one obligation, to be told to its unit (letters/decisions.ts words it). */
export type UnitDecision =
  | { kind: 'extension-approved'; requestId: number; requestedTo: CivilDate; to: CivilDate }
  | { kind: 'extension-refused'; requestId: number; requestedTo: CivilDate; reason: string; deadline: CivilDate }
  /** 延期 by the office (not on the unit's request): the deadline before and after, and why. */
  | { kind: 'extended'; from: CivilDate; to: CivilDate; reason: string }
  /** 退回: the day the unit had submitted (when the record has it), why it is sent back, and the new deadline. */
  | { kind: 'returned'; submittedOn?: CivilDate; reason: string; to: CivilDate }
  /** 免报: the unit no longer owes it, and why. */
  | { kind: 'waived'; reason: string };

export interface SendUnitMessageInput {
  campaignId: string;
  unitId: string;
  deliverableId: string;
  /** Names the decision within the obligation (e.g. `extension-request-7-refused`): one letter per key, ever. */
  key: string;
  decision: UnitDecision;
}

export interface SendUnitMessageResult {
  messageKey: string;
  /** sent: delivered now; already-sent: an earlier attempt (or an earlier workflow with the same key) delivered it */
  outcome: 'sent' | 'already-sent';
}

/** One campaign's 通报 of one day and send time (campaign time `at`, civil date `day` in the campaign's zone). */
export interface CirculationInput {
  campaignId: string;
  day: CivilDate;
  at: number;
  clockOffsetMs: number;
}

export interface CirculationResult {
  circulationKey: string;
  /**
   * sent: delivered now; already-sent: by an earlier attempt; nobody: no unit was still late when it was due to go;
   * withdrawn: held for 签发 and withdrawn by a leader, nothing sent
   */
  outcome: 'sent' | 'already-sent' | 'nobody' | 'withdrawn';
  /** The obligations it lists (their notice business keys). */
  listed: string[];
}

export interface PrepareCirculationResult {
  circulationKey: string;
  /** awaiting: held as 待签发 (its preview stored); send: no listed deliverable needs 签发; nobody: no unit still late */
  outcome: 'awaiting' | 'send' | 'nobody';
  listed: string[];
}

/** A leader's decision on the 待签发 通报, to record before it is sent or left unsent. */
export interface CirculationSignOffInput extends CirculationInput {
  decision: SignOffDecision;
  /** Campaign time of the decision. */
  decidedAt: number;
}

export interface PrepareNoticeResult {
  businessKey: string;
  /** awaiting: held as 待签发 with its preview; skipped: no longer due (see reason), as sendNotice skips */
  outcome: 'awaiting' | 'skipped';
  reason?: string;
}

/** A decision on an obligation's 待签发 letter (a leader's, or the automatic withdrawal when the obligation changed). */
export interface NoticeSignOffInput extends SendNoticeInput {
  decision: SignOffDecision;
  decidedAt: number;
}

export interface JoinCirculationResult {
  businessKey: string;
  /** joined: the day's 通报 will consider this obligation; skipped: no longer due (see reason), as sendNotice skips */
  outcome: 'joined' | 'skipped';
  reason?: string;
}

/** A lead department's list (domain/lead-digest.ts LeadDigest) of one deliverable and deadline, due at `at` (campaign time). */
export interface LeadDigestInput {
  campaignId: string;
  leadId: string;
  deliverableId: string;
  /** The reporting units' deadline in the campaign file. */
  deadline: CivilDate;
  at: number;
  clockOffsetMs: number;
}

export interface LeadDigestResult {
  /** Its UnitMessage claim key (unitMessageKey with the key of domain/lead-digest leadDigestKey). */
  messageKey: string;
  /** sent: delivered now; already-sent: by an earlier attempt (or an earlier workflow for the same list) */
  outcome: 'sent' | 'already-sent';
  /** The units it lists as late, by id (empty: all in, or an earlier attempt sent it). */
  late: string[];
}

/** Every activity the worker registers (activities/index.ts implements it; workflows proxy it). */
export interface DubanActivities {
  countObligations(campaignId: string): Promise<number>;
  startObligationWorkflows(input: StartBatchInput): Promise<number>;
  startDueObligationWorkflows(input: DueStartsInput): Promise<DueStartsResult>;
  sendNotice(input: SendNoticeInput): Promise<SendNoticeResult>;
  recordObligationAction(input: RecordActionInput): Promise<void>;
  sendUnitMessage(input: SendUnitMessageInput): Promise<SendUnitMessageResult>;
  joinCirculation(input: SendNoticeInput): Promise<JoinCirculationResult>;
  sendCirculation(input: CirculationInput): Promise<CirculationResult>;
  prepareCirculation(input: CirculationInput): Promise<PrepareCirculationResult>;
  recordCirculationSignOff(input: CirculationSignOffInput): Promise<void>;
  prepareNotice(input: SendNoticeInput): Promise<PrepareNoticeResult>;
  recordNoticeSignOff(input: NoticeSignOffInput): Promise<void>;
  startLeadDigestWorkflows(campaignId: string): Promise<number>;
  sendLeadDigest(input: LeadDigestInput): Promise<LeadDigestResult>;
}

/** Stable within one obligation and deadline: campaign/unit/deliverable/deadline/action/day. */
export function noticeBusinessKey(input: Pick<SendNoticeInput, 'campaignId' | 'unitId' | 'deliverableId' | 'notice'>): string {
  return `${input.campaignId}/${input.unitId}/${input.deliverableId}/${input.notice.key}`;
}


/** The unit message's claim key in the database: campaign/unit/deliverable/message/key. */
export function unitMessageKey(m: Pick<SendUnitMessageInput, 'campaignId' | 'unitId' | 'deliverableId' | 'key'>): string {
  return `${m.campaignId}/${m.unitId}/${m.deliverableId}/message/${m.key}`;
}
