// The hazard chase's decisions and words, pure: which letters a hazard's record calls for and under which keys
// (domain/hazard-chase.ts), and what each letter says (letters/hazard.ts). The chase on the server: tests/hazard-chase.test.ts.
import { describe, expect, it } from 'vitest';
import { compileCampaign } from '../domain/compile';
import {
  chaseRound,
  circulationDueAt,
  deadlinesCirculatedAt,
  hazardLetterDecision,
  hazardLetters,
  nextHazardLetter,
  stepsTakenFor,
  type HazardChaseFacts,
} from '../domain/hazard-chase';
import {
  DEFAULT_HAZARD_POLICY,
  type HazardContext,
  type HazardEvent,
  type HazardState,
  applyHazardEvent,
  applyListingEvent,
  newHazardState,
  newListing,
} from '../domain/hazards';
import { formatInstant, parseInstant } from '../domain/zoned-time';
import { type HazardLetterFacts, acceptorOf, renderHazardCirculation, renderHazardLetter } from '../letters/hazard';
import { readFileSync } from 'node:fs';
import { parseCampaignDefinition } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { readDefinitionFile } from '../operations/definition-file';
import { hazardPolicyOf } from '../store/campaigns';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const { def } = readDefinitionFile('examples/leizhou-2022-assessment.yaml');
const calendar = compileCampaign(def, at('2022-10-08T10:00:00+08:00')).calendar;
const ctx: HazardContext = { policy: DEFAULT_HAZARD_POLICY, calendar, timeZone: ZONE };
const FILES = [{ sha256: 'b'.repeat(64), name: '验收记录.pdf' }];

function hazard(deadline: string, level: 'general' | 'major' = 'general'): HazardState {
  return newHazardState({
    id: '7',
    campaignId: 'c',
    site: '某加油站',
    townId: 'leicheng',
    departmentId: 'jiaoyu',
    description: '消防通道被占用',
    level,
    basis: level === 'major' ? '判定标准第三条' : '',
    foundOn: '2022-09-20',
    source: 'inspection',
    measures: '清理通道',
    responsible: '张站长',
    fundsWan: 1,
    deadline,
  });
}
const apply = (state: HazardState, iso: string, event: HazardEvent) => applyHazardEvent(ctx, state, event, at(iso));
const chase = (state: HazardState, deadlineSetAt = at('2022-09-26T10:00:00+08:00'), listings: HazardChaseFacts['listings'] = []): HazardChaseFacts => ({
  state,
  deadlineSetAt,
  listings,
});
const view = (facts: HazardChaseFacts, c: HazardContext = ctx) => hazardLetters(c, facts).map((n) => `${n.kind} ${formatInstant(n.at, ZONE)} ${n.key}`);

