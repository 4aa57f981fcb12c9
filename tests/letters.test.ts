// Every letter kind, rendered from the facts of the two examples (pure: no database, no server), read as a
// clerk would: what each says, and what it must not say because the record does not show it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CampaignDefinition, parseCampaignDefinition, principalsOf } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { ESCALATION_LADDER, type EscalationStep, type NoticeAction } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import { formatDocumentNumber } from '../letters/official';
import { type NoticeFacts, nextEnabledStep, renderNotice } from '../letters/render';
import { campaignLetters } from '../store/campaigns';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const LEIZHOU = parseCampaignDefinition(readFileSync('examples/leizhou-2022-assessment.yaml', 'utf8'), 'leizhou.yaml');
const TAONAN = parseCampaignDefinition(readFileSync('examples/taonan-2022-civil-affairs.yaml', 'utf8'), 'taonan.yaml');

/** The facts sendNotice would gather for `unitId`'s deliverable, with every step before `action` taken. */
function facts(def: CampaignDefinition, unitId: string, deliverableId: string, action: NoticeAction, over: Partial<NoticeFacts> = {}): NoticeFacts {
  const unit = def.units.find((u) => u.id === unitId)!;
  const d = def.deliverables.find((x) => x.id === deliverableId)!;
  const letters = campaignLetters(def, at(`${def.stages[0].start}T09:00:00`));
  const deadline = d.dueFor[unit.id] ?? d.dueFor[unit.type] ?? d.due;
  const steps = ESCALATION_LADDER.filter((s) => d.policy.escalate[s] !== null);
  const before = action === 'reminder' ? [] : steps.slice(0, steps.indexOf(action));
  return {
    action,
    campaignTitle: def.title,
    office: def.office,
    unit: { name: unit.name, email: unit.email, principals: principalsOf(unit) },
    deliverableName: d.name,
    deadline,
    submitTo: [def.office.name],
    sentAt: at('2022-10-20T09:00:00'),
    timeZone: ZONE,
    lateWorkingDays: 5,
    timeLimit: action === 'notice' ? '2022-10-24' : undefined,
    allUnits: def.units.map((u) => ({ name: u.name, email: u.email, type: u.type })),
    portalUrl: 'https://duban.example/u/a.b',
    ladder: d.policy.escalate,
    stepsTaken: before,
    documentNumber: letters.documents && action !== 'reminder' ? formatDocumentNumber(letters.documents.prefix, letters.documents.year, 7) : undefined,
    basis: letters.basis,
    contact: letters.contact,
    cc: letters.cc,
    issuer: letters.issuer,
    ...over,
  };
}

const ALL: NoticeAction[] = ['reminder', 'urge', 'notice', 'circulate', 'interview'];
const TITLE_OF: Record<NoticeAction, RegExp> = {
  reminder: /^关于按时报送《.+》的提醒$/,
  urge: /^关于督促.+报送《.+》的函$/,
  notice: /^关于督促.+限期报送《.+》的督办通知$/,
  circulate: /^关于.+未按时报送《.+》的通报$/,
  interview: /^关于约谈.+主要负责人的通知$/,
};

