// Group robots beside e-mail (domain/channels.ts, activities/channels.ts, workflows/channels.ts): a real local HTTP server
// plays the 企业微信 and 钉钉 robots (钉钉's with 加签, checked), a real SMTP sink the mail server, real Temporal (time
// skipping) runs the channel workflows, on both databases. Each robot gets each letter once, through HTTP 500s and
// errcode refusals and a completed activity run again; the e-mail still goes once; a robot that never takes it is
// given up and recorded; a bad webhook in the campaign file is refused by line.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment, TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelActivities, tellRobots } from '../activities/channels';
import { createCirculationActivities } from '../activities/circulation';
import { createNoticeActivities } from '../activities/notices';
import { createUnitMessageActivities } from '../activities/unit-messages';
import { compileCampaign } from '../domain/compile';
import { DubanError } from '../domain/errors';
import { parseCampaignDefinition } from '../domain/definition';
import { noticeSchedule } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { type Mailer, createMailer } from '../mail/mailer';
import { readDefinitionFile } from '../operations/definition-file';
import { campaignHistory } from '../operations/history';
import { obligationDetail } from '../operations/obligation-detail';
import { temporalTestServerPath } from '../platform/tools';
import { CHANNEL_TRIES, type ChannelResult, type ChannelsInput, channelWorkflowId } from '../shared/channel-contract';
import { type CirculationInput, type CirculationResult, type SendNoticeInput, type SendNoticeResult, type SendUnitMessageInput, unitMessageKey } from '../shared/contract';
import { storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';

const FILE = 'examples/leizhou-2022-assessment.yaml';
const CAMPAIGN = 'leizhou-2022-assessment';
const SECRET = 'SECb7f0c2d94e1a';
const PUBLIC_URL = 'https://duban.example.gov.cn';

/** What a robot's group saw: the messages it took, and every request (refused ones too). */
interface Robots {
  url: string;
  taken: { path: string; unit: string; body: Record<string, unknown> }[];
  requests: string[];
  /** The next answers of a robot (by path prefix): an HTTP 500, or 200 with an errcode. */
  failNext(path: string, ...answers: ('http500' | 'errcode')[]): void;
  /** A robot that refuses everything. */
  broken: Set<string>;
  close(): Promise<void>;
}

async function startRobots(): Promise<Robots> {
  const planned = new Map<string, ('http500' | 'errcode')[]>();
  const robots: Omit<Robots, 'url' | 'close'> = {
    taken: [],
    requests: [],
    failNext: (path, ...answers) => planned.set(path, [...(planned.get(path) ?? []), ...answers]),
    broken: new Set(),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://robot');
      const path = url.pathname;
      robots.requests.push(path);
      const answer = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const next = planned.get(path)?.shift();
      if (next === 'http500') return answer(500, { message: 'robot down' });
      if (next === 'errcode' || robots.broken.has(path)) return answer(200, { errcode: 45009, errmsg: 'api freq out of limit' });
      if (path.startsWith('/dingtalk/')) {
        // 钉钉 加签: sign = base64(HMAC-SHA256(secret, timestamp + "\n" + secret))
        const timestamp = url.searchParams.get('timestamp') ?? '';
        const expected = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
        if (url.searchParams.get('sign') !== expected) return answer(200, { errcode: 310000, errmsg: 'sign not match' });
      }
      const unit = url.searchParams.get('key') ?? url.searchParams.get('access_token') ?? '';
      robots.taken.push({ path, unit, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      answer(200, { errcode: 0, errmsg: 'ok' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { ...robots, url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) } as Robots;
}

/** The example campaign, with robots for 市教育局 (企业微信 and 钉钉) and 市公安局 (a 政务微信 one). */
function withRobots(yaml: string, base: string): string {
  const add = (unit: string, lines: string[]) => {
    const anchor = `    email: ${unit}@leizhou.example\n`;
    if (!yaml.includes(anchor)) throw new Error(`no unit ${unit} in ${FILE}`);
    yaml = yaml.replace(anchor, `${anchor}    webhooks:\n${lines.map((l) => `      - ${l}\n`).join('')}`);
  };
  add('jiaoyu', [`{ kind: wecom, url: "${base}/wecom/jiaoyu?key=jiaoyu" }`, `{ kind: dingtalk, url: "${base}/dingtalk/jiaoyu?access_token=jiaoyu", secret: ${SECRET} }`]);
  add('gongan', [`{ kind: govwechat, url: "${base}/govwechat/gongan?key=gongan" }`]);
  return yaml;
}

describe.each(TEST_DATABASES)('group robots on %s', (kind) => {
  let database: TestDatabase;
  let db: Db;
  let catcher: MailCatcher;
  let mailer: Mailer;
  let robots: Robots;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let dir: string;
  let notices: ReturnType<typeof createNoticeActivities>;
  let messages: ReturnType<typeof createUnitMessageActivities>;
  let channels: ReturnType<typeof createChannelActivities>;
  let urge: (unitId: string) => SendNoticeInput;
  const taskQueue = `channels-${kind}`;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    dir = mkdtempSync(join(tmpdir(), 'duban-channels-'));
    catcher = await startMailCatcher({ storeDir: dir });
    mailer = createMailer(catcher.smtpUrl);
    robots = await startRobots();
    const file = join(dir, 'leizhou-robots.yaml');
    writeFileSync(file, withRobots(readFileSync(FILE, 'utf8'), robots.url));
    const { def, yamlText } = readDefinitionFile(file);
    const compiled = compileCampaign(def, parseInstant('2022-10-08T10:00:00+08:00', def.timeZone)!);
    await storeCampaign(db, { compiled, yamlText, sourceFile: file, actor: 'test', clockOffsetMs: 0 });
    const schedule = noticeSchedule({ policy: def.policy, calendar: compiled.calendar, timeZone: def.timeZone }, '2022-10-11');
    urge = (unitId) => ({ campaignId: CAMPAIGN, unitId, deliverableId: 'assessment-report', notice: schedule.find((s) => s.action === 'urge')!, clockOffsetMs: 0 });
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
    channels = createChannelActivities({ db });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: new URL('../workflows/channels.ts', import.meta.url).pathname,
      activities: channels,
    });
    running = worker.run();
    const deps = { db, mailer, client: env.client, taskQueue, publicUrl: PUBLIC_URL };
    notices = createNoticeActivities(deps);
    messages = createUnitMessageActivities(deps);
  }, 180_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    mailer?.close();
    await catcher?.close();
    await robots?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await db?.$disconnect();
    await database?.drop();
  });

  /**
   * The channel workflow's result; with DUBAN_RECORD_CHANNEL_HISTORIES=1 (on SQLite) its history is kept as
   * tests/histories/channel-v1-<name>.binpb for tests/replay.test.ts.
   */
  const channelsDone = async (letterKey: string, unitId: string, name?: string) => {
    const handle = env.client.workflow.getHandle(channelWorkflowId(letterKey, unitId));
    const result = (await handle.result()) as ChannelResult[];
    if (name && kind === 'sqlite' && process.env.DUBAN_RECORD_CHANNEL_HISTORIES === '1') {
      writeFileSync(`tests/histories/channel-v1-${name}.binpb`, proto.temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
    }
    return result;
  };
  const takenFor = (path: string) => robots.taken.filter((t) => t.path === path);
  const mailsFor = (key: string) => catcher.messages().filter((m) => m.headers['x-duban-key'] === key);

  it('tells each robot of the unit once, through HTTP 500s and errcode refusals, after the e-mail went once; a rerun tells nobody again', async () => {
    const input = urge('jiaoyu');
    catcher.failNext(1);
    await expect(new MockActivityEnvironment().run(notices.sendNotice, input)).rejects.toThrow(/451|temporary/);
    // the mail was refused: no robot hears of the letter, no channel workflow was started
    expect(robots.requests).toHaveLength(0);
    const sent = (await new MockActivityEnvironment({ attempt: 2 }).run(notices.sendNotice, input)) as SendNoticeResult;
    expect(sent.outcome).toBe('sent');
    robots.failNext('/wecom/jiaoyu', 'http500', 'errcode');
    robots.failNext('/dingtalk/jiaoyu', 'errcode');
    const results = await channelsDone(sent.businessKey, 'jiaoyu', 'notice-retried');
    expect(results.map((r) => r.outcome)).toEqual(['sent', 'sent']);
    expect(robots.requests.filter((p) => p === '/wecom/jiaoyu')).toHaveLength(3);
    expect(robots.requests.filter((p) => p === '/dingtalk/jiaoyu')).toHaveLength(2);
    const [wecom] = takenFor('/wecom/jiaoyu');
    const [dingtalk] = takenFor('/dingtalk/jiaoyu');
    const mail = mailsFor(sent.businessKey);
    expect(mail).toHaveLength(1);
    // the subject, the short body and the unit's portal link; not the 公文 itself
    expect(wecom.body).toMatchObject({ msgtype: 'markdown', markdown: { content: expect.stringContaining(`**${mail[0].subject}**`) } });
    const content = (wecom.body.markdown as { content: string }).content;
    expect(content).toContain('市教育局：上述文件已于');
    expect(content).toContain('jiaoyu@leizhou.example');
    expect(content).toMatch(/\[进入报送页面\]\(https:\/\/duban\.example\.gov\.cn\/u\/[^)]+\)/);
    expect(content.length).toBeLessThan(600);
    expect(dingtalk.body).toMatchObject({ msgtype: 'markdown', markdown: { title: mail[0].subject, text: content } });
    const rows = await db.channelDelivery.findMany({ where: { letterKey: sent.businessKey }, orderBy: { channel: 'asc' } });
    expect(rows.map((r) => [r.channel, r.kind, r.status, r.attempts])).toEqual([
      ['dingtalk-2', 'dingtalk', 'sent', 2],
      ['wecom-1', 'wecom', 'sent', 3],
    ]);

    // the activity run again (a worker lost its completion): the mail and the robots stay at one
    const again = (await new MockActivityEnvironment({ attempt: 3 }).run(notices.sendNotice, input)) as SendNoticeResult;
    expect(again.outcome).toBe('already-sent');
    const history = await env.client.workflow.getHandle(channelWorkflowId(sent.businessKey, 'jiaoyu')).fetchHistory();
    const input0 = history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    expect(JSON.stringify(JSON.parse(Buffer.from(input0!).toString('utf8')))).not.toContain('key=jiaoyu'); // no credential in Temporal
    const rerun = (await new MockActivityEnvironment().run(channels.sendToChannel, { ...(JSON.parse(Buffer.from(input0!).toString('utf8')) as ChannelsInput), channel: 'wecom-1' })) as ChannelResult;
    expect(rerun.outcome).toBe('already-sent');
    expect(mailsFor(sent.businessKey)).toHaveLength(1);
    expect(takenFor('/wecom/jiaoyu')).toHaveLength(1);
    expect(takenFor('/dingtalk/jiaoyu')).toHaveLength(1);

    // the obligation's record shows each delivery, once
    const detail = await obligationDetail(db, CAMPAIGN, 'jiaoyu', 'assessment-report');
    const told = detail.timeline.filter((t) => t.kind === 'channel.sent').map((t) => t.summary);
    expect(told).toHaveLength(2);
    expect(told).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^群机器人已送达（企业微信 wecom-1，127\\.0\\.0\\.1:\\d+）：${literal(mail[0].subject)}$`)),
        expect.stringMatching(new RegExp(`^群机器人已送达（钉钉 dingtalk-2，127\\.0\\.0\\.1:\\d+）：${literal(mail[0].subject)}$`)),
      ]),
    );
    const { entries } = await campaignHistory({ db }, { campaignId: CAMPAIGN, unitId: 'jiaoyu' });
    expect(entries.filter((e) => e.kind === 'channel.sent')).toHaveLength(2);
  }, 120_000);

  it('a robot failing never holds up the e-mail; a 政务微信 robot takes 企业微信’s message; a decision letter goes to the robots too', async () => {
    robots.broken.add('/govwechat/gongan');
    const sent = (await new MockActivityEnvironment().run(notices.sendNotice, urge('gongan'))) as SendNoticeResult;
    expect(sent.outcome).toBe('sent');
    expect(mailsFor(sent.businessKey)).toHaveLength(1);
    // the robot's last try records that it was given up, on the obligation
    const handle = env.client.workflow.getHandle(channelWorkflowId(sent.businessKey, 'gongan'));
    const started = history0(await handle.fetchHistory());
    await handle.terminate('the test tries the last attempt itself');
    const last = (await new MockActivityEnvironment({ attempt: CHANNEL_TRIES }).run(channels.sendToChannel, { ...started, channel: 'govwechat-1' })) as ChannelResult;
    expect(last.outcome).toBe('failed');
    expect(takenFor('/govwechat/gongan')).toHaveLength(0);
    const failed = await db.auditEvent.findMany({ where: { campaignId: CAMPAIGN, unitId: 'gongan', kind: 'channel.failed' } });
    expect(failed).toHaveLength(1);
    expect(failed[0].summary).toMatch(/^群机器人未能送达（政务微信 govwechat-1，127\.0\.0\.1:\d+；.*errcode 45009/);

    robots.broken.delete('/govwechat/gongan');
    const refusal: SendUnitMessageInput = {
      campaignId: CAMPAIGN,
      unitId: 'gongan',
      deliverableId: 'assessment-report',
      key: 'extension-request-1-refused',
      decision: { kind: 'extension-refused', requestId: 1, requestedTo: '2022-10-20', reason: '时间充足', deadline: '2022-10-11' },
    };
    expect((await new MockActivityEnvironment().run(messages.sendUnitMessage, refusal)) as { outcome: string }).toMatchObject({ outcome: 'sent' });
    expect(await channelsDone(unitMessageKey(refusal), 'gongan')).toEqual([expect.objectContaining({ outcome: 'sent' })]);
    const [told] = takenFor('/govwechat/gongan');
    expect(told.body).toMatchObject({ msgtype: 'markdown', markdown: { content: expect.stringContaining(mailsFor(unitMessageKey(refusal))[0].subject) } });
    expect(mailsFor(unitMessageKey(refusal))).toHaveLength(1);
  }, 120_000);

  it('tells the robots of each unit a 通报 lists, each with its own link, once; a unit it lists without robots is told by e-mail only', async () => {
    const circulations = createCirculationActivities({ db, mailer, client: env.client, taskQueue, publicUrl: PUBLIC_URL });
    const input: CirculationInput = { campaignId: CAMPAIGN, day: '2022-10-18', at: parseInstant('2022-10-18T09:00:00+08:00', 'Asia/Shanghai')!, clockOffsetMs: 0 };
    const sent = (await new MockActivityEnvironment().run(circulations.sendCirculation, input)) as CirculationResult;
    expect(sent.outcome).toBe('sent');
    const listedUnits = sent.listed.map((k) => k.split('/')[1]);
    expect(listedUnits).toEqual(expect.arrayContaining(['jiaoyu', 'gongan']));
    const [mail] = mailsFor(sent.circulationKey);
    expect(mailsFor(sent.circulationKey)).toHaveLength(1);
    const before = robots.taken.length;
    expect((await channelsDone(sent.circulationKey, 'jiaoyu', 'circulation')).map((r) => r.outcome)).toEqual(['sent', 'sent']);
    expect((await channelsDone(sent.circulationKey, 'gongan')).map((r) => r.outcome)).toEqual(['sent']);
    const told = robots.taken.slice(before);
    expect(told.map((t) => t.path).sort()).toEqual(['/dingtalk/jiaoyu', '/govwechat/gongan', '/wecom/jiaoyu']);
    for (const t of told) {
      const text = t.path.startsWith('/dingtalk/') ? (t.body.markdown as { text: string }).text : (t.body.markdown as { content: string }).content;
      expect(text).toContain(`**${mail.subject}**`);
      expect(text).toContain(`${t.unit === 'jiaoyu' ? '市教育局' : '市公安局'}：上述文件已于`);
      expect(text).toMatch(/\[进入报送页面\]\(https:\/\/duban\.example\.gov\.cn\/u\//);
    }
    // the unit's own link: the two units' links differ
    const links = told.map((t) => /\(https:[^)]+\)/.exec(JSON.stringify(t.body))![0]);
    expect(new Set(links).size).toBe(2);
    const quiet = listedUnits.find((u) => u !== 'jiaoyu' && u !== 'gongan')!;
    await expect(env.client.workflow.getHandle(channelWorkflowId(sent.circulationKey, quiet)).describe()).rejects.toThrow(/not found/i);
    // run again: nothing more to the mail server or the robots
    const again = (await new MockActivityEnvironment({ attempt: 2 }).run(circulations.sendCirculation, input)) as CirculationResult;
    expect(again.outcome).toBe('already-sent');
    expect(mailsFor(sent.circulationKey)).toHaveLength(1);
    expect(robots.taken.length).toBe(before + 3);
    expect(await db.auditEvent.count({ where: { kind: 'channel.sent', unitId: 'jiaoyu', eventKey: { startsWith: sent.circulationKey } } })).toBe(2);
  }, 120_000);

  it('in a rehearsal tells only robots on this machine, marked 【演练】', async () => {
    const unit = {
      campaignId: 'rehearsal',
      unitId: 'jiaoyu',
      name: '市教育局',
      email: 'jiaoyu@leizhou.example',
      webhooks: JSON.stringify([
        { kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=real' },
        { kind: 'wecom', url: `${robots.url}/wecom/rehearsal?key=local` },
      ]),
    };
    const letter = { letterKey: 'rehearsal/letter', subject: '【督办通知】演练', sentAt: new Date(), deliverableIds: ['assessment-report'] };
    await tellRobots({ client: env.client, taskQueue: 'nobody-polls-this' }, { timeZone: 'Asia/Shanghai', clockOffsetMs: 5_000 }, unit, letter);
    const handle = env.client.workflow.getHandle(channelWorkflowId('rehearsal/letter', 'jiaoyu'));
    const started = history0(await handle.fetchHistory());
    await handle.terminate('seen');
    expect(started.channels).toEqual(['wecom-2']);
    expect(started.message.title).toBe('【演练】【督办通知】演练');
    expect(JSON.stringify(started)).not.toContain('key=');
  });
});

function history0(history: { events?: { workflowExecutionStartedEventAttributes?: { input?: { payloads?: { data?: Uint8Array | null }[] | null } | null } | null }[] | null }): ChannelsInput {
  const data = history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  return JSON.parse(Buffer.from(data!).toString('utf8')) as ChannelsInput;
}

function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('webhooks in the campaign file', () => {
  const yaml = readFileSync(FILE, 'utf8');
  const issuesOf = (text: string) => {
    try {
      parseCampaignDefinition(text, 'bad.yaml');
    } catch (err) {
      if (err instanceof DubanError) return err.details ?? [];
      throw err;
    }
    return [];
  };
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('takes 企业微信, 钉钉 (with its 加签 secret) and 政务微信 robots', () => {
    const def = parseCampaignDefinition(withRobots(yaml, 'https://robots.example'), 'ok.yaml');
    expect(def.units.find((u) => u.id === 'jiaoyu')!.webhooks).toEqual([
      { kind: 'wecom', url: 'https://robots.example/wecom/jiaoyu?key=jiaoyu' },
      { kind: 'dingtalk', url: 'https://robots.example/dingtalk/jiaoyu?access_token=jiaoyu', secret: SECRET },
    ]);
    expect(def.units.find((u) => u.id === 'zhujian')!.webhooks).toBeUndefined();
  });

  it('refuses a bad webhook by its line, saying what is wrong, and launches nothing', () => {
    const bad = [
      '{ kind: feishu, url: "https://open.feishu.cn/hook/x" }',
      '{ kind: wecom, url: "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k" }',
      '{ kind: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send" }',
      '{ kind: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", secret: SECabc }',
      '{ kind: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=t", secret: abc }',
      '{ kind: dingtalk, url: "not a url" }',
      '{ kind: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k2" }',
      '{ kind: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k2" }',
    ];
    const anchor = '    email: jiaoyu@leizhou.example\n';
    const text = yaml.replace(anchor, `${anchor}    webhooks:\n${bad.map((l) => `      - ${l}\n`).join('')}`);
    const issues = issuesOf(text).join('\n');
    const at = (needle: string) => `bad.yaml：第${lineOf(text, needle)}行`;
    expect(issues).toContain(at('kind: feishu'));
    expect(issues).toMatch(/webhooks\[0\]\.kind：未知的群机器人类型“feishu”（应为 wecom（企业微信）、dingtalk（钉钉）、govwechat（政务微信） 之一）/);
    expect(issues).toContain(`${at('http://qyapi')}第`);
    expect(issues).toMatch(/webhooks\[1\]\.url：Webhook 地址须使用 https:\/\/（http:\/\/ 只可用于本机测试）/);
    expect(issues).toMatch(/webhooks\[2\]\.url：企业微信群机器人的 Webhook 地址应带 key=… 参数/);
    expect(issues).toMatch(/webhooks\[3\]\.secret：只有钉钉群机器人有加签密钥（secret），企业微信群机器人不填/);
    expect(issues).toMatch(/webhooks\[4\]\.secret：钉钉加签密钥应以 SEC 开头/);
    expect(issues).toMatch(/webhooks\[5\]\.url：“not a url”不是群机器人的 Webhook 地址/);
    expect(issues).toMatch(/webhooks\[7\]\.url：Webhook 地址重复（第一次出现在 webhooks\[6\]）/);
    expect(issues).not.toMatch(/webhooks\[6\]\.\w+：/);
    // each problem on the line of its webhook
    const first = lineOf(text, bad[0]);
    for (const i of [0, 1, 2, 3, 4, 5, 7]) expect(issues).toMatch(new RegExp(`^bad\\.yaml：第${first + i}行第\\d+列：units\\[\\d+\\]\\.webhooks\\[${i}\\]`, 'm'));
  });
});
