// Sending one notice exactly once. The business key (campaign, unit, deliverable, deadline, action, day)
// is claimed in the database before the SMTP conversation; a retry finds the claim and never sends twice.
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { WorkingDays } from '../domain/calendar';
import { ESCALATION_LADDER, type ScheduledNotice, noticeSchedule } from '../domain/policy';
import { chineseDateTime, civilDateOf, formatInstant } from '../domain/zoned-time';
import { appendAudit } from '../store/audit';
import type { Campaign } from '../generated/prisma/client';
import { type CampaignSettings, requireCampaign, settingsOf } from '../store/campaigns';
import type { Db } from '../store/db';
import type { Mailer } from '../mail/mailer';
import { renderNotice } from '../letters/render';

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

/**
 * How long one attempt holds the claim. Longer than the activity's start-to-close timeout and than the
 * mailer's own timeouts allow a conversation to last, so a retry never overlaps a live attempt; a crashed
 * attempt's claim lapses and a retry resends (with the same Message-ID).
 */
export const NOTICE_LEASE_MS = 10 * 60_000;

export function noticeBusinessKey(input: Pick<SendNoticeInput, 'campaignId' | 'unitId' | 'deliverableId' | 'notice'>): string {
  return `${input.campaignId}/${input.unitId}/${input.deliverableId}/${input.notice.key}`;
}

