// recordObligationAction: the database learns of an operator's action (and who took it) before the
// obligation's workflow applies it.
import type { ObligationEvent, ObligationState } from '../domain/policy';
import { formatInstant } from '../domain/zoned-time';
import type { RecordActionInput } from '../shared/contract';
import { requireCampaign } from '../store/campaigns';
import type { Db } from '../store/db';
import { recordObligationAction as record } from '../store/obligations';

function describe(e: ObligationEvent, before: ObligationState, after: ObligationState, when: string): string {
  switch (e.kind) {
    case 'submit':
      return after.lateWorkingDays
        ? `submitted ${when}, ${after.lateWorkingDays} working day(s) late (deadline ${before.deadline})`
        : `submitted ${when}, on time (deadline ${before.deadline})`;
    case 'extend':
      return `deadline extended from ${before.deadline} to ${e.to}: ${e.reason}`;
    case 'return':
      return `returned for revision, new deadline ${e.to}: ${e.reason}`;
    case 'waive':
      return `waived: ${e.reason}`;
  }
}

export function createObligationActivities(deps: { db: Db }) {
  const { db } = deps;

  async function recordObligationAction(input: RecordActionInput): Promise<void> {
    const campaign = await requireCampaign(deps.db, input.campaignId);
    const summary = describe(input.event, input.before, input.after, formatInstant(input.at, campaign.timeZone));
    await record(db, input, input.before, input.after, summary);
  }

  return { recordObligationAction };
}
