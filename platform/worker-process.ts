// What `npm start` and `npm run worker` share: reaching Temporal, and a duban worker with its database,
// mailer and connections, each registered for clean-up.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createMailer } from '../mail/mailer';
import { TASK_QUEUE } from '../shared/contract';
import { signalHazardChaseStarts } from '../shared/hazard-contract';
import { type Db, createDb } from '../store/db';
import { campaignsWithHazardsAwaitingChase } from '../store/hazard-chases';
import { createDubanWorker } from '../worker/worker';
import { type DubanConfig, smtpUrl } from './config';
import { registerSearchAttributes } from './search-attributes';

export const log = (msg: string) => process.stdout.write(`[duban] ${msg}\n`);

/** Clean-ups run in reverse order of registration, however start-up or the run ends. */
export type Cleanups = (() => Promise<void> | void)[];

export async function runCleanups(cleanups: Cleanups): Promise<void> {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      log(`while stopping: ${(err as Error).message}`);
    }
  }
}

export async function connectWithRetry(address: string, deadlineMs: number, stopping: AbortSignal): Promise<Connection> {
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

/** On a cluster (not the dev server, which gets them as flags), the Duban* search attributes are registered once. */
export async function registerOnCluster(connection: Connection, config: DubanConfig, stopping: AbortSignal): Promise<void> {
  if (!config.searchAttributes) return;
  try {
    await registerSearchAttributes(connection, config.namespace);
  } catch (err) {
    stopping.throwIfAborted();
    log(`could not register the Duban* search attributes (${(err as Error).message}); register them on the cluster or set DUBAN_SEARCH_ATTRIBUTES=off`);
  }
}

/** A duban worker on the task queue, with its own database client, mailer and native connection. */
export async function createWorkerProcess(
  config: DubanConfig,
  connection: Connection,
  address: string,
  cleanups: Cleanups,
  step: <T>(work: Promise<T>) => Promise<T>,
): Promise<Worker> {
  const db = createDb(config.databaseUrl);
  cleanups.push(() => db.$disconnect());
  const mailer = createMailer(smtpUrl(config));
  cleanups.push(() => mailer.close());
  const nativeConnection = await step(NativeConnection.connect({ address }));
  cleanups.push(() => nativeConnection.close());
  const client = new Client({ connection, namespace: config.namespace });
  await step(resumeHazardChaseStarts(db, client));
  return step(
    createDubanWorker({
      connection: nativeConnection,
      namespace: config.namespace,
      taskQueue: TASK_QUEUE,
      client,
      db,
      mailer,
      searchAttributes: config.searchAttributes,
      mailFrom: config.mailFrom,
      publicUrl: config.publicUrl,
    }),
  );
}

/**
 * Hazards recorded while Temporal could not be told (an import whose signal to the chase starter failed three times):
 * their campaigns' starters run again now. A failure here is only logged: the next import or `hazards wake` retries.
 */
export async function resumeHazardChaseStarts(db: Db, client: Client): Promise<void> {
  for (const campaignId of await campaignsWithHazardsAwaitingChase(db)) {
    try {
      await signalHazardChaseStarts(client, TASK_QUEUE, campaignId);
      log(`专项行动 ${campaignId}：有隐患的督办流程尚未启动，已交由后台启动`);
    } catch (err) {
      log(`专项行动 ${campaignId}：隐患督办流程未能启动（${err instanceof Error ? err.message : String(err)}）`);
    }
  }
}

/** Stopping on Ctrl-C or SIGTERM: start-up steps raced against `step` fail at once; a running worker shuts down. */
export function stopSignals() {
  const stopping = new AbortController();
  const stop = (reason: Error, exitCode: number) => {
    if (stopping.signal.aborted) return;
    process.exitCode = exitCode;
    stopping.abort(reason);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop(new Error(`interrupted (${signal})`), 0));
  const abandoned = new Promise<never>((_, reject) => stopping.signal.addEventListener('abort', () => reject(stopping.signal.reason)));
  abandoned.catch(() => {}); // rejects also when no step is waiting on it
  const step = <T>(work: Promise<T>): Promise<T> => Promise.race([work, abandoned]);
  return { signal: stopping.signal, stop, step };
}

/** Runs the worker until a stop signal, then shuts it down and waits for it. */
export async function runUntilStopped(worker: Worker, stopping: AbortSignal): Promise<void> {
  const running = worker.run();
  stopping.addEventListener('abort', () => {
    log(`${(stopping.reason as Error).message}; stopping…`);
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  await running;
}
