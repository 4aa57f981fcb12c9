// `duban plan`: every notice a campaign would send, computed without any server by running each
// obligation through the same state machine its workflow runs (domain/policy), on a virtual clock.
import type { CompiledCampaign } from './compile';
import type { DeliverableDef } from './definition';
import { DubanError } from './errors';
import { LEAD_DIGEST, LEAD_DIGEST_NAME, leadDigests } from './lead-digest';
import {
  type ObligationEvent,
  type ScheduleContext,
  type ScheduledNotice,
  type SignOffStep,
  applyEvent,
  checkEvent,
  initialState,
  markSent,
  needsSignOff,
  nextNotice,
  noticeDecision,
} from './policy';
import { INSTRUMENT_NAMES, type NoticeAction } from './policy';
import { formatInstant } from './zoned-time';

/** A leader's decision on the letter of `step` waiting for 签发 that names the obligation (a 通报: the whole letter). */
export type SignOffEvent = { kind: 'approve'; step: SignOffStep } | { kind: 'withdraw'; step: SignOffStep; reason: string };

/** An assumed operator action: what `--assume` describes and `simulate` performs for real. */
export interface Assumption {
  unit: string;
  deliverable: string;
  at: number;
  event: ObligationEvent | SignOffEvent;
  /** Where it came from, for error messages. */
  source: string;
}

export function isSignOffEvent(e: ObligationEvent | SignOffEvent): e is SignOffEvent {
  return e.kind === 'approve' || e.kind === 'withdraw';
}

/** The campaign's 通报 held for 签发 are shared by obligations: decided once, for every unit they list. */
const CIRCULATION_GRACE_MS = 2 * 60_000;

/** A notice of the ladder, or a lead department's list of its units not yet in (domain/lead-digest.ts). */
export type PlannedAction = NoticeAction | typeof LEAD_DIGEST;

/** What each planned letter is called: 提醒 … 约谈通知, 报送情况函. */
export const PLANNED_NAMES: Record<PlannedAction, string> = { ...INSTRUMENT_NAMES, [LEAD_DIGEST]: LEAD_DIGEST_NAME };

const ACTION_ORDER: Record<PlannedAction, number> = { reminder: 0, urge: 1, notice: 2, circulate: 3, interview: 4, [LEAD_DIGEST]: 5 };

export interface PlannedNotice {
  unit: string;
  deliverable: string;
  action: PlannedAction;
  at: string;
}

/** By time, unit, deliverable, then action (a lead department's own reminder and its list can share an instant). */
export function comparePlanned(a: PlannedNotice, b: PlannedNotice): number {
  const ta = Date.parse(a.at);
  const tb = Date.parse(b.at);
  if (ta !== tb) return ta - tb;
  if (a.unit !== b.unit) return a.unit < b.unit ? -1 : 1;
  if (a.deliverable !== b.deliverable) return a.deliverable < b.deliverable ? -1 : 1;
  return ACTION_ORDER[a.action] - ACTION_ORDER[b.action];
}

type CirculationDecision = { decision: 'approve' | 'withdraw'; at: number };

interface Run {
  out: { notice: PlannedNotice; time: number }[];
  /** The 通报 steps this obligation reached and would be listed in (step instant → whether its policy needs 签发). */
  joined: Map<number, boolean>;
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
  const format = (at: number) => {
    let f = formatted.get(at);
    if (!f) {
      const text = formatInstant(at, def.timeZone);
      formatted.set(at, (f = { at: text, time: Date.parse(text) }));
    }
    return f;
  };
  const contexts = compiled.obligations.map((o): ScheduleContext => ({ policy: deliverables.get(o.deliverableId)!.policy, calendar: compiled.calendar, timeZone: def.timeZone }));
  const eventsOf = (unitId: string, deliverableId: string) => [...(assumed.get(unitId)?.get(deliverableId) ?? [])].sort((a, b) => a.at - b.at);

  // The 通报 held for 签发 (the letter waits when any obligation it lists needs it) and the leaders' decisions on them:
  // a first pass finds who reaches which 通报; a decision names a held 通报 listing its obligation, not yet decided.
  const firstPass = compiled.obligations.map((o, i) => runObligation(contexts[i], o, eventsOf(o.unitId, o.deliverableId), new Map(), new Map(), format));
  const held = new Map<number, boolean>(); // 通报 instant → needs 签发
  for (const run of firstPass) for (const [t, needs] of run.joined) held.set(t, (held.get(t) ?? false) || needs);
  const decisions = new Map<number, CirculationDecision>();
  for (const a of [...assumptions].sort((x, y) => x.at - y.at)) {
    if (!isSignOffEvent(a.event) || a.event.step !== 'circulate') continue;
    const index = compiled.obligations.findIndex((o) => o.unitId === a.unit && o.deliverableId === a.deliverable);
    const pending = [...firstPass[index].joined.keys()].filter((t) => held.get(t) && t + CIRCULATION_GRACE_MS <= a.at && !decisions.has(t));
    if (pending.length === 0) throw new DubanError('REQUEST_DECIDED', `${a.source}: no 通报 listing ${a.unit}/${a.deliverable} waits for 签发 then`);
    decisions.set(pending[0], { decision: a.event.kind, at: a.at });
  }

