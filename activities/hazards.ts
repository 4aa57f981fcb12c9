// The hazard chase's activities (workflows/hazard.ts): nextHazardLetter reads the hazard's record and names the next
// letter due (domain/hazard-chase.ts); sendHazardLetter judges the record again at send time and sends that letter
// exactly once under its business key (store/claims.ts through activities/deliver.ts), numbered in the campaign's
// register when it is a numbered letter, as plain text with the same letter as a .docx attached.
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { workingDaysOf } from '../domain/calendar';
import { DubanError } from '../domain/errors';
import {
  type HazardChaseFacts,
  type HazardLetterDue,
  chaseRound,
  circulationDueAt,
  deadlinesCirculatedAt,
  hazardLetterDecision,
  nextHazardLetter as nextLetter,
  stepsTakenFor,
} from '../domain/hazard-chase';
import { hazardNeedsSignOff } from '../domain/hazard-policy';
import { HAZARD_LEVELS, HAZARD_STATUS_NAMES, type HazardContext, type HazardState, hazardScheduleContext } from '../domain/hazards';
import { supervisionTimeLimit } from '../domain/policy';
import { chineseDateTime, civilDateOf, formatInstant } from '../domain/zoned-time';
import { docxAttachment } from '../letters/docx';
import {
  type HazardLetterFacts,
  type HazardUnitFacts,
  type RenderedHazardLetter,
  hazardLetterTakesNumber,
  renderHazardCirculation,
  renderHazardLetter,
} from '../letters/hazard';
import { formatDocumentNumber } from '../letters/official';
import type { Mailer } from '../mail/mailer';
import type { SignOffDecision } from '../shared/contract';
import {
  type HazardChaseRun,
  type HazardCirculationInput,
  type HazardLetterStillDue,
  type HazardSignOffInput,
  type NextHazardLetterResult,
  type PrepareHazardCirculationResult,
  type PrepareHazardLetterResult,
  type SendHazardCirculationInput,
  type SendHazardCirculationResult,
  type SendHazardLetterInput,
  type SendHazardLetterResult,
  hazardCirculationKey,
  hazardCirculationWorkflowId,
  hazardLetterBusinessKey,
} from '../shared/hazard-activities';
import { type CachedCampaign, campaignCache, hazardPolicyOf, lettersOf, unitPrincipals } from '../store/campaigns';
import { APPROVED, CLAIM_LEASE, type ClaimLease, prepareRecord, wasSent } from '../store/claims';
import type { Db } from '../store/db';
import { HAZARD_LETTERS, hazardChaseFacts, hazardInterviewWrite, recordListedCirculation, sentHazardLetterKeys } from '../store/hazard-letters';
import {
  HAZARD_AWAITING_SIGN_OFF,
  HAZARD_NOT_NEEDED,
  HAZARD_WITHDRAWN,
  decideHazardSignOff,
  hazardLetterForSignOff,
  hazardsApprovedIn,
  holdHazardCirculation,
  holdHazardLetter,
  recordLeftOutOfCirculation,
  settleUnneededHazardLetter,
  settledHazardLetterKeys,
} from '../store/hazard-sign-off';
import { hazardContextOf } from '../store/hazards';
import { type ChannelStarter, tellRobots } from './channels';
import { deliverOnce, mailLetter, startOnce } from './deliver';
import { portalLinks } from './portal-links';

export interface HazardActivityDeps extends ChannelStarter {
  db: Db;
  mailer: Mailer;
  mailFrom?: string;
  noticeLease?: ClaimLease;
  /** The console's address as units reach it: each unit's robots get its own portal link. */
  publicUrl?: string;
}

/** A claimed 通报 of hazards: its words and the 发文字号 they carry. */
interface ClaimedCirculation {
  rendered: RenderedHazardLetter;
  documentNumber: string | undefined;
}

/** A claimed hazard letter: its words, as sent. */
interface ClaimedHazardLetter {
  rendered: RenderedHazardLetter;
  messageId: string;
}

