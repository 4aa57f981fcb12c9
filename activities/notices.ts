// sendNotice: one notice, exactly once. Its business key is claimed in the database before the SMTP
// conversation; a retry finds the claim (or the sent row) and never sends twice.
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { DubanError } from '../domain/errors';
import { type ScheduleContext, noticeDecision, supervisionTimeLimit } from '../domain/policy';
import { chineseDateTime, formatInstant } from '../domain/zoned-time';
import { type RenderedNotice, renderNotice } from '../letters/render';
import type { Mailer } from '../mail/mailer';
import { type SendNoticeInput, type SendNoticeResult, noticeBusinessKey } from '../shared/contract';
import { type LoadedCampaign, loadCampaign, obligationKey, reportsToOf, requireUnit, scheduleContext } from '../store/campaigns';
import type { Db } from '../store/db';
import { type NoticeClaim, claimNotice, noticeWasSent, recordNoticeSent, releaseNotice } from '../store/notices';
import { obligationFacts } from '../store/obligations';

export function createNoticeActivities(deps: { db: Db; mailer: Mailer; mailFrom?: string }) {
  const { db, mailer } = deps;

  /** The letter as it will be sent at campaign time `sendingAt`, with its recipients. */
  async function composeLetter(input: SendNoticeInput, loaded: LoadedCampaign, ctx: ScheduleContext, sendingAt: number): Promise<RenderedNotice> {
    const { campaignId, unitId, deliverableId, notice } = input;
    const { campaign, settings } = loaded;
    const unit = await requireUnit(db, campaignId, unitId);
    const deliverable = settings.deliverables[deliverableId];
    const leadIds = deliverable.submitTo.includes('lead_departments') ? reportsToOf(unit) : [];
    const leads = leadIds.length ? await db.unit.findMany({ where: { campaignId, unitId: { in: leadIds } }, select: { name: true } }) : [];
    const allUnits =
      notice.action === 'circulate'
        ? await db.unit.findMany({ where: { campaignId }, select: { name: true, email: true }, orderBy: { unitId: 'asc' } })
        : [];
    return renderNotice({
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
      timeLimit: notice.action === 'notice' ? supervisionTimeLimit(ctx, notice) : undefined,
      allUnits,
    });
  }

  function claimFor(input: SendNoticeInput, rendered: RenderedNotice, timeZone: string): NoticeClaim {
    const businessKey = noticeBusinessKey(input);
    const { notice } = input;
    return {
      businessKey,
      campaignId: input.campaignId,
      unitId: input.unitId,
      deliverableId: input.deliverableId,
      deadline: notice.deadline,
      action: notice.action,
      scheduledAt: new Date(notice.at),
      letter: {
        reason: `${notice.reason}；${chineseDateTime(notice.at, timeZone)}发出${rendered.instrument}`,
        to: rendered.to,
        cc: rendered.cc,
        subject: rendered.subject,
        text: rendered.text,
        messageId: `<${createHash('sha256').update(businessKey).digest('hex').slice(0, 32)}@duban>`,
      },
    };
  }

  async function deliver(claim: NoticeClaim, from: string): Promise<void> {
    Context.current().heartbeat();
    try {
      await mailer.send({
        from,
        to: claim.letter.to,
        cc: claim.letter.cc,
        subject: claim.letter.subject,
        text: claim.letter.text,
        messageId: claim.letter.messageId,
        headers: { 'X-Duban-Key': claim.businessKey, 'X-Duban-Action': claim.action },
      });
    } catch (err) {
      await releaseNotice(db, claim.businessKey);
      throw err;
    }
  }

  async function sendNotice(input: SendNoticeInput): Promise<SendNoticeResult> {
    const { campaignId, unitId, deliverableId, notice } = input;
    const businessKey = noticeBusinessKey(input);
    if (await noticeWasSent(db, businessKey)) return { businessKey, outcome: 'already-sent' };

    const loaded = await loadCampaign(db, campaignId);
    const ctx = scheduleContext(loaded.settings, campaignId, deliverableId);
    const sendingAt = loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);
    const row = await db.obligation.findUnique({ where: obligationKey(campaignId, unitId, deliverableId) });
    if (!row) throw new DubanError('UNKNOWN_OBLIGATION', `no obligation ${campaignId}/${unitId}/${deliverableId} in the database`);
    const decision = noticeDecision(ctx, obligationFacts(row), notice, sendingAt);
    if (!decision.send) return { businessKey, outcome: 'skipped', reason: decision.reason };

    const rendered = await composeLetter(input, loaded, ctx, sendingAt);
    const claim = claimFor(input, rendered, ctx.timeZone);
    if ((await claimNotice(db, claim)) === 'already-sent') return { businessKey, outcome: 'already-sent' };
    const { campaign } = loaded;
    await deliver(claim, deps.mailFrom ?? `"${campaign.officeName}" <${campaign.officeEmail}>`);
    await recordNoticeSent(db, {
      ...claim,
      sentAt: new Date(sendingAt),
      instrument: rendered.instrument,
      scheduledAtText: formatInstant(notice.at, ctx.timeZone),
    });
    return { businessKey, outcome: 'sent' };
  }

  return { sendNotice };
}
