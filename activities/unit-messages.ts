// sendUnitMessage: a letter telling a unit what the office decided, exactly once per message key. The key is
// claimed in the database before the SMTP conversation (store/unit-messages.ts, the notice claim's twin); a
// retry, or a second workflow with the same key, finds the claim or the sent row and never sends twice.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { DubanError } from '../domain/errors';
import { type RenderedDecision, renderDecision } from '../letters/decisions';
import type { Mailer } from '../mail/mailer';
import { type SendUnitMessageInput, type SendUnitMessageResult, unitMessageKey } from '../shared/contract';
import { type CachedCampaign, campaignCache } from '../store/campaigns';
import type { Db } from '../store/db';
import { ClaimHeldError, type HeldClaim, NOTICE_LEASE, type NoticeLease } from '../store/notices';
import {
  type UnitMessageClaim,
  claimUnitMessage,
  commitUnitMessageRecord,
  findSentUnitMessage,
  prepareUnitMessageRecord,
  recordUnitMessageOutcome,
  releaseUnitMessage,
  renewUnitMessageClaim,
  unitMessageWasSent,
} from '../store/unit-messages';
import { portalLinks } from './portal-links';

export interface UnitMessageDeps {
  db: Db;
  mailer: Mailer;
  mailFrom?: string;
  noticeLease?: NoticeLease;
  /** The console's address as units reach it (DUBAN_PUBLIC_URL): letters then carry the unit's portal link. */
  publicUrl?: string;
}

export function createUnitMessageActivities(deps: UnitMessageDeps) {
  const { db, mailer } = deps;
  const lease = deps.noticeLease ?? NOTICE_LEASE;
  const loadCampaign = campaignCache(db);
  const portalUrl = portalLinks(deps);

  async function compose(input: SendUnitMessageInput, loaded: CachedCampaign, sendingAt: number): Promise<RenderedDecision> {
    const { campaignId, unitId, deliverableId, decision } = input;
    const { campaign, settings } = loaded;
    const unit = loaded.units.get(unitId);
    if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${campaignId} has no unit ${JSON.stringify(unitId)}`);
    const deliverable = settings.deliverables[deliverableId];
    if (!deliverable) throw new DubanError('UNKNOWN_DELIVERABLE', `campaign ${campaignId} has no deliverable ${JSON.stringify(deliverableId)}`);
    const leads = deliverable.submitTo.includes('lead_departments') ? (loaded.reportsTo.get(unitId) ?? []) : [];
    // the deadline the unit now works to; none after a 免报, whose letter carries no link (nothing is left to do)
    const deadline = decision.kind === 'extension-refused' ? decision.deadline : decision.kind === 'waived' ? undefined : decision.to;
    return renderDecision({
      decision,
      campaignTitle: campaign.title,
      office: { name: campaign.officeName, email: campaign.officeEmail },
      unit: { name: unit.name, email: unit.email },
      deliverableName: deliverable.name,
      submitTo: [...(deliverable.submitTo.includes('office') ? [campaign.officeName] : []), ...leads.map((id) => loaded.units.get(id)?.name ?? id)],
      sentAt: sendingAt,
      timeZone: settings.timeZone,
      portalUrl: deadline === undefined ? undefined : await portalUrl({ campaignId, unitId, deadline, lastDue: loaded.lastDue }),
    });
  }

  /** Talks to the SMTP server, keeping the claim (and Temporal's heartbeat) alive while the conversation lasts. */
  async function deliver(claim: UnitMessageClaim, held: HeldClaim, from: string): Promise<void> {
    const activity = Context.current();
    activity.heartbeat();
    const keepAlive = setInterval(() => {
      activity.heartbeat();
      renewUnitMessageClaim(db, held, lease).then(
        (renewed) => renewed || activity.log.warn(`the claim of ${claim.messageKey} is no longer this attempt's`),
        (err: unknown) => activity.log.warn(`could not renew the claim of ${claim.messageKey}: ${String(err)}`),
      );
    }, lease.renewMs);
    try {
      await mailer.send({
        from,
        to: claim.letter.to,
        cc: claim.letter.cc,
        subject: claim.letter.subject,
        text: claim.letter.text,
        messageId: claim.letter.messageId,
        headers: { 'X-Duban-Key': claim.messageKey, 'X-Duban-Action': claim.kind },
      });
    } catch (err) {
      await releaseUnitMessage(db, held);
      throw err;
    } finally {
      clearInterval(keepAlive);
    }
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
    const record = prepareUnitMessageRecord(db, { ...claim, sentAt: new Date(sendingAt) });
    const held = await claimOrRetryLater(claim);
    if (held === 'already-sent') return alreadySent(input, messageKey);
    const { campaign } = loaded;
    await deliver(claim, held, deps.mailFrom ?? `"${campaign.officeName}" <${campaign.officeEmail}>`);
    await commitUnitMessageRecord(db, record);
    return { messageKey, outcome: 'sent' };
  }

  /** The claim; while another attempt holds it, Temporal is asked to retry just after its lease ends. */
  async function claimOrRetryLater(claim: UnitMessageClaim): Promise<HeldClaim | 'already-sent'> {
    try {
      return await claimUnitMessage(db, claim, lease);
    } catch (err) {
      if (!(err instanceof ClaimHeldError)) throw err;
      throw ApplicationFailure.create({
        type: 'UNIT_MESSAGE_CLAIMED',
        message: `unit message ${claim.messageKey} is being sent by another attempt until ${err.until.toISOString()}`,
        nextRetryDelay: Math.max(1_000, err.until.getTime() - Date.now() + 500),
      });
    }
  }

  /** Sent by an earlier attempt, which may have died before recording it. */
  async function alreadySent(input: SendUnitMessageInput, messageKey: string): Promise<SendUnitMessageResult> {
    const sent = await findSentUnitMessage(db, messageKey, input.key);
    if (!sent) throw new Error(`unit message ${messageKey} is not recorded as sent`);
    await recordUnitMessageOutcome(db, sent);
    return { messageKey, outcome: 'already-sent' };
  }

  return { sendUnitMessage };
}
