// 报送情况通报 as a letter: the figures and the ranking of each group (pure).
import { describe, expect, it } from 'vitest';
import { officialLetterText } from '../letters/official';
import { type ProgressEntry, rankProgress, renderProgressReport } from '../letters/progress-report';

const entries: ProgressEntry[] = [
  { unitName: '甲镇', deliverableName: '排查报告', due: '2022-10-12', state: 'on_time', submittedOn: '2022-10-11', lateWorkingDays: 0 },
  { unitName: '乙镇', deliverableName: '排查报告', due: '2022-10-12', state: 'on_time', submittedOn: '2022-10-09', lateWorkingDays: 0 },
  { unitName: '丙局', deliverableName: '排查报告', due: '2022-10-11', state: 'late', submittedOn: '2022-10-14', lateWorkingDays: 3 },
  { unitName: '丁局', deliverableName: '排查报告', due: '2022-10-11', state: 'late', submittedOn: '2022-10-12', lateWorkingDays: 1 },
  { unitName: '戊局', deliverableName: '排查报告', due: '2022-10-11', state: 'outstanding', lateWorkingDays: 2 },
  { unitName: '己局', deliverableName: '排查报告', due: '2022-10-10', state: 'outstanding', lateWorkingDays: 5 },
  { unitName: '庚镇', deliverableName: '整改台账', due: '2022-10-30', state: 'outstanding', lateWorkingDays: 0 },
];

const facts = {
  campaignTitle: '城镇燃气安全专项排查',
  asOf: '2022-10-17',
  entries,
  allUnits: [
    { name: '甲镇', email: 'a@x.example', type: 'town' },
    { name: '丙局', email: 'c@x.example', type: 'department' },
  ],
  basis: [{ title: '关于开展城镇燃气安全专项排查的通知', number: '县安办〔2022〕8号' }],
  contact: { name: '张三', phone: '0759-8888888' },
  cc: [{ name: '县政府分管副县长', email: 'fu@x.example' }],
  issuer: '县安全生产委员会办公室',
};

describe('报送情况通报', () => {
  it('ranks each group: on time by submission day, late by fewest days, overdue by most, not yet due by deadline', () => {
    const r = rankProgress(entries);
    expect(r.onTime.map((e) => e.unitName)).toEqual(['乙镇', '甲镇']);
    expect(r.late.map((e) => e.unitName)).toEqual(['丁局', '丙局']);
    expect(r.overdue.map((e) => e.unitName)).toEqual(['己局', '戊局']);
    expect(r.notYetDue.map((e) => e.unitName)).toEqual(['庚镇']);
  });

  it('says the totals and lists every unit in its group, as a 公文 dated the day it speaks of', () => {
    const letter = renderProgressReport(facts);
    const text = officialLetterText(letter);
    expect(letter.title).toBe('关于城镇燃气安全专项排查材料报送情况的通报');
    expect(letter.mainRecipients).toEqual(['各镇（街道）、各有关单位']);
    expect(letter.date).toBe('2022-10-17');
    expect(letter.body[0]).toBe('根据《关于开展城镇燃气安全专项排查的通知》（县安办〔2022〕8号）要求，现将截至2022年10月17日城镇燃气安全专项排查各单位材料报送情况通报如下：');
    expect(text).toContain('一、总体情况。应报送7项，已报送4项（其中按时报送2项，逾期报送2项），尚未报送3项（其中已逾期2项）。');
    expect(text).toContain('二、按时报送（2项）：乙镇（《排查报告》）2022年10月9日报送；甲镇（《排查报告》）2022年10月11日报送。');
    expect(text).toContain('三、逾期报送（2项）：丁局（《排查报告》）逾期1个工作日报送；丙局（《排查报告》）逾期3个工作日报送。');
    expect(text).toContain('四、逾期未报送（2项）：己局（《排查报告》）截止2022年10月10日，已逾期5个工作日；戊局（《排查报告》）截止2022年10月11日，已逾期2个工作日。');
    expect(text).toContain('五、尚未到期（1项）：庚镇（《整改台账》）截止2022年10月30日。');
    expect(text).toContain('请逾期未报送的单位立即报送');
    expect(text).toContain('抄送：县政府分管副县长。');
    expect(text).toContain('（联系人：张三，电话：0759-8888888）');
  });

  it('says 无 for an empty group and does not ask the overdue to report when none is', () => {
    const text = officialLetterText(renderProgressReport({ ...facts, entries: entries.filter((e) => e.state === 'on_time') }));
    expect(text).toContain('三、逾期报送：无。');
    expect(text).toContain('四、逾期未报送：无。');
    expect(text).not.toContain('请逾期未报送的单位立即报送');
  });
});
