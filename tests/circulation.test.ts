// The consolidated 通报 (activities/circulation.ts sendCirculation) against a real database (both kinds) and a real
// SMTP sink: one letter for the day listing every unit still late, decided at send time, sent once however often the
// activity runs or fails; each listed obligation's record as a sent 通报 leaves it. The workflows around it run in
// tests/seed000-workflows.test.ts (one 通报 on 10-18 for every late department).
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCirculationActivities } from '../activities/circulation';
import { compileCampaign } from '../domain/compile';
import { parseInstant } from '../domain/zoned-time';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { type Mailer, createMailer } from '../mail/mailer';
import { readDefinitionFile } from '../operations/definition-file';
import type { CirculationInput, CirculationResult } from '../shared/contract';
import { storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';

const FILE = 'examples/leizhou-2022-assessment.yaml';
const CAMPAIGN = 'leizhou-2022-assessment';
const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const KEY = `${CAMPAIGN}/circulation/2022-10-18/0900`;

describe.each(TEST_DATABASES)('on %s', (kind) => {
  let database: TestDatabase;
  let db: Db;
  let catcher: MailCatcher;
  let mailDir: string;
  let mailer: Mailer;
  let activities: ReturnType<typeof createCirculationActivities>;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    mailDir = mkdtempSync(join(tmpdir(), 'duban-circulation-mail-'));
    catcher = await startMailCatcher({ storeDir: mailDir });
    mailer = createMailer(catcher.smtpUrl);
    const { def, yamlText } = readDefinitionFile(FILE);
    // a clock offset makes the activity read its attempt's scheduled time as campaign time, as in a rehearsal
    await storeCampaign(db, { compiled: compileCampaign(def, at('2022-10-08T10:00:00+08:00')), yamlText, sourceFile: FILE, actor: 'test', clockOffsetMs: 1 });
    activities = createCirculationActivities({ db, mailer, client: {} as Client, taskQueue: 'unused' });
  });
  afterAll(async () => {
    mailer?.close();
    await catcher?.close();
    if (mailDir) rmSync(mailDir, { recursive: true, force: true });
    await db?.$disconnect();
    await database?.drop();
  });

  const input: CirculationInput = { campaignId: CAMPAIGN, day: '2022-10-18', at: at('2022-10-18T09:00:00+08:00'), clockOffsetMs: 1 };
  const run = (attempt = 1) =>
    new MockActivityEnvironment({ attempt, currentAttemptScheduledTimestampMs: input.at + 2 * 60_000 - 1 }).run(activities.sendCirculation, input) as Promise<CirculationResult>;
  const caught = () => catcher.messages().filter((m) => m.headers['x-duban-key'] === KEY);
  const obligation = (unitId: string) => ({ campaignId_unitId_deliverableId: { campaignId: CAMPAIGN, unitId, deliverableId: 'assessment-report' } });

  it('sends one 通报 for the day, listing every department still late, once through a refusal and a rerun', async () => {
    // before the send: 市民政局 submitted (after its 通报 step was due), 市公安局 was given until 10-20
    await db.obligation.update({ where: obligation('minzheng'), data: { status: 'submitted', submittedAt: new Date(at('2022-10-18T09:01:00+08:00')) } });
    await db.obligation.update({ where: obligation('gongan'), data: { due: '2022-10-20', extended: true } });

    catcher.failNext(1);
    await expect(run()).rejects.toThrow(/451|temporary/);
    expect(caught()).toHaveLength(0);
    const claimed = await db.circulation.findUniqueOrThrow({ where: { circulationKey: KEY } });
    expect(claimed.status).toBe('claimed');
    expect(claimed.documentNumber).toMatch(/^雷安办〔2022〕\d+号$/);

    const sent = await run(2);
    expect(sent.outcome).toBe('sent');
    const again = await run(3);
    expect(again.outcome).toBe('already-sent');
    expect(again.listed).toEqual(sent.listed);
    expect(caught()).toHaveLength(1);

    const [mail] = caught();
    const units = await db.unit.findMany({ where: { campaignId: CAMPAIGN } });
    const departments = units.filter((u) => u.type !== 'town' && !['minzheng', 'gongan'].includes(u.unitId));
    const departmentsDue11 = (await db.obligation.findMany({ where: { campaignId: CAMPAIGN, due: '2022-10-11' } })).map((o) => o.unitId);
    expect(sent.listed.map((k) => k.split('/')[1]).sort()).toEqual(departmentsDue11.filter((u) => departments.some((d) => d.unitId === u)).sort());
    // To every unit, Cc the leaders the campaign names (and the office); its number kept from the refused attempt
    expect(new Set(mail.to)).toEqual(new Set(units.map((u) => u.email)));
    expect(new Set(mail.cc)).toEqual(new Set(['anweiban@leizhou.example', 'anweiban@zhanjiang.example', 'fushizhang@leizhou.example']));
    expect(mail.subject).toBe(`【通报】${claimed.documentNumber} 关于市城市管理和综合执法局等${sent.listed.length}个单位未按时报送《三年行动总结评估报告及主要工作成果统计表(附件3)》的通报`);
    expect(mail.text).toContain('各镇（街道）、各有关单位：');
    expect(mail.text).toContain('市教育局：应于2022年10月11日前将《三年行动总结评估报告及主要工作成果统计表(附件3)》报送雷州市安全生产委员会办公室、市应急管理局，已逾期5个工作日仍未报送。');
    expect(mail.text).not.toContain('市民政局：');
    expect(mail.text).not.toContain('市公安局：');
    expect(mail.text).toContain('\n雷州市安全生产委员会\n2022年10月18日\n');
    expect(mail.text).toContain('抄送：湛江市安全生产委员会办公室，市政府分管副市长。');
    // the letter as a .docx, named by its title
    const raw = await simpleParser(readFileSync(join(mailDir, `${String(mail.seq).padStart(6, '0')}.eml`)));
    expect(raw.attachments.map((a) => a.filename)).toEqual([`${mail.subject.replace(/^【通报】\S+ /, '')}.docx`]);
    expect(raw.attachments[0].content.subarray(0, 2).toString()).toBe('PK');

    // each listed obligation: its own Notice row, sent, carrying this letter; escalation 通报; its audit
    const rows = await db.notice.findMany({ where: { businessKey: { in: sent.listed } } });
    expect(rows).toHaveLength(sent.listed.length);
    for (const n of rows) {
      expect(n).toMatchObject({ status: 'sent', action: 'circulate', messageId: mail.messageId, documentNumber: claimed.documentNumber, deadline: '2022-10-11' });
      expect(n.scheduledAt.getTime()).toBe(input.at);
      expect(n.businessKey).toBe(`${CAMPAIGN}/${n.unitId}/assessment-report/2022-10-11/circulate/2022-10-18`);
    }
    const escalations = await db.obligation.findMany({ where: { campaignId: CAMPAIGN, unitId: { in: rows.map((n) => n.unitId) } } });
    expect(escalations.every((o) => o.escalation === 'circulate')).toBe(true);
    expect(await db.auditEvent.count({ where: { kind: 'notice.sent', eventKey: { in: sent.listed } } })).toBe(sent.listed.length);
    expect(await db.notice.count({ where: { unitId: { in: ['minzheng', 'gongan'] } } })).toBe(0);
    expect(await db.circulation.findUniqueOrThrow({ where: { circulationKey: KEY } })).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('sends nothing when no unit is late at that step', async () => {
    const none = await new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: at('2022-10-21T09:02:00+08:00') - 1 }).run(activities.sendCirculation, {
      ...input,
      day: '2022-10-21',
      at: at('2022-10-21T09:00:00+08:00'),
    });
    expect(none).toEqual({ circulationKey: `${CAMPAIGN}/circulation/2022-10-21/0900`, outcome: 'nobody', listed: [] });
  });
});
