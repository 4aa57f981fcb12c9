// sendNotice: one notice, exactly once. Its business key is claimed in the database before the SMTP
// conversation; a retry finds the claim (or the sent row) and never sends twice.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { DubanError } from '../domain/errors';
import { type ScheduleContext, noticeDecision, supervisionTimeLimit, workingDaysLate } from '../domain/policy';
import { chineseDateTime } from '../domain/zoned-time';
import { docxAttachment } from '../letters/docx';
import { formatDocumentNumber } from '../letters/official';
import { type RenderedNotice, renderNotice, takesDocumentNumber } from '../letters/render';
import type { Mailer } from '../mail/mailer';
import { type NoticeSignOffInput, type PrepareNoticeResult, type SendNoticeInput, type SendNoticeResult, noticeBusinessKey } from '../shared/contract';
import { type CachedCampaign, campaignCache, lettersOf, scheduleContext, unitPrincipals } from '../store/campaigns';
import type { Db } from '../store/db';
import {
  type ClaimRequest,
  type LetterHistory,
  NOTICES,
  NOTICE_LEASE,
  type NoticeLease,
  type SentNotice,
  decideNoticeSignOff,
  holdNoticeForSignOff,
  prepareSentRecord,
  findSentNotice,
  noticeFacts,
  noticeRequest,
  noticeWasSent,
  recordNoticeOutcome,
} from '../store/notices';
import { tellRobots } from './channels';
import { deliverOnce, mailLetter } from './deliver';
import { portalLinks } from './portal-links';

