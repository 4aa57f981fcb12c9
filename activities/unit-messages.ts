// sendUnitMessage: a letter telling a unit what the office decided, exactly once per message key. The key is
// claimed in the database before the SMTP conversation (store/claims.ts, through activities/deliver.ts); a
// retry, or a second workflow with the same key, finds the claim or the sent row and never sends twice.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { DubanError } from '../domain/errors';
import { type RenderedDecision, renderDecision } from '../letters/decisions';
import { docxAttachment } from '../letters/docx';
import type { Mailer } from '../mail/mailer';
import { type SendUnitMessageInput, type SendUnitMessageResult, unitMessageKey } from '../shared/contract';
import { type CachedCampaign, campaignCache, lettersOf } from '../store/campaigns';
import type { Db } from '../store/db';
import { CLAIM_LEASE, type ClaimLease } from '../store/claims';
import {
  UNIT_MESSAGES,
  type SentUnitMessage,
  type UnitMessageClaim,
  findSentUnitMessage,
  prepareUnitMessageRecord,
  recordUnitMessageOutcome,
  unitMessageRequest,
  unitMessageWasSent,
} from '../store/unit-messages';
import { tellRobots } from './channels';
import { deliverOnce, mailLetter } from './deliver';
import { portalLinks } from './portal-links';

export interface UnitMessageDeps {
  db: Db;
  mailer: Mailer;
  mailFrom?: string;
  noticeLease?: ClaimLease;
  /** The console's address as units reach it (DUBAN_PUBLIC_URL): letters then carry the unit's portal link. */
  publicUrl?: string;
  /** Where the letters' group-robot deliveries run (activities/channels.ts); without it no robot is told. */
  client?: Client;
  taskQueue?: string;
}

export function createUnitMessageActivities(deps: UnitMessageDeps) {
  const { db, mailer } = deps;
  const lease = deps.noticeLease ?? CLAIM_LEASE;
  const loadCampaign = campaignCache(db);
  const portalUrl = portalLinks(deps);

  async function compose(input: SendUnitMessageInput, loaded: CachedCampaign, sendingAt: number): Promise<RenderedDecision> {
    const { campaignId, unitId, deliverableId, decision } = input;
    const { campaign, settings } = loaded;
    const unit = loaded.units.get(unitId);
    if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${campaignId} has no unit ${JSON.stringify(unitId)}`);
    const deliverable = settings.deliverables[deliverableId];
    if (!deliverable) throw new DubanError('UNKNOWN_DELIVERABLE', `campaign ${campaignId} has no deliverable ${JSON.stringify(deliverableId)}`);
    const { contact } = lettersOf(settings, campaign.officeName);
    const leads = deliverable.submitTo.includes('lead_departments') ? (loaded.reportsTo.get(unitId) ?? []) : [];
    return renderDecision({
      decision,
      campaignTitle: campaign.title,
      office: { name: campaign.officeName, email: campaign.officeEmail },
      unit: { name: unit.name, email: unit.email },
      deliverableName: deliverable.name,
      submitTo: [...(deliverable.submitTo.includes('office') ? [campaign.officeName] : []), ...leads.map((id) => loaded.units.get(id)?.name ?? id)],
      sentAt: sendingAt,
      timeZone: settings.timeZone,
      portalUrl: await linkOf(input, loaded),
      ...(contact ? { contact } : {}),
    });
  }

  /** The deadline the unit now works to, and its portal link; none after a 免报, whose letter carries no link (nothing is left to do). */
  function deadlineOf({ decision }: SendUnitMessageInput): string | undefined {
    return decision.kind === 'extension-refused' ? decision.deadline : decision.kind === 'waived' ? undefined : decision.to;
  }
  async function linkOf(input: SendUnitMessageInput, loaded: CachedCampaign): Promise<string | undefined> {
    const deadline = deadlineOf(input);
    return deadline === undefined ? undefined : portalUrl({ campaignId: input.campaignId, unitId: input.unitId, deadline, lastDue: loaded.lastDue });
  }

  /** The sent message, to the unit's group robots (activities/channels.ts), once the mail is recorded. */
  async function tellUnitRobots(input: SendUnitMessageInput, loaded: CachedCampaign, sent: SentUnitMessage): Promise<void> {
    const unit = loaded.units.get(input.unitId);
    if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${input.campaignId} has no unit ${JSON.stringify(input.unitId)}`);
    const deadline = deadlineOf(input);
    const portalUrl = await linkOf(input, loaded);
    await tellRobots(deps, loaded.settings, unit, {
      letterKey: sent.messageKey,
      subject: sent.letter.subject,
      sentAt: sent.sentAt,
      deliverableIds: [sent.deliverableId],
      ...(deadline ? { deadline } : {}),
      ...(portalUrl ? { portalUrl } : {}),
    });
  }


  async function sendUnitMessage(input: SendUnitMessageInput): Promise<SendUnitMessageResult> {
    const messageKey = unitMessageKey(input);
    // a retry, or a second workflow for the same key once Temporal has forgotten the first: sent means done
    if (await unitMessageWasSent(db, messageKey)) return alreadySent(input, messageKey);
    const loaded = await loadCampaign(input.campaignId);
    const sendingAt = loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);
    const rendered = await compose(input, loaded, sendingAt);
    const claim: UnitMessageClaim = {
      messageKey,
      key: input.key,
      campaignId: input.campaignId,
      unitId: input.unitId,
      deliverableId: input.deliverableId,
      kind: input.decision.kind,
      letter: {
        to: rendered.to,
        cc: rendered.cc,
        subject: rendered.subject,
        text: rendered.text,
        messageId: `<${createHash('sha256').update(messageKey).digest('hex').slice(0, 32)}@duban>`,
      },
    };
    const { campaign } = loaded;
    const from = deps.mailFrom ?? `"${campaign.officeName}" <${campaign.officeEmail}>`;
    const attachments = [await docxAttachment(rendered.letter)];
    const delivered = await deliverOnce({
      db,
      lease,
      table: UNIT_MESSAGES,
      request: unitMessageRequest(claim),
      heldType: 'UNIT_MESSAGE_CLAIMED',
      prepare: (m) => ({ record: prepareUnitMessageRecord(db, { ...m, sentAt: new Date(sendingAt) }) }),
      send: (m) => mailLetter(mailer, from, m.letter, { key: m.messageKey, action: m.kind }, attachments),
    });
    if (delivered === 'already-sent') return alreadySent(input, messageKey);
    await tellUnitRobots(input, loaded, { ...delivered.sent, sentAt: new Date(sendingAt) });
    return { messageKey, outcome: 'sent' };
  }

  /** Sent by an earlier attempt, which may have died before recording it (or telling the robots). */
  async function alreadySent(input: SendUnitMessageInput, messageKey: string): Promise<SendUnitMessageResult> {
    const sent = await findSentUnitMessage(db, messageKey, input.key);
    if (!sent) throw new Error(`unit message ${messageKey} is not recorded as sent`);
    await recordUnitMessageOutcome(db, sent);
    await tellUnitRobots(input, await loadCampaign(input.campaignId), sent);
    return { messageKey, outcome: 'already-sent' };
  }

  return { sendUnitMessage };
}
