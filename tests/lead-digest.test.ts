// Each lead department's list of its departments not yet in (分别报送相关牵头部门和市安委办), the working day after their
// deadline: seed 000 on the real time-skipping server with real SMTP delivery, on SQLite and PostgreSQL — one letter
// per lead department on the right day naming exactly its late departments; a department that submitted, was waived
// or has an extension not yet past is not among the late; a National Day holiday after the deadline moves the list to
// the next working day (a 调休 Saturday); a finished activity run again, or an SMTP refusal, never sends a second.
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeadDigestActivities } from '../activities/lead-digest';
import { compileCampaign } from '../domain/compile';
import { leadDigestKey, leadDigests } from '../domain/lead-digest';
import { planCampaign } from '../domain/plan';
import { formatInstant, parseInstant } from '../domain/zoned-time';
import { renderLeadDigest } from '../letters/lead-digest';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { type Mailer, createMailer } from '../mail/mailer';
import { actOnObligation } from '../operations/actions';
import { campaignHistory } from '../operations/history';
import { obligationDetail } from '../operations/obligation-detail';
import { readDefinitionFile } from '../operations/definition-file';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import { withoutRehearsalMarks } from '../rehearsal/rehearsal-mail';
import { sentNotices } from '../rehearsal/simulate';
import { type LeadDigestInput, type LeadDigestResult, leadDigestWorkflowId, unitMessageKey } from '../shared/contract';
import { storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { claimUnitMessage } from '../store/unit-messages';
import { TEST_DATABASES, type TestDatabase, freshDatabase } from './support/databases';

const FILE = 'examples/leizhou-2022-assessment.yaml';
const CAMPAIGN = 'leizhou-2022-assessment';
const HOLIDAY = 'leizhou-2022-national-day';
const DELIVERABLE = 'assessment-report';
const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const ITEM = '《三年行动总结评估报告及主要工作成果统计表(附件3)》';

// The same campaign with the departments due on Friday 2022-09-30: 10-01 to 10-07 are the National Day holiday and
// Saturday 10-08 a 调休 working day, so their lead departments hear on 10-08.
const dir = mkdtempSync(join(tmpdir(), 'duban-lead-digest-'));
const HOLIDAY_FILE = join(dir, 'leizhou-national-day.yaml');
writeFileSync(
  HOLIDAY_FILE,
  readFileSync(FILE, 'utf8')
    .replace(`id: ${CAMPAIGN}`, `id: ${HOLIDAY}`)
    .replace('start: 2022-10-08', 'start: 2022-09-26')
    .replace('department: 2022-10-11', 'department: 2022-09-30'),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEST_DATABASES)('on %s', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;
  const act = (campaignId: string, unitId: string, event: Parameters<typeof actOnObligation>[1]['event']) =>
    actOnObligation({ client: r.env.client, db: r.db, searchAttributes: true }, { campaignId, unitId, deliverableId: DELIVERABLE, event, actor: 'wu' });
  const digestsOf = (campaignId: string) =>
    r
      .catcher!.messages()
      .filter((m) => m.headers['x-duban-action'] === 'lead-digest' && m.headers['x-duban-key'].startsWith(`${campaignId}/`))
      .map((m) => ({ ...withoutRehearsalMarks(m), to: m.to, cc: m.cc, key: m.headers['x-duban-key'] }));
  const digestTo = (campaignId: string, lead: string) => {
    const found = digestsOf(campaignId).filter((m) => m.key.startsWith(`${campaignId}/${lead}/`));
    expect(found).toHaveLength(1);
    return found[0];
  };
  /** The numbered lines under 逾期未报送, as `name：…`. */
  const lateLines = (text: string) => text.split('\n').filter((l) => /^　　\d+．/.test(l)).map((l) => l.replace(/^　　\d+．/, ''));

  // The national-day variant launches on 09-26 and its departments never submit; the seed launches on 10-08 at 10:00:
  // 市城市管理和综合执法局 is given until 10-20, 市教育局 and 市公安局 submit on 10-11, 市市场监督管理局 submitted on 10-10 and is
  // returned on 10-11 to be resubmitted by 10-11, 市民政局 is waived, 市公安局交警大队 submits at 08:30 on 10-12 (before
  // the list goes); nobody else acts. The clock runs to 10-25.
  beforeAll(async () => {
    database = await freshDatabase(kind);
    r = await startRehearsal({ databaseUrl: database.url });
    await r.launch(HOLIDAY_FILE, at('2022-09-26T10:00:00+08:00'));
    await r.advanceTo(at('2022-10-08T10:00:00+08:00'));
    await r.launch(FILE, at('2022-10-08T10:00:00+08:00'));
    await r.advanceTo(at('2022-10-10T15:00:00+08:00'));
    await act(CAMPAIGN, 'shijian', { kind: 'submit' });
    await r.advanceTo(at('2022-10-10T16:00:00+08:00'));
    await act(CAMPAIGN, 'chengguan', { kind: 'extend', to: '2022-10-20', reason: '国庆假期后集中报送' });
    await r.advanceTo(at('2022-10-11T10:00:00+08:00'));
    await act(CAMPAIGN, 'shijian', { kind: 'return', to: '2022-10-11', reason: '缺少附件3' });
    await act(CAMPAIGN, 'minzheng', { kind: 'waive', reason: '不涉及专项整治任务' });
    await r.advanceTo(at('2022-10-11T15:00:00+08:00'));
    await act(CAMPAIGN, 'jiaoyu', { kind: 'submit' });
    await act(CAMPAIGN, 'gongan', { kind: 'submit' });
    await r.advanceTo(at('2022-10-12T08:30:00+08:00'));
    await act(CAMPAIGN, 'jiaojing', { kind: 'submit' });
    await r.advanceTo(at('2022-10-25T00:00:00+08:00'));
  });
  afterAll(async () => {
    await r?.close();
    await database?.drop();
  });

  it('sends each lead department with departments exactly one list, on the working day after their deadline', async () => {
    const digests = digestsOf(CAMPAIGN);
    // 市生态环境分局 has no department reporting to it: it gets none
    expect(digests.map((m) => m.to[0]).sort()).toEqual(['jiaotong', 'nongye', 'xiaofang', 'yingji', 'zhujian'].map((u) => `${u}@leizhou.example`));
    for (const m of digests) {
      expect(m.key).toMatch(new RegExp(`^${CAMPAIGN}/(\\w+)/${DELIVERABLE}/message/lead-digest/2022-10-11/2022-10-12/0900$`));
      expect(m.cc).toEqual(['anweiban@leizhou.example']);
      expect(m.text).toContain('\n雷州市安全生产委员会办公室\n2022年10月12日\n');
      expect(m.text).toContain('截至2022年10月12日9时2分，报送情况如下：');
      expect(m.text).toContain('（湛安办〔2022〕170号）');
      expect(m.text).toContain('（联系人：吴智敏，电话：8669566）');
    }
    // the record: one sent row per list, sent 2 minutes after 09:00 on the campaign's clock, and its audit event
    const rows = await r.db.unitMessage.findMany({ where: { campaignId: CAMPAIGN, kind: 'lead-digest' } });
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row.status).toBe('sent');
      expect(formatInstant(row.sentAt!.getTime(), ZONE).slice(0, 16)).toBe('2022-10-12T09:02');
    }
    const audit = await r.db.auditEvent.findMany({ where: { campaignId: CAMPAIGN, kind: 'unit.told' } });
    const told = audit.filter((a) => JSON.parse(a.detail).decision === 'lead-digest');
    expect(told.map((a) => a.unitId).sort()).toEqual(['jiaotong', 'nongye', 'xiaofang', 'yingji', 'zhujian']);
    // one workflow per list, finished
    const handle = r.env.client.workflow.getHandle(leadDigestWorkflowId({ campaignId: CAMPAIGN, leadId: 'yingji', deliverableId: DELIVERABLE, deadline: '2022-10-11' }));
    expect(((await handle.result()) as LeadDigestResult).late.sort()).toEqual(['gongdian', 'shijian']);
  });

  it('names exactly the late departments of each lead department, with their deadline, days late and step', async () => {
    const yingji = digestTo(CAMPAIGN, 'yingji');
    expect(yingji.subject).toBe(`【报送情况函】关于有关部门向市应急管理局报送${ITEM}情况的函（2个部门逾期未报送）`);
    expect(lateLines(yingji.text)).toEqual([
      '雷州供电局：应于2022年10月11日前报送，已逾期1个工作日，本办已发提醒敦促函。',
      '市市场监督管理局：报送的材料已于2022年10月11日退回修改（退回原因：缺少附件3），应于2022年10月11日前重新报送，已逾期1个工作日，本办已发提醒敦促函。',
    ]);
    expect(yingji.text).toContain('应向贵单位报送《三年行动总结评估报告及主要工作成果统计表(附件3)》的有关部门共4个，报送期限为2022年10月11日，并同时报送雷州市安全生产委员会办公室。');
    expect(yingji.text).toContain('二、已报送（1个）：市教育局。');
    expect(yingji.text).toContain('三、免报（1个）：市民政局。');
    // the lead department's own report is due the next day
    expect(yingji.text).toContain(`请贵单位督促上述逾期部门立即报送，并及时汇总已收到的材料。贵单位${ITEM}应于2022年10月12日前报送雷州市安全生产委员会办公室。`);

    // an extension not yet past: not among the late, but the lead department hears of it
    const zhujian = digestTo(CAMPAIGN, 'zhujian');
    expect(lateLines(zhujian.text)).toEqual(['市自然资源局：应于2022年10月11日前报送，已逾期1个工作日，本办已发提醒敦促函。']);
    expect(zhujian.text).toContain('二、尚未报送、未到期（1个）：市城市管理和综合执法局（报送期限经批准延期至2022年10月20日）。');

    for (const [lead, late] of [
      ['nongye', ['市水务局', '市供销社']],
      ['xiaofang', ['市文化广电旅游体育局', '市卫生健康局']],
    ] as const) {
      const m = digestTo(CAMPAIGN, lead);
      expect(lateLines(m.text).map((l) => l.split('：')[0]).sort()).toEqual([...late].sort());
      expect(m.text).not.toContain('已报送（');
    }
  });

  it('tells a lead department whose departments are all in, including one that submitted on the morning of the list', async () => {
    const jiaotong = digestTo(CAMPAIGN, 'jiaotong');
    expect(jiaotong.subject).toContain('（均已报送）');
    expect(lateLines(jiaotong.text)).toEqual([]);
    expect(jiaotong.text).toContain('一、已报送（2个）：市公安局、市公安局交警大队。');
    expect(jiaotong.text).toContain('应向贵单位报送的部门均已报送，请贵单位及时汇总。');
    expect(jiaotong.text).not.toContain('逾期');
  });

  it('moves the list past a holiday to the next working day', async () => {
    const digests = digestsOf(HOLIDAY);
    expect(digests).toHaveLength(5);
    for (const m of digests) {
      expect(m.key).toMatch(/\/lead-digest\/2022-09-30\/2022-10-08\/0900$/);
      expect(m.text).toContain('\n雷州市安全生产委员会办公室\n2022年10月8日\n');
      expect(m.text).toContain('报送期限为2022年9月30日');
      // Friday 09-30 to Saturday 10-08, a 调休 working day: one working day late
      for (const line of lateLines(m.text)) expect(line).toContain('应于2022年9月30日前报送，已逾期1个工作日');
    }
    expect(lateLines(digestTo(HOLIDAY, 'yingji').text)).toHaveLength(4);
    const rows = await r.db.unitMessage.findMany({ where: { campaignId: HOLIDAY, kind: 'lead-digest' } });
    expect(rows.map((row) => formatInstant(row.sentAt!.getTime(), ZONE).slice(0, 16))).toEqual(Array(5).fill('2022-10-08T09:02'));
  });

  it('starts nothing and sends nothing more when the lists are started again', async () => {
    const mailer = createMailer(r.catcher!.smtpUrl);
    const activities = createLeadDigestActivities({ db: r.db, mailer, client: r.env.client, taskQueue: r.taskQueue, searchAttributes: true });
    const before = digestsOf(CAMPAIGN).length;
    expect(await new MockActivityEnvironment().run(activities.startLeadDigestWorkflows, CAMPAIGN)).toBe(0);
    mailer.close();
    await r.advanceTo(at('2022-10-26T00:00:00+08:00'));
    expect(digestsOf(CAMPAIGN)).toHaveLength(before);
  });

  it('is what plan lists, and history and the lead department’s record show it', async () => {
    const compiled = compileCampaign(readDefinitionFile(FILE).def, at('2022-10-08T10:00:00+08:00'));
    const planned = planCampaign(compiled).filter((p) => p.action === 'lead-digest');
    const sent = (await sentNotices(r, CAMPAIGN, ZONE)).filter((p) => p.action === 'lead-digest');
    expect(sent).toEqual(planned);
    expect(planned.map((p) => p.at)).toEqual(Array(5).fill('2022-10-12T09:00:00+08:00'));

    const { entries, warnings } = await campaignHistory({ db: r.db, client: r.env.client }, { campaignId: CAMPAIGN, unitId: 'yingji' });
    const line = entries.find((e) => e.source === 'duban' && e.kind === 'unit.told');
    expect(line?.summary).toContain(`发送报送情况函：【报送情况函】关于有关部门向市应急管理局报送${ITEM}情况的函`);
    // and the Temporal events of the list's workflow, beside those of the department's own obligation
    const workflow = entries.filter((e) => e.source === 'temporal' && e.unit === 'yingji').map((e) => e.summary);
    expect(workflow).toContain('安排执行：发送报送情况函');
    expect(warnings).toEqual([]);
    const detail = await obligationDetail(r.db, CAMPAIGN, 'yingji', DELIVERABLE);
    const item = detail.timeline.find((t) => t.kind === 'unit.told');
    expect(item?.letter).toMatchObject({ action: 'lead-digest', recipients: ['yingji@leizhou.example'] });
    expect(item?.letter?.reason).toContain('告知牵头部门应向其报送的有关部门的报送情况');
  });
});

