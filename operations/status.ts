// `duban status`: every unit × deliverable of a campaign and where it stands, from the database.
import { type Standing, standingOn } from '../domain/standing';
import { civilDateOf, formatInstant } from '../domain/zoned-time';
import { loadCampaign } from '../store/campaigns';
import type { Db } from '../store/db';
import { obligationFacts } from '../store/obligations';

export interface StatusRow {
  unit: string;
  unitName: string;
  deliverable: string;
  stage: string;
  due: string;
  originalDue: string;
  state: Standing;
  escalation: string;
  lateWorkingDays: number | null;
  submittedAt: string | null;
  extended: boolean;
  returned: boolean;
  summary: string;
}

/** `serverNow`: the Temporal server's time (the wall clock, except in a rehearsal). */
export async function campaignStatus(db: Db, campaignId: string, serverNow: number = Date.now()): Promise<{ campaignId: string; title: string; rows: StatusRow[] }> {
  const { campaign, clock } = await loadCampaign(db, campaignId);
  const zone = campaign.timeZone;
  const today = civilDateOf(clock.at(serverNow), zone);
  const units = new Map((await db.unit.findMany({ where: { campaignId } })).map((u) => [u.unitId, u.name]));
  const obligations = await db.obligation.findMany({ where: { campaignId } });
  // sorted here, by code point: PostgreSQL's ORDER BY follows the server's locale, SQLite's compares bytes
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  obligations.sort((a, b) => byCodePoint(a.unitId, b.unitId) || byCodePoint(a.deliverableId, b.deliverableId));
  const rows = obligations.map((o): StatusRow => {
    const facts = obligationFacts(o);
    const { state, summary } = standingOn(facts, today);
    return {
      unit: o.unitId,
      unitName: units.get(o.unitId) ?? o.unitId,
      deliverable: o.deliverableId,
      stage: o.stageId,
      due: o.due,
      originalDue: o.originalDue,
      state,
      escalation: facts.escalation,
      lateWorkingDays: o.lateWorkingDays,
      submittedAt: o.submittedAt ? formatInstant(o.submittedAt.getTime(), zone) : null,
      extended: o.extended,
      returned: o.returned,
      summary,
    };
  });
  return { campaignId, title: campaign.title, rows };
}
