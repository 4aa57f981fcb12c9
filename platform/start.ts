// `npm start`: the whole platform on embedded defaults — Temporal dev server (persisted in ./data), the
// application database (SQLite), a mail catcher with a web inbox, and the worker. Ctrl-C stops it all;
// the next start resumes every running campaign where it was.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '../store/db';
import { createMailer } from '../mail/mailer';
import { TASK_QUEUE } from '../shared/contract';
import { createDubanWorker } from '../worker/worker';
import { loadConfig, smtpUrl, temporalAddress } from './config';
import { migrateDatabase } from '../store/migrate';
import { startMailCatcher } from '../mail/catcher';
import { devServerSearchAttributeFlags, registerSearchAttributes } from './search-attributes';
import { temporalCliPath } from './tools';

const log = (msg: string) => process.stdout.write(`[duban] ${msg}\n`);

async function connectWithRetry(address: string, deadlineMs: number, gaveUp: () => string | undefined): Promise<Connection> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const reason = gaveUp();
    if (reason) throw new Error(reason);
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

function portHint(err: unknown, what: string, variable: string): Error {
  const e = err as { code?: string; message?: string };
  if (e.code === 'EADDRINUSE') return new Error(`${what}: ${e.message}. Another program uses that port; stop it or set ${variable} to a free port`);
  return err instanceof Error ? err : new Error(String(err));
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

  // Everything started so far, stopped in reverse order however start-up or the run ends.
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    stopping = true;
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`while stopping: ${(err as Error).message}`);
      }
    }
  };
  try {
    const devServer = config.temporalAddress ? undefined : startDevServer(config);
    if (devServer) {
      cleanups.push(async () => {
        if (devServer.exitCode !== null || devServer.signalCode !== null) return;
        const exited = new Promise((r) => devServer.once('exit', r));
        devServer.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (devServer.exitCode === null && devServer.signalCode === null) devServer.kill('SIGKILL');
      });
    }
    const address = temporalAddress(config);
    const connection = await connectWithRetry(address, 60_000, () =>
      devServer && devServer.exitCode !== null
        ? `the Temporal dev server exited with code ${devServer.exitCode}; see ${join(config.dataDir, 'temporal.log')} ` +
          `(is port ${config.temporalPort} or ${config.temporalUiPort} in use? set DUBAN_TEMPORAL_PORT / DUBAN_TEMPORAL_UI_PORT)`
        : undefined,
    );
    cleanups.push(() => connection.close());
    if (config.temporalAddress && config.searchAttributes) {
      try {
        await registerSearchAttributes(connection, config.namespace);
      } catch (err) {
        log(`could not register the Duban* search attributes (${(err as Error).message}); register them on the cluster or set DUBAN_SEARCH_ATTRIBUTES=off`);
      }
    }
    log(
      devServer
        ? `Temporal dev server: ${address} (data in ${join(config.dataDir, 'temporal.db')}, log ${join(config.dataDir, 'temporal.log')}), Web UI http://127.0.0.1:${config.temporalUiPort}`
        : `Temporal: ${address}`,
    );

    let catcher: Awaited<ReturnType<typeof startMailCatcher>> | undefined;
    if (!config.smtpUrl) {
      try {
        catcher = await startMailCatcher({ smtpPort: config.smtpPort, webPort: config.mailWebPort, storeDir: join(config.dataDir, 'mail') });
      } catch (err) {
        throw portHint(err, 'the mail catcher could not start', 'DUBAN_SMTP_PORT / DUBAN_MAIL_WEB_PORT');
      }
      const c = catcher;
      cleanups.push(() => c.close());
    }
    log(catcher ? `mail catcher: SMTP ${catcher.smtpUrl}, inbox ${catcher.webUrl}` : `SMTP: ${config.smtpUrl}`);

    const db = createDb(config.databaseUrl);
    cleanups.push(() => db.$disconnect());
    const mailer = createMailer(smtpUrl(config));
    cleanups.push(() => mailer.close());
    const nativeConnection = await NativeConnection.connect({ address });
    cleanups.push(() => nativeConnection.close());
    const worker = await createDubanWorker({
      connection: nativeConnection,
      namespace: config.namespace,
      taskQueue: TASK_QUEUE,
      client: new Client({ connection, namespace: config.namespace }),
      db,
      mailer,
      searchAttributes: config.searchAttributes,
      mailFrom: config.mailFrom,
    });
    log(`worker: task queue ${TASK_QUEUE} on namespace ${config.namespace}`);
    log('ready (Ctrl-C stops everything). Launch a campaign: npm run duban -- launch FILE');
    if (catcher) {
      log(`rehearse an example into this inbox: npm run duban -- simulate examples/leizhou-2022-assessment.yaml --smtp ${catcher.smtpUrl}`);
    }

    stop = async () => {
      if (stopping) return;
      stopping = true;
      log('stopping…');
      if (worker.getState() === 'RUNNING') worker.shutdown();
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    await worker.run();
  } finally {
    await cleanUp();
  }
  log('stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`[duban] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