describe('seed 000 (雷州), the default ladder', () => {
  const render = (action: NoticeAction, over: Partial<NoticeFacts> = {}) => renderNotice(facts(LEIZHOU, 'jiaoyu', 'assessment-report', action, over));

  it.each(ALL)('%s: every part of a 公文, in order', (action) => {
    const r = render(action);
    const { letter, text } = r;
    expect(letter.title).toMatch(TITLE_OF[action]);
    expect(letter.date).toBe('2022-10-20');
    expect(letter.contact).toEqual({ name: '吴智敏', phone: '8669566' });
    expect(letter.body[0]).toMatch(
      /^根据《湛江市安全生产委员会关于开展安全生产专项整治三年行动总结评估工作的通知》（湛安办〔2022〕170号）和《雷州市安全生产专项整治三年行动总结评估工作方案》要求，/,
    );
    const order = [letter.documentNumber ?? letter.title, letter.title, `${letter.mainRecipients.join('、')}：`, letter.issuer, '2022年10月20日', '（联系人：吴智敏，电话：8669566）'];
    let from = 0;
    for (const part of order) {
      const i = text.indexOf(part, from);
      expect(i, `${part} after offset ${from}`).toBeGreaterThanOrEqual(from);
      from = i;
    }
    if (action === 'reminder') {
      expect(letter.documentNumber).toBeUndefined();
      expect(r.subject).toBe('【提醒】雷州市安全生产专项整治三年行动总结评估：《三年行动总结评估报告及主要工作成果统计表(附件3)》请于2022年10月11日前报送');
    } else {
      expect(letter.documentNumber).toBe('雷安办〔2022〕7号');
      expect(text.startsWith('雷安办〔2022〕7号\n\n')).toBe(true);
      expect(r.subject).toBe(`【${r.instrument}】雷安办〔2022〕7号 ${letter.title}`);
    }
    // no salutation names a unit and a person at once, and no person is told of "贵单位主要负责人" in the third person
    expect(text).not.toMatch(/^.+、.+同志：$/m);
  });

  it('a reminder states the deadline and asks; nothing more', () => {
    const r = render('reminder');
    expect(r.letter.body).toEqual([
      '根据《湛江市安全生产委员会关于开展安全生产专项整治三年行动总结评估工作的通知》（湛安办〔2022〕170号）和《雷州市安全生产专项整治三年行动总结评估工作方案》要求，' +
        '贵单位应于2022年10月11日前将《三年行动总结评估报告及主要工作成果统计表(附件3)》报送雷州市安全生产委员会办公室。' +
        '截至目前尚未收到贵单位报送的材料，请按时报送。如已报送，请忽略本提醒。',
    ]);
    expect(r.to).toEqual(['jiaoyu@leizhou.example']);
    expect(r.cc).toEqual([]);
    expect(r.letter.cc).toEqual([]);
    expect(r.letter.issuer).toBe('雷州市安全生产委员会办公室');
  });

  it('an urging letter counts the working days late, to the unit, signed by the office', () => {
    const r = render('urge');
    expect(r.letter.mainRecipients).toEqual(['市教育局']);
    expect(r.text).toContain('截至2022年10月20日，已逾期5个工作日，仍未收到贵单位报送的材料。请高度重视，收函后立即报送。');
    expect(r.letter.issuer).toBe('雷州市安全生产委员会办公室');
    expect(r.to).toEqual(['jiaoyu@leizhou.example']);
  });

  it('a 督办通知: 主送 the unit, copied to its principal, names the steps taken and the next step of the ladder', () => {
    const r = render('notice');
    expect(r.letter.mainRecipients).toEqual(['市教育局']);
    expect(r.to).toEqual(['jiaoyu@leizhou.example']);
    expect(r.cc).toEqual(['jiaoyu.head@leizhou.example']);
    expect(r.letter.cc).toEqual(['市教育局主要负责人']);
    expect(r.text).toContain('经提醒敦促，仍未报送。');
    expect(r.text).toContain('现予督办。请贵单位主要负责人高度重视，于2022年10月24日前完成报送。逾期仍未报送的，将予以通报。');
    expect(r.text).toContain('抄送：市教育局主要负责人。');
    expect(r.letter.issuer).toBe('雷州市安全生产委员会办公室');
  });

  it('a department reporting to a lead department (分别报送相关牵头部门) copies every letter of its own to that department', () => {
    const leads = [{ name: '市应急管理局', email: 'yingji@leizhou.example' }];
    for (const action of ['reminder', 'urge', 'notice', 'interview'] as const) {
      const r = render(action, { leads });
      expect(r.cc, action).toContain('yingji@leizhou.example');
      expect(r.letter.cc, action).toContain('市应急管理局');
      expect(r.text, action).toMatch(/抄送：.*市应急管理局/);
    }
    // the 通报 goes to every unit already: no separate copy
    const circulation = render('circulate', { leads });
    expect(circulation.cc).not.toContain('yingji@leizhou.example');
    // without lead departments nothing is added
    expect(render('urge').cc).toEqual([]);
  });

  it('a 督办通知 after a campaign launched past the urging step does not claim the unit was urged', () => {
    const r = render('notice', { stepsTaken: [] });
    expect(r.text).not.toContain('经提醒敦促');
    expect(r.text).toContain('已逾期5个工作日，仍未报送。');
  });

  it('a 通报: 主送 every unit, the late unit’s own deadline, the steps taken, 抄送 the leaders, signed by the committee', () => {
    const r = render('circulate');
    expect(r.letter.mainRecipients).toEqual(['各镇（街道）、各有关单位']);
    expect(r.text).toContain('市教育局应于2022年10月11日前将《三年行动总结评估报告及主要工作成果统计表(附件3)》报送');
    expect(r.text).not.toContain('各单位应于');
    expect(r.text).toContain('截至2022年10月20日，市教育局经提醒敦促和督办，已逾期5个工作日仍未报送，现予通报。');
    expect(r.text).toContain('逾期仍未报送的，将约谈市教育局主要负责人。');
    expect(r.letter.issuer).toBe('雷州市安全生产委员会');
    expect(r.text).toContain('抄送：湛江市安全生产委员会办公室，市政府分管副市长。');
    expect(new Set(r.to)).toEqual(new Set(LEIZHOU.units.map((u) => u.email)));
    expect(r.cc).toEqual(['anweiban@leizhou.example', 'anweiban@zhanjiang.example', 'fushizhang@leizhou.example']);
    expect(r.letter.portalUrl).toBeUndefined();
  });

  it('a 通报 of a town states the town’s deadline (10月12日), not the departments’', () => {
    const r = renderNotice(facts(LEIZHOU, 'leicheng', 'assessment-report', 'circulate'));
    expect(r.text).toContain('雷城街道应于2022年10月12日前');
    expect(r.text).not.toContain('2022年10月11日');
  });

  it('a 通报 with no earlier step taken says none was', () => {
    const r = render('circulate', { stepsTaken: ['notice'] });
    expect(r.text).toContain('市教育局经督办，已逾期');
    expect(r.text).not.toContain('提醒敦促');
  });

  it('a 约谈通知: to the principal by name, "约谈你", the steps actually taken, 抄送 the unit and the leaders', () => {
    const r = render('interview');
    expect(r.letter.mainRecipients).toEqual(['市教育局主要负责人同志']);
    expect(r.text).toContain('你单位应于2022年10月11日前');
    expect(r.text).toContain('经提醒敦促、督办和通报，仍未报送。');
    expect(r.text).toContain('经研究，雷州市安全生产委员会决定约谈你。');
    // the link's sentence speaks to the persons too: their unit is 你单位, not 贵单位
    expect(r.text).toContain('你单位可通过以下链接在线报送材料或申请延期');
    expect(r.text).not.toContain('贵单位');
    expect(r.text).not.toContain('贵单位主要负责人');
    expect(r.letter.issuer).toBe('雷州市安全生产委员会');
    expect(r.to).toEqual(['jiaoyu.head@leizhou.example']);
    expect(r.cc).toEqual(['jiaoyu@leizhou.example', 'anweiban@leizhou.example', 'anweiban@zhanjiang.example', 'fushizhang@leizhou.example']);
    expect(r.text).toContain('抄送：市教育局，湛江市安全生产委员会办公室，市政府分管副市长。');
  });

  it('a 约谈通知 when no 通报 went out does not say "经…通报"', () => {
    const r = render('interview', { stepsTaken: ['urge', 'notice'] });
    expect(r.text).toContain('经提醒敦促和督办，仍未报送。');
    expect(r.text).not.toContain('通报');
    const none = render('interview', { stepsTaken: [] });
    expect(none.text).not.toMatch(/经(提醒敦促|督办|通报)/);
  });
});

