// 签发: the letters of a campaign waiting for a leader's sign-off (待签发) with their previews — the obligations' 通报
// and 约谈通知, and the hazards' (store/hazard-sign-off.ts) — and a leader's decision on one — approve (it goes out, dated that day) or withdraw with a reason — delivered to the workflow that
// holds it as the signOffUpdate. Only a 领导 or 管理员 may decide; the role is checked here, not in the workflow.
import type { Client } from '@temporalio/client';
import { DubanError } from '../domain/errors';
import { formatInstant } from '../domain/zoned-time';
import type { SignOffView } from '../shared/console';
import { type SignOffDecision, signOffUpdate } from '../shared/contract';
import { dubanErrorOf } from '../shared/failures';
import { loadCampaign } from '../store/campaigns';
import { awaitingCirculationByObligation, circulationForSignOff, pendingCirculations } from '../store/circulations';
import type { Db } from '../store/db';
import { NOTICE_AWAITING_SIGN_OFF, noticeForSignOff, pendingNotices } from '../store/notices';
import { obligationWorkflowId } from '../shared/contract';
import { hazardCirculationWorkflowId } from '../shared/hazard-activities';
import { hazardWorkflowId } from '../shared/hazard-contract';
import { HAZARD_AWAITING_SIGN_OFF, hazardAuditItem, hazardLetterForSignOff, pendingHazardLetters } from '../store/hazard-sign-off';

/** The roles that may sign a letter off (or withdraw it). */
export const SIGN_OFF_ROLES = ['leader', 'admin'] as const;

export type { SignOffView };

/** Every letter of the campaign waiting for 签发 (通报 and 约谈通知, the obligations' and the hazards'), oldest first, with its full preview. */
export async function pendingSignOffs(db: Db, campaignId: string): Promise<SignOffView[]> {
  const { settings } = await loadCampaign(db, campaignId);
  const unitNames = new Map((await db.unit.findMany({ where: { campaignId }, select: { unitId: true, name: true } })).map((u) => [u.unitId, u.name]));
  const at = (d: Date) => formatInstant(d.getTime(), settings.timeZone);
  const named = (o: { unitId: string; deliverableId: string }) => ({
    unitId: o.unitId,
    unitName: unitNames.get(o.unitId) ?? o.unitId,
    deliverableId: o.deliverableId,
    deliverableName: settings.deliverables[o.deliverableId]?.name ?? o.deliverableId,
  });
  const circulations = (await pendingCirculations(db, campaignId)).map(
    (c): SignOffView & { sortAt: number } => ({
      key: c.circulationKey,
      action: 'circulate',
      campaignId,
      scheduledAt: at(c.scheduledAt),
      preparedAt: at(c.createdAt),
      subject: c.letter.subject,
      text: c.letter.text,
      to: c.letter.to,
      cc: c.letter.cc,
      listed: c.letter.listed.map(named),
      sortAt: c.scheduledAt.getTime(),
    }),
  );
  const interviews = (await pendingNotices(db, campaignId)).map(
    (n): SignOffView & { sortAt: number } => ({
      key: n.businessKey,
      action: 'interview',
      campaignId,
      scheduledAt: at(n.scheduledAt),
      preparedAt: at(n.createdAt),
      subject: n.letter.subject,
      text: n.letter.text,
      to: n.letter.to,
      cc: n.letter.cc,
      listed: [named(n)],
      sortAt: n.scheduledAt.getTime(),
    }),
  );
  const held = await pendingHazardLetters(db, campaignId);
  const hazards = new Map(
    (await db.hazard.findMany({ where: { campaignId, id: { in: [...new Set(held.flatMap((h) => h.listed.map((l) => l.hazardId)))] } }, select: { id: true, serial: true, site: true, townId: true } })).map(
      (h) => [h.id, h],
    ),
  );
  const hazardLetters = held.map(
    (h): SignOffView & { sortAt: number } => ({
      key: h.businessKey,
      action: h.action,
      campaignId,
      scheduledAt: at(h.scheduledAt),
      preparedAt: at(h.createdAt),
      subject: h.wording.subject,
      text: h.wording.text,
      to: h.wording.to,
      cc: h.wording.cc,
      listed: h.listed.map(({ hazardId }) => {
        const row = hazards.get(hazardId);
        return {
          unitId: row?.townId ?? '',
          unitName: row ? (unitNames.get(row.townId) ?? row.townId) : '',
          deliverableId: hazardAuditItem(hazardId),
          deliverableName: row ? `隐患第${row.serial}号（${row.site}）` : `隐患 ${hazardId}`,
        };
      }),
      sortAt: h.scheduledAt.getTime(),
    }),
  );
  return [...circulations, ...interviews, ...hazardLetters]
    .sort((a, b) => a.sortAt - b.sortAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ sortAt: _, ...view }) => view);
}

