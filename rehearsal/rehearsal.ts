// A complete duban on the time-skipping test server: real workflows, real activities, a fresh SQLite
// database and a real SMTP peer. `duban simulate` rehearses campaigns with it; the tests use it too. Every
// letter it sends is marked as a rehearsal's (rehearsal-mail.ts), the tests' included.
// The test server's clock starts today and only moves forward, so campaign time = server time + offset.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type Db, createDb } from '../store/db';
import { type Mailer, createMailer } from '../mail/mailer';
import { CampaignClock } from '../domain/clock';
import { TASK_QUEUE } from '../shared/contract';
import { bundleWorkflows, createDubanWorker } from '../worker/worker';
import { type LaunchResult, campaignStartsSettled, launchCampaign } from '../operations/launch';
import { migrateDatabase } from '../store/migrate';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { registerSearchAttributes } from '../platform/search-attributes';
import { temporalTestServerPath } from '../platform/tools';
import { rehearsalMailer } from './rehearsal-mail';

export interface Rehearsal {
  env: TestWorkflowEnvironment;
  db: Db;
  /** The SMTP peer that received the mail, when the rehearsal started its own. */
  catcher?: MailCatcher;
  worker: Worker;
  taskQueue: string;
  /** The campaign clock (server time + offset), fixed by the first launch. */
  clock(): CampaignClock;
  /** Campaign time minus server time, fixed by the first launch. */
  offsetMs(): number;
  /** The campaign clock now. */
  now(): Promise<number>;
  launch(file: string, launchAt: number, actor?: string): Promise<LaunchResult>;
  /** Let the campaign's clock run (timers fire, notices go out) until `campaignTime`. */
  advanceTo(campaignTime: number): Promise<void>;
  close(): Promise<void>;
}

export interface RehearsalOptions {
  /** Where the letters go; by default an SMTP sink the rehearsal starts itself. */
  smtpUrl?: string;
  /** An empty database to use (the caller drops it); by default a fresh SQLite file, removed on close. */
  databaseUrl?: string;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** The console's address: letters then carry each unit's portal link. */
  publicUrl?: string;
}

export async function startRehearsal(opts: RehearsalOptions = {}): Promise<Rehearsal> {
  const dir = opts.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'duban-rehearsal-'));
  const databaseUrl = opts.databaseUrl ?? `file:${join(dir!, 'duban.db')}`;
  await migrateDatabase(databaseUrl);
  const db = createDb(databaseUrl);
  const catcher = opts.smtpUrl ? undefined : await startMailCatcher();
  // every letter of a rehearsal says so: 【演练】 in its subject, a header, and its first line (rehearsal-mail.ts)
  const mailer: Mailer = rehearsalMailer(createMailer(opts.smtpUrl ?? catcher!.smtpUrl));
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  const taskQueue = TASK_QUEUE;
  const release = async () => {
    await env.teardown();
    mailer.close();
    await catcher?.close();
    await db.$disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  let worker: Worker;
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    worker = await createDubanWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      client: env.client,
      db,
      mailer,
      searchAttributes: true,
      publicUrl: opts.publicUrl,
      workflowBundle: opts.workflowBundle ?? (await bundleWorkflows()),
      maxCachedWorkflows: 500, // ~0.5 MB each; the default (from the heap limit) reaches 2 GB on a 5,000-unit rehearsal
    });
  } catch (err) {
    await release(); // leave no test server, SMTP sink or database behind when start-up fails half-way
    throw err;
  }
  const running = worker.run();
  let clock: CampaignClock | undefined;

  const rehearsal: Rehearsal = {
    env,
    db,
    catcher,
    worker,
    taskQueue,
    clock() {
      if (clock === undefined) throw new Error('no campaign launched in this rehearsal yet');
      return clock;
    },
    offsetMs() {
      return rehearsal.clock().offsetMs;
    },
    async now() {
      return rehearsal.clock().at(await env.currentTimeMs());
    },
    async launch(file, launchAt, actor = 'rehearsal') {
      clock ??= new CampaignClock(launchAt - (await env.currentTimeMs()));
      const result = await launchCampaign(
        { client: env.client, db, taskQueue, searchAttributes: true },
        { file, actor, launchAt, clockOffsetMs: clock.offsetMs },
      );
      // A plain client: waiting on it does not let the server skip time, so the campaign clock stays at
      // the launch until the caller advances it (the time-skipping client would skip while it waits).
      await campaignStartsSettled(new Client({ connection: env.connection, namespace: env.namespace ?? 'default' }), result.workflowId);
      return result;
    },
    async advanceTo(campaignTime) {
      const wait = campaignTime - (await rehearsal.now());
      if (wait <= 0) return;
      // Advances the server's clock by exactly `wait`, firing every timer due on the way.
      await env.sleep(wait);
    },
    async close() {
      worker.shutdown();
      await running;
      await release();
    },
  };
  return rehearsal;
}
