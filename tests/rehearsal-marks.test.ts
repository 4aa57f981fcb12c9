// A rehearsal's letters say so (subject, header, first line), notices and decision letters alike, and
// `simulate --smtp` talks only to a server on this machine unless told --allow-remote-smtp.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../client/cli';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { REHEARSAL_FIRST_LINE, checkRehearsalSmtp, markRehearsal, withoutRehearsalMarks } from '../rehearsal/rehearsal-mail';

const LEIZHOU = 'examples/leizhou-2022-assessment.yaml';
const ASSUMPTIONS = 'examples/leizhou-2022-assumptions.yaml';

/** Runs the CLI in this process, with what it writes. */
async function duban(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('simulate --smtp', () => {
  it('refuses a server that is not on this machine, saying why, and exits 1', async () => {
    const { code, stderr } = await duban('simulate', LEIZHOU, '--smtp', 'smtp://mail.example.gov.cn:25');
    expect(code).toBe(1);
    expect(stderr).toContain('duban simulate：拒绝向本机以外的邮件服务器 mail.example.gov.cn 发送演练邮件');
    expect(stderr).toContain('约谈通知');
    expect(stderr).toContain('--allow-remote-smtp');
  });

  it('goes past that check with --allow-remote-smtp (here to the next refusal: an assumption about no such unit)', async () => {
    const bad = join(tmpdir(), 'duban-bad-assumptions.yaml');
    writeFileSync(bad, '- unit: nosuch\n  deliverable: assessment-report\n  submit: 2022-10-11T15:00:00+08:00\n');
    const { code, stderr } = await duban('simulate', LEIZHOU, '--assume', bad, '--smtp', 'smtp://mail.example.gov.cn:25', '--allow-remote-smtp');
    expect(code).toBe(1);
    expect(stderr).not.toContain('拒绝向本机以外的邮件服务器');
    expect(stderr).toContain('nosuch');
  });

  it('takes this machine by any of its names', () => {
    for (const url of ['smtp://127.0.0.1:1025', 'smtp://[::1]:25', 'smtp://localhost:25', 'smtp://LOCALHOST:25', undefined]) expect(() => checkRehearsalSmtp(url), url).not.toThrow();
    for (const url of ['smtp://10.0.0.5:25', 'smtp://127.0.0.1.example.com:25', 'smtps://smtp.qq.com:465']) expect(() => checkRehearsalSmtp(url), url).toThrow(/--allow-remote-smtp/);
    expect(() => checkRehearsalSmtp('smtp://10.0.0.5:25', true)).not.toThrow();
    expect(() => checkRehearsalSmtp('not a url')).toThrow(/不是有效的地址/);
  });
});

describe('a rehearsal’s letters', () => {
  it('are marked without changing the letter: 【演练】 subject, a header, a first line; and read back unmarked', () => {
    const mail = { from: 'o@x', to: ['a@x'], cc: [], subject: '【提醒】报告', text: '某单位：\n\n请报送。\n', messageId: '<m@duban>', headers: { 'X-Duban-Key': 'k' } };
    const marked = markRehearsal(mail);
    expect(marked).toMatchObject({ subject: '【演练】【提醒】报告', headers: { 'X-Duban-Key': 'k', 'X-Duban-Rehearsal': 'yes' }, to: ['a@x'], messageId: '<m@duban>' });
    expect(marked.text).toBe(`${REHEARSAL_FIRST_LINE}\n\n某单位：\n\n请报送。\n`);
    expect(withoutRehearsalMarks(marked)).toMatchObject({ subject: mail.subject, text: mail.text });
    expect(() => withoutRehearsalMarks(mail)).toThrow(/not marked/);
  });

  it('in `duban simulate` all say 演练: notices, the lead departments\' lists and the letters of an extension, a return and a waiver', async () => {
    const catcher: MailCatcher = await startMailCatcher();
    try {
      const { code, stdout, stderr } = await duban('simulate', LEIZHOU, '--assume', ASSUMPTIONS, '--smtp', catcher.smtpUrl, '--json');
      expect(code, stderr).toBe(0);
      const notices = stdout.trim().split('\n').map((l) => JSON.parse(l) as { action: string });
      const letters = catcher.messages();
      // the lead departments' lists are letters to a unit as well, and among the notices simulate reports
      const decisions = letters
        .filter((m) => m.headers['x-duban-key']?.includes('/message/') && m.headers['x-duban-action'] !== 'lead-digest')
        .map((m) => m.headers['x-duban-action']);
      expect(decisions.sort()).toEqual(['extended', 'returned', 'waived']);
      expect(letters.filter((m) => m.headers['x-duban-action'] === 'lead-digest')).toHaveLength(notices.filter((n) => n.action === 'lead-digest').length);
      // one e-mail per notice, except that the units of a day's 通报 share one letter
      const circulated = notices.filter((n) => n.action === 'circulate').length;
      const circulations = letters.filter((m) => m.headers['x-duban-action'] === 'circulate').length;
      expect(circulations).toBeGreaterThan(0);
      expect(circulations).toBeLessThan(circulated);
      expect(letters).toHaveLength(notices.length - circulated + circulations + decisions.length);
      for (const m of letters) {
        expect(m.subject).toMatch(/^【演练】/);
        expect(m.headers['x-duban-rehearsal']).toBe('yes');
        expect(m.text.split('\n')[0]).toBe(REHEARSAL_FIRST_LINE);
        expect(m.text.split('\n')[0]).toContain('不是正式公文');
      }
    } finally {
      await catcher.close();
    }
  }, 180_000);
});
