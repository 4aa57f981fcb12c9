// `npm run worker`: only a duban worker, against the Temporal server at DUBAN_TEMPORAL_ADDRESS, the database at
// DATABASE_URL and the SMTP server at DUBAN_SMTP_URL (by default those of an `npm start` on this machine).
// Run as many as the load needs, on one machine or many: they share the task queue, and the notice claim in
// the database keeps any two from sending the same letter.
import { hostname } from 'node:os';
import { TASK_QUEUE } from '../shared/contract';
import { redact } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { loadConfig, smtpUrl, temporalAddress } from './config';
import { type Cleanups, connectWithRetry, createWorkerProcess, log, registerOnCluster, runCleanups, runUntilStopped, stopSignals } from './worker-process';

async function main(): Promise<void> {
  const config = loadConfig();
  const { signal: stopping, step } = stopSignals();
  await step(migrateDatabase(config.databaseUrl));
  const address = temporalAddress(config);
  const cleanups: Cleanups = [];
  try {
    const connection = await connectWithRetry(address, 60_000, stopping);
    cleanups.push(() => connection.close());
    await step(registerOnCluster(connection, config, stopping));
    const worker = await createWorkerProcess(config, connection, address, cleanups, step);
    log(
      `worker ${process.pid}@${hostname()}: Temporal ${address} (namespace ${config.namespace}, task queue ${TASK_QUEUE}), ` +
        `database ${redact(config.databaseUrl)}, SMTP ${redact(smtpUrl(config))}`,
    );
    log('ready (Ctrl-C stops this worker)');
    await runUntilStopped(worker, stopping);
  } finally {
    await runCleanups(cleanups);
  }
  log('stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`[duban] worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
