// The consolidated 通报 (letters/circulation.ts), rendered from seed 000's facts: pure, no database, no server.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCampaignDefinition } from '../domain/definition';
import { parseInstant } from '../domain/zoned-time';
import { type CirculatedUnit, type CirculationFacts, renderCirculation } from '../letters/circulation';
import { campaignLetters } from '../store/campaigns';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const LEIZHOU = parseCampaignDefinition(readFileSync('examples/leizhou-2022-assessment.yaml', 'utf8'), 'leizhou.yaml');
const REPORT = LEIZHOU.deliverables.find((d) => d.id === 'assessment-report')!;
const OFFICE = '雷州市安全生产委员会办公室';

function entry(unitId: string, over: Partial<CirculatedUnit> = {}): CirculatedUnit {
  const unit = LEIZHOU.units.find((u) => u.id === unitId)!;
  return {
    unitName: unit.name,
    deliverableName: REPORT.name,
    deadline: REPORT.dueFor[unit.id] ?? REPORT.dueFor[unit.type] ?? REPORT.due,
    submitTo: [OFFICE],
    lateWorkingDays: 5,
    stepsTaken: ['urge', 'notice'],
    ladder: REPORT.policy.escalate,
    ...over,
  };
}

function facts(listed: CirculatedUnit[], over: Partial<CirculationFacts> = {}): CirculationFacts {
  const letters = campaignLetters(LEIZHOU, at('2022-10-08T10:00:00'));
  return {
    campaignTitle: LEIZHOU.title,
    office: LEIZHOU.office,
    sentAt: at('2022-10-18T09:02:00'),
    timeZone: ZONE,
    listed,
    allUnits: LEIZHOU.units.map((u) => ({ name: u.name, email: u.email, type: u.type })),
    documentNumber: '雷安办〔2022〕9号',
    basis: letters.basis,
    contact: letters.contact,
    cc: letters.cc,
    issuer: letters.issuer,
    ...over,
  };
}

describe('the consolidated 通报', () => {
  it('lists every late unit with its own deliverable, deadline, days late and steps taken; 主送 all units, 抄送 the leaders', () => {
    const r = renderCirculation(
      facts([entry('jiaoyu'), entry('minzheng', { stepsTaken: ['notice'], lateWorkingDays: 5 }), entry('xincheng', { lateWorkingDays: 4 })]),
    );
    expect(r.subject).toBe('【通报】雷安办〔2022〕9号 关于市教育局等3个单位未按时报送《三年行动总结评估报告及主要工作成果统计表(附件3)》的通报');
    expect(r.letter.mainRecipients).toEqual(['各镇（街道）、各有关单位']);
    expect(new Set(r.to)).toEqual(new Set(LEIZHOU.units.map((u) => u.email)));
    expect(r.cc).toEqual(['anweiban@leizhou.example', 'anweiban@zhanjiang.example', 'fushizhang@leizhou.example']);
    expect(r.text).toContain('（湛安办〔2022〕170号）');
    expect(r.text).toContain('截至2022年10月18日，下列3个单位逾期仍未报送有关材料，现予通报：');
    expect(r.text).toContain('1．市教育局：应于2022年10月11日前将《三年行动总结评估报告及主要工作成果统计表(附件3)》报送雷州市安全生产委员会办公室，经提醒敦促和督办，已逾期5个工作日仍未报送。');
    expect(r.text).toContain('2．市民政局：应于2022年10月11日前将');
    expect(r.text).toContain('，经督办，已逾期5个工作日仍未报送。');
    // a town is due on the 12th, and says so
    expect(r.text).toContain('3．新城街道：应于2022年10月12日前将');
    expect(r.text).toContain('已逾期4个工作日仍未报送。');
    expect(r.text).not.toContain('各单位应于');
    expect(r.text).toContain('请上述单位立即报送。逾期仍未报送的，将约谈有关单位主要负责人。各单位要引以为戒');
    // signed by the committee (通报 is among the steps it signs), with the leaders copied
    expect(r.text).toContain('\n雷州市安全生产委员会\n2022年10月18日\n');
    expect(r.text).toContain('抄送：湛江市安全生产委员会办公室，市政府分管副市长。');
    expect(r.letter.portalUrl).toBeUndefined();
  });

  it('one late unit: titled by its name and its deliverable', () => {
    const r = renderCirculation(facts([entry('jiaoyu')]));
    expect(r.letter.title).toBe('关于市教育局未按时报送《三年行动总结评估报告及主要工作成果统计表(附件3)》的通报');
    expect(r.text).toContain('请市教育局立即报送。逾期仍未报送的，将约谈市教育局主要负责人。');
  });

  it('states an extension or a return as the record has it, and threatens a 约谈 only where the ladder has one', () => {
    const r = renderCirculation(
      facts([
        entry('chengguan', { deadline: '2022-10-20', extended: { on: '2022-10-10', to: '2022-10-20', reason: '国庆假期后集中报送' } }),
        entry('gongdian', { deadline: '2022-10-14', returned: { on: '2022-10-12', to: '2022-10-14', reason: '统计表数据不完整' }, ladder: { ...REPORT.policy.escalate, interview: null } }),
      ]),
    );
    expect(r.text).toContain('市城市管理和综合执法局：《三年行动总结评估报告及主要工作成果统计表(附件3)》的报送期限经批准延期至2022年10月20日，应于2022年10月20日前报送');
    expect(r.text).toContain('雷州供电局：报送的《三年行动总结评估报告及主要工作成果统计表(附件3)》已于2022年10月12日退回修改（退回原因：统计表数据不完整），应于2022年10月14日前修改完善后重新报送');
    expect(r.text).toContain('逾期仍未报送的，将约谈市城市管理和综合执法局主要负责人。');
    expect(r.text).not.toContain('约谈雷州供电局');
  });

  it('several deliverables: titled 有关材料', () => {
    const r = renderCirculation(facts([entry('jiaoyu'), entry('minzheng', { deliverableName: '专项整治工作台账' })]));
    expect(r.letter.title).toBe('关于市教育局等2个单位未按时报送有关材料的通报');
    expect(r.text).toContain('《专项整治工作台账》');
  });
});
