// 延期申请: a unit asks for more time through its portal link; an operator approves it (an extension, taken
// through the obligation's workflow like any other) or refuses it with a reason. Both are recorded, and the
// unit is told by a letter (unitMessageWorkflow), exactly once per decision.
import { isCivilDate } from '../domain/calendar';
import { DubanError } from '../domain/errors';
import { civilDateOf, formatInstant } from '../domain/zoned-time';
import type { SendUnitMessageInput, UnitDecision } from '../shared/contract';
import { appendAudit } from '../store/audit';
import { loadCampaign, requireObligation } from '../store/campaigns';
import type { Db, ExtensionRequest } from '../store/db';
import { actOnObligation } from './actions';
import { actorName } from './actors';
import { type TellDeps, tellUnit } from './tell-unit';

export interface ExtensionRequestView {
  id: number;
  unitId: string;
  deliverableId: string;
  requestedTo: string;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export function requestView(r: ExtensionRequest, zone: string): ExtensionRequestView {
  return {
    id: r.id,
    unitId: r.unitId,
    deliverableId: r.deliverableId,
    requestedTo: r.requestedTo,
    reason: r.reason,
    status: r.status as ExtensionRequestView['status'],
    requestedAt: formatInstant(r.requestedAt.getTime(), zone),
    decidedBy: r.decidedBy === null ? null : actorName(r.decidedBy),
    decidedAt: r.decidedAt ? formatInstant(r.decidedAt.getTime(), zone) : null,
    decisionNote: r.decisionNote,
  };
}

export async function requestExtension(
  db: Db,
  args: { campaignId: string; unitId: string; deliverableId: string; to: string; reason: string },
  serverNow: number = Date.now(),
): Promise<ExtensionRequestView> {
  const { campaignId, unitId, deliverableId } = args;
  const obligation = await requireObligation(db, campaignId, unitId, deliverableId);
  const { campaign, clock } = await loadCampaign(db, campaignId);
  const today = civilDateOf(clock.at(serverNow), campaign.timeZone);
  const reason = args.reason?.trim() ?? '';
  if (obligation.status === 'submitted') throw new DubanError('ALREADY_SUBMITTED', '该事项已报送，无需申请延期');
  if (obligation.status === 'waived') throw new DubanError('ALREADY_WAIVED', '该事项已免报，无需申请延期');
  if (!isCivilDate(args.to)) throw new DubanError('INVALID_ARGUMENT', `申请延期至的日期“${args.to}”不是有效日期（格式如 2022-10-20）`);
  if (args.to <= obligation.due) throw new DubanError('DATE_NOT_LATER', `申请延期至 ${args.to} 不晚于当前截止时间 ${obligation.due}`);
  if (args.to < today) throw new DubanError('DATE_IN_PAST', `申请延期至 ${args.to} 已过（今天是 ${today}）`);
  if (!reason) throw new DubanError('INVALID_ARGUMENT', '请填写申请延期的理由');
  if (reason.length > 500) throw new DubanError('INVALID_ARGUMENT', '延期理由不超过 500 字');
  const pending = await db.extensionRequest.findFirst({ where: { campaignId, unitId, deliverableId, status: 'pending' } });
  if (pending) throw new DubanError('REQUEST_DECIDED', `已有一份待审批的延期申请（申请延期至 ${pending.requestedTo}），请等待办公室审批`);
  const at = new Date(serverNow);
  const created = await db.$transaction(async (tx) => {
    const row = await tx.extensionRequest.create({ data: { campaignId, unitId, deliverableId, requestedTo: args.to, reason, status: 'pending', requestedAt: at } });
    await appendAudit(tx, {
      eventKey: `${campaignId}/${unitId}/${deliverableId}/extension-request/${row.id}`,
      campaignId,
      unitId,
      deliverableId,
      at,
      kind: 'extension.requested',
      actor: `unit:${unitId}`,
      summary: `extension to ${args.to} requested`,
      detail: { requestId: row.id, to: args.to, reason },
    });
    return row;
  });
  return requestView(created, campaign.timeZone);
}

/** What deciding a request needs: the database, and Temporal to tell the unit. */
export interface DecisionDeps extends TellDeps {
  db: Db;
  /** Whether Duban* search attributes are registered (an obligation's workflow started by an approval carries them). */
  searchAttributes: boolean;
}

const decisionKey = (row: ExtensionRequest, status: 'approved' | 'refused') => `extension-request-${row.id}-${status}`;

/** The letter of a decided request; `due` is the obligation's deadline after the decision. */
function decisionLetter(row: ExtensionRequest, status: 'approved' | 'refused', due: string, stageId: string): SendUnitMessageInput & { stageId: string } {
  const decision: UnitDecision =
    status === 'approved'
      ? { kind: 'extension-approved', requestId: row.id, requestedTo: row.requestedTo, to: due }
      : { kind: 'extension-refused', requestId: row.id, requestedTo: row.requestedTo, reason: row.decisionNote ?? '', deadline: due };
  return { campaignId: row.campaignId, unitId: row.unitId, deliverableId: row.deliverableId, key: decisionKey(row, status), decision, stageId };
}

function decidedError(row: ExtensionRequest): DubanError {
  return new DubanError('REQUEST_DECIDED', `延期申请 ${row.id} 已于 ${row.decidedAt?.toISOString().slice(0, 10)} 由 ${row.decidedBy} ${row.status === 'approved' ? '批准' : '不予批准'}`);
}

async function requestRow(db: Db, requestId: number): Promise<ExtensionRequest> {
  const row = await db.extensionRequest.findUnique({ where: { id: requestId } });
  if (!row) throw new DubanError('UNKNOWN_REQUEST', `延期申请 ${requestId} 不存在`);
  return row;
}

async function pendingRequest(db: Db, requestId: number): Promise<ExtensionRequest> {
  const row = await requestRow(db, requestId);
  if (row.status !== 'pending') throw decidedError(row);
  return row;
}

/**
 * The request as the operator found it, when still pending. Already decided the same way (the operator's retry
 * of an action whose answer was lost), the unit's letter is started again — the same key, so at most once —
 * in case the first call ended between recording the decision and starting it; the retry is refused as before.
 */
async function undecidedRequest(deps: DecisionDeps, requestId: number, status: 'approved' | 'refused'): Promise<ExtensionRequest> {
  const row = await requestRow(deps.db, requestId);
  if (row.status === 'pending') return row;
  if (row.status === status) {
    const obligation = await requireObligation(deps.db, row.campaignId, row.unitId, row.deliverableId);
    await tellUnit(deps, decisionLetter(row, status, obligation.due, obligation.stageId));
  }
  throw decidedError(row);
}

/** Marks the request decided, unless another operator decided it first. */
async function markDecided(db: Db, row: ExtensionRequest, data: { status: 'approved' | 'refused'; decidedBy: string; decisionNote: string | null; at: Date }) {
  const updated = await db.extensionRequest.updateMany({
    where: { id: row.id, status: 'pending' },
    data: { status: data.status, decidedBy: data.decidedBy, decidedAt: data.at, decisionNote: data.decisionNote },
  });
  if (updated.count !== 1) {
    await pendingRequest(db, row.id); // throws, naming who decided it
    throw new DubanError('REQUEST_DECIDED', `延期申请 ${row.id} 已被处理`);
  }
}

export async function approveExtensionRequest(deps: DecisionDeps, args: { requestId: number; to?: string; actor: string }): Promise<{ warnings: string[] }> {
  const { db } = deps;
  const row = await undecidedRequest(deps, args.requestId, 'approved');
  const to = args.to?.trim() || row.requestedTo;
  const after = await actOnObligation(deps, {
    campaignId: row.campaignId,
    unitId: row.unitId,
    deliverableId: row.deliverableId,
    event: { kind: 'extend', to, reason: `批准单位延期申请：${row.reason}` },
    actor: args.actor,
  }, { tellUnit: false }); // the approval's own letter (below) tells the unit: one letter, not two
  const at = new Date();
  await markDecided(db, row, { status: 'approved', decidedBy: args.actor, decisionNote: to === row.requestedTo ? null : `批准延期至 ${to}`, at });
  await appendAudit(db, {
    eventKey: `${row.campaignId}/${row.unitId}/${row.deliverableId}/extension-request/${row.id}/approved`,
    campaignId: row.campaignId,
    unitId: row.unitId,
    deliverableId: row.deliverableId,
    at,
    kind: 'extension.approved',
    actor: args.actor,
    summary: `extension request ${row.id} approved`,
    detail: { requestId: row.id, to },
  });
  const obligation = await requireObligation(db, row.campaignId, row.unitId, row.deliverableId);
  await tellUnit(deps, decisionLetter(row, 'approved', after.deadline, obligation.stageId));
  return { warnings: [] };
}

export async function refuseExtensionRequest(deps: DecisionDeps, args: { requestId: number; reason: string; actor: string }): Promise<void> {
  const { db } = deps;
  const reason = args.reason?.trim() ?? '';
  if (!reason) throw new DubanError('INVALID_ARGUMENT', '请填写不予批准的理由');
  const row = await undecidedRequest(deps, args.requestId, 'refused');
  const at = new Date();
  await markDecided(db, row, { status: 'refused', decidedBy: args.actor, decisionNote: reason, at });
  await appendAudit(db, {
    eventKey: `${row.campaignId}/${row.unitId}/${row.deliverableId}/extension-request/${row.id}/refused`,
    campaignId: row.campaignId,
    unitId: row.unitId,
    deliverableId: row.deliverableId,
    at,
    kind: 'extension.refused',
    actor: args.actor,
    summary: `extension request ${row.id} refused`,
    detail: { requestId: row.id, reason },
  });
  const obligation = await requireObligation(db, row.campaignId, row.unitId, row.deliverableId);
  await tellUnit(deps, decisionLetter({ ...row, decisionNote: reason }, 'refused', obligation.due, obligation.stageId));
}