describe('after the office changed the deadline', () => {
  const returned = { on: '2022-10-12', to: '2022-10-14', reason: '统计表数据不完整' };
  const extended = { on: '2022-10-10', to: '2022-10-20', reason: '国庆假期后集中报送' };

  it.each(ALL)('%s after a 退回: the return, its day and reason, the new deadline — never "尚未收到贵单位报送的材料"', (action) => {
    const r = renderNotice(facts(LEIZHOU, 'gongdian', 'assessment-report', action, { deadline: '2022-10-14', returned }));
    const who = action === 'circulate' ? '雷州供电局' : action === 'interview' ? '你单位' : '贵单位';
    expect(r.text).toContain(`${who}报送的《三年行动总结评估报告及主要工作成果统计表(附件3)》已于2022年10月12日退回修改（退回原因：统计表数据不完整），要求于2022年10月14日前修改完善后重新报送`);
    expect(r.text).not.toContain('尚未收到贵单位报送的材料');
    expect(r.text).not.toContain('应于2022年10月11日前');
    if (action === 'urge') expect(r.text).toContain('仍未收到贵单位修改后重新报送的材料');
    if (action === 'reminder') expect(r.text).toContain('如已重新报送，请忽略本提醒。');
  });

  it.each(ALL)('%s after an approved 延期: "经批准延期至", the extended deadline as this unit’s only', (action) => {
    const r = renderNotice(facts(LEIZHOU, 'chengguan', 'assessment-report', action, { deadline: '2022-10-20', extended }));
    const who = action === 'circulate' ? '市城市管理和综合执法局' : action === 'interview' ? '你单位' : '贵单位';
    expect(r.text).toContain(`${who}《三年行动总结评估报告及主要工作成果统计表(附件3)》的报送期限经批准延期至2022年10月20日，应于2022年10月20日前报送`);
    expect(r.text).not.toContain('2022年10月11日');
    expect(r.text).not.toContain('各单位应于');
  });

  it('a return followed by an extension says both', () => {
    const r = renderNotice(
      facts(LEIZHOU, 'gongdian', 'assessment-report', 'urge', { deadline: '2022-10-18', returned, extended: { on: '2022-10-13', to: '2022-10-18', reason: '申请延期' } }),
    );
    expect(r.text).toContain('已于2022年10月12日退回修改（退回原因：统计表数据不完整），后经批准延期至2022年10月18日。');
  });
});