export function createNoticeActivities(deps: { db: Db; mailer: Mailer; mailFrom?: string }) {
  const { db, mailer } = deps;

  async function prepare(input: SendNoticeInput, campaign: Campaign, settings: CampaignSettings, sendingAt: number) {
    const { campaignId, unitId, deliverableId, notice } = input;
    const unit = await db.unit.findUniqueOrThrow({ where: { campaignId_unitId: { campaignId, unitId } } });
    const deliverable = settings.deliverables[deliverableId];
    const leadIds = deliverable.submitTo.includes('lead_departments') ? (JSON.parse(unit.reportsTo) as string[]) : [];
    const leads = leadIds.length
      ? await db.unit.findMany({ where: { campaignId, unitId: { in: leadIds } }, select: { name: true } })
      : [];
    const allUnits =
      notice.action === 'circulate'
        ? await db.unit.findMany({ where: { campaignId }, select: { name: true, email: true }, orderBy: { unitId: 'asc' } })
        : [];
    const ctx = { policy: deliverable.policy, calendar: settings.calendar, timeZone: settings.timeZone };
    const later = noticeSchedule(ctx, notice.deadline).find((n) => n.action !== 'reminder' && n.at > notice.at);
    const rendered = renderNotice({
      action: notice.action,
      campaignTitle: campaign.title,
      office: { name: campaign.officeName, email: campaign.officeEmail },
      unit: { name: unit.name, email: unit.email, principal: { name: unit.principalName, email: unit.principalEmail } },
      deliverableName: deliverable.name,
      deadline: notice.deadline,
      submitTo: [...(deliverable.submitTo.includes('office') ? [campaign.officeName] : []), ...leads.map((l) => l.name)],
      sentAt: sendingAt,
      timeZone: settings.timeZone,
      calendar: settings.calendar,
      // the new time limit: the last working day before the next step fires
      nextStepDate: later ? new WorkingDays(settings.calendar).nthWorkingDayBefore(civilDateOf(later.at, settings.timeZone), 1) : undefined,
      allUnits,
    });
    const reason = `${notice.reason}；${chineseDateTime(notice.at, settings.timeZone)}发出${rendered.instrument}`;
    const messageId = `<${createHash('sha256').update(noticeBusinessKey(input)).digest('hex').slice(0, 32)}@duban>`;
    return { rendered, reason, messageId };
  }

  /** The campaign clock: wall time, or in a rehearsal the (skipped) server clock plus the offset. */
  function campaignNow(clockOffsetMs: number): number {
    return clockOffsetMs === 0 ? Date.now() : Context.current().info.currentAttemptScheduledTimestampMs + clockOffsetMs;
  }

  async function sendNotice(input: SendNoticeInput): Promise<SendNoticeResult> {
    const { campaignId, unitId, deliverableId, notice } = input;
    const businessKey = noticeBusinessKey(input);
    const existing = await db.notice.findUnique({ where: { businessKey } });
    if (existing?.status === 'sent') return { businessKey, outcome: 'already-sent' };

    // The database learns of a submission, waiver or new deadline before the workflow acts on it:
    // a notice for a state that no longer holds is not sent, even if its timer already fired.
    const obligation = await db.obligation.findUniqueOrThrow({
      where: { campaignId_unitId_deliverableId: { campaignId, unitId, deliverableId } },
    });
    if (obligation.status !== 'open') return { businessKey, outcome: 'skipped', reason: `obligation is ${obligation.status}` };
    if (obligation.due !== notice.deadline) return { businessKey, outcome: 'skipped', reason: `deadline is now ${obligation.due}` };
    const sendingAt = campaignNow(input.clockOffsetMs);
    const campaign = await requireCampaign(db, campaignId);
    const settings = settingsOf(campaign);
    if (notice.action === 'reminder' && civilDateOf(sendingAt, settings.timeZone) > notice.deadline) {
      // Delayed past its deadline (an outage): a reminder to deliver "by" a past day is not sent.
      return { businessKey, outcome: 'skipped', reason: `reminder for ${notice.deadline} is stale` };
    }

    const { rendered, reason, messageId } = await prepare(input, campaign, settings, sendingAt);
    const content = {
      reason,
      recipients: JSON.stringify({ to: rendered.to, cc: rendered.cc }),
      subject: rendered.subject,
      body: rendered.text,
    };
    if (!existing) {
      await db.notice.upsert({
        where: { businessKey },
        create: {
          businessKey,
          campaignId,
          unitId,
          deliverableId,
          deadline: notice.deadline,
          action: notice.action,
          scheduledAt: new Date(notice.at),
          status: 'claimed',
          messageId,
          ...content,
        },
        update: {},
      });
    }
    // The guarded update: only one attempt at a time holds the right to talk to the SMTP server.
    const now = new Date();
    const claim = await db.notice.updateMany({
      where: { businessKey, OR: [{ status: 'claimed' }, { status: 'sending', leaseUntil: { lt: now } }] },
      data: { status: 'sending', leaseUntil: new Date(now.getTime() + NOTICE_LEASE_MS), attempts: { increment: 1 }, ...content },
    });
    if (claim.count === 0) {
      const row = await db.notice.findUniqueOrThrow({ where: { businessKey } });
      if (row.status === 'sent') return { businessKey, outcome: 'already-sent' };
      throw new Error(`notice ${businessKey} is being sent by another attempt until ${row.leaseUntil?.toISOString()}`);
    }
    Context.current().heartbeat();
    try {
      await mailer.send({
        from: deps.mailFrom ?? `"${campaign.officeName}" <${campaign.officeEmail}>`,
        to: rendered.to,
        cc: rendered.cc,
        subject: rendered.subject,
        text: rendered.text,
        messageId,
        headers: { 'X-Duban-Key': businessKey, 'X-Duban-Action': notice.action },
      });
    } catch (err) {
      // The server refused or could not be reached: nothing was delivered, so the next attempt may send.
      await db.notice.updateMany({ where: { businessKey, status: 'sending' }, data: { status: 'claimed', leaseUntil: null } });
      throw err;
    }
    const sentAt = new Date(sendingAt);
    await db.$transaction(async (tx) => {
      await tx.notice.update({ where: { businessKey }, data: { status: 'sent', sentAt, leaseUntil: null } });
      if (notice.action !== 'reminder') {
        const o = await tx.obligation.findUniqueOrThrow({ where: { campaignId_unitId_deliverableId: { campaignId, unitId, deliverableId } } });
        const rank = (s: string) => ESCALATION_LADDER.indexOf(s as never);
        if (rank(notice.action) > rank(o.escalation)) {
          await tx.obligation.update({ where: { campaignId_unitId_deliverableId: { campaignId, unitId, deliverableId } }, data: { escalation: notice.action } });
        }
      }
      if (notice.action === 'interview') {
        const unit = await tx.unit.findUniqueOrThrow({ where: { campaignId_unitId: { campaignId, unitId } } });
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
        summary: `${rendered.instrument} sent: ${rendered.subject}`,
        detail: {
          action: notice.action,
          scheduledAt: formatInstant(notice.at, campaign.timeZone),
          deadline: notice.deadline,
          reason,
          to: rendered.to,
          cc: rendered.cc,
          subject: rendered.subject,
          text: rendered.text,
          messageId,
        },
      });
    });
    return { businessKey, outcome: 'sent' };
  }

  return { sendNotice };
}
