// The real stack for the tests that run it as a user would: free ports, and `npm start` / `npm run worker`
// as child processes (through scripts/run.mjs, as the npm scripts do), stopped with a signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The environment of an `npm start` of its own: its data directory and free ports for each of its servers. */
export async function stackEnv(dataDir: string, base: NodeJS.ProcessEnv = process.env): Promise<NodeJS.ProcessEnv> {
  return {
    ...base,
    DUBAN_DATA_DIR: dataDir,
    DUBAN_TEMPORAL_PORT: String(await freePort()),
    DUBAN_TEMPORAL_UI_PORT: String(await freePort()),
    DUBAN_SMTP_PORT: String(await freePort()),
    DUBAN_MAIL_WEB_PORT: String(await freePort()),
    DUBAN_WEB_PORT: String(await freePort()),
  };
}

export interface Proc {
  child: ChildProcess;
  output: string;
}

/** Starts `npm start` or `npm run worker`; resolves once it says it is ready, fails with its output if it exits first. */
export async function startProcess(entry: 'start' | 'worker', env: NodeJS.ProcessEnv): Promise<Proc> {
  const p: Proc = { child: spawn(process.execPath, ['scripts/run.mjs', entry], { env, stdio: ['ignore', 'pipe', 'pipe'] }), output: '' };
  p.child.stdout!.on('data', (d: Buffer) => (p.output += d.toString()));
  p.child.stderr!.on('data', (d: Buffer) => (p.output += d.toString()));
  const until = Date.now() + 90_000;
  while (!p.output.includes('[duban] ready')) {
    if (p.child.exitCode !== null) throw new Error(`${entry} exited early:\n${p.output}`);
    if (Date.now() > until) throw new Error(`${entry} did not become ready:\n${p.output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return p;
}

export async function stopProcess(p: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.child.exitCode !== null) return;
  const exited = new Promise((resolve) => p.child.once('exit', resolve));
  p.child.kill(signal);
  await exited;
}
