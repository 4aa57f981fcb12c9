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
import type { SendNoticeInput, SendNoticeResult } from '../shared/contract';
import { migrateDatabase } from '../store/migrate';
import { type NoticeClaim, claimNotice, releaseNotice, renewClaim } from '../store/notices';

import { readDefinitionFile } from '../operations/definition-file';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { compileCampaign } from '../domain/compile';
import { noticeSchedule } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';

const FILE = 'examples/leizhou-2022-assessment.yaml';
describe.each(TEST_DATABASES)('on %s', (kind) => {
  let db: Db;
  let catcher: MailCatcher;
  let mailer: Mailer;
  let notices: ReturnType<typeof createNoticeActivities>;
  let schedule: ReturnType<typeof noticeSchedule>;

  let database: TestDatabase;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    catcher = await startMailCatcher();
    mailer = createMailer(catcher.smtpUrl);
    notices = createNoticeActivities({ db, mailer });
    const { def, yamlText } = readDefinitionFile(FILE);
    const compiled = compileCampaign(def, parseInstant('2022-10-08T10:00:00+08:00', def.timeZone)!);
    await storeCampaign(db, { compiled, yamlText, sourceFile: FILE, actor: 'test', clockOffsetMs: 0 });
    schedule = noticeSchedule({ policy: def.policy, calendar: compiled.calendar, timeZone: def.timeZone }, '2022-10-11');
  });
  afterAll(async () => {
    mailer?.close();
    await catcher?.close();
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
});
