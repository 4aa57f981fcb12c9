// A Temporal dev server for one benchmark side, started the way platform/start.ts starts it
// (`temporal server start-dev` on 127.0.0.1 with WAL / synchronous=NORMAL, log level warn), but on free
// ports and a database file in a directory of its own, so that every side starts from an empty server.
// It can be killed like a crash (SIGKILL, no shutdown) and restarted on the same ports and database
// file, so that its timers and histories survive as they would on a real machine (bench chaos).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerArgs } from '../platform/dev-server';
import { temporalCliPath } from '../platform/tools';

export const NAMESPACE = 'default';
/** How long a (re)started dev server may take to answer. */
const READY_TIMEOUT_MS = 60_000;

export interface DevServer {
  address: string;
  port: number;
  uiPort: number;
  dbFile: string;
  logFile: string;
  /** A client connection, open until stop(); a new one after each restart() (the old one is closed). */
  readonly connection: Connection;
  /** The server process's id (a new one after each restart()). */
  readonly pid: number | undefined;
  /**
   * SIGKILL the server process now, as a crash would: no shutdown, nothing flushed. Synchronous, so that
   * it can be sent in the same instant as other kills; `exited()` resolves when the process is gone.
   */
  kill(): void;
  /** Resolves when the current server process has exited. */
  exited(): Promise<void>;
  /** Starts the server again on the same ports and database file; resolves when it answers. */
  restart(): Promise<void>;
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

const gone = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export async function startDevServer(dir: string, opts: { searchAttributes: boolean }): Promise<DevServer> {
  const port = await freePort();
  const uiPort = await freePort();
  const dbFile = join(dir, 'temporal.db');
  const logFile = join(dir, 'temporal.log');
  const address = `127.0.0.1:${port}`;
  const args = devServerArgs({ port, uiPort, dbFile, namespace: NAMESPACE, searchAttributes: opts.searchAttributes });

  let child: ChildProcess;
  let exited: Error | undefined;
  let connection: Connection | undefined;

  const spawnServer = () => {
    const logFd = openSync(logFile, 'a');
    child = spawn(temporalCliPath(), args, { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    exited = undefined;
    const self = child;
    self.once('error', (err) => (exited = new Error(`the Temporal dev server could not run: ${err.message}`)));
    self.once('exit', (code, signal) => {
      if (self === child) exited ??= new Error(`the Temporal dev server exited (${signal ?? code}); see ${logFile}`);
    });
  };

  const stopProcess = async () => {
    if (gone(child)) return;
    const exit = once(child, 'exit');
    child.kill('SIGTERM');
    await Promise.race([exit, new Promise((r) => setTimeout(r, 10_000).unref())]);
    if (!gone(child)) child.kill('SIGKILL');
  };

  /** Waits until the server answers; returns a connection to it. */
  const ready = async (): Promise<Connection> => {
    const until = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exited) throw exited;
      try {
        const c = await Connection.connect({ address, connectTimeout: '2 seconds' });
        try {
          await c.workflowService.getSystemInfo({});
        } catch (err) {
          await c.close();
          throw err;
        }
        return c;
      } catch (err) {
        if (Date.now() > until) {
          await stopProcess();
          throw new Error(`Temporal at ${address} did not answer within ${READY_TIMEOUT_MS / 1000} s: ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  };

  spawnServer();
  connection = await ready();
  return {
    address,
    port,
    uiPort,
    dbFile,
    logFile,
    get connection() {
      return connection!;
    },
    get pid() {
      return child.pid;
    },
    kill() {
      if (!gone(child)) child.kill('SIGKILL');
    },
    async exited() {
      if (!gone(child)) await once(child, 'exit');
    },
    async restart() {
      if (!gone(child)) throw new Error('restart(): the dev server is still running; kill() it first');
      const old = connection;
      connection = undefined;
      spawnServer();
      connection = await ready();
      await old?.close().catch(() => {});
    },
    async stop() {
      await connection?.close().catch(() => {});
      await stopProcess();
    },
  };
}
