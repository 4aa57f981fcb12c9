// The duban command line as a user runs it (bin/duban.mjs, built at install): help for each command, a
// reader that stops early, and lists printed one JSON object per line.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../client/commands';
import { output } from '../client/output';

const run = promisify(execFile);
const BIN = 'bin/duban.mjs';

async function duban(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
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
    expect(stderr).toContain("Unknown option '--bogus'");
    expect(stderr).toContain('duban -- status CAMPAIGN');
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
