// A Temporal dev server for one benchmark side, started the way platform/start.ts starts it
// (`temporal server start-dev` on 127.0.0.1 with WAL / synchronous=NORMAL, log level warn), but on free
// ports and a database file in a directory of its own, so that every side starts from an empty server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeFlags } from '../platform/search-attributes';
import { temporalCliPath } from '../platform/tools';

export const NAMESPACE = 'default';

export interface DevServer {
  address: string;
  uiPort: number;
  dbFile: string;
  logFile: string;
  /** A client connection, open until stop(). */
  connection: Connection;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startDevServer(dir: string, opts: { searchAttributes: boolean }): Promise<DevServer> {
  const port = await freePort();
  const uiPort = await freePort();
  const dbFile = join(dir, 'temporal.db');
  const logFile = join(dir, 'temporal.log');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    dbFile,
    '--namespace',
    NAMESPACE,
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    '--log-level',
    'warn',
    ...(opts.searchAttributes ? devServerSearchAttributeFlags() : []),
  ];
  const logFd = openSync(logFile, 'a');
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  let exited: Error | undefined;
  child.once('error', (err) => (exited = new Error(`the Temporal dev server could not run: ${err.message}`)));
  child.once('exit', (code, signal) => (exited ??= new Error(`the Temporal dev server exited (${signal ?? code}); see ${logFile}`)));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = once(child, 'exit');
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000).unref())]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  const address = `127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (exited) throw exited;
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2 seconds' });
      try {
        await connection.workflowService.getSystemInfo({});
      } catch (err) {
        await connection.close();
        throw err;
      }
      return {
        address,
        uiPort,
        dbFile,
        logFile,
        connection,
        async stop() {
          await connection.close();
          await stop();
        },
      };
    } catch (err) {
      if (Date.now() > until) {
        await stop();
        throw new Error(`Temporal at ${address} did not answer within 60 s: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
