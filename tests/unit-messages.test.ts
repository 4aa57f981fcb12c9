// A letter telling a unit of the office's decision goes out once per key: when the SMTP server fails and
// recovers, when a finished activity runs again, and while another attempt holds the claim. It moves nothing
// of the obligation (no escalation). Real SQLite and PostgreSQL, real SMTP peer, the activity in Temporal's
// activity test environment; and the words, pure.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnitMessageActivities } from '../activities/unit-messages';
import { compileCampaign } from '../domain/compile';
import { parseInstant } from '../domain/zoned-time';
import { renderDecision } from '../letters/decisions';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { type Mailer, createMailer } from '../mail/mailer';
import { readDefinitionFile } from '../operations/definition-file';
import { type SendUnitMessageInput, type SendUnitMessageResult, unitMessageKey } from '../shared/contract';
import { storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { claimUnitMessage } from '../store/unit-messages';
import { TEST_DATABASES, type TestDatabase, freshDatabase } from './support/databases';

const FILE = 'examples/leizhou-2022-assessment.yaml';
const CAMPAIGN = 'leizhou-2022-assessment';

describe.each(TEST_DATABASES)('sendUnitMessage on %s', (kind) => {
  let db: Db;
  let catcher: MailCatcher;
  let mailer: Mailer;
  let database: TestDatabase;
  let messages: ReturnType<typeof createUnitMessageActivities>;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    catcher = await startMailCatcher();
    mailer = createMailer(catcher.smtpUrl);
    messages = createUnitMessageActivities({ db, mailer, publicUrl: 'https://duban.example.gov.cn/' });
    const { def, yamlText } = readDefinitionFile(FILE);
    const compiled = compileCampaign(def, parseInstant('2022-10-08T10:00:00+08:00', def.timeZone)!);
    await storeCampaign(db, { compiled, yamlText, sourceFile: FILE, actor: 'test', clockOffsetMs: 0 });
  });
  afterAll(async () => {
    mailer?.close();
    await catcher?.close();
    await db?.$disconnect();
    await database?.drop();
  });

  const refusal = (unitId: string): SendUnitMessageInput => ({
    campaignId: CAMPAIGN,
    unitId,
    deliverableId: 'assessment-report',
    key: 'extension-request-1-refused',
    decision: { kind: 'extension-refused', requestId: 1, requestedTo: '2022-10-20', reason: '时间充足', deadline: '2022-10-11' },
  });
  const run = (input: SendUnitMessageInput) => new MockActivityEnvironment().run(messages.sendUnitMessage, input) as Promise<SendUnitMessageResult>;
  const lettersOf = (input: SendUnitMessageInput) => catcher.messages().filter((m) => m.headers['x-duban-key'] === unitMessageKey(input));
  const obligation = (unitId: string) =>
    db.obligation.findUniqueOrThrow({ where: { campaignId_unitId_deliverableId: { campaignId: CAMPAIGN, unitId, deliverableId: 'assessment-report' } } });

  it('sends once when the SMTP server fails and then recovers, and records it once', async () => {
    const input = refusal('jiaoyu');
    catcher.failNext(2);
    await expect(run(input)).rejects.toThrow(/451|temporary/);
    await expect(run(input)).rejects.toThrow(/451|temporary/);
    expect(await run(input)).toEqual({ messageKey: unitMessageKey(input), outcome: 'sent' });
    const [letter, ...more] = lettersOf(input);
    expect(more).toEqual([]);
    expect(letter.to).toEqual([(await db.unit.findUniqueOrThrow({ where: { campaignId_unitId: { campaignId: CAMPAIGN, unitId: 'jiaoyu' } } })).email]);
    expect(letter.subject).toContain('【延期申请未获批准】');
    expect(letter.text).toContain('理由：时间充足。');
    expect(letter.text).toMatch(/https:\/\/duban\.example\.gov\.cn\/u\/[\w-]+\.[\w-]+/);
    expect(await db.unitMessage.findUniqueOrThrow({ where: { messageKey: unitMessageKey(input) } })).toMatchObject({ status: 'sent', attempts: 3 });
    const audit = await db.auditEvent.findMany({ where: { eventKey: unitMessageKey(input) } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ kind: 'unit.told', unitId: 'jiaoyu', deliverableId: 'assessment-report' });
    expect(JSON.parse(audit[0].detail)).toMatchObject({ key: input.key, decision: 'extension-refused', subject: letter.subject, text: letter.text });
    // a decision letter is no notice: the obligation's escalation and the notices stay as they were
    expect(await obligation('jiaoyu')).toMatchObject({ escalation: 'none', status: 'open' });
    expect(await db.notice.count()).toBe(0);
  });

  it('sends nothing the second time when a finished activity runs again', async () => {
    const input = refusal('gongan');
    expect((await run(input)).outcome).toBe('sent');
    expect(await run(input)).toEqual({ messageKey: unitMessageKey(input), outcome: 'already-sent' });
    expect(lettersOf(input)).toHaveLength(1);
    expect(await db.auditEvent.count({ where: { eventKey: unitMessageKey(input) } })).toBe(1);
  });

  it('does not send while another attempt holds the claim, and sends once its lease has lapsed', async () => {
    const input = refusal('minzheng');
    const messageKey = unitMessageKey(input);
    const letter = { to: ['x@example'], cc: [], subject: 's', text: 't', messageId: '<m@duban>' };
    const claim = { messageKey, key: input.key, campaignId: CAMPAIGN, unitId: 'minzheng', deliverableId: 'assessment-report', kind: 'extension-refused', letter };
    await claimUnitMessage(db, claim, { leaseMs: 60_000, renewMs: 20_000 });
    const held = await run(input).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(held).toBeInstanceOf(ApplicationFailure);
    expect((held as ApplicationFailure).type).toBe('UNIT_MESSAGE_CLAIMED');
    expect((held as ApplicationFailure).nextRetryDelay).toBeTruthy();
    expect(lettersOf(input)).toHaveLength(0);
    await db.unitMessage.update({ where: { messageKey }, data: { leaseUntil: new Date(Date.now() - 1) } }); // the holder died
    expect((await run(input)).outcome).toBe('sent');
    expect(lettersOf(input)).toHaveLength(1);
    expect(await db.unitMessage.findUniqueOrThrow({ where: { messageKey } })).toMatchObject({ status: 'sent', attempts: 2, subject: lettersOf(input)[0].subject });
  });
});