describe('seed 002 (洮南), a ladder without 通报', () => {
  it('the example turns circulate off for 建章立制 and moves the interview to the 10th working day', () => {
    const d = TAONAN.deliverables.find((x) => x.id === 'standing-rules')!;
    expect(d.policy.escalate).toEqual({ urge: 1, notice: 3, circulate: null, interview: 10 });
    expect(nextEnabledStep(d.policy.escalate, 'notice')).toBe('interview');
    expect(nextEnabledStep({ urge: 1, notice: 3, circulate: null, interview: null }, 'notice')).toBeUndefined();
  });

  it('its 督办通知 threatens the 约谈, not a 通报', () => {
    const r = renderNotice(facts(TAONAN, 'fulizhongxin', 'standing-rules', 'notice'));
    expect(r.text).not.toContain('通报');
    expect(r.text).toContain('逾期仍未报送的，将约谈贵单位主要负责人。');
    // no 发文字号: seed 002 gives none, so the campaign numbers nothing
    expect(r.letter.documentNumber).toBeUndefined();
    expect(r.subject).toBe(`【督办通知】${r.letter.title}`);
    expect(r.text).toContain('根据《全市安全生产领域风险隐患问题专项整治工作方案》要求，');
    expect(r.text).not.toContain('（联系人');
    // copied to its principal only: the campaign names no leaders to copy
    expect(r.text).toContain('抄送：市社会福利中心主要负责人赵福利同志。');
  });

  it('its 督办通知 with neither 通报 nor 约谈 enabled threatens nothing', () => {
    const r = renderNotice(facts(TAONAN, 'fulizhongxin', 'standing-rules', 'notice', { ladder: { urge: 1, notice: 3, circulate: null, interview: null } }));
    expect(r.text).not.toMatch(/将予以通报|将约谈/);
    expect(r.text).toContain('现予督办。请贵单位主要负责人高度重视，于2022年10月24日前完成报送。\n');
  });

  it('its 约谈通知 never speaks of a 通报 (none can have been sent), signed by the bureau', () => {
    const r = renderNotice(facts(TAONAN, 'fulizhongxin', 'standing-rules', 'interview'));
    expect(r.text).toContain('经提醒敦促和督办，仍未报送。');
    expect(r.text).not.toContain('通报');
    expect(r.letter.issuer).toBe('洮南市民政局');
    expect(r.text).toContain('经研究，洮南市民政局决定约谈你。');
  });

  it('the other steps are signed by the office; a campaign without issuer has the office sign everything', () => {
    expect(renderNotice(facts(TAONAN, 'fulizhongxin', 'standing-rules', 'notice')).letter.issuer).toBe('洮南市民政局安全生产专项整治工作领导小组办公室');
    const plain = { ...LEIZHOU, letters: undefined };
    for (const action of ALL) expect(renderNotice(facts(plain, 'jiaoyu', 'assessment-report', action)).letter.issuer).toBe('雷州市安全生产委员会办公室');
  });

  it('a town under 党政同责: the 督办通知 is copied to both principals, the 约谈通知 summons both', () => {
    const notice = renderNotice(facts(TAONAN, 'taofu', 'standing-rules', 'notice'));
    expect(notice.letter.mainRecipients).toEqual(['洮府街道']);
    expect(notice.cc).toEqual(['taofu.shuji@taonan.example', 'taofu.head@taonan.example']);
    expect(notice.text).toContain('抄送：洮府街道党工委书记周洮府同志，洮府街道街道办事处主任冯团洮同志。');
    const interview = renderNotice(facts(TAONAN, 'taofu', 'standing-rules', 'interview'));
    expect(interview.letter.mainRecipients).toEqual(['周洮府同志', '冯团洮同志']);
    expect(interview.text).toContain('周洮府同志、冯团洮同志：');
    expect(interview.text).toContain('决定约谈你们。');
    expect(interview.to).toEqual(['taofu.shuji@taonan.example', 'taofu.head@taonan.example']);
    expect(interview.text).not.toContain('贵单位主要负责人');
  });

  it('a 通报 of a campaign of departments and towns is addressed to both', () => {
    expect(renderNotice(facts(TAONAN, 'wanbao', 'assessment-report', 'circulate')).letter.mainRecipients).toEqual(['各镇（街道）、各有关单位']);
  });
});

