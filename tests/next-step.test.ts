// nextStepOf (domain/next-step.ts): the 下一步 `duban status` and the console's board show — the first notice of
// the deadline's schedule still to come, never one before the obligation opened, none once it is closed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileCampaign } from '../domain/compile';
import { parseCampaignDefinition } from '../domain/definition';
import { nextStepOf } from '../domain/next-step';
import { DEFAULT_POLICY, type NoticePolicy, type ScheduleContext, applyEvent, initialState, markSent, nextNotice } from '../domain/policy';
import { formatInstant, parseInstant } from '../domain/zoned-time';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const fmt = (ms: number) => formatInstant(ms, ZONE);
const LEIZHOU = parseCampaignDefinition(readFileSync('examples/leizhou-2022-assessment.yaml', 'utf8'), 'l.yaml');
const LAUNCH = at('2022-10-08T10:00:00+08:00');
const { calendar } = compileCampaign(LEIZHOU, LAUNCH);
const ctxWith = (policy: NoticePolicy = DEFAULT_POLICY): ScheduleContext => ({ policy, calendar, timeZone: ZONE });
const ctx = ctxWith();

// Deadline 2022-10-11 (Tue), after the National Day holiday; 10-08 (Sat) and 10-09 (Sun) are 调休 working days.
// Reminders 10-08, 10-10, 10-11; 提醒敦促函 10-12, 督办通知 10-14, 通报 10-18, 约谈 10-20 — all at 09:00.
const open = { status: 'open' as const, due: '2022-10-11', opensAt: LAUNCH };
const next = (now: string, facts: { status: 'open' | 'submitted' | 'waived'; due: string; opensAt: number } = open, c = ctx) => {
  const step = nextStepOf(c, facts, at(now));
  return step && `${step.action} ${fmt(step.at)}`;
};

describe('nextStepOf', () => {
  it('before the obligation opens: the first notice at or after the opening, never one before it', () => {
    // the 3rd-working-day reminder (10-08 09:00) lies before the launch at 10:00: it is never sent
    expect(next('2022-10-01T10:00')).toBe('reminder 2022-10-10T09:00:00+08:00');
    expect(next('2022-10-08T08:00')).toBe('reminder 2022-10-10T09:00:00+08:00');
    // an obligation of a stage that opened earlier is reminded from the first reminder on
    expect(next('2022-10-01T10:00', { ...open, opensAt: at('2022-09-30T00:00') })).toBe('reminder 2022-10-08T09:00:00+08:00');
    // opening after the deadline: the ladder goes on from the first step due after the opening
    expect(next('2022-10-01T10:00', { ...open, opensAt: at('2022-10-13T10:00') })).toBe('notice 2022-10-14T09:00:00+08:00');
  });

  it('between reminders: the next reminder; a notice due this very instant is still next', () => {
    expect(next('2022-10-10T12:00')).toBe('reminder 2022-10-11T09:00:00+08:00');
    expect(next('2022-10-11T09:00')).toBe('reminder 2022-10-11T09:00:00+08:00');
    expect(next('2022-10-11T09:00:01')).toBe('urge 2022-10-12T09:00:00+08:00');
  });

  it('after the deadline: up the ladder, then nothing', () => {
    expect(next('2022-10-11T23:59')).toBe('urge 2022-10-12T09:00:00+08:00');
    expect(next('2022-10-12T10:00')).toBe('notice 2022-10-14T09:00:00+08:00');
    expect(next('2022-10-15T10:00')).toBe('circulate 2022-10-18T09:00:00+08:00'); // over the weekend
    expect(next('2022-10-18T09:30')).toBe('interview 2022-10-20T09:00:00+08:00');
    expect(next('2022-10-20T09:00')).toBe('interview 2022-10-20T09:00:00+08:00');
    expect(next('2022-10-20T09:01')).toBeUndefined();
    expect(next('2023-01-01T10:00')).toBeUndefined();
  });

  it('follows a customised ladder: a disabled step is skipped, other days and times are kept', () => {
    const noCirculation = ctxWith({ ...DEFAULT_POLICY, escalate: { ...DEFAULT_POLICY.escalate, circulate: null } });
    expect(next('2022-10-15T10:00', open, noCirculation)).toBe('interview 2022-10-20T09:00:00+08:00');
    const custom = ctxWith({ ...DEFAULT_POLICY, sendAt: '08:30', remindBefore: [2], escalate: { urge: 2, notice: null, circulate: null, interview: null } });
    expect(next('2022-10-08T12:00', open, custom)).toBe('reminder 2022-10-09T08:30:00+08:00');
    expect(next('2022-10-09T09:00', open, custom)).toBe('urge 2022-10-13T08:30:00+08:00');
    expect(next('2022-10-13T08:31', open, custom)).toBeUndefined();
    const silent = ctxWith({ ...DEFAULT_POLICY, remindBefore: [], escalate: { urge: null, notice: null, circulate: null, interview: null } });
    expect(next('2022-10-09T09:00', open, silent)).toBeUndefined();
  });

  it('after an extension or a return: the new deadline’s schedule, from now on', () => {
    const extended = { ...open, due: '2022-10-20' };
    // extended on 10-12: the reminders of 10-20 are the 17th, 19th and 20th (10-20 is a Thursday)
    expect(next('2022-10-12T10:00', extended)).toBe('reminder 2022-10-17T09:00:00+08:00');
    expect(next('2022-10-17T10:00', extended)).toBe('reminder 2022-10-19T09:00:00+08:00');
    expect(next('2022-10-20T10:00', extended)).toBe('urge 2022-10-21T09:00:00+08:00');
  });

  it('nothing for a submitted or waived obligation, whatever its schedule still holds', () => {
    expect(next('2022-10-09T10:00', { ...open, status: 'submitted' })).toBeUndefined();
    expect(next('2022-10-13T10:00', { ...open, status: 'submitted' })).toBeUndefined();
    expect(next('2022-10-09T10:00', { ...open, status: 'waived' })).toBeUndefined();
  });

  it('agrees with the workflow: at each instant the workflow sends a notice, that notice was the next step', () => {
    for (const opensAt of [at('2022-09-30T00:00'), LAUNCH, at('2022-10-13T10:00'), at('2022-10-21T00:00')]) {
      let state = initialState('2022-10-11', opensAt);
      const facts = { ...open, opensAt };
      let now = Math.min(opensAt, at('2022-10-01T00:00'));
      for (let n = nextNotice(ctx, state); n; n = nextNotice(ctx, state)) {
        expect(nextStepOf(ctx, facts, now)).toEqual(n); // waiting for it
        expect(nextStepOf(ctx, facts, n.at)).toEqual(n); // the instant it is due
        state = markSent(state, n);
        now = n.at + 1;
      }
      expect(nextStepOf(ctx, facts, now)).toBeUndefined();
    }
  });

  it('agrees with the workflow after an extension', () => {
    const extendedAt = at('2022-10-12T10:00');
    const state = applyEvent(ctx, initialState('2022-10-11', LAUNCH), { kind: 'extend', to: '2022-10-20', reason: '假期' }, extendedAt);
    expect(nextStepOf(ctx, { status: state.status, due: state.deadline, opensAt: LAUNCH }, extendedAt)).toEqual(nextNotice(ctx, state));
  });
});
