// `npm start`: the whole platform on embedded defaults — Temporal dev server (persisted in ./data), the
// application database (SQLite), a mail catcher with a web inbox, and the worker. Ctrl-C stops it all;
// the next start resumes every running campaign where it was. The `start` script `exec`s tsx: npm forwards
// SIGINT/SIGTERM to its child only, and a `sh -c` left in between would ignore or die of them, orphaning us.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
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

async function connectWithRetry(address: string, deadlineMs: number, stopping: AbortSignal): Promise<Connection> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    stopping.throwIfAborted();
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

/** Fails, naming the variable to change, when another program (another Temporal server, say) listens on the port. */
async function requireFreePort(port: number, variable: string): Promise<void> {
  const probe = createServer();
  const inUse = await new Promise<boolean>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
  if (inUse) throw new Error(`port ${port} is in use by another program (another Temporal server?); stop it or set ${variable} to a free port`);
}

interface DevServer {
  stop(): Promise<void>;
}

function startDevServer(config: ReturnType<typeof loadConfig>, onExit: (reason: Error) => void): DevServer {
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
  const logFile = join(config.dataDir, 'temporal.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', logFd, logFd] });
  let stopping = false;
  child.once('error', (err) => onExit(new Error(`the Temporal dev server could not run: ${err.message}`)));
  child.once('exit', (code, signal) => {
    if (!stopping) onExit(new Error(`the Temporal dev server exited unexpectedly (${signal ?? code}); see ${logFile}`));
  });
  return {
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  // Ctrl-C, SIGTERM or the dev server exiting abandons start-up, or stops the worker once it runs.
  const stopping = new AbortController();
  const stop = (reason: Error, exitCode: number) => {
    if (stopping.signal.aborted) return;
    process.exitCode = exitCode;
    stopping.abort(reason);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop(new Error(`interrupted (${signal})`), 0));
  // A start-up step raced against `abandoned` fails as soon as stopping begins; whatever it still starts
  // afterwards goes down with the process (main's catch exits).
  const abandoned = new Promise<never>((_, reject) => stopping.signal.addEventListener('abort', () => reject(stopping.signal.reason)));
  abandoned.catch(() => {}); // rejects also when no step is waiting on it
  const step = <T>(work: Promise<T>): Promise<T> => Promise.race([work, abandoned]);

  mkdirSync(config.dataDir, { recursive: true });
  migrateDatabase(config.databaseUrl);
  log(`database: ${config.databaseUrl}`);

  // Everything started so far, stopped in reverse order however start-up or the run ends.
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`while stopping: ${(err as Error).message}`);
      }
    }
  };
  try {
    if (!config.temporalAddress) {
      await step(requireFreePort(config.temporalPort, 'DUBAN_TEMPORAL_PORT'));
      await step(requireFreePort(config.temporalUiPort, 'DUBAN_TEMPORAL_UI_PORT'));
      const devServer = startDevServer(config, (reason) => stop(reason, 1));
      cleanups.push(() => devServer.stop());
    }
    const address = temporalAddress(config);
    const connection = await connectWithRetry(address, 60_000, stopping.signal);
    cleanups.push(() => connection.close());
    if (config.temporalAddress && config.searchAttributes) {
      try {
        await step(registerSearchAttributes(connection, config.namespace));
      } catch (err) {
        stopping.signal.throwIfAborted();
        log(`could not register the Duban* search attributes (${(err as Error).message}); register them on the cluster or set DUBAN_SEARCH_ATTRIBUTES=off`);
      }
    }
    log(
      config.temporalAddress
        ? `Temporal: ${address}`
        : `Temporal dev server: ${address} (data in ${join(config.dataDir, 'temporal.db')}, log ${join(config.dataDir, 'temporal.log')}), Web UI http://127.0.0.1:${config.temporalUiPort}`,
    );

    let catcher: Awaited<ReturnType<typeof startMailCatcher>> | undefined;
    if (!config.smtpUrl) {
      try {
        catcher = await step(startMailCatcher({ smtpPort: config.smtpPort, webPort: config.mailWebPort, storeDir: join(config.dataDir, 'mail') }));
      } catch (err) {
        stopping.signal.throwIfAborted();
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
    const nativeConnection = await step(NativeConnection.connect({ address }));
    cleanups.push(() => nativeConnection.close());
    const worker = await step(
      createDubanWorker({
        connection: nativeConnection,
        namespace: config.namespace,
        taskQueue: TASK_QUEUE,
        client: new Client({ connection, namespace: config.namespace }),
        db,
        mailer,
        searchAttributes: config.searchAttributes,
        mailFrom: config.mailFrom,
      }),
    );
    log(`worker: task queue ${TASK_QUEUE} on namespace ${config.namespace}`);
    log('ready (Ctrl-C stops everything). Launch a campaign: npm run duban -- launch FILE');
    if (catcher) {
      log(`rehearse an example into this inbox: npm run duban -- simulate examples/leizhou-2022-assessment.yaml --smtp ${catcher.smtpUrl}`);
    }

    const running = worker.run();
    stopping.signal.addEventListener('abort', () => {
      log(`${(stopping.signal.reason as Error).message}; stopping…`);
      if (worker.getState() === 'RUNNING') worker.shutdown();
    });
    await running;
  } finally {
    await cleanUp();
  }
  log('stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`[duban] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
