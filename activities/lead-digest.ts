// Each lead department's list of its units not yet in (domain/lead-digest.ts): startLeadDigestWorkflows (the campaign's
// workflow, once, at launch: one workflow per list, started under its id) and sendLeadDigest (at the list's time: the
// record read then, one letter worded by letters/lead-digest.ts and sent exactly once through the unit-message claim,
// store/unit-messages.ts, whose sent-mark records the audit event `unit.told`).
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { DubanError } from '../domain/errors';
import { type DigestCampaign, LEAD_DIGEST, leadDigestKey, leadDigests, pastDeadline } from '../domain/lead-digest';
import { workingDaysLate } from '../domain/policy';
import { civilDateOf } from '../domain/zoned-time';
import { docxAttachment } from '../letters/docx';
import { type DigestUnit, type LeadDigestFacts, renderLeadDigest } from '../letters/lead-digest';
import type { Mailer } from '../mail/mailer';
import { type LeadDigestInput, type LeadDigestResult, SEARCH_ATTRIBUTES, leadDigestWorkflowId, unitMessageKey } from '../shared/contract';
import { type CachedCampaign, campaignCache, lettersOf, scheduleContext } from '../store/campaigns';
import type { Db } from '../store/db';
import { CLAIM_LEASE, type ClaimLease } from '../store/claims';
import { letterHistory } from '../store/notices';
import { obligationFacts } from '../store/obligations';
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
import { deliverOnce, mailLetter, startOnce } from './deliver';
import { leadDigestWorkflow } from '../workflows/lead-digest';

export interface LeadDigestDeps {
  db: Db;
  mailer: Mailer;
  client: Client;
  taskQueue: string;
  searchAttributes: boolean;
  mailFrom?: string;
  noticeLease?: ClaimLease;
}

/** The campaign as leadDigests reads it: the units' reportsTo and every obligation's deadline in the campaign file. */
function digestCampaign(loaded: CachedCampaign, obligations: DigestCampaign['obligations'], launchAt: number): DigestCampaign {
  const { settings } = loaded;
  return {
    units: [...loaded.reportsTo].map(([id, reportsTo]) => ({ id, reportsTo })),
    obligations,
    deliverables: new Map(Object.entries(settings.deliverables)),
    calendar: settings.calendar,
    timeZone: settings.timeZone,
    launchAt,
  };
}