function unitOf(loaded: CachedCampaign, campaignId: string, unitId: string) {
  const unit = loaded.units.get(unitId);
  if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${campaignId} has no unit ${JSON.stringify(unitId)}`);
  return unit;
}

/** `<标题>.docx`, without the characters file systems refuse. */
export interface NoticeDeps {
  db: Db;
  mailer: Mailer;
  mailFrom?: string;
  noticeLease?: NoticeLease;
  /** The console's address as units reach it (DUBAN_PUBLIC_URL): letters then carry each unit's portal link. */
  publicUrl?: string;
  /** Where the letters' group-robot deliveries run (activities/channels.ts); without it no robot is told. */
  client?: Client;
  taskQueue?: string;
}

export function createNoticeActivities(deps: NoticeDeps) {
  const { db, mailer } = deps;
  const lease = deps.noticeLease ?? NOTICE_LEASE;
  const loadCampaign = campaignCache(db);
  const portalUrl = portalLinks(deps);

  /** The unit's own link; none in a circulation. */
  async function portalUrlOf(input: SendNoticeInput, loaded: CachedCampaign): Promise<string | undefined> {
    if (input.notice.action === 'circulate') return undefined;
    return portalUrl({ campaignId: input.campaignId, unitId: input.unitId, deadline: input.notice.deadline, lastDue: loaded.lastDue });
  }

  /**
   * The letter as it will be sent at campaign time `sendingAt`, with its recipients: every fact from the record —
   * the ladder of the deliverable, the steps taken and the latest return or extension (`history`), the unit's own
   * deadline and principals, the campaign's 公文 parts, and the 发文字号 the claim gave it.
   */
  function composeLetter(
    input: SendNoticeInput,
    loaded: CachedCampaign,
    ctx: ScheduleContext,
    sendingAt: number,
    portalUrl: string | undefined,
    history: LetterHistory,
    documentNumber: string | undefined,
  ): RenderedNotice {
    const { campaignId, unitId, deliverableId, notice } = input;
    const { campaign, settings, units } = loaded;
    const unit = unitOf(loaded, campaignId, unitId);
    const deliverable = settings.deliverables[deliverableId];
    const leadIds = deliverable.submitTo.includes('lead_departments') ? loaded.reportsTo.get(unitId)! : [];
    const leads = leadIds.map((id) => unitOf(loaded, campaignId, id));
    const allUnits = notice.action === 'circulate' ? [...units.values()].map((u) => ({ name: u.name, email: u.email, type: u.type })) : [];
    const letters = lettersOf(settings, campaign.officeName);
    return renderNotice({
      action: notice.action,
      campaignTitle: campaign.title,
      office: { name: campaign.officeName, email: campaign.officeEmail },
      unit: { name: unit.name, email: unit.email, principals: unitPrincipals(unit) },
      deliverableName: deliverable.name,
      deadline: notice.deadline,
      submitTo: [...(deliverable.submitTo.includes('office') ? [campaign.officeName] : []), ...leads.map((l) => l.name)],
      sentAt: sendingAt,
      timeZone: settings.timeZone,
      lateWorkingDays: workingDaysLate(ctx, notice.deadline, sendingAt),
      timeLimit: notice.action === 'notice' ? supervisionTimeLimit(ctx, notice) : undefined,
      allUnits,
      portalUrl,
      ladder: deliverable.policy.escalate,
      stepsTaken: history.stepsTaken,
      returned: history.returned,
      extended: history.extended,
      documentNumber,
      basis: letters.basis,
      contact: letters.contact,
      cc: letters.cc,
      leads: leads.map((l) => ({ name: l.name, email: l.email })),
      issuer: letters.issuer,
    });
  }

  /** What is claimed: the letter worded with the number the claim gives it (numbered letters of numbering campaigns). */
  function claimFor(input: SendNoticeInput, loaded: CachedCampaign, timeZone: string, word: (documentNumber: string | undefined) => RenderedNotice): ClaimRequest {
    const businessKey = noticeBusinessKey(input);
    const { notice } = input;
    const documents = lettersOf(loaded.settings, loaded.campaign.officeName).documents;
    return {
      businessKey,
      campaignId: input.campaignId,
      unitId: input.unitId,
      deliverableId: input.deliverableId,
      deadline: notice.deadline,
      action: notice.action,
      scheduledAt: new Date(notice.at),
      letter: (documentNumber) => {
        const rendered = word(documentNumber);
        return {
          reason: `${notice.reason}；${chineseDateTime(notice.at, timeZone)}发出${rendered.instrument}`,
          to: rendered.to,
          cc: rendered.cc,
          subject: rendered.subject,
          text: rendered.text,
          messageId: `<${createHash('sha256').update(businessKey).digest('hex').slice(0, 32)}@duban>`,
        };
      },
      ...(documents && takesDocumentNumber(notice.action) ? { numbering: documents, formatNumber: formatDocumentNumber } : {}),
    };
  }

  async function sendNotice(input: SendNoticeInput): Promise<SendNoticeResult> {
    const { campaignId, unitId, deliverableId, notice } = input;
    const businessKey = noticeBusinessKey(input);
    const loaded = await loadCampaign(campaignId);
    // A first attempt finds no row of its own; a retry may find the letter sent by an attempt that died after.
    if (Context.current().info.attempt > 1 && (await noticeWasSent(db, businessKey))) return alreadySent(input, loaded);

    const ctx = scheduleContext(loaded.settings, campaignId, deliverableId);
    const sendingAt = loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);
    // the obligation's record and its letters so far, in one query
    const { obligation, history } = await noticeFacts(db, campaignId, unitId, deliverableId, notice.deadline, ctx.timeZone);
    if (!obligation) throw new DubanError('UNKNOWN_OBLIGATION', `no obligation ${campaignId}/${unitId}/${deliverableId} in the database`);
    const decision = noticeDecision(ctx, obligation, notice, sendingAt);
    if (!decision.send) {
      // a workflow reset can ask again, on a first attempt, for a letter that did go out before the record changed
      if (await noticeWasSent(db, businessKey)) return alreadySent(input, loaded);
      return { businessKey, outcome: 'skipped', reason: decision.reason };
    }

    const portal = await portalUrlOf(input, loaded);
    // the letter is worded by the claim, with the number it gives (or finds on its row): the last wording is the one claimed
    let worded: RenderedNotice | undefined;
    const request = claimFor(input, loaded, ctx.timeZone, (documentNumber) => (worded = composeLetter(input, loaded, ctx, sendingAt, portal, history, documentNumber)));
    const principals = unitPrincipals(unitOf(loaded, campaignId, unitId)).map((p) => p.name).join('、');
    const { campaign } = loaded;
    const from = deps.mailFrom ?? `"${campaign.officeName}" <${campaign.officeEmail}>`;
    const delivered = await deliverOnce({
      db,
      lease,
      table: NOTICES,
      request: noticeRequest(request),
      heldType: 'NOTICE_CLAIMED',
      prepare: async (claim) => ({
        record: prepareSentRecord(db, { ...claim, sentAt: new Date(sendingAt) }, ctx.timeZone, principals),
        // the same letter as a .docx (GB/T 9704), besides the plain-text body
        attachments: [await docxAttachment(worded!.letter)],
      }),
      send: (claim, { attachments }) => mailLetter(mailer, from, claim.letter, { key: claim.businessKey, action: claim.action }, attachments),
    });
    if (delivered === 'already-sent') return alreadySent(input, loaded);
    await tellUnitRobots(input, loaded, { ...delivered.sent, sentAt: new Date(sendingAt) }, portal);
    return { businessKey, outcome: 'sent' };
  }

  /** Sent by an earlier attempt, which may have died before recording all that follows from it (or telling the robots). */
  async function alreadySent(input: SendNoticeInput, loaded: CachedCampaign): Promise<SendNoticeResult> {
    const businessKey = noticeBusinessKey(input);
    const sent = await findSentNotice(db, businessKey);
    if (!sent) throw new Error(`notice ${businessKey} is not recorded as sent`);
    await recordNoticeOutcome(db, sent, loaded.settings.timeZone);
    await tellUnitRobots(input, loaded, sent, await portalUrlOf(input, loaded));
    return { businessKey, outcome: 'already-sent' };
  }

  /** The sent notice, to the unit's group robots (activities/channels.ts), once the mail is recorded. */
  async function tellUnitRobots(input: SendNoticeInput, loaded: CachedCampaign, sent: SentNotice, portalUrl: string | undefined): Promise<void> {
    const { businessKey: letterKey, letter, sentAt, deliverableId, deadline } = sent;
    const letterFacts = { letterKey, subject: letter.subject, sentAt, deliverableIds: [deliverableId], deadline, ...(portalUrl ? { portalUrl } : {}) };
    await tellRobots(deps, loaded.settings, unitOf(loaded, input.campaignId, input.unitId), letterFacts);
  }


  /**
   * A letter whose step needs a leader's 签发 (a 约谈通知), at its time: skipped as sendNotice would skip it, else worded
   * as it would go now (without a 发文字号, which it takes when it goes out) and held as 待签发 with that preview.
   */
  async function prepareNotice(input: SendNoticeInput): Promise<PrepareNoticeResult> {
    const { campaignId, unitId, deliverableId, notice } = input;
    const businessKey = noticeBusinessKey(input);
    const loaded = await loadCampaign(campaignId);
    const ctx = scheduleContext(loaded.settings, campaignId, deliverableId);
    const sendingAt = loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);
    const { obligation, history } = await noticeFacts(db, campaignId, unitId, deliverableId, notice.deadline, ctx.timeZone);
    if (!obligation) throw new DubanError('UNKNOWN_OBLIGATION', `no obligation ${campaignId}/${unitId}/${deliverableId} in the database`);
    const decision = noticeDecision(ctx, obligation, notice, sendingAt);
    if (!decision.send) return { businessKey, outcome: 'skipped', reason: decision.reason };
    const portal = await portalUrlOf(input, loaded);
    const request = claimFor(input, loaded, ctx.timeZone, (n) => composeLetter(input, loaded, ctx, sendingAt, portal, history, n));
    const letter = typeof request.letter === 'function' ? request.letter(undefined) : request.letter;
    await holdNoticeForSignOff(db, { ...request, letter }, new Date(sendingAt));
    return { businessKey, outcome: 'awaiting' };
  }

  /** Records the decision on the obligation's 待签发 letter (approved: sendNotice then claims it as any other). */
  async function recordNoticeSignOff(input: NoticeSignOffInput): Promise<void> {
    await decideNoticeSignOff(db, {
      businessKey: noticeBusinessKey(input),
      decision: input.decision.decision,
      actor: input.decision.actor,
      ...(input.decision.reason ? { reason: input.decision.reason } : {}),
      at: new Date(input.decidedAt),
    });
  }

  return { sendNotice, prepareNotice, recordNoticeSignOff };
}