describe('the letters a hazard’s record calls for', () => {
  it('reminds before a 时限 on a holiday only on working days and climbs the ladder in working days, keyed by round, 时限, action and day', () => {
    expect(view(chase(hazard('2022-10-03')))).toEqual([
      'reminder 2022-09-28T09:00:00+08:00 r1/2022-10-03/reminder/2022-09-28',
      'reminder 2022-09-30T09:00:00+08:00 r1/2022-10-03/reminder/2022-09-30',
      'urge 2022-10-08T09:00:00+08:00 r1/2022-10-03/urge/2022-10-08',
      'notice 2022-10-10T09:00:00+08:00 r1/2022-10-03/notice/2022-10-10',
      'circulate 2022-10-12T09:00:00+08:00 r1/2022-10-03/circulate/2022-10-12',
      'interview 2022-10-14T09:00:00+08:00 r1/2022-10-03/interview/2022-10-14',
    ]);
  });

  it('keeps the keys when 整改 starts or the text is edited, and makes new ones for a 延期 and for 重新整改', () => {
    const pending = hazard('2022-10-12');
    const started = apply(pending, '2022-09-27T10:00:00+08:00', { kind: 'start' });
    const edited = apply(started, '2022-09-28T10:00:00+08:00', { kind: 'edit', changes: { description: '消防通道被车辆占用' } });
    expect(view(chase(edited))).toEqual(view(chase(pending)));
    const extended = apply(edited, '2022-10-11T16:00:00+08:00', { kind: 'extend', to: '2022-10-20', reason: '采购', approvedBy: '主任' });
    const after = view(chase(extended, at('2022-10-11T16:00:00+08:00')));
    expect(after[0]).toBe('reminder 2022-10-17T09:00:00+08:00 r1/2022-10-20/reminder/2022-10-17');
    expect(after.some((k) => k.includes('2022-10-12/'))).toBe(false);
    const reported = apply(extended, '2022-10-14T10:00:00+08:00', { kind: 'report_done', done: '已清理', files: FILES });
    const failed = apply(reported, '2022-10-19T15:00:00+08:00', { kind: 'accept', by: '李验收', on: '2022-10-19', result: 'fail', opinion: '仍有杂物', files: FILES, newDeadline: '2022-10-28' });
    expect(chaseRound(failed)).toBe(2);
    // the reminders of 10-28 due before the failed 验收 was recorded are not sent
    expect(view(chase(failed, at('2022-10-19T15:00:00+08:00')))[0]).toBe('reminder 2022-10-25T09:00:00+08:00 r2/2022-10-28/reminder/2022-10-25');
  });

  it('chases the 验收 from the report: reminded on its due day, chased the working day after; nothing of the 时限 meanwhile', () => {
    const reported = apply(apply(hazard('2022-10-12'), '2022-09-27T10:00:00+08:00', { kind: 'start' }), '2022-09-29T12:00:00+08:00', {
      kind: 'report_done',
      done: '已清理',
      files: FILES,
    });
    expect(view(chase(reported))).toEqual([
      'acceptance 2022-10-11T09:00:00+08:00 r1/acceptance/2022-10-11/acceptance',
      'acceptance_overdue 2022-10-12T09:00:00+08:00 r1/acceptance/2022-10-11/acceptance_overdue',
    ]);
  });

  it('follows the level’s ladder, a step switched off included', () => {
    const noNotice: HazardContext = { ...ctx, policy: { ...DEFAULT_HAZARD_POLICY, general: { ...DEFAULT_HAZARD_POLICY.general, remindBefore: [1], escalate: { urge: 2, notice: null, circulate: 4, interview: null } } } };
    expect(view(chase(hazard('2022-10-12')), noNotice)).toEqual([
      'reminder 2022-10-11T09:00:00+08:00 r1/2022-10-12/reminder/2022-10-11',
      'urge 2022-10-14T09:00:00+08:00 r1/2022-10-12/urge/2022-10-14',
      'circulate 2022-10-18T09:00:00+08:00 r1/2022-10-12/circulate/2022-10-18',
    ]);
    // 重大: reminded 5, 3, 1 working days before and on the day; 催办 the 1st, 督办 the 2nd, 通报 the 3rd, 约谈 the 5th after
    expect(view(chase(hazard('2022-10-20', 'major'))).map((v) => v.split(' ').slice(0, 2).join(' '))).toEqual([
      'reminder 2022-10-13T09:00:00+08:00',
      'reminder 2022-10-17T09:00:00+08:00',
      'reminder 2022-10-19T09:00:00+08:00',
      'reminder 2022-10-20T09:00:00+08:00',
      'urge 2022-10-21T09:00:00+08:00',
      'notice 2022-10-24T09:00:00+08:00',
      'circulate 2022-10-25T09:00:00+08:00',
      'interview 2022-10-27T09:00:00+08:00',
    ]);
  });

  it('sends the 限期整改指令书 when listed and the 摘牌 notice when taken down, and is over only then', () => {
    let state = apply(hazard('2022-10-20', 'major'), '2022-09-26T11:00:00+08:00', {
      kind: 'plan',
      plan: { measures: '改造', responsibility: '李厂长', fundsWan: 10, deadline: '2022-10-20', contingency: '专人值守' },
    });
    const listing = newListing(ctx, state, { id: '7-1', level: 'city', documentNumber: '雷安委办督〔2022〕3号' }, at('2022-09-27T10:00:00+08:00'));
    const listed = { listing, recordedAt: at('2022-09-27T10:00:00+08:00') };
    const step = nextHazardLetter(ctx, chase(state, undefined, [listed]), []);
    expect(step).toMatchObject({ over: false, next: { kind: 'listing_order', key: 'listing/7-1/listing_order', at: at('2022-09-27T10:00:00+08:00') } });
    state = apply(state, '2022-09-28T10:00:00+08:00', { kind: 'start' });
    state = apply(state, '2022-10-10T10:00:00+08:00', { kind: 'report_done', done: '已改造', files: FILES });
    state = apply(state, '2022-10-12T10:00:00+08:00', { kind: 'accept', by: '陈验收', on: '2022-10-12', result: 'pass', files: FILES });
    // 已销号 but still 挂牌: nothing to send, not over
    expect(nextHazardLetter(ctx, chase(state, undefined, [listed]), ['listing/7-1/listing_order'])).toEqual({ over: false });
    const delisted = { listing: applyListingEvent(ctx, listing, { kind: 'delist', approvedBy: '主任' }, at('2022-10-14T10:00:00+08:00')), recordedAt: listed.recordedAt, delistedAt: at('2022-10-14T10:00:00+08:00') };
    const last = nextHazardLetter(ctx, chase(state, undefined, [delisted]), ['listing/7-1/listing_order']);
    expect(last).toMatchObject({ over: false, next: { kind: 'delisting', key: 'listing/7-1/delisting' } });
    expect(nextHazardLetter(ctx, chase(state, undefined, [delisted]), ['listing/7-1/listing_order', 'listing/7-1/delisting'])).toEqual({ over: true });
    // a listing revoked before its order went out sends nothing
    const revoked = { listing: applyListingEvent(ctx, listing, { kind: 'revoke', reason: '误挂' }, at('2022-09-27T10:01:00+08:00')), recordedAt: listed.recordedAt };
    expect(hazardLetters(ctx, chase(state, undefined, [revoked]))).toEqual([]);
  });

  it('decides at send time on the record as it is then', () => {
    const pending = hazard('2022-10-12');
    const [reminder] = hazardLetters(ctx, chase(pending));
    expect(hazardLetterDecision(ctx, chase(pending), reminder, reminder.at)).toEqual({ send: true });
    // a reminder delayed past its 时限 (an outage) is not sent "by" a past day
    expect(hazardLetterDecision(ctx, chase(pending), reminder, at('2022-10-13T09:00:00+08:00'))).toMatchObject({ send: false });
    // extended in the meantime: the old 时限's letter is no longer called for
    const extended = apply(pending, '2022-10-08T16:00:00+08:00', { kind: 'extend', to: '2022-10-20', reason: '采购', approvedBy: '主任' });
    expect(hazardLetterDecision(ctx, chase(extended, at('2022-10-08T16:00:00+08:00')), reminder, reminder.at)).toMatchObject({ send: false });
    const cancelled = apply(pending, '2022-10-08T16:00:00+08:00', { kind: 'cancel', reason: '重复录入' });
    expect(hazardLetterDecision(ctx, chase(cancelled), reminder, reminder.at)).toMatchObject({ send: false });
    expect(nextHazardLetter(ctx, chase(cancelled), [])).toEqual({ over: true });
  });

  it('finds the 时限 whose 通报 falls at a send time, a holiday 时限 with the working day before it', () => {
    // 一般: 通报 the 5th working day after the 时限; 10-12 09:00 is the 5th after 9-30 and every day to 10-07
    expect(deadlinesCirculatedAt(ctx, 'general', at('2022-10-12T09:00:00+08:00'))).toEqual([
      '2022-09-30',
      '2022-10-01',
      '2022-10-02',
      '2022-10-03',
      '2022-10-04',
      '2022-10-05',
      '2022-10-06',
      '2022-10-07',
    ]);
    // 重大: the 3rd; 10-19 is the 3rd after 10-14 (a Friday) and the weekend after it
    expect(deadlinesCirculatedAt(ctx, 'major', at('2022-10-19T09:00:00+08:00'))).toEqual(['2022-10-14', '2022-10-15', '2022-10-16']);
    // not the send time, or not a working day: none
    expect(deadlinesCirculatedAt(ctx, 'general', at('2022-10-12T10:00:00+08:00'))).toEqual([]);
    expect(deadlinesCirculatedAt(ctx, 'general', at('2022-10-15T09:00:00+08:00'))).toEqual([]);
    // and each of them is due then
    for (const d of deadlinesCirculatedAt(ctx, 'general', at('2022-10-12T09:00:00+08:00')))
      expect(circulationDueAt(ctx, chase(hazard(d), at('2022-09-20T10:00:00+08:00')), at('2022-10-12T09:00:00+08:00'))).toBeDefined();
    expect(circulationDueAt(ctx, chase(hazard('2022-10-08'), at('2022-09-20T10:00:00+08:00')), at('2022-10-12T09:00:00+08:00'))).toBeUndefined();
  });

  it('reads the steps taken for a round and 时限 from the keys sent', () => {
    const keys = ['r1/2022-10-12/urge/2022-10-13', 'r1/2022-10-12/notice/2022-10-17', 'r1/2022-10-20/circulate/2022-10-27', 'r2/2022-10-12/interview/2022-10-21'];
    expect(stepsTakenFor(keys, 1, '2022-10-12')).toEqual(['urge', 'notice']);
    expect(stepsTakenFor(keys, 2, '2022-10-12')).toEqual(['interview']);
  });
});

