// `duban plan`: every notice a campaign would send, computed without any server by running each
// obligation through the same state machine its workflow runs (domain/policy), on a virtual clock.
import type { CompiledCampaign } from './compile';
import type { DeliverableDef } from './definition';
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
  const owed = new Map<string, Set<string>>(); // unit → deliverables it owes
  for (const o of compiled.obligations) {
    let deliverables = owed.get(o.unitId);
    if (!deliverables) owed.set(o.unitId, (deliverables = new Set()));
    deliverables.add(o.deliverableId);
  }
  for (const a of assumptions) {
    if (!owed.get(a.unit)?.has(a.deliverable)) {
      throw new DubanError('UNKNOWN_OBLIGATION', `${a.source}: unit ${JSON.stringify(a.unit)} owes no deliverable ${JSON.stringify(a.deliverable)} in ${def.id}`);
    }
  }
  const assumed = assumptionsByObligation(assumptions);
  const deliverables = new Map<string, DeliverableDef>(); // by id, the first of each id as find would
  for (const d of def.deliverables) if (!deliverables.has(d.id)) deliverables.set(d.id, d);
  const formatted = new Map<number, { at: string; time: number }>(); // many obligations share an instant
  const out: { notice: PlannedNotice; time: number }[] = [];
  for (const o of compiled.obligations) {
    const deliverable = deliverables.get(o.deliverableId)!;
    const ctx: ScheduleContext = { policy: deliverable.policy, calendar: compiled.calendar, timeZone: def.timeZone };
    const events = [...(assumed.get(o.unitId)?.get(o.deliverableId) ?? [])].sort((a, b) => a.at - b.at);
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
      if (decision.send) {
        let f = formatted.get(next.at);
        if (!f) {
          const at = formatInstant(next.at, def.timeZone);
          formatted.set(next.at, (f = { at, time: Date.parse(at) }));
        }
        out.push({ notice: { unit: o.unitId, deliverable: o.deliverableId, action: next.action, at: f.at }, time: f.time });
      }
      state = markSent(state, next, decision.send);
    }
  }
  // comparePlanned, with each notice's time parsed once rather than at every comparison
  out.sort((x, y) => {
    if (x.time !== y.time) return x.time - y.time;
    const a = x.notice;
    const b = y.notice;
    if (a.unit !== b.unit) return a.unit < b.unit ? -1 : 1;
    if (a.deliverable !== b.deliverable) return a.deliverable < b.deliverable ? -1 : 1;
    return 0;
  });
  return out.map((x) => x.notice);
}

/** Assumptions by unit and deliverable, each list in the order given. */
function assumptionsByObligation(assumptions: Assumption[]): Map<string, Map<string, Assumption[]>> {
  const byUnit = new Map<string, Map<string, Assumption[]>>();
  for (const a of assumptions) {
    let byDeliverable = byUnit.get(a.unit);
    if (!byDeliverable) byUnit.set(a.unit, (byDeliverable = new Map()));
    let list = byDeliverable.get(a.deliverable);
    if (!list) byDeliverable.set(a.deliverable, (list = []));
    list.push(a);
  }
  return byUnit;
}
