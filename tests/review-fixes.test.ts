// Rules pinned after review: the return window, no notice before an obligation opens even after an
// extension, the order of an action and a notice at the same instant, and two validation rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileCampaign } from '../domain/compile';
import { parseCampaignDefinition } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { planCampaign } from '../domain/plan';
import { DEFAULT_POLICY, applyEvent, checkEvent, initialState, nextNotice, type ScheduleContext } from '../domain/policy';
import { formatInstant, parseInstant } from '../domain/zoned-time';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const LEIZHOU = readFileSync('examples/leizhou-2022-assessment.yaml', 'utf8');
const TAONAN = readFileSync('examples/taonan-2022-civil-affairs.yaml', 'utf8');
const leizhou = compileCampaign(parseCampaignDefinition(LEIZHOU, 'l.yaml'), at('2022-10-08T10:00:00+08:00'));
const ctx: ScheduleContext = { policy: DEFAULT_POLICY, calendar: leizhou.calendar, timeZone: ZONE };

function refusal(fn: () => void): DubanError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DubanError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('return window', () => {
  const submitted = applyEvent(ctx, initialState('2022-10-11', at('2022-10-08T10:00:00+08:00')), { kind: 'submit' }, at('2022-10-11T10:00:00+08:00'));
  it('accepts a return inside the window', () => {
    expect(() => checkEvent(ctx, submitted, { kind: 'return', to: '2022-11-30', reason: '数据不全' }, at('2022-11-09T10:00:00+08:00'))).not.toThrow();
  });
  it('refuses a return once the window has closed, naming the day it closed', () => {
    const err = refusal(() => checkEvent(ctx, submitted, { kind: 'return', to: '2022-12-30', reason: '数据不全' }, at('2022-12-20T10:00:00+08:00')));
    expect(err.code).toBe('OBLIGATION_CLOSED');
    expect(err.message).toContain('2022-11-10');
  });
});

describe('an extension granted before the obligation opens', () => {
  it('sends nothing before the opening', () => {
    const opensAt = at('2022-11-01T00:00:00+08:00');
    const state = applyEvent(ctx, initialState('2022-11-02', opensAt), { kind: 'extend', to: '2022-11-03', reason: '调整' }, at('2022-10-20T10:00:00+08:00'));
    expect(state.notBefore).toBe(opensAt);
    const first = nextNotice(ctx, state)!;
    // 3rd working day before 11-03 is 10-31, before the opening: the first notice is the 1st day before
    expect(formatInstant(first.at, ZONE)).toBe('2022-11-02T09:00:00+08:00');
    expect(first.at).toBeGreaterThan(opensAt);
  });
});

describe('an action at the very instant a notice is due', () => {
  it('comes after the notice, in plan as in simulate', () => {
    const notices = planCampaign(leizhou, [
      { unit: 'jiaoyu', deliverable: 'assessment-report', at: at('2022-10-11T09:00:00+08:00'), event: { kind: 'submit' }, source: 'test' },
    ]).filter((n) => n.unit === 'jiaoyu');
    expect(notices.map((n) => n.at)).toEqual(['2022-10-10T09:00:00+08:00', '2022-10-11T09:00:00+08:00']);
  });
});

describe('validation', () => {
  it('refuses dueFor for a unit that does not owe the deliverable', () => {
    const text = TAONAN.replace(
      '    owedBy: [department, town]\n    due: 2022-08-26',
      '    owedBy: [town]\n    due: 2022-08-26\n    dueFor: { fulizhongxin: 2022-08-25 }',
    );
    const err = refusal(() => parseCampaignDefinition(text, 't.yaml'));
    expect(err.details).toContainEqual(expect.stringMatching(/deliverables\[0\]\.dueFor\.fulizhongxin：单位“fulizhongxin”不需要报送此事项/));
  });
  it('refuses a deliverable submitted only to lead departments by units that have none', () => {
    const text = LEIZHOU.replace('    submitTo: [office, lead_departments]', '    submitTo: [lead_departments]');
    const err = refusal(() => parseCampaignDefinition(text, 'l.yaml'));
    expect(err.details).toContainEqual(expect.stringMatching(/deliverables\[0\]\.submitTo：没有牵头部门（reportsTo）的单位将无处报送：zhujian/));
  });
});