describe.each(TEST_DATABASES)('sendLeadDigest on %s', (kind) => {
  let db: Db;
  let catcher: MailCatcher;
  let mailer: Mailer;
  let database: TestDatabase;
  let digests: ReturnType<typeof createLeadDigestActivities>;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    catcher = await startMailCatcher();
    mailer = createMailer(catcher.smtpUrl);
    // the client is never used by sendLeadDigest
    digests = createLeadDigestActivities({ db, mailer, client: {} as never, taskQueue: 'unused', searchAttributes: false });
    const { def, yamlText } = readDefinitionFile(FILE);
    const compiled = compileCampaign(def, at('2022-10-08T10:00:00+08:00'));
    // a clock offset: the activity reads its attempt's scheduled time as the campaign's, as in a rehearsal
    await storeCampaign(db, { compiled, yamlText, sourceFile: FILE, actor: 'test', clockOffsetMs: 1 });
  });
  afterAll(async () => {
    mailer?.close();
    await catcher?.close();
    await db?.$disconnect();
    await database?.drop();
  });

  const input = (leadId: string): LeadDigestInput => ({ campaignId: CAMPAIGN, leadId, deliverableId: DELIVERABLE, deadline: '2022-10-11', at: at('2022-10-12T09:00:00+08:00'), clockOffsetMs: 1 });
  const run = (i: LeadDigestInput) =>
    new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: at('2022-10-12T09:02:00+08:00') - 1 }).run(digests.sendLeadDigest, i) as Promise<LeadDigestResult>;
  const messageKey = (i: LeadDigestInput) => unitMessageKey({ campaignId: CAMPAIGN, unitId: i.leadId, deliverableId: DELIVERABLE, key: leadDigestKey(i, ZONE) });
  const caught = (i: LeadDigestInput) => catcher.messages().filter((m) => m.headers['x-duban-key'] === messageKey(i));

  it('sends nothing the second time when a finished activity runs again', async () => {
    const i = input('yingji');
    const first = await run(i);
    expect(first).toMatchObject({ messageKey: messageKey(i), outcome: 'sent' });
    expect(first.late.sort()).toEqual(['gongdian', 'jiaoyu', 'minzheng', 'shijian']);
    expect(await run(i)).toEqual({ messageKey: messageKey(i), outcome: 'already-sent', late: [] });
    expect(caught(i)).toHaveLength(1);
    expect(await db.unitMessage.findUniqueOrThrow({ where: { messageKey: messageKey(i) } })).toMatchObject({ status: 'sent', attempts: 1, kind: 'lead-digest', unitId: 'yingji' });
    expect(await db.auditEvent.count({ where: { eventKey: messageKey(i) } })).toBe(1);
    // a list is no notice: the lead department's obligation is untouched
    expect(await db.obligation.findUniqueOrThrow({ where: { campaignId_unitId_deliverableId: { campaignId: CAMPAIGN, unitId: 'yingji', deliverableId: DELIVERABLE } } })).toMatchObject({
      escalation: 'none',
      status: 'open',
    });
    expect(await db.notice.count()).toBe(0);
  });

  it('sends once when the SMTP server refuses and then accepts', async () => {
    const i = input('nongye');
    catcher.failNext(1);
    await expect(run(i)).rejects.toThrow(/451|temporary/);
    expect(caught(i)).toHaveLength(0);
    expect((await run(i)).outcome).toBe('sent');
    expect((await run(i)).outcome).toBe('already-sent');
    const [mail, ...more] = caught(i);
    expect(more).toEqual([]);
    expect(mail.to).toEqual(['nongye@leizhou.example']);
    expect(mail.text).toContain('一、逾期未报送（2个）：');
    expect(await db.unitMessage.findUniqueOrThrow({ where: { messageKey: messageKey(i) } })).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('does not send while another attempt holds the claim, and sends once its lease has lapsed', async () => {
    const i = input('xiaofang');
    const letter = { to: ['x@example'], cc: [], subject: 's', text: 't', messageId: '<m@duban>' };
    const key = leadDigestKey(i, ZONE);
    await claimUnitMessage(db, { messageKey: messageKey(i), key, campaignId: CAMPAIGN, unitId: 'xiaofang', deliverableId: DELIVERABLE, kind: 'lead-digest', letter }, { leaseMs: 60_000, renewMs: 20_000 });
    const held = await run(i).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(held).toBeInstanceOf(ApplicationFailure);
    expect((held as ApplicationFailure).type).toBe('UNIT_MESSAGE_CLAIMED');
    expect((held as ApplicationFailure).nextRetryDelay).toBeTruthy();
    expect(caught(i)).toHaveLength(0);
    await db.unitMessage.update({ where: { messageKey: messageKey(i) }, data: { leaseUntil: new Date(Date.now() - 1) } }); // the holder died
    expect((await run(i)).outcome).toBe('sent');
    expect(caught(i)).toHaveLength(1);
    expect(await db.unitMessage.findUniqueOrThrow({ where: { messageKey: messageKey(i) } })).toMatchObject({ status: 'sent', attempts: 2, subject: caught(i)[0].subject });
  });

  it('refuses a list for a lead department no unit reports to, sending nothing', async () => {
    await expect(run(input('shengtai'))).rejects.toThrow(/no unit of leizhou-2022-assessment owes assessment-report to shengtai/);
    expect(caught(input('shengtai'))).toHaveLength(0);
  });
});

