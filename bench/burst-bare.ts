// The baseline side of `bench burst`: bare Temporal on its own dev server. N workflows (bench/bare) sleep
// until minute M and then each run one activity that sends one mail with nodemailer to a fresh sink.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { type Mailer, createMailer } from '../mail/mailer';
import { parseCampaignDefinition } from '../domain/definition';
import { docxAttachment } from '../letters/docx';
import { officialLetterText } from '../letters/official';
import { type BareLetter, createBareActivities } from './bare/activities';
import { lettersOf } from './docx';
import { bareBurstWorkflow } from './bare/workflows';
import { type SideResult, chooseMinute, collectBurst, iso, letterChecks, load1, s, sleep } from './burst-common';
import { type DevServer, NAMESPACE, startDevServer } from './dev-server';
import { type SinkProcess, startSinkProcess } from './sink-process';
import { waitForFirstTasks } from './measure';

const require = createRequire(import.meta.url);
const TASK_QUEUE = 'bench-bare';
/** Concurrent start requests, as duban's startObligationWorkflows uses within a batch. */
const START_CONCURRENCY = 16;
const FIRST_TASKS_TIMEOUT_MS = 5 * 60_000;

const silentLogger = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never;

/**
 * The letter `--bare-same-letter` gives every bare mail: the first 提醒 of the 洮南 example as duban words it (its text
 * and its .docx), made once before the burst, so that bare's mail is as big as duban's and costs the same to compose,
 * transfer and receive, while bare still does none of duban's work (claim, record, wording, .docx).
 */
export async function sameLetter(): Promise<BareLetter> {
  const file = 'examples/taonan-2022-civil-affairs.yaml';
  const letter = lettersOf(parseCampaignDefinition(readFileSync(file, 'utf8'), file))[0];
  return { text: officialLetterText(letter), attachment: await docxAttachment(letter) };
}

export async function runBare(n: number, letter?: BareLetter): Promise<SideResult> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-burst-bare-'));
  let server: DevServer | undefined;
  let catcher: SinkProcess | undefined;
  let mailer: Mailer | undefined;
  let native: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    let t = performance.now();
    server = await startDevServer(dir, { searchAttributes: true });
    catcher = await startSinkProcess();
    mailer = createMailer(catcher.smtpUrl);
    native = await NativeConnection.connect({ address: server.address });
    worker = await Worker.create({
      connection: native,
      namespace: NAMESPACE,
      taskQueue: TASK_QUEUE,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./bare/workflows.ts'), logger: silentLogger }),
      activities: createBareActivities(mailer, letter),
    });
    running = worker.run();
    const client = new Client({ connection: server.connection, namespace: NAMESPACE });
    console.log(`    bare: dev server ${server.address} (db ${server.dbFile}), sink ${catcher.smtpUrl}; set-up ${s(performance.now() - t)}`);

    // Starting N plain workflows and their first tasks is quick: 200 took 3.5 s on two busy cores.
    const minute = chooseMinute(5_000 + n * 15);
    console.log(`    bare: M = ${iso(minute)}; starting ${n} workflows`);
    const ids = Array.from({ length: n }, (_, i) => `bench-bare/${String(i + 1).padStart(6, '0')}`);
    t = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < ids.length) {
        const key = ids[next++];
        await client.workflow.start(bareBurstWorkflow, {
          workflowId: key,
          taskQueue: TASK_QUEUE,
          args: [{ at: minute, key, to: `${key.replace('/', '-')}@bare.example` }],
        });
      }
    };
    await Promise.all(Array.from({ length: START_CONCURRENCY }, lane));
    const startMs = performance.now() - t;
    const firstTasksMs = await waitForFirstTasks(client, ids, FIRST_TASKS_TIMEOUT_MS);
    const marginMs = minute - Date.now();
    console.log(
      `    bare: started in ${s(startMs)}; first tasks ${firstTasksMs === undefined ? 'NOT all run' : `all run ${s(firstTasksMs)} later`}; ` +
        `${s(marginMs)} before M`,
    );

    await sleep(minute - Date.now());
    const loadAtM = load1();
    const burst = await collectBurst(catcher, minute, n, undefined, server.pid);
    const r: SideResult = { side: 'bare', n, minute, startMs, firstTasksMs, marginMs, loadAtM, loadAfter: load1(), ...burst, notes: [], checks: [] };
    letterChecks(r, [
      { name: 'Message-ID', of: (m) => m.messageId },
      { name: 'X-Bench-Key', of: (m) => m.headers['x-bench-key'] ?? '' },
    ]);
    return r;
  } finally {
    if (worker && running) {
      worker.shutdown();
      await running.catch((err: unknown) => console.warn(`bare worker: ${(err as Error).message}`));
    }
    await native?.close();
    mailer?.close();
    await catcher?.close();
    if (catcher?.cpu) {
      const { ms, received } = catcher.cpu;
      console.log(`    bare: the sink process spent ${(ms / 1000).toFixed(1)} s of CPU from its first message on, ${(ms / Math.max(1, received)).toFixed(2)} ms a message (${received})`);
    }
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
