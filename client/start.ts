// `npm start`: the whole platform on embedded defaults — Temporal dev server (persisted in ./data), the
// application database (SQLite), a mail catcher with a web inbox, and the worker. Ctrl-C stops it all;
// the next start resumes every running campaign where it was.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '../activities/db';
import { createMailer } from '../activities/mailer';
import { TASK_QUEUE } from '../workflows/definitions';
import { createDubanWorker } from '../worker/worker';
import { loadConfig, smtpUrl, temporalAddress } from './config';
import { migrateDatabase } from './database';
import { startMailCatcher } from './mail-catcher';
import { devServerSearchAttributeFlags, registerSearchAttributes } from './search-attributes';
import { temporalCliPath } from './tools';

const log = (msg: string) => process.stdout.write(`[duban] ${msg}\n`);

async function connectWithRetry(address: string, deadlineMs: number): Promise<Connection> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2 seconds' });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (err) {
      if (Date.now() > until) throw new Error(`Temporal at ${address} did not answer within ${deadlineMs / 1000}s: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function startDevServer(config: ReturnType<typeof loadConfig>): ChildProcess {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(config.temporalPort),
    '--ui-port',
    String(config.temporalUiPort),
    '--db-filename',
    join(config.dataDir, 'temporal.db'),
    '--namespace',
    config.namespace,
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    '--log-level',
    'warn',
    ...(config.searchAttributes ? devServerSearchAttributeFlags() : []),
  ];
  const logFd = openSync(join(config.dataDir, 'temporal.log'), 'a');
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', logFd, logFd] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`the Temporal dev server exited unexpectedly (${signal ?? code}); stopping`);
      process.exitCode = 1;
      void stop();
    }
  });
  return child;
}

let stopping = false;
let stop: () => Promise<void> = async () => {};

async function main(): Promise<void> {
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  migrateDatabase(config.databaseUrl);
  log(`database: ${config.databaseUrl}`);

  const devServer = config.temporalAddress ? undefined : startDevServer(config);
  const address = temporalAddress(config);
  const connection = await connectWithRetry(address, 60_000);
  if (config.temporalAddress && config.searchAttributes) {
    try {
      await registerSearchAttributes(connection, config.namespace);
    } catch (err) {
      log(`could not register the Duban* search attributes (${(err as Error).message}); register them on the cluster or set DUBAN_SEARCH_ATTRIBUTES=off`);
    }
  }
  log(devServer ? `Temporal dev server: ${address} (data in ${join(config.dataDir, 'temporal.db')}, log ${join(config.dataDir, 'temporal.log')}), Web UI http://127.0.0.1:${config.temporalUiPort}` : `Temporal: ${address}`);

  const catcher = config.smtpUrl
    ? undefined
    : await startMailCatcher({ smtpPort: config.smtpPort, webPort: config.mailWebPort, storeDir: join(config.dataDir, 'mail') });
  log(catcher ? `mail catcher: SMTP ${catcher.smtpUrl}, inbox ${catcher.webUrl}` : `SMTP: ${config.smtpUrl}`);

  const db = createDb(config.databaseUrl);
  const mailer = createMailer(smtpUrl(config));
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace: config.namespace });
  const worker = await createDubanWorker({
    connection: nativeConnection,
    namespace: config.namespace,
    taskQueue: TASK_QUEUE,
    client,
    db,
    mailer,
    searchAttributes: config.searchAttributes,
    mailFrom: config.mailFrom,
  });
  log(`worker: task queue ${TASK_QUEUE} on namespace ${config.namespace}`);
  log('ready. Try: npm run duban -- launch examples/leizhou-2022-assessment.yaml   (Ctrl-C stops everything)');

  stop = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  try {
    await worker.run();
  } finally {
    stopping = true;
    await nativeConnection.close();
    await connection.close();
    mailer.close();
    await catcher?.close();
    await db.$disconnect();
    if (devServer && devServer.exitCode === null) {
      const exited = new Promise((r) => devServer.once('exit', r));
      devServer.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (devServer.exitCode === null) devServer.kill('SIGKILL');
    }
    log('stopped');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[duban] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
