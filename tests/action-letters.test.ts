// An operator's 延期, 退回 or 免报 tells the unit by letter, once per action: a retried call (the same action sent
// again, also after a crash between the Update and the letter) sends nothing twice, a new action sends a new
// letter, an extension granted on the unit's request is told by the request's letter alone, a submission tells
// nobody. The letters are caught by the rehearsal's real SMTP sink, marked as a rehearsal's.
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObligationEvent } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import type { CaughtMail } from '../mail/catcher';
import { actOnObligation } from '../operations/actions';
import { approveExtensionRequest, requestExtension } from '../operations/extension-requests';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import { withoutRehearsalMarks } from '../rehearsal/rehearsal-mail';
import { type SendUnitMessageResult, obligationActionUpdate, obligationWorkflowId, unitMessageWorkflowId } from '../shared/contract';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';

const FILE = 'examples/taonan-2022-civil-affairs.yaml';
const CAMPAIGN = 'taonan-2022-civil-affairs';
const PUBLIC_URL = 'http://duban.example';
const WORK_PLAN = '《本单位专项整治细化方案》';
const at = (iso: string) => parseInstant(iso, 'Asia/Shanghai')!;

describe.each(TEST_DATABASES)('letters for operator actions on %s', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;
  let plain: Client;

  const deps = () => ({ client: r.env.client, db: r.db, taskQueue: r.taskQueue, searchAttributes: true });
  const act = (unitId: string, event: ObligationEvent) => actOnObligation(deps(), { campaignId: CAMPAIGN, unitId, deliverableId: 'work-plan', event, actor: 'li' });
  /** The letters a unit received about its work plan (decision letters only, not notices), marks taken off. */
  const lettersTo = (unitId: string): CaughtMail[] =>
    r.catcher!
      .messages()
      .filter((m) => m.headers['x-duban-key']?.startsWith(`${CAMPAIGN}/${unitId}/work-plan/message/`))
      .map((m) => withoutRehearsalMarks(m));
  /** The keys of the letters started for a unit's work plan: one UnitMessage row each, waited on until sent. */
  async function lettersSent(unitId: string): Promise<string[]> {
    const rows = await r.db.unitMessage.findMany({ where: { campaignId: CAMPAIGN, unitId, deliverableId: 'work-plan' }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => row.messageKey.split('/message/')[1]);
  }
  /** Waits for the letter of the obligation's latest action of that kind, whose key is the action's own key in the record. */
  async function letterOfLatest(unitId: string, kind: 'extend' | 'return' | 'waive'): Promise<{ key: string; result: SendUnitMessageResult }> {
    const row = await r.db.auditEvent.findFirstOrThrow({ where: { campaignId: CAMPAIGN, unitId, deliverableId: 'work-plan', kind: `obligation.${kind}` }, orderBy: { id: 'desc' } });
    const key = `${kind}-${row.eventKey!.slice(obligationWorkflowId(CAMPAIGN, unitId, 'work-plan').length + 1).replaceAll('/', '-')}`;
    const result = await plain.workflow.getHandle(unitMessageWorkflowId({ campaignId: CAMPAIGN, unitId, deliverableId: 'work-plan', key })).result();
    return { key, result };
  }

  beforeAll(async () => {
    database = await freshDatabase(kind);
    r = await startRehearsal({ databaseUrl: database.url, publicUrl: PUBLIC_URL });
    // a plain client: waiting on it does not let the time-skipping server move the campaign's clock
    plain = new Client({ connection: r.env.connection, namespace: r.env.namespace ?? 'default' });
    await r.launch(FILE, at('2022-08-24T09:30:00+08:00'));
    await r.advanceTo(at('2022-08-25T12:00:00+08:00'));
  });
  afterAll(async () => {
    await r?.close();
    await database?.drop();
  });

  it('tells the unit of an extension: the deadline before and after, the reason, and its link; once', async () => {
    expect((await act('taofu', { kind: 'extend', to: '2022-09-02', reason: '街道正在防汛' })).deadline).toBe('2022-09-02');
    const { key, result } = await letterOfLatest('taofu', 'extend');
    expect(result.outcome).toBe('sent');
    expect(key).toMatch(/^extend-[\w-]+-action-0$/);
    const [letter, ...more] = lettersTo('taofu');
    expect(more).toEqual([]);
    expect(letter.to).toEqual(['taofu@taonan.example']);
    expect(letter.headers['x-duban-action']).toBe('extended');
    expect(letter.subject).toBe(`【延期通知】${WORK_PLAN}截止时间改为2022年9月2日`);
    expect(letter.text).toMatch(/^关于调整洮府街道报送《[^》]+》时限的通知\n\n洮府街道：\n\n　　根据洮南市民政局安全生产领域风险隐患问题专项整治工作安排，经研究，/);
    expect(letter.text).toContain(`贵单位${WORK_PLAN}的截止时间由2022年8月26日改为2022年9月2日，理由：街道正在防汛。请于2022年9月2日前将${WORK_PLAN}报送`);
    expect(letter.text).toContain(`${PUBLIC_URL}/u/`);
    expect(letter.text).toContain('2022年8月25日');

    // the same call again (its answer lost, say) is refused, and sends nothing
    await expect(act('taofu', { kind: 'extend', to: '2022-09-02', reason: '街道正在防汛' })).rejects.toMatchObject({ code: 'DATE_NOT_LATER' });
    expect(await lettersSent('taofu')).toEqual([key]);
    expect(lettersTo('taofu')).toHaveLength(1);
  });

  it('sends a letter once when the call died between the Update and the letter, and a new action a new letter', async () => {
    // the Update went through, and the process died before it told the unit
    const workflow = plain.workflow.getHandle(obligationWorkflowId(CAMPAIGN, 'taofu', 'work-plan'));
    const event: ObligationEvent = { kind: 'extend', to: '2022-09-09', reason: '排查范围扩大' };
    await workflow.executeUpdate(obligationActionUpdate, { args: [{ event, actor: 'li' }] });
    expect(await lettersSent('taofu')).toHaveLength(1);
    // the operator runs the command again: refused (already taken), and the letter goes out, once
    await expect(act('taofu', event)).rejects.toMatchObject({ code: 'DATE_NOT_LATER' });
    const second = await letterOfLatest('taofu', 'extend');
    expect(second.result.outcome).toBe('sent');
    await expect(act('taofu', event)).rejects.toMatchObject({ code: 'DATE_NOT_LATER' });
    expect(await lettersSent('taofu')).toHaveLength(2);
    expect(lettersTo('taofu').map((l) => l.subject)).toEqual([`【延期通知】${WORK_PLAN}截止时间改为2022年9月2日`, `【延期通知】${WORK_PLAN}截止时间改为2022年9月9日`]);
    expect(lettersTo('taofu')[1].text).toContain('截止时间由2022年9月2日改为2022年9月9日，理由：排查范围扩大。');

    // a genuinely new extension: a new letter under a new key
    await act('taofu', { kind: 'extend', to: '2022-09-16', reason: '排查范围扩大' });
    const third = await letterOfLatest('taofu', 'extend');
    expect(third.result.outcome).toBe('sent');
    expect(new Set([...(await lettersSent('taofu')), third.key]).size).toBe(3);
    expect(lettersTo('taofu')).toHaveLength(3);
  });

  it('tells nobody of a submission, and tells the unit of a return: the day it submitted, why, and the new deadline', async () => {
    await act('tuanjie', { kind: 'submit' });
    expect(await lettersSent('tuanjie')).toEqual([]);
    await r.advanceTo(at('2022-08-26T10:00:00+08:00'));
    await act('tuanjie', { kind: 'return', to: '2022-09-01', reason: '细化方案缺少责任分工。' });
    const { result } = await letterOfLatest('tuanjie', 'return');
    expect(result.outcome).toBe('sent');
    const [letter, ...more] = lettersTo('tuanjie');
    expect(more).toEqual([]);
    expect(letter.headers['x-duban-action']).toBe('returned');
    expect(letter.subject).toBe(`【退回修改】${WORK_PLAN}请于2022年9月1日前重新报送`);
    expect(letter.text).toContain(`团结街道：\n\n　　贵单位于2022年8月25日报送的${WORK_PLAN}经审核，因细化方案缺少责任分工退回修改，请于2022年9月1日前修改完善后重新报送`);
    expect(letter.text).toContain(`${PUBLIC_URL}/u/`);
    // returning again what is not submitted is refused, and tells nothing new
    await expect(act('tuanjie', { kind: 'return', to: '2022-09-01', reason: '细化方案缺少责任分工。' })).rejects.toMatchObject({ code: 'NOT_SUBMITTED' });
    expect(await lettersSent('tuanjie')).toHaveLength(1);
  });

  it('tells the unit of a waiver with the reason and no link, once, also when the waiver is sent again', async () => {
    await act('wafang', { kind: 'waive', reason: '机构调整，该项工作由民政局统一报送' });
    const { result } = await letterOfLatest('wafang', 'waive');
    expect(result.outcome).toBe('sent');
    // the obligation's workflow has ended: the retry is refused from the record
    await expect(act('wafang', { kind: 'waive', reason: '机构调整，该项工作由民政局统一报送' })).rejects.toMatchObject({ code: 'ALREADY_WAIVED' });
    expect(await lettersSent('wafang')).toHaveLength(1);
    const [letter, ...more] = lettersTo('wafang');
    expect(more).toEqual([]);
    expect(letter.subject).toBe(`【免报通知】贵单位无需报送${WORK_PLAN}`);
    expect(letter.text).toContain(`瓦房镇：\n\n　　根据洮南市民政局安全生产领域风险隐患问题专项整治工作安排，经研究，贵单位无需报送${WORK_PLAN}，理由：机构调整，该项工作由民政局统一报送。`);
    expect(letter.text).not.toContain('/u/');
  });

  it('tells an extension granted on the unit’s request by the request’s letter alone', async () => {
    const request = await requestExtension(r.db, { campaignId: CAMPAIGN, unitId: 'wanbao', deliverableId: 'work-plan', to: '2022-09-07', reason: '镇里正在防汛' }, await r.env.currentTimeMs());
    await approveExtensionRequest(deps(), { requestId: request.id, actor: 'li' });
    const key = `extension-request-${request.id}-approved`;
    expect(await plain.workflow.getHandle(unitMessageWorkflowId({ campaignId: CAMPAIGN, unitId: 'wanbao', deliverableId: 'work-plan', key })).result()).toMatchObject({ outcome: 'sent' });
    expect(await lettersSent('wanbao')).toEqual([key]);
    expect(lettersTo('wanbao').map((l) => l.subject)).toEqual([`【延期申请已批准】${WORK_PLAN}截止时间改为2022年9月7日`]);
    // an operator repeating the extension by hand is refused, and tells the unit nothing more
    await expect(act('wanbao', { kind: 'extend', to: '2022-09-07', reason: '批准单位延期申请：镇里正在防汛' })).rejects.toMatchObject({ code: 'DATE_NOT_LATER' });
    expect(await lettersSent('wanbao')).toEqual([key]);
  });

  it('marks every letter of the rehearsal as a rehearsal’s', () => {
    const letters = r.catcher!.messages();
    expect(letters.length).toBeGreaterThan(0);
    for (const m of letters) {
      expect(m.subject.startsWith('【演练】')).toBe(true);
      expect(m.headers['x-duban-rehearsal']).toBe('yes');
      expect(m.text.split('\n')[0]).toContain('不是正式公文');
    }
  });
});
