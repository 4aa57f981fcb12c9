// The consolidated 通报: joinCirculation (an obligation at its 通报 step starts the day's circulation workflow, once)
// and sendCirculation (one letter listing every unit still late at that step, exactly once, its claim in the
// Circulation table; then each listed obligation's record as a sent 通报 leaves it).
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { DubanError } from '../domain/errors';
import { needsSignOff, noticeDecision, noticeSchedule, workingDaysLate } from '../domain/policy';
import { chineseDateTime, civilDateOf } from '../domain/zoned-time';
import { type CirculatedUnit, renderCirculation } from '../letters/circulation';
import { docxAttachment } from '../letters/docx';
import { formatDocumentNumber } from '../letters/official';
import type { RenderedNotice } from '../letters/render';
import type { Mailer } from '../mail/mailer';
import {
  type CirculationInput,
  type CirculationResult,
  type CirculationSignOffInput,
  type PrepareCirculationResult,
  type JoinCirculationResult,
  type SendNoticeInput,
  circulationKey,
  circulationWorkflowId,
  noticeBusinessKey,
} from '../shared/contract';
import { type CachedCampaign, campaignCache, lettersOf, scheduleContext } from '../store/campaigns';
import {
  CIRCULATIONS,
  type ListedObligation,
  type SentCirculation,
  circulationRequest,
  decideCirculationSignOff,
  findSentCirculation,
  holdCirculationForSignOff,
  prepareCirculationRecord,
  recordCirculationOutcome,
  settleUnneededCirculation,
} from '../store/circulations';
import type { Db } from '../store/db';
import { NOTICE_LEASE, type NoticeLease, letterHistory } from '../store/notices';
import { obligationRecord } from '../store/obligations';
import { circulationWorkflow } from '../workflows/circulation';
import { tellRobots } from './channels';
import { deliverOnce, mailLetter, startOnce } from './deliver';
import { portalLinks } from './portal-links';

export interface CirculationDeps {
  db: Db;
  mailer: Mailer;
  client: Client;
  taskQueue: string;
  mailFrom?: string;
  noticeLease?: NoticeLease;
  /** The console's address as units reach it: each listed unit's robots get its portal link. */
  publicUrl?: string;
}

/** What each listed obligation's Notice row gives as why it went out, after its step's own reason. */
function reasonSuffix(at: number, timeZone: string, listed: number): string {
  return `；${chineseDateTime(at, timeZone)}发出通报（合并通报，共列${listed}项）`;
}

