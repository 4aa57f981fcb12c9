// The platform as a user runs it: `npm start` (real Temporal dev server, SQLite, mail catcher, worker) and
// the `duban` CLI as separate processes. A restart resumes running campaigns where they were.
import { createHash } from 'node:crypto';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { freePort } from './support/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../domain/calendar';
import { civilDateOf } from '../domain/zoned-time';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { temporalCliPath } from '../platform/tools';

const run = promisify(execFile);
const TSX = join('node_modules', '.bin', 'tsx');
const dataDir = mkdtempSync(join(tmpdir(), 'duban-platform-'));
let env: NodeJS.ProcessEnv;
let platform: ChildProcess | undefined;
let output = '';

async function canListen(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function waitFor(what: string, ready: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An environment for a second `npm start` next to the one under test: its own data directory and free ports. */
async function separateEnv(): Promise<NodeJS.ProcessEnv> {
  return {
    ...env,
    DUBAN_DATA_DIR: mkdtempSync(join(tmpdir(), 'duban-start-')),
    DUBAN_TEMPORAL_PORT: String(await freePort()),
    DUBAN_TEMPORAL_UI_PORT: String(await freePort()),
    DUBAN_SMTP_PORT: String(await freePort()),
    DUBAN_MAIL_WEB_PORT: String(await freePort()),
    DUBAN_WEB_PORT: String(await freePort()),
  };
}

/** Runs start.ts expecting it to fail; one that comes up instead is stopped with Ctrl-C after a minute. */
async function failedStart(startEnv: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['platform/start.ts'], { env: startEnv, timeout: 60_000, killSignal: 'SIGINT' });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

async function expectPortsFree(startEnv: NodeJS.ProcessEnv, ...variables: string[]): Promise<void> {
  for (const variable of variables) expect(await canListen(Number(startEnv[variable])), `${variable} is free`).toBe(true);
}

async function startPlatform(): Promise<void> {
  output = '';
  platform = spawn(TSX, ['platform/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  platform.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  platform.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const until = Date.now() + 90_000;
  while (!output.includes('[duban] ready')) {
    if (platform.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > until) throw new Error(`npm start did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopPlatform(): Promise<number | null> {
  const p = platform!;
  const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
  p.kill('SIGINT');
  const code = await exited;
  platform = undefined;
  return code;
}

async function duban(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(TSX, ['client/duban.ts', ...args], { env });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

// A campaign whose deadlines lie ahead, so its workflows are waiting on timers when the platform stops.
const today = civilDateOf(Date.now(), 'Asia/Shanghai');
const file = join(dataDir, 'upcoming.yaml');
writeFileSync(
  file,
  `campaign:
  id: upcoming
  title: 近期专项整治
  office: { name: 县安委办, email: office@county.example }
units:
  - { id: town-a, name: 甲镇, type: town, email: a@county.example, principal: { name: 甲, email: a.head@county.example } }
  - { id: dept-b, name: 乙局, type: department, email: b@county.example, principal: { name: 乙, email: b.head@county.example } }
stages:
  - { id: s1, name: 排查, start: ${today}, end: ${addDays(today, 30)} }
deliverables:
  - { id: report, name: 排查报告, stage: s1, owedBy: [town, department], due: ${addDays(today, 20)} }
`,
);

/** Workflow ids the dev server's visibility lists for `query`, once it lists any (or after `tries` looks). */
async function workflowsWhere(query: string, tries = 50): Promise<string[]> {
  const connection = await Connection.connect({ address: `127.0.0.1:${env.DUBAN_TEMPORAL_PORT}` });
  try {
    const client = new Client({ connection });
    let ids: string[] = [];
    for (let i = 0; i <= tries && ids.length === 0; i++) {
      if (i) await new Promise((r) => setTimeout(r, 200));
      for await (const w of client.workflow.list({ query })) ids.push(w.workflowId);
    }
    return ids.sort();
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  env = {
    ...process.env,
    DUBAN_DATA_DIR: dataDir,
    DUBAN_TEMPORAL_PORT: String(await freePort()),
    DUBAN_TEMPORAL_UI_PORT: String(await freePort()),
    DUBAN_SMTP_PORT: String(await freePort()),
    DUBAN_MAIL_WEB_PORT: String(await freePort()),
    DUBAN_WEB_PORT: String(await freePort()),
    DUBAN_OPERATOR: 'zhang',
  };
  await startPlatform();
});
afterAll(async () => {
  if (platform) await stopPlatform();
});

describe('npm start and the duban CLI', () => {
  it('launches once, and says so the second time', async () => {
    const first = await duban('launch', file, '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ campaignId: 'upcoming', outcome: 'launched', obligations: 2 });
    const again = await duban('launch', file, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'already-launched' });
  });

  it('finds the campaign’s workflow by its search attributes; an obligation’s waits until a day before its first notice', async () => {
    expect(await workflowsWhere(`DubanCampaign = 'upcoming'`)).toEqual(['duban/upcoming']);
    expect(await workflowsWhere(`DubanCampaign = 'upcoming' AND DubanUnit = 'dept-b'`, 0)).toEqual([]);
  });

  it('stops cleanly on Ctrl-C and resumes the running campaign on the next start', async () => {
    expect(await stopPlatform()).toBe(0);
    expect(output).toContain('[duban] stopped');
    await startPlatform();
    const report = join(env.DUBAN_DATA_DIR!, 'town-a 报告.pdf');
    writeFileSync(report, '%PDF-1.4\n%%EOF\n');
    const exe = join(env.DUBAN_DATA_DIR!, 'town-a.exe');
    writeFileSync(exe, 'MZ');
    const refusedFile = await duban('submit', 'upcoming', 'town-a', 'report', '--file', exe);
    expect(refusedFile.code).toBe(1);
    expect(refusedFile.stderr).toContain('town-a.exe');
    const submit = await duban('submit', 'upcoming', 'town-a', 'report', '--file', report, '--json');
    expect(submit.code).toBe(0);
    expect(JSON.parse(submit.stdout)).toMatchObject({ status: 'submitted', lateWorkingDays: 0 });
    // the file is kept by its sha256 under the data directory, as an upload through the console would be
    const sha = createHash('sha256').update(readFileSync(report)).digest('hex');
    expect(readFileSync(join(env.DUBAN_DATA_DIR!, 'files', sha.slice(0, 2), sha), 'utf8')).toBe('%PDF-1.4\n%%EOF\n');
    const refused = await duban('submit', 'upcoming', 'town-a', 'report');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('报送并接收，不能再次报送');
    const status = JSON.parse((await duban('status', 'upcoming', '--json')).stdout) as { rows: { unit: string; state: string }[] };
    expect(status.rows.map((r) => `${r.unit}:${r.state}`)).toEqual(['dept-b:open', 'town-a:submitted']);
  });

  it('warns when an extension moves a deadline into a year the holiday calendar does not know', async () => {
    const year = Number(today.slice(0, 4)) + 3; // the State Council publishes only the next year's calendar
    const { stdout, stderr, code } = await duban('extend', 'upcoming', 'dept-b', 'report', '--to', `${year}-03-15`, '--reason', '春节后报送', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'open', deadline: `${year}-03-15` });
    expect(stderr).toContain(`节假日日历不包含 ${year} 年`);
    // the action started the obligation's workflow, found by its search attributes
    expect(await workflowsWhere(`DubanCampaign = 'upcoming' AND DubanUnit = 'dept-b' AND WorkflowType = 'obligationWorkflow'`)).toEqual(['duban/upcoming/dept-b/report']);
  });

  it('prints one history merging duban records and Temporal events', async () => {
    const { stdout, code } = await duban('history', 'upcoming', '--unit', 'town-a', '--json');
    expect(code).toBe(0);
    const entries = stdout.trim().split('\n').map((l) => JSON.parse(l) as { source: string; kind: string; actor?: string });
    expect(entries.some((e) => e.source === 'duban' && e.kind === 'obligation.submit' && e.actor === 'zhang')).toBe(true);
    expect(entries.some((e) => e.source === 'temporal' && e.kind === 'timer.started')).toBe(true);
    expect(entries.some((e) => e.source === 'temporal' && e.kind === 'update.accepted')).toBe(true);
  });
});

describe('npm start when a port is taken', () => {
  it('exits with a message naming the variable to change, and leaves no Temporal server behind', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const smtpPort = (blocker.address() as { port: number }).port;
    const temporalPort = await freePort();
    const failing = {
      ...env,
      DUBAN_DATA_DIR: mkdtempSync(join(tmpdir(), 'duban-port-')),
      DUBAN_TEMPORAL_PORT: String(temporalPort),
      DUBAN_TEMPORAL_UI_PORT: String(await freePort()),
      DUBAN_WEB_PORT: String(await freePort()),
      DUBAN_SMTP_PORT: String(smtpPort),
    };
    let result: { code: number; output: string };
    try {
      result = await failedStart(failing);
    } finally {
      blocker.close();
    }
    expect(result.code).toBe(1);
    expect(result.output).toContain(`EADDRINUSE`);
    expect(result.output).toContain('set DUBAN_SMTP_PORT');
    // the dev server it had started is gone: its port is free again
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(temporalPort, '127.0.0.1', () => resolve());
    });
    probe.close();
  });
});

describe('npm start next to another Temporal server', () => {
  it.each(['DUBAN_TEMPORAL_PORT', 'DUBAN_TEMPORAL_UI_PORT', 'DUBAN_WEB_PORT'])('names %s when another program holds that port, and starts nothing', async (variable) => {
    const startEnv = await separateEnv();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(startEnv[variable]), '127.0.0.1', () => resolve()));
    try {
      const { code, output } = await failedStart(startEnv);
      expect(code).toBe(1);
      expect(output).toContain(`port ${startEnv[variable]} is in use`);
      expect(output).toContain(`set ${variable} to a free port`);
      expect(output).not.toContain('mail catcher:');
    } finally {
      blocker.close();
    }
    await expectPortsFree(startEnv, 'DUBAN_TEMPORAL_PORT', 'DUBAN_TEMPORAL_UI_PORT', 'DUBAN_SMTP_PORT', 'DUBAN_MAIL_WEB_PORT');
  });

  it('refuses to attach its worker to a Temporal server it did not start', async () => {
    const startEnv = { ...(await separateEnv()), DUBAN_TEMPORAL_PORT: env.DUBAN_TEMPORAL_PORT }; // the platform's dev server
    const { code, output } = await failedStart(startEnv);
    expect(code).toBe(1);
    expect(output).not.toContain('[duban] ready');
    expect(output).toContain(`port ${env.DUBAN_TEMPORAL_PORT} is in use`);
    expect(output).toContain('set DUBAN_TEMPORAL_PORT to a free port');
    await expectPortsFree(startEnv, 'DUBAN_TEMPORAL_UI_PORT', 'DUBAN_SMTP_PORT', 'DUBAN_MAIL_WEB_PORT');
  });

  it('gives up when its dev server exits during start-up, even with another server answering on the port', async () => {
    // The port is free when npm start checks it. This stand-in for the temporal CLI then starts the real dev
    // server as somebody else's (it outlives the stand-in), and exits with 1 once npm start has connected to
    // it and started the mail catcher.
    const startEnv = await separateEnv();
    const standIn = join(startEnv.DUBAN_DATA_DIR!, 'temporal.mjs');
    writeFileSync(
      standIn,
      `#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
const other = spawn(${JSON.stringify(temporalCliPath())}, process.argv.slice(2), { detached: true, stdio: 'ignore' });
other.unref();
writeFileSync(${JSON.stringify(join(startEnv.DUBAN_DATA_DIR!, 'other.pid'))}, String(other.pid));
const exitOnceSmtpAnswers = () => {
  const socket = connect(${startEnv.DUBAN_SMTP_PORT}, '127.0.0.1');
  socket.once('connect', () => process.exit(1));
  socket.once('error', () => setTimeout(exitOnceSmtpAnswers, 50));
};
exitOnceSmtpAnswers();
setTimeout(() => process.exit(2), 60_000);
`,
    );
    chmodSync(standIn, 0o755);
    try {
      const { code, output } = await failedStart({ ...startEnv, DUBAN_TEMPORAL_CLI: standIn });
      expect(output).toContain('mail catcher:');
      expect(output).not.toContain('[duban] ready');
      expect(output).toContain('the Temporal dev server exited unexpectedly (1)');
      expect(code).toBe(1);
      await expectPortsFree(startEnv, 'DUBAN_SMTP_PORT', 'DUBAN_MAIL_WEB_PORT');
    } finally {
      process.kill(Number(readFileSync(join(startEnv.DUBAN_DATA_DIR!, 'other.pid'), 'utf8')), 'SIGTERM');
      await waitFor('the other Temporal server to stop', () => canListen(Number(startEnv.DUBAN_TEMPORAL_PORT)), 20_000);
    }
  });
});

describe('npm start, stopped by a signal to the npm process alone', () => {
  /** The live processes under `pid` (zombies count as gone). */
  async function descendants(pid: number): Promise<number[]> {
    const { stdout } = await run('ps', ['-A', '-o', 'pid=,ppid=,stat=']);
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([, , stat]) => !stat.startsWith('Z'))
      .map(([p, pp]) => ({ pid: Number(p), ppid: Number(pp) }));
    const found: number[] = [];
    for (let parents = [pid]; parents.length; ) {
      parents = rows.filter((r) => parents.includes(r.ppid)).map((r) => r.pid);
      found.push(...parents);
    }
    return found;
  }

  async function alive(pids: number[]): Promise<number[]> {
    const { stdout } = await run('ps', ['-A', '-o', 'pid=,stat=']);
    const live = new Set(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter(([, stat]) => !stat.startsWith('Z'))
        .map(([p]) => Number(p)),
    );
    return pids.filter((p) => live.has(p));
  }

  it.each(['SIGINT', 'SIGTERM'] as const)('stops the worker, the dev server and the mail catcher on %s', async (signal) => {
    const startEnv = { ...(await separateEnv()), npm_config_update_notifier: 'false' };
    const npm = spawn('npm', ['start'], { env: startEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    npm.stdout.on('data', (d: Buffer) => (out += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (out += d.toString()));
    let tree = [npm.pid!];
    try {
      await waitFor('[duban] ready', () => out.includes('[duban] ready') || npm.exitCode !== null, 90_000);
      expect(out).toContain('[duban] ready');
      tree = [npm.pid!, ...(await descendants(npm.pid!))];
      expect(tree.length).toBeGreaterThanOrEqual(3); // npm, the platform, the dev server
      npm.kill(signal);
      await waitFor(`the processes of npm start to end after ${signal}`, async () => (await alive(tree)).length === 0, 20_000);
      expect(out).toContain('[duban] stopped');
      await expectPortsFree(startEnv, 'DUBAN_TEMPORAL_PORT', 'DUBAN_TEMPORAL_UI_PORT', 'DUBAN_SMTP_PORT', 'DUBAN_MAIL_WEB_PORT');
    } finally {
      for (const pid of await alive(tree)) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('the mail catcher of npm start', () => {
  async function send(catcher: MailCatcher, subject: string): Promise<void> {
    const transport = nodemailer.createTransport({ url: catcher.smtpUrl });
    try {
      await transport.sendMail({ from: 'office@county.example', to: 'a@county.example', cc: 'a.head@county.example', subject, text: `${subject}\n` });
    } finally {
      transport.close();
    }
  }

  it('keeps the mail of earlier runs, shows it, and numbers on after it', async () => {
    const storeDir = join(mkdtempSync(join(tmpdir(), 'duban-mail-')), 'mail');
    const first = await startMailCatcher({ storeDir });
    await send(first, '提醒一');
    await send(first, '提醒二');
    await first.close();
    const earlier = ['000001.eml', '000002.eml'].map((f) => readFileSync(join(storeDir, f)));

    const second = await startMailCatcher({ storeDir });
    try {
      expect(second.messages().map((m) => [m.seq, m.subject])).toEqual([
        [1, '提醒一'],
        [2, '提醒二'],
      ]);
      expect(second.messages()[0]).toMatchObject({ to: ['a@county.example'], cc: ['a.head@county.example'], text: '提醒一\n' });
      await send(second, '督办通知');
      expect(readdirSync(storeDir).sort()).toEqual(['000001.eml', '000002.eml', '000003.eml']);
      expect(['000001.eml', '000002.eml'].map((f) => readFileSync(join(storeDir, f)))).toEqual(earlier);
      expect(second.messages().map((m) => [m.seq, m.subject])).toEqual([
        [1, '提醒一'],
        [2, '提醒二'],
        [3, '督办通知'],
      ]);
    } finally {
      await second.close();
    }
  });

  it('never overwrites a stored message, even when two catchers share the directory', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'duban-mail-'));
    const a = await startMailCatcher({ storeDir });
    const b = await startMailCatcher({ storeDir });
    try {
      await send(a, 'to a');
      await send(b, 'to b');
    } finally {
      await a.close();
      await b.close();
    }
    const stored = readdirSync(storeDir)
      .sort()
      .map((f) => readFileSync(join(storeDir, f), 'utf8').match(/^Subject: (.*)$/m)?.[1]);
    expect(stored).toEqual(['to a', 'to b']);
    expect(b.messages().map((m) => [m.seq, m.subject])).toEqual([[2, 'to b']]);
  });
});
