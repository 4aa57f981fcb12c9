// The duban worker: runs the workflows and the activities (with Prisma, the mailer and a Temporal client injected).
import { createRequire } from 'node:module';
import type { Client } from '@temporalio/client';
import { type NativeConnection, Worker, type WorkflowBundleWithSourceMap, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Db } from '../store/db';
import type { Mailer } from '../mail/mailer';

const require = createRequire(import.meta.url);
export const WORKFLOWS_PATH = require.resolve('../workflows/index.ts');

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never });
}

export interface DubanWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  client: Client;
  db: Db;
  mailer: Mailer;
  searchAttributes: boolean;
  mailFrom?: string;
  publicUrl?: string;
  maxCachedWorkflows?: number;
  /** A prebuilt bundle (tests bundle once per file); otherwise the workflows are bundled now. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

export async function createDubanWorker(o: DubanWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    workflowBundle: o.workflowBundle ?? (await bundleWorkflows()),
    maxCachedWorkflows: o.maxCachedWorkflows,
    // As many workflow-task pollers on the shared queue as on this worker's sticky queue (the SDK's default
    // puts 2 of 10 there): a launch's thousands of new workflows wait on the shared queue for their first task.
    nonStickyToStickyPollRatio: 1,
    activities: createActivities({
      db: o.db,
      mailer: o.mailer,
      client: o.client,
      taskQueue: o.taskQueue,
      searchAttributes: o.searchAttributes,
      mailFrom: o.mailFrom,
      publicUrl: o.publicUrl,
    }),
  });
}
