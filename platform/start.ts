// `npm start`: the whole platform on embedded defaults — Temporal dev server (persisted in ./data), the
// application database (SQLite), a mail catcher with a web inbox, and the worker. Ctrl-C stops it all;
// the next start resumes every running campaign where it was. The `start` script `exec`s node: npm forwards
// SIGINT/SIGTERM to its child only, and a `sh -c` left in between would ignore or die of them, orphaning us.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import { TASK_QUEUE } from '../shared/contract';
import { createDb, redact } from '../store/db';
import { startConsoleServer } from '../web/server';
import { loadConfig, temporalAddress } from './config';
import { migrateDatabase } from '../store/migrate';
import { startMailCatcher } from '../mail/catcher';
import { devServerArgs } from './dev-server';
import { temporalCliPath } from './tools';
import { type Cleanups, connectWithRetry, createWorkerProcess, log, registerOnCluster, runCleanups, runUntilStopped, stopSignals } from './worker-process';

/** The browser app built at install (scripts/build.mjs); dist/ and platform/ both sit at the project root. */
const UI_DIR = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'ui');

function portHint(err: unknown, what: string, variable: string): Error {
  const e = err as { code?: string; message?: string };
  if (e.code === 'EADDRINUSE') return new Error(`${what}: ${e.message}. Another program uses that port; stop it or set ${variable} to a free port`);
  return err instanceof Error ? err : new Error(String(err));
}

/** Fails, naming the variable to change, when another program (another Temporal server, say) listens on the port. */
async function requireFreePort(port: number, variable: string, suspect = 'another Temporal server?'): Promise<void> {
  const probe = createServer();
  const inUse = await new Promise<boolean>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
  if (inUse) throw new Error(`port ${port} is in use by another program (${suspect}); stop it or set ${variable} to a free port`);
}

interface DevServer {
  stop(): Promise<void>;
}

function startDevServer(config: ReturnType<typeof loadConfig>, onExit: (reason: Error) => void): DevServer {
  const args = devServerArgs({
    port: config.temporalPort,
    uiPort: config.temporalUiPort,
    dbFile: join(config.dataDir, 'temporal.db'),
    namespace: config.namespace,
    searchAttributes: config.searchAttributes,
  });
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
  const { signal: stopping, stop, step } = stopSignals();

  mkdirSync(config.dataDir, { recursive: true });
  await migrateDatabase(config.databaseUrl);
  log(`database: ${redact(config.databaseUrl)}`);

  const cleanups: Cleanups = [];
  try {
    await step(requireFreePort(config.webPort, 'DUBAN_WEB_PORT', 'another duban console?'));
    if (!config.temporalAddress) {
      await step(requireFreePort(config.temporalPort, 'DUBAN_TEMPORAL_PORT'));
      await step(requireFreePort(config.temporalUiPort, 'DUBAN_TEMPORAL_UI_PORT'));
      const devServer = startDevServer(config, (reason) => stop(reason, 1));
      cleanups.push(() => devServer.stop());
    }
    const address = temporalAddress(config);
    const connection = await connectWithRetry(address, 60_000, stopping);
    cleanups.push(() => connection.close());
    if (config.temporalAddress) await step(registerOnCluster(connection, config, stopping));
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
        stopping.throwIfAborted();
        throw portHint(err, 'the mail catcher could not start', 'DUBAN_SMTP_PORT / DUBAN_MAIL_WEB_PORT');
      }
      const c = catcher;
      cleanups.push(() => c.close());
    }
    log(catcher ? `mail catcher: SMTP ${catcher.smtpUrl}, inbox ${catcher.webUrl}` : `SMTP: ${config.smtpUrl}`);

    const worker = await createWorkerProcess(config, connection, address, cleanups, step);
    log(`worker: task queue ${TASK_QUEUE} on namespace ${config.namespace}`);

    const consoleDb = createDb(config.databaseUrl);
    cleanups.push(() => consoleDb.$disconnect());
    let web: Awaited<ReturnType<typeof startConsoleServer>>;
    try {
      web = await step(
        startConsoleServer(
          {
            db: consoleDb,
            client: new Client({ connection, namespace: config.namespace }),
            taskQueue: TASK_QUEUE,
            searchAttributes: config.searchAttributes,
            namespace: config.namespace,
            dataDir: config.dataDir,
            publicUrl: config.publicUrl,
            maxUploadBytes: config.maxUploadBytes,
            temporalUiUrl: config.temporalUiUrl,
            uiDir: UI_DIR,
          },
          { host: config.webHost, port: config.webPort },
        ),
      );
    } catch (err) {
      stopping.throwIfAborted();
      throw portHint(err, 'the console could not start', 'DUBAN_WEB_PORT');
    }
    cleanups.push(() => web.close());
    log(`console (工作台): ${web.url}  — first account: npm run duban -- user add NAME --role admin`);
    log('ready (Ctrl-C stops everything). Launch a campaign: npm run duban -- launch FILE');
    if (catcher) {
      log(`rehearse an example into this inbox: npm run duban -- simulate examples/leizhou-2022-assessment.yaml --smtp ${catcher.smtpUrl}`);
    }
    await runUntilStopped(worker, stopping);
  } finally {
    await runCleanups(cleanups);
  }
  log('stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`[duban] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
