// 签发: the letters of a campaign waiting for a leader's sign-off (待签发) with their previews, and a leader's
// decision on one — approve (it goes out, dated that day) or withdraw with a reason — delivered to the workflow that
// holds it as the signOffUpdate. Only a 领导 or 管理员 may decide; the role is checked here, not in the workflow.
import type { Client } from '@temporalio/client';
import { DubanError } from '../domain/errors';
import { formatInstant } from '../domain/zoned-time';
import type { SignOffView } from '../shared/console';
import { type SignOffDecision, signOffUpdate } from '../shared/contract';
import { dubanErrorOf } from '../shared/failures';
import { loadCampaign } from '../store/campaigns';
import { circulationForSignOff, pendingCirculations } from '../store/circulations';
import type { Db } from '../store/db';

/** The roles that may sign a letter off (or withdraw it). */
export const SIGN_OFF_ROLES = ['leader', 'admin'] as const;

export type { SignOffView };

/** Every letter of the campaign waiting for 签发, oldest first, with its full preview. */
export async function pendingSignOffs(db: Db, campaignId: string): Promise<SignOffView[]> {
  const { settings } = await loadCampaign(db, campaignId);
  const unitNames = new Map((await db.unit.findMany({ where: { campaignId }, select: { unitId: true, name: true } })).map((u) => [u.unitId, u.name]));
  const at = (d: Date) => formatInstant(d.getTime(), settings.timeZone);
  return (await pendingCirculations(db, campaignId)).map((c) => ({
    key: c.circulationKey,
    action: 'circulate',
    campaignId,
    scheduledAt: at(c.scheduledAt),
    preparedAt: at(c.createdAt),
    subject: c.letter.subject,
    text: c.letter.text,
    to: c.letter.to,
    cc: c.letter.cc,
    listed: c.letter.listed.map((o) => ({
      unitId: o.unitId,
      unitName: unitNames.get(o.unitId) ?? o.unitId,
      deliverableId: o.deliverableId,
      deliverableName: settings.deliverables[o.deliverableId]?.name ?? o.deliverableId,
    })),
  }));
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
  const circulation = await circulationForSignOff(deps.db, args.key);
  if (!circulation) throw new DubanError('NOT_FOUND', `没有待签发的文书“${args.key}”`);
  if (circulation.status !== 'awaiting_sign_off') throw new DubanError('REQUEST_DECIDED', `此通报已不在待签发（${circulation.status}）`);
  const decision: SignOffDecision = { decision: args.decision, actor: args.actor, ...(args.reason?.trim() ? { reason: args.reason.trim() } : {}) };
  try {
    return await deps.client.workflow.getHandle(`duban/${args.key}`).executeUpdate(signOffUpdate, { args: [decision] });
  } catch (err) {
    throw dubanErrorOf(err) ?? err;
  }
}
