// duban on PostgreSQL with standalone workers, as a deployment runs it: `npm start` with DATABASE_URL on a
// PostgreSQL database, and two `npm run worker` processes beside it on the same Temporal server, database and
// SMTP server. A campaign's letters fall due in the same minute, on the real clock; the three workers share
// them and none is sent twice. Then the CLI records a submission and reads status and history.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { type Proc, freePort, startProcess, stopProcess } from './support/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaughtMail } from '../mail/catcher';
import { obligationWorkflowId } from '../shared/contract';
import { type Db, createDb } from '../store/db';
import { type TestDatabase, freshDatabase } from './support/databases';

const run = promisify(execFile);
const UNITS = 30;
const ZONE = 'Asia/Shanghai';

/** The next minute boundary at least 25 s away, in the campaign's zone: when every letter falls due. */
function dueMinute(): DateTime {
  return DateTime.now().setZone(ZONE).plus({ seconds: 25 }).startOf('minute').plus({ minutes: 1 });
}

function campaignFile(dir: string, minute: DateTime): string {
  const day = minute.toISODate()!;
  const units = Array.from(
    { length: UNITS },
    (_, i) => `  - { id: t${i}, name: 镇${i}, type: town, email: t${i}@county.example, principal: { name: 镇长${i}, email: h${i}@county.example } }`,
  );
  const file = join(dir, 'burst.yaml');
  writeFileSync(
    file,
    `campaign:
  id: pg-burst
  title: 同一分钟到期
  office: { name: 县安委办, email: office@county.example }
  calendar: { workdays: [${day}] }
policy:
  sendAt: "${minute.toFormat('HH:mm')}"
  remindBefore: [0]
units:
${units.join('\n')}
stages:
  - { id: s1, name: 排查, start: ${day}, end: ${minute.plus({ days: 30 }).toISODate()} }
deliverables:
  - { id: report, name: 排查报告, stage: s1, owedBy: [town], due: ${day} }
`,
  );
  return file;
}

let database: TestDatabase;
let env: NodeJS.ProcessEnv;
let platform: Proc | undefined;
const workers: Proc[] = [];
let db: Db;

async function duban(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['scripts/run.mjs', 'duban', ...args], { env });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

async function caught(): Promise<CaughtMail[]> {
  const res = await fetch(`http://127.0.0.1:${env.DUBAN_MAIL_WEB_PORT}/api/messages`);
  return (await res.json()) as CaughtMail[];
}

beforeAll(async () => {
  database = await freshDatabase('postgresql');
  env = {
    ...process.env,
    DATABASE_URL: database.url,
    DUBAN_DATA_DIR: mkdtempSync(join(tmpdir(), 'duban-pg-platform-')),
    DUBAN_TEMPORAL_PORT: String(await freePort()),
    DUBAN_TEMPORAL_UI_PORT: String(await freePort()),
    DUBAN_SMTP_PORT: String(await freePort()),
    DUBAN_MAIL_WEB_PORT: String(await freePort()),
    DUBAN_WEB_PORT: String(await freePort()),
    DUBAN_OPERATOR: 'zhao',
  };
  platform = await startProcess('start', env);
  const workerEnv = {
    ...env,
    DUBAN_TEMPORAL_ADDRESS: `127.0.0.1:${env.DUBAN_TEMPORAL_PORT}`,
    DUBAN_SMTP_URL: `smtp://127.0.0.1:${env.DUBAN_SMTP_PORT}`,
  };
  workers.push(...(await Promise.all([startProcess('worker', workerEnv), startProcess('worker', workerEnv)])));
  db = createDb(database.url);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stopProcess(w)));
  await stopProcess(platform);
  await db?.$disconnect();
  await database?.drop();
});

describe('npm start on PostgreSQL with two standalone workers', () => {
  it('sends every letter of a one-minute burst once, shared among the workers', async () => {
    const minute = dueMinute();
    const file = campaignFile(env.DUBAN_DATA_DIR!, minute);
    const launched = await duban('launch', file, '--json');
    expect(launched.code, launched.stderr).toBe(0);
    expect(JSON.parse(launched.stdout)).toMatchObject({ outcome: 'launched', obligations: UNITS });

    const until = minute.toMillis() + 90_000;
    let mails = await caught();
    while (mails.length < UNITS && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      mails = await caught();
    }
    await new Promise((r) => setTimeout(r, 2_000)); // a duplicate would arrive about now
    mails = await caught();
    const keys = mails.map((m) => m.headers['x-duban-key']);
    expect(mails).toHaveLength(UNITS);
    expect(new Set(keys).size).toBe(UNITS);
    for (const m of mails) expect(new Date(m.receivedAt).getTime()).toBeGreaterThanOrEqual(minute.toMillis());
    expect(await db.notice.count({ where: { campaignId: 'pg-burst', status: 'sent' } })).toBe(UNITS);
    expect(await db.auditEvent.count({ where: { campaignId: 'pg-burst', kind: 'notice.sent' } })).toBe(UNITS);

    // which worker ran each sendNotice: the identity on its ActivityTaskStarted event
    const connection = await Connection.connect({ address: `127.0.0.1:${env.DUBAN_TEMPORAL_PORT}` });
    try {
      const client = new Client({ connection });
      const identities = new Set<string>();
      for (let i = 0; i < UNITS; i++) {
        const history = await client.workflow.getHandle(obligationWorkflowId('pg-burst', `t${i}`, 'report')).fetchHistory();
        for (const e of history.events ?? []) if (e.activityTaskStartedEventAttributes?.identity) identities.add(e.activityTaskStartedEventAttributes.identity);
      }
      expect(identities.size).toBeGreaterThanOrEqual(2);
    } finally {
      await connection.close();
    }
  });

  it('records a submission, and shows it in status and history', async () => {
    const submitted = await duban('submit', 'pg-burst', 't3', 'report', '--json');
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ status: 'submitted', lateWorkingDays: 0 });
    const status = JSON.parse((await duban('status', 'pg-burst', '--json')).stdout) as { rows: { unit: string; state: string }[] };
    expect(status.rows).toHaveLength(UNITS);
    expect(status.rows.find((r) => r.unit === 't3')?.state).toBe('submitted');
    const history = (await duban('history', 'pg-burst', '--unit', 't3', '--json')).stdout.trim().split('\n').map((l) => JSON.parse(l) as { source: string; kind: string; actor?: string });
    expect(history.some((e) => e.source === 'duban' && e.kind === 'notice.sent')).toBe(true);
    expect(history.some((e) => e.source === 'duban' && e.kind === 'obligation.submit' && e.actor === 'zhao')).toBe(true);
  });
});