  const out: { notice: PlannedNotice; time: number }[] = [];
  compiled.obligations.forEach((o, i) => out.push(...runObligation(contexts[i], o, eventsOf(o.unitId, o.deliverableId), held, decisions, format).out));
  // each lead department's list goes whoever has submitted by then: it says who has not, or that all are in
  const digests = leadDigests({ units: def.units, obligations: compiled.obligations, deliverables, calendar: compiled.calendar, timeZone: def.timeZone, launchAt: compiled.launchAt });
  for (const d of digests) {
    const f = format(d.at);
    out.push({ notice: { unit: d.leadId, deliverable: d.deliverableId, action: LEAD_DIGEST, at: f.at }, time: f.time });
  }
  // comparePlanned, with each notice's time parsed once rather than at every comparison
  out.sort((x, y) => {
    if (x.time !== y.time) return x.time - y.time;
    const a = x.notice;
    const b = y.notice;
    if (a.unit !== b.unit) return a.unit < b.unit ? -1 : 1;
    if (a.deliverable !== b.deliverable) return a.deliverable < b.deliverable ? -1 : 1;
    return ACTION_ORDER[a.action] - ACTION_ORDER[b.action];
  });
  return out.map((x) => x.notice);
}

/**
 * One obligation through its workflow's state machine. `held`: the 通报 instants held for 签发 (the obligation joins
 * them; its line goes out only when approved, if it is still late then); `decisions`: what the leaders decided on them.
 * A step of its own that needs 签发 (约谈) waits for an approve or withdraw assumption; an operator's action meanwhile
 * withdraws it. A letter that goes out is listed at its step's time, as its record keeps it.
 */
function runObligation(
  ctx: ScheduleContext,
  o: { unitId: string; deliverableId: string; due: string; opensAt: number },
  assumed: Assumption[],
  held: ReadonlyMap<number, boolean>,
  decisions: ReadonlyMap<number, CirculationDecision>,
  format: (at: number) => { at: string; time: number },
): Run {
  type Step = { at: number; run: () => void };
  const run: Run = { out: [], joined: new Map() };
  const emit = (n: ScheduledNotice) => {
    const f = format(n.at);
    run.out.push({ notice: { unit: o.unitId, deliverable: o.deliverableId, action: n.action, at: f.at }, time: f.time });
  };
  let state = initialState(o.due, o.opensAt);
  let waiting: ScheduledNotice | undefined; // its own letter held for 签发
  const events = [...assumed];
  const circulationSteps: { at: number; notice: ScheduledNotice; decision: CirculationDecision }[] = [];
  for (;;) {
    const next = waiting ? undefined : nextNotice(ctx, state);
    const circulation = circulationSteps[0];
    const event = events[0];
    // what comes first: an assumed action, a leader's decision on a 通报 it joined, or its next notice
    const candidates: Step[] = [];
    if (event) candidates.push({ at: event.at, run: () => act(event) });
    if (circulation) candidates.push({ at: circulation.at, run: () => decideCirculation(circulation) });
    const first = candidates.sort((a, b) => a.at - b.at)[0];
    // At the very instant a notice is due, the notice goes first (its timer fires before the action lands).
    if (first && (!next || first.at < next.at)) {
      first.run();
      continue;
    }
    if (!next) break;
    // the notice's timer fires on time here, so sendNotice sees the record as the workflow left it
    const decision = noticeDecision(ctx, state, next, next.at);
    if (decision.send && next.action === 'circulate') {
      run.joined.set(next.at, needsSignOff(ctx.policy, 'circulate'));
      if (held.get(next.at)) {
        const decided = decisions.get(next.at);
        if (decided) circulationSteps.push({ at: decided.at, notice: next, decision: decided });
        circulationSteps.sort((a, b) => a.at - b.at);
      } else emit(next);
    } else if (decision.send && needsSignOff(ctx.policy, next.action)) {
      waiting = next; // 待签发: prepared now, sent when approved
      continue;
    } else if (decision.send) emit(next);
    state = markSent(state, next, decision.send);
  }
  return run;

  function decideCirculation(c: (typeof circulationSteps)[number]) {
    circulationSteps.shift();
    // the 通报 goes out when approved, listing the units still late then
    if (c.decision.decision === 'approve' && noticeDecision(ctx, state, c.notice, c.at).send) emit(c.notice);
  }

  function act(event: Assumption) {
    events.shift();
    const e = event.event;
    if (isSignOffEvent(e)) {
      if (e.step === 'circulate') return; // decided for the whole letter (planCampaign)
      if (!waiting) throw new DubanError('REQUEST_DECIDED', `${event.source}: ${o.unitId}/${o.deliverableId} has no 约谈通知 waiting for 签发 then`);
      if (e.kind === 'approve') emit(waiting);
      state = markSent(state, waiting, e.kind === 'approve');
      waiting = undefined;
      return;
    }
    try {
      checkEvent(ctx, state, e, event.at);
    } catch (err) {
      if (err instanceof DubanError) throw new DubanError(err.code, `${event.source}: ${err.message}`);
      throw err;
    }
    waiting = undefined; // an action withdraws a letter waiting for 签发
    state = applyEvent(ctx, state, e, event.at);
  }
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