/** `<标题>.docx`, without the characters file systems refuse. */

export function createHazardActivities(deps: HazardActivityDeps) {
  const { db, mailer } = deps;
  const lease = deps.noticeLease ?? CLAIM_LEASE;
  const loadCampaign = campaignCache(db);
  const portalUrl = portalLinks(deps);

  /**
   * A sent hazard letter, to the group robots of the units it concerns (activities/channels.ts), each with the unit's
   * own portal link — the e-mail, going to two units at once, carries none. Started once per letter and unit.
   */
  async function tellHazardRobots(loaded: CachedCampaign, unitIds: Iterable<string>, sent: { key: string; subject: string; sentAt: Date; deadline: string }) {
    for (const unitId of new Set(unitIds)) {
      const unit = loaded.units.get(unitId);
      if (!unit || unit.webhooks === '[]') continue;
      const link = await portalUrl({ campaignId: loaded.campaign.id, unitId, deadline: sent.deadline, lastDue: loaded.lastDue });
      await tellRobots(deps, loaded.settings, unit, { letterKey: sent.key, subject: sent.subject, sentAt: sent.sentAt, deliverableIds: [], ...(link ? { portalUrl: link } : {}) });
    }
  }

  /** A sent 通报 of hazards (a retry after the mail went out): the robots of the units of every hazard it listed. */
  async function tellCirculationRobots(loaded: CachedCampaign, businessKey: string) {
    const row = await db.hazardLetter.findUnique({ where: { businessKey } });
    if (row?.status !== 'sent' || !row.sentAt) return;
    const listed = await db.hazardLetter.findMany({ where: { campaignId: row.campaignId, messageId: row.messageId, hazardId: { not: '' }, status: 'sent' }, select: { hazardId: true } });
    const hazards = await db.hazard.findMany({ where: { campaignId: row.campaignId, id: { in: listed.map((l) => l.hazardId) } }, select: { townId: true, departmentId: true } });
    await tellHazardRobots(
      loaded,
      hazards.flatMap((h) => [h.townId, h.departmentId]),
      { key: businessKey, subject: row.subject, sentAt: row.sentAt, deadline: row.deadline },
    );
  }

  /** The letter's row as sent (a retry after the mail went out) and the units it concerns, to tell their robots. */
  async function tellRobotsOfSent(loaded: CachedCampaign, businessKey: string, unitIds: string[]) {
    const row = await db.hazardLetter.findUnique({ where: { businessKey } });
    if (row?.status === 'sent' && row.sentAt) await tellHazardRobots(loaded, unitIds, { key: businessKey, subject: row.subject, sentAt: row.sentAt, deadline: row.deadline });
  }

  /** The campaign's calendar and zone, and its hazards' policy as launched (`hazards:` of the campaign file). */
  const contextOf = (loaded: CachedCampaign): HazardContext => ({ ...hazardContextOf(loaded.settings), policy: hazardPolicyOf(loaded.settings) });

  async function nextHazardLetter(input: HazardChaseRun): Promise<NextHazardLetterResult> {
    const loaded = await loadCampaign(input.campaignId);
    const facts = await hazardChaseFacts(db, input.campaignId, input.hazardId);
    const sent = await sentHazardLetterKeys(db, input.campaignId, input.hazardId);
    // withdrawn at 签发 (or approved and then not needed): never due again
    const settled = await settledHazardLetterKeys(db, input.campaignId, input.hazardId);
    const ctx = contextOf(loaded);
    const step = nextLetter(ctx, facts, new Set([...(input.done ?? []), ...sent, ...settled]));
    const signOff = step.next !== undefined && hazardNeedsSignOff(ctx.policy, step.next.kind);
    return { ...step, clockOffsetMs: loaded.settings.clockOffsetMs, ...(signOff ? { signOff } : {}) };
  }

  function unitFacts(loaded: CachedCampaign, unitId: string): HazardUnitFacts {
    const unit = loaded.units.get(unitId);
    if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${loaded.campaign.id} has no unit ${JSON.stringify(unitId)}`);
    return { name: unit.name, email: unit.email, principals: unitPrincipals(unit) };
  }

  /** The letter as it goes out at `sendingAt`: every fact from the record, the 发文字号 the claim gave it. */
  function compose(
    loaded: CachedCampaign,
    ctx: HazardContext,
    facts: HazardChaseFacts & { serial: number },
    letter: HazardLetterDue,
    sentKeys: string[],
    sendingAt: number,
    documentNumber: string | undefined,
  ): RenderedHazardLetter {
    return renderHazardLetter(factsFor(loaded, ctx, facts, letter, sentKeys, sendingAt, documentNumber));
  }

  /** What the letter says, from the record. */
  function factsFor(
    loaded: CachedCampaign,
    ctx: HazardContext,
    facts: HazardChaseFacts & { serial: number },
    letter: HazardLetterDue,
    sentKeys: string[],
    sendingAt: number,
    documentNumber: string | undefined,
  ): HazardLetterFacts {
    const { campaign, settings } = loaded;
    const state: HazardState = facts.state;
    const h = state.hazard;
    const today = civilDateOf(sendingAt, ctx.timeZone);
    const days = workingDaysOf(ctx.calendar);
    const round = chaseRound(state);
    const current = state.rounds[state.rounds.length - 1];
    // the round before the current one failed its 验收 when this is a round of 重新整改
    const failed = round > 1 ? [...state.rounds].reverse().find((r) => r.acceptance?.result === 'fail')?.acceptance : undefined;
    const roundStart = failed?.on ?? '0000-01-01';
    const extension = [...state.extensions].reverse().find((e) => e.to === h.deadline && e.on >= roundStart);
    const report = current?.report;
    const acceptanceDueOn = letter.kind === 'acceptance' || letter.kind === 'acceptance_overdue' ? letter.deadline : undefined;
    const chased = facts.listings.find((l) => l.listing.id === letter.listingId)?.listing;
    const schedule = hazardScheduleContext(ctx, h.level);
    const letters = lettersOf(settings, campaign.officeName);
    const f: HazardLetterFacts = {
      kind: letter.kind,
      campaignTitle: campaign.title,
      office: { name: campaign.officeName, email: campaign.officeEmail },
      hazard: {
        serial: facts.serial,
        site: h.site,
        description: h.description,
        level: h.level,
        basis: h.basis,
        measures: h.measures,
        responsible: h.responsible,
        deadline: h.deadline,
      },
      town: unitFacts(loaded, h.townId),
      department: unitFacts(loaded, h.departmentId),
      round,
      ...(failed ? { failedAcceptance: { on: failed.on, opinion: failed.opinion } } : {}),
      ...(extension ? { extension: { from: extension.from, to: extension.to, on: extension.on, reason: extension.reason } } : {}),
      sentAt: sendingAt,
      timeZone: ctx.timeZone,
      lateWorkingDays: days.workingDaysAfter(acceptanceDueOn ?? h.deadline, today),
      ...(letter.kind === 'notice'
        ? { timeLimit: supervisionTimeLimit(schedule, { action: 'notice', at: letter.at, deadline: letter.deadline, key: letter.key, reason: letter.reason }) }
        : {}),
      ladder: schedule.policy.escalate,
      stepsTaken: stepsTakenFor(sentKeys, round, h.deadline),
      allUnits: letter.kind === 'circulate' ? [...loaded.units.values()].map((u) => ({ name: u.name, email: u.email, type: u.type })) : [],
      ...(acceptanceDueOn && report ? { acceptance: { reportedOn: report.on, done: report.done, due: acceptanceDueOn } } : {}),
      ...(chased
        ? {
            listing: {
              level: chased.level,
              documentNumber: chased.documentNumber,
              listedOn: chased.listedOn,
              deadline: chased.order.deadline,
              ...(chased.delisting ? { delisting: chased.delisting } : {}),
              ...(state.closedOn ? { closedOn: state.closedOn } : {}),
            },
          }
        : {}),
      ...(documentNumber ? { documentNumber } : {}),
      basis: letters.basis,
      ...(letters.contact ? { contact: letters.contact } : {}),
      cc: letters.cc,
      issuer: letters.issuer,
    };
    return f;
  }

  async function sendHazardLetter(input: SendHazardLetterInput): Promise<SendHazardLetterResult> {
    const { campaignId, hazardId, letter } = input;
    const businessKey = hazardLetterBusinessKey(campaignId, hazardId, letter.key);
    const loaded = await loadCampaign(campaignId);
    const ctx = contextOf(loaded);
    const sendingAt = loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);
    const facts = await hazardChaseFacts(db, campaignId, hazardId);
    const units = [facts.state.hazard.townId, facts.state.hazard.departmentId];
    // a retry may find the letter sent by an attempt that died after (before telling the robots, perhaps)
    if (Context.current().info.attempt > 1 && (await wasSent(db, HAZARD_LETTERS, businessKey))) {
      await tellRobotsOfSent(loaded, businessKey, units);
      return { businessKey, outcome: 'already-sent' };
    }
    const decision = hazardLetterDecision(ctx, facts, letter, sendingAt);
    if (!decision.send) {
      // a workflow run afresh can ask again, on a first attempt, for a letter that went out before the record changed
      if (await wasSent(db, HAZARD_LETTERS, businessKey)) return { businessKey, outcome: 'already-sent' };
      // signed off, but the hazard changed before it went: it never goes
      await settleUnneededHazardLetter(db, businessKey, new Date(sendingAt), townOf(facts), [hazardId]);
      return { businessKey, outcome: 'skipped', reason: decision.reason };
    }
    const sentKeys = await sentHazardLetterKeys(db, campaignId, hazardId);
    const { campaign, settings } = loaded;
    const documents = lettersOf(settings, campaign.officeName).documents;
    const ownNumber = letter.kind === 'delisting' && facts.listings.find((l) => l.listing.id === letter.listingId)?.listing.delisting?.documentNumber;
    const numbered = documents && hazardLetterTakesNumber(letter.kind) && !ownNumber;
    const messageId = `<${createHash('sha256').update(businessKey).digest('hex').slice(0, 32)}@duban>`;
    const from = deps.mailFrom ?? `"${campaign.officeName}" <${campaign.officeEmail}>`;
    const delivered = await deliverOnce<ClaimedHazardLetter, { record: ReturnType<typeof prepareRecord>; attachment: { filename: string; content: Buffer } }>({
      db,
      lease,
      table: HAZARD_LETTERS,
      request: {
        key: businessKey,
        word: (documentNumber) => ({ rendered: compose(loaded, ctx, facts, letter, sentKeys, sendingAt, documentNumber), messageId }),
        columns: ({ rendered }) => ({
          messageId,
          recipients: JSON.stringify({ to: rendered.to, cc: rendered.cc }),
          subject: rendered.subject,
          body: rendered.text,
          reason: `${letter.reason}；${chineseDateTime(letter.at, ctx.timeZone)}发出${rendered.instrument}`,
        }),
        fixed: {
          campaignId,
          hazardId,
          kind: letter.kind,
          round: letter.round,
          deadline: letter.deadline,
          listingId: letter.listingId ?? null,
          scheduledAt: new Date(letter.at),
        },
        ...(numbered ? { numbering: documents, formatNumber: formatDocumentNumber } : {}),
      },
      heldType: 'HAZARD_LETTER_CLAIMED',
      prepare: async ({ rendered }) => ({
        // a 约谈通知 opens a 约谈 record for each unit's principals, for the office to schedule (the 约谈 page)
        record: prepareRecord(db, HAZARD_LETTERS, businessKey, new Date(sendingAt), () =>
          letter.kind === 'interview'
            ? [facts.state.hazard.townId, facts.state.hazard.departmentId].map((unitId) =>
                hazardInterviewWrite(db, {
                  noticeKey: `${businessKey}/${unitId}`,
                  campaignId,
                  unitId,
                  hazardId,
                  principal: unitPrincipals(loaded.units.get(unitId)!).map((p) => p.name).join('、'),
                }),
              )
            : [],
        ),
        attachment: await docxAttachment(rendered.letter),
      }),
      send: ({ rendered }, { attachment }) =>
        mailLetter(mailer, from, { ...rendered, messageId }, { key: businessKey, action: `hazard-${letter.kind}` }, [attachment]),
    });
    if (delivered === 'already-sent') {
      await tellRobotsOfSent(loaded, businessKey, units);
      return { businessKey, outcome: 'already-sent' };
    }
    await tellHazardRobots(loaded, units, { key: businessKey, subject: delivered.sent.rendered.subject, sentAt: new Date(sendingAt), deadline: facts.state.hazard.deadline });
    return { businessKey, outcome: 'sent' };
  }

  /**
   * The campaign's one 通报 of hazards at `at` (a hazard's chase reached its 通报 step then): every hazard whose record
   * calls for its 通报 at that instant, decided now, in one letter to every unit, claimed under
   * campaign/hazard-circulation/<day>/<HHmm>; each listed hazard's own 通报 key is recorded as sent by it. The first
   * hazard to ask sends it; the others find it sent.
   */
  async function sendHazardCirculation(input: SendHazardCirculationInput): Promise<SendHazardCirculationResult> {
    const { campaignId, at } = input;
    const loaded = await loadCampaign(campaignId);
    const ctx = contextOf(loaded);
    const day = civilDateOf(at, ctx.timeZone);
    const businessKey = hazardCirculationKey(campaignId, day, formatInstant(at, ctx.timeZone).slice(11, 16));
    if (await wasSent(db, HAZARD_LETTERS, businessKey)) {
      // a retry of the attempt that sent it may not have told the robots yet; another hazard's first ask has nothing to do
      if (Context.current().info.attempt > 1) {
        await noteLeftOut(campaignId, businessKey);
        await tellCirculationRobots(loaded, businessKey);
      }
      return { businessKey, outcome: 'already-sent', listed: [] };
    }
    const sendingAt = loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);
    const listed = await circulatedAt(ctx, campaignId, at, sendingAt);
    if (listed.length === 0) {
      // signed off, but every hazard it listed was rectified, closed or given another 时限 before it went
      const held = await db.hazardLetter.findUnique({ where: { businessKey }, select: { status: true } });
      if (held?.status === APPROVED) await settleUnneededHazardLetter(db, businessKey, new Date(sendingAt), await townsOf(campaignId), await hazardsApprovedIn(db, campaignId, businessKey));
      return { businessKey, outcome: 'skipped', listed: [] };
    }
    const { campaign, settings } = loaded;
    const documents = lettersOf(settings, campaign.officeName).documents;
    const messageId = `<${createHash('sha256').update(businessKey).digest('hex').slice(0, 32)}@duban>`;
    const from = deps.mailFrom ?? `"${campaign.officeName}" <${campaign.officeEmail}>`;
    const delivered = await deliverOnce<ClaimedCirculation, { record: ReturnType<typeof prepareRecord>; attachment: { filename: string; content: Buffer } }>({
      db,
      lease,
      table: HAZARD_LETTERS,
      request: {
        key: businessKey,
        word: (documentNumber) => ({
          rendered: renderHazardCirculation(listed.map((l) => factsFor(loaded, ctx, l.facts, l.due, l.sentKeys, sendingAt, documentNumber))),
          documentNumber,
        }),
        columns: ({ rendered }) => ({
          messageId,
          recipients: JSON.stringify({ to: rendered.to, cc: rendered.cc }),
          subject: rendered.subject,
          body: rendered.text,
          reason: `${chineseDateTime(at, ctx.timeZone)}通报${listed.length}处逾期未整改的隐患`,
        }),
        fixed: { campaignId, hazardId: '', kind: 'circulate', round: 0, deadline: day, listingId: null, scheduledAt: new Date(at) },
        ...(documents ? { numbering: documents, formatNumber: formatDocumentNumber } : {}),
      },
      heldType: 'HAZARD_LETTER_CLAIMED',
      prepare: async ({ rendered, documentNumber }) => ({
        record: prepareRecord(db, HAZARD_LETTERS, businessKey, new Date(sendingAt), () =>
          listed.map((l) =>
            recordListedCirculation(db, {
              businessKey: hazardLetterBusinessKey(campaignId, l.hazardId, l.due.key),
              campaignId,
              hazardId: l.hazardId,
              letter: l.due,
              reason: `${l.due.reason}；列入${chineseDateTime(at, ctx.timeZone)}的通报`,
              messageId,
              recipients: JSON.stringify({ to: rendered.to, cc: rendered.cc }),
              subject: rendered.subject,
              body: rendered.text,
              documentNumber: documentNumber ?? null,
              sentAt: new Date(sendingAt),
            }),
          ),
        ),
        attachment: await docxAttachment(rendered.letter),
      }),
      send: ({ rendered }, { attachment }) =>
        mailLetter(mailer, from, { ...rendered, messageId }, { key: businessKey, action: 'hazard-circulate' }, [attachment]),
    });
    if (delivered === 'already-sent') return { businessKey, outcome: 'already-sent', listed: [] };
    await noteLeftOut(campaignId, businessKey);
    // each listed hazard's two units' robots
    const units = listed.flatMap((l) => [l.facts.state.hazard.townId, l.facts.state.hazard.departmentId]);
    await tellHazardRobots(loaded, units, { key: businessKey, subject: delivered.sent.rendered.subject, sentAt: new Date(sendingAt), deadline: day });
    return { businessKey, outcome: 'sent', listed: listed.map((l) => l.hazardId) };
  }

  /** A sent 通报 that was signed off listing hazards it no longer lists when it went: their histories say so. */
  async function noteLeftOut(campaignId: string, businessKey: string) {
    const approvedFor = await hazardsApprovedIn(db, campaignId, businessKey);
    if (approvedFor.length === 0) return;
    const row = await db.hazardLetter.findUnique({ where: { businessKey } });
    if (row?.status !== 'sent' || !row.sentAt) return;
    const sentWith = await db.hazardLetter.findMany({ where: { campaignId, messageId: row.messageId, hazardId: { not: '' }, status: 'sent' }, select: { hazardId: true } });
    const listed = new Set(sentWith.map((l) => l.hazardId));
    await recordLeftOutOfCirculation(db, {
      businessKey,
      campaignId,
      leftOut: approvedFor.filter((h) => !listed.has(h)),
      subject: row.subject,
      at: row.sentAt,
      townOf: await townsOf(campaignId),
    });
  }

  /** The hazard's town: where its 签发 steps are recorded in the audit. */
  const townOf = (facts: HazardChaseFacts) => () => facts.state.hazard.townId;

  /** Every hazard's town in the campaign, by id (for the 签发 records of a 通报 naming several). */
  async function townsOf(campaignId: string): Promise<(hazardId: string) => string> {
    const rows = await db.hazard.findMany({ where: { campaignId }, select: { id: true, townId: true } });
    const towns = new Map(rows.map((r) => [r.id, r.townId]));
    return (hazardId) => towns.get(hazardId) ?? '';
  }

  /**
   * Every hazard whose record calls for its 通报 at the instant `at`, judged at `sendingAt`, by 序号: what the 通报 of
   * that send time lists. One whose own 通报 went out already (a chase begun before the one 通报) is left out.
   */
  async function circulatedAt(ctx: HazardContext, campaignId: string, at: number, sendingAt: number) {
    const listed: { hazardId: string; facts: HazardChaseFacts & { serial: number }; due: HazardLetterDue; sentKeys: string[] }[] = [];
    for (const level of HAZARD_LEVELS) {
      const deadlines = deadlinesCirculatedAt(ctx, level, at);
      if (deadlines.length === 0) continue;
      const candidates = await db.hazard.findMany({
        where: { campaignId, level, status: { in: ['pending', 'rectifying'] }, deadline: { in: deadlines } },
        select: { id: true },
        orderBy: { serial: 'asc' },
      });
      for (const { id } of candidates) {
        const facts = await hazardChaseFacts(db, campaignId, id);
        const due = circulationDueAt(ctx, facts, at);
        if (!due || !hazardLetterDecision(ctx, facts, due, sendingAt).send) continue;
        const sentKeys = await sentHazardLetterKeys(db, campaignId, id);
        if (sentKeys.includes(due.key)) continue; // sent on its own, by a chase begun before the one 通报
        listed.push({ hazardId: id, facts, due, sentKeys });
      }
    }
    return listed.sort((a, b) => a.facts.serial - b.facts.serial);
  }

  /** Why a held letter no longer goes, in the words of the withdrawal recorded on the hazard. */
  function noLongerDue(facts: HazardChaseFacts, letter: HazardLetterDue): string {
    const { status, hazard } = facts.state;
    if (status === 'awaiting_acceptance') return '隐患已报告整改完成，自动撤回';
    if (status === 'closed' || status === 'cancelled') return `隐患${HAZARD_STATUS_NAMES[status]}，自动撤回`;
    if (hazard.deadline !== letter.deadline) return `整改时限已改为 ${hazard.deadline}，自动撤回`;
    return '隐患记录已变化，不再需要此文书，自动撤回';
  }

  /** A letter due at its time, judged and worded as it would go now, and held as 待签发 (no 发文字号 until it goes). */
  async function prepareHazardLetter(input: SendHazardLetterInput): Promise<PrepareHazardLetterResult> {
    const { campaignId, hazardId, letter } = input;
    const businessKey = hazardLetterBusinessKey(campaignId, hazardId, letter.key);
    const loaded = await loadCampaign(campaignId);
    const ctx = contextOf(loaded);
    const preparedAt = loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);
    const facts = await hazardChaseFacts(db, campaignId, hazardId);
    const existing = await db.hazardLetter.findUnique({ where: { businessKey }, select: { status: true } });
    if (existing?.status === HAZARD_AWAITING_SIGN_OFF) return { businessKey, outcome: 'awaiting' };
    if (existing?.status === APPROVED) return { businessKey, outcome: 'approved' };
    const decision = hazardLetterDecision(ctx, facts, letter, preparedAt);
    if (!decision.send) return { businessKey, outcome: 'skipped', reason: decision.reason };
    if (existing) return { businessKey, outcome: 'skipped', reason: `already ${existing.status}` };
    const sentKeys = await sentHazardLetterKeys(db, campaignId, hazardId);
    const rendered = compose(loaded, ctx, facts, letter, sentKeys, preparedAt, undefined);
    const messageId = `<${createHash('sha256').update(businessKey).digest('hex').slice(0, 32)}@duban>`;
    await holdHazardLetter(
      db,
      campaignId,
      { hazardId, townId: facts.state.hazard.townId, businessKey, letter, reason: `${letter.reason}；${chineseDateTime(letter.at, ctx.timeZone)}拟发${rendered.instrument}，待签发` },
      { messageId, to: rendered.to, cc: rendered.cc, subject: rendered.subject, text: rendered.text },
      new Date(preparedAt),
    );
    return { businessKey, outcome: 'awaiting' };
  }

  async function hazardLetterStillDue(input: SendHazardLetterInput): Promise<HazardLetterStillDue> {
    const loaded = await loadCampaign(input.campaignId);
    const facts = await hazardChaseFacts(db, input.campaignId, input.hazardId);
    const now = loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);
    if (hazardLetterDecision(contextOf(loaded), facts, input.letter, now).send) return { due: true };
    return { due: false, reason: noLongerDue(facts, input.letter) };
  }

  async function recordHazardSignOff(input: HazardSignOffInput): Promise<void> {
    const d: SignOffDecision = input.decision;
    await decideHazardSignOff(db, {
      businessKey: input.businessKey,
      decision: d.decision,
      actor: d.actor,
      ...(d.reason ? { reason: d.reason } : {}),
      at: new Date(input.decidedAt),
      townOf: await townsOf(input.campaignId),
    });
  }

  async function joinHazardCirculation(input: SendHazardCirculationInput): Promise<{ businessKey: string }> {
    const loaded = await loadCampaign(input.campaignId);
    const { timeZone } = loaded.settings;
    const day = civilDateOf(input.at, timeZone);
    const businessKey = hazardCirculationKey(input.campaignId, day, formatInstant(input.at, timeZone).slice(11, 16));
    if (!deps.client || !deps.taskQueue) throw new DubanError('CONFIG', 'the hazard activities need a Temporal client and task queue to start a 通报 of hazards');
    const circulation: HazardCirculationInput = { campaignId: input.campaignId, day, at: input.at, clockOffsetMs: loaded.settings.clockOffsetMs };
    await startOnce(deps.client, 'hazardCirculationWorkflow', { workflowId: hazardCirculationWorkflowId(businessKey), taskQueue: deps.taskQueue, args: [circulation] });
    return { businessKey };
  }

  /** The 通报 of hazards at its time: nobody due, sent at once (no 签发 needed), or held as 待签发 with its preview. */
  async function prepareHazardCirculation(input: HazardCirculationInput): Promise<PrepareHazardCirculationResult> {
    const { campaignId, at } = input;
    const loaded = await loadCampaign(campaignId);
    const ctx = contextOf(loaded);
    const day = civilDateOf(at, ctx.timeZone);
    const businessKey = hazardCirculationKey(campaignId, day, formatInstant(at, ctx.timeZone).slice(11, 16));
    if (!hazardNeedsSignOff(ctx.policy, 'circulate')) return { businessKey, outcome: 'send' };
    const existing = await hazardLetterForSignOff(db, businessKey);
    if (existing?.status === HAZARD_AWAITING_SIGN_OFF) return { businessKey, outcome: 'awaiting' };
    // decided before this run (a run afresh): approved or sent, the send finishes or finds it; withdrawn, it never goes
    if (existing) return { businessKey, outcome: existing.status === HAZARD_WITHDRAWN || existing.status === HAZARD_NOT_NEEDED ? 'withdrawn' : 'send' };
    const preparedAt = loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs);
    const listed = await circulatedAt(ctx, campaignId, at, preparedAt);
    if (listed.length === 0) return { businessKey, outcome: 'nobody' };
    const rendered = renderHazardCirculation(listed.map((l) => factsFor(loaded, ctx, l.facts, l.due, l.sentKeys, preparedAt, undefined)));
    const messageId = `<${createHash('sha256').update(businessKey).digest('hex').slice(0, 32)}@duban>`;
    await holdHazardCirculation(
      db,
      {
        key: businessKey,
        campaignId,
        day,
        at,
        reason: `${chineseDateTime(at, ctx.timeZone)}拟通报${listed.length}处逾期未整改的隐患，待签发`,
        listed: listed.map((l) => ({
          hazardId: l.hazardId,
          townId: l.facts.state.hazard.townId,
          businessKey: hazardLetterBusinessKey(campaignId, l.hazardId, l.due.key),
          letter: l.due,
          reason: `${l.due.reason}；拟列入${chineseDateTime(at, ctx.timeZone)}的通报，待签发`,
        })),
      },
      { messageId, to: rendered.to, cc: rendered.cc, subject: rendered.subject, text: rendered.text },
      new Date(preparedAt),
    );
    return { businessKey, outcome: 'awaiting' };
  }

  return {
    nextHazardLetter,
    sendHazardLetter,
    sendHazardCirculation,
    prepareHazardLetter,
    hazardLetterStillDue,
    recordHazardSignOff,
    joinHazardCirculation,
    prepareHazardCirculation,
  };
}