export function createCirculationActivities(deps: CirculationDeps) {
  const { db, mailer } = deps;
  const lease = deps.noticeLease ?? NOTICE_LEASE;
  const loadCampaign = campaignCache(db);
  const portalUrl = portalLinks(deps);

  const campaignTime = (loaded: CachedCampaign) => loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);

  /**
   * An obligation at its 通报 step: skipped as sendNotice would skip it (the record shows it submitted, waived or with
   * another deadline), else the day's circulation workflow is started — once: a second start is refused by its id.
   */
  async function joinCirculation(input: SendNoticeInput): Promise<JoinCirculationResult> {
    const { campaignId, unitId, deliverableId, notice } = input;
    const businessKey = noticeBusinessKey(input);
    if (notice.action !== 'circulate') throw new DubanError('INVALID_ARGUMENT', `joinCirculation is for a 通报, not ${notice.action}`);
    const loaded = await loadCampaign(campaignId);
    const ctx = scheduleContext(loaded.settings, campaignId, deliverableId);
    const obligation = await obligationRecord(db, campaignId, unitId, deliverableId);
    if (!obligation) throw new DubanError('UNKNOWN_OBLIGATION', `no obligation ${campaignId}/${unitId}/${deliverableId} in the database`);
    const decision = noticeDecision(ctx, obligation, notice, campaignTime(loaded));
    if (!decision.send) return { businessKey, outcome: 'skipped', reason: decision.reason };
    const circulation: CirculationInput = { campaignId, day: civilDateOf(notice.at, ctx.timeZone), at: notice.at, clockOffsetMs: input.clockOffsetMs };
    await startOnce(deps.client, circulationWorkflow, { workflowId: circulationWorkflowId(circulation, ctx.timeZone), taskQueue: deps.taskQueue, args: [circulation] });
    return { businessKey, outcome: 'joined' };
  }

  /**
   * Every obligation of the campaign whose 通报 step (for its current deadline) is at `at`, not before it opened, still
   * open, and for which noticeDecision says send now — decided at send time, so a unit that submitted in between is
   * left out. One whose 通报 already has a row (sent on its own by a workflow still on the per-unit path) is not listed.
   */
  async function lateAt(loaded: CachedCampaign, input: CirculationInput, sendingAt: number) {
    const { campaignId, at } = input;
    const rows = await db.obligation.findMany({ where: { campaignId, status: 'open' }, orderBy: [{ unitId: 'asc' }, { deliverableId: 'asc' }] });
    const found: { o: (typeof rows)[number]; listed: ListedObligation }[] = [];
    for (const o of rows) {
      const ctx = scheduleContext(loaded.settings, campaignId, o.deliverableId);
      const notice = noticeSchedule(ctx, o.due).find((n) => n.action === 'circulate' && n.at === at);
      if (!notice || notice.at < o.opensAt.getTime()) continue;
      if (!noticeDecision(ctx, { status: 'open', deadline: o.due }, notice, sendingAt).send) continue;
      const businessKey = noticeBusinessKey({ campaignId, unitId: o.unitId, deliverableId: o.deliverableId, notice });
      found.push({ o, listed: { businessKey, unitId: o.unitId, deliverableId: o.deliverableId, deadline: o.due, reason: notice.reason } });
    }
    if (found.length === 0) return [];
    const taken = new Set(
      (await db.notice.findMany({ where: { businessKey: { in: found.map((f) => f.listed.businessKey) } }, select: { businessKey: true } })).map((n) => n.businessKey),
    );
    return found.filter((f) => !taken.has(f.listed.businessKey));
  }

  /** The letter listing `late` at `sendingAt`, worded with a 发文字号 or (a preview) without. */
  async function wording(loaded: CachedCampaign, input: CirculationInput, late: Awaited<ReturnType<typeof lateAt>>, sendingAt: number) {
    const { campaignId } = input;
    const { campaign, settings } = loaded;
    const timeZone = settings.timeZone;
    const letters = lettersOf(settings, campaign.officeName);
    const listed: CirculatedUnit[] = [];
    for (const { o } of late) {
      const ctx = scheduleContext(settings, campaignId, o.deliverableId);
      const deliverable = settings.deliverables[o.deliverableId];
      const unit = loaded.units.get(o.unitId);
      if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${campaignId} has no unit ${JSON.stringify(o.unitId)}`);
      const leadIds = deliverable.submitTo.includes('lead_departments') ? (loaded.reportsTo.get(o.unitId) ?? []) : [];
      const history = await letterHistory(db, campaignId, o.unitId, o.deliverableId, o.due, timeZone);
      listed.push({
        unitName: unit.name,
        deliverableName: deliverable.name,
        deadline: o.due,
        submitTo: [...(deliverable.submitTo.includes('office') ? [campaign.officeName] : []), ...leadIds.map((id) => loaded.units.get(id)?.name ?? id)],
        lateWorkingDays: workingDaysLate(ctx, o.due, sendingAt),
        stepsTaken: history.stepsTaken,
        ladder: deliverable.policy.escalate,
        ...(history.returned ? { returned: history.returned } : {}),
        ...(history.extended ? { extended: history.extended } : {}),
      });
    }
    const allUnits = [...loaded.units.values()].map((u) => ({ name: u.name, email: u.email, type: u.type }));
    const word = (documentNumber: string | undefined) =>
      renderCirculation({
        campaignTitle: campaign.title,
        office: { name: campaign.officeName, email: campaign.officeEmail },
        sentAt: sendingAt,
        timeZone,
        listed,
        allUnits,
        ...(documentNumber ? { documentNumber } : {}),
        basis: letters.basis,
        contact: letters.contact,
        cc: letters.cc,
        issuer: letters.issuer,
      });
    return Object.assign(word, { documents: letters.documents });
  }

  /**
   * The sent 通报, to the group robots of each unit it lists (activities/channels.ts), with the unit's portal link: a
   * unit it does not list is told by e-mail only.
   */
  async function tellListedRobots(loaded: CachedCampaign, sent: SentCirculation): Promise<void> {
    const byUnit = new Map<string, ListedObligation[]>();
    for (const o of sent.letter.listed) byUnit.set(o.unitId, [...(byUnit.get(o.unitId) ?? []), o]);
    for (const [unitId, listed] of byUnit) {
      const unit = loaded.units.get(unitId);
      if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${sent.campaignId} has no unit ${JSON.stringify(unitId)}`);
      if (unit.webhooks === '[]') continue; // no link to sign
      const deadline = listed.map((l) => l.deadline).sort()[0];
      const portal = await portalUrl({ campaignId: sent.campaignId, unitId, deadline, lastDue: loaded.lastDue });
      const deliverableIds = [...new Set(listed.map((l) => l.deliverableId))];
      const letter = { letterKey: sent.circulationKey, subject: sent.letter.subject, sentAt: sent.sentAt, deliverableIds, deadline };
      await tellRobots(deps, loaded.settings, unit, { ...letter, ...(portal ? { portalUrl: portal } : {}) });
    }
  }

  async function sendCirculation(input: CirculationInput): Promise<CirculationResult> {
    const { campaignId, at } = input;
    const loaded = await loadCampaign(campaignId);
    const { campaign, settings } = loaded;
    const timeZone = settings.timeZone;
    const key = circulationKey(input, timeZone);
    const done = async (): Promise<CirculationResult | undefined> => {
      const sent = await findSentCirculation(db, key);
      if (!sent) return undefined;
      await recordCirculationOutcome(db, sent, timeZone, reasonSuffix(at, timeZone, sent.letter.listed.length));
      await tellListedRobots(loaded, sent);
      return { circulationKey: key, outcome: 'already-sent', listed: sent.letter.listed.map((l) => l.businessKey) };
    };
    if (Context.current().info.attempt > 1) {
      const already = await done();
      if (already) return already;
    }
    const sendingAt = campaignTime(loaded);
    const late = await lateAt(loaded, input, sendingAt);
    if (late.length === 0) {
      const already = await done();
      if (already) return already;
      await settleUnneededCirculation(db, key, new Date(sendingAt));
      return { circulationKey: key, outcome: 'nobody', listed: [] };
    }

    const word = await wording(loaded, input, late, sendingAt);
    let worded: RenderedNotice | undefined;
    const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@duban>`;
    const from = deps.mailFrom ?? `"${campaign.officeName}" <${campaign.officeEmail}>`;
    const delivered = await deliverOnce({
      db,
      lease,
      table: CIRCULATIONS,
      request: circulationRequest({
        circulationKey: key,
        campaignId,
        scheduledAt: new Date(at),
        letter: (documentNumber) => {
          const r = (worded = word(documentNumber));
          return { to: r.to, cc: r.cc, subject: r.subject, text: r.text, messageId, listed: late.map((l) => l.listed) };
        },
        ...(word.documents ? { numbering: word.documents, formatNumber: formatDocumentNumber } : {}),
      }),
      heldType: 'NOTICE_CLAIMED',
      prepare: async (claim) => ({
        record: prepareCirculationRecord(db, { ...claim, sentAt: new Date(sendingAt) }, timeZone, reasonSuffix(at, timeZone, claim.letter.listed.length)),
        attachments: [await docxAttachment(worded!.letter)],
      }),
      send: (claim, { attachments }) => mailLetter(mailer, from, claim.letter, { key, action: 'circulate' }, attachments),
    });
    if (delivered === 'already-sent') return (await done())!;
    await tellListedRobots(loaded, { ...delivered.sent, sentAt: new Date(sendingAt) });
    return { circulationKey: key, outcome: 'sent', listed: delivered.sent.letter.listed.map((l) => l.businessKey) };
  }

  /**
   * At the 通报's time, when the policy of a listed deliverable asks for a leader's 签发: the list decided now, the
   * letter worded (without a 发文字号, which it takes when it goes out) and held as 待签发 with that preview. A retry
   * keeps the row it finds. `send` when no listed deliverable needs 签发 (the workflow sends at once, as before).
   */
  async function prepareCirculation(input: CirculationInput): Promise<PrepareCirculationResult> {
    const loaded = await loadCampaign(input.campaignId);
    const { settings } = loaded;
    const key = circulationKey(input, settings.timeZone);
    const existing = await db.circulation.findUnique({ where: { circulationKey: key }, select: { status: true, listed: true } });
    if (existing) return { circulationKey: key, outcome: existing.status === 'awaiting_sign_off' ? 'awaiting' : 'send', listed: [] };
    const sendingAt = campaignTime(loaded);
    const late = await lateAt(loaded, input, sendingAt);
    if (late.length === 0) return { circulationKey: key, outcome: 'nobody', listed: [] };
    const listed = late.map((l) => l.listed.businessKey);
    if (!late.some(({ o }) => needsSignOff(scheduleContext(settings, input.campaignId, o.deliverableId).policy, 'circulate'))) {
      return { circulationKey: key, outcome: 'send', listed };
    }
    const preview = (await wording(loaded, input, late, sendingAt))(undefined);
    const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@duban>`;
    await holdCirculationForSignOff(
      db,
      {
        circulationKey: key,
        campaignId: input.campaignId,
        scheduledAt: new Date(input.at),
        letter: { to: preview.to, cc: preview.cc, subject: preview.subject, text: preview.text, messageId, listed: late.map((l) => l.listed) },
      },
      new Date(sendingAt),
    );
    return { circulationKey: key, outcome: 'awaiting', listed };
  }

  /** Records the leader's decision on the 待签发 通报 (approved: the send claims and numbers it; withdrawn: never sent). */
  async function recordCirculationSignOff(input: CirculationSignOffInput): Promise<void> {
    const loaded = await loadCampaign(input.campaignId);
    await decideCirculationSignOff(db, {
      circulationKey: circulationKey(input, loaded.settings.timeZone),
      decision: input.decision.decision,
      actor: input.decision.actor,
      ...(input.decision.reason ? { reason: input.decision.reason } : {}),
      at: new Date(input.decidedAt),
    });
  }

  return { joinCirculation, sendCirculation, prepareCirculation, recordCirculationSignOff };
}
