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