describe('the lists of a campaign', () => {
  const { def } = readDefinitionFile(FILE);
  const compiled = compileCampaign(def, at('2022-10-08T10:00:00+08:00'));
  const campaign = {
    units: def.units,
    obligations: compiled.obligations,
    deliverables: new Map(def.deliverables.map((d) => [d.id, d])),
    calendar: compiled.calendar,
    timeZone: ZONE,
    launchAt: compiled.launchAt,
  };

  it('groups the departments by lead department, and none goes before the launch', () => {
    expect(leadDigests(campaign).map((d) => `${d.leadId} ${d.deadline} ${formatInstant(d.at, ZONE)} ${d.reporters.join(',')}`)).toEqual([
      'jiaotong 2022-10-11 2022-10-12T09:00:00+08:00 gongan,jiaojing',
      'nongye 2022-10-11 2022-10-12T09:00:00+08:00 gongxiao,shuiwu',
      'xiaofang 2022-10-11 2022-10-12T09:00:00+08:00 weijian,wenlv',
      'yingji 2022-10-11 2022-10-12T09:00:00+08:00 gongdian,jiaoyu,minzheng,shijian',
      'zhujian 2022-10-11 2022-10-12T09:00:00+08:00 chengguan,ziranziyuan',
    ]);
    expect(leadDigests({ ...campaign, launchAt: at('2022-10-12T09:00:01+08:00') })).toEqual([]);
    // a deliverable submitted to the office only has none
    const officeOnly = new Map(def.deliverables.map((d) => [d.id, { ...d, submitTo: ['office' as const] }]));
    expect(leadDigests({ ...campaign, deliverables: officeOnly })).toEqual([]);
  });

  it('states a late unit\'s extension or return as the record has it', () => {
    const base = {
      campaignTitle: def.title,
      office: { name: '雷州市安全生产委员会办公室', email: 'anweiban@leizhou.example' },
      lead: { name: '市应急管理局', email: 'yingji@leizhou.example' },
      deliverableName: '评估报告',
      deadline: '2022-10-11',
      sentAt: at('2022-10-14T09:02:00+08:00'),
      timeZone: ZONE,
      notYetDue: [],
      submitted: [],
      waived: [],
      alsoToOffice: true,
      noun: '部门' as const,
      basis: [],
      issuer: '雷州市安全生产委员会办公室',
    };
    const extended = { on: '2022-10-10', to: '2022-10-12', reason: '假期' };
    const returned = { on: '2022-10-11', to: '2022-10-12', reason: '缺少附件3' };
    const letter = renderLeadDigest({
      ...base,
      late: [
        { unitName: '市教育局', deadline: '2022-10-12', escalation: 'notice', extended, lateWorkingDays: 2 },
        { unitName: '市民政局', deadline: '2022-10-13', escalation: 'circulate', returned, extended: { ...extended, on: '2022-10-12', to: '2022-10-13' }, lateWorkingDays: 1 },
        { unitName: '雷州供电局', deadline: '2022-10-11', escalation: 'none', lateWorkingDays: 3 },
      ],
    });
    expect(letter.text).toContain('　　1．市教育局：报送期限经批准延期至2022年10月12日，已逾期2个工作日，本办已发督办通知。\n');
    expect(letter.text).toContain('　　2．市民政局：报送的材料已于2022年10月11日退回修改（退回原因：缺少附件3），后经批准延期至2022年10月13日，已逾期1个工作日，本办已予通报。\n');
    expect(letter.text).toContain('　　3．雷州供电局：应于2022年10月11日前报送，已逾期3个工作日，本办尚未发函催报。\n');
    expect(letter.text).toContain('　　请贵单位督促上述逾期部门立即报送。\n');
    expect(letter.subject).toContain('（3个部门逾期未报送）');
    // a bureau signing names itself so
    const bureau = renderLeadDigest({ ...base, issuer: '洮南市民政局', late: [{ unitName: '福利中心', deadline: '2022-10-11', escalation: 'urge', lateWorkingDays: 1 }] });
    expect(bureau.text).toContain('　　1．福利中心：应于2022年10月11日前报送，已逾期1个工作日，本局已发提醒敦促函。\n');
  });

  it('words a list without a late unit as all in, and one without the office as its sole recipient', () => {
    const letter = renderLeadDigest({
      campaignTitle: def.title,
      office: { name: '雷州市安全生产委员会办公室', email: 'anweiban@leizhou.example' },
      lead: { name: '市应急管理局', email: 'yingji@leizhou.example' },
      deliverableName: '评估报告',
      deadline: '2022-10-11',
      sentAt: at('2022-10-12T09:30:00+08:00'),
      timeZone: ZONE,
      late: [],
      notYetDue: [],
      submitted: ['市教育局'],
      waived: ['市民政局'],
      alsoToOffice: false,
      noun: '单位',
      basis: [],
      issuer: '雷州市安全生产委员会办公室',
    });
    expect(letter.subject).toBe('【报送情况函】关于有关单位向市应急管理局报送《评估报告》情况的函（均已报送）');
    expect(letter.text).toBe(
      [
        '关于有关单位向市应急管理局报送《评估报告》情况的函',
        '',
        '市应急管理局：',
        '',
        `　　根据${def.title}工作安排，应向贵单位报送《评估报告》的有关单位共2个，报送期限为2022年10月11日。截至2022年10月12日9时30分，报送情况如下：`,
        '　　一、已报送（1个）：市教育局。',
        '　　二、免报（1个）：市民政局。',
        '　　应向贵单位报送的单位均已报送或免报，请贵单位及时汇总。',
        '',
        '雷州市安全生产委员会办公室',
        '2022年10月12日',
        '',
      ].join('\n'),
    );
    expect(letter).toMatchObject({ to: ['yingji@leizhou.example'], cc: ['anweiban@leizhou.example'], instrument: '报送情况函' });
  });
});
