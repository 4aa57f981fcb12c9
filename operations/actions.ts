// An operator's action on one obligation (submit, extend, waive, return), sent to its workflow as an
// Update so the workflow itself accepts or refuses it against its current state. An accepted 延期, 退回 or 免报
// is then told to the unit by letter (operations/tell-unit.ts), once per action: the letter's key is the
// action's own key in the record (the audit row the workflow wrote before it accepted the action).
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { newDeadlineCoverageWarning } from '../domain/compile';
import { DubanError } from '../domain/errors';
import { type ObligationEvent, type ObligationState, checkEvent, stateFromRecord } from '../domain/policy';
import { civilDateOf } from '../domain/zoned-time';
import { TASK_QUEUE, type UnitDecision, obligationActionUpdate } from '../shared/contract';
import { dubanErrorOf } from '../shared/failures';
import { readAuditDetail } from '../store/audit';
import { loadCampaign, requireCampaign, requireObligation, scheduleContext } from '../store/campaigns';
import type { Db } from '../store/db';
import { type ObligationToStart, markObligationsStarted, obligationInput } from '../store/obligation-starts';
import { obligationFacts } from '../store/obligations';
import { startObligationWorkflow } from '../shared/obligation-start';
import { tellUnit } from './tell-unit';

export interface ObligationActionArgs {
  campaignId: string;
  unitId: string;
  deliverableId: string;
  event: ObligationEvent;
  actor: string;
}

export interface ActionDeps {
  client: Client;
  db: Db;
  /** The workers' task queue, which sends the unit's letter (TASK_QUEUE unless told). */
  taskQueue?: string;
  /** Whether Duban* search attributes are registered (the workflows this starts then carry them). */
  searchAttributes: boolean;
}

export interface ActionOptions {
  /**
   * Tell the unit of an accepted 延期, 退回 or 免报 by letter (the default; a submission tells nobody). False when
   * the caller tells it in its own words: an extension granted on the unit's request is told by the request's letter.
   */
  tellUnit?: boolean;
}

export async function actOnObligation(deps: ActionDeps, args: ObligationActionArgs, options: ActionOptions = {}): Promise<ObligationState> {
  const obligation = await requireObligation(deps.db, args.campaignId, args.unitId, args.deliverableId);
  const tell = options.tellUnit !== false && args.event.kind !== 'submit';
  if (!obligation.workflowStartedAt && obligation.status === 'open') await startEarly(deps, obligation);
  const handle = deps.client.workflow.getHandle(obligation.workflowId);
  let state: ObligationState;
  try {
    state = await handle.executeUpdate(obligationActionUpdate, { args: [{ event: args.event, actor: args.actor }] });
  } catch (err) {
    let refusal = dubanErrorOf(err);
    if (!refusal && (err instanceof WorkflowNotFoundError || (err instanceof Error && /workflow execution already completed/i.test(err.message)))) {
      refusal = await refusalOfClosed(deps.db, args);
    }
    if (!refusal) throw err;
    // The same action again, refused because it was taken (an operator's retry after the first answer was lost,
    // perhaps before its letter was started): the letter is started under the action's key, so at most once.
    if (tell) await tellOfAction(deps, args, obligation, 'already-taken');
    throw refusal;
  }
  if (tell) await tellOfAction(deps, args, obligation, 'accepted');
  return state;
}

/**
 * An action on an obligation whose workflow the campaign has not started yet (its first notice is more than a day
 * away): the workflow is started now, from the obligation as launched, and takes the action as it would later.
 */
async function startEarly(deps: ActionDeps, obligation: ObligationToStart & { campaignId: string }): Promise<void> {
  const { settings } = await loadCampaign(deps.db, obligation.campaignId);
  const options = { taskQueue: deps.taskQueue ?? TASK_QUEUE, searchAttributes: deps.searchAttributes };
  await startObligationWorkflow(deps.client, options, obligationInput(settings, obligation.campaignId, obligation));
  await markObligationsStarted(deps.db, obligation.campaignId, [obligation], new Date());
}

type AuditRow = { id: number; eventKey: string | null; kind: string; at: Date; detail: string };

/** Kinds that change what a unit was told last: the operator's actions, and an approved 延期申请 (told by its own letter). */
const LAST_WORD_KINDS = ['obligation.submit', 'obligation.extend', 'obligation.return', 'obligation.waive', 'extension.approved'];

/** Whether the audit row records this very event (the same kind, date and reason). */
function recordsEvent(row: AuditRow, event: ObligationEvent): boolean {
  if (row.kind !== `obligation.${event.kind}`) return false;
  const read = readAuditDetail(row);
  if (read.kind !== 'obligation.extend' && read.kind !== 'obligation.return' && read.kind !== 'obligation.waive') return false;
  const recorded = read.detail.event;
  return recorded.kind === event.kind && 'reason' in recorded && 'reason' in event && recorded.reason === event.reason && ('to' in recorded ? recorded.to : undefined) === ('to' in event ? event.to : undefined);
}

