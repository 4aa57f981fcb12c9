// The hazard chase (workflows/hazard.ts) on the time-skipping server with the campaign's held calendar, real
// activities, a real database (SQLite and PostgreSQL) and a real SMTP peer: reminders before the 整改时限 (never on
// a holiday), the ladder after it counted in working days, an approved 延期 moving the chase (the old 时限's letters
// never sent), an edit of the text not restarting it, a failed 验收 starting a new round's chase, 挂牌 to 摘牌 with
// their letters, and every letter exactly once — through an SMTP outage, a chase run afresh and an activity re-run.
// The record is changed through operations/hazards.ts, which wakes (or starts) the chase after each change.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHazardActivities } from '../activities/hazards';
import type { HazardEvent, ListingEvent } from '../domain/hazards';
import { chineseDateTime, formatInstant, parseInstant } from '../domain/zoned-time';
import { createMailer } from '../mail/mailer';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import { REHEARSAL_FIRST_LINE, REHEARSAL_SUBJECT_PREFIX } from '../rehearsal/rehearsal-mail';
import { type SendHazardLetterResult, hazardLetterBusinessKey } from '../shared/hazard-activities';
import { hazardWorkflowId } from '../shared/hazard-contract';
import { settingsOf } from '../store/campaigns';
import { type HazardDeps, type HazardDetail, actOnHazard, actOnHazardListing, hazardDetail, listHazardForSupervision, reportHazard } from '../operations/hazards';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';
import { HAZARD_CAMPAIGN as C, FILES, hazardCampaignYaml, hazardFacts as facts } from './support/hazard-campaign';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso.includes('T') ? iso : `${iso}T00:00:00+08:00`, ZONE)!;
describe.each(TEST_DATABASES)('hazard chase on %s', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;
  let dir: string;
  let ids: string[];
  let sentBeforeRerun: number;
  let rerun: SendHazardLetterResult;
  /** Hazard details as the drawer and `hazards show` read them: hazard 1 the day after its 催办, every hazard at the end. */
  let afterUrge: HazardDetail;
  const atEnd: HazardDetail[] = [];
  const workflowStatus: Record<string, string> = {};
  let smtpRefused: number;
  // 雷城街道's 企业微信 group robot: every message it took
  const robotTook: { path: string; content: string }[] = [];
  let robot: Server;
  /** Operations on the rehearsal's server, at campaign time `when` (the clock moved there first). */
  const ops = async (when: string): Promise<HazardDeps> => {
    await r.advanceTo(at(when));
    return { db: r.db, client: r.env.client, taskQueue: r.taskQueue, now: () => at(when) - r.offsetMs() };
  };
  const change = async (hazardId: string, when: string, event: HazardEvent) => {
    await actOnHazard(await ops(when), { campaignId: C, hazardId, actor: 'wu', role: 'leader', event });
  };
  const onListing = async (hazardId: string, when: string, event: ListingEvent) => {
    await actOnHazardListing(await ops(when), { campaignId: C, hazardId, actor: 'wu', role: 'leader', event });
  };
  const status = async (hazardId: string) => (await r.env.client.workflow.getHandle(hazardWorkflowId(C, hazardId)).describe()).status.name;

  async function lettersOf(hazardId: string) {
    const rows = await r.db.hazardLetter.findMany({ where: { campaignId: C, hazardId, status: 'sent' }, orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }] });
    return rows.map((n) => `${n.kind} ${formatInstant(n.scheduledAt.getTime(), ZONE)}`);
  }
  const mail = (hazardId: string, key: string) => r.catcher!.messages().filter((m) => m.headers['x-duban-key'] === hazardLetterBusinessKey(C, hazardId, key));
  const byKey = (key: string) => {
    const found = r.catcher!.messages().filter((m) => m.headers['x-duban-key'] === key);
    expect(found, key).toHaveLength(1);
    return found[0];
  };
  const one = (hazardId: string, key: string) => {
    const found = mail(hazardId, key);
    expect(found, key).toHaveLength(1);
    return found[0];
  };

  beforeAll(async () => {
    database = await freshDatabase(kind);
    dir = mkdtempSync(join(tmpdir(), 'duban-hazard-chase-'));
    robot = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { markdown: { content: string } };
        robotTook.push({ path: req.url ?? '', content: body.markdown.content });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
      });
    });
    await new Promise<void>((resolve) => robot.listen(0, '127.0.0.1', resolve));
    const file = join(dir, 'campaign.yaml');
    writeFileSync(file, hazardCampaignYaml(`http://127.0.0.1:${(robot.address() as AddressInfo).port}`));
    r = await startRehearsal({ databaseUrl: database.url, publicUrl: 'https://duban.example.gov.cn' });
    await r.launch(file, at('2022-09-26T10:00:00+08:00'));

    // 1: 时限 on a holiday (国庆 2022-10-03). 2: extended on 10-11 to 10-20. 3: its text edited twice.
    // 4: reported done, failed 验收, 重新整改, passed. 5: 重大, 挂牌 to 摘牌. 6: due on the holiday too, of other units:
    // its 通报 and hazard 1's are one letter.
    const recorded = [
      facts({ site: '雷城某加油站', deadline: '2022-10-03' }),
      facts({ site: '新城某商场', townId: 'xincheng', departmentId: 'yingji', description: '安全出口上锁' }),
      facts({ site: '雷城某幼儿园', departmentId: 'yingji', description: '灭火器过期' }),
      facts({ site: '新城某学校', townId: 'xincheng', description: '电气线路老化' }),
      facts({
        site: '雷城某化工厂',
        departmentId: 'yingji',
        level: 'major',
        basis: '《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》第十条',
        description: '涉及重点监管危险化工工艺的装置未实现自动化控制',
        measures: '增设自动化控制系统和紧急停车系统',
        deadline: '2022-10-20',
      }),
      facts({ site: '新城某加油站', townId: 'xincheng', departmentId: 'yingji', description: '加油机防撞设施缺失', deadline: '2022-10-03' }),
    ];
    ids = [];
    for (const f of recorded) ids.push((await reportHazard(await ops('2022-09-26T10:30:00+08:00'), { campaignId: C, facts: f, origin: 'console', actor: 'wu' })).row.id);

    // the 重大 hazard: its 治理方案, 整改 started, 挂牌 the next morning (the 限期整改指令书 goes out at once)
    const [h1, h2, h3, h4, h5] = ids;
    await change(h5, '2022-09-26T11:00:00+08:00', {
      kind: 'plan',
      plan: { measures: '增设自动化控制系统', responsibility: '雷城某化工厂 李厂长', fundsWan: 120, deadline: '2022-10-20', contingency: '停产整顿期间落实专人值守' },
    });
    await change(h5, '2022-09-26T11:05:00+08:00', { kind: 'start' });
    await listHazardForSupervision(await ops('2022-09-27T10:00:00+08:00'), { campaignId: C, hazardId: h5, actor: 'wu', role: 'leader', level: 'city', documentNumber: '雷安委办督〔2022〕3号' });

    await change(h4, '2022-09-27T11:00:00+08:00', { kind: 'start' });
    await change(h4, '2022-09-29T12:00:00+08:00', { kind: 'report_done', done: '更换老化线路，加装漏电保护器', files: FILES });

    // the SMTP server refuses the first two letters of 10-08 (hazard 1's 催办 among them): retried, each sent once
    await r.advanceTo(at('2022-10-08T08:00:00+08:00'));
    const before = r.catcher!.messages().length;
    r.catcher!.failNext(2);
    await r.advanceTo(at('2022-10-08T12:00:00+08:00'));
    smtpRefused = 2;
    expect(r.catcher!.messages().length).toBeGreaterThan(before);
    afterUrge = await hazardDetail(await ops('2022-10-09T12:00:00+08:00'), { campaignId: C, hazardId: h1 });

    await change(h3, '2022-10-10T12:00:00+08:00', { kind: 'edit', changes: { description: '灭火器过期失效（共12具）' } });
    await change(h2, '2022-10-11T16:00:00+08:00', { kind: 'extend', to: '2022-10-20', reason: '需采购专用门禁设备', approvedBy: '安委办主任' });
    await change(h3, '2022-10-12T12:00:00+08:00', { kind: 'edit', changes: { measures: '全部更换灭火器并建立检查台账' } });
    await change(h5, '2022-10-12T15:00:00+08:00', { kind: 'report_done', done: '自动化控制系统已安装调试并投用', files: FILES });
    await change(h4, '2022-10-12T15:00:00+08:00', {
      kind: 'accept',
      by: '李验收',
      on: '2022-10-12',
      result: 'fail',
      opinion: '配电箱未加锁，仍有裸露线头',
      files: FILES,
      newDeadline: '2022-10-21',
    });

    // hazard 1's chase run afresh after its 通报 (a reset, a lost history): nothing it sent goes out again
    await r.advanceTo(at('2022-10-12T16:00:00+08:00'));
    await r.env.client.workflow.getHandle(hazardWorkflowId(C, h1)).terminate('test: run the chase afresh');
    await change(h1, '2022-10-12T16:01:00+08:00', { kind: 'edit', changes: { fundsWan: 0.8 } });

    await change(h5, '2022-10-19T15:00:00+08:00', { kind: 'accept', by: '陈验收', on: '2022-10-19', result: 'pass', files: FILES });
    workflowStatus.listedAfterClosing = await status(h5);
    await onListing(h5, '2022-10-20T10:00:00+08:00', { kind: 'delist', approvedBy: '安委办主任 周某' });
    await change(h4, '2022-10-25T12:00:00+08:00', { kind: 'report_done', done: '配电箱加锁，线头全部包扎', files: FILES });
    await change(h4, '2022-10-26T10:00:00+08:00', { kind: 'accept', by: '李验收', on: '2022-10-26', result: 'pass', files: FILES });
    await r.advanceTo(at('2022-11-10T00:00:00+08:00'));
    for (const id of ids) workflowStatus[id] = await status(id);
    for (const id of ids) atEnd.push(await hazardDetail(await ops('2022-11-10T00:00:00+08:00'), { campaignId: C, hazardId: id }));

    // the activity run again for a letter already sent (a retry after a lost reply): nothing more is sent
    sentBeforeRerun = r.catcher!.messages().length;
    const rows = await r.db.hazardLetter.findMany({ where: { campaignId: C, hazardId: h1, kind: 'urge' } });
    const mailer = createMailer(r.catcher!.smtpUrl);
    const activities = createHazardActivities({ db: r.db, mailer });
    const letter = {
      kind: 'urge' as const,
      at: rows[0].scheduledAt.getTime(),
      key: rows[0].businessKey.slice(`${C}/hazard/${h1}/`.length),
      round: 1,
      deadline: '2022-10-03',
      reason: 'test',
    };
    rerun = (await new MockActivityEnvironment({ attempt: 1, currentAttemptScheduledTimestampMs: at('2022-11-10T00:00:00+08:00') - r.offsetMs() }).run(
      activities.sendHazardLetter,
      { campaignId: C, hazardId: h1, letter },
    )) as SendHazardLetterResult;
    mailer.close();
  }, 600_000);
  afterAll(async () => {
    await r?.close();
    await new Promise((resolve) => robot?.close(resolve));
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reminds before a 时限 on a holiday on working days only, and counts the ladder in working days after it', async () => {
    // 时限 2022-10-03 (国庆): reminders the 3rd and 1st working day before (no reminder on a holiday), then the
    // ladder on the 1st, 3rd, 5th and 6th working day after, counting the 调休 weekend of 10-08/09 as working days
    expect(await lettersOf(ids[0])).toEqual([
      'reminder 2022-09-28T09:00:00+08:00',
      'reminder 2022-09-30T09:00:00+08:00',
      'urge 2022-10-08T09:00:00+08:00',
      'notice 2022-10-10T09:00:00+08:00',
      'circulate 2022-10-12T09:00:00+08:00',
      // the campaign's hazards: general: escalate: interview: 6 (the default is the 7th)
      'interview 2022-10-13T09:00:00+08:00',
    ]);
    const id = ids[0];
    const reminder = one(id, 'r1/2022-10-03/reminder/2022-09-28');
    expect(reminder.to).toEqual(['leicheng@leizhou.example', 'jiaoyu@leizhou.example']);
    expect(reminder.subject).toBe('【演练】【整改提醒】雷州市安全生产隐患排查整治专项行动：雷城某加油站隐患（序号1）请于2022年10月3日前整改完成');
    expect(reminder.text).toContain('雷城街道、市教育局：');
    expect(reminder.text).toContain('雷城某加油站（台账序号1）存在的一般隐患“消防通道被占用”，整改时限为2022年10月3日');
    expect(reminder.text).not.toContain('雷安办〔');

    const urge = one(id, 'r1/2022-10-03/urge/2022-10-08');
    expect(urge.subject).toMatch(/^【演练】【催办函】雷安办〔2022〕\d+号 关于督促雷城某加油站隐患限期整改的函$/);
    expect(urge.text).toContain('根据《雷州市安全生产隐患排查整治专项行动方案》（雷安委〔2022〕9号）要求，');
    expect(urge.text).toContain('截至2022年10月8日，已逾期1个工作日，仍未报告整改完成。');
    expect(urge.text).toContain('逾期仍未完成整改的，将予以督办。');

    const notice = one(id, 'r1/2022-10-03/notice/2022-10-10');
    expect(notice.to).toEqual(['leicheng@leizhou.example', 'jiaoyu@leizhou.example']);
    expect(notice.cc).toEqual(['leicheng.head@leizhou.example', 'jiaoyu.head@leizhou.example']);
    expect(notice.text).toContain('已逾期3个工作日，经催办，仍未报告整改完成。');
    // the time limit: the last working day before the 通报 of 10-12
    expect(notice.text).toContain('于2022年10月11日前完成整改并报告');
    expect(notice.text).toContain('逾期仍未完成整改的，将予以通报。');
    expect(notice.text).toContain('\n雷州市安全生产委员会办公室\n2022年10月10日\n');

    // one 通报 on 10-12 for both hazards due on the holiday: hazard 1's and hazard 6's steps find it, one sends it
    expect(await lettersOf(ids[5])).toEqual(await lettersOf(id));
    const circulations = r.catcher!.messages().filter((m) => m.headers['x-duban-action'] === 'hazard-circulate');
    expect(circulations.filter((m) => m.headers['x-duban-key'] === `${C}/hazard-circulation/2022-10-12/0900`)).toHaveLength(1);
    const circulate = byKey(`${C}/hazard-circulation/2022-10-12/0900`);
    const rows = await r.db.hazardLetter.findMany({ where: { campaignId: C, kind: 'circulate', deadline: '2022-10-03', status: 'sent' } });
    expect(rows.map((l) => l.hazardId).sort()).toEqual([id, ids[5]].sort());
    expect(new Set(rows.map((l) => l.messageId))).toEqual(new Set([circulate.messageId]));
    expect(circulate.subject).toMatch(/^【演练】【通报】雷安办〔2022〕\d+号 关于雷城某加油站等2处隐患逾期未整改的通报$/);
    expect(new Set(circulate.to)).toEqual(new Set(['yingji@leizhou.example', 'jiaoyu@leizhou.example', 'leicheng@leizhou.example', 'xincheng@leizhou.example']));
    expect(circulate.cc).toEqual(['anweiban@leizhou.example', 'fushizhang@leizhou.example']);
    expect(circulate.text).toContain('各镇（街道）、各有关单位：');
    expect(circulate.text).toContain('下列2处隐患已过整改时限仍未报告整改完成');
    expect(circulate.text).toContain('1. 雷城某加油站（台账序号1）存在的一般隐患“消防通道被占用”，整改时限为2022年10月3日');
    expect(circulate.text).toContain('属地雷城街道，行业主管部门市教育局；截至2022年10月12日，经催办和督办，已逾期5个工作日仍未报告整改完成。逾期仍未完成整改的，将约谈雷城街道和市教育局主要负责人。');
    expect(circulate.text).toContain('2. 新城某加油站（台账序号6）');
    expect(circulate.text).toContain('\n雷州市安全生产委员会\n2022年10月12日\n');

    const interview = one(id, 'r1/2022-10-03/interview/2022-10-13');
    expect(interview.to).toEqual(['leicheng.head@leizhou.example', 'jiaoyu.head@leizhou.example']);
    expect(interview.subject).toContain('关于约谈雷城街道和市教育局主要负责人的通知');
    expect(interview.text).toContain('经催办、督办和通报，仍未报告整改完成。');
    // and opened a 约谈 for each unit's principals, for the office to schedule, once whatever the retries
    const interviews = await r.db.interview.findMany({ where: { campaignId: C, deliverableId: `隐患/${id}` }, orderBy: { unitId: 'asc' } });
    expect(interviews.map((i) => [i.unitId, i.principal, i.status])).toEqual([
      ['jiaoyu', '市教育局主要负责人', 'to_schedule'],
      ['leicheng', '雷城街道主要负责人', 'to_schedule'],
    ]);

    // the campaign's hazards: section, recorded at launch
    const settings = settingsOf(await r.db.campaign.findUniqueOrThrow({ where: { id: C } }));
    expect(settings.hazards?.general.escalate).toEqual({ urge: 1, notice: 3, circulate: 5, interview: 6 });
    expect(settings.hazards?.major.escalate).toEqual({ urge: 1, notice: 2, circulate: 3, interview: 5 });

    // every numbered letter has its own number from the register
    // (the hazards a 通报 lists carry its number)
    const numbered = await r.db.hazardLetter.findMany({ where: { campaignId: C, status: 'sent', documentNumber: { not: null } } });
    const numbers = [...new Map(numbered.map((l) => [l.messageId, l.documentNumber])).values()];
    expect(numbers.length).toBeGreaterThan(5);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('moves the whole chase to an approved 延期, and never sends the old 时限’s letters', async () => {
    const id = ids[1];
    expect(await lettersOf(id)).toEqual([
      'reminder 2022-10-09T09:00:00+08:00',
      'reminder 2022-10-11T09:00:00+08:00',
      'reminder 2022-10-17T09:00:00+08:00',
      'reminder 2022-10-19T09:00:00+08:00',
      'reminder 2022-10-20T09:00:00+08:00',
      'urge 2022-10-21T09:00:00+08:00',
      'notice 2022-10-25T09:00:00+08:00',
      'circulate 2022-10-27T09:00:00+08:00',
      'interview 2022-10-28T09:00:00+08:00',
    ]);
    expect(mail(id, 'r1/2022-10-12/reminder/2022-10-12')).toEqual([]);
    expect(mail(id, 'r1/2022-10-12/urge/2022-10-13')).toEqual([]);
    expect(await r.db.hazardLetter.count({ where: { campaignId: C, hazardId: id, deadline: '2022-10-12', scheduledAt: { gt: new Date(at('2022-10-11T16:00:00+08:00')) } } })).toBe(0);
    const urge = one(id, 'r1/2022-10-20/urge/2022-10-21');
    expect(urge.to).toEqual(['xincheng@leizhou.example', 'yingji@leizhou.example']);
    expect(urge.text).toContain('整改时限为2022年10月20日');
    expect(urge.text).toContain('整改时限经批准由2022年10月12日延期至2022年10月20日（2022年10月11日批准，理由：需采购专用门禁设备）');
    expect(urge.text).toContain('已逾期1个工作日');
  });

  it('does not restart the clock when the text is edited, and the letters after say the new text', async () => {
    const id = ids[2];
    expect(await lettersOf(id)).toEqual([
      'reminder 2022-10-09T09:00:00+08:00',
      'reminder 2022-10-11T09:00:00+08:00',
      'reminder 2022-10-12T09:00:00+08:00',
      'urge 2022-10-13T09:00:00+08:00',
      'notice 2022-10-17T09:00:00+08:00',
      'circulate 2022-10-19T09:00:00+08:00',
      'interview 2022-10-20T09:00:00+08:00',
    ]);
    expect(one(id, 'r1/2022-10-12/reminder/2022-10-09').text).toContain('“灭火器过期”');
    const urge = one(id, 'r1/2022-10-12/urge/2022-10-13');
    expect(urge.text).toContain('“灭火器过期失效（共12具）”');
    expect(urge.text).toContain('整改措施：全部更换灭火器并建立检查台账');
    expect(urge.text).not.toContain('延期');
  });

  it('chases the 验收 once 整改完成 is reported, and a failed 验收 starts a new round’s chase', async () => {
    const id = ids[3];
    // reported on 9-29: no reminder of the first 时限 (all after the report); 验收 due the 5th working day after
    // (10-11), reminded then and chased the day after; failed on 10-12 with a new 时限 of 10-21; reported again on
    // 10-25 (after the round's 催办), passed on 10-26
    expect(await lettersOf(id)).toEqual([
      'acceptance 2022-10-11T09:00:00+08:00',
      'acceptance_overdue 2022-10-12T09:00:00+08:00',
      'reminder 2022-10-18T09:00:00+08:00',
      'reminder 2022-10-20T09:00:00+08:00',
      'reminder 2022-10-21T09:00:00+08:00',
      'urge 2022-10-24T09:00:00+08:00',
    ]);
    const acceptance = one(id, 'r1/acceptance/2022-10-11/acceptance');
    // a 一般 hazard is accepted by its 属地 and 行业主管部门
    expect(acceptance.to).toEqual(['xincheng@leizhou.example', 'jiaoyu@leizhou.example']);
    expect(acceptance.text).toContain('已于2022年9月29日报告整改完成（整改情况：更换老化线路，加装漏电保护器），应于2022年10月11日前完成验收。');
    expect(acceptance.text).toContain('验收人不得为整改责任人');
    const overdue = one(id, 'r1/acceptance/2022-10-11/acceptance_overdue');
    expect(overdue.subject).toMatch(/^【演练】【验收催办函】雷安办〔2022〕\d+号 关于督促新城某学校隐患整改验收的函$/);
    expect(overdue.text).toContain('验收已逾期1个工作日');
    const urge = one(id, 'r2/2022-10-21/urge/2022-10-24');
    expect(urge.text).toContain('该隐患于2022年10月12日验收不合格（验收意见：配电箱未加锁，仍有裸露线头），须重新整改');
    expect(urge.text).toContain('整改时限为2022年10月21日');
    expect(workflowStatus[id]).toBe('COMPLETED');
  });

  it('sends the 限期整改指令书 on 挂牌 and the 摘牌 notice, chases a 重大 hazard’s 验收 at the office, and ends after 摘牌', async () => {
    const id = ids[4];
    expect(await lettersOf(id)).toEqual([
      'listing_order 2022-09-27T10:00:00+08:00',
      // 重大: reminded 5 working days before the 时限 of 10-20 (10-13) — but 整改完成 was reported on 10-12
      'acceptance 2022-10-19T09:00:00+08:00',
      'delisting 2022-10-20T10:00:00+08:00',
    ]);
    const order = one(id, `listing/${id}-1/listing_order`);
    expect(order.subject).toBe('【演练】【限期整改指令书】雷安委办督〔2022〕3号 关于雷城某化工厂重大事故隐患挂牌督办的限期整改指令书');
    expect(order.to).toEqual(['leicheng@leizhou.example', 'yingji@leizhou.example']);
    expect(order.text).toContain('雷城街道、市应急管理局：');
    expect(order.text).toContain('判定依据：《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》第十条');
    expect(order.text).toContain('决定自2022年9月27日起对该隐患实行市级挂牌督办');
    expect(order.text).toContain('于2022年10月20日前按照五到位');
    const acceptance = one(id, 'r1/acceptance/2022-10-19/acceptance');
    expect(acceptance.to).toEqual(['anweiban@leizhou.example']);
    expect(acceptance.cc).toEqual(['leicheng@leizhou.example', 'yingji@leizhou.example']);
    const delisting = one(id, `listing/${id}-1/delisting`);
    expect(delisting.subject).toMatch(/^【演练】【摘牌通知】雷安办〔2022〕\d+号 关于雷城某化工厂重大事故隐患摘牌的通知$/);
    expect(delisting.text).toContain('该隐患已于2022年10月19日验收合格并销号，经安委办主任 周某批准，决定自2022年10月20日起予以摘牌。');
    // closed but still listed, the chase waited; taken down, it ended
    expect(workflowStatus.listedAfterClosing).toBe('RUNNING');
    expect(workflowStatus[id]).toBe('COMPLETED');
  });

  it('lists a hazard’s letters in its detail as sent, and names the next one until none is due', async () => {
    // the day after hazard 1's 催办: its two reminders and the 催办 sent; its 督办通知 next, on the 3rd working day after 10-03
    expect(afterUrge.letters.map((l) => [l.kindName, l.statusName, l.scheduledAt])).toEqual([
      ['整改提醒', '已发出', '2022年9月28日 09:00'],
      ['整改提醒', '已发出', '2022年9月30日 09:00'],
      ['催办函', '已发出', '2022年10月8日 09:00'],
    ]);
    expect(afterUrge.nextLetter).toMatchObject({
      kind: 'notice',
      kindName: '督办通知',
      at: '2022年10月10日 09:00',
      key: 'r1/2022-10-03/notice/2022-10-10',
      recipients: ['雷城街道', '市教育局'],
      status: null,
    });
    expect(afterUrge.nextLetter!.reason).not.toBe('');
    expect(afterUrge.noNextLetter).toBeNull();

    // at the end: every letter of hazard 1, each as its row and its e-mail say
    const [d1, d2, , d4, d5] = atEnd;
    expect(d1.letters.map((l) => `${l.kind} ${l.status}`)).toEqual(['reminder sent', 'reminder sent', 'urge sent', 'notice sent', 'circulate sent', 'interview sent']);
    const rows = await r.db.hazardLetter.findMany({ where: { campaignId: C, hazardId: ids[0] } });
    for (const l of d1.letters) {
      const row = rows.find((x) => x.businessKey === hazardLetterBusinessKey(C, ids[0], l.key))!;
      expect(l.sentAt).toBe(chineseDateTime(row.sentAt!.getTime(), ZONE));
      expect([l.subject, l.text, l.reason, l.documentNumber, l.messageId]).toEqual([row.subject, row.body, row.reason, row.documentNumber, row.messageId]);
      if (l.kind !== 'circulate') expect(`【演练】${l.subject}`).toBe(one(ids[0], l.key).subject);
    }
    const [reminder, , urge, notice, circulate, interview] = d1.letters;
    expect(reminder).toMatchObject({ documentNumber: null, to: ['leicheng@leizhou.example', 'jiaoyu@leizhou.example'], recipients: ['雷城街道', '市教育局'] });
    expect(reminder.sentAt).toMatch(/^2022年9月28日 09:0\d$/);
    expect(urge.documentNumber).toMatch(/^雷安办〔2022〕\d+号$/);
    expect(notice.recipients).toEqual(['雷城街道', '市教育局', '雷城街道主要负责人', '市教育局主要负责人']);
    expect(notice.text).toContain('于2022年10月11日前完成整改并报告');
    // the 通报 listing it and hazard 6: the one letter, to every unit, on both hazards
    expect(circulate.messageId).toBe(byKey(`${C}/hazard-circulation/2022-10-12/0900`).messageId);
    expect(new Set(circulate.recipients)).toEqual(new Set(['市应急管理局', '市教育局', '雷城街道', '新城街道', '雷州市安全生产委员会办公室', '市政府分管副市长']));
    expect(atEnd[5].letters.find((l) => l.kind === 'circulate')).toMatchObject({ messageId: circulate.messageId, documentNumber: circulate.documentNumber });
    expect(interview.recipients.slice(0, 2)).toEqual(['雷城街道主要负责人', '市教育局主要负责人']);
    // its ladder all sent, still not done: nothing more is due
    expect([d1.nextLetter, d1.noNextLetter]).toEqual([null, '无待发督办文书，等待整改完成']);

    // extended on 10-11: the old 时限's reminders before, the new one's after; the 2nd round's 催办 after a failed 验收;
    // the 挂牌 letters with their 发文字号
    expect(d2.letters.map((l) => `${l.deadline} ${l.kind}`)).toEqual([
      '2022-10-12 reminder',
      '2022-10-12 reminder',
      '2022-10-20 reminder',
      '2022-10-20 reminder',
      '2022-10-20 reminder',
      '2022-10-20 urge',
      '2022-10-20 notice',
      '2022-10-20 circulate',
      '2022-10-20 interview',
    ]);
    expect(d4.letters.map((l) => [l.kindName, l.round])).toEqual([
      ['验收提醒', 1],
      ['验收催办函', 1],
      ['整改提醒', 2],
      ['整改提醒', 2],
      ['整改提醒', 2],
      ['催办函', 2],
    ]);
    expect(d5.letters.map((l) => [l.kindName, l.sentAt])).toEqual([
      ['限期整改指令书', expect.stringMatching(/^2022年9月27日 10:0\d$/)],
      ['验收提醒', expect.stringMatching(/^2022年10月19日 09:0\d$/)],
      ['摘牌通知', expect.stringMatching(/^2022年10月20日 10:0\d$/)],
    ]);
    expect(d5.letters[0]).toMatchObject({ documentNumber: '雷安委办督〔2022〕3号', listingId: `${ids[4]}-1` });
    // a 重大 hazard's 验收 is chased at the office
    expect(d5.letters[1].recipients).toEqual(['雷州市安全生产委员会办公室', '雷城街道', '市应急管理局']);
    // 销号 (and taken down): none due
    for (const d of [d4, d5]) expect([d.nextLetter, d.noNextLetter]).toEqual([null, '已销号']);
  });

  // docs/hazard-letters.md: one letter of each kind as this run sent it (the rehearsal's marks taken off, the
  // register's numbers shown as N: letters due at the same minute take theirs in no fixed order).
  // DUBAN_WRITE_LETTERS_DOC=1 rewrites the page; otherwise the page must be what they are.
  it.runIf(kind === 'sqlite')('docs/hazard-letters.md shows each kind of letter exactly as sent', () => {
    const [h1, h2, , h4, h5] = ids;
    const picks: [string, string | undefined, string][] = [
      ['整改提醒 (`reminder`)', h1, 'r1/2022-10-03/reminder/2022-09-28'],
      ['整改提醒, round 2 after a failed 验收', h4, 'r2/2022-10-21/reminder/2022-10-18'],
      ['催办函 (`urge`), after an approved 延期', h2, 'r1/2022-10-20/urge/2022-10-21'],
      ['督办通知 (`notice`)', h1, 'r1/2022-10-03/notice/2022-10-10'],
      ['通报 (`circulate`): one per campaign, day and send time', undefined, `${C}/hazard-circulation/2022-10-12/0900`],
      ['约谈通知 (`interview`)', h1, 'r1/2022-10-03/interview/2022-10-13'],
      ['验收提醒 (`acceptance`), 一般 hazard: to the 属地 and 行业主管部门', h4, 'r1/acceptance/2022-10-11/acceptance'],
      ['验收提醒 (`acceptance`), 重大 hazard: to the office', h5, 'r1/acceptance/2022-10-19/acceptance'],
      ['验收催办函 (`acceptance_overdue`)', h4, 'r1/acceptance/2022-10-11/acceptance_overdue'],
      ['限期整改指令书 (`listing_order`)', h5, `listing/${h5}-1/listing_order`],
      ['摘牌通知 (`delisting`)', h5, `listing/${h5}-1/delisting`],
    ];
    const sections = picks.map(([title, hazardId, key]) => {
      const m = hazardId ? one(hazardId, key) : byKey(key);
      const n = (t: string) => t.replace(/雷安办〔2022〕\d+号/g, '雷安办〔2022〕N号');
      const text = n(m.text.replace(`${REHEARSAL_FIRST_LINE}\n\n`, '')).trimEnd();
      const subject = n(m.subject.replace(REHEARSAL_SUBJECT_PREFIX, ''));
      return [`## ${title}`, '', `- 主题: ${subject}`, `- 收件人: ${m.to.join(', ')}`, `- 抄送: ${m.cc.join(', ') || '—'}`, `- 键: \`${key}\``, '', '```text', text, '```'].join('\n');
    });
    const page = [
      '# The letters of the hazard chase',
      '',
      'Every kind of letter a hazard\'s chase sends (`workflows/hazard.ts`, `activities/hazards.ts`, words in',
      '`letters/hazard.ts`), as the test `tests/hazard-chase.test.ts` sends them through a mail catcher in a rehearsal of a',
      'small campaign launched on 2022-09-26 (its file is in the test): six hazards, two with their 整改时限 on the National',
      'Day holiday (one 通报 lists both), one extended, one edited, one failing its 验收, and a 重大 one listed and taken down. The test fails when',
      'this page differs; `DUBAN_WRITE_LETTERS_DOC=1` rewrites it. The register\'s 发文字号 are shown as N. How the chase',
      'decides: docs/ledger.md.',
      '',
      ...sections.flatMap((x) => [x, '']),
    ].join('\n');
    if (process.env.DUBAN_WRITE_LETTERS_DOC) writeFileSync('docs/hazard-letters.md', page);
    expect(readFileSync('docs/hazard-letters.md', 'utf8')).toBe(page);
  });

  it('tells the group robots of the units a letter concerns, each letter once, with the unit’s own portal link', async () => {
    // 雷城街道 is the 属地 of hazards 1, 3 and 5: every letter about them (the 通报 listing them included), and no other
    const ours = new Set([ids[0], ids[2], ids[4]]);
    const sent = await r.db.hazardLetter.findMany({ where: { campaignId: C, status: 'sent' } });
    const listedOurs = new Set(sent.filter((l) => l.kind === 'circulate' && ours.has(l.hazardId)).map((l) => l.messageId));
    const letters = sent.filter((l) => l.attempts > 0 && (ours.has(l.hazardId) || listedOurs.has(l.messageId)));
    expect(letters.length).toBeGreaterThan(10);
    expect(robotTook).toHaveLength(letters.length);
    for (const l of letters) {
      const told = robotTook.filter((m) => m.content.startsWith(`**【演练】${l.subject}**`) && m.content.includes(`上述文件已于${chineseDateTime(l.sentAt!.getTime(), ZONE)}发送`));
      expect(told, l.businessKey).toHaveLength(1);
    }
    expect(robotTook.every((m) => m.path === '/wecom/leicheng?key=leicheng')).toBe(true);
    expect(robotTook.every((m) => m.content.includes('雷城街道：上述文件已于') && /\(https:\/\/duban\.example\.gov\.cn\/u\/[\w.-]+\)/.test(m.content))).toBe(true);
  });

  it('sends every letter exactly once: through an SMTP outage, a chase run afresh and an activity run again', async () => {
    const hazardMails = r.catcher!.messages().filter((m) => /^[^/]+\/hazard(-circulation)?\//.test(m.headers['x-duban-key'] ?? ''));
    const sent = await r.db.hazardLetter.findMany({ where: { campaignId: C, status: 'sent' } });
    // one e-mail per claimed letter (a 通报 is one letter, recorded too on each hazard it lists), each once
    const claimed = sent.filter((l) => l.attempts > 0);
    expect(hazardMails).toHaveLength(claimed.length);
    expect(new Set(hazardMails.map((m) => m.headers['x-duban-key'])).size).toBe(hazardMails.length);
    expect(new Set(claimed.map((l) => l.businessKey))).toEqual(new Set(hazardMails.map((m) => m.headers['x-duban-key'])));
    expect(new Set(sent.map((l) => l.messageId))).toEqual(new Set(hazardMails.map((m) => m.messageId)));
    // the refused attempts were tried again
    expect(claimed.reduce((n, l) => n + l.attempts - 1, 0)).toBe(smtpRefused);
    // the e-mail is the letter as recorded
    for (const l of sent) expect(hazardMails.find((m) => m.messageId === l.messageId)!.text).toContain(l.body.trim().split('\n')[0]);
    expect(rerun.outcome).toBe('already-sent');
    expect(r.catcher!.messages()).toHaveLength(sentBeforeRerun);
    // hazard 1 ran afresh on 10-12 after its 通报: only the 约谈 went out after, nothing twice
    expect(workflowStatus[ids[0]]).toBe('RUNNING');
  });
});
