// `duban simulate`: rehearse a campaign on the time-skipping server with the real workflows and
// activities, and report the notices actually sent, in the same form as `duban plan`.
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { CompiledCampaign } from '../domain/compile';
import { DubanError } from '../domain/errors';
import { LEAD_DIGEST, leadDigestInstant } from '../domain/lead-digest';
import { comparePlanned, isSignOffEvent, planCampaign, type Assumption, type PlannedNotice } from '../domain/plan';
import { lastNoticeAt } from '../domain/policy';
import { formatInstant } from '../domain/zoned-time';
import { actOnObligation } from '../operations/actions';
import { decideSignOff, pendingSignOffs } from '../operations/sign-off';
import { checkedAction } from '../store/notices';
import { type Rehearsal, startRehearsal } from './rehearsal';
import { checkRehearsalSmtp } from './rehearsal-mail';

/** After the last notice any deadline could produce, plus a day. */
export function rehearsalHorizon(compiled: CompiledCampaign, assumptions: Assumption[]): number {
  const def = compiled.definition;
  let horizon = compiled.launchAt;
  for (const o of compiled.obligations) {
    const policy = def.deliverables.find((d) => d.id === o.deliverableId)!.policy;
    const deadlines = [o.due, ...assumptions.filter((a) => a.unit === o.unitId && a.deliverable === o.deliverableId).flatMap((a) => ('to' in a.event ? [a.event.to] : []))];
    for (const d of new Set(deadlines)) {
      horizon = Math.max(horizon, lastNoticeAt({ policy, calendar: compiled.calendar, timeZone: def.timeZone }, d) ?? horizon);
    }
  }
  for (const a of assumptions) horizon = Math.max(horizon, a.at);
  return horizon + 86_400_000;
}

const SETTLE_ROUNDS = 150;
const SETTLE_INTERVAL_MS = 200;

/**
 * Waits until no notice or letter to a unit is mid-send and the count of sent ones stops changing; fails loudly if
 * it never does.
 */
async function settle(r: Rehearsal, campaignId: string): Promise<void> {
  let last = -1;
  let inFlight = 0;
  for (let i = 0; i < SETTLE_ROUNDS; i++) {
    // a letter waiting for 签发 (or withdrawn) is not being sent; an approved 通报 is, until its row says sent
    inFlight =
      (await r.db.notice.count({ where: { campaignId, status: { notIn: ['sent', 'awaiting_sign_off', 'withdrawn'] } } })) +
      (await r.db.unitMessage.count({ where: { campaignId, status: { not: 'sent' } } })) +
      (await r.db.circulation.count({ where: { campaignId, status: { in: ['approved', 'sending', 'claimed'] } } }));
    const sent = (await r.db.notice.count({ where: { campaignId, status: 'sent' } })) + (await r.db.unitMessage.count({ where: { campaignId, status: 'sent' } }));
    if (inFlight === 0 && sent === last) return;
    last = sent;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_INTERVAL_MS));
  }
  throw new Error(
    `the rehearsal of ${campaignId} did not settle within ${(SETTLE_ROUNDS * SETTLE_INTERVAL_MS) / 1000} s: ` +
      `${inFlight} notice(s) still being sent, ${last} sent so far`,
  );
}

/** The notices sent, and each lead department's list of its units not yet in, at the time each was due. */
export async function sentNotices(r: Rehearsal, campaignId: string, timeZone: string): Promise<PlannedNotice[]> {
  const rows = await r.db.notice.findMany({ where: { campaignId, status: 'sent' } });
  const digests = await r.db.unitMessage.findMany({ where: { campaignId, kind: LEAD_DIGEST, status: 'sent' } });
  const digestAt = (messageKey: string) => {
    const at = leadDigestInstant(messageKey, timeZone);
    if (at === undefined) throw new Error(`lead digest ${messageKey} does not name the time it was due`);
    return formatInstant(at, timeZone);
  };
  return [
    ...rows.map((n): PlannedNotice => ({ unit: n.unitId, deliverable: n.deliverableId, action: checkedAction(n.action, n.businessKey), at: formatInstant(n.scheduledAt.getTime(), timeZone) })),
    ...digests.map((m): PlannedNotice => ({ unit: m.unitId, deliverable: m.deliverableId, action: LEAD_DIGEST, at: digestAt(m.messageKey) })),
  ].sort(comparePlanned);
}

export async function simulateCampaign(args: {
  file: string;
  compiled: CompiledCampaign;
  assumptions: Assumption[];
  smtpUrl?: string;
  /** Allow `smtpUrl` to name a server that is not on this machine (refused otherwise: checkRehearsalSmtp). */
  allowRemoteSmtp?: boolean;
  /** An empty database to rehearse in (the caller drops it); by default a temporary SQLite file. */
  databaseUrl?: string;
  workflowBundle?: WorkflowBundleWithSourceMap;
  onProgress?: (line: string) => void;
}): Promise<PlannedNotice[]> {
  checkRehearsalSmtp(args.smtpUrl, args.allowRemoteSmtp); // before anything starts
  const { compiled, assumptions } = args;
  const def = compiled.definition;
  planCampaign(compiled, assumptions); // refuses a bad assumption (unknown unit, double submission) before any server starts
  const r = await startRehearsal({ smtpUrl: args.smtpUrl, databaseUrl: args.databaseUrl, workflowBundle: args.workflowBundle });
  try {
    await r.launch(args.file, compiled.launchAt, 'simulate');
    for (const a of [...assumptions].sort((x, y) => x.at - y.at)) {
      await r.advanceTo(a.at);
      await settle(r, def.id);
      const event = a.event;
      if (isSignOffEvent(event)) {
        // the leader's decision on the letter of that step waiting for 签发 that names the obligation
        const waiting = (await pendingSignOffs(r.db, def.id)).find((p) => p.action === event.step && p.listed.some((l) => l.unitId === a.unit && l.deliverableId === a.deliverable));
        if (!waiting) throw new DubanError('REQUEST_DECIDED', `${a.source}: no letter for ${a.unit}/${a.deliverable} waits for 签发 then`);
        await decideSignOff(
          { client: r.env.client, db: r.db },
          { key: waiting.key, decision: event.kind, actor: 'operator:simulate', role: 'leader', ...(event.kind === 'withdraw' ? { reason: event.reason } : {}) },
        );
      } else {
        await actOnObligation({ client: r.env.client, db: r.db, taskQueue: r.taskQueue, searchAttributes: true }, { campaignId: def.id, unitId: a.unit, deliverableId: a.deliverable, event, actor: 'simulate' });
      }
      args.onProgress?.(`${formatInstant(a.at, def.timeZone)} ${a.event.kind} ${a.unit}/${a.deliverable}`);
    }
    await r.advanceTo(rehearsalHorizon(compiled, assumptions));
    await settle(r, def.id);
    return await sentNotices(r, def.id, def.timeZone);
  } finally {
    await r.close();
  }
}