describe('the words of a decision', () => {
  const facts = {
    campaignTitle: '雷州市安全生产专项整治三年行动总结评估',
    office: { name: '雷州市安委办', email: 'office@leizhou.example' },
    unit: { name: '市教育局', email: 'jiaoyu@leizhou.example' },
    deliverableName: '总结评估报告',
    submitTo: ['雷州市安委办'],
    sentAt: parseInstant('2022-10-10T15:00:00+08:00', 'Asia/Shanghai')!,
    timeZone: 'Asia/Shanghai',
  };

  it('tells an approval with the new deadline, dated the day it goes out', () => {
    const letter = renderDecision({ ...facts, decision: { kind: 'extension-approved', requestedTo: '2022-10-14', to: '2022-10-12' } });
    expect(letter.subject).toBe('【延期申请已批准】《总结评估报告》截止时间改为2022年10月12日');
    expect(letter.text).toBe(
      '关于同意市教育局延期报送《总结评估报告》的复函\n\n市教育局：\n\n' +
        '　　贵单位关于《总结评估报告》的延期申请（申请延期至2022年10月14日）已收悉。经研究，延期申请已批准，截止时间改为2022年10月12日。' +
        '根据雷州市安全生产专项整治三年行动总结评估工作安排，请于2022年10月12日前将《总结评估报告》报送雷州市安委办。\n\n雷州市安委办\n2022年10月10日\n',
    );
    expect(letter).toMatchObject({ to: ['jiaoyu@leizhou.example'], cc: [] });
  });

  it('tells a refusal with the reason and the deadline that stands, or that it has passed', () => {
    const decision = { kind: 'extension-refused', requestedTo: '2022-10-20', reason: '其他单位均已按时报送！', deadline: '2022-10-11' } as const;
    const before = renderDecision({ ...facts, decision, portalUrl: 'https://duban.example/u/a.b' });
    expect(before.subject).toBe('【延期申请未获批准】《总结评估报告》截止时间仍为2022年10月11日');
    expect(before.text).toContain('经研究，延期申请未获批准，理由：其他单位均已按时报送！请按原截止时间2022年10月11日前将《总结评估报告》报送雷州市安委办。');
    expect(before.text).toContain('\n　　https://duban.example/u/a.b\n');
    const after = renderDecision({ ...facts, decision: { ...decision, deadline: '2022-10-09' } });
    expect(after.text).toContain('原截止时间2022年10月9日已过，请立即报送雷州市安委办。');
  });
});
