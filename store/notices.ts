// The notice claim: one row per business key, taken with a guarded update before the SMTP conversation
// so that only one attempt at a time may send it, and marked sent (with the audit record) after.
import { z } from 'zod';
import { DubanError } from '../domain/errors';
import { INSTRUMENT_NAMES, NOTICE_ACTIONS, type NoticeAction, higherEscalation } from '../domain/policy';
import { formatInstant } from '../domain/zoned-time';
import { appendAudit } from './audit';
import { obligationKey, requireUnit } from './campaigns';
import type { Db } from './db';
import { obligationFacts } from './obligations';

/**
 * How long a claim holds without renewal. A live attempt renews it every `renewMs` while it talks
 * to the SMTP server, so it never lapses under a live conversation; a crashed attempt's lapses within this,
 * before Temporal retries the activity (its heartbeat timeout, 20 s, is longer), and the retry resends with the same
 * Message-ID.
 */
export interface NoticeLease {
  leaseMs: number;
  renewMs: number;
}

export const NOTICE_LEASE: NoticeLease = { leaseMs: 15_000, renewMs: 5_000 };

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

/** Keeps a live attempt's claim from lapsing; false when the claim is no longer this attempt's to renew. */
export async function renewClaim(db: Db, businessKey: string, lease: NoticeLease = NOTICE_LEASE, now: Date = new Date()): Promise<boolean> {
  const renewed = await db.notice.updateMany({
    where: { businessKey, status: 'sending' },
    data: { leaseUntil: new Date(now.getTime() + lease.leaseMs) },
  });
  return renewed.count === 1;
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
export async function claimNotice(
  db: Db,
  c: NoticeClaim,
  lease: NoticeLease = NOTICE_LEASE,
  now: Date = new Date(),
): Promise<'claimed' | 'already-sent'> {
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
    data: { status: 'sending', leaseUntil: new Date(now.getTime() + lease.leaseMs), attempts: { increment: 1 }, ...content(letter) },
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
 * The SMTP server accepted the message: the one write that says so, right away. Everything that follows
 * from it (recordNoticeOutcome) can be redone by a retry; this cannot be recovered if it is lost.
 */
export async function markNoticeSent(db: Db, businessKey: string, sentAt: Date): Promise<void> {
  await db.notice.updateMany({ where: { businessKey, status: { not: 'sent' } }, data: { status: 'sent', sentAt, leaseUntil: null } });
}

/**
 * What a sent notice brings about, from its row: the obligation's escalation level, the 约谈 record an
 * interview notice opens, and the audit events. Idempotent: a retry after a crash completes what is missing.
 */
export async function recordNoticeOutcome(db: Db, businessKey: string, timeZone: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const notice = await tx.notice.findUnique({ where: { businessKey } });
    if (!notice || notice.status !== 'sent' || !notice.sentAt) throw new Error(`notice ${businessKey} is not recorded as sent`);
    const { campaignId, unitId, deliverableId, sentAt } = notice;
    const action = checkedAction(notice.action, businessKey);
    if (action !== 'reminder') {
      const row = await tx.obligation.findUnique({ where: obligationKey(campaignId, unitId, deliverableId) });
      if (!row) throw new DubanError('UNKNOWN_OBLIGATION', `no obligation ${campaignId}/${unitId}/${deliverableId} in the database`);
      const reached = higherEscalation(obligationFacts(row).escalation, action);
      if (reached !== row.escalation) {
        await tx.obligation.update({ where: obligationKey(campaignId, unitId, deliverableId), data: { escalation: reached } });
      }
    }
    if (action === 'interview') {
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
    const recipients = recipientsSchema.parse(JSON.parse(notice.recipients));
    await appendAudit(tx, {
      eventKey: businessKey,
      campaignId,
      unitId,
      deliverableId,
      at: sentAt,
      kind: 'notice.sent',
      actor: 'duban',
      summary: `${INSTRUMENT_NAMES[action]} sent: ${notice.subject}`,
      detail: {
        action,
        scheduledAt: formatInstant(notice.scheduledAt.getTime(), timeZone),
        deadline: notice.deadline,
        reason: notice.reason,
        to: recipients.to,
        cc: recipients.cc,
        subject: notice.subject,
        text: notice.body,
        messageId: notice.messageId,
      },
    });
  });
}

const recipientsSchema = z.object({ to: z.array(z.string()), cc: z.array(z.string()) });

function checkedAction(value: string, businessKey: string): NoticeAction {
  if (!(NOTICE_ACTIONS as readonly string[]).includes(value)) throw new DubanError('CORRUPT_RECORD', `notice ${businessKey} has action ${JSON.stringify(value)}`);
  return value as NoticeAction;
}
