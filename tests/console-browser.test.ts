// The console and the units' portal in a real browser (headless Chromium from @sparticuz/chromium, driven by
// playwright-core) against the real stack `npm start` runs: Temporal dev server, SQLite, the mail catcher as
// SMTP peer, the worker and the console. A campaign's reminders fall due in the next minute on the real
// clock; the test follows a unit's link out of a caught letter. Screenshots of the board and of an
// obligation's timeline are taken on the way (into docs/screenshots/ for the README with DUBAN_WRITE_SCREENSHOTS=1).
import chromium from '@sparticuz/chromium';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { type Browser, type Page, chromium as playwright } from 'playwright-core';
import { type Proc, stackEnv, startProcess, stopProcess } from './support/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TSX = join('node_modules', '.bin', 'tsx');
const ZONE = 'Asia/Shanghai';
// The README's screenshots are refreshed with DUBAN_WRITE_SCREENSHOTS=1; otherwise a test run leaves docs/ alone.
const SCREENSHOTS = process.env.DUBAN_WRITE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'duban-screenshots-'));
const dataDir = mkdtempSync(join(tmpdir(), 'duban-browser-'));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let env: NodeJS.ProcessEnv;
let platform: Proc | undefined;
let browser: Browser;
let base: string;
let minute: DateTime;

function cli(args: string[], stdin?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(TSX, ['client/duban.ts', ...args], { env }, (err, stdout, stderr) => (err ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve({ stdout, stderr })));
    child.stdin!.end(stdin ?? '');
  });
}

/** A campaign of four towns owing one report due today, reminded at `minute` (the campaign's calendar makes today a working day). */
function campaignYaml(): string {
  const day = minute.toISODate()!;
  const units = [
    ['dongcheng', '东城镇'],
    ['xicheng', '西城镇'],
    ['nancheng', '南城街道'],
    ['beicheng', '北城街道'],
  ].map(([id, name]) => `  - { id: ${id}, name: ${name}, type: town, email: ${id}@county.example, principal: { name: ${name}主要负责人, email: ${id}.head@county.example } }`);
  // the 行业主管部门 of the hazard ledger (they owe no report)
  units.push(
    '  - { id: yingji, name: 县应急管理局, type: department, email: yingji@county.example, principal: { name: 县应急管理局局长, email: yingji.head@county.example } }',
    '  - { id: zhujian, name: 县住房和城乡建设局, type: department, email: zhujian@county.example, principal: { name: 县住房和城乡建设局局长, email: zhujian.head@county.example } }',
  );
  return `campaign:
  id: browser-drill
  title: 城镇燃气安全专项排查
  office: { name: 县安委办, email: office@county.example }
  calendar: { workdays: [${day}] }
policy:
  sendAt: "${minute.toFormat('HH:mm')}"
  remindBefore: [0]
units:
${units.join('\n')}
stages:
  - { id: s1, name: 排查整治, start: ${day}, end: ${minute.plus({ days: 40 }).toISODate()} }
deliverables:
  - { id: report, name: 燃气安全排查报告, stage: s1, owedBy: [town], due: ${day} }
`;
}

/**
 * A campaign whose three towns were due yesterday and whose only step is a 通报 on the first working day after, at
 * `minute`: with the default 签发 it waits for a leader in the console.
 */
function signOffYaml(): string {
  const yesterday = minute.minus({ days: 1 }).toISODate()!;
  const units = [
    ['qingshan', '青山镇'],
    ['lvshui', '绿水镇'],
    ['baiyun', '白云街道'],
  ].map(([id, name]) => `  - { id: ${id}, name: ${name}, type: town, email: ${id}@signoff.example, principal: { name: ${name}主要负责人, email: ${id}.head@signoff.example } }`);
  return `campaign:
  id: browser-signoff
  title: 危险化学品安全专项整治
  office: { name: 县安委办, email: office@county.example }
  calendar: { workdays: [${yesterday}, ${minute.toISODate()!}] }
policy:
  sendAt: "${minute.toFormat('HH:mm')}"
  remindBefore: [0]
  escalate: { urge: null, notice: null, circulate: 1, interview: null }
units:
${units.join('\n')}
stages:
  - { id: s1, name: 排查整治, start: ${yesterday}, end: ${minute.plus({ days: 40 }).toISODate()} }
deliverables:
  - { id: report, name: 危化品企业排查清单, stage: s1, owedBy: [town], due: ${yesterday} }
`;
}

interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
}

async function caughtMail(): Promise<CaughtMail[]> {
  const res = await fetch(`http://127.0.0.1:${env.DUBAN_MAIL_WEB_PORT}/api/messages`);
  return (await res.json()) as CaughtMail[];
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out after ${ms / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  return context.newPage();
}

async function login(page: Page, name: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Lets antd's open/close animations finish before a screenshot. */
async function settled(page: Page): Promise<void> {
  // runs in the page (the test's own types know no DOM)
  await page.waitForFunction(() => (globalThis as unknown as { document: { getAnimations(): { playState: string }[] } }).document.getAnimations().every((a) => a.playState !== 'running'));
  await page.waitForTimeout(400);
}

/** The board's row of a unit, as text. */
const rowOf = (page: Page, unit: string) => page.getByTestId(`row-${unit}-report`);

beforeAll(async () => {
  // the reminders go out at the first whole minute at least 100 s away: time to launch before it
  minute = DateTime.now().setZone(ZONE).plus({ seconds: 100 }).startOf('minute').plus({ minutes: 1 });
  env = { ...(await stackEnv(dataDir)), DUBAN_OPERATOR: 'tester' };
  base = `http://127.0.0.1:${env.DUBAN_WEB_PORT}`;
  env.DUBAN_PUBLIC_URL = base;
  await cli(['user', 'add', 'admin', '--role', 'admin', '--display-name', '张主任'], 'admin password 1\n');
  await cli(['user', 'add', 'clerk', '--role', 'clerk', '--display-name', '李办事员'], 'clerk password 1\n');
  await cli(['user', 'add', 'leader', '--role', 'leader', '--display-name', '王局长'], 'leader password 1\n');
  platform = await startProcess('start', env);
  const signOffFile = join(dataDir, 'browser-signoff.yaml');
  writeFileSync(signOffFile, signOffYaml());
  await cli(['launch', signOffFile]);
  const executablePath = await chromium.executablePath();
  // @sparticuz/chromium's --single-process suits one page per browser; closing a context (one per person here) would end it
  browser = await playwright.launch({ executablePath, args: chromium.args.filter((a) => a !== '--single-process'), headless: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stopProcess(platform, 'SIGINT');
});

describe('the console in a browser', () => {
  it('refuses a wrong password and lets the right one in', async () => {
    const page = await newPage();
    await login(page, 'admin', 'not the password');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('账号或密码错误');
    await page.getByTestId('login-password').fill('admin password 1');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${base}/campaigns`);
    await expect.poll(() => page.getByTestId('current-operator').textContent()).toContain('张主任');
    await page.context().close();
  });

  it('launches a campaign from its file after a preview of its plan, and shows its board', async () => {
    const page = await newPage();
    await login(page, 'admin', 'admin password 1');
    await page.waitForURL(`${base}/campaigns`);
    const file = join(dataDir, 'browser-drill.yaml');
    writeFileSync(file, campaignYaml());
    await page.getByTestId('launch-open').click();
    await page.getByTestId('launch-definition').setInputFiles(file);
    await page.getByTestId('launch-preview').click();
    await expect.poll(() => page.getByTestId('plan-obligations').textContent()).toContain('4');
    expect(await page.getByTestId('launch-plan').textContent()).toContain('东城镇');
    await page.getByTestId('launch-confirm').click();
    // with nothing to warn about, the console goes straight to the new campaign's board
    await page.waitForURL(`${base}/campaigns/browser-drill`);
    await page.getByTestId('board-table').waitFor();
    await expect.poll(() => page.locator('[data-testid^="row-"]').count()).toBe(4);
    expect(await rowOf(page, 'xicheng').textContent()).toContain('西城镇');
    await page.context().close();
  });

  it('records a submission with its file in the console', async () => {
    const page = await newPage();
    await login(page, 'clerk', 'clerk password 1');
    await page.waitForURL(`${base}/campaigns`);
    await page.goto(`${base}/campaigns/browser-drill/o/dongcheng/report`);
    await page.getByTestId('obligation-drawer').waitFor();
    await page.getByTestId('action-submit').click();
    const report = join(dataDir, '东城镇排查报告.pdf');
    writeFileSync(report, PDF);
    await page.getByTestId('submit-file').setInputFiles(report);
    await page.getByTestId('submit-confirm').click();
    await expect.poll(() => page.getByTestId('timeline').textContent(), { timeout: 45_000 }).toContain('东城镇排查报告.pdf');
    expect(await page.getByTestId('timeline').textContent()).toContain('李办事员（clerk）');
    await page.getByTestId('drawer').locator('.ant-drawer-close').click();
    await expect.poll(() => page.getByTestId('row-dongcheng-report').getByTestId('standing').getAttribute('data-standing')).toBe('on_time');
    await page.context().close();
  });

  it('keeps a clerk out of the accounts page', async () => {
    const page = await newPage();
    await login(page, 'clerk', 'clerk password 1');
    await page.waitForURL(`${base}/campaigns`);
    expect(await page.getByTestId('nav-operators').count()).toBe(0);
    await page.goto(`${base}/admin/operators`);
    await expect.poll(() => page.getByTestId('forbidden').textContent()).toContain('无权访问');
    await page.context().close();
  });

  it('shows a clear page for a forged link, and nothing of any unit', async () => {
    const page = await newPage();
    await page.goto(`${base}/u/${Buffer.from('["forged"]').toString('base64url')}.AAAA`);
    await expect.poll(() => page.getByTestId('portal-error').textContent()).toContain('链接无效');
    expect(await page.content()).not.toContain('西城镇');
    await page.context().close();
  });

  it('exports the board as Excel that reads back with every unit', async () => {
    const page = await newPage();
    await login(page, 'admin', 'admin password 1');
    await page.waitForURL(`${base}/campaigns`);
    await page.goto(`${base}/campaigns/browser-drill`);
    await page.getByTestId('board-table').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('board-export').click()]);
    const saved = join(dataDir, 'export.xlsx');
    await download.saveAs(saved);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(saved) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const units = [];
    for (let i = 4; i <= sheet.rowCount; i++) units.push(String(sheet.getRow(i).getCell(2).value));
    expect(units.sort()).toEqual(['东城镇', '北城街道', '南城街道', '西城镇'].sort());
    expect(String(sheet.getRow(4).getCell(9).value)).toBeTruthy();
    // and today's 报送情况通报 as a .docx (a zip)
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('board-progress-report').click()]);
    expect(report.suggestedFilename()).toMatch(/报送情况.*\.docx$/);
    const reportFile = join(dataDir, 'report.docx');
    await report.saveAs(reportFile);
    expect(readFileSync(reportFile).subarray(0, 2).toString()).toBe('PK');
    await page.context().close();
  });

  describe('after the reminders went out', () => {
    let links: Map<string, string>;
    beforeAll(async () => {
      const mails = await waitFor(
        'the three reminders',
        async () => {
          const caught = (await caughtMail()).filter((m) => m.to[0].endsWith('@county.example'));
          return caught.length >= 3 ? caught : undefined;
        },
        minute.toMillis() - Date.now() + 60_000,
      );
      links = new Map(
        mails.map((m) => {
          const link = /http:\/\/127\.0\.0\.1:\d+\/u\/[\w-]+\.[\w-]+/.exec(m.text)?.[0];
          return [m.to[0], link ?? ''];
        }),
      );
    }, 240_000);

    it('sent each unreported town its reminder with its own link, and none to the town that had reported', () => {
      expect([...links.keys()].sort()).toEqual(['beicheng@county.example', 'nancheng@county.example', 'xicheng@county.example']);
      for (const link of links.values()) expect(link).toMatch(/\/u\//);
      expect(new Set(links.values()).size).toBe(3);
    });

    it('takes a unit’s file through the link in its letter, and the board changes', async () => {
      const unit = await newPage();
      await unit.goto(links.get('xicheng@county.example')!);
      await expect.poll(() => unit.getByTestId('portal-unit').textContent()).toContain('西城镇');
      expect(await unit.content()).not.toContain('东城镇');
      const report = join(dataDir, '西城镇排查报告.pdf');
      writeFileSync(report, PDF);
      await unit.getByTestId('portal-file-report').setInputFiles(report);
      await unit.getByTestId('portal-submit-report').click();
      await expect.poll(() => unit.getByTestId('portal-files-report').textContent(), { timeout: 45_000 }).toContain('西城镇排查报告.pdf');
      await unit.context().close();

      const office = await newPage();
      await login(office, 'admin', 'admin password 1');
      await office.waitForURL(`${base}/campaigns`);
      await office.goto(`${base}/campaigns/browser-drill`);
      await expect.poll(() => office.getByTestId('row-xicheng-report').getByTestId('standing').getAttribute('data-standing')).toBe('on_time');
      await office.context().close();
    });

    it('takes an extension request from the portal that the office approves in the console', async () => {
      const unit = await newPage();
      await unit.goto(links.get('nancheng@county.example')!);
      const to = minute.plus({ days: 7 }).toISODate()!;
      const picker = unit.getByTestId('portal-extension-date-report');
      const date = (await picker.evaluate((e) => e.tagName)) === 'INPUT' ? picker : picker.locator('input');
      await date.click();
      await date.fill(to);
      await date.press('Enter');
      await unit.getByTestId('portal-extension-reason-report').fill('街道正在开展燃气管道入户检查，需延后一周');
      await unit.getByTestId('portal-extension-submit-report').click();
      await expect.poll(() => unit.getByTestId('portal-obligation-report').textContent(), { timeout: 45_000 }).toContain('待审批');
      await unit.context().close();

      const office = await newPage();
      await login(office, 'admin', 'admin password 1');
      await office.waitForURL(`${base}/campaigns`);
      await office.goto(`${base}/campaigns/browser-drill/o/nancheng/report`);
      await office.getByTestId('extension-requests').waitFor();
      const approve = office.locator('[data-testid^="request-approve-"]').first();
      await approve.click({ timeout: 10_000 }).catch(async (err: unknown) => {
        await office.screenshot({ path: join(tmpdir(), 'duban-approve-failed.png') });
        throw err;
      });
      await office.getByTestId('approve-confirm').click();
      await expect.poll(() => office.getByTestId('timeline').textContent(), { timeout: 45_000 }).toContain(to);
      await office.getByTestId('approve-modal').waitFor({ state: 'hidden' });
      await settled(office);
      await office.getByTestId('timeline').scrollIntoViewIfNeeded();
      await office.screenshot({ path: join(SCREENSHOTS, 'obligation-timeline.png') });
      await office.getByTestId('drawer').locator('.ant-drawer-close').click();
      await office.getByTestId('obligation-drawer').waitFor({ state: 'hidden' });
      await expect.poll(() => office.getByTestId('row-nancheng-report').textContent()).toContain(to);
      await settled(office);
      await office.screenshot({ path: join(SCREENSHOTS, 'board.png') });
      await office.context().close();
    });
  });
  describe('a 通报 waiting for 签发', () => {
    const key = () => `browser-signoff/circulation/${minute.toISODate()}/${minute.toFormat('HHmm')}`;
    const circulations = async () => (await caughtMail()).filter((m) => m.subject.includes('通报') && m.to.some((t) => t.endsWith('@signoff.example')));

    it('shows a clerk the letter in full, without the power to sign it', async () => {
      const clerk = await newPage();
      await login(clerk, 'clerk', 'clerk password 1');
      await clerk.waitForURL(`${base}/campaigns`);
      // the day's 通报 is prepared two minutes after its time, once every late obligation has joined it
      await waitFor(
        'the 待签发 通报',
        async () => {
          await clerk.goto(`${base}/campaigns/browser-signoff`);
          await clerk.getByTestId('board-table').waitFor();
          await clerk.waitForTimeout(1_000);
          return (await clerk.getByTestId(`sign-off-${key()}`).count()) > 0 ? true : undefined;
        },
        minute.toMillis() - Date.now() + 4 * 60_000,
      );
      const item = clerk.getByTestId(`sign-off-${key()}`);
      expect(await item.textContent()).toContain('待领导签发');
      expect(await clerk.locator('[data-testid^="sign-off-approve-"]').count()).toBe(0);
      await clerk.getByTestId(`sign-off-preview-${key()}`).click();
      const text = (await clerk.getByTestId('sign-off-text').textContent()) ?? '';
      for (const town of ['青山镇', '绿水镇', '白云街道']) expect(text).toContain(town);
      expect(await circulations()).toEqual([]);
      await clerk.context().close();
    }, 360_000);

    it('goes out once when a leader signs it off, and leaves the card', async () => {
      const leader = await newPage();
      await login(leader, 'leader', 'leader password 1');
      await leader.waitForURL(`${base}/campaigns`);
      await leader.goto(`${base}/campaigns/browser-signoff`);
      await leader.getByTestId(`sign-off-${key()}`).waitFor();
      await leader.getByTestId(`sign-off-preview-${key()}`).click();
      await settled(leader);
      await leader.getByTestId('sign-offs').screenshot({ path: join(SCREENSHOTS, 'sign-off.png') });
      await leader.getByTestId(`sign-off-approve-${key()}`).click();
      await leader.getByTestId('sign-off-approve-confirm').click();
      await expect.poll(() => leader.getByTestId('sign-offs').count(), { timeout: 20_000 }).toBe(0);
      const sent = await waitFor('the signed-off 通报', async () => ((await circulations()).length > 0 ? circulations() : undefined), 60_000);
      expect(sent).toHaveLength(1);
      expect([...sent[0].to].sort()).toEqual(['baiyun@signoff.example', 'lvshui@signoff.example', 'qingshan@signoff.example']);
      for (const town of ['青山镇', '绿水镇', '白云街道']) expect(sent[0].text).toContain(town);
      await leader.waitForTimeout(5_000);
      expect(await circulations()).toHaveLength(1);
      await leader.context().close();
    }, 120_000);
  });
});

/** A real PNG: `width`×`height` pixels of one colour. */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const line = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => line)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

const LEDGER_HEADER = ['序号', '企业或场所', '属地', '行业主管部门', '隐患描述', '隐患等级', '判定依据', '发现日期', '来源', '整改措施', '责任人', '整改资金（万元）', '整改时限'];

/** An office's 台账 as it keeps it: a title row, then the header and one hazard a row. */
async function ledgerFile(name: string, rows: (string | number)[][]): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('隐患整改台账');
  sheet.addRow(['城镇燃气安全专项排查隐患整改台账']);
  sheet.addRow(LEDGER_HEADER);
  for (const r of rows) sheet.addRow(r);
  const file = join(dataDir, name);
  writeFileSync(file, Buffer.from(await book.xlsx.writeBuffer()));
  return file;
}

/** Picks an option of an antd Select by its test id and the option's text. */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

describe('the 隐患整改台账 in a browser', () => {
  const day = (days: number) => minute.plus({ days }).toISODate()!;
  const hazardRows = () => [
    [1, '西城燃气储配站', '西城镇', '县住房和城乡建设局', '储配站可燃气体报警器失效，未与紧急切断阀联锁', '一般', '', day(-10), '检查', '更换报警器并恢复联锁', '陈立新', 1.5, day(20)],
    [2, '东城镇金港酒楼', 'dongcheng', 'yingji', '厨房液化石油气钢瓶与灶具同室存放，未安装可燃气体报警装置', '一般', '', day(-9), '自查', '钢瓶间分隔设置并安装报警装置', '黄金港', 0.8, day(15)],
    [3, '南城街道华润燃气调压站', '南城街道', '县住房和城乡建设局', '调压站与周边建筑安全间距不足，周边违规搭建', '重大', '城镇燃气经营安全重大隐患判定标准第十条', day(-8), '督办', '拆除违规搭建，设置防护隔离', '刘调压', 12, day(30)],
  ];
  const rowsShown = (page: Page) => page.locator('[data-testid^="hazard-row-"]').count();

  it('refuses a ledger with bad rows, shows every problem by row and column, and imports nothing', async () => {
    const page = await newPage();
    await login(page, 'admin', 'admin password 1');
    await page.waitForURL(`${base}/campaigns`);
    await page.goto(`${base}/campaigns/browser-drill`);
    await page.getByTestId('board-hazards').click();
    await page.waitForURL(`${base}/campaigns/browser-drill/hazards`);
    await page.getByTestId('hazards-table').waitFor();
    const bad = await ledgerFile('bad-ledger.xlsx', [
      [1, '东山加油站', '东山镇', '县应急管理局', '卸油口未设置静电接地', '一般', '', day(-5), '检查', '加装静电接地', '周站长', 0.2, day(10)],
      [2, '西城农贸市场', '西城镇', '县应急管理局', '燃气管道穿越配电间', '一般', '', '2026-02-30', '检查', '改线', '王市场', 3, day(10)],
      [3, '北城液化气站', '北城街道', '县住房和城乡建设局', '储罐区无防火堤', '重大', '', day(-5), '检查', '建防火堤', '孙站长', 20, day(25)],
      [4, '南城小吃街', '南城街道', '县应急管理局', '商户违规使用瓶装液化气', '一般', '', day(-5), '举报', '改用管道气', '钱主任', 1, day(-6)],
    ]);
    await page.getByTestId('hazards-import').click();
    await page.getByTestId('hazard-import-file').setInputFiles(bad);
    await page.getByTestId('hazard-import-confirm').click();
    const problems = page.getByTestId('hazard-import-problems');
    await expect.poll(() => problems.textContent(), { timeout: 20_000 }).toContain('东山镇');
    const text = (await problems.textContent()) ?? '';
    expect(text).toContain('未导入任何隐患');
    expect(text).toContain('2026-02-30');
    expect(text).toContain('判定依据');
    expect(text).toContain('早于发现日期');
    // one line a problem, each with its sheet row (the header is row 2, so the hazards are rows 3 to 6)
    const lines = await problems.locator('.sheet-problem').allTextContents();
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.match(/^\d+/)?.[0])).toEqual(['3', '4', '5', '6']);
    await page.getByTestId('hazard-import-cancel').click();
    await page.getByTestId('hazards-reload').click();
    await expect.poll(() => page.getByTestId('hazards-counts').textContent()).toContain('隐患总数0');
    expect(await rowsShown(page)).toBe(0);
    await page.context().close();
  });

  it('imports an office’s ledger, filters it, opens a hazard, and exports it again', async () => {
    const page = await newPage();
    await login(page, 'admin', 'admin password 1');
    await page.waitForURL(`${base}/campaigns`);
    await page.goto(`${base}/campaigns/browser-drill/hazards`);
    await page.getByTestId('hazards-import').click();
    await page.getByTestId('hazard-import-file').setInputFiles(await ledgerFile('ledger.xlsx', hazardRows()));
    await page.getByTestId('hazard-import-confirm').click();
    await expect.poll(() => page.getByTestId('hazard-import-done').textContent(), { timeout: 30_000 }).toContain('已导入 3 条隐患');
    await page.getByTestId('hazard-import-close').click();
    await expect.poll(() => rowsShown(page)).toBe(3);
    expect(await page.getByTestId('hazard-row-3').textContent()).toContain('重大');
    expect(await page.getByTestId('hazard-row-2').textContent()).toContain('县应急管理局');

    // the rows shown, by id, once the table has answered
    const shown = async () => (await page.locator('[data-testid^="hazard-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')))).join(' ');
    await choose(page, 'hazard-filter-level', '重大');
    await expect.poll(shown).toBe('hazard-row-3');
    expect(page.url()).toContain('level=major');
    await page.getByTestId('hazard-filter-reset').click();
    await expect.poll(shown).toBe('hazard-row-1 hazard-row-2 hazard-row-3');
    await choose(page, 'hazard-filter-department', '县住房和城乡建设局');
    await expect.poll(shown).toBe('hazard-row-1 hazard-row-3');
    await choose(page, 'hazard-filter-town', '西城镇');
    await expect.poll(shown).toBe('hazard-row-1');
    await page.getByTestId('hazard-filter-reset').click();
    await expect.poll(shown).toBe('hazard-row-1 hazard-row-2 hazard-row-3');
    await page.getByTestId('hazard-filter-q').fill('酒楼');
    await page.getByTestId('hazard-filter-q').press('Enter');
    await expect.poll(shown).toBe('hazard-row-2');
    await page.getByTestId('hazard-filter-reset').click();
    await expect.poll(shown).toBe('hazard-row-1 hazard-row-2 hazard-row-3');
    // 仅看待签发: no letter of these waits for a leader's 签发 yet
    await page.getByTestId('hazard-filter-awaitingSignOff').click();
    await page.waitForURL(/awaitingSignOff=1/);
    await expect.poll(shown).toBe('');
    expect(await page.getByTestId('hazard-awaiting-sign-off').count()).toBe(0);
    await page.getByTestId('hazard-filter-reset').click();
    await expect.poll(shown).toBe('hazard-row-1 hazard-row-2 hazard-row-3');
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'hazards-ledger.png') });

    await page.getByTestId('hazard-row-3').click();
    await page.waitForURL(/\/campaigns\/browser-drill\/hazards\/3$/);
    const detail = page.getByTestId('hazard-detail');
    await expect.poll(() => detail.textContent()).toContain('城镇燃气经营安全重大隐患判定标准第十条');
    expect(await detail.textContent()).toContain('南城街道');
    expect(await page.getByTestId('hazard-history').textContent()).toContain('导入台账第5行');
    // its 文书: the letter its chase sends next (or why none), above the letters sent
    expect(await page.getByTestId('hazard-next-letter').textContent()).toMatch(/^(下一份文书：\S+，\d{4}年\d+月\d+日 \d\d:\d\d，发送给|暂无待发文书)/);
    await page.getByTestId('hazard-letters').waitFor();
    await settled(page);
    await page.getByTestId('drawer').screenshot({ path: join(SCREENSHOTS, 'hazard-drawer.png') });
    // a 重大 hazard starts only after its 治理方案: 开始整改 is offered, and refused by the server until then
    await page.getByTestId('hazard-action-start').click();
    await page.getByTestId('hazard-start-confirm').click();
    await expect.poll(() => page.getByTestId('hazard-start-error').textContent()).toContain('五到位');
    await page.getByTestId('hazard-start-cancel').click();
    await page.getByTestId('drawer').locator('.ant-drawer-close').click();
    await page.getByTestId('hazard-drawer').waitFor({ state: 'hidden' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('hazards-export').click()]);
    const saved = join(dataDir, 'hazards-export.xlsx');
    await download.saveAs(saved);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(saved) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const sites: string[] = [];
    sheet.eachRow((row) => {
      const site = String(row.getCell(2).value ?? '');
      if (hazardRows().some((r) => r[1] === site)) sites.push(site);
    });
    expect(sites.sort()).toEqual(hazardRows().map((r) => String(r[1])).sort());

    // 统计: found by 属地 and by 行业主管部门, with the 重大 one counted
    await page.getByTestId('hazards-stats').click();
    await page.waitForURL(`${base}/campaigns/browser-drill/hazards/stats`);
    const found = (row: string) => page.getByTestId(row).locator('td').nth(1).textContent();
    await expect.poll(() => found('hazard-stats-town-__total')).toBe('3');
    expect(await found('hazard-stats-town-xicheng')).toBe('1');
    expect(await found('hazard-stats-town-beicheng')).toBe('0');
    expect(await found('hazard-stats-department-zhujian')).toBe('2');
    expect(await found('hazard-stats-department-yingji')).toBe('1');
    expect(await page.getByTestId('hazard-stats-department-zhujian').locator('td').nth(7).textContent()).toBe('1');
    // last month, closed by an admin: its figures are kept as they are, and the period is marked
    const lastMonth = minute.minus({ months: 1 });
    await page.getByTestId('hazard-stats-period').getByText('按月').click();
    const picker = page.getByTestId('hazard-stats-picker');
    const month = (await picker.evaluate((e) => e.tagName)) === 'INPUT' ? picker : picker.locator('input');
    await month.click();
    await month.fill(lastMonth.toFormat('yyyy-MM'));
    await month.press('Enter');
    await page.waitForURL(`${base}/campaigns/browser-drill/hazards/stats?period=${lastMonth.toFormat('yyyy-MM')}`);
    await expect.poll(() => found('hazard-stats-town-__total')).toBe('0');
    await page.getByTestId('hazard-stats-close').click();
    await page.getByTestId('hazard-stats-close-confirm').click();
    await expect.poll(() => page.getByTestId('hazard-stats-closed').textContent()).toContain('已关账');
    expect(await page.getByTestId('hazard-stats-closed-periods').textContent()).toContain(`${lastMonth.year}年${lastMonth.month}月`);
    await page.context().close();
  });

  it('takes 整改完成 with a photo through the town’s link; accepted in the console, the hazard is 已销号', async () => {
    const office = await newPage();
    await login(office, 'clerk', 'clerk password 1');
    await office.waitForURL(`${base}/campaigns`);
    await office.goto(`${base}/campaigns/browser-drill/hazards/1`);
    await office.getByTestId('hazard-detail').waitFor();
    await office.getByTestId('hazard-action-start').click();
    await office.getByTestId('hazard-start-confirm').click();
    await expect.poll(() => office.getByTestId('drawer').getByTestId('hazard-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('rectifying');

    // the town's link, out of the reminder it was sent
    const link = await waitFor(
      'the reminder to 西城镇',
      async () => {
        const mail = (await caughtMail()).find((m) => m.to[0] === 'xicheng@county.example' && /\/u\//.test(m.text));
        return /http:\/\/127\.0\.0\.1:\d+\/u\/[\w-]+\.[\w-]+/.exec(mail?.text ?? '')?.[0];
      },
      Math.max(0, minute.toMillis() - Date.now()) + 60_000,
    );
    const unit = await newPage();
    await unit.goto(link);
    const card = unit.getByTestId('portal-hazard-1');
    await card.waitFor();
    expect(await card.textContent()).toContain('西城燃气储配站');
    // the town sees its own hazards only
    expect(await unit.getByTestId('portal-hazard-2').count()).toBe(0);
    const photo = join(dataDir, '报警器更换后.png');
    writeFileSync(photo, png(8, 8, [40, 160, 90]));
    await unit.getByTestId('portal-hazard-done-1').fill('已更换可燃气体报警器 6 台，并与紧急切断阀联锁，经测试动作正常');
    await unit.getByTestId('portal-hazard-files-1').setInputFiles(photo);
    await unit.getByTestId('portal-hazard-submit-1').click();
    await expect.poll(() => card.getByTestId('hazard-status').textContent(), { timeout: 30_000 }).toBe('待验收');
    await expect.poll(() => card.textContent()).toContain('报警器更换后.png');
    await settled(unit);
    await unit.screenshot({ path: join(SCREENSHOTS, 'hazards-portal.png'), fullPage: true });
    await unit.context().close();

    await office.reload();
    await expect.poll(() => office.getByTestId('hazard-round-1-report-files').textContent(), { timeout: 20_000 }).toContain('报警器更换后.png');
    const [evidence] = await Promise.all([office.waitForEvent('download'), office.getByTestId('hazard-round-1-report-files').getByTestId('evidence-file').click()]);
    const kept = join(dataDir, 'evidence.png');
    await evidence.saveAs(kept);
    expect(readFileSync(kept).equals(readFileSync(photo))).toBe(true);

    await office.getByTestId('hazard-action-accept').click();
    await office.getByTestId('hazard-accept-by').fill('赵验收');
    await office.getByTestId('hazard-accept-result-pass').click();
    const record = join(dataDir, '验收记录.pdf');
    writeFileSync(record, PDF);
    await office.getByTestId('hazard-accept-files').setInputFiles(record);
    await office.getByTestId('hazard-accept-confirm').click();
    await office.getByTestId('hazard-accept-modal').waitFor({ state: 'hidden', timeout: 20_000 }).catch(async () => {
      throw new Error(`验收 not recorded: ${await office.getByTestId('hazard-accept-modal').textContent()}`);
    });
    await expect.poll(() => office.getByTestId('drawer').getByTestId('hazard-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('closed');
    expect(await office.getByTestId('drawer').getByTestId('hazard-status').textContent()).toBe('已销号');
    expect(await office.getByTestId('hazard-round-1').textContent()).toContain('赵验收');
    await expect.poll(() => office.getByTestId('hazard-next-letter').textContent()).toContain('暂无待发文书（已销号');
    await office.getByTestId('drawer').locator('.ant-drawer-close').click();
    await office.getByTestId('hazard-drawer').waitFor({ state: 'hidden' });
    await expect.poll(() => office.getByTestId('hazard-row-1').getByTestId('hazard-status').textContent()).toBe('已销号');
    await office.context().close();
  }, 360_000);
});