/** The obligations whose letter waits for 签发, by `unit/deliverable/deadline`: the board's and status's 待签发. */
export async function awaitingSignOffByObligation(db: Db, campaignId: string): Promise<Map<string, 'circulate' | 'interview'>> {
  const out = new Map<string, 'circulate' | 'interview'>(await awaitingCirculationByObligation(db, campaignId));
  for (const n of await pendingNotices(db, campaignId)) out.set(`${n.unitId}/${n.deliverableId}/${n.deadline}`, 'interview');
  return out;
}

/** The role an operator account has, for a decision taken from the CLI (`--by NAME`). */
export async function operatorRole(db: Db, name: string): Promise<string> {
  const op = await db.operator.findUnique({ where: { name }, select: { role: true } });
  if (!op) throw new DubanError('NOT_FOUND', `没有账号“${name}”`);
  return op.role;
}

/**
 * A leader's decision on the letter `key`: refused unless `role` is 领导 or 管理员, the letter waits for 签发, and a
 * withdrawal gives its reason. Returns once the workflow has accepted it (the letter then goes out, or not).
 */
export async function decideSignOff(
  deps: { client: Client; db: Db },
  args: { key: string; decision: SignOffDecision['decision']; actor: string; role: string; reason?: string },
): Promise<SignOffDecision> {
  if (!(SIGN_OFF_ROLES as readonly string[]).includes(args.role)) throw new DubanError('FORBIDDEN', '无权签发：只有领导或管理员可以签发或撤回');
  if (args.decision === 'withdraw' && !args.reason?.trim()) throw new DubanError('INVALID_ARGUMENT', '撤回须用 --reason 说明理由');
  let workflowId: string;
  const circulation = await circulationForSignOff(deps.db, args.key);
  if (circulation) {
    if (circulation.status !== 'awaiting_sign_off') throw new DubanError('REQUEST_DECIDED', `此通报已不在待签发（${circulation.status}）`);
    workflowId = `duban/${args.key}`;
  } else if (!(await noticeForSignOff(deps.db, args.key))) {
    const held = await hazardLetterForSignOff(deps.db, args.key);
    if (!held) throw new DubanError('NOT_FOUND', `没有待签发的文书“${args.key}”`);
    if (held.status !== HAZARD_AWAITING_SIGN_OFF) throw new DubanError('REQUEST_DECIDED', `此${held.action === 'circulate' ? '通报' : '文书'}已不在待签发（${held.status}）`);
    workflowId = held.hazardId === '' ? hazardCirculationWorkflowId(args.key) : hazardWorkflowId(held.campaignId, held.hazardId);
  } else {
    const notice = (await noticeForSignOff(deps.db, args.key))!;
    if (notice.status !== NOTICE_AWAITING_SIGN_OFF) throw new DubanError('REQUEST_DECIDED', `此文书已不在待签发（${notice.status}）`);
    workflowId = obligationWorkflowId(notice.campaignId, notice.unitId, notice.deliverableId);
  }
  const decision: SignOffDecision = { decision: args.decision, actor: args.actor, ...(args.reason?.trim() ? { reason: args.reason.trim() } : {}) };
  let decided: SignOffDecision;
  try {
    decided = await deps.client.workflow.getHandle(workflowId).executeUpdate(signOffUpdate, { args: [decision] });
  } catch (err) {
    throw dubanErrorOf(err) ?? err;
  }
  await decisionRecorded(deps.db, args.key);
  return decided;
}

/**
 * The workflow accepts the decision at once and records it by an activity just after: the caller (the console's
 * 待签发 card, the CLI) reads the list again right away, so wait — briefly — until the letter no longer waits.
 */
async function decisionRecorded(db: Db, key: string, withinMs = 10_000): Promise<void> {
  const until = Date.now() + withinMs;
  const waiting = async () => {
    const circulation = await circulationForSignOff(db, key);
    if (circulation) return circulation.status === 'awaiting_sign_off';
    const notice = await noticeForSignOff(db, key);
    if (notice) return notice.status === NOTICE_AWAITING_SIGN_OFF;
    return (await hazardLetterForSignOff(db, key))?.status === HAZARD_AWAITING_SIGN_OFF;
  };
  while ((await waiting()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
}