/**
 * The record of the action, as the workflow wrote it before accepting it. Just accepted: the latest row of its
 * kind that records this event (another operator's action may have followed it). Refused as already taken: the
 * obligation's latest action, only if it is this one — anything since (a submission, an approved request) means
 * the refusal is not about this action, and the unit has nothing to be told again.
 */
async function actionRecord(db: Db, args: ObligationActionArgs, when: 'accepted' | 'already-taken'): Promise<AuditRow | undefined> {
  const { campaignId, unitId, deliverableId, event } = args;
  const rows: AuditRow[] = await db.auditEvent.findMany({
    where: { campaignId, unitId, deliverableId, kind: when === 'accepted' ? `obligation.${event.kind}` : { in: LAST_WORD_KINDS } },
    orderBy: { id: 'desc' },
    take: when === 'accepted' ? 20 : 1,
    select: { id: true, eventKey: true, kind: true, at: true, detail: true },
  });
  return rows.find((row) => recordsEvent(row, event));
}

/** The letter's key: the action's key in the record, within its obligation (`extend-<run>-action-<n>`). */
function letterKey(row: AuditRow, event: ObligationEvent, workflowId: string): string {
  const prefix = `${workflowId}/`;
  const own = row.eventKey?.startsWith(prefix) ? row.eventKey.slice(prefix.length).replaceAll('/', '-') : `audit-${row.id}`;
  return `${event.kind}-${own}`;
}

async function tellOfAction(
  deps: ActionDeps,
  args: ObligationActionArgs,
  obligation: { workflowId: string; stageId: string },
  when: 'accepted' | 'already-taken',
): Promise<void> {
  const { db } = deps;
  const row = await actionRecord(db, args, when);
  if (!row) {
    if (when === 'accepted') throw new Error(`the accepted ${args.event.kind} of ${args.unitId}/${args.deliverableId} is not in the record`);
    return;
  }
  const read = readAuditDetail(row);
  if (read.kind !== 'obligation.extend' && read.kind !== 'obligation.return' && read.kind !== 'obligation.waive') return;
  const { event, deadlineBefore, deadlineAfter } = read.detail;
  let decision: UnitDecision;
  switch (event.kind) {
    case 'extend':
      decision = { kind: 'extended', from: deadlineBefore, to: deadlineAfter, reason: event.reason };
      break;
    case 'return':
      decision = { kind: 'returned', submittedOn: await submittedBefore(db, args, row.id), reason: event.reason, to: deadlineAfter };
      break;
    case 'waive':
      decision = { kind: 'waived', reason: event.reason };
      break;
    default:
      return;
  }
  await tellUnit(
    { client: deps.client, taskQueue: deps.taskQueue ?? TASK_QUEUE, searchAttributes: deps.searchAttributes },
    { campaignId: args.campaignId, unitId: args.unitId, deliverableId: args.deliverableId, key: letterKey(row, args.event, obligation.workflowId), decision, stageId: obligation.stageId },
  );
}

/** The day of the submission a 退回 sends back: the obligation's last submission recorded before it. */
async function submittedBefore(db: Db, args: ObligationActionArgs, returnRowId: number): Promise<string | undefined> {
  const submission = await db.auditEvent.findFirst({
    where: { campaignId: args.campaignId, unitId: args.unitId, deliverableId: args.deliverableId, kind: 'obligation.submit', id: { lt: returnRowId } },
    orderBy: { id: 'desc' },
    select: { at: true },
  });
  if (!submission) return undefined;
  const { timeZone } = await requireCampaign(db, args.campaignId);
  return civilDateOf(submission.at.getTime(), timeZone);
}

const CLOSED_WORDS: Record<string, string> = { open: '未报送', submitted: '已报送', waived: '已免报' };

/** The obligation's workflow has ended: the record says why the action cannot be taken. */
async function refusalOfClosed(db: Db, args: ObligationActionArgs): Promise<DubanError> {
  const row = await requireObligation(db, args.campaignId, args.unitId, args.deliverableId);
  const { settings, clock } = await loadCampaign(db, args.campaignId);
  const ctx = scheduleContext(settings, args.campaignId, args.deliverableId);
  const now = Date.now();
  try {
    checkEvent(ctx, stateFromRecord(obligationFacts(row)), args.event, clock.current(now, () => now));
  } catch (err) {
    if (err instanceof DubanError) return err;
    throw err;
  }
  return new DubanError('OBLIGATION_CLOSED', `${args.unitId}/${args.deliverableId} 已办结（${CLOSED_WORDS[row.status] ?? row.status}），其工作流已结束`);
}

/** What the operator must know about an accepted action: a deadline moved into years the calendar does not know. */
export async function actionWarnings(db: Db, args: Pick<ObligationActionArgs, 'campaignId' | 'deliverableId' | 'event'>): Promise<string[]> {
  if (!('to' in args.event)) return [];
  // the calendar was fixed at launch: a deadline moved into a year it does not know is counted on plain weekdays
  const { settings } = await loadCampaign(db, args.campaignId);
  const warning = newDeadlineCoverageWarning(scheduleContext(settings, args.campaignId, args.deliverableId), args.event.to);
  return warning ? [warning] : [];
}
