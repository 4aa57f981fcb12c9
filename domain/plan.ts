// `duban plan`: every notice a campaign would send, computed without any server by running each
// obligation through the same state machine its workflow runs (domain/policy), on a virtual clock.
import type { CompiledCampaign } from './compile';
import { DubanError } from './errors';
import { type ObligationEvent, type ScheduleContext, applyEvent, checkEvent, initialState, markSent, nextNotice, noticeDecision } from './policy';
import type { NoticeAction } from './policy';
import { formatInstant } from './zoned-time';

/** An assumed operator action: what `--assume` describes and `simulate` performs for real. */
export interface Assumption {
  unit: string;
  deliverable: string;
  at: number;
  event: ObligationEvent;
  /** Where it came from, for error messages. */
  source: string;
}

export interface PlannedNotice {
  unit: string;
  deliverable: string;
  action: NoticeAction;
  at: string;
}

export function comparePlanned(a: PlannedNotice, b: PlannedNotice): number {
  const ta = Date.parse(a.at);
  const tb = Date.parse(b.at);
  if (ta !== tb) return ta - tb;
  if (a.unit !== b.unit) return a.unit < b.unit ? -1 : 1;
  if (a.deliverable !== b.deliverable) return a.deliverable < b.deliverable ? -1 : 1;
  return 0;
}

export function planCampaign(compiled: CompiledCampaign, assumptions: Assumption[] = []): PlannedNotice[] {
  const def = compiled.definition;
  for (const a of assumptions) {
    if (!compiled.obligations.some((o) => o.unitId === a.unit && o.deliverableId === a.deliverable)) {
      throw new DubanError('UNKNOWN_OBLIGATION', `${a.source}: unit ${JSON.stringify(a.unit)} owes no deliverable ${JSON.stringify(a.deliverable)} in ${def.id}`);
    }
  }
  const out: PlannedNotice[] = [];
  for (const o of compiled.obligations) {
    const deliverable = def.deliverables.find((d) => d.id === o.deliverableId)!;
    const ctx: ScheduleContext = { policy: deliverable.policy, calendar: compiled.calendar, timeZone: def.timeZone };
    const events = assumptions.filter((a) => a.unit === o.unitId && a.deliverable === o.deliverableId).sort((a, b) => a.at - b.at);
    let state = initialState(o.due, o.opensAt);
    for (;;) {
      const next = nextNotice(ctx, state);
      const event = events[0];
      // At the very instant a notice is due, the notice goes first (its timer fires before the action lands).
      if (event && (!next || event.at < next.at)) {
        try {
          checkEvent(ctx, state, event.event, event.at);
        } catch (err) {
          if (err instanceof DubanError) throw new DubanError(err.code, `${event.source}: ${err.message}`);
          throw err;
        }
        state = applyEvent(ctx, state, event.event, event.at);
        events.shift();
        continue;
      }
      if (!next) break;
      // the notice's timer fires on time here, so sendNotice sees the record as the workflow left it
      const decision = noticeDecision(ctx, state, next, next.at);
      if (decision.send) out.push({ unit: o.unitId, deliverable: o.deliverableId, action: next.action, at: formatInstant(next.at, def.timeZone) });
      state = markSent(state, next, decision.send);
    }
  }
  return out.sort(comparePlanned);
}