describe('the words of a hazard’s letters', () => {
  const facts = (f: Partial<HazardLetterFacts>): HazardLetterFacts => ({
    kind: 'urge',
    campaignTitle: '隐患排查整治专项行动',
    office: { name: '雷州市安委办', email: 'office@leizhou.example' },
    hazard: { serial: 12, site: '某加油站', description: '消防通道被占用', level: 'general', basis: '', measures: '清理通道', responsible: '张站长', deadline: '2022-10-12' },
    town: { name: '雷城街道', email: 'leicheng@leizhou.example', principals: [{ name: '周书记', title: '党工委书记', email: 'zhou@leizhou.example' }] },
    department: { name: '市教育局', email: 'jiaoyu@leizhou.example', principals: [{ name: '市教育局主要负责人', email: 'jiaoyu.head@leizhou.example' }] },
    round: 1,
    sentAt: at('2022-10-17T09:00:00+08:00'),
    timeZone: ZONE,
    lateWorkingDays: 3,
    ladder: { urge: 1, notice: 3, circulate: 5, interview: 7 },
    stepsTaken: [],
    allUnits: [],
    basis: [],
    cc: [],
    issuer: { office: '雷州市安委办', committeeSigns: [] },
    ...f,
  });

  it('threatens only the next step the ladder has, and says only the steps taken', () => {
    const noCirculation = renderHazardLetter(facts({ kind: 'notice', ladder: { urge: 1, notice: 3, circulate: null, interview: 7 }, stepsTaken: [], timeLimit: '2022-10-20' }));
    expect(noCirculation.text).toContain('截至2022年10月17日，已逾期3个工作日，仍未报告整改完成。');
    expect(noCirculation.text).not.toContain('经催办');
    expect(noCirculation.text).toContain('逾期仍未完成整改的，将约谈雷城街道和市教育局主要负责人。');
    expect(noCirculation.text).toContain('于2022年10月20日前完成整改并报告');
    expect(noCirculation.cc).toEqual(['zhou@leizhou.example', 'jiaoyu.head@leizhou.example']);
    expect(noCirculation.text).toContain('抄送：雷城街道党工委书记周书记同志，市教育局主要负责人。');
    const last = renderHazardLetter(facts({ kind: 'urge', ladder: { urge: 1, notice: null, circulate: null, interview: null } }));
    expect(last.text).not.toContain('逾期仍未完成整改的');
    expect(renderHazardLetter(facts({ kind: 'circulate', stepsTaken: ['notice'], allUnits: [{ name: '雷城街道', email: 'a@x', type: 'town' }] })).text).toContain('经督办，已逾期3个工作日');
  });

  it('lists every hazard of the day in one 通报 to every unit, each with its own 时限, steps taken and next step', () => {
    const allUnits = [
      { name: '雷城街道', email: 'leicheng@leizhou.example', type: 'town' },
      { name: '市教育局', email: 'jiaoyu@leizhou.example', type: 'department' },
    ];
    const one = facts({ kind: 'circulate', stepsTaken: ['urge', 'notice'], lateWorkingDays: 5, allUnits, documentNumber: '雷安办〔2022〕7号', cc: [{ name: '分管副市长', email: 'fu@x' }] });
    const two = facts({
      kind: 'circulate',
      hazard: { ...one.hazard, serial: 13, site: '某商场', level: 'major', deadline: '2022-10-10' },
      ladder: { urge: 1, notice: 2, circulate: 3, interview: null },
      stepsTaken: ['urge'],
      lateWorkingDays: 3,
      extension: { from: '2022-10-05', to: '2022-10-10', on: '2022-10-01', reason: '停产检修' },
      allUnits,
    });
    const letter = renderHazardCirculation([one, two]);
    expect(letter.subject).toBe('【通报】雷安办〔2022〕7号 关于某加油站等2处隐患逾期未整改的通报');
    expect(letter).toMatchObject({ to: ['leicheng@leizhou.example', 'jiaoyu@leizhou.example'], cc: ['office@leizhou.example', 'fu@x'] });
    expect(letter.text).toContain('1. 某加油站（台账序号12）存在的一般隐患');
    expect(letter.text).toContain('经催办和督办，已逾期5个工作日仍未报告整改完成。逾期仍未完成整改的，将约谈雷城街道和市教育局主要负责人。');
    // the second's ladder has no 约谈: none is threatened for it; its 延期 is told
    expect(letter.text).toContain('2. 某商场（台账序号13）存在的重大隐患');
    expect(letter.text).toContain('整改时限经批准由2022年10月5日延期至2022年10月10日（2022年10月1日批准，理由：停产检修）');
    expect(letter.text).toMatch(/经催办，已逾期3个工作日仍未报告整改完成。\n/);
    expect(renderHazardCirculation([one]).subject).toBe('【通报】雷安办〔2022〕7号 关于某加油站隐患逾期未整改的通报');
  });

  it('names who accepts: the 属地 and 行业主管部门 for a 一般 hazard, the office for a 重大 one', () => {
    expect(acceptorOf('general')).toBe('units');
    expect(acceptorOf('major')).toBe('office');
    const acceptance = { reportedOn: '2022-10-10', done: '已清理', due: '2022-10-17' };
    const general = renderHazardLetter(facts({ kind: 'acceptance', acceptance }));
    expect(general).toMatchObject({ to: ['leicheng@leizhou.example', 'jiaoyu@leizhou.example'], cc: [] });
    const major = renderHazardLetter(facts({ kind: 'acceptance_overdue', acceptance, lateWorkingDays: 1, hazard: { ...facts({}).hazard, level: 'major', basis: '第三条' } }));
    expect(major).toMatchObject({ to: ['office@leizhou.example'], cc: ['leicheng@leizhou.example', 'jiaoyu@leizhou.example'] });
    expect(major.text).toContain('雷州市安委办：');
    expect(major.text).toContain('验收已逾期1个工作日');
  });

  it('carries the listing’s own 文号 on the 限期整改指令书, and the register’s number (or the 摘牌 文号) on the 摘牌 notice', () => {
    const listing = { level: 'county' as const, documentNumber: '雷安委办督〔2022〕3号', listedOn: '2022-09-27', deadline: '2022-10-20' };
    const order = renderHazardLetter(facts({ kind: 'listing_order', documentNumber: '雷安办〔2022〕9号', listing, hazard: { ...facts({}).hazard, level: 'major', basis: '第三条' } }));
    expect(order.letter.documentNumber).toBe('雷安委办督〔2022〕3号');
    expect(order.text).toContain('（判定依据：第三条）');
    expect(order.text).toContain('实行县级挂牌督办');
    const delisting = { ...listing, delisting: { on: '2022-10-28', approvedBy: '主任', documentNumber: '雷安委办〔2022〕15号' }, closedOn: '2022-10-25' };
    expect(renderHazardLetter(facts({ kind: 'delisting', documentNumber: '雷安办〔2022〕9号', listing: delisting })).letter.documentNumber).toBe('雷安委办〔2022〕15号');
    expect(renderHazardLetter(facts({ kind: 'delisting', documentNumber: '雷安办〔2022〕9号', listing: { ...delisting, delisting: { on: '2022-10-28', approvedBy: '主任' } } })).letter.documentNumber).toBe(
      '雷安办〔2022〕9号',
    );
    // a reminder is not numbered
    expect(renderHazardLetter(facts({ kind: 'reminder', documentNumber: '雷安办〔2022〕9号' })).letter.documentNumber).toBeUndefined();
  });
});