export function createLeadDigestActivities(deps: LeadDigestDeps) {
  const { db, mailer } = deps;
  const lease = deps.noticeLease ?? CLAIM_LEASE;
  const loadCampaign = campaignCache(db);

  const campaignTime = (loaded: CachedCampaign) => loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);

  /** Starts every list of the campaign not due before its launch; a list already started is left alone. */
  async function startLeadDigestWorkflows(campaignId: string): Promise<number> {
    const loaded = await loadCampaign(campaignId);
    const rows = await db.obligation.findMany({ where: { campaignId }, select: { unitId: true, deliverableId: true, originalDue: true } });
    const obligations = rows.map((o) => ({ unitId: o.unitId, deliverableId: o.deliverableId, due: o.originalDue }));
    let started = 0;
    for (const d of leadDigests(digestCampaign(loaded, obligations, loaded.campaign.launchedAt.getTime()))) {
      const input: LeadDigestInput = { campaignId, leadId: d.leadId, deliverableId: d.deliverableId, deadline: d.deadline, at: d.at, clockOffsetMs: loaded.settings.clockOffsetMs };
      const fresh = await startOnce(deps.client, leadDigestWorkflow, {
        workflowId: leadDigestWorkflowId(input),
        taskQueue: deps.taskQueue,
        args: [input],
        typedSearchAttributes: deps.searchAttributes
          ? [
              { key: SEARCH_ATTRIBUTES.campaign, value: campaignId },
              { key: SEARCH_ATTRIBUTES.unit, value: d.leadId },
              { key: SEARCH_ATTRIBUTES.deliverable, value: d.deliverableId },
            ]
          : undefined,
      });
      if (fresh) started++;
      Context.current().heartbeat(started);
    }
    return started;
  }

  /** The list's facts as the record has them at `sendingAt`: who is late, not yet due, in, waived. */
  async function factsAt(loaded: CachedCampaign, input: LeadDigestInput, sendingAt: number): Promise<{ facts: LeadDigestFacts; late: string[] }> {
    const { campaignId, leadId, deliverableId, deadline } = input;
    const { campaign, settings } = loaded;
    const timeZone = settings.timeZone;
    const lead = loaded.units.get(leadId);
    if (!lead) throw new DubanError('UNKNOWN_UNIT', `campaign ${campaignId} has no unit ${JSON.stringify(leadId)}`);
    const deliverable = settings.deliverables[deliverableId];
    if (!deliverable) throw new DubanError('UNKNOWN_DELIVERABLE', `campaign ${campaignId} has no deliverable ${JSON.stringify(deliverableId)}`);
    // only the units reporting to this lead department, and its own row: a campaign's lists all go at one instant
    const candidates = [...loaded.reportsTo].filter(([, leads]) => leads.includes(leadId)).map(([id]) => id);
    const rows = await db.obligation.findMany({ where: { campaignId, deliverableId, unitId: { in: [...candidates, leadId] } }, orderBy: { unitId: 'asc' } });
    const obligations = rows.map((o) => ({ unitId: o.unitId, deliverableId: o.deliverableId, due: o.originalDue }));
    const digest = leadDigests(digestCampaign(loaded, obligations, Number.NEGATIVE_INFINITY)).find((d) => d.leadId === leadId && d.deadline === deadline);
    if (!digest) throw new DubanError('UNKNOWN_OBLIGATION', `no unit of ${campaignId} owes ${deliverableId} to ${leadId} by ${deadline}`);
    const ctx = scheduleContext(settings, campaignId, deliverableId);
    const reporters = new Set(digest.reporters);
    const late: (DigestUnit & { lateWorkingDays: number; unitId: string })[] = [];
    const notYetDue: DigestUnit[] = [];
    const submitted: string[] = [];
    const waived: string[] = [];
    const types = new Set<string>();
    for (const row of rows) {
      if (!reporters.has(row.unitId)) continue;
      const unit = loaded.units.get(row.unitId);
      if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${campaignId} has no unit ${JSON.stringify(row.unitId)}`);
      types.add(unit.type);
      const o = obligationFacts(row);
      if (o.status === 'submitted') submitted.push(unit.name);
      else if (o.status === 'waived') waived.push(unit.name);
      else {
        const history = await letterHistory(db, campaignId, row.unitId, deliverableId, o.due, timeZone);
        const entry: DigestUnit = {
          unitName: unit.name,
          deadline: o.due,
          escalation: o.escalation,
          ...(history.returned ? { returned: history.returned } : {}),
          ...(history.extended ? { extended: history.extended } : {}),
        };
        if (pastDeadline(o.due, sendingAt, timeZone)) late.push({ ...entry, unitId: row.unitId, lateWorkingDays: workingDaysLate(ctx, o.due, sendingAt) });
        else notYetDue.push(entry);
      }
    }
    const own = rows.find((r) => r.unitId === leadId);
    const leadOwes = own && own.status === 'open' && own.due >= civilDateOf(sendingAt, timeZone);
    const letters = lettersOf(settings, campaign.officeName);
    return {
      late: late.map((l) => l.unitId),
      facts: {
        campaignTitle: campaign.title,
        office: { name: campaign.officeName, email: campaign.officeEmail },
        lead: { name: lead.name, email: lead.email },
        deliverableName: deliverable.name,
        deadline,
        sentAt: sendingAt,
        timeZone,
        late: late.map(({ unitId: _unit, ...l }) => l),
        notYetDue,
        submitted,
        waived,
        ...(leadOwes ? { leadDeadline: own.due } : {}),
        alsoToOffice: deliverable.submitTo.includes('office'),
        noun: [...types].every((t) => t === 'department') ? '部门' : '单位',
        basis: letters.basis,
        ...(letters.contact ? { contact: letters.contact } : {}),
        issuer: letters.issuer.office,
      },
    };
  }

  /** The sent list, to the lead department's group robots (activities/channels.ts), once the mail is recorded. */
  async function tellLeadRobots(loaded: CachedCampaign, sent: SentUnitMessage): Promise<void> {
    const lead = loaded.units.get(sent.unitId);
    if (!lead) throw new DubanError('UNKNOWN_UNIT', `campaign ${sent.campaignId} has no unit ${JSON.stringify(sent.unitId)}`);
    await tellRobots(deps, loaded.settings, lead, { letterKey: sent.messageKey, subject: sent.letter.subject, sentAt: sent.sentAt, deliverableIds: [sent.deliverableId] });
  }

  async function sendLeadDigest(input: LeadDigestInput): Promise<LeadDigestResult> {
    const { campaignId, leadId, deliverableId } = input;
    const loaded = await loadCampaign(campaignId);
    const key = leadDigestKey(input, loaded.settings.timeZone);
    const messageKey = unitMessageKey({ campaignId, unitId: leadId, deliverableId, key });
    const alreadySent = async (): Promise<LeadDigestResult> => {
      const sent = await findSentUnitMessage(db, messageKey, key);
      if (!sent) throw new Error(`lead digest ${messageKey} is not recorded as sent`);
      await recordUnitMessageOutcome(db, sent); // an earlier attempt may have died before recording it (or telling the robots)
      await tellLeadRobots(loaded, sent);
      return { messageKey, outcome: 'already-sent', late: [] };
    };
    if (await unitMessageWasSent(db, messageKey)) return alreadySent();

    const sendingAt = campaignTime(loaded);
    const { facts, late } = await factsAt(loaded, input, sendingAt);
    const rendered = renderLeadDigest(facts);
    const claim: UnitMessageClaim = {
      messageKey,
      key,
      campaignId,
      unitId: leadId,
      deliverableId,
      kind: LEAD_DIGEST,
      letter: {
        to: rendered.to,
        cc: rendered.cc,
        subject: rendered.subject,
        text: rendered.text,
        messageId: `<${createHash('sha256').update(messageKey).digest('hex').slice(0, 32)}@duban>`,
      },
    };
    const attachments = [await docxAttachment(rendered.letter)];
    const { campaign } = loaded;
    const from = deps.mailFrom ?? `"${campaign.officeName}" <${campaign.officeEmail}>`;
    const delivered = await deliverOnce({
      db,
      lease,
      table: UNIT_MESSAGES,
      request: unitMessageRequest(claim),
      heldType: 'UNIT_MESSAGE_CLAIMED',
      prepare: (m) => ({ record: prepareUnitMessageRecord(db, { ...m, sentAt: new Date(sendingAt) }) }),
      send: (m) => mailLetter(mailer, from, m.letter, { key: m.messageKey, action: LEAD_DIGEST }, attachments),
    });
    if (delivered === 'already-sent') return alreadySent();
    await tellLeadRobots(loaded, { ...delivered.sent, sentAt: new Date(sendingAt) });
    return { messageKey, outcome: 'sent', late };
  }

  return { startLeadDigestWorkflows, sendLeadDigest };
}
