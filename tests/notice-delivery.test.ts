// Exactly one e-mail per notice: when the SMTP server fails and recovers, when a finished activity runs
// again (a worker killed before reporting completion), and when an attempt dies holding the claim.
// Real SQLite and PostgreSQL, real SMTP peer; the activity runs in Temporal's activity test environment.
import { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { type Mailer, createMailer } from '../mail/mailer';
import { createNoticeActivities } from '../activities/notices';
import { type CirculationResult, type LeadDigestResult, type SendNoticeInput, type SendNoticeResult, type SendUnitMessageInput, type SendUnitMessageResult, type UnitDecision, unitMessageKey } from '../shared/contract';
import { createCirculationActivities } from '../activities/circulation';
import { createLeadDigestActivities } from '../activities/lead-digest';
import { createUnitMessageActivities } from '../activities/unit-messages';
import { robotMessage, robotRequestBody } from '../domain/channels';
import { LEAD_DIGEST, LEAD_DIGEST_NAME } from '../domain/lead-digest';
import { migrateDatabase } from '../store/migrate';
import { type ClaimRequest, type NoticeClaim, claimNotice, letterHistory, releaseNotice, renewClaim } from '../store/notices';
import { recordObligationAction } from '../store/obligations';
import { initialState } from '../domain/policy';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';

import { readDefinitionFile } from '../operations/definition-file';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { compileCampaign } from '../domain/compile';
import { INSTRUMENT_NAMES, noticeSchedule } from '../domain/policy';
import { chineseDateTime, parseInstant } from '../domain/zoned-time';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';

const FILE = 'examples/leizhou-2022-assessment.yaml';
describe.each(TEST_DATABASES)('on %s', (kind) => {
  let db: Db;
  let catcher: MailCatcher;
  let mailDir: string;
  let mailer: Mailer;
  let notices: ReturnType<typeof createNoticeActivities>;
  let schedule: ReturnType<typeof noticeSchedule>;
  let scheduleFor: (deadline: string) => ReturnType<typeof noticeSchedule>;

  let database: TestDatabase;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    mailDir = mkdtempSync(join(tmpdir(), 'duban-notice-mail-'));
    catcher = await startMailCatcher({ storeDir: mailDir });
    mailer = createMailer(catcher.smtpUrl);
    notices = createNoticeActivities({ db, mailer });
    const { def, yamlText } = readDefinitionFile(FILE);
    const compiled = compileCampaign(def, parseInstant('2022-10-08T10:00:00+08:00', def.timeZone)!);
    await storeCampaign(db, { compiled, yamlText, sourceFile: FILE, actor: 'test', clockOffsetMs: 0 });
    scheduleFor = (deadline) => noticeSchedule({ policy: def.policy, calendar: compiled.calendar, timeZone: def.timeZone }, deadline);
    schedule = scheduleFor('2022-10-11');
  });
  afterAll(async () => {
    mailer?.close();
    await catcher?.close();
    if (mailDir) rmSync(mailDir, { recursive: true, force: true });
    await db?.$disconnect();
    await database?.drop();
  });

  // Each test chases its own unit (same deadline), so no test sees another's notices.
  let input: SendNoticeInput;
  const urgeFor = (unitId: string): SendNoticeInput => ({
    campaignId: 'leizhou-2022-assessment',
    unitId,
    deliverableId: 'assessment-report',
    notice: schedule.find((s) => s.action === 'urge')!,
    clockOffsetMs: 0,
  });
  const forInput = () => catcher.messages().filter((m) => m.headers['x-duban-key']?.includes(`/${input.unitId}/`));
  const run = () => new MockActivityEnvironment().run(notices.sendNotice, input) as Promise<SendNoticeResult>;

  describe('sendNotice', () => {
    it('sends once when the SMTP server fails and then recovers', async () => {
      input = urgeFor('jiaoyu');
      catcher.failNext(2);
      await expect(run()).rejects.toThrow(/451|temporary/);
      await expect(run()).rejects.toThrow(/451|temporary/);
      const third = await run();
      expect(third.outcome).toBe('sent');
      expect(forInput()).toHaveLength(1);
      const row = await db.notice.findUniqueOrThrow({ where: { businessKey: third.businessKey } });
      expect(row).toMatchObject({ status: 'sent', attempts: 3 });
      const audit = await db.auditEvent.findMany({ where: { eventKey: third.businessKey } });
      expect(audit).toHaveLength(1);
    });

    it('sends nothing the second time when a completed activity runs again', async () => {
      input = urgeFor('gongan');
      const first = await run();
      const again = await run();
      expect(first.outcome).toBe('sent');
      expect(again).toEqual({ businessKey: first.businessKey, outcome: 'already-sent' });
      expect(forInput()).toHaveLength(1);
      expect(await db.auditEvent.count({ where: { eventKey: first.businessKey } })).toBe(1);
      const o = await db.obligation.findUniqueOrThrow({
        where: { campaignId_unitId_deliverableId: { campaignId: input.campaignId, unitId: input.unitId, deliverableId: input.deliverableId } },
      });
      expect(o.escalation).toBe('urge');
    });

    it('does not send while another attempt holds the claim, and resends with the same Message-ID once the claim lapses', async () => {
      input = urgeFor('minzheng');
      catcher.failNext(1);
      await expect(run()).rejects.toThrow();
      const key = `${input.campaignId}/${input.unitId}/${input.deliverableId}/${input.notice.key}`;
      // an attempt that died mid-send leaves the claim with a live lease
      await db.notice.update({ where: { businessKey: key }, data: { status: 'sending', leaseUntil: new Date(Date.now() + 60_000) } });
      const held = await run().then(() => undefined, (e: unknown) => e);
      expect(held).toBeInstanceOf(ApplicationFailure);
      expect(held).toMatchObject({ type: 'NOTICE_CLAIMED', nonRetryable: false, message: expect.stringMatching(/being sent by another attempt/) });
      // Temporal is asked to come back just after the other attempt's lease ends, not on its own backoff
      const delay = Number((held as ApplicationFailure).nextRetryDelay);
      expect(delay).toBeGreaterThan(55_000);
      expect(delay).toBeLessThan(62_000);
      expect(forInput()).toHaveLength(0);
      await db.notice.update({ where: { businessKey: key }, data: { leaseUntil: new Date(Date.now() - 1) } });
      const result = await run();
      expect(result.outcome).toBe('sent');
      const mails = forInput();
      expect(mails).toHaveLength(1);
      const row = await db.notice.findUniqueOrThrow({ where: { businessKey: key } });
      expect(mails[0].messageId).toBe(row.messageId);
    });

    it('sends nothing for an obligation the database already shows as submitted', async () => {
      input = urgeFor('shuiwu');
      const where = { campaignId_unitId_deliverableId: { campaignId: input.campaignId, unitId: input.unitId, deliverableId: input.deliverableId } };
      await db.obligation.update({ where, data: { status: 'submitted' } });
      expect(await run()).toMatchObject({ outcome: 'skipped', reason: 'obligation is submitted' });
      expect(forInput()).toHaveLength(0);
      expect(await db.notice.count({ where: { unitId: input.unitId } })).toBe(0);
    });

    it('sends nothing for a deadline that has since been extended', async () => {
      input = urgeFor('wenlv');
      const where = { campaignId_unitId_deliverableId: { campaignId: input.campaignId, unitId: input.unitId, deliverableId: input.deliverableId } };
      await db.obligation.update({ where, data: { due: '2022-10-20' } });
      expect(await run()).toMatchObject({ outcome: 'skipped', reason: 'deadline is now 2022-10-20' });
      expect(forInput()).toHaveLength(0);
    });

    it('drops a reminder delayed past its deadline, but still sends a delayed escalation dated the day it goes out', async () => {
      input = urgeFor('weijian');
      // offset 0: the campaign clock is today's wall clock, years after the 2022 deadline
      input = { ...input, notice: schedule.find((s) => s.action === 'reminder')! };
      expect(await run()).toMatchObject({ outcome: 'skipped', reason: 'reminder for 2022-10-11 is stale' });
      input = { ...input, notice: schedule.find((s) => s.action === 'notice')! };
      expect(await run()).toMatchObject({ outcome: 'sent' });
      const mails = forInput();
      expect(mails).toHaveLength(1);
      const today = new Date().toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric' });
      const [y, m, d] = today.split('/');
      expect(mails[0].text).toContain(`${y}年${m}月${d}日`);
    });

    it('fails permanently, with its code, for a campaign the database does not know; an SMTP refusal stays retryable', async () => {
      input = urgeFor('shijian');
      const activities = createActivities({ db, mailer, client: new Client(), taskQueue: 'unused', searchAttributes: false });
      const send = (i: SendNoticeInput) => new MockActivityEnvironment().run(activities.sendNotice, i).then(() => undefined, (e: unknown) => e);
      const unknown = await send({ ...input, campaignId: 'nosuch' });
      expect(unknown).toBeInstanceOf(ApplicationFailure);
      expect(unknown).toMatchObject({ type: 'UNKNOWN_CAMPAIGN', nonRetryable: true });
      catcher.failNext(1);
      const refused = await send(input);
      expect(refused).toBeInstanceOf(Error);
      expect(refused).not.toBeInstanceOf(ApplicationFailure);
      expect(forInput()).toHaveLength(0);
    });

    it('completes the record, and sends nothing, after an attempt that died between the server accepting and the record', async () => {
      input = urgeFor('ziranziyuan');
      const first = await run();
      expect(first.outcome).toBe('sent');
      // the state such a crash leaves: the notice marked sent, nothing that follows from it recorded yet
      await db.auditEvent.deleteMany({ where: { eventKey: first.businessKey } });
      await db.obligation.updateMany({ where: { campaignId: input.campaignId, unitId: input.unitId }, data: { escalation: 'none' } });
      expect(await run()).toEqual({ businessKey: first.businessKey, outcome: 'already-sent' });
      expect(forInput()).toHaveLength(1);
      expect(await db.auditEvent.count({ where: { eventKey: first.businessKey, kind: 'notice.sent' } })).toBe(1);
      const o = await db.obligation.findFirstOrThrow({ where: { campaignId: input.campaignId, unitId: input.unitId } });
      expect(o.escalation).toBe('urge');
    });

    it('keeps its claim through a slow SMTP conversation, so no other attempt sends meanwhile', async () => {
      input = urgeFor('jiaojing');
      const lease = { leaseMs: 1_500, renewMs: 500 }; // the production lease, scaled down
      const short = createNoticeActivities({ db, mailer, noticeLease: lease });
      catcher.delayNext(1, lease.leaseMs + 4 * lease.renewMs);
      const slow = new MockActivityEnvironment().run(short.sendNotice, input) as Promise<SendNoticeResult>;
      await new Promise((resolve) => setTimeout(resolve, lease.leaseMs + 2 * lease.renewMs));
      // past the first lease: only a renewed claim keeps a second attempt out
      await expect(run()).rejects.toThrow(/being sent by another attempt/);
      expect((await slow).outcome).toBe('sent');
      expect(forInput()).toHaveLength(1);
    });

    it('tells a retry that its letter went out, even after the obligation was submitted meanwhile', async () => {
      input = urgeFor('gongxiao');
      const first = await run();
      expect(first.outcome).toBe('sent');
      await db.obligation.updateMany({ where: { campaignId: input.campaignId, unitId: input.unitId }, data: { status: 'submitted' } });
      const retry = (await new MockActivityEnvironment({ attempt: 2 }).run(notices.sendNotice, input)) as SendNoticeResult;
      expect(retry).toEqual({ businessKey: first.businessKey, outcome: 'already-sent' });
      expect(forInput()).toHaveLength(1);
    });

    it('lets only the attempt that holds a claim renew or release it', async () => {
      const claim: NoticeClaim = {
        businessKey: `${input.campaignId}/chengguan/token-test`,
        campaignId: input.campaignId,
        unitId: 'chengguan',
        deliverableId: 'assessment-report',
        deadline: '2022-10-11',
        action: 'urge',
        scheduledAt: new Date(),
        letter: { reason: 'r', to: ['a@x.example'], cc: [], subject: 's', text: 't', messageId: '<m@duban>' },
      };
      const stale = await claimNotice(db, claim, { leaseMs: 1, renewMs: 1 });
      await new Promise((resolve) => setTimeout(resolve, 10)); // its lease lapses: a retry takes the claim over
      const current = await claimNotice(db, claim);
      if (stale === 'already-sent' || current === 'already-sent') throw new Error('nothing was sent');
      expect(await renewClaim(db, stale)).toBe(false);
      await releaseNotice(db, stale);
      expect(await db.notice.findUniqueOrThrow({ where: { businessKey: claim.businessKey } })).toMatchObject({ status: 'sending', claimToken: current.token });
      expect(await renewClaim(db, current)).toBe(true);
    });
  });

  describe('发文字号', () => {
    const request = (key: string, numbering: ClaimRequest['numbering'], campaignId = 'leizhou-2022-assessment'): ClaimRequest => ({
      businessKey: key,
      campaignId,
      unitId: 'chengguan',
      deliverableId: 'assessment-report',
      deadline: '2022-10-11',
      action: 'notice',
      scheduledAt: new Date(),
      letter: (n) => ({ reason: 'r', to: ['a@x.example'], cc: [], subject: `【督办通知】${n ?? ''}`, text: `${n ?? ''}\n正文`, messageId: `<${key}@duban>` }),
      numbering,
    });
    const numberOf = async (key: string) => (await db.notice.findUniqueOrThrow({ where: { businessKey: key } })).documentNumber;

    it('gives concurrent claims distinct numbers, in one register per prefix and year, with no gap', async () => {
      const numbering = { prefix: '并发办', year: 2022, from: 1 };
      const held = await Promise.all(Array.from({ length: 24 }, (_, i) => claimNotice(db, request(`seq/concurrent/${i}`, numbering))));
      const numbers = held.map((h) => (h === 'already-sent' ? '' : h.claim.documentNumber));
      expect(new Set(numbers).size).toBe(24);
      expect(numbers.map((n) => Number(/〔2022〕(\d+)号$/.exec(n!)![1])).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      // the number is in the letter as claimed and on its row
      for (const h of held) {
        if (h === 'already-sent') throw new Error('nothing was sent');
        expect(h.claim.letter.subject).toBe(`【督办通知】${h.claim.documentNumber}`);
        expect(await numberOf(h.businessKey)).toBe(h.claim.documentNumber);
      }
    });

    it('keeps a claim’s number through a release, a lapse and a take-over; the same key claimed at once takes one number', async () => {
      const numbering = { prefix: '重试办', year: 2022, from: 1 };
      const first = await claimNotice(db, request('seq/retry', numbering), { leaseMs: 1, renewMs: 1 });
      if (first === 'already-sent') throw new Error('nothing was sent');
      expect(first.claim.documentNumber).toBe('重试办〔2022〕1号');
      await new Promise((resolve) => setTimeout(resolve, 10)); // the attempt died: its lease lapses
      const takeover = await claimNotice(db, request('seq/retry', numbering));
      if (takeover === 'already-sent') throw new Error('nothing was sent');
      expect(takeover.claim.documentNumber).toBe('重试办〔2022〕1号');
      expect(takeover.claim.letter.text.startsWith('重试办〔2022〕1号\n')).toBe(true);
      await releaseNotice(db, takeover); // an SMTP refusal
      const retry = await claimNotice(db, request('seq/retry', numbering));
      if (retry === 'already-sent') throw new Error('nothing was sent');
      expect(retry.claim.documentNumber).toBe('重试办〔2022〕1号');
      // racing attempts of one key: one wins the insert, the other's number goes back to the register
      const race = await Promise.allSettled([claimNotice(db, request('seq/race', numbering)), claimNotice(db, request('seq/race', numbering))]);
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await numberOf('seq/race')).toBe('重试办〔2022〕2号');
      const next = await claimNotice(db, request('seq/after-race', numbering));
      expect(next !== 'already-sent' && next.claim.documentNumber).toBe('重试办〔2022〕3号');
      expect(await db.documentSequence.findUniqueOrThrow({ where: { prefix_year: { prefix: '重试办', year: 2022 } } })).toMatchObject({ last: 3 });
    });

    it('shares one register between two campaigns of one prefix; another year or prefix has its own; `from` starts above the hand register', async () => {
      const a = await claimNotice(db, request('seq/two/a', { prefix: '共用办', year: 2022, from: 1 }, 'campaign-a'));
      const b = await claimNotice(db, request('seq/two/b', { prefix: '共用办', year: 2022, from: 1 }, 'campaign-b'));
      const c = await claimNotice(db, request('seq/two/c', { prefix: '共用办', year: 2023, from: 1 }, 'campaign-b'));
      const d = await claimNotice(db, request('seq/two/d', { prefix: '另办', year: 2022, from: 171 }, 'campaign-b'));
      const e = await claimNotice(db, request('seq/two/e', { prefix: '另办', year: 2022, from: 171 }, 'campaign-a'));
      expect([a, b, c, d, e].map((h) => (h === 'already-sent' ? '' : h.claim.documentNumber))).toEqual([
        '共用办〔2022〕1号',
        '共用办〔2022〕2号',
        '共用办〔2023〕1号',
        '另办〔2022〕171号',
        '另办〔2022〕172号',
      ]);
    });

    it('a retried sendNotice sends the number it was first given; a reminder takes none', async () => {
      input = { ...urgeFor('xincheng'), notice: scheduleFor('2022-10-12').find((s) => s.action === 'notice')! };
      catcher.failNext(1);
      await expect(run()).rejects.toThrow(/451|temporary/);
      const key = `${input.campaignId}/${input.unitId}/${input.deliverableId}/${input.notice.key}`;
      const claimed = await numberOf(key);
      expect(claimed).toMatch(/^雷安办〔2022〕\d+号$/);
      expect((await run()).outcome).toBe('sent');
      const mails = forInput();
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toBe(`【督办通知】${claimed} 关于督促新城街道限期报送《三年行动总结评估报告及主要工作成果统计表(附件3)》的督办通知`);
      expect(mails[0].text.split('\n')[0]).toBe(claimed);
      expect(await numberOf(key)).toBe(claimed);
      // the same letter as a .docx, named by its title
      const raw = await simpleParser(readFileSync(join(mailDir, `${String(mails[0].seq).padStart(6, '0')}.eml`)));
      expect(raw.attachments.map((a) => a.filename)).toEqual(['关于督促新城街道限期报送《三年行动总结评估报告及主要工作成果统计表(附件3)》的督办通知.docx']);
      const [docx] = raw.attachments;
      expect(docx.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      expect(docx.content.subarray(0, 2).toString()).toBe('PK');
    });
  });

  describe('what the letters read from the record', () => {
    it('a letter after a 退回 says so, with its day, reason and new deadline; the steps taken are those sent for this deadline', async () => {
      const unitId = 'xihu';
      const base = { campaignId: 'leizhou-2022-assessment', unitId, deliverableId: 'assessment-report' };
      const before = initialState('2022-10-12', 0);
      await recordObligationAction(
        db,
        { ...base, actionKey: 'test/xihu/return', event: { kind: 'return', to: '2030-01-10', reason: '统计表数据不完整' }, actor: 'wu', at: parseInstant('2022-10-13T10:00:00+08:00', 'Asia/Shanghai')! },
        { ...before, status: 'submitted' },
        { ...before, deadline: '2030-01-10' },
        '退回',
      );
      const history = await letterHistory(db, base.campaignId, unitId, base.deliverableId, '2030-01-10', 'Asia/Shanghai');
      expect(history).toMatchObject({ stepsTaken: [], returned: { on: '2022-10-13', to: '2030-01-10', reason: '统计表数据不完整' } });
      expect(history.extended).toBeUndefined();
      input = { ...base, notice: scheduleFor('2030-01-10').find((s) => s.action === 'reminder')!, clockOffsetMs: 0 };
      expect((await run()).outcome).toBe('sent');
      const [mail] = forInput();
      expect(mail.text).toContain('贵单位报送的《三年行动总结评估报告及主要工作成果统计表(附件3)》已于2022年10月13日退回修改（退回原因：统计表数据不完整），要求于2030年1月10日前修改完善后重新报送');
      expect(mail.text).not.toContain('尚未收到贵单位报送的材料');
    });
  });

  // The letters of docs/letters.md, as sendNotice sends them on the campaign's own dates (a clock offset makes the
  // activity read its scheduled time, as in a rehearsal) into a database of their own, so their 发文字号 start at 1.
  // DUBAN_WRITE_LETTERS_DOC=1 rewrites the page; otherwise the page must be what they are.
  describe('docs/letters.md', () => {
    it.runIf(kind === 'sqlite')('shows each kind of letter of seed 000 exactly as sent', async () => {
      const own = await freshDatabase('sqlite');
      await migrateDatabase(own.url);
      const ownDb = createDb(own.url);
      try {
        const { def, yamlText } = readDefinitionFile(FILE);
        const compiled = compileCampaign(def, parseInstant('2022-10-08T10:00:00+08:00', def.timeZone)!);
        await storeCampaign(ownDb, { compiled, yamlText, sourceFile: FILE, actor: 'test', clockOffsetMs: 1 });
        const sender = createNoticeActivities({ db: ownDb, mailer, publicUrl: 'https://duban.example.gov.cn' });
        const circulation = createCirculationActivities({ db: ownDb, mailer, client: {} as Client, taskQueue: 'unused' });
        const sections: string[] = [];
        let digestSection = '';
        let supervisionSubject = '';
        for (const action of ['reminder', 'urge', 'notice', 'circulate', 'interview'] as const) {
          const notice = schedule.filter((n) => n.action === action).at(-1)!;
          let key: string;
          if (action === 'circulate') {
            // the day's one 通报, listing every unit still late (activities/circulation.ts), 2 minutes after its step
            const env = new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: notice.at + 2 * 60_000 - 1 });
            const day = notice.key.split('/').at(-1)!;
            const result = (await env.run(circulation.sendCirculation, { campaignId: def.id, day, at: notice.at, clockOffsetMs: 1 })) as CirculationResult;
            expect(result.outcome).toBe('sent');
            key = result.circulationKey;
          } else {
            const env = new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: notice.at - 1 });
            const result = (await env.run(sender.sendNotice, { campaignId: def.id, unitId: 'jiaoyu', deliverableId: 'assessment-report', notice, clockOffsetMs: 1 })) as SendNoticeResult;
            expect(result.outcome).toBe('sent');
            key = result.businessKey;
          }
          const mail = catcher.messages().filter((m) => m.headers['x-duban-key'] === key).at(-1)!;
          if (action === 'notice') supervisionSubject = mail.subject;
          const text = mail.text.replace(/\/u\/[\w.-]+/g, '/u/<市教育局的链接>').trimEnd();
          sections.push(
            [`## ${INSTRUMENT_NAMES[action]} (\`${action}\`)`, '', `- 主题: ${mail.subject}`, `- 收件人: ${mail.to.join(', ')}`, `- 抄送: ${mail.cc.join(', ') || '—'}`, '', '```text', text, '```'].join('\n'),
          );
          if (action === 'urge') {
            // 市应急管理局's list of its departments not yet in, 2 minutes after the day's 提醒敦促函 (activities/lead-digest.ts),
            // each of its departments having had that morning's 提醒敦促函, as in a running campaign
            for (const unitId of ['gongdian', 'minzheng', 'shijian']) {
              const env = new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: notice.at - 1 });
              await env.run(sender.sendNotice, { campaignId: def.id, unitId, deliverableId: 'assessment-report', notice, clockOffsetMs: 1 });
            }
            const digests = createLeadDigestActivities({ db: ownDb, mailer, client: {} as Client, taskQueue: 'unused', searchAttributes: false });
            const env = new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: notice.at + 2 * 60_000 - 1 });
            const input = { campaignId: def.id, leadId: 'yingji', deliverableId: 'assessment-report', deadline: notice.deadline, at: notice.at, clockOffsetMs: 1 };
            const result = (await env.run(digests.sendLeadDigest, input)) as LeadDigestResult;
            expect(result.outcome).toBe('sent');
            const digest = catcher.messages().filter((m) => m.headers['x-duban-key'] === result.messageKey).at(-1)!;
            digestSection = [
              `## ${LEAD_DIGEST_NAME} (\`${LEAD_DIGEST}\`)`,
              '',
              `- 主题: ${digest.subject}`,
              `- 收件人: ${digest.to.join(', ')}`,
              `- 抄送: ${digest.cc.join(', ') || '—'}`,
              '',
              '```text',
              digest.text.trimEnd(),
              '```',
            ].join('\n');
          }
        }
        sections.push(digestSection);

        // the letters telling 市教育局 of the office's decisions (activities/unit-messages.ts), on the days they were taken
        const messages = createUnitMessageActivities({ db: ownDb, mailer, publicUrl: 'https://duban.example.gov.cn' });
        const decisions: [string, UnitDecision, string][] = [
          ['extension-request-1-approved', { kind: 'extension-approved', requestId: 1, requestedTo: '2022-10-14', to: '2022-10-14' }, '2022-10-10T15:00:00+08:00'],
          ['extension-request-2-refused', { kind: 'extension-refused', requestId: 2, requestedTo: '2022-10-28', reason: '市安委办需于10月14日汇总上报，时间不能再延', deadline: '2022-10-14' }, '2022-10-12T16:00:00+08:00'],
          ['extended-2022-10-13', { kind: 'extended', from: '2022-10-14', to: '2022-10-18', reason: '配合市委巡察工作' }, '2022-10-13T11:00:00+08:00'],
          ['returned-2022-10-17', { kind: 'returned', submittedOn: '2022-10-17', reason: '主要工作成果统计表数据不完整', to: '2022-10-19' }, '2022-10-17T17:00:00+08:00'],
          ['waived-2022-10-19', { kind: 'waived', reason: '该项工作已由市应急管理局统一报送' }, '2022-10-19T10:00:00+08:00'],
        ];
        for (const [key, decision, when] of decisions) {
          const env = new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: parseInstant(when, def.timeZone)! });
          const input: SendUnitMessageInput = { campaignId: def.id, unitId: 'jiaoyu', deliverableId: 'assessment-report', key, decision };
          expect(((await env.run(messages.sendUnitMessage, input)) as SendUnitMessageResult).outcome).toBe('sent');
          const mail = catcher.messages().filter((m) => m.headers['x-duban-key'] === unitMessageKey(input)).at(-1)!;
          const title = /^【([^】]+)】/.exec(mail.subject)?.[1] ?? mail.subject;
          const text = mail.text.replace(/\/u\/[\w.-]+/g, '/u/<市教育局的链接>').trimEnd();
          sections.push([`## ${title} (\`${decision.kind}\`)`, '', `- 主题: ${mail.subject}`, `- 收件人: ${mail.to.join(', ')}`, `- 抄送: ${mail.cc.join(', ') || '—'}`, '', '```text', text, '```'].join('\n'));
        }

        // what a unit's group robot receives with the 督办通知 (activities/channels.ts): the body posted to a 企业微信 robot
        const robot = robotMessage({
          subject: supervisionSubject,
          unitName: '市教育局',
          email: 'jiaoyu@leizhou.example',
          sentOn: chineseDateTime(schedule.filter((n) => n.action === 'notice').at(-1)!.at, def.timeZone),
          deadline: '2022-10-11',
          portalUrl: 'https://duban.example.gov.cn/u/<市教育局的链接>',
        });
        sections.push(['## 群机器人消息 (group robot)', '', '```json', JSON.stringify(JSON.parse(robotRequestBody('wecom', robot)), null, 2), '```', '', robot.text].join('\n'));
        const page = [
          '# The letters',
          '',
          'Every kind of letter duban sends, for 市教育局 in the 雷州 2022 assessment (seed 000, `examples/leizhou-2022-assessment.yaml`),',
          'launched on 2022-10-08 at 10:00 and never submitted, on the days the default ladder sends them. This page is the',
          'output of `sendNotice` itself (the test "docs/letters.md" in `tests/notice-delivery.test.ts` sends these letters',
          'through a mail catcher and fails when this page differs; `DUBAN_WRITE_LETTERS_DOC=1` rewrites it). The e-mail body is',
          '`officialLetterText` of the letter (`letters/official.ts`); only the unit\'s signed link is shortened here.',
          '',
          'What each letter says is decided by the record (`letters/render.ts`): a step is threatened only when the',
          'deliverable\'s ladder has it; a step is said to have been taken only when its letter went out for this deadline; a',
          '退回 or an approved 延期 is stated with its day (and a return with its reason); a 通报 states the late unit\'s own',
          'deadline. `tests/letters.test.ts` renders every kind under the default ladder and 洮南\'s ladder without 通报, after',
          'returns and extensions, and for a town with two principals.',
          '',
          'The 通报 is one letter per campaign and day (`sendCirculation`, `letters/circulation.ts`): it lists every unit',
          'still late at that step that day — here every department due on 10月11日, since none submitted — each with its own',
          'deadline, days late and the steps taken, 主送 all units and 抄送 the leaders the campaign names.',
          '',
          'The 报送情况函 goes to a lead department (牵头部门) the working day after the deadline of the departments that report',
          'to it (分别报送相关牵头部门和市安委办), 2 minutes after that morning\'s 提醒敦促函 (`sendLeadDigest`,',
          '`letters/lead-digest.ts`): here 市应急管理局, none of whose four departments has submitted. It names each late',
          'department with its deadline as the record has it, working days late and the office\'s last step, then who is in',
          '(and who was given more time or waived), and the lead department\'s own deadline; when all are in it says so',
          '(`tests/lead-digest.test.ts`). It is not numbered: a working letter, like the 提醒.',
          '',
          'An operator\'s decision on an obligation is told to the unit by its own letter, exactly once (`sendUnitMessage`,',
          '`letters/decisions.ts`): a 延期 granted or refused on the unit\'s request, a 延期 by the office, a 退回 with its',
          'reason and new deadline, a 免报. A unit with group robots (企业微信, 政务微信, 钉钉) also gets every letter there, as a',
          'short markdown message pointing to the e-mailed 公文 and its portal link (`activities/channels.ts`), the last',
          'section below. The 报送情况通报 for a date is issued by the office itself from the console or `duban report`',
          '(`letters/progress-report.ts`); it is not e-mailed by duban.',
          '',
          ...sections.flatMap((x) => [x, '']),
        ].join('\n');
        if (process.env.DUBAN_WRITE_LETTERS_DOC) writeFileSync('docs/letters.md', page);
        expect(readFileSync('docs/letters.md', 'utf8')).toBe(page);
      } finally {
        await ownDb.$disconnect();
        await own.drop();
      }
    });
  });
});