describe('a campaign without any of the 公文 settings (launched before them)', () => {
  it('cites its own title, prints no number, contact or 抄送', () => {
    const plain = { ...LEIZHOU, letters: undefined };
    const r = renderNotice(facts(plain, 'jiaoyu', 'assessment-report', 'circulate'));
    expect(r.text).toContain('根据雷州市安全生产专项整治三年行动总结评估工作安排，');
    expect(r.letter.documentNumber).toBeUndefined();
    expect(r.text).not.toMatch(/联系人|抄送|〔/);
  });
});

describe('a waived obligation', () => {
  it('gets no letter: the decision drops every notice of it', async () => {
    const { noticeDecision } = await import('../domain/policy');
    const ctx = { policy: LEIZHOU.policy, calendar: { holidays: [], workdays: [], knownYears: [] }, timeZone: ZONE };
    const notice = { key: 'k', action: 'interview' as const, at: at('2022-10-20T09:00:00'), deadline: '2022-10-11', reason: 'r' };
    expect(noticeDecision(ctx, { status: 'waived', deadline: '2022-10-11' }, notice, notice.at)).toEqual({ send: false, reason: 'obligation is waived' });
  });
});

describe('the campaign file', () => {
  const header = (extra: string) =>
    `campaign:\n  id: c\n  title: t\n  office: { name: 某某安委办, email: o@b.example }\n${extra}` +
    'units:\n  - { id: u, name: 甲镇, type: town, email: u@b.example, principal: { name: 乙, email: p@b.example } }\n' +
    'stages:\n  - { id: s, name: s, start: 2022-10-08, end: 2022-10-12 }\ndeliverables:\n  - { id: d, name: d, stage: s, owedBy: [town] }\n';
  const issues = (text: string) => {
    try {
      parseCampaignDefinition(text, 'x.yaml');
      return [];
    } catch (err) {
      return (err as DubanError).details ?? [];
    }
  };

  it('reads documents, one basis or a list, contact, cc and issuer; the year defaults to the launch year', () => {
    const def = parseCampaignDefinition(
      header('  documents: { prefix: 某安办 }\n  basis: { title: 关于开展某某的通知, number: 某安办〔2022〕1号 }\n  contact: { name: 张三, phone: 0759-8888888 }\n  cc: [{ name: 市政府分管副市长, email: f@b.example }]\n  issuer: { committee: 某某安委会 }\n'),
      'x.yaml',
    );
    expect(def.letters).toEqual({
      documents: { prefix: '某安办', year: undefined, from: 1 },
      basis: [{ title: '关于开展某某的通知', number: '某安办〔2022〕1号' }],
      contact: { name: '张三', phone: '0759-8888888' },
      cc: [{ name: '市政府分管副市长', email: 'f@b.example' }],
      issuer: { committee: '某某安委会', committeeSigns: ['circulate', 'interview'] },
    });
    const letters = campaignLetters(def, at('2023-01-03T09:00:00'));
    expect(letters.documents).toEqual({ prefix: '某安办', year: 2023, from: 1 });
    expect(letters.issuer).toEqual({ office: '某某安委办', committee: '某某安委会', committeeSigns: ['circulate', 'interview'] });
    expect(campaignLetters(parseCampaignDefinition(header('  documents: { prefix: 某安办, year: 2022, from: 171 }\n'), 'x.yaml'), at('2023-01-03T09:00:00')).documents).toEqual({
      prefix: '某安办',
      year: 2022,
      from: 171,
    });
  });

  it('refuses what would print wrongly, by field', () => {
    const found = issues(
      header(
        '  documents: { prefix: "某安办〔2022〕", year: 22 }\n  basis: [{ title: 《某某通知》 }, { number: 1号 }]\n  contact: { name: 张三 }\n  cc: [{ name: 某领导 }]\n  issuer: { committeeSigns: [notice, reminder] }\n',
      ),
    ).join('\n');
    for (const field of [
      'campaign.documents.prefix',
      'campaign.documents.year',
      'campaign.basis[0].title',
      'campaign.basis[1].title',
      'campaign.contact.phone',
      'campaign.cc[0].email',
      'campaign.issuer.committeeSigns[1]',
      'campaign.issuer.committeeSigns',
    ])
      expect(found).toContain(`：${field}：`);
  });

  it('takes several principals (or one), never both forms', () => {
    const taofu = TAONAN.units.find((u) => u.id === 'taofu')!;
    expect(principalsOf(taofu)).toEqual([
      { name: '周洮府', title: '党工委书记', email: 'taofu.shuji@taonan.example' },
      { name: '冯团洮', title: '街道办事处主任', email: 'taofu.head@taonan.example' },
    ]);
    expect(taofu.principal).toEqual({ name: '周洮府', email: 'taofu.shuji@taonan.example' });
    const jiaoyu = LEIZHOU.units.find((u) => u.id === 'jiaoyu')!;
    expect(jiaoyu.principals).toBeUndefined();
    expect(principalsOf(jiaoyu)).toEqual([{ name: '市教育局主要负责人', email: 'jiaoyu.head@leizhou.example' }]);
    const both = header('').replace('principal: { name: 乙, email: p@b.example }', 'principal: { name: 乙, email: p@b.example }, principals: [{ name: 丙, email: q@b.example }]');
    expect(issues(both).join('\n')).toContain('units[0].principals：只能填写 principal（一位主要负责人）或 principals（多位）之一');
    const none = header('').replace('principal: { name: 乙, email: p@b.example }', 'principals: []');
    expect(issues(none).join('\n')).toContain('units[0].principals：至少需要一位主要负责人');
  });
});

describe('发文字号', () => {
  it('is 机关代字〔年份〕序号号', () => {
    expect(formatDocumentNumber('雷安办', 2022, 3)).toBe('雷安办〔2022〕3号');
  });

  it.each(['urge', 'notice', 'circulate', 'interview'] as EscalationStep[])('%s carries it in its subject and first line', (action) => {
    const r = renderNotice(facts(LEIZHOU, 'jiaoyu', 'assessment-report', action, { documentNumber: '雷安办〔2022〕12号' }));
    expect(r.subject).toContain('雷安办〔2022〕12号 ');
    expect(r.text.split('\n')[0]).toBe('雷安办〔2022〕12号');
  });
});
