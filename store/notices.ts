// The notice claim: one row per business key, taken with a guarded update before the SMTP conversation
// so that only one attempt at a time may send it, and marked sent (with the audit record) after.
import { DubanError } from '../domain/errors';
import { higherEscalation, type NoticeAction } from '../domain/policy';
import { appendAudit } from './audit';
import { obligationKey, requireUnit } from './campaigns';
import type { Db } from './db';
import { obligationFacts } from './obligations';

/**
 * How long one attempt holds the claim. Longer than the activity's start-to-close timeout and than the
 * mailer's own timeouts allow a conversation to last, so a retry never overlaps a live attempt; a crashed
 * attempt's claim lapses and a retry resends (with the same Message-ID).
 */
export const NOTICE_LEASE_MS = 10 * 60_000;

export interface NoticeLetter {
  reason: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  messageId: string;
}

export interface NoticeClaim {
  businessKey: string;
  campaignId: string;
  unitId: string;
  deliverableId: string;
  deadline: string;
  action: NoticeAction;
  scheduledAt: Date;
  letter: NoticeLetter;
}

export async function noticeWasSent(db: Db, businessKey: string): Promise<boolean> {
  const row = await db.notice.findUnique({ where: { businessKey }, select: { status: true } });
  return row?.status === 'sent';
}

function content(letter: NoticeLetter) {
  return {
    reason: letter.reason,
    recipients: JSON.stringify({ to: letter.to, cc: letter.cc }),
    subject: letter.subject,
    body: letter.text,
  };
}

/**
 * Takes the right to talk to the SMTP server about this notice: 'claimed' when this attempt holds it,
 * 'already-sent' when an earlier attempt delivered it. Throws (a retryable error) while another attempt's
 * lease is live.
 */
export async function claimNotice(db: Db, c: NoticeClaim, now: Date = new Date()): Promise<'claimed' | 'already-sent'> {
  const { businessKey, letter } = c;
  await db.notice.upsert({
    where: { businessKey },
    create: {
      businessKey,
      campaignId: c.campaignId,
      unitId: c.unitId,
      deliverableId: c.deliverableId,
      deadline: c.deadline,
      action: c.action,
      scheduledAt: c.scheduledAt,
      status: 'claimed',
      messageId: letter.messageId,
      ...content(letter),
    },
    update: {},
  });
  const claim = await db.notice.updateMany({
    where: { businessKey, OR: [{ status: 'claimed' }, { status: 'sending', leaseUntil: { lt: now } }] },
    data: { status: 'sending', leaseUntil: new Date(now.getTime() + NOTICE_LEASE_MS), attempts: { increment: 1 }, ...content(letter) },
  });
  if (claim.count === 1) return 'claimed';
  const row = await db.notice.findUnique({ where: { businessKey } });
  if (row?.status === 'sent') return 'already-sent';
  throw new Error(`notice ${businessKey} is being sent by another attempt until ${row?.leaseUntil?.toISOString()}`);
}

/** The SMTP server refused or could not be reached: nothing was delivered, so the next attempt may send. */
export async function releaseNotice(db: Db, businessKey: string): Promise<void> {
  await db.notice.updateMany({ where: { businessKey, status: 'sending' }, data: { status: 'claimed', leaseUntil: null } });
}

/**
 * Delivered: marks the notice sent, raises the obligation's escalation level, opens the 约谈 record an
 * interview notice calls for, and appends the audit events, in one transaction.
 */
export async function recordNoticeSent(
  db: Db,
  c: NoticeClaim & { sentAt: Date; instrument: string; scheduledAtText: string },
): Promise<void> {
  const { businessKey, campaignId, unitId, deliverableId, letter, sentAt } = c;
  await db.$transaction(async (tx) => {
    await tx.notice.update({ where: { businessKey }, data: { status: 'sent', sentAt, leaseUntil: null } });
    if (c.action !== 'reminder') {
      const row = await tx.obligation.findUnique({ where: obligationKey(campaignId, unitId, deliverableId) });
      if (!row) throw new DubanError('UNKNOWN_OBLIGATION', `no obligation ${campaignId}/${unitId}/${deliverableId} in the database`);
      const reached = higherEscalation(obligationFacts(row).escalation, c.action);
      if (reached !== row.escalation) {
        await tx.obligation.update({ where: obligationKey(campaignId, unitId, deliverableId), data: { escalation: reached } });
      }
    }
    if (c.action === 'interview') {
      const unit = await requireUnit(tx, campaignId, unitId);
      await tx.interview.upsert({
        where: { noticeKey: businessKey },
        create: { noticeKey: businessKey, campaignId, unitId, deliverableId, principal: unit.principalName, status: 'to_schedule' },
        update: {},
      });
      await appendAudit(tx, {
        eventKey: `${businessKey}/interview`,
        campaignId,
        unitId,
        deliverableId,
        at: sentAt,
        kind: 'interview.created',
        actor: 'duban',
        summary: `约谈 ${unit.principalName} to be scheduled`,
        detail: { noticeKey: businessKey },
      });
    }
    await appendAudit(tx, {
      eventKey: businessKey,
      campaignId,
      unitId,
      deliverableId,
      at: sentAt,
      kind: 'notice.sent',
      actor: 'duban',
      summary: `${c.instrument} sent: ${letter.subject}`,
      detail: {
        action: c.action,
        scheduledAt: c.scheduledAtText,
        deadline: c.deadline,
        reason: letter.reason,
        to: letter.to,
        cc: letter.cc,
        subject: letter.subject,
        text: letter.text,
        messageId: letter.messageId,
      },
    });
  });
}
