// The seed-000 campaign (雷州 2022) on the real time-skipping server with real SMTP delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnObligation } from '../operations/actions';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import type { ObligationState } from '../domain/policy';
import { formatInstant, parseInstant } from '../domain/zoned-time';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';

const FILE = 'examples/leizhou-2022-assessment.yaml';
const CAMPAIGN = 'leizhou-2022-assessment';
const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;

describe.each(TEST_DATABASES)('on %s', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;

  async function sentTo(unitId: string) {
    const rows = await r.db.notice.findMany({ where: { campaignId: CAMPAIGN, unitId, status: 'sent' }, orderBy: { scheduledAt: 'asc' } });
    return rows.map((n) => `${n.action} ${formatInstant(n.scheduledAt.getTime(), ZONE)}`);
  }

  let leichengSubmission: ObligationState;

  // The whole campaign runs once, before any test: 市城市管理和综合执法局 gets an extension to 10-20 on 10-10 at
  // 16:00, 雷城街道 submits on 10-11, nobody else acts, and the clock runs to mid-November. Each test reads
  // its own part of the outcome.
  beforeAll(async () => {
    database = await freshDatabase(kind);
    r = await startRehearsal({ databaseUrl: database.url });
    await r.launch(FILE, at('2022-10-08T10:00:00+08:00'));
    await r.advanceTo(at('2022-10-10T16:00:00+08:00'));
    await actOnObligation(
      { client: r.env.client, db: r.db, searchAttributes: true },
      { campaignId: CAMPAIGN, unitId: 'chengguan', deliverableId: 'assessment-report', event: { kind: 'extend', to: '2022-10-20', reason: '国庆假期后集中报送' }, actor: 'wu' },
    );
    await r.advanceTo(at('2022-10-11T15:00:00+08:00'));
    leichengSubmission = await actOnObligation(
      { client: r.env.client, db: r.db, searchAttributes: true },
      { campaignId: CAMPAIGN, unitId: 'leicheng', deliverableId: 'assessment-report', event: { kind: 'submit', file: 'leicheng-report.pdf' }, actor: 'wu' },
    );
    await r.advanceTo(at('2022-11-15T00:00:00+08:00'));
  });
  afterAll(async () => {
    await r?.close();
    await database?.drop();
  });

  describe('seed 000: 雷州 2022 assessment', () => {
    it('accepts the town’s submission on time', () => {
      expect(leichengSubmission.status).toBe('submitted');
      expect(leichengSubmission.lateWorkingDays).toBe(0);
    });

    it('chases a department that never submits along the exact default timeline', async () => {
      expect(await sentTo('jiaoyu')).toEqual([
        'reminder 2022-10-10T09:00:00+08:00',
        'reminder 2022-10-11T09:00:00+08:00',
        'urge 2022-10-12T09:00:00+08:00',
        'notice 2022-10-14T09:00:00+08:00',
        'circulate 2022-10-18T09:00:00+08:00',
        'interview 2022-10-20T09:00:00+08:00',
      ]);
    });

    it('sends a town that submits on 10-11 its reminders and nothing after', async () => {
      // Towns are due 10-12: the 3rd working day before is Sunday 10-09, a 调休 working day.
      expect(await sentTo('leicheng')).toEqual([
        'reminder 2022-10-09T09:00:00+08:00',
        'reminder 2022-10-11T09:00:00+08:00',
      ]);
      const o = await r.db.obligation.findUniqueOrThrow({
        where: { campaignId_unitId_deliverableId: { campaignId: CAMPAIGN, unitId: 'leicheng', deliverableId: 'assessment-report' } },
      });
      expect(o).toMatchObject({ status: 'submitted', lateWorkingDays: 0, submittedFile: 'leicheng-report.pdf', escalation: 'none' });
    });

    it('delivered every notice exactly once over SMTP, in Chinese, to the right people', async () => {
      // the notices, besides the letter telling chengguan of its extension (tests/action-letters.test.ts)
      const mails = r.catcher!.messages().filter((m) => !m.headers['x-duban-key']?.includes('/message/'));
      const sent = await r.db.notice.findMany({ where: { status: 'sent' } });
      // one e-mail per letter: the 通报 of a day is one letter, recorded on the row of each obligation it lists
      expect(mails).toHaveLength(new Set(sent.map((n) => n.messageId)).size);
      expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
      // recorded on the campaign's clock: sent when due (a 通报 after its 2 minutes' grace), not at the wall-clock time
      for (const n of sent) expect(Math.abs(n.sentAt!.getTime() - n.scheduledAt.getTime())).toBeLessThan(n.action === 'circulate' ? 3 * 60_000 : 60_000);

      const forJiaoyu = mails.filter((m) => m.headers['x-duban-key']?.startsWith(`${CAMPAIGN}/jiaoyu/`));
      const urge = forJiaoyu.find((m) => m.headers['x-duban-action'] === 'urge')!;
      expect(urge.subject).toContain('提醒敦促函');
      expect(urge.to).toEqual(['jiaoyu@leizhou.example']);
      // copied to the lead department it reports to (分别报送相关牵头部门和市安委办)
      expect(urge.cc).toEqual(['yingji@leizhou.example']);
      expect(urge.text).toContain('抄送：市应急管理局。');
      expect(urge.text).toContain('2022年10月11日前');
      expect(urge.text).toContain('市教育局');
      expect(urge.text).toContain('三年行动总结评估报告及主要工作成果统计表');
      // departments report to the office and to their lead department (市应急管理局 for 教育局)
      expect(urge.text).toContain('雷州市安全生产委员会办公室、市应急管理局');
      expect(urge.text).toContain('已逾期1个工作日');

      const notice = forJiaoyu.find((m) => m.headers['x-duban-action'] === 'notice')!;
      expect(notice.subject).toContain('督办通知');
      // 主送 the unit, copied to its principal; numbered in the office's register
      expect(notice.to).toEqual(['jiaoyu@leizhou.example']);
      expect(notice.cc).toEqual(['jiaoyu.head@leizhou.example', 'yingji@leizhou.example']);
      expect(notice.text).toContain('于2022年10月17日前完成报送');
      expect(notice.text).toContain('经提醒敦促，仍未报送');
      expect(notice.text).toContain('逾期仍未报送的，将予以通报。');
      expect(notice.subject).toMatch(/【督办通知】雷安办〔2022〕\d+号 关于督促市教育局限期报送/);
      expect(notice.text).toContain('（湛安办〔2022〕170号）');
      expect(notice.text).toContain('（联系人：吴智敏，电话：8669566）');
      expect(notice.text).toContain('\n雷州市安全生产委员会办公室\n2022年10月14日\n');

      // one 通报 on 10-18 for every department late since 10-11, not one per unit
      const circulations = mails.filter((m) => m.headers['x-duban-action'] === 'circulate');
      expect(circulations.filter((m) => m.headers['x-duban-key'] === `${CAMPAIGN}/circulation/2022-10-18/0900`)).toHaveLength(1);
      expect(new Set(circulations.map((m) => m.headers['x-duban-key'])).size).toBe(circulations.length);
      const circulate = circulations.find((m) => m.headers['x-duban-key'] === `${CAMPAIGN}/circulation/2022-10-18/0900`)!;
      const listed = sent.filter((n) => n.action === 'circulate' && n.messageId === circulate.messageId);
      expect(listed.length).toBeGreaterThan(5);
      expect(listed.every((n) => n.scheduledAt.getTime() === at('2022-10-18T09:00:00+08:00'))).toBe(true);
      expect(new Set(listed.map((n) => n.documentNumber)).size).toBe(1);
      expect(circulate.subject).toMatch(/^【演练】【通报】雷安办〔2022〕\d+号 关于.+等\d+个单位未按时报送《三年行动总结评估报告及主要工作成果统计表\(附件3\)》的通报$/);
      expect(circulate.subject).toContain(`等${listed.length}个单位`);
      const units = await r.db.unit.findMany({ where: { campaignId: CAMPAIGN } });
      // 主送 every unit; 抄送 the office and the leaders the campaign names
      expect(new Set(circulate.to)).toEqual(new Set(units.map((u) => u.email)));
      expect(new Set(circulate.cc)).toEqual(new Set(['anweiban@leizhou.example', 'anweiban@zhanjiang.example', 'fushizhang@leizhou.example']));
      // each listed unit with its own deadline and days late; the town that submitted and the extended bureau are not in it
      for (const n of listed) expect(circulate.text).toContain(`${units.find((u) => u.unitId === n.unitId)!.name}：应于2022年10月11日前将`);
      expect(circulate.text).toContain('市教育局：应于2022年10月11日前将《三年行动总结评估报告及主要工作成果统计表(附件3)》报送雷州市安全生产委员会办公室、市应急管理局，经提醒敦促和督办，已逾期5个工作日仍未报送。');
      expect(listed.map((n) => n.unitId)).not.toContain('leicheng');
      expect(listed.map((n) => n.unitId)).not.toContain('chengguan');
      expect(circulate.text).not.toContain('雷城街道');
      expect(circulate.text).not.toContain('各单位应于');
      expect(circulate.text).toContain('\n雷州市安全生产委员会\n2022年10月18日\n');
      expect(circulate.text).toContain('抄送：湛江市安全生产委员会办公室，市政府分管副市长。');
      // the per-unit record: each listed obligation reached 通报, with the audit of the letter
      const reached = await r.db.obligation.findMany({ where: { campaignId: CAMPAIGN, unitId: { in: listed.map((n) => n.unitId) } } });
      expect(reached.every((o) => o.escalation === 'circulate' || o.escalation === 'interview')).toBe(true);
      const audits = await r.db.auditEvent.findMany({ where: { kind: 'notice.sent', eventKey: { in: listed.map((n) => n.businessKey) } } });
      expect(audits).toHaveLength(listed.length);
      // towns were due 10-12: their 通报 is the next day's, one letter again
      const towns = sent.filter((n) => n.action === 'circulate' && n.scheduledAt.getTime() === at('2022-10-19T09:00:00+08:00'));
      expect(towns.length).toBeGreaterThan(1);
      expect(new Set(towns.map((n) => n.messageId)).size).toBe(1);

      const interview = forJiaoyu.find((m) => m.headers['x-duban-action'] === 'interview')!;
      expect(interview.subject).toContain('约谈通知');
      expect(interview.to).toEqual(['jiaoyu.head@leizhou.example']);
      expect(interview.cc).toEqual(['jiaoyu@leizhou.example', 'anweiban@leizhou.example', 'anweiban@zhanjiang.example', 'fushizhang@leizhou.example', 'yingji@leizhou.example']);
      // a town reports to the office only: nobody else is copied on its letters
      const townIds = units.filter((u) => u.type === 'town').map((u) => u.unitId);
      const townUrges = mails.filter((m) => m.headers['x-duban-action'] === 'urge' && townIds.some((t) => m.headers['x-duban-key']?.startsWith(`${CAMPAIGN}/${t}/`)));
      expect(townUrges.length).toBeGreaterThan(0);
      for (const m of townUrges) expect(m.cc).toEqual([]);
      expect(interview.text).toContain('经提醒敦促、督办和通报，仍未报送');
      expect(interview.text).toContain('雷州市安全生产委员会决定约谈你。');
      expect(interview.text).not.toContain('贵单位主要负责人');
      // every numbered letter of the campaign has its own number
      const numbers = [...new Map(sent.filter((n) => n.action !== 'reminder').map((n) => [n.messageId, n.documentNumber])).values()];
      expect(numbers.every((n) => n && /^雷安办〔2022〕\d+号$/.test(n))).toBe(true);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(sent.filter((n) => n.action === 'reminder').every((n) => n.documentNumber === null)).toBe(true);
      const interviews = await r.db.interview.findMany({ where: { campaignId: CAMPAIGN, unitId: 'jiaoyu' } });
      expect(interviews).toHaveLength(1);
      expect(interviews[0].status).toBe('to_schedule');
    });

    it('moves the whole timeline when the deadline is extended to 10-20', async () => {
      expect(await sentTo('chengguan')).toEqual([
        'reminder 2022-10-10T09:00:00+08:00',
        'reminder 2022-10-17T09:00:00+08:00',
        'reminder 2022-10-19T09:00:00+08:00',
        'reminder 2022-10-20T09:00:00+08:00',
        'urge 2022-10-21T09:00:00+08:00',
        'notice 2022-10-25T09:00:00+08:00',
        'circulate 2022-10-27T09:00:00+08:00',
        'interview 2022-10-31T09:00:00+08:00',
      ]);
    });
  });
});
