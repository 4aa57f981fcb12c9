// The duban command line as a user runs it (bin/duban.mjs, built at install): help for each command, a
// reader that stops early, and lists printed one JSON object per line.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../client/commands';
import { output } from '../client/output';
import { compileCampaign } from '../domain/compile';
import { parseCampaignDefinition } from '../domain/definition';
import { parseInstant } from '../domain/zoned-time';
import { storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { type TestDatabase, freshDatabase } from './support/databases';

const run = promisify(execFile);
const BIN = 'bin/duban.mjs';

async function duban(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return dubanWith({}, ...args);
}

async function dubanWith(env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** A campaign of `towns` towns: its plan is far longer than a pipe's buffer. */
function bigCampaign(towns: number): string {
  const units = Array.from({ length: towns }, (_, i) => `  - { id: t${i}, name: 镇${i}, type: town, email: t${i}@x.example, principal: { name: 甲${i}, email: h${i}@x.example } }`);
  const file = join(mkdtempSync(join(tmpdir(), 'duban-cli-')), 'big.yaml');
  writeFileSync(
    file,
    `campaign:\n  id: big\n  title: 大\n  office: { name: 县安委办, email: office@x.example }\nunits:\n${units.join('\n')}\n` +
      `stages:\n  - { id: s1, name: 排查, start: 2022-08-01, end: 2022-08-31 }\n` +
      `deliverables:\n  - { id: report, name: 报告, stage: s1, owedBy: [town], due: 2022-08-26 }\n`,
  );
  return file;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('duban CLI', () => {
  it.each(Object.keys(COMMANDS))('%s --help prints that command’s usage and exits 0', async (name) => {
    const { stdout, code } = await duban(name, '--help');
    expect(code).toBe(0);
    expect(stdout).toContain(`duban -- ${name} ${COMMANDS[name].usage}`);
    expect(stdout).toContain(COMMANDS[name].does);
  });

  it('refuses an unknown option with the command’s usage and exit code 2', async () => {
    const { stderr, code } = await duban('status', '--bogus');
    expect(code).toBe(2);
    expect(stderr).toContain('duban status：未知选项 --bogus');
    expect(stderr).toContain('用法：npm run duban -- status CAMPAIGN');
  });

  it('refuses a missing argument and a missing option value in Chinese, naming what is missing', async () => {
    const missing = await duban('status');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('duban status：需要参数 CAMPAIGN，实际给出 无');
    const noValue = await duban('extend', 'c', 'u', 'd', '--to');
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain('duban extend：选项 --to 缺少取值');
    const unknown = await duban('statsu');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('duban：未知命令“statsu”');
  });

  it('ends quietly when its reader stops early (plan --json | head -1)', async () => {
    const child = spawn(process.execPath, [BIN, 'plan', bigCampaign(600), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(JSON.parse(first.split('\n')[0])).toMatchObject({ unit: expect.any(String), action: 'reminder' });
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('prints a list as one JSON object per line, and nothing for an empty list', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    output(true).list([{ unit: 'a' }, { unit: 'b' }], () => 'human');
    output(true).list([], () => 'human', 'no interviews');
    expect(written.join('')).toBe('{"unit":"a"}\n{"unit":"b"}\n');
  });
});

describe('duban status of the 雷州 2022 assessment (seed 000)', () => {
  const ZONE = 'Asia/Shanghai';
  const at = (iso: string) => parseInstant(iso, ZONE)!;
  const CAMPAIGN = 'leizhou-2022-assessment';
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await freshDatabase('sqlite');
    await migrateDatabase(database.url);
    db = createDb(database.url);
    const text = readFileSync('examples/leizhou-2022-assessment.yaml', 'utf8');
    const compiled = compileCampaign(parseCampaignDefinition(text, 'leizhou.yaml'), at('2022-10-08T10:00:00+08:00'));
    // campaign time: 2022-10-11 12:00, the day ordinary departments' reports are due
    const clockOffsetMs = at('2022-10-11T12:00:00+08:00') - Date.now();
    await storeCampaign(db, { compiled, yamlText: text, sourceFile: 'leizhou.yaml', actor: 'li', clockOffsetMs });
    const key = (unitId: string) => ({ campaignId_unitId_deliverableId: { campaignId: CAMPAIGN, unitId, deliverableId: 'assessment-report' } });
    await db.obligation.update({ where: key('leicheng'), data: { status: 'submitted', submittedAt: new Date(at('2022-10-11T10:00:00+08:00')), lateWorkingDays: 0 } });
    await db.obligation.update({ where: key('chengguan'), data: { due: '2022-10-20', extended: true } });
    await db.obligation.update({ where: key('gongxiao'), data: { status: 'waived' } });
    env = { DATABASE_URL: database.url };
  }, 60_000);
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it('shows every obligation in Chinese with its next step, in the campaign’s zone', async () => {
    const { stdout, stderr, code } = await dubanWith(env, 'status', CAMPAIGN);
    expect(code, stderr).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('leizhou-2022-assessment — 雷州市安全生产专项整治三年行动总结评估');
    expect(lines[1].split(/\s{2,}/)).toEqual(['单位', '报送事项', '截止时间', '状态', '督办等级', '下一步']);
    const row = (unit: string) => lines.find((l) => l.includes(`（${unit}）`))!.split(/\s{2,}/);
    // an ordinary department: due today; the 提醒敦促函 goes out tomorrow at 09:00 unless it reports
    expect(row('jiaoyu')).toEqual(['市教育局（jiaoyu）', 'assessment-report', '2022-10-11', '未到期', '—', '提醒敦促函 2022-10-12 09:00']);
    // a town: due tomorrow, reminded on the day
    expect(row('xihu').slice(2)).toEqual(['2022-10-12', '未到期', '—', '提醒 2022-10-12 09:00']);
    // extended to 10-20 (Thu): reminded on the 3rd working day before it
    expect(row('chengguan').slice(2)).toEqual(['2022-10-20', '未到期；已延期（原截止 2022-10-11）', '—', '提醒 2022-10-17 09:00']);
    expect(row('leicheng').slice(2)).toEqual(['2022-10-12', '已报送（按时）', '—', '—']);
    expect(row('gongxiao').slice(2)).toEqual(['2022-10-11', '免报', '—', '—']);
    expect(stdout).toContain('报送事项 assessment-report：三年行动总结评估报告及主要工作成果统计表(附件3)');
  });

  it('keeps stable English keys in --json, with nextStep {action, at} or null', async () => {
    const { stdout, code } = await dubanWith(env, 'status', CAMPAIGN, '--json');
    expect(code).toBe(0);
    const { rows } = JSON.parse(stdout) as { rows: { unit: string; state: string; nextStep: { action: string; at: string } | null }[] };
    const row = (unit: string) => rows.find((r) => r.unit === unit)!;
    expect(rows).toHaveLength(26);
    expect(row('jiaoyu')).toMatchObject({ state: 'open', nextStep: { action: 'urge', at: '2022-10-12T09:00:00+08:00' } });
    expect(row('xihu')).toMatchObject({ state: 'open', nextStep: { action: 'reminder', at: '2022-10-12T09:00:00+08:00' } });
    expect(row('leicheng')).toMatchObject({ state: 'submitted', nextStep: null });
    expect(row('gongxiao')).toMatchObject({ state: 'waived', nextStep: null });
  });

  it('names an unknown campaign in Chinese, keeping the code for programs', async () => {
    const human = await dubanWith(env, 'status', 'nosuch');
    expect(human.code).toBe(1);
    expect(human.stderr).toBe('duban status：找不到专项行动“nosuch”：它从未启动过\n');
    const json = await dubanWith(env, 'status', 'nosuch', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ error: 'UNKNOWN_CAMPAIGN', message: '找不到专项行动“nosuch”：它从未启动过' });
  });
});