describe('the campaign file’s hazards: section', () => {
  const base = readFileSync('examples/leizhou-2022-assessment.yaml', 'utf8');
  const withHazards = (yaml: string) => parseCampaignDefinition(`${base}\n${yaml}`, 'c.yaml');

  it('sets each level’s reminders and ladder over its defaults, and the 验收 working days', () => {
    const def = withHazards('hazards:\n  major: { remindBefore: [10, 5], escalate: { circulate: null } }\n  acceptanceWorkingDays: 3\n');
    expect(def.hazards).toEqual({
      general: DEFAULT_HAZARD_POLICY.general,
      major: { ...DEFAULT_HAZARD_POLICY.major, remindBefore: [10, 5], escalate: { urge: 1, notice: 2, circulate: null, interview: 5 } },
      acceptanceWorkingDays: 3,
      signOff: [], // the campaign's own policy.signOff (this example signs nothing off)
    });
    // 签发 of hazard letters: its own setting, for both levels, over the campaign's
    expect(withHazards('hazards:\n  signOff: [interview]\n').hazards?.signOff).toEqual(['interview']);
    expect(withHazards('hazards:\n  signOff: null\n').hazards?.signOff).toEqual([]);
    // a campaign without it (or launched before it) chases by the defaults
    expect(parseCampaignDefinition(base, 'c.yaml').hazards).toBeUndefined();
    expect(hazardPolicyOf({})).toBe(DEFAULT_HAZARD_POLICY);
  });

  it('refuses what makes no sense for hazards, naming each place', () => {
    let error: unknown;
    try {
      withHazards('hazards:\n  major: { signOff: [circulate], escalate: { notice: 1 } }\n  acceptanceWorkingDays: 0\n  minor: {}\n');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DubanError);
    const details = (error as DubanError).details!.join('\n');
    expect(details).toMatch(/hazards\.minor：未知字段/);
    expect(details).toMatch(/hazards\.major\.signOff：隐患的签发对一般和重大隐患一并设置：请写在 hazards\.signOff/);
    expect(details).toMatch(/hazards\.major\.escalate\.notice：须晚于前一级/);
    expect(details).toMatch(/hazards\.acceptanceWorkingDays：应为 1 到 60 之间的整数/);
  });
});
