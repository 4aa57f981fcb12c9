// Where the `launch` scenario's time goes, one part at a time: `npx tsx bench/launch-probe.ts [N] [EXPERIMENT …]`
// (default N = 2000, every experiment). Not a scenario of run.ts: a profiling aid, it changes nothing of duban.
//
// Each experiment has a fresh dev server (started as `npm start` starts it) and a fresh SQLite database with
// the `launch` scenario's campaign stored by duban's store/campaigns.ts, then two phases:
//   (a) starts: duban's own batch activity (activities/launch.ts startObligationWorkflows, 16 concurrent
//       starts per batch of 200) run outside a worker, P batches at a time (the campaign workflow runs 2),
//       with no worker polling, so that only the start path is timed;
//   (b) first tasks: a worker with duban's workflow bundle and activities starts on the backlog of N
//       new obligation workflows; timed until every one has completed its first workflow task. The worker
//       is worker/worker.ts createDubanWorker as is, or Worker.create with the same bundle and activities
//       and other workflow-task polling options.
// Experiments (by name): as-is (2 batches at a time, createDubanWorker); ratio1 (nonStickyToStickyPollRatio 1:
// all 10 workflow-task pollers on the normal queue, where first tasks wait, instead of 2); polls40 (ratio 1
// and 40 pollers); p8 (8 batches at a time: 128 starts in flight); no-sa (no Duban* search attributes).
// Results vary with the machine's other load; each line prints the CPU other processes took meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createLaunchActivities } from '../activities/launch';
import { compileCampaign } from '../domain/compile';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { type Mailer, createMailer } from '../mail/mailer';
import { readDefinitionFile } from '../operations/definition-file';
import { LAUNCH_BATCH_SIZE } from '../operations/launch';
import { TASK_QUEUE, obligationWorkflowId } from '../shared/contract';
import { storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { bundleWorkflows, createDubanWorker } from '../worker/worker';
import { type DevServer, NAMESPACE, startDevServer } from './dev-server';
import { obligationTimes, pct } from './launch-scale';
import { waitForFirstTasks } from './measure';
import { MONTH_DELIVERABLES, writeMonthCampaign } from './next-month-campaign';
import { cpuBetween, machineBusyMs, pidByCommandLine, threadCpu } from './proc-stats';

type Polling = Pick<WorkerOptions, 'nonStickyToStickyPollRatio' | 'workflowTaskPollerBehavior' | 'maxConcurrentWorkflowTaskExecutions'>;

interface Experiment {
  name: string;
  /** Batches of LAUNCH_BATCH_SIZE started at a time (the campaign workflow runs 2). */
  parallel: number;
  /** undefined: createDubanWorker as is. */
  polling?: Polling;
  /** Start without the Duban* search attributes (and a server without them), to price them. */
  noSearchAttributes?: boolean;
}

const EXPERIMENTS: Experiment[] = [
  { name: 'as-is', parallel: 2 },
  { name: 'ratio1', parallel: 2, polling: { nonStickyToStickyPollRatio: 1 } },
  { name: 'polls40', parallel: 2, polling: { nonStickyToStickyPollRatio: 1, workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 40 } } },
  { name: 'p8', parallel: 8 },
  { name: 'no-sa', parallel: 2, noSearchAttributes: true },
];

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const n = args[0] && /^\d+$/.test(args[0]) ? Number(args.shift()) : 2000;
  if (n < 2 || n % 2) throw new Error(`N must be even, got ${n}`);
  const chosen = args.length ? EXPERIMENTS.filter((e) => args.includes(e.name)) : EXPERIMENTS;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log(`launch probe, N = ${n}; ${cpus().length} CPUs; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const bundle = await bundleWorkflows();
  for (const e of chosen) await run(e, n, bundle);
}

async function run(e: Experiment, n: number, bundle: Awaited<ReturnType<typeof bundleWorkflows>>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-launch-probe-'));
  let server: DevServer | undefined;
  let db: Db | undefined;
  let catcher: MailCatcher | undefined;
  let mailer: Mailer | undefined;
  let native: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    const sa = !e.noSearchAttributes;
    server = await startDevServer(dir, { searchAttributes: sa });
    const serverPid = pidByCommandLine(server.dbFile);
    const url = `file:${join(dir, 'duban.db')}`;
    await migrateDatabase(url);
    db = createDb(url);
    catcher = await startMailCatcher();
    mailer = createMailer(catcher.smtpUrl);
    const client = new Client({ connection: server.connection, namespace: NAMESPACE });
    const c = writeMonthCampaign(dir, `bench-probe-${e.name}-${Date.now()}`, n / 2);
    const { def, yamlText } = readDefinitionFile(c.file);
    await storeCampaign(db, { compiled: compileCampaign(def, Date.now()), yamlText, sourceFile: c.file, actor: 'bench', clockOffsetMs: 0 });
    const ids = c.unitIds.flatMap((u) => Object.values(MONTH_DELIVERABLES).map((d) => obligationWorkflowId(c.id, u, d)));

    // (a) the starts, no worker
    const { startObligationWorkflows } = createLaunchActivities({ db, client, taskQueue: TASK_QUEUE, searchAttributes: sa });
    const offsets: number[] = [];
    for (let o = 0; o < n; o += LAUNCH_BATCH_SIZE) offsets.push(o);
    const cpu0 = { bench: threadCpu(process.pid), server: serverPid ? threadCpu(serverPid) : [], machine: machineBusyMs() };
    let t = performance.now();
    let started = 0;
    for (let i = 0; i < offsets.length; i += e.parallel) {
      const counts = await Promise.all(
        offsets
          .slice(i, i + e.parallel)
          .map((offset): Promise<number> => new MockActivityEnvironment().run(startObligationWorkflows, { campaignId: c.id, offset, limit: LAUNCH_BATCH_SIZE })),
      );
      started += counts.reduce((a, b) => a + b, 0);
    }
    const startsMs = performance.now() - t;
    const cpuStarts = cpuSummary(cpu0, serverPid, startsMs);

    // (b) the first tasks, on the backlog
    native = await NativeConnection.connect({ address: server.address });
    const base = { connection: native, namespace: NAMESPACE, taskQueue: TASK_QUEUE, client, db, mailer, searchAttributes: sa, workflowBundle: bundle };
    worker = e.polling
      ? await Worker.create({
          connection: native,
          namespace: NAMESPACE,
          taskQueue: TASK_QUEUE,
          workflowBundle: bundle,
          activities: createActivities({ db, mailer, client, taskQueue: TASK_QUEUE, searchAttributes: sa }),
          ...e.polling,
        })
      : await createDubanWorker(base);
    const cpu1 = { bench: threadCpu(process.pid), server: serverPid ? threadCpu(serverPid) : [], machine: machineBusyMs() };
    const t1 = Date.now();
    t = performance.now();
    running = worker.run();
    const waited = await waitForFirstTasks(client, ids, 20 * 60_000);
    const cpuTasks = cpuSummary(cpu1, serverPid, performance.now() - t);
    const times = await obligationTimes(client, ids, t1);
    const allDone = times.firstTaskDone[times.firstTaskDone.length - 1];
    const wo = worker.options;
    console.log(
      `\n[${e.name}] ${n} obligations${sa ? '' : ', no search attributes'}; starts: ${e.parallel} batches of ${LAUNCH_BATCH_SIZE} at a time × 16 concurrent starts = ${16 * e.parallel} in flight; ` +
        `worker: ${e.polling ? JSON.stringify(e.polling) : 'createDubanWorker as is'} (workflow task pollers ${JSON.stringify(wo.workflowTaskPollerBehavior)}, ` +
        `non-sticky ratio ${wo.nonStickyToStickyPollRatio})`,
    );
    console.log(`  (a) ${started} started in ${s(startsMs)}: ${((started / startsMs) * 1000).toFixed(0)} starts/s; ${cpuStarts}`);
    console.log(
      `  (b) first tasks: all ${times.firstTaskDone.length} done ${s(allDone)} after the worker started (seen at ${waited === undefined ? 'timeout' : s(waited)}): ` +
        `${((times.firstTaskDone.length / allDone) * 1000).toFixed(0)} first tasks/s; half done at ${s(pct(times.firstTaskDone, 50))}; ${cpuTasks}`,
    );
  } finally {
    if (worker && running) {
      worker.shutdown();
      await running.catch(() => {});
    }
    await native?.close();
    mailer?.close();
    await catcher?.close();
    await db?.$disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function cpuSummary(before: { bench: ReturnType<typeof threadCpu>; server: ReturnType<typeof threadCpu>; machine?: number }, serverPid: number | undefined, wallMs: number): string {
  const sum = (xs: { cpuMs: number }[]) => xs.reduce((a, x) => a + x.cpuMs, 0);
  const bench = sum(cpuBetween(before.bench, threadCpu(process.pid)));
  const server = serverPid ? sum(cpuBetween(before.server, threadCpu(serverPid))) : NaN;
  const machine = machineBusyMs();
  const others = machine === undefined || before.machine === undefined ? NaN : machine - before.machine - bench - server;
  return `CPU: this process ${s(bench)}, dev server ${s(server)}, others ${s(others)} of ${s(wallMs * cpus().length)}`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
